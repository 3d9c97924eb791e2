"""Forked workers (regen.workers): the parts of a run over many pages, done in other processes,
give exactly what one process gives; a worker that fails or dies loses nothing; a run that
fails leaves no temp file of any worker behind."""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import regen.workers
from regen.errors import ExitCode
from regen.workers import in_parts, split
from regen.write import TEMP_SUFFIX, Staging
from tests.conftest import BLURB, TABLE, UUID_A, UUID_BLURB, Repo, Runner, blurb, region

# split and in_parts ----------------------------------------------------------------------------


@given(st.lists(st.integers(), max_size=60), st.integers(min_value=1, max_value=8))
def test_split_keeps_order_and_balances_the_parts(items: list[int], parts: int) -> None:
    cut = split(items, parts)
    assert len(cut) == parts
    assert [item for part in cut for item in part] == items
    sizes = [len(part) for part in cut]
    assert max(sizes) - min(sizes) <= 1


def doubled(part: Sequence[int]) -> list[int]:
    return [2 * item for item in part]


def never(_: object) -> None:
    raise AssertionError("nothing to discard")


@pytest.mark.parametrize("workers", [1, 2, 3, 5])
def test_in_parts_gives_the_results_in_order(workers: int) -> None:
    parts = in_parts(list(range(23)), doubled, workers, never)
    assert len(parts) == workers
    assert [item for part in parts for item in part] == [2 * i for i in range(23)]


def test_a_part_is_done_in_another_process() -> None:
    parent = os.getpid()
    pids = in_parts([1, 2, 3, 4], lambda part: [os.getpid()] * len(part), 2, never)
    assert pids[0] == [parent, parent]
    assert pids[1][0] != parent


@pytest.mark.parametrize("how", ["raises", "dies", "sends what cannot be read"])
def test_a_failing_worker_has_its_part_done_here(how: str) -> None:
    parent = os.getpid()

    def work(part: Sequence[int]) -> object:
        if os.getpid() != parent:
            if how == "raises":
                raise RuntimeError("a bug")
            if how == "dies":
                os._exit(9)
            return lambda: None  # cannot be pickled
        return doubled(part)

    assert in_parts([1, 2, 3, 4, 5], work, 2, lambda _: None) == [[2, 4, 6], [8, 10]]


def test_when_this_process_fails_no_workers_result_is_left_behind(tmp_path: Path) -> None:
    parent = os.getpid()

    def work(part: Sequence[int]) -> list[Path]:
        if os.getpid() == parent:
            raise ValueError("this part failed")
        made: list[Path] = []
        try:  # as a run's part does: what it made goes when it is interrupted
            for item in part:
                made.append(tmp_path / f"{item}{TEMP_SUFFIX}")
                made[-1].write_text("x")
        except BaseException:
            discard(made)
            raise
        return made

    def discard(files: list[Path]) -> None:
        for file in files:
            file.unlink(missing_ok=True)

    with pytest.raises(ValueError, match="this part failed"):
        in_parts(list(range(6)), work, 3, discard)
    assert list(tmp_path.iterdir()) == []


def test_one_core_or_a_few_items_is_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(regen.workers, "cores", lambda: 1)
    assert regen.workers.worker_count(10_000) == 1
    monkeypatch.setattr(regen.workers, "cores", lambda: 4)
    assert regen.workers.worker_count(regen.workers.PAGES_PER_WORKER - 1) == 1
    assert regen.workers.worker_count(3 * regen.workers.PAGES_PER_WORKER) == 3
    assert regen.workers.worker_count(100 * regen.workers.PAGES_PER_WORKER) == 4


# A run with workers ---------------------------------------------------------------------------


STALE = region(UUID_A, "old\n")
FRESH = region(UUID_A, TABLE)


@pytest.fixture
def pages(repo: Repo) -> Repo:
    """Twelve pages: fresh and stale ones in every part, and a blurb."""
    for number in range(12):
        body = STALE if number % 3 == 0 else FRESH
        repo.write(
            f"docs/p{number:02}.md", f"# Page {number}\n\n{body}\n{blurb(UUID_BLURB, BLURB)}"
        )
    return repo


def with_workers(monkeypatch: pytest.MonkeyPatch, workers: int) -> list[int]:
    """Make even a small run use `workers` processes (1: none), whatever the machine has; the
    list fills with the workers forked."""
    monkeypatch.setattr(regen.workers, "cores", lambda: workers)
    monkeypatch.setattr(regen.workers, "PAGES_PER_WORKER", 1)
    forked: list[int] = []
    fork = os.fork

    def counted() -> int:
        pid = fork()
        if pid:
            forked.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", counted)
    return forked


def tree(repo: Repo) -> dict[str, bytes]:
    return {
        str(p.relative_to(repo.root)): p.read_bytes()
        for p in sorted(repo.root.rglob("*"))
        if p.is_file() and ".regen-cache" not in p.parts
    }


@pytest.mark.parametrize("workers", [2, 3])
def test_check_with_workers_reports_what_one_process_does(
    pages: Repo, run: Runner, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    assert pages.root.is_dir()
    with_workers(monkeypatch, 1)
    alone = run("check", "--format", "json"), run("check"), run("list")
    forked = with_workers(monkeypatch, workers)
    shared = run("check", "--format", "json"), run("check"), run("list")
    assert len(forked) == 3 * (workers - 1)
    assert alone == shared
    assert alone[0].code == ExitCode.STALE
    assert json.loads(alone[0].out)["summary"]["stale"] == 4


@pytest.mark.parametrize("workers", [2, 3])
def test_update_with_workers_writes_what_one_process_does(
    pages: Repo,
    run: Runner,
    monkeypatch: pytest.MonkeyPatch,
    workers: int,
) -> None:
    before = tree(pages)
    with_workers(monkeypatch, 1)
    assert run("update").code == ExitCode.OK
    alone = tree(pages)
    for path, data in before.items():
        pages.write(path, data)
    (pages.root / "regen.lock").unlink()
    forked = with_workers(monkeypatch, workers)
    result = run("update")
    assert result.code == ExitCode.OK
    assert len(forked) == workers - 1
    assert tree(pages) == alone
    assert not list(pages.root.rglob(f"*{TEMP_SUFFIX}"))
    assert run("check").code == ExitCode.OK


def test_a_problem_in_any_part_writes_nothing_and_leaves_no_temp_file(
    pages: Repo, run: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages.write("docs/p11.md", "# Broken\n\n" + region(UUID_A, "x\n").replace("END", "END!", 1))
    before = tree(pages)
    with_workers(monkeypatch, 2)
    result = run("update")
    assert result.code == ExitCode.INPUT_ERROR
    assert "docs/p11.md:" in result.err
    assert tree(pages) == before  # the stale pages of the first part were staged, then removed
    assert not list(pages.root.rglob(f"*{TEMP_SUFFIX}"))


def test_leftovers_of_a_crashed_run_go_but_no_workers_temp_file(
    pages: Repo, run: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    leftover = pages.write(f"docs/.p00.md.0badc0de{TEMP_SUFFIX}", "from a crash")
    with_workers(monkeypatch, 3)
    assert run("update").code == ExitCode.OK
    assert not leftover.exists()
    assert not list(pages.root.rglob(f"*{TEMP_SUFFIX}"))
    assert run("check").code == ExitCode.OK


def test_a_uuid_on_every_page_is_built_once_a_run_whatever_the_workers(
    pages: Repo,
    run: Runner,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    from regen.generators import Context, Job
    from regen.generators.blurb import BlurbGenerator
    from regen.generators.table import TableGenerator

    assert pages.root.is_dir()
    log = tmp_path_factory.mktemp("log") / "builds"  # a file: workers are other processes

    def counted(original: Callable[[Any, Context], Job]) -> Callable[[Any, Context], Job]:
        def prepare(self: Any, context: Context) -> Job:
            job = original(self, context)

            def build() -> str | None:
                with log.open("a") as out:
                    out.write(f"{os.getpid()} {context.spec.uuid}\n")
                return job.build()

            return Job(job.inputs, build)

        return prepare

    monkeypatch.setattr(TableGenerator, "prepare", counted(TableGenerator.prepare))
    monkeypatch.setattr(BlurbGenerator, "prepare", counted(BlurbGenerator.prepare))
    forked = with_workers(monkeypatch, 3)
    assert run("update", "--no-cache").code == ExitCode.OK
    assert len(forked) == 2
    built = [line.split()[1] for line in log.read_text().splitlines()]
    assert sorted(built) == sorted([UUID_A, UUID_BLURB])


def test_a_region_that_fails_before_the_workers_is_reported_at_its_page(
    pages: Repo, run: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    (pages.root / "sources" / f"blurbs/{UUID_BLURB}.md").unlink()
    with_workers(monkeypatch, 1)
    alone = run("check")
    with_workers(monkeypatch, 2)
    shared = run("check")
    assert alone == shared
    assert shared.code == ExitCode.INPUT_ERROR
    assert f"docs/p00.md:7: blurb {UUID_BLURB} has no master text" in shared.err
    assert "docs/p06.md" not in shared.err  # not again at the first page of the worker


def test_a_region_that_fails_only_in_a_workers_part_is_reported(
    pages: Repo, run: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    lonely = "0f8fad5b-d9cb-469f-a165-70867728950e"
    pages.write("docs/p11.md", "# Last\n\n" + blurb(lonely, ""))
    with_workers(monkeypatch, 1)
    alone = run("check")
    forked = with_workers(monkeypatch, 2)
    shared = run("check")
    assert forked
    assert alone == shared
    assert f"docs/p11.md:3: blurb {lonely} has no master text" in shared.err


@pytest.mark.parametrize("how", ["cannot send", "is killed", "one of three is killed"])
def test_an_update_whose_worker_fails_writes_everything_once(
    pages: Repo, run: Runner, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    """The part of a worker that failed after staging pages is done again here: each page is
    staged once (never twice), the worker's temp files go, and regen.lock is written."""
    with_workers(monkeypatch, 1)
    assert run("update").code == ExitCode.OK
    alone = tree(pages)
    for number in range(0, 12, 3):
        pages.write(
            f"docs/p{number:02}.md", f"# Page {number}\n\n{STALE}\n{blurb(UUID_BLURB, BLURB)}"
        )
    (pages.root / "regen.lock").unlink()
    parent = os.getpid()
    real_dump, real_stage = pickle.dump, Staging.stage

    def failing_dump(*args: Any, **kwargs: Any) -> None:
        if os.getpid() != parent:
            raise pickle.PicklingError("cannot send")
        real_dump(*args, **kwargs)

    def dying_stage(self: Staging, write: Any) -> None:
        real_stage(self, write)
        # "one of three": only the worker of the middle part (p04-p07) dies; the last one's
        # temp files, not yet taken on, must survive the clean-up after the dead one.
        middle = write.shown in {f"docs/p{n:02}.md" for n in range(4, 8)}
        if os.getpid() != parent and (how == "is killed" or middle):
            os.kill(os.getpid(), signal.SIGKILL)

    if how == "cannot send":
        monkeypatch.setattr(pickle, "dump", failing_dump)
    else:
        monkeypatch.setattr(Staging, "stage", dying_stage)
    forked = with_workers(monkeypatch, 3 if how.startswith("one of three") else 2)
    result = run("update")
    assert forked
    assert (result.code, result.err) == (ExitCode.OK, "")
    assert tree(pages) == alone
    assert not list(pages.root.rglob(f"*{TEMP_SUFFIX}"))


@pytest.mark.parametrize("workers", [1, 3])
@pytest.mark.parametrize("body", ["# Odd\n", FRESH])
def test_a_page_named_in_bytes_that_are_not_utf8_gets_no_lock_line(
    pages: Repo, run: Runner, monkeypatch: pytest.MonkeyPatch, workers: int, body: str
) -> None:
    """Legal on Linux, but no line of the UTF-8 lock can name it: as a name with a line
    break, its regions have no entry, and the lock is written and compared without it."""
    with_workers(monkeypatch, workers)
    assert run("update").code == ExitCode.OK
    odd = pages.root / os.fsdecode(b"docs/\xff.md")
    odd.write_text(body)
    for command in ("check", "update", "check", "list"):
        result = run(command)
        assert (result.code, result.err) == (ExitCode.OK, ""), command
    assert "\ufffd" not in pages.read("regen.lock")
    if body == FRESH:  # a region: listed, shown with what UTF-8 has for a lost byte
        assert "docs/\ufffd.md:1\t" in run("list").out
        odd.write_text(STALE)
        assert run("check").code == ExitCode.STALE
        assert run("update").code == ExitCode.OK
        assert odd.read_text() == body


def test_workers_are_never_forked_beside_other_threads_or_when_turned_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(regen.workers, "cores", lambda: 4)
    assert regen.workers.worker_count(10_000) == 4
    monkeypatch.setenv("REGEN_WORKERS", "1")
    assert regen.workers.worker_count(10_000) == 1
    monkeypatch.setenv("REGEN_WORKERS", "0")
    assert regen.workers.worker_count(10_000) == 1
    monkeypatch.setenv("REGEN_WORKERS", "many")
    assert regen.workers.worker_count(10_000) == 4
    monkeypatch.setenv("REGEN_WORKERS", "2")
    assert regen.workers.worker_count(10_000) == 2
    monkeypatch.delenv("REGEN_WORKERS")
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert regen.workers.worker_count(10_000) == 1
    finally:
        stop.set()
        thread.join()


@pytest.mark.parametrize(
    ("delay", "to"),
    [(0.2, "group"), (0.3, "group"), (0.4, "group"), (0.5, "group"), (0.3, "pid"), (0.5, "pid")],
)
def test_ctrl_c_at_the_terminal_leaves_no_temp_file(repo: Repo, delay: float, to: str) -> None:
    """A real Ctrl-C: SIGINT to the whole process group (regen and its workers), as a
    terminal sends it, or to regen alone (kill -INT), during an update of 1,500 stale pages
    shared by 4 processes. It ends, every temp file goes, and no page is half-way."""
    for number in range(1500):
        repo.write(f"docs/d{number % 7}/p{number:04}.md", f"# Page {number}\n\n{STALE}")
    before = tree(repo)
    process = subprocess.Popen(
        [sys.executable, "-m", "regen", "update", "-q"],
        cwd=repo.root,
        start_new_session=True,  # its own group, as a terminal's foreground job
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "REGEN_WORKERS": "4"},
    )
    time.sleep(delay)
    with contextlib.suppress(ProcessLookupError):
        (os.killpg if to == "group" else os.kill)(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=60)
    # A Ctrl-C after the run, while the interpreter shuts down (its handlers already reset),
    # ends it by the signal itself, as the shell reports with 130 too.
    assert process.returncode in (ExitCode.OK, ExitCode.INTERRUPTED, -signal.SIGINT), err
    assert not list(repo.root.rglob(f"*{TEMP_SUFFIX}"))
    pages = {path: data for path, data in tree(repo).items() if path.startswith("docs/")}
    old = {path: data for path, data in before.items() if path.startswith("docs/")}
    rebuilt = [b"old" not in data for data in pages.values()]
    assert all(rebuilt) or pages == old  # all new (a Ctrl-C waits for the renames) or all old
    if process.returncode in (ExitCode.OK, -signal.SIGINT):  # the run had finished
        assert all(rebuilt)


def test_every_body_built_before_the_fork_is_in_the_cache_after(
    pages: Repo, run: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Entries made before the fork, and in each worker, are written by the parent: all of
    them, once."""
    from regen.cache import FOLDER

    with_workers(monkeypatch, 3)
    first = run("check")
    (pack,) = (pages.root / FOLDER).glob("pack-*.txt")  # all in one file
    assert len(pack.read_text().splitlines()) == 2  # the table and the blurb
    from regen.generators import Context, Job
    from regen.generators.table import TableGenerator

    original = TableGenerator.prepare

    def unbuildable(generator: TableGenerator, context: Context) -> Job:
        def build() -> str:
            raise AssertionError("built, though its body is in the cache")

        return Job(original(generator, context).inputs, build)

    monkeypatch.setattr(TableGenerator, "prepare", unbuildable)
    with_workers(monkeypatch, 1)
    assert run("check") == first  # found in the cache: nothing built


@pytest.mark.parametrize("workers", [1, 3])
def test_a_full_check_holds_each_page_to_its_own_lock_lines(
    pages: Repo, run: Runner, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    """A full check keeps a digest of each page's lock lines, in the order planned: an
    unreadable page (with no lines) keeps its place, so every other page is still compared
    with its own lines, in every part; a wrong line on any page is found."""
    from regen import api

    with_workers(monkeypatch, workers)
    assert run("update").code == ExitCode.OK
    pages.write("docs/p01-unreadable.md", b"caf\xe9\n")  # in the first part: no line
    report = api.check()
    assert [p.path for p in report.problems] == ["docs/p01-unreadable.md"]
    assert not report.lock_outdated  # the lock agrees, page by page
    lock = pages.read("regen.lock")
    for page in ("docs/p00.md", "docs/p11.md"):  # the first page and the last
        line = next(line for line in lock.splitlines() if line.startswith(page))
        pages.write("regen.lock", lock.replace(line, line[:-1] + ("0" if line[-1] != "0" else "1")))
        assert api.check().lock_outdated
    pages.write("regen.lock", lock)
    (pages.root / "docs/p01-unreadable.md").unlink()
    assert run("check").code == ExitCode.OK

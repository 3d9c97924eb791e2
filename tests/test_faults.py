"""Real faults while writing: a full disk, a read-only page, another run at the same time.
Each gives one clear error line and writes no page at all."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from regen.errors import ExitCode
from regen.lock import lock_path
from tests.conftest import (
    BLURB,
    CARRIERS,
    CONFIG,
    TABLE,
    UUID_A,
    UUID_BLURB,
    Repo,
    Runner,
    blurb,
    git_init,
    regen_apart,
)
from tests.conftest import region as generated

FRESH = "# Carriers\n\n" + generated(UUID_A, TABLE)
STALE = "# Carriers\n\n" + generated(UUID_A, "old\n")


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 KiB tmpfs: a real disk that fills up (needs root, which CI has)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        done = subprocess.run(["umount", str(mount)], capture_output=True, check=False)
        if done.returncode != 0:  # busy: something left a file open on it (a leak)
            subprocess.run(["umount", "-l", str(mount)], check=False)  # never left mounted
            pytest.fail(f"cannot unmount the small disk: {done.stderr.decode().strip()}")


def test_a_full_disk_writes_no_page(
    small_disk: Path, run: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    (small_disk / "regen.toml").write_text(CONFIG)
    (small_disk / "sources").mkdir()
    (small_disk / "sources/carriers.csv").write_text(CARRIERS)
    (small_disk / "docs").mkdir()
    pages = [small_disk / "docs" / f"p{n}.md" for n in range(3)]
    for page in pages:
        page.write_text(STALE)
    # Fill the disk but for a few bytes: the first temp file cannot be written.
    filler = small_disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"x" * 512)
    except OSError:
        pass
    finally:
        os.close(fd)
    monkeypatch.chdir(small_disk)
    result = run("--no-cache", "update")
    assert result.code == ExitCode.INPUT_ERROR
    assert result.err.splitlines() == [
        "docs/p0.md: cannot write: No space left on device "
        "(check free space and permissions; no page was written)",
        "regen: 1 problem found; nothing was written",
    ]
    assert [p.read_text() for p in pages] == [STALE] * 3
    assert not list((small_disk / "docs").glob(".*.regen-tmp"))
    filler.unlink()
    assert run("--no-cache", "update").code == 0
    assert [p.read_text() for p in pages] == [FRESH] * 3


def test_a_read_only_page_writes_no_page(repo: Repo, run: Runner) -> None:
    first = repo.write("docs/a.md", STALE)
    locked = repo.write("docs/b.md", STALE)
    locked.chmod(0o444)
    result = run("update")
    assert result.code == ExitCode.INPUT_ERROR
    assert result.err.splitlines()[0] == (
        "docs/b.md: the page is read-only; no page was written "
        "(make it writable (chmod u+w) if regen may rewrite it)"
    )
    assert first.read_text() == STALE
    assert locked.read_text() == STALE


def test_a_rename_failing_midway_says_what_was_written(
    repo: Repo, run: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The one failure that can leave some pages new and others old (the disk failing during
    the renames): the pages already in place are said, never "nothing was written"."""
    pages = [repo.write(f"docs/p{n}.md", STALE) for n in range(3)]
    replace = Path.replace

    def failing(self: Path, target: str | os.PathLike[str]) -> Path:
        if Path(target).name == "p1.md":
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        return replace(self, target)

    monkeypatch.setattr(Path, "replace", failing)
    result = run("update")
    assert result.code == ExitCode.INPUT_ERROR
    assert result.out == "updated docs/p0.md (1 region)\n"
    assert result.err == (
        "docs/p1.md: cannot write: Input/output error (written before it: docs/p0.md; run"
        " regen again)\n"
        "regen: 1 problem found\n"
    )
    assert [page.read_text() for page in pages] == [FRESH, STALE, STALE]
    assert sorted(p.name for p in (repo.root / "docs").iterdir()) == ["p0.md", "p1.md", "p2.md"]
    monkeypatch.setattr(Path, "replace", replace)
    assert run("update", "-q").code == ExitCode.OK
    assert [page.read_text() for page in pages] == [FRESH] * 3


def test_a_save_landing_while_the_pages_are_renamed_is_left_alone(
    repo: Repo, run: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every page is checked, then each is renamed: an editor's save of a later page while the
    earlier ones are renamed is not written over. The renames stop there, and say so."""
    pages = [repo.write(f"docs/p{n}.md", STALE) for n in range(3)]
    replace = Path.replace

    def saving_meanwhile(self: Path, target: str | os.PathLike[str]) -> Path:
        done = replace(self, target)
        if Path(target).name == "p0.md":  # as p0 is put in place, someone saves p2
            saved = repo.root / "docs/.p2.md.swp"
            saved.write_text(STALE + "The user's work.\n")
            replace(saved, repo.root / "docs/p2.md")
        return done

    monkeypatch.setattr(Path, "replace", saving_meanwhile)
    result = run("update")
    assert result.code == ExitCode.INPUT_ERROR
    assert result.err.splitlines()[0] == (
        "docs/p2.md: changed while regen was running; left as it is (written before it:"
        " docs/p0.md, docs/p1.md; run regen again)"
    )
    assert result.out == "updated docs/p0.md (1 region)\nupdated docs/p1.md (1 region)\n"
    assert pages[2].read_text() == STALE + "The user's work.\n"
    assert [p.name for p in (repo.root / "docs").iterdir() if "regen-tmp" in p.name] == []


def test_leftover_temp_files_are_removed(repo: Repo, run: Runner) -> None:
    repo.write("docs/a.md", STALE)
    leftover = repo.write("docs/.a.md.k3j4h5.regen-tmp", "half of a page")
    kept = repo.write("docs/.notes.tmp", "not regen's")
    assert run("update").code == 0
    assert not leftover.exists()
    assert kept.exists()


def test_temp_files_of_a_run_still_going_are_left_to_it(repo: Repo, run: Runner) -> None:
    """Another run in the same folders (a nested configuration's, which has a lock of its
    own) is not robbed of its temp files; a dead run's and an older regen's are removed."""
    repo.write("docs/a.md", STALE)
    with subprocess.Popen(["true"]) as ended:
        ended.wait()  # its process id is free again
    alive = subprocess.Popen(["sleep", "60"])
    try:
        going = repo.write(f"docs/.b.md.{alive.pid}x0badcafe01234567.regen-tmp", "going")
        gone = repo.write(f"docs/.c.md.{ended.pid}x0badcafe01234567.regen-tmp", "gone")
        older = repo.write("docs/.d.md.0badcafe01234567.regen-tmp", "older")
        assert run("update").code == ExitCode.OK
        assert going.exists()
        assert not gone.exists()
        assert not older.exists()
    finally:
        alive.kill()
        alive.wait()
    assert run("update").code == ExitCode.OK
    assert not going.exists()


def test_a_second_run_waits_for_the_first(repo: Repo) -> None:
    repo.write("docs/a.md", STALE)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from pathlib import Path\n"
            "from regen.lock import run_lock\n"
            "with run_lock(Path(sys.argv[1])):\n"
            "    print('locked', flush=True)\n"
            "    time.sleep(60)\n",
            str(repo.root),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == "locked\n"
        waiting = subprocess.Popen(
            [sys.executable, "-m", "regen", "update"],
            cwd=repo.root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(1.5)
        assert waiting.poll() is None, "it did not wait"
        assert repo.read("docs/a.md") == STALE
        holder.kill()  # a lock whose holder dies is taken over at once
        _out, err = waiting.communicate(timeout=30)
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
    assert waiting.returncode == 0, err
    assert err.startswith(f"regen: waiting for the run of process {holder.pid}, started ")
    assert repo.read("docs/a.md") == FRESH
    assert lock_path(repo.root).exists()


def test_two_runs_at_once_leave_the_tree_consistent(repo: Repo) -> None:
    for n in range(30):
        repo.write(f"docs/p{n}.md", STALE)
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "regen", "update", "-q"],
            cwd=repo.root,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for process in runs:
        _, err = process.communicate(timeout=60)
        assert process.returncode == 0, err
    assert all(repo.read(f"docs/p{n}.md") == FRESH for n in range(30))


def test_the_lock_file_is_regens_own_and_ignored(repo: Repo, run: Runner) -> None:
    repo.write("docs/a.md", STALE)
    run("update")
    assert lock_path(repo.root) == repo.root / ".regen-cache" / "lock"
    assert (repo.root / ".regen-cache" / ".gitignore").read_text().endswith("*\n")


def test_another_users_lock_file_still_locks(repo: Repo, run: Runner) -> None:
    repo.write("docs/a.md", STALE)
    run("update")
    repo.write("docs/a.md", STALE)
    lock = lock_path(repo.root)
    lock.chmod(0o444)  # as if made by another user; root still opens it, so check the mode path
    assert run("update").code == 0
    assert repo.read("docs/a.md") == FRESH


# Without root's power over permissions --------------------------------------------------------


def regen_unprivileged(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`regen ARGS` in a process that permission bits apply to: as root (which CI is), with
    the capabilities that override them dropped; as anyone else, as it is."""
    command = [sys.executable, "-m", "regen", *args]
    if os.geteuid() == 0:
        setpriv = ["setpriv", "--inh-caps=-all", "--bounding-set=-dac_override,-dac_read_search"]
        probe = subprocess.run([*setpriv, "true"], capture_output=True, check=False)
        if probe.returncode != 0:
            pytest.skip(f"cannot drop capabilities here: {probe.stderr.decode().strip()}")
        command = [*setpriv, *command]
    return subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)


@pytest.fixture
def locked_folder(repo: Repo) -> Iterator[Path]:
    """docs/sub, holding a stale page, that may not be read or entered."""
    repo.write("docs/a.md", FRESH)
    repo.write("docs/sub/s.md", STALE)
    folder = repo.root / "docs/sub"
    folder.chmod(0)
    try:
        yield folder
    finally:
        folder.chmod(0o755)


@pytest.mark.usefixtures("locked_folder")
def test_a_folder_that_cannot_be_read_is_a_problem_not_skipped(repo: Repo) -> None:
    done = regen_unprivileged(repo.root, "check")
    assert done.returncode == ExitCode.INPUT_ERROR
    assert done.stderr.splitlines()[0] == (
        "docs/sub: cannot read this folder: Permission denied; pages in it would go unchecked"
        " (make it readable, or add it to exclude in regen.toml)"
    )
    done = regen_unprivileged(repo.root, "check", "docs/sub/s.md")
    assert done.returncode == ExitCode.INPUT_ERROR
    assert done.stderr.splitlines()[0] == (
        "docs/sub/s.md: cannot read: Permission denied (check its permissions)"
    )
    for exclude in ("docs/sub", "docs/sub/**", "**/sub/**"):  # as the README writes them
        repo.write("regen.toml", f'exclude = ["{exclude}"]\n' + CONFIG)
        done = regen_unprivileged(repo.root, "check")
        assert (done.returncode, done.stdout) == (0, "regen: all 1 region in 1 page up to date\n")
    repo.write("regen.toml", 'exclude = ["docs/sub/*.md"]\n' + CONFIG)  # not what is below
    assert regen_unprivileged(repo.root, "check").returncode == ExitCode.INPUT_ERROR


@pytest.mark.usefixtures("locked_folder")
def test_a_folder_the_globs_cannot_reach_is_not_regens_business(repo: Repo) -> None:
    repo.write("regen.toml", CONFIG.replace('pages = ["docs/**/*.md"]', 'pages = ["docs/*.md"]'))
    assert regen_unprivileged(repo.root, "check").returncode == ExitCode.OK
    repo.write("regen.toml", CONFIG.replace('pages = ["docs/**/*.md"]', 'pages = ["guide/**"]'))
    repo.write("guide/g.md", FRESH)
    assert regen_unprivileged(repo.root, "check").returncode == ExitCode.OK


def test_a_tracked_page_in_a_folder_that_cannot_be_read_is_said(
    repo: Repo, locked_folder: Path
) -> None:
    locked_folder.chmod(0o755)
    git_init(repo.root)
    subprocess.run(["git", "add", "-A"], cwd=repo.root, check=True)
    locked_folder.chmod(0)
    done = regen_unprivileged(repo.root, "check")
    assert done.returncode == ExitCode.INPUT_ERROR
    assert done.stderr.splitlines()[0] == (
        "docs/sub/s.md: cannot read: Permission denied (check the path)"
    )


def test_named_pipes_where_files_are_read_are_refused_not_waited_on(repo: Repo) -> None:
    """A source, the configuration or a page that is a named pipe with no writer: one line
    each, never a run that waits forever (each run is bounded by a timeout here)."""
    repo.write("docs/a.md", STALE)

    def regen(*args: str) -> subprocess.CompletedProcess[str]:
        return regen_apart(repo.root, *args)

    assert regen("check").returncode == ExitCode.STALE  # the cache now remembers the source's bytes
    source = repo.root / "sources/carriers.csv"
    source.unlink()
    os.mkfifo(source)
    for _ in range(2):  # the cache's look-up reads the source too
        done = regen("check")
        assert done.returncode == ExitCode.INPUT_ERROR
        assert done.stderr.splitlines()[0] == (
            "sources/carriers.csv: not a regular file (a named pipe or a device)"
            " (name a .csv or .json file)"
        )
    os.mkfifo(repo.root / "pipe.toml")
    done = regen("--config", "pipe.toml", "check")
    assert done.stderr.splitlines()[0] == (
        "pipe.toml: not a regular file (a named pipe or a device) (name a TOML file)"
    )
    os.mkfifo(repo.root / "docs/pipe.md")
    done = regen("check", "docs/pipe.md")
    assert done.stderr.splitlines()[0] == (
        "docs/pipe.md: not a regular file (a named pipe or a device) (name a page)"
    )


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (os.mkfifo, "not a regular file (a named pipe or a device)"),
        (Path.mkdir, "a folder"),
    ],
)
def test_a_lock_that_is_no_file_is_one_line_never_waited_on(
    repo: Repo, make: Callable[[Path], object], said: str
) -> None:
    repo.write("docs/a.md", FRESH)
    make(repo.root / "regen.lock")
    done = regen_apart(repo.root, "check")
    assert done.returncode == ExitCode.INPUT_ERROR
    assert done.stderr.splitlines()[0] == (
        f"regen.lock: {said} (remove it: 'regen update' writes regen.lock anew)"
    )


def test_a_blurb_master_that_is_a_named_pipe_is_one_line(repo: Repo) -> None:
    repo.write("docs/b.md", blurb(UUID_BLURB, BLURB))
    master = repo.root / f"sources/blurbs/{UUID_BLURB}.md"
    master.unlink()
    os.mkfifo(master)
    done = regen_apart(repo.root, "check")
    assert done.returncode == ExitCode.INPUT_ERROR
    assert done.stderr.splitlines()[0] == (
        f"sources/blurbs/{UUID_BLURB}.md: not a regular file (a named pipe or a device)"
        " (make it a file of the blurb's text)"
    )

"""The body cache: a run whose inputs did not change builds nothing and imports no pandas; a
changed input, a corrupt or foreign entry, are never trusted."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from regen.cache import FOLDER
from regen.errors import ExitCode
from tests.conftest import BLURB, TABLE, UUID_A, UUID_BLURB, Repo, Runner, blurb, git_init
from tests.conftest import region as generated

FRESH = "# Carriers\n\n" + generated(UUID_A, TABLE)
STALE = "# Carriers\n\n" + generated(UUID_A, "old\n")
PROBE = (
    "import sys\n"
    "from regen.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "print(code, sorted(m for m in MODULES if m in sys.modules))\n"
)
HEAVY = ("pandas", "git", "mistune")


def run_fresh_process(root: Path, *args: str, modules: tuple[str, ...] = HEAVY) -> str:
    """Run regen in a new interpreter (so imports start from nothing): its exit code, and
    which of `modules` it imported."""
    probe = PROBE.replace("MODULES", repr(modules))
    done = subprocess.run(
        [sys.executable, "-c", probe, *args], cwd=root, capture_output=True, text=True, check=True
    )
    return done.stdout.splitlines()[-1]


def packs(repo: Repo) -> list[Path]:
    return sorted((repo.root / FOLDER).glob("pack-*.txt"))


def lines(repo: Repo) -> list[tuple[str, str, str]]:
    """Each line of the packs, as a run reads them: (key, owner, the entry's JSON)."""
    found = []
    for pack in packs(repo):
        for line in pack.read_bytes().decode("utf-8", "replace").splitlines():
            key, owner, _seen, entry = line.split(" ", 3)
            found.append((key, owner, entry))
    return found


def entries(repo: Repo) -> dict[str, str]:
    """The built bodies in the cache: the JSON of each entry by its key (a later pack's line
    wins, as for a run)."""
    return {key: entry for key, _, entry in lines(repo)}


def replace_entry(repo: Repo, key: str, entry: str) -> None:
    """Put `entry` in place of the key's entry in the packs."""
    for pack in packs(repo):
        text = pack.read_text().splitlines(keepends=True)
        pack.write_text(
            "".join(
                f"{key} {' '.join(line.split(' ')[1:3])} {entry}\n"
                if line.startswith(key)
                else line
                for line in text
            )
        )


def seen_lines(repo: Repo) -> dict[str, str]:
    """Each entry's owner and when its owner last used it, by key."""
    found = {}
    for pack in packs(repo):
        for line in pack.read_bytes().decode("utf-8", "replace").splitlines():
            key, owner, seen, _ = line.split(" ", 3)
            found[key] = f"{owner} {seen}"
    return found


def written(repo: Repo) -> dict[str, object]:
    """What the cache folder holds, to tell whether a run wrote to it: a pack's time of
    writing, every other file's bytes (a memo read is touched, not written)."""
    return {
        p.name: p.stat().st_mtime_ns if p.name.startswith("pack-") else p.read_bytes()
        for p in (repo.root / FOLDER).iterdir()
    }


def remembered(repo: Repo) -> list[tuple[Path, object]]:
    """What the cache remembers besides bodies (slot-*.json), each with its value."""
    found = []
    for memo in sorted((repo.root / FOLDER).glob("slot-*.json")):
        found.append((memo, json.loads(json.loads(memo.read_text())["body"])))
    return found


def remembered_inputs(repo: Repo) -> list[Path]:
    """The memos of which files each region reads: paths by uuid (a configuration's parse
    has its "table" instead)."""
    return [
        memo for memo, value in remembered(repo) if isinstance(value, dict) and "table" not in value
    ]


def test_a_warm_run_imports_no_pandas_git_or_mistune(repo: Repo) -> None:
    repo.write("docs/a.md", FRESH)
    assert run_fresh_process(repo.root, "check") == "0 []"
    assert entries(repo)  # the first run built the body and kept it
    assert run_fresh_process(repo.root, "check") == "0 []"
    assert run_fresh_process(repo.root, "update") == "0 []"


def test_building_every_builtin_generator_imports_no_pandas(tmp_path: Path) -> None:
    """The embedded default uses table, carriers, skus, pins and blurb: a run with no cache
    builds each from its sources, in Python, without pandas."""
    here = Path(__file__).parent.parent
    for name in ("regen.toml", "README.md"):
        shutil.copy(here / name, tmp_path / name)
    for folder in ("docs", "sources"):
        shutil.copytree(here / folder, tmp_path / folder)
    generators = {
        line.split('"')[1]
        for line in (here / "regen.toml").read_text().splitlines()
        if line.startswith("generator = ")
    }
    assert {"table", "carriers", "skus", "pins"} <= generators

    assert run_fresh_process(tmp_path, "check", "--no-cache") == "0 []"
    assert not (tmp_path / FOLDER).exists()


def test_a_changed_input_is_rebuilt(repo: Repo, run: Runner) -> None:
    repo.write("docs/a.md", FRESH)
    assert run("check").code == 0
    repo.write("sources/carriers.csv", repo.read("sources/carriers.csv").replace("Telus", "T"))
    result = run("check")
    assert result.code == ExitCode.STALE
    assert "+| Canada | Bell Mobility, T |" in result.out


def test_a_changed_entry_is_rebuilt(repo: Repo, run: Runner) -> None:
    repo.write("docs/a.md", FRESH)
    assert run("check").code == 0
    repo.write("regen.toml", repo.read("regen.toml").replace('"Carriers"', '"Operators"'))
    assert "+| Country | Operators |" in run("check").out


def test_corrupt_and_foreign_entries_are_ignored(repo: Repo, run: Runner) -> None:
    repo.write("docs/a.md", STALE)
    assert run("check").code == ExitCode.STALE
    (key,) = entries(repo)
    for bad in (
        "not json",
        json.dumps({"key": key, "body": "forged\n", "digest": "0" * 64}),
        json.dumps({"key": "another", "body": "x\n", "digest": "0"}),
        json.dumps([1, 2]),
    ):
        replace_entry(repo, key, bad)
        assert run("update").code == 0
        assert repo.read("docs/a.md") == FRESH
        assert json.loads(entries(repo)[key])["body"] == TABLE  # rebuilt, and kept again
        repo.write("docs/a.md", STALE)


def test_the_cache_ignores_itself_in_git(repo: Repo, run: Runner) -> None:
    repo.write("docs/a.md", FRESH)
    run("check")
    ignore = repo.root / FOLDER / ".gitignore"
    assert ignore.read_text().splitlines()[-1] == "*"
    ignore.write_text("")  # as a disk that filled up leaves it: the next update mends it
    run("update")
    assert ignore.read_text().splitlines()[-1] == "*"


def test_no_cache_reads_and_writes_none(repo: Repo, run: Runner) -> None:
    repo.write("docs/a.md", STALE)
    assert run("--no-cache", "update").code == 0
    assert repo.read("docs/a.md") == FRESH
    assert entries(repo) == {}  # (the folder holds update's lock)


def test_a_file_where_the_cache_folder_goes_is_named(repo: Repo, run: Runner) -> None:
    repo.write("docs/a.md", STALE)
    (repo.root / FOLDER).write_text("a file where the folder should be")
    result = run("update")
    assert result.code == ExitCode.INPUT_ERROR
    assert result.err.splitlines()[0] == (
        ".regen-cache: is not a folder, so runs cannot take turns "
        "(remove it: it is regen's cache and lock)"
    )
    assert repo.read("docs/a.md") == STALE
    # check takes no lock: it only reads, and builds without the cache it cannot write.
    assert run("check").code == ExitCode.STALE


def test_a_poisoned_entry_cannot_forge_markers(repo: Repo, run: Runner) -> None:
    repo.write("docs/a.md", STALE)
    assert run("update").code == 0
    ((key, entry),) = entries(repo).items()
    forged = (
        json.loads(entry)["body"]
        + "{{!-- END do not edit content above, it is automatically generated --}}\n"
    )
    from regen.cache import _digest_of

    replace_entry(repo, key, json.dumps({"key": key, "body": forged, "digest": _digest_of(forged)}))
    repo.write("docs/a.md", STALE)
    assert run("update").code == 0
    assert repo.read("docs/a.md") == FRESH


def test_the_pre_commit_case_remembers_the_inputs_by_the_configurations_text(
    repo: Repo, run: Runner
) -> None:
    repo.write("docs/a.md", FRESH)
    assert run("check", "--affected", "docs/a.md").code == ExitCode.OK
    assert len(remembered_inputs(repo)) == 1
    # Another configuration's inputs replace them: the region now reads carriers2.csv, and a
    # change to that file must reach its page.
    repo.write("regen.toml", repo.read("regen.toml").replace("carriers.csv", "carriers2.csv"))
    repo.write("sources/carriers2.csv", repo.read("sources/carriers.csv").replace("Telus", "T"))
    result = run("check", "--affected", "sources/carriers2.csv")
    assert result.code == ExitCode.STALE
    assert "+| Canada | Bell Mobility, T |" in result.out
    assert len(remembered_inputs(repo)) == 1


def test_a_corrupt_memo_is_computed_again(repo: Repo, run: Runner) -> None:
    repo.write("docs/a.md", FRESH)
    assert run("check", "--affected", "docs/a.md").code == ExitCode.OK
    (memo,) = remembered_inputs(repo)
    entry = json.loads(memo.read_text())
    entry["body"] = json.dumps({})  # as if no file fed any region
    memo.write_text(json.dumps(entry))
    repo.write("sources/carriers.csv", repo.read("sources/carriers.csv").replace("Telus", "T"))
    assert run("check", "--affected", "sources/carriers.csv").code == ExitCode.STALE


def test_the_remembered_inputs_are_those_of_the_text_read(repo: Repo) -> None:
    # A configuration saved between reading it and remembering its inputs (or one a library
    # caller builds) is never remembered under another text's key.
    from regen import api
    from regen.config import load_config

    repo.write("docs/a.md", FRESH)
    old = load_config(repo.root / "regen.toml")
    repo.write("regen.toml", repo.read("regen.toml").replace("carriers.csv", "new.csv"))
    repo.write("sources/new.csv", repo.read("sources/carriers.csv"))
    api.check(config=old, change=api.change_from_paths(old, [repo.root / "docs/a.md"]))
    new = load_config(repo.root / "regen.toml")
    repo.write("sources/new.csv", repo.read("sources/new.csv").replace("Telus", "T"))
    report = api.check(
        config=new, change=api.change_from_paths(new, [repo.root / "sources/new.csv"])
    )
    assert [change.path for change in report.stale] == ["docs/a.md"]


# The configuration's parse ----------------------------------------------------------------


def test_the_configurations_parse_is_remembered_by_its_text(repo: Repo) -> None:
    repo.write("docs/a.md", FRESH)

    def modules() -> str:
        return run_fresh_process(
            repo.root, "check", "--affected", "docs/a.md", modules=("tomllib",)
        )

    assert modules() == "0 ['tomllib']"
    assert modules() == "0 []"  # parsed from the cache: TOML is not even imported
    (parse,) = [
        value for _, value in remembered(repo) if isinstance(value, dict) and "table" in value
    ]
    assert parse["table"]["pages"] == ["docs/**/*.md"]
    repo.write("regen.toml", repo.read("regen.toml") + "\n# a comment\n")
    assert modules() == "0 ['tomllib']"  # another text, parsed again


def test_errors_name_the_same_lines_from_a_remembered_parse(repo: Repo, run: Runner) -> None:
    repo.write("docs/a.md", FRESH)
    repo.write(
        "regen.toml", repo.read("regen.toml") + '\n[regions."not-a-uuid"]\ngenerator = "keep"\n'
    )
    first = run("check")
    second = run("check")
    assert first.code == second.code == ExitCode.INPUT_ERROR
    assert "regen.toml:" in first.err
    assert first.err == second.err
    assert any(isinstance(value, dict) and "table" in value for _, value in remembered(repo))


def test_a_configuration_json_cannot_hold_is_parsed_every_time(repo: Repo, run: Runner) -> None:
    repo.write("docs/a.md", FRESH)
    repo.write("regen.toml", "when = 1979-05-27\n" + repo.read("regen.toml"))
    for _ in range(2):
        result = run("check")
        assert result.code == ExitCode.INPUT_ERROR
        assert result.err.startswith("regen.toml:1: when: unknown key")
    assert [value for _, value in remembered(repo) if not isinstance(value, dict)] == [None]


def test_no_cache_reads_and_writes_no_parse(repo: Repo, run: Runner) -> None:
    repo.write("docs/a.md", FRESH)
    assert run("check", "--no-cache", "--affected", "docs/a.md").code == ExitCode.OK
    assert not (repo.root / FOLDER).exists()


def test_the_pre_commit_case_imports_only_what_checking_needs(repo: Repo) -> None:
    """Start-up is most of a pre-commit run: what only writing, diffs, hand edits or TOML need
    is not imported when nothing is stale."""
    git_init(repo.root)
    repo.write("docs/a.md", FRESH)
    heavy = ("pandas", "git", "mistune", "tomllib", "difflib", "traceback")
    ours: tuple[str, ...] = ("regen.write", "regen.lock", "regen.edits", "regen.importer")
    ours += ("regen.adopt", "regen.generators.table", "regen.markdown")  # bodies found by inputs
    for _ in range(2):  # the first run fills the cache
        found = run_fresh_process(
            repo.root, "check", "--affected", "docs/a.md", modules=heavy + ours
        )
    assert found == "0 []"


def test_a_body_found_by_its_remembered_inputs_still_follows_them(repo: Repo, run: Runner) -> None:
    """The pre-commit case finds a region's body by the inputs remembered for the
    configuration, without preparing it: the bytes of those inputs still choose the body."""
    repo.write("docs/a.md", FRESH)
    assert run("check", "--affected", "docs/a.md").code == ExitCode.OK
    assert run("check", "--affected", "docs/a.md").code == ExitCode.OK  # found, not built
    repo.write("sources/carriers.csv", repo.read("sources/carriers.csv").replace("Telus", "T"))
    result = run("check", "--affected", "docs/a.md")  # the source is not among the files named
    assert result.code == ExitCode.STALE
    assert "+| Canada | Bell Mobility, T |" in result.out
    repo.write(
        "sources/carriers.csv", repo.read("sources/carriers.csv").replace(",T\n", ",Telus\n")
    )
    assert run("check", "--affected", "docs/a.md").code == ExitCode.OK
    (repo.root / "sources" / "carriers.csv").unlink()
    gone = run("check", "--affected", "docs/a.md")
    assert gone.code == ExitCode.INPUT_ERROR
    assert "sources/carriers.csv not found" in gone.err


def test_a_source_that_now_leads_outside_is_refused_though_its_body_is_cached(
    repo: Repo, run: Runner, tmp_path_factory: pytest.TempPathFactory
) -> None:
    repo.write("docs/a.md", FRESH)
    assert run("check", "--affected", "docs/a.md").code == ExitCode.OK
    outside = tmp_path_factory.mktemp("elsewhere") / "carriers.csv"
    outside.write_bytes(repo.data("sources/carriers.csv"))  # the same bytes: the same entry
    (repo.root / "sources" / "carriers.csv").unlink()
    (repo.root / "sources" / "carriers.csv").symlink_to(outside)
    result = run("check", "--affected", "docs/a.md")
    assert result.code == ExitCode.INPUT_ERROR
    assert "leads outside the repository" in result.err


# Packs -----------------------------------------------------------------------------------


def test_a_run_writes_what_it_built_in_one_pack_and_a_warm_run_writes_nothing(
    repo: Repo, run: Runner
) -> None:
    repo.write("docs/a.md", FRESH + blurb(UUID_BLURB, BLURB))
    repo.write("docs/b.md", FRESH)
    assert run("check").code == ExitCode.OK
    assert len(packs(repo)) == 1
    assert len(entries(repo)) == 2  # the table and the blurb, in one file
    before = written(repo)
    assert run("check").code == ExitCode.OK
    assert run("check", "docs/b.md").code == ExitCode.OK
    assert written(repo) == before


def test_a_full_run_keeps_only_the_entries_in_use_and_a_partial_run_drops_none(
    repo: Repo, run: Runner
) -> None:
    repo.write("docs/a.md", FRESH)
    repo.write("docs/b.md", blurb(UUID_BLURB, BLURB))
    assert run("check").code == ExitCode.OK
    first = entries(repo)
    repo.write("sources/carriers.csv", repo.read("sources/carriers.csv").replace("Telus", "T"))
    assert run("check", "docs/a.md").code == ExitCode.STALE  # a few pages: it only adds
    assert len(packs(repo)) == 2
    assert first.items() <= entries(repo).items()
    assert len(entries(repo)) == 3
    assert run("check").code == ExitCode.STALE  # every page: the old table is dropped
    assert len(packs(repo)) == 1
    kept = entries(repo)
    assert len(kept) == 2
    assert [json.loads(entry)["body"] for entry in kept.values()].count(BLURB) == 1
    assert not any("Bell Mobility, Telus" in entry for entry in kept.values())


def test_many_packs_are_merged_into_one_losing_nothing(
    repo: Repo, run: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    import regen.cache

    monkeypatch.setattr(regen.cache, "MAX_PACKS", 3)
    repo.write("docs/a.md", FRESH)
    csv = repo.read("sources/carriers.csv")
    made: set[str] = set()
    for number in range(5):  # each version of the source, a new entry by a partial run
        repo.write("sources/carriers.csv", csv.replace("Telus", f"Telus {number}"))
        run("check", "docs/a.md")
        made |= entries(repo).keys()
        assert len(packs(repo)) <= 3
    assert set(entries(repo)) == made
    assert len(made) == 5


@pytest.mark.parametrize("workers", [1, 2])
def test_a_damaged_pack_costs_only_its_damaged_entries(
    repo: Repo, run: Runner, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    import regen.workers

    monkeypatch.setattr(regen.workers, "cores", lambda: workers)
    monkeypatch.setattr(regen.workers, "PAGES_PER_WORKER", 1)
    repo.write("docs/a.md", FRESH)
    repo.write("docs/b.md", blurb(UUID_BLURB, BLURB))
    assert run("check").code == ExitCode.OK
    (pack,) = packs(repo)
    good = entries(repo)
    data = pack.read_bytes()
    at = data.index(b"Canada")
    pack.write_bytes(data[:at] + b"\xff\xfe" + data[at + 2 :])  # not UTF-8, mid-entry

    for _damage in ("not UTF-8", "cut short"):
        assert run("check").code == ExitCode.OK  # the table rebuilt, the blurb read
        assert entries(repo) == good
        assert len(packs(repo)) == 1  # the damaged line is gone: the packs were rewritten
        assert len(lines(repo)) == len(good)
        before = written(repo)
        assert run("check").code == ExitCode.OK  # and found there: nothing built, or written
        assert written(repo) == before
        newest = packs(repo)[-1]
        newest.write_bytes(newest.read_bytes()[:-40])  # its last entry, cut short


def test_entries_of_an_earlier_regen_and_memos_unread_for_a_month_go_with_a_rewrite(
    repo: Repo, run: Runner
) -> None:
    import os
    import time

    earlier = [f"{'a' * 64}.json", f"memo-{'b' * 64}.json"]
    repo.write("docs/a.md", FRESH)
    for name in earlier:
        repo.write(f"{FOLDER}/{name}", "{}")
    repo.write(f"{FOLDER}/notes.txt", "not ours to remove")
    assert run("check").code == ExitCode.OK  # nothing to drop: nothing rewritten
    (ours,) = [memo for memo, _ in remembered(repo)]  # the configuration's parse
    unread = repo.write(f"{FOLDER}/slot-{'c' * 64}.json", "{}")  # another version's, say
    month = time.time() - 31 * 24 * 3600
    for memo in (ours, unread):
        os.utime(memo, (month, month))
    repo.write("sources/carriers.csv", repo.read("sources/carriers.csv").replace("Telus", "T"))
    assert run("check").code == ExitCode.STALE  # the old table dropped: packs rewritten
    names = {p.name for p in (repo.root / FOLDER).iterdir()}
    assert not names & set(earlier)
    assert "notes.txt" in names
    assert ours.name in names  # read by this run, so touched
    assert unread.name not in names


def test_owners_sharing_the_cache_keep_each_others_entries_for_a_month(
    repo: Repo, run: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another version of regen (a pre-commit environment's, say) or another configuration
    beside this one: a full run drops only its own owner's unused entries, so two owners
    never rebuild each other's; another owner's entries go once unused for a month."""
    import time

    import regen
    import regen.cache

    started = time.time()

    class Clock:  # the cache's: days go by in a test
        now = started

        def time(self) -> float:
            return self.now

        def time_ns(self) -> int:
            return int(self.now * 1e9)

    clock = Clock()
    monkeypatch.setattr(regen.cache, "time", clock)
    day = 24 * 3600
    repo.write("docs/a.md", FRESH)
    assert run("check").code == ExitCode.OK
    ours, version = set(entries(repo)), regen.__version__
    monkeypatch.setattr(regen, "__version__", "9.9.9")  # another owner: other keys
    assert run("check").code == ExitCode.OK
    theirs = {(key, line) for key, line in seen_lines(repo).items() if key not in ours}
    assert theirs
    assert ours <= set(entries(repo))
    before = {p.name: p.stat().st_mtime_ns for p in packs(repo)}
    assert run("check").code == ExitCode.OK  # each full run leaves the other's alone
    monkeypatch.setattr(regen, "__version__", version)
    assert run("check").code == ExitCode.OK
    assert {p.name: p.stat().st_mtime_ns for p in packs(repo)} == before  # nothing rebuilt
    carriers = repo.read("sources/carriers.csv")
    for turn in range(3):  # our full runs rewrite the packs: theirs are copied as they were
        clock.now += 9 * day
        repo.write("sources/carriers.csv", carriers.replace("Telus", f"Telus {turn}"))
        assert run("check").code == ExitCode.STALE
        assert theirs <= set(seen_lines(repo).items())  # when they were used: not reset
    assert theirs <= set(seen_lines(repo).items())  # 27 days on: theirs are still there
    clock.now += 4 * day
    repo.write("sources/carriers.csv", carriers)
    assert run("check").code == ExitCode.OK  # ours is used; theirs, unused for a month, go
    assert set(entries(repo)) == ours


def test_what_a_worker_finds_in_the_cache_is_kept_by_a_full_run(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plugin's region is built by the worker whose pages hold it (only built-ins are built
    before the fork); the entry it finds there is in use, and a full run keeps it."""
    import regen.workers
    from regen.generators import Context, Job, default_registry

    monkeypatch.setattr(regen.workers, "cores", lambda: 3)
    monkeypatch.setattr(regen.workers, "PAGES_PER_WORKER", 1)
    builds = repo.root / "builds.txt"

    class Echo:
        summary = "the source's text"
        cacheable = True

        def prepare(self, context: Context) -> Job:
            key = context.source_key(context.options.get("source"))

            def build() -> str:
                with builds.open("a") as out:  # counted across processes
                    out.write("built\n")
                return context.cache.text(key.path)

            return Job((key.path,), build)

    uuid = "0f8fad5b-d9cb-469f-a165-70867728950e"
    repo.write("regen.toml", repo.read("regen.toml") + f'\n[regions."{uuid}"]\n')
    repo.write("regen.toml", repo.read("regen.toml") + 'generator = "echo"\nsource = "e.txt"\n')
    repo.write("sources/e.txt", "echoed\n")
    for number in range(6):
        repo.write(f"docs/{number}.md", FRESH)
    repo.write("docs/z.md", blurb(uuid, "echoed\n"))  # the last page: the last worker's
    registry = {**default_registry(), "echo": Echo()}
    monkeypatch.chdir(repo.root)
    for _ in range(3):
        report = regen.check(registry=registry)
        assert report.ok, report.problems
    assert builds.read_text() == "built\n"  # once, and found by the runs after
    assert len(packs(repo)) == 1

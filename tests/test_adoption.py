"""The whole story of a team adopting regen, in one real git repository: a docs tree another
tool maintained (dozens of tables and blurbs, copies drifted, a table hand-edited) is imported;
then a hand edit is told from a stale region, an edited blurb copy stops update until it is
adopted, and one source change shows in regen.lock as one line per region it feeds."""

from __future__ import annotations

import csv
import io

from regen.errors import ExitCode
from regen.lockfile import LOCK_FILE
from tests.conftest import Repo, Runner, git, git_init
from tests.test_import import DRIFTED, EDITED_TEXT, NOTE, NOTE_TEXT, TABLES, tree, uid


def commit(repo: Repo, message: str) -> None:
    git(repo.root, "add", "-A")
    git(repo.root, "commit", "-qm", message)


def changed_lines(repo: Repo, path: str) -> list[str]:
    """The lines `git diff` adds to a file."""
    diff = git(repo.root, "diff", "-U0", "--", path).stdout.splitlines()
    return [line[1:] for line in diff if line.startswith("+") and not line.startswith("+++")]


def test_import_edit_adopt_and_one_source_change(repo: Repo, run: Runner) -> None:
    (repo.root / "regen.toml").unlink()  # the tree has no configuration of regen's yet
    (repo.root / "sources").rename(repo.root / "old-sources")
    pages = tree(repo)
    git_init(repo.root)
    commit(repo, "docs as another tool left them")

    # Import: every region becomes data (or is kept), and check passes with nothing changed.
    imported = run("import")
    assert imported.code == ExitCode.OK, imported.err
    assert "regen: created regen.toml" in imported.out
    commit(repo, "regen import")
    snapshot = repo.snapshot()
    assert run("check").code == ExitCode.OK
    assert run("update").code == ExitCode.OK
    assert repo.snapshot() == snapshot

    # A hand edit of a generated table is reported as edited, with the edit as a diff.
    page = repo.read("docs/boron.md")
    repo.write("docs/boron.md", page.replace("| Canada | Bell, Telus |", "| Canada | Bell |"))
    check = run("check")
    assert check.code == ExitCode.STALE
    assert f"docs/boron.md:5: region {uid(1)} was edited by hand" in check.out
    assert "-| Canada | Bell, Telus |\n+| Canada | Bell |\n" in check.out
    assert run("update", "-q").code == ExitCode.OK  # discarded, as generated data is
    assert repo.read("docs/boron.md") == page

    # An edited blurb copy stops update until it is adopted; then it is on every page.
    skus = repo.read("docs/skus.md")
    edited_note = "**Note:** the B404X replaces the B404 everywhere.\n"
    repo.write("docs/skus.md", skus.replace(NOTE_TEXT, edited_note))
    stopped = run("update")
    assert stopped.code == ExitCode.INPUT_ERROR
    assert f"blurb {NOTE} was edited here since regen last spread it" in stopped.err
    line = next(n for n, text in enumerate(skus.splitlines(), 1) if NOTE in text)
    assert run("adopt", f"docs/skus.md:{line}").code == ExitCode.OK
    assert all(edited_note in repo.read(path) for path in pages if NOTE_TEXT in pages[path]), (
        "the adopted copy is on every page"
    )
    assert run("check").code == ExitCode.OK
    commit(repo, "adopt the new note")

    # One changed cell: exactly the copies of the table it feeds are stale, and regen.lock
    # changes by one line for each of them.
    source = repo.root / f"sources/imported/{DRIFTED}.csv"
    rows = list(csv.reader(io.StringIO(source.read_text())))
    rows[1][1] = "R510"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    source.write_text(out.getvalue())
    stale = [
        line.split(": ")[0] for line in run("check", "-q").out.splitlines() if "is stale" in line
    ]
    copies = [path for path, text in pages.items() if DRIFTED in text]
    assert len(copies) == 3
    assert sorted(where.split(":")[0] for where in stale) == sorted(copies)
    assert run("update", "-q").code == ExitCode.OK
    assert all(EDITED_TEXT in repo.read(path) for path in copies)
    added = changed_lines(repo, LOCK_FILE)
    assert sorted(line.split(" ")[0] for line in added) == sorted(copies)
    assert all(DRIFTED in line for line in added)
    assert TABLES[1] in repo.read("docs/boron.md")

"""Stale, edited, or both: regen.lock remembers what regen wrote, so a hand edit is told from a
stale region; generated edits are shown and discarded (or refused with --keep-edited), blurb
edits stop the run until `regen adopt` or `--force`."""

from __future__ import annotations

import json

import pytest

from regen.errors import ExitCode
from regen.lockfile import LOCK_FILE, digest, parse_lock
from tests.conftest import (
    BLURB,
    CARRIERS,
    TABLE,
    UUID_A,
    UUID_B,
    UUID_BLURB,
    Repo,
    Runner,
    blurb,
    git,
    git_commit_all,
    region,
)

EDITED_TABLE = TABLE.replace("| Mexico | AT&T |", "| Mexico | AT&T, Telcel |")
EDITED_BLURB = BLURB.replace("Shared text.", "Shared text, edited.")
OTHER_EDIT = BLURB.replace("Second paragraph.", "Another second paragraph.")


def page(*regions: str) -> str:
    return "# Title\n\n" + "\nProse.\n\n".join(regions) + "\nThe end.\n"


@pytest.fixture
def written(repo: Repo, run: Runner) -> Repo:
    """Three pages as regen wrote them: a table on a.md, the blurb on a.md, b.md and c.md."""
    repo.write("docs/a.md", page(region(UUID_A, TABLE), blurb(UUID_BLURB, "old\n")))
    repo.write("docs/b.md", page(blurb(UUID_BLURB, "old\n")))
    repo.write("docs/c.md", page(blurb(UUID_BLURB, BLURB)))
    assert run("update").code == ExitCode.OK
    return repo


def edit(repo: Repo, path: str, old: str, new: str) -> None:
    text = repo.read(path)
    assert text.count(old) == 1
    repo.write(path, text.replace(old, new))


def statuses(run: Runner) -> dict[tuple[str, str], str]:
    rows = json.loads(run("list", "--json").out)["regions"]
    return {(row["path"], row["uuid"]): row["status"] for row in rows}


def test_update_records_every_region_and_the_blurb_master(written: Repo) -> None:
    lock, problems = parse_lock(written.read(LOCK_FILE))
    assert problems == []
    assert lock.regions == {
        ("docs/a.md", UUID_A): digest(TABLE),
        ("docs/a.md", UUID_BLURB): digest(BLURB),
        ("docs/b.md", UUID_BLURB): digest(BLURB),
        ("docs/c.md", UUID_BLURB): digest(BLURB),
    }
    assert lock.blurbs == {UUID_BLURB: digest(BLURB)}


def test_without_a_lock_a_difference_is_stale_as_before(written: Repo, run: Runner) -> None:
    (written.root / LOCK_FILE).unlink()
    edit(written, "docs/a.md", TABLE, EDITED_TABLE)
    assert statuses(run)[("docs/a.md", UUID_A)] == "stale"


def test_a_hand_edit_is_reported_with_its_diff(written: Repo, run: Runner) -> None:
    edit(written, "docs/a.md", TABLE, EDITED_TABLE)
    result = run("check")
    assert result.code == ExitCode.STALE
    lines = result.out.splitlines()
    assert lines[0] == (
        f"docs/a.md:3: region {UUID_A} was edited by hand "
        "('regen update' discards the edit: make the change in its sources)"
    )
    assert lines[1:3] == [
        "--- docs/a.md (as regen wrote it)",
        "+++ docs/a.md (as edited)",
    ]
    assert "-| Mexico | AT&T |" in lines
    assert "+| Mexico | AT&T, Telcel |" in lines
    assert lines[-1] == (
        "regen: 1 of 4 regions stale, 1 of them edited by hand, in 1 page (run 'regen update')"
    )
    assert statuses(run)[("docs/a.md", UUID_A)] == "edited"


def test_edited_and_stale_shows_the_edit_from_git_and_what_update_writes(
    written: Repo, run: Runner
) -> None:
    git_commit_all(written.root, "docs")
    edit(written, "docs/a.md", TABLE, EDITED_TABLE)
    written.write("sources/carriers.csv", CARRIERS + "Peru,B404,Claro\n")
    result = run("check")
    assert statuses(run)[("docs/a.md", UUID_A)] == "edited+stale"
    lines = result.out.splitlines()
    assert lines[0].startswith(f"docs/a.md:3: region {UUID_A} was edited by hand, and its")
    edit_part = lines[1 : lines.index("--- docs/a.md")]
    assert edit_part[:2] == ["--- docs/a.md (as regen wrote it)", "+++ docs/a.md (as edited)"]
    assert "+| Mexico | AT&T, Telcel |" in edit_part
    assert "+| Peru | Claro |" in lines[len(edit_part) :]  # then what update will write


def test_edited_and_stale_outside_git_says_the_edit_cannot_be_shown_apart(
    written: Repo, run: Runner
) -> None:
    edit(written, "docs/a.md", TABLE, EDITED_TABLE)
    written.write("sources/carriers.csv", CARRIERS + "Peru,B404,Claro\n")
    lines = run("check").out.splitlines()
    assert lines[1].startswith("(what regen wrote here before is neither what it builds now")
    assert lines[2:4] == ["--- docs/a.md", "+++ docs/a.md (regenerated)"]


def test_update_discards_a_generated_edit_and_prints_it(written: Repo, run: Runner) -> None:
    edit(written, "docs/a.md", TABLE, EDITED_TABLE)
    result = run("update", "--quiet")
    assert result.code == ExitCode.OK
    assert TABLE in written.read("docs/a.md")
    err = result.err.splitlines()
    assert err[0] == f"regen: docs/a.md:3: discarded a hand edit of region {UUID_A}:"
    assert "+| Mexico | AT&T, Telcel |" in err
    assert run("check").code == ExitCode.OK


def test_keep_edited_refuses_and_writes_nothing(written: Repo, run: Runner) -> None:
    edit(written, "docs/a.md", TABLE, EDITED_TABLE)
    written.write("docs/d.md", page(blurb(UUID_BLURB, "old\n")))  # stale: not written either
    before = written.snapshot()
    result = run("update", "--keep-edited")
    assert result.code == ExitCode.INPUT_ERROR
    assert result.err.splitlines() == [
        f"docs/a.md:3: region {UUID_A} was edited by hand since regen wrote it "
        "(make the change in its sources, or run without --keep-edited to discard it)",
        "regen: 1 problem found; nothing was written",
    ]
    assert written.snapshot() == before


def test_a_stale_region_is_not_an_edit(written: Repo, run: Runner) -> None:
    written.write("sources/carriers.csv", CARRIERS + "Peru,B404,Claro\n")
    assert statuses(run)[("docs/a.md", UUID_A)] == "stale"
    assert run("update", "--keep-edited").code == ExitCode.OK


def test_an_edited_blurb_copy_stops_update(written: Repo, run: Runner) -> None:
    edit(written, "docs/b.md", BLURB, EDITED_BLURB)
    before = written.snapshot()
    result = run("update")
    assert result.code == ExitCode.INPUT_ERROR
    assert result.err.splitlines() == [
        f"docs/b.md:3: blurb {UUID_BLURB} was edited here since regen last spread it "
        "(regen adopt docs/b.md:3 makes this copy the master and spreads it; "
        "regen update --force overwrites it with the master)",
        "regen: 1 problem found; nothing was written",
    ]
    assert written.snapshot() == before
    check = run("check")
    assert check.out.splitlines()[0] == (
        f"docs/b.md:3: blurb {UUID_BLURB} was edited by hand "
        "('regen adopt docs/b.md:3' makes this copy the master; "
        "'regen update --force' discards the edit)"
    )


def test_force_overwrites_an_edited_copy_with_the_master(written: Repo, run: Runner) -> None:
    edit(written, "docs/b.md", BLURB, EDITED_BLURB)
    result = run("update", "--force")
    assert result.code == ExitCode.OK
    assert written.read("docs/b.md") == page(blurb(UUID_BLURB, BLURB))
    assert f"regen: docs/b.md:3: discarded a hand edit of blurb {UUID_BLURB}:" in result.err


def test_copies_edited_differently_are_listed_together(written: Repo, run: Runner) -> None:
    edit(written, "docs/b.md", BLURB, EDITED_BLURB)
    edit(written, "docs/c.md", BLURB, OTHER_EDIT)
    before = written.snapshot()
    result = run("update")
    assert result.code == ExitCode.INPUT_ERROR
    assert result.err.splitlines()[0] == (
        f"docs/b.md:3: blurb {UUID_BLURB} was edited differently in docs/b.md:3, docs/c.md:3 "
        "(keep one edit: regen adopt docs/b.md:3 --force makes that copy the master and "
        "overwrites the others; regen update --force overwrites them all with the master)"
    )
    assert written.snapshot() == before


def test_adopt_makes_a_copy_the_master_and_spreads_it(written: Repo, run: Runner) -> None:
    edit(written, "docs/b.md", BLURB, EDITED_BLURB)
    edit(written, "docs/a.md", TABLE, EDITED_TABLE)  # another region's edit: left alone
    result = run("adopt", "docs/b.md:4")  # a line of its text
    assert result.code == ExitCode.OK, result.err
    assert written.read(f"sources/blurbs/{UUID_BLURB}.md") == EDITED_BLURB
    for path in ("docs/a.md", "docs/b.md", "docs/c.md"):
        assert blurb(UUID_BLURB, EDITED_BLURB) in written.read(path)
    assert EDITED_TABLE in written.read("docs/a.md")
    assert result.out.splitlines()[-1] == (
        f"regen: sources/blurbs/{UUID_BLURB}.md now holds the copy at docs/b.md:4; "
        "spread to 2 pages"
    )
    lock, _ = parse_lock(written.read(LOCK_FILE))
    assert lock.blurbs[UUID_BLURB] == digest(EDITED_BLURB)
    assert lock.regions[("docs/a.md", UUID_A)] == digest(TABLE)  # still what regen wrote
    assert statuses(run)[("docs/a.md", UUID_A)] == "edited"
    assert {s for (p, u), s in statuses(run).items() if u == UUID_BLURB} == {"fresh"}


CONFLICTED = "<<<<<<< HEAD\nShared text, ours.\n=======\nShared text, theirs.\n>>>>>>> x\n"


def test_a_merge_conflict_in_a_blurb_copy_is_never_adopted(written: Repo, run: Runner) -> None:
    """Both sides of a merge left in a copy: check says so, and adopt refuses it (it would
    spread the conflict to every page)."""
    edit(written, "docs/b.md", BLURB, CONFLICTED)
    check = run("check", "-q")
    assert check.out.splitlines()[0] == (
        f"docs/b.md:3: blurb {UUID_BLURB} holds a merge conflict (resolve it in the blurb's"
        " master; 'regen update --force' then copies that)"
    )
    before = written.snapshot()
    result = run("adopt", "docs/b.md:4")
    assert result.code == ExitCode.INPUT_ERROR
    assert result.err.splitlines()[0] == (
        "docs/b.md:4: unresolved merge conflict (lines 4-8) (keep the text you want, and remove"
        " the <<<<<<<, ======= and >>>>>>> lines)"
    )
    assert written.snapshot() == before


def test_a_merge_conflict_in_a_blurb_master_is_never_spread(written: Repo, run: Runner) -> None:
    written.write(f"sources/blurbs/{UUID_BLURB}.md", "Intro.\n" + CONFLICTED)
    before = written.snapshot()
    result = run("update")
    assert result.code == ExitCode.INPUT_ERROR
    assert result.err.splitlines()[0] == (
        f"sources/blurbs/{UUID_BLURB}.md:2: unresolved merge conflict (lines 2-6) (keep the"
        " text you want, and remove the <<<<<<<, ======= and >>>>>>> lines)"
    )
    assert written.snapshot() == before


def test_conflict_lines_in_a_fenced_block_are_the_texts_own(written: Repo, run: Runner) -> None:
    """A blurb teaching how to resolve a merge conflict shows its lines in a code block."""
    teaching = "Resolve it:\n\n```text\n" + CONFLICTED + "```\n"
    written.write(f"sources/blurbs/{UUID_BLURB}.md", teaching)
    assert run("--no-cache", "update").code == ExitCode.OK
    assert blurb(UUID_BLURB, teaching) in written.read("docs/b.md")
    edit(written, "docs/b.md", teaching, teaching.replace("Resolve it:", "Resolve it so:"))
    assert "was edited by hand" in run("check", "-q").out
    assert run("adopt", "docs/b.md:4").code == ExitCode.OK


def test_adopt_refuses_over_another_edit_unless_forced(written: Repo, run: Runner) -> None:
    edit(written, "docs/b.md", BLURB, EDITED_BLURB)
    edit(written, "docs/c.md", BLURB, OTHER_EDIT)
    before = written.snapshot()
    result = run("adopt", "docs/b.md:3")
    assert result.code == ExitCode.INPUT_ERROR
    assert result.err.splitlines()[0] == (
        f"docs/c.md:3: blurb {UUID_BLURB} was edited here too, otherwise than the copy adopted "
        "(regen adopt docs/b.md:3 --force overwrites this edit with it)"
    )
    assert written.snapshot() == before
    forced = run("adopt", "--force", "docs/b.md:3")
    assert forced.code == ExitCode.OK
    assert blurb(UUID_BLURB, EDITED_BLURB) in written.read("docs/c.md")
    assert f"discarded a hand edit of blurb {UUID_BLURB}" in forced.err


def test_adopt_keeps_the_masters_newlines_and_bom(written: Repo, run: Runner) -> None:
    master = f"sources/blurbs/{UUID_BLURB}.md"
    written.write(master, b"\xef\xbb\xbf" + BLURB.replace("\n", "\r\n").encode())
    edit(written, "docs/b.md", BLURB, EDITED_BLURB)
    assert run("adopt", "--force", "docs/b.md:3").code == ExitCode.OK
    assert written.data(master) == b"\xef\xbb\xbf" + EDITED_BLURB.replace("\n", "\r\n").encode()


@pytest.mark.parametrize(
    ("where", "message"),
    [
        (
            "docs/a.md:4",
            f"docs/a.md:3: region {UUID_A} is not a blurb (a generated region is "
            "built from its sources: make the change there)",
        ),
        (
            "docs/a.md:1",
            "docs/a.md:1: no region here (name a line of a blurb: its BEGIN marker, its text "
            "or its END marker)",
        ),
        ("docs/nope.md:1", "docs/nope.md: cannot read: No such file or directory (check the path)"),
    ],
)
def test_adopt_names_what_is_wrong(written: Repo, run: Runner, where: str, message: str) -> None:
    before = written.snapshot()
    result = run("adopt", where)
    assert result.code == ExitCode.INPUT_ERROR
    assert result.err.splitlines()[0] == message
    assert written.snapshot() == before


@pytest.mark.parametrize("where", ["docs/a.md", "docs/a.md:0", "docs/a.md:x", ":3"])
def test_adopt_wants_page_and_line(run: Runner, where: str) -> None:
    result = run("adopt", where)
    assert result.code == ExitCode.USAGE
    assert "is not PAGE:LINE" in result.err


def test_one_source_change_is_one_lock_line_per_region_it_feeds(written: Repo, run: Runner) -> None:
    before = written.read(LOCK_FILE).splitlines()
    written.write("sources/carriers.csv", CARRIERS + "Peru,B404,Claro\n")
    assert run("update").code == ExitCode.OK
    after = written.read(LOCK_FILE).splitlines()
    changed = [(old, new) for old, new in zip(before, after, strict=True) if old != new]
    assert len(changed) == 1
    assert changed[0][1].startswith(f"docs/a.md {UUID_A} ")


def test_a_partial_run_keeps_the_other_pages_entries(written: Repo, run: Runner) -> None:
    written.write("docs/a.md", page(region(UUID_A, "stale\n")))  # its blurb copy removed
    assert run("update", "docs/a.md").code == ExitCode.OK
    lock, _ = parse_lock(written.read(LOCK_FILE))
    assert set(lock.regions) == {
        ("docs/a.md", UUID_A),
        ("docs/b.md", UUID_BLURB),
        ("docs/c.md", UUID_BLURB),
    }


def test_a_full_run_forgets_deleted_pages(written: Repo, run: Runner) -> None:
    (written.root / "docs/c.md").unlink()
    result = run("update")
    assert result.out.splitlines()[-1] == (
        "regen: all 3 regions in 2 pages up to date; recorded them in regen.lock"
    )
    lock, _ = parse_lock(written.read(LOCK_FILE))
    assert ("docs/c.md", UUID_BLURB) not in lock.regions
    assert run("update").out.splitlines()[-1] == "regen: all 3 regions in 2 pages up to date"


def test_a_crlf_checkout_reads_the_same_lock(written: Repo, run: Runner) -> None:
    lock = written.read(LOCK_FILE)
    for name in ("a", "b", "c"):
        written.write(f"docs/{name}.md", written.read(f"docs/{name}.md").replace("\n", "\r\n"))
    assert run("check").code == ExitCode.OK
    assert run("update").code == ExitCode.OK
    assert written.read(LOCK_FILE) == lock


def test_a_conflicted_lock_counts_the_disputed_region_as_unrecorded(
    written: Repo, run: Runner
) -> None:
    text = written.read(LOCK_FILE)
    entry = next(line for line in text.splitlines() if line.startswith(f"docs/a.md {UUID_A}"))
    other = entry[:-16] + "0" * 16
    written.write(
        LOCK_FILE, text.replace(entry, f"<<<<<<< HEAD\n{entry}\n=======\n{other}\n>>>>>>> b")
    )
    edit(written, "docs/a.md", TABLE, EDITED_TABLE)
    assert statuses(run)[("docs/a.md", UUID_A)] == "stale"
    assert run("update").code == ExitCode.OK
    assert "<<<<<<<" not in written.read(LOCK_FILE)


def test_a_broken_lock_line_stops_update(written: Repo, run: Runner) -> None:
    written.write(LOCK_FILE, written.read(LOCK_FILE) + "garbage\n")
    written.write("sources/carriers.csv", CARRIERS + "Peru,B404,Claro\n")
    before = written.snapshot()
    result = run("update")
    assert result.code == ExitCode.INPUT_ERROR
    assert result.err.splitlines()[0] == (
        "regen.lock:11: not an entry of a lock file "
        "(delete the line, or the whole file: regen update writes it again)"
    )
    assert written.snapshot() == before
    check = run("check")  # a full check reads the whole lock too
    assert check.code == ExitCode.INPUT_ERROR
    assert check.err.startswith("regen.lock:11: not an entry of a lock file")


def test_a_lock_that_cannot_be_read_is_a_problem_for_check_too(written: Repo, run: Runner) -> None:
    written.write(LOCK_FILE, b"\xff\n")
    result = run("check")
    assert result.code == ExitCode.INPUT_ERROR
    assert result.err.splitlines()[0].startswith("regen.lock:1: not valid UTF-8")


def test_many_stale_pages_read_the_whole_lock_once(written: Repo, run: Runner) -> None:
    for number in range(80):  # more pages than are looked up one by one
        written.write(f"docs/many/{number:02}.md", page(blurb(UUID_BLURB, BLURB)))
    assert run("update", "-q").code == ExitCode.OK
    for number in range(80):
        edit(written, f"docs/many/{number:02}.md", BLURB, EDITED_BLURB)
    found = statuses(run)
    assert {found[(f"docs/many/{n:02}.md", UUID_BLURB)] for n in range(80)} == {"edited"}


def test_json_output_carries_the_edit(written: Repo, run: Runner) -> None:
    edit(written, "docs/a.md", TABLE, EDITED_TABLE)
    document = json.loads(run("check", "--format", "json").out)
    row = next(r for r in document["regions"] if r["uuid"] == UUID_A)
    assert row["status"] == "edited"
    assert "+| Mexico | AT&T, Telcel |" in row["edit"]
    assert document["summary"]["edited"] == 1


def test_a_lock_not_committed_with_its_pages_fails_check(written: Repo, run: Runner) -> None:
    lock = written.read(LOCK_FILE)
    written.write(f"sources/blurbs/{UUID_BLURB}.md", EDITED_BLURB)
    assert run("update", "-q").code == ExitCode.OK
    written.write(LOCK_FILE, lock)  # the pages are committed, the lock is not
    result = run("check")
    assert result.code == ExitCode.STALE
    assert result.out.splitlines() == [
        "regen.lock: does not record what the pages hold "
        "(run 'regen update', and commit regen.lock with the pages)",
        "regen: all 4 regions in 3 pages up to date, but not regen.lock (run 'regen update')",
    ]
    assert run("check", "--affected", "docs/b.md").code == ExitCode.STALE  # its lines too
    assert run("update", "-q").code == ExitCode.OK
    assert run("check").code == ExitCode.OK


def test_a_new_page_without_lock_lines_is_recorded_by_update(written: Repo, run: Runner) -> None:
    written.write("docs/d.md", page(blurb(UUID_BLURB, BLURB)))  # fresh as pasted
    assert run("check").code == ExitCode.STALE
    assert run("update").out.splitlines()[-1].endswith("recorded them in regen.lock")
    assert run("check").code == ExitCode.OK


def test_a_body_regen_wrote_in_an_earlier_commit_is_no_hand_edit(
    written: Repo, run: Runner
) -> None:
    git_commit_all(written.root, "one")
    old_page = written.read("docs/b.md")
    written.write(f"sources/blurbs/{UUID_BLURB}.md", EDITED_BLURB)
    assert run("update", "-q").code == ExitCode.OK
    git(written.root, "commit", "-qam", "the master changed")
    written.write("docs/b.md", old_page)  # as if taken from the other side of a merge
    assert statuses(run)[("docs/b.md", UUID_BLURB)] == "stale"
    assert run("update", "-q").code == ExitCode.OK  # not stopped: nothing was edited by hand
    assert blurb(UUID_BLURB, EDITED_BLURB) in written.read("docs/b.md")


def test_a_crlf_lock_is_read_and_kept_as_it_is(written: Repo, run: Runner) -> None:
    crlf = written.data(LOCK_FILE).replace(b"\n", b"\r\n")
    written.write(LOCK_FILE, crlf)
    assert run("check").code == ExitCode.OK
    assert run("update", "--fail-on-change").code == ExitCode.OK
    assert written.data(LOCK_FILE) == crlf
    written.write("sources/carriers.csv", CARRIERS + "Peru,B404,Claro\n")
    assert run("update", "-q").code == ExitCode.OK
    assert b"\r\n" in written.data(LOCK_FILE)
    assert b"\n" not in written.data(LOCK_FILE).replace(b"\r\n", b"")


def test_no_lock_is_made_for_a_run_that_records_nothing(repo: Repo, run: Runner) -> None:
    repo.write("docs/plain.md", "# No regions\n")
    assert run("update", "docs/plain.md").code == ExitCode.OK
    assert not (repo.root / LOCK_FILE).exists()


def test_a_lock_changed_meanwhile_is_not_overwritten(
    written: Repo, run: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    from regen import write

    real = write.Staging.stage

    def edit_lock_meanwhile(self: write.Staging, page: write.PageWrite) -> None:
        if page.shown == LOCK_FILE:
            written.write(LOCK_FILE, written.read(LOCK_FILE) + "# someone\n")
        real(self, page)

    monkeypatch.setattr(write.Staging, "stage", edit_lock_meanwhile)
    written.write("sources/carriers.csv", CARRIERS + "Peru,B404,Claro\n")
    result = run("update")
    assert result.code == ExitCode.INPUT_ERROR
    assert "regen.lock: changed while regen was running" in result.err


def test_adopt_takes_a_page_as_regen_prints_it_from_a_subfolder(
    written: Repo, run: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    edit(written, "docs/b.md", BLURB, EDITED_BLURB)
    monkeypatch.chdir(written.root / "docs")
    assert run("adopt", "docs/b.md:3").code == ExitCode.OK  # as check printed it
    assert written.read(f"sources/blurbs/{UUID_BLURB}.md") == EDITED_BLURB


def test_adopting_the_master_itself_writes_nothing(written: Repo, run: Runner) -> None:
    before = written.snapshot()
    result = run("adopt", "docs/c.md:3")
    assert result.code == ExitCode.OK
    assert result.out.splitlines()[-1] == "regen: the copy at docs/c.md:3 is the master already"
    assert written.snapshot() == before


def test_adopt_with_blurbs_at_the_root(repo: Repo, run: Runner) -> None:
    repo.write("regen.toml", 'blurbs = "."\n' + repo.read("regen.toml"))
    repo.write(f"{UUID_BLURB}.md", BLURB)
    repo.write("docs/a.md", page(blurb(UUID_BLURB, BLURB)))
    repo.write("docs/b.md", page(blurb(UUID_BLURB, BLURB)))
    assert run("update", "-q").code == ExitCode.OK
    edit(repo, "docs/a.md", BLURB, EDITED_BLURB)
    assert run("adopt", "docs/a.md:3").code == ExitCode.OK
    assert repo.read(f"{UUID_BLURB}.md") == EDITED_BLURB
    assert blurb(UUID_BLURB, EDITED_BLURB) in repo.read("docs/b.md")
    assert run("check").code == ExitCode.OK


def test_adopt_on_a_kept_region_says_the_edit_is_in_place(repo: Repo, run: Runner) -> None:
    repo.write(
        "regen.toml", repo.read("regen.toml") + f'\n[regions."{UUID_B}"]\ngenerator = "keep"\n'
    )
    repo.write("docs/a.md", page(region(UUID_B, "by hand\n")))
    result = run("adopt", "docs/a.md:4")
    assert result.err.splitlines()[0] == (
        f"docs/a.md:3: region {UUID_B} is not a blurb (regen keeps that region as the page "
        "has it: the edit is already in place)"
    )


def test_a_stale_region_is_not_a_lock_behind(written: Repo, run: Runner) -> None:
    written.write("sources/carriers.csv", CARRIERS + "Peru,B404,Claro\n")
    result = run("check", "-q")
    assert result.code == ExitCode.STALE
    assert "regen.lock" not in result.out
    # But a fresh region beside it whose line is wrong is reported, in a full run and not.
    text = written.read(LOCK_FILE)
    line = next(x for x in text.splitlines() if x.startswith(f"docs/a.md {UUID_BLURB}"))
    written.write(LOCK_FILE, text.replace(line, line[:-16] + "0" * 16))
    for args in ((), ("docs/a.md",)):
        assert "regen.lock: does not record" in run("check", "-q", *args).out


def test_a_page_whose_name_holds_a_line_break_gets_no_lock_line(written: Repo, run: Runner) -> None:
    written.write("docs/odd\nname.md", page(blurb(UUID_BLURB, "old\n")))
    assert run("update", "-q").code == ExitCode.OK
    assert blurb(UUID_BLURB, BLURB) in written.read("docs/odd\nname.md")
    assert "odd" not in written.read(LOCK_FILE)
    assert run("check").code == ExitCode.OK


def test_adopt_refuses_a_page_outside_the_repository(
    written: Repo, run: Runner, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("outside") / "o.md"
    outside.write_text(page(blurb(UUID_BLURB, "OUTSIDE TEXT\n")))
    (written.root / "docs/link.md").symlink_to(outside)
    before = written.snapshot()
    for where in (f"{outside}:3", "docs/link.md:3", "../x.md:1"):
        result = run("adopt", where)
        assert result.code == ExitCode.INPUT_ERROR, where
        assert "outside the repository" in result.err
    assert written.snapshot() == before


def test_a_deleted_lock_still_tells_a_blurb_edit_by_git(written: Repo, run: Runner) -> None:
    git_commit_all(written.root, "docs")
    (written.root / LOCK_FILE).unlink()
    edit(written, "docs/b.md", BLURB, EDITED_BLURB)
    result = run("update")
    assert result.code == ExitCode.INPUT_ERROR
    assert f"blurb {UUID_BLURB} was edited here since regen last spread it" in result.err
    assert EDITED_BLURB in written.read("docs/b.md")


@pytest.mark.parametrize("emptied", ["", "\n", "\n\n  \n"])
def test_an_empty_region_holds_no_edit_it_is_filled(
    written: Repo, run: Runner, emptied: str
) -> None:
    # A second copy of a region pasted on the same page (whose lock line is the first's), or
    # a region emptied: nothing is lost by filling it, so it is stale, not edited by hand.
    text = written.read("docs/a.md")
    copy = region(UUID_A, emptied)
    written.write("docs/a.md", text + "\n" + copy)
    result = run("check", "-q")
    assert result.code == ExitCode.STALE
    line = text.count("\n") + 2
    assert result.out.splitlines() == [
        f"docs/a.md:{line}: region {UUID_A} is stale (run 'regen update' to rebuild it)"
    ]
    updated = run("update")
    assert updated.code == ExitCode.OK
    assert "discarded" not in updated.out + updated.err
    assert written.read("docs/a.md") == text + "\n" + region(UUID_A, TABLE)
    assert run("check").code == ExitCode.OK


def test_a_region_emptied_by_hand_is_refilled_as_stale(written: Repo, run: Runner) -> None:
    edit(written, "docs/a.md", TABLE, "\n")
    assert statuses(run)[("docs/a.md", UUID_A)] == "stale"
    assert run("update").code == ExitCode.OK
    assert TABLE in written.read("docs/a.md")


def test_a_page_reached_through_a_symlink_too_is_one_page_by_its_own_name(
    repo: Repo, run: Runner
) -> None:
    """README.md links to docs/index.md, and both are pages: every run knows the page by its
    own name, so that a run over either name finds its lock lines, and tells a hand edit."""
    config = repo.read("regen.toml").replace('pages = ["docs/**/*.md"]', "")
    repo.write("regen.toml", 'pages = ["docs/**/*.md", "README.md"]\n' + config)
    repo.write("docs/index.md", page(region(UUID_A, TABLE)))
    (repo.root / "README.md").symlink_to("docs/index.md")
    assert run("update", "-q").code == ExitCode.OK
    assert "README.md" not in repo.read(LOCK_FILE)
    edit(repo, "docs/index.md", TABLE, EDITED_TABLE)
    for named in ("docs/index.md", "README.md"):
        result = run("update", "--keep-edited", named)
        assert result.code == ExitCode.INPUT_ERROR, named
        assert result.err.startswith(f"docs/index.md:3: region {UUID_A} was edited by hand")
    assert EDITED_TABLE in repo.read("docs/index.md")
    assert (repo.root / "README.md").is_symlink()
    # An older regen recorded the page by the link's name, which sorts first: still found.
    repo.write(LOCK_FILE, repo.read(LOCK_FILE).replace("docs/index.md ", "README.md "))
    result = run("update", "--keep-edited", "docs/index.md")
    assert result.code == ExitCode.INPUT_ERROR
    assert result.err.startswith(f"docs/index.md:3: region {UUID_A} was edited by hand")

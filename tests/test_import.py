"""`regen import`: regions another tool maintained become sources and configuration that build
them again byte for byte; copies that drifted are rewritten to the one taken."""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import regen
from regen import api
from regen.config import config_from_text
from regen.errors import ExitCode
from regen.generators import builtin_registry
from regen.importing import import_regions
from regen.lockfile import LOCK_FILE, digest, parse_lock
from regen.markdown import ALIGNMENTS, Column, generated_body, render_table
from regen.model import Status
from regen.plan import Planner
from regen.scaffold import toml_value
from regen.sources import SourceCache
from regen.tablesource import NotATable, read_table
from tests.conftest import BLURB, TABLE, UUID_A, UUID_BLURB, Repo, Runner, blurb, region


def uid(n: int) -> str:
    return f"{n:08x}-0000-4000-8000-{n:012x}"


def body(*lines: str) -> str:
    """A table laid out as regen writes it: one empty line, the table, two empty lines."""
    return generated_body(lines)


# Tables of many shapes, each as a page holds it (the table generator's layout).
TABLES = {
    1: body("| Country | Carriers |", "| :--- | :--- |", "| Canada | Bell, Telus |"),
    2: body(
        "| Model | Band | MHz | Notes |",
        "| :---: | ---: | --- | :--- |",
        "| B404 | 2 | 1900 | LTE M1 |",
        "| B524 | 20 | 800 | LTE Cat 1 |",
    ),
    3: body(
        r"| Pin \| alt | Function |",
        "| :--- | :--- |",
        r"| D0 \| A0 | SDA \| analog |",
        r"| `a\|b` | C:\\\|share |",
    ),
    4: body("| SKU | Region | EtherSIM |", "| :--- | :--- | :---: |", "| B404 |  | &check; |"),
    5: body("| a | b |", "| :--- | :--- |", "| &nbsp; | x |", "| y | &nbsp; |"),
    6: body(
        "| SKU | Datasheet |",
        "| :--- | :--- |",
        "| **B404X** | [datasheet](https://example.com/b404x) |",
        "| `B524` | <https://example.com/b524> |",
    ),
    7: body("| Name | Name |", "| :--- | :--- |", "| old | new |"),
    8: body("|  | Boron |", "| :--- | :--- |", "| Pin 1 | VCC |"),
    9: body(
        "| **Bold** | Carriers<sup>1</sup> | column_2 |",
        "| :--- | :--- | :--- |",
        "| a | b | c |",
    ),
    10: body("| Only |", "| :--- |", "| one |", "| two |"),
    11: body("| N | Square |", "| ---: | ---: |", *(f"| {n} | {n * n} |" for n in range(20))),
    12: body("| País | ∆ |", "| :--- | :---: |", "| España | ∆ |", "| México | n/a |"),
    13: body(
        "| A | B | C | D | E | F |",
        "| :--- | :--- | :--- | :--- | :--- | :--- |",
        "| 1 | 2 | 3 | 4 | 5 | 6 |",
        '| "q" | a,b | x;y | 1.50 | 01 | =1+1 |',
    ),
    14: body("| Device | Lifecycle |", "| --- | --- |", "| Boron | NRND |", "| B404X | GA |"),
}
SHARED = uid(20)  # one table on two pages, the same there
DRIFTED = uid(21)  # one table on three pages, one copy hand-edited
DRIFTED_TEXT = body("| Model | Modem |", "| :--- | :--- |", "| B404 | R410 |", "| B524 | EG91 |")
EDITED_TEXT = body("| Model | Modem |", "| :--- | :--- |", "| B404 | R510 |", "| B524 | EG91 |")
NOTE = uid(30)  # a blurb on four pages, one copy drifted
NOTE_TEXT = "**Note:** the B404X replaces the B404.\n"
NOTE_OLD = "**Note:** the B404 is replaced.\n"
LEGAL = uid(31)  # a blurb on two pages, the same
LEGAL_TEXT = "Certified for use in:\n\n- the USA\n- Canada\n"
EMPTY = uid(32)  # a blurb with no text


def tree(repo: Repo) -> dict[str, str]:
    """Pages of a docs tree another tool maintained: tables and blurbs, some copies drifted,
    one page with CRLF newlines and one with a BOM. Returns the pages' texts."""
    pages = {
        "docs/boron.md": (
            "# Boron\n\nIntro.\n\n"
            + region(uid(1), TABLES[1])
            + "\n## Bands\n\n"
            + region(uid(2), TABLES[2])
            + blurb(NOTE, NOTE_TEXT)
            + region(DRIFTED, DRIFTED_TEXT)
            + "End.\n"
        ),
        "docs/b-series.md": (
            "# B Series\n\n"
            + region(uid(3), TABLES[3])
            + region(uid(4), TABLES[4])
            + blurb(NOTE, NOTE_TEXT)
            + region(SHARED, TABLES[5])
            + region(DRIFTED, EDITED_TEXT)
        ),
        "docs/skus.md": (
            "# SKUs\n\n"
            + region(uid(6), TABLES[6])
            + region(uid(7), TABLES[7])
            + blurb(LEGAL, LEGAL_TEXT)
            + region(DRIFTED, DRIFTED_TEXT)
            + blurb(NOTE, NOTE_OLD)
        ),
        "docs/pins/compare.md": (
            region(uid(8), TABLES[8])
            + region(uid(9), TABLES[9])
            + region(SHARED, TABLES[5])
            + blurb(EMPTY, "")
        ),
        "docs/pins/one.md": region(uid(10), TABLES[10]) + region(uid(11), TABLES[11]),
        # Also the configured region and blurb of the fixture, which are not imported again.
        "docs/configured.md": region(UUID_A, TABLE) + blurb(UUID_BLURB, BLURB),
    }
    crlf = (
        "# Países\n\n" + region(uid(12), TABLES[12]) + blurb(LEGAL, LEGAL_TEXT) + "No newline"
    ).replace("\n", "\r\n")
    bom = "\ufeff# Wide\n\n" + region(uid(13), TABLES[13]) + region(uid(14), TABLES[14])
    for path, text in pages.items():
        repo.write(path, text)
    repo.write("docs/crlf.md", crlf.encode())
    repo.write("docs/bom.md", bom.encode("utf-8"))
    pages["docs/crlf.md"] = crlf
    pages["docs/bom.md"] = bom.removeprefix("\ufeff")
    return pages


def stale_regions(report: api.Report) -> set[tuple[str, str]]:
    return {(r.path, r.region.uuid) for r in report.results if r.status is Status.STALE}


def test_import_then_check_is_clean(repo: Repo, run: Runner) -> None:
    tree(repo)
    before = repo.snapshot()
    result = run("import")
    assert result.code == ExitCode.OK, result.err
    assert result.err == ""
    assert "regen: imported 18 regions (15 tables, 3 blurbs); 0 kept as they are" in result.out
    assert "2 configured already" in result.out
    check = run("check")
    assert check.code == ExitCode.OK, check.out + check.err
    after = repo.snapshot()
    changed = {path for path in before if before[path] != after.get(path)}
    # Only the drifted copies' pages were rewritten: one table, one blurb.
    assert changed == {"docs/b-series.md", "docs/skus.md", "regen.toml"}
    new = sorted(set(after) - set(before))
    assert new == sorted(
        [f"sources/imported/{uid(n)}.csv" for n in (1, 2, 3, 4, *range(6, 15), 20, 21)]
        + [f"sources/blurbs/{u}.md" for u in (NOTE, LEGAL, EMPTY)]
        + ["regen.lock"]
    )
    assert repo.read(f"sources/blurbs/{NOTE}.md") == NOTE_TEXT
    assert repo.read(f"sources/blurbs/{LEGAL}.md") == LEGAL_TEXT  # LF, from a CRLF page too
    assert repo.read(f"sources/blurbs/{EMPTY}.md") == ""
    # The drifted copies now hold the text taken; nothing else on their pages moved.
    assert repo.read("docs/b-series.md") == before["docs/b-series.md"][0].decode().replace(
        EDITED_TEXT, DRIFTED_TEXT
    )
    assert repo.read("docs/skus.md") == before["docs/skus.md"][0].decode().replace(
        NOTE_OLD, NOTE_TEXT
    )


def test_an_import_whose_rename_fails_midway_says_what_was_written(
    repo: Repo, run: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree(repo)
    replace = Path.replace
    done: list[str] = []

    def failing(self: Path, target: str | os.PathLike[str]) -> Path:
        if Path(target).name == "regen.lock":  # the last write: every other is in place
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        done.append(Path(target).relative_to(repo.root).as_posix())
        return replace(self, target)

    monkeypatch.setattr(Path, "replace", failing)
    result = run("import")
    assert result.code == ExitCode.INPUT_ERROR
    shown = f"{', '.join(done[:5])} and {len(done) - 5:,} more" if len(done) > 5 else done
    assert result.err.splitlines() == [
        f"regen.lock: cannot write: Input/output error (written before it: {shown};"
        " run regen again)",
        "regen: 1 problem found",
    ]
    assert "regen.toml" in done


def test_imported_regions_are_recorded_so_a_later_hand_edit_is_told_apart(
    repo: Repo, run: Runner
) -> None:
    tree(repo)
    assert run("import").code == ExitCode.OK
    lock, problems = parse_lock(repo.read(LOCK_FILE))
    assert problems == []
    assert lock.regions[("docs/b-series.md", DRIFTED)] == digest(DRIFTED_TEXT)  # as rewritten
    assert lock.blurbs[NOTE] == digest(NOTE_TEXT)
    page = repo.read("docs/boron.md")
    first_row = TABLES[1].splitlines()[3]
    repo.write("docs/boron.md", page.replace(first_row, first_row.replace("|", "| x", 1), 1))
    rows = json.loads(run("list", "--json").out)["regions"]
    found = {(r["path"], r["uuid"]): r["status"] for r in rows}
    assert found[("docs/boron.md", uid(1))] == "edited"
    assert set(found.values()) == {"fresh", "edited"}


def test_the_configuration_and_sources_read_as_written(repo: Repo, run: Runner) -> None:
    tree(repo)
    config_before = repo.read("regen.toml")
    assert run("import").code == 0
    text = repo.read("regen.toml")
    assert text.startswith(config_before)  # appended: nothing of the user's file changes
    regions = tomllib.loads(text)["regions"]
    assert regions[uid(2)] == {
        "generator": "table",
        "source": f"imported/{uid(2)}.csv",
        "columns": [
            {"column": "Model", "align": "center"},
            {"column": "Band", "align": "right"},
            {"column": "MHz", "align": "none"},
            "Notes",
        ],
    }
    assert regions[uid(4)]["empty"] == ""  # an empty cell stays empty
    assert "empty" not in regions[SHARED]  # &nbsp; is kept as the text it is
    assert regions[uid(7)]["columns"] == [
        {"column": "column_1", "title": "Name"},
        {"column": "column_2", "title": "Name"},
    ]
    assert regions[uid(9)]["columns"] == [
        {"column": "column_1", "title": "**Bold**"},
        {"column": "column_2_", "title": "Carriers<sup>1</sup>"},
        "column_2",
    ]
    assert f'# Imported from docs/boron.md:5\n[regions."{uid(1)}"]' in text
    assert NOTE not in regions  # a blurb needs no entry, only its master
    rows = list(csv.reader(io.StringIO(repo.read(f"sources/imported/{uid(3)}.csv"))))
    assert rows == [["column_1", "Function"], ["D0 | A0", "SDA | analog"], ["`a|b`", r"C:\\|share"]]
    assert regions[uid(3)]["columns"][0] == {"column": "column_1", "title": "Pin | alt"}
    assert repo.data(f"sources/imported/{uid(13)}.csv") == (
        b'A,B,C,D,E,F\n1,2,3,4,5,6\n"""q""","a,b",x;y,1.50,01,=1+1\n'
    )


def test_variants_are_reported_and_the_most_common_taken(repo: Repo, run: Runner) -> None:
    tree(repo)
    result = run("import")
    lines = result.out.splitlines()
    start = lines.index(f"region {DRIFTED} has 2 variants:")
    assert lines[start + 1 : start + 3] == [
        "  1. docs/b-series.md:32",
        "  2. docs/boron.md:28, docs/skus.md:26  <- taken: the most common",
    ]
    start = lines.index(f"blurb {NOTE} has 2 variants:")
    assert lines[start + 1 : start + 3] == [
        "  1. docs/b-series.md:20, docs/boron.md:25  <- taken: the most common",
        "  2. docs/skus.md:35",
    ]
    assert "docs/b-series.md:32: rewrote this copy of " + DRIFTED + " as taken" in lines
    diff = lines.index("docs/skus.md:35: rewrote this copy of " + NOTE + " as taken")
    assert lines[diff + 1 : diff + 6] == [
        "--- docs/skus.md",
        "+++ docs/skus.md (regenerated)",
        "@@ -36 +36 @@",
        "-" + NOTE_OLD.strip(),
        "+" + NOTE_TEXT.strip(),
    ]
    assert f"imported docs/boron.md:28 region {DRIFTED} -> " in result.out
    assert f"sources/imported/{DRIFTED}.csv (3 copies)" in result.out


def test_a_tie_takes_the_first_page(repo: Repo, run: Runner) -> None:
    repo.write("docs/a.md", blurb(NOTE, "first\n"))
    repo.write("docs/b.md", blurb(NOTE, "second\n"))
    result = run("import")
    assert "  1. docs/a.md:1  <- taken: the first of the most common" in result.out
    assert repo.read(f"sources/blurbs/{NOTE}.md") == "first\n"
    assert repo.read("docs/b.md") == blurb(NOTE, "first\n")


@pytest.mark.parametrize("named", ["docs/b-series.md", "docs/../docs/b-series.md"])
def test_prefer_takes_the_variant_on_the_page_named(repo: Repo, run: Runner, named: str) -> None:
    tree(repo)
    result = run("import", "--prefer", named)
    assert result.code == 0, result.err
    assert "  1. docs/b-series.md:32  <- taken: the one on docs/b-series.md" in result.out
    assert repo.read(f"sources/imported/{DRIFTED}.csv") == "Model,Modem\nB404,R510\nB524,EG91\n"
    assert EDITED_TEXT in repo.read("docs/boron.md")
    assert DRIFTED_TEXT not in repo.read("docs/skus.md")
    assert run("check").code == 0


def test_paths_import_their_uuids_choosing_among_all_their_copies(repo: Repo, run: Runner) -> None:
    tree(repo)
    result = run("import", "docs/b-series.md")
    assert result.code == 0, result.err
    # The copy on the page named is the odd one out: the other pages' copies win.
    assert repo.read(f"sources/imported/{DRIFTED}.csv") == "Model,Modem\nB404,R410\nB524,EG91\n"
    assert DRIFTED_TEXT in repo.read("docs/b-series.md")
    assert not (repo.root / f"sources/imported/{uid(1)}.csv").exists()  # on boron.md only
    assert run("import").code == 0
    assert run("check").code == 0


def test_prefer_from_a_subfolder_or_the_root(
    repo: Repo, run: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree(repo)
    monkeypatch.chdir(repo.root / "docs")
    assert run("import", "--prefer", "skus.md", "--dry-run").code == 0
    result = run("import", "--prefer", "docs/skus.md")  # from the root works too
    assert "  2. docs/skus.md:35  <- taken: the one on docs/skus.md" in result.out
    assert repo.read(f"sources/blurbs/{NOTE}.md") == NOTE_OLD


def test_prefer_naming_no_page_read_is_an_error(repo: Repo, run: Runner) -> None:
    tree(repo)
    before = repo.snapshot()
    result = run("import", "--prefer", "docs/nope.md")
    assert result.code == ExitCode.INPUT_ERROR
    assert "docs/nope.md: --prefer names no page regen import reads" in result.err
    assert repo.snapshot() == before


def test_one_changed_cell_makes_exactly_its_regions_stale(repo: Repo, run: Runner) -> None:
    tree(repo)
    assert run("import").code == 0
    source = f"sources/imported/{DRIFTED}.csv"
    repo.write(source, repo.read(source).replace("R410", "R510"))
    report = regen.check(config=repo.root / "regen.toml")
    assert not report.problems
    assert stale_regions(report) == {
        ("docs/boron.md", DRIFTED),
        ("docs/b-series.md", DRIFTED),
        ("docs/skus.md", DRIFTED),
    }
    repo.write(source, repo.read(source).replace("R510", "R410"))
    master = f"sources/blurbs/{LEGAL}.md"
    repo.write(master, "Certified.\n")
    report = regen.check(config=repo.root / "regen.toml")
    assert stale_regions(report) == {("docs/skus.md", LEGAL), ("docs/crlf.md", LEGAL)}


LEFT = {
    uid(40): "Some prose, not a table.\n",
    uid(41): "\n| Padded | Table  |\n| :----- | :----- |\n| a      | b      |\n\n\n",
    uid(42): "| tight | table |\n| :--- | :--- |\n| a | b |\n",
    uid(43): "\n| a | b |\n| :--- | :--- |\n| 1 | 2 |\n\nAnd a paragraph.\n",
    uid(44): "\n| header | only |\n| :--- | :--- |\n\n\n",
    uid(45): "",
    uid(46): "\n| a | b |\n| :-: | :--- |\n| 1 | 2 |\n\n\n",
}


def test_regions_it_cannot_rebuild_are_kept_and_reported(repo: Repo, run: Runner) -> None:
    page = "# Left\n\n" + "".join(region(u, text) for u, text in LEFT.items())
    page += region(uid(1), TABLES[1])
    repo.write("docs/left.md", page)
    result = run("import")
    assert result.code == ExitCode.OK
    hint = (
        ' (its entry says generator = "keep"; give it a generator and sources to have regen'
        " build it)"
    )
    reasons = [
        f"docs/left.md:3: region {uid(40)} kept as it is: it holds no table",
        f"docs/left.md:6: region {uid(41)} kept as it is: line 8 reads '| Padded | Table  |', "
        "where regen writes '| Padded | Table |'",
        f"docs/left.md:14: region {uid(42)} kept as it is: regen writes one empty line "
        "before the table and two after it, and it has not",
        f"docs/left.md:19: region {uid(43)} kept as it is: it holds text besides its table",
        f"docs/left.md:27: region {uid(44)} kept as it is: its table has no rows, and regen "
        "never writes an empty table",
        f"docs/left.md:34: region {uid(45)} kept as it is: it is empty",
        f"docs/left.md:36: region {uid(46)} kept as it is: line 39 reads '| :-: | :--- |', "
        "where regen writes '| :---: | :--- |'",
    ]
    assert [line for line in result.out.splitlines() if "kept as it is" in line] == [
        reason + hint for reason in reasons
    ]
    assert result.out.endswith(
        'regen: imported 1 region (1 table, 0 blurbs); 7 kept as they are (generator = "keep"); '
        "0 configured already\n"
    )
    assert "regen: added 8 entries to regen.toml" in result.out  # 1 table, 7 kept
    assert repo.read("docs/left.md") == page
    regions = tomllib.loads(repo.read("regen.toml"))["regions"]
    assert {u: regions[u] for u in LEFT} == {u: {"generator": "keep"} for u in LEFT}
    assert "# Kept as it is by regen import (docs/left.md:6): line 8 reads" in (
        repo.read("regen.toml")
    )
    assert sorted(p.name for p in (repo.root / "sources/imported").iterdir()) == [f"{uid(1)}.csv"]
    assert run("check").code == ExitCode.OK  # every region is known now, none changed
    assert repo.read("docs/left.md") == page


def test_normalize_imports_the_tables_regen_would_lay_out_otherwise(
    repo: Repo, run: Runner
) -> None:
    gfm = uid(47)  # the compact GitHub style most hand-written tables have
    page = "# Left\n\n" + "".join(region(u, text) for u, text in LEFT.items())
    page += region(gfm, "\n|Model|Modem|\n|---|---|\n|B404|R410|\n\n\n")
    repo.write("docs/left.md", page)
    result = run("import", "--normalize")
    assert result.code == ExitCode.OK, result.err
    normalized = [uid(41), uid(42), uid(46), gfm]
    for uuid in normalized:
        assert f"this copy of {uuid} in regen's table layout" in result.out
    assert "-|Model|Modem|" in result.out
    assert "+| Model | Modem |" in result.out
    text = repo.read("docs/left.md")
    assert region(gfm, body("| Model | Modem |", "| --- | --- |", "| B404 | R410 |")) in text
    assert region(uid(41), body("| Padded | Table |", "| :--- | :--- |", "| a | b |")) in text
    assert region(uid(46), body("| a | b |", "| :---: | :--- |", "| 1 | 2 |")) in text
    for uuid in (uid(40), uid(43), uid(44), uid(45)):  # no table regen can read: kept
        assert region(uuid, LEFT[uuid]) in text
    assert repo.read(f"sources/imported/{gfm}.csv") == "Model,Modem\nB404,R410\n"
    assert run("check").code == ExitCode.OK
    assert run("update").out.splitlines()[-1] == "regen: all 8 regions in 1 page up to date"


def test_a_uuid_used_by_both_kinds_is_left(repo: Repo, run: Runner) -> None:
    repo.write("docs/a.md", region(uid(1), TABLES[1]) + blurb(uid(1), "text\n"))
    result = run("import")
    assert "its uuid marks both generated regions and shared blurbs" in result.out
    assert not (repo.root / "sources/imported").exists()
    assert run("check").code == ExitCode.OK


def test_dry_run_writes_nothing(repo: Repo, run: Runner) -> None:
    tree(repo)
    before = repo.snapshot()
    result = run("import", "--dry-run")
    assert result.code == 0
    assert repo.snapshot() == before
    assert f"would import docs/boron.md:5 region {uid(1)} -> " in result.out
    assert "regen: would add 15 entries to regen.toml, would rewrite 2 pages" in result.out
    assert result.out.endswith("; nothing was written\n")
    assert not (repo.root / ".regen-cache").exists()


def test_a_second_run_imports_nothing(repo: Repo, run: Runner) -> None:
    tree(repo)
    assert run("import").code == 0
    before = repo.snapshot()
    result = run("import")
    assert result.code == 0
    assert result.out == (
        "regen: imported 0 regions (0 tables, 0 blurbs); 0 kept as they are; "
        "20 configured already\n"
    )
    assert repo.snapshot() == before


def test_paths_limit_the_pages(repo: Repo, run: Runner) -> None:
    tree(repo)
    result = run("import", "docs/pins")
    assert result.code == 0
    assert "imported 6 regions (5 tables, 1 blurb)" in result.out
    assert "docs/boron.md" not in result.out


def test_an_existing_csv_is_not_replaced(repo: Repo, run: Runner) -> None:
    tree(repo)
    repo.write(f"sources/imported/{uid(7)}.csv", "mine\n")
    before = repo.snapshot()
    result = run("import")
    assert result.code == ExitCode.INPUT_ERROR
    assert result.err == (
        f"sources/imported/{uid(7)}.csv: already exists, and regen import does not replace it "
        "(move it away, or configure the region by hand)\n"
        "regen: 1 problem found; nothing was written\n"
    )
    assert repo.snapshot() == before


def test_marker_problems_write_nothing(repo: Repo, run: Runner) -> None:
    tree(repo)
    repo.write("docs/broken.md", "# Broken\n\n{{!-- END shared-blurb --}}\n")
    before = repo.snapshot()
    result = run("import")
    assert result.code == ExitCode.INPUT_ERROR
    assert "docs/broken.md:3: shared-blurb END marker has no BEGIN" in result.err
    assert result.err.endswith("regen: 1 problem found; nothing was written\n")
    assert result.out == ""
    assert repo.snapshot() == before


def test_a_configuration_problem_writes_nothing(repo: Repo, run: Runner) -> None:
    tree(repo)
    repo.write("regen.toml", "colums = 1\n" + repo.read("regen.toml"))
    before = repo.snapshot()
    result = run("import")
    assert result.code == ExitCode.INPUT_ERROR
    assert "regen.toml:1: colums: unknown key" in result.err
    assert repo.snapshot() == before


def test_without_a_configuration_regen_toml_is_made(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    work = Repo(tmp_path)
    work.write("docs/a.md", region(uid(1), TABLES[1]) + blurb(NOTE, NOTE_TEXT))
    work.write("README.md", region(uid(2), TABLES[2]))
    monkeypatch.chdir(tmp_path)
    assert regen.cli.main(["check"]) == ExitCode.INPUT_ERROR  # the other commands still say so
    assert "no regen.toml" in capsys.readouterr().err
    assert regen.cli.main(["import"]) == 0
    out = capsys.readouterr().out
    assert "regen: created regen.toml with 2 entries" in out
    text = work.read("regen.toml")
    assert text.startswith("# regen's configuration, made by `regen import`.")
    assert tomllib.loads(text)["pages"] == ["**/*.md"]
    assert work.read(f"sources/blurbs/{NOTE}.md") == NOTE_TEXT
    assert regen.cli.main(["check"]) == 0


def test_blurbs_alone_make_a_configuration_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    Repo(tmp_path).write("a.md", blurb(NOTE, NOTE_TEXT))
    monkeypatch.chdir(tmp_path)
    assert regen.cli.main(["import"]) == 0
    assert "regen: created regen.toml with 0 entries" in capsys.readouterr().out
    config = tomllib.loads((tmp_path / "regen.toml").read_text())
    assert config == {"pages": ["**/*.md"], "exclude": ["sources/**"]}
    assert regen.cli.main(["check"]) == 0
    # The blurb's master is no page: one page, one region.
    assert capsys.readouterr().out.endswith("regen: all 1 region in 1 page up to date\n")


def test_nothing_to_import_makes_no_configuration(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    Repo(tmp_path).write("docs/a.md", "# No regions\n")
    monkeypatch.chdir(tmp_path)
    assert regen.cli.main(["import"]) == 0
    assert "imported 0 regions" in capsys.readouterr().out
    assert not (tmp_path / "regen.toml").exists()


def test_a_pyproject_configuration_gets_tool_regen_entries(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    work = Repo(tmp_path)
    pyproject = '\ufeff[project]\r\nname = "docs"\r\n\r\n[tool.regen]\r\npages = ["docs/*.md"]\r\n'
    work.write("pyproject.toml", pyproject.encode())
    work.write("docs/a.md", region(uid(1), TABLES[1]))
    monkeypatch.chdir(tmp_path)
    assert regen.cli.main(["import"]) == 0
    assert "regen: added 1 entry to pyproject.toml" in capsys.readouterr().out
    data = work.data("pyproject.toml")
    assert data.startswith(pyproject.encode())  # BOM and CRLF kept
    assert b'\r\n[tool.regen.regions."' + uid(1).encode() + b'"]\r\n' in data
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert tomllib.loads(data.decode("utf-8-sig"))["tool"]["regen"]["regions"][uid(1)]
    assert regen.cli.main(["check"]) == 0


def test_the_library_returns_the_plan(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    tree(repo)
    monkeypatch.chdir(repo.root)
    plan = import_regions(["docs/pins/one.md"], dry_run=True)
    assert [i.uuid for i in plan.imported] == [uid(10), uid(11)]
    assert plan.written == ()
    plan = import_regions(["docs/pins/one.md"])
    assert plan.written == (
        f"sources/imported/{uid(10)}.csv",
        f"sources/imported/{uid(11)}.csv",
        "regen.toml",
        "regen.lock",
    )


def test_read_table_says_why_not() -> None:
    with pytest.raises(NotATable, match="more than one table"):
        read_table("| a |\n| --- |\n| 1 |\n\n| b |\n| --- |\n| 2 |\n")
    with pytest.raises(NotATable, match="holds no table"):
        read_table("| a | b |\n| --- |\n| 1 | 2 |\n")  # the delimiter row does not match


# Any table the generator writes is read back into a source that writes it again.
titles = st.text(
    alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), min_size=0, max_size=8
).map(str.strip)
cells = st.one_of(
    st.just(""),
    st.text(alphabet="ab |\\*`&;é", min_size=1, max_size=6).map(str.strip),
)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 4).flatmap(
        lambda n: st.tuples(
            st.lists(
                st.tuples(titles, st.sampled_from(sorted(ALIGNMENTS))), min_size=n, max_size=n
            ),
            st.lists(st.lists(cells, min_size=n, max_size=n), min_size=1, max_size=4),
        )
    )
)
def test_any_rendered_table_imports_back_byte_for_byte(
    shape: tuple[list[tuple[str, str]], list[list[str]]],
) -> None:
    header, rows = shape
    if len(header) == 1 and any(row == [""] for row in rows):
        return  # a CSV row of one empty cell reads as a blank line: verified, and left
    written = generated_body(render_table([Column(t, a) for t, a in header], rows))
    table = read_table(written)
    options = table.options("t.csv")
    entry = "\n".join(f"{key} = {toml_value(value)}" for key, value in options.items())
    uuid = uid(1)
    config = config_from_text(
        f'[regions."{uuid}"]\ngenerator = "table"\n{entry}\n', Path("/nowhere/regen.toml")
    )
    assert not config.problems
    cache = SourceCache(Path("/nowhere"))
    cache.give("sources/t.csv", table.csv_text())
    planner = Planner(config, builtin_registry(), cache)
    job = planner.job_of(config.regions[uuid])
    assert job is not None, planner.problems
    assert job.build() == written


def test_a_table_with_mixed_line_endings_is_left(repo: Repo, run: Runner) -> None:
    mixed = TABLES[1].replace("\n", "\r\n", 2)
    page = (
        region(uid(1), TABLES[1])
        .replace("\n", "\r\n")
        .replace(TABLES[1].replace("\n", "\r\n"), mixed)
    )
    repo.write("docs/a.md", page.encode())
    result = run("import")
    assert "its line endings are mixed, and regen writes the BEGIN line's throughout" in result.out
    assert repo.data("docs/a.md") == page.encode()


def test_copies_that_drifted_from_an_existing_master_are_kept_as_hand_edits(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A blurb with a master already is not imported, but a copy whose text differs from it
    must not be lost to the next update: it is said, and regen.lock records the master there,
    so that check calls it a hand edit and update stops until adopt or --force."""
    work = Repo(tmp_path)
    work.write(f"sources/blurbs/{UUID_BLURB}.md", BLURB)
    work.write("docs/a.md", "# A\n" + blurb(UUID_BLURB, BLURB))
    improved = BLURB.replace("Second paragraph.", "A better second paragraph.")
    work.write("docs/b.md", "# B\n" + blurb(UUID_BLURB, improved))
    monkeypatch.chdir(tmp_path)
    assert regen.cli.main(["import"]) == ExitCode.OK
    out = capsys.readouterr().out.splitlines()
    assert out[:2] == [
        f"docs/b.md:2: blurb {UUID_BLURB} differs from its master: kept as a hand edit"
        " ('regen adopt docs/b.md:2' makes it the master; 'regen update --force' takes the"
        " master)",
        "regen: created regen.toml with 0 entries",
    ]
    assert regen.cli.main(["update"]) == ExitCode.INPUT_ERROR
    assert capsys.readouterr().err.startswith(
        f"docs/b.md:2: blurb {UUID_BLURB} was edited here since regen last spread it"
    )
    assert improved in work.read("docs/b.md")
    assert regen.cli.main(["adopt", "docs/b.md:2"]) == ExitCode.OK
    assert work.read(f"sources/blurbs/{UUID_BLURB}.md") == improved

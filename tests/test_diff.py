from __future__ import annotations

from regen.diff import change_diff, region_diff
from regen.model import Region, RegionKind, RegionResult

BEGIN = "{{!-- BEGIN shared-blurb 97fa98d2-9baa-11ec-b909-0242ac120002 --}}\n"
END = "{{!-- END shared-blurb --}}\n"


def result(line: int, old: str, new: str | None) -> RegionResult:
    region = Region(RegionKind.BLURB, "97fa98d2-9baa-11ec-b909-0242ac120002", line, BEGIN, old, END)
    return RegionResult("p.md", region, None, new)


def test_hunk_is_numbered_with_page_lines() -> None:
    old = "".join(f"line {i}\n" for i in range(1, 11))
    new = old.replace("line 5\n", "line five\n")
    assert list(region_diff(result(20, old, new))) == [
        "--- p.md",
        "+++ p.md (regenerated)",
        "@@ -22,7 +22,7 @@",
        " line 2",
        " line 3",
        " line 4",
        "-line 5",
        "+line five",
        " line 6",
        " line 7",
        " line 8",
    ]


def test_insertion_into_an_empty_body() -> None:
    assert list(region_diff(result(7, "", "a\nb\n"))) == [
        "--- p.md",
        "+++ p.md (regenerated)",
        "@@ -7,0 +8,2 @@",
        "+a",
        "+b",
    ]


def test_crlf_bodies_diff_by_content() -> None:
    assert list(region_diff(result(1, "a\r\nb\r\n", "a\r\nc\r\n")))[2:] == [
        "@@ -2,2 +2,2 @@",
        " a",
        "-b",
        "+c",
    ]


def test_change_diff_shifts_later_regions_and_skips_fresh_and_failed() -> None:
    first = result(1, "", "x\ny\nz\n")  # adds three lines
    fresh = result(5, "same\n", "same\n")
    failed = result(8, "kept\n", None)
    last = result(12, "old\n", "new\n")
    diffs = list(change_diff([first, fresh, failed, last]))
    assert [r.region.line for r, _ in diffs] == [1, 12]
    assert diffs[1][1][2] == "@@ -13 +16 @@"


def test_line_endings_only_difference_is_said() -> None:
    crlf = Region(
        RegionKind.BLURB,
        "97fa98d2-9baa-11ec-b909-0242ac120002",
        1,
        BEGIN.replace("\n", "\r\n"),
        "a\nb\n",
        END,
    )
    assert list(region_diff(RegionResult("p.md", crlf, None, "a\r\nb\r\n")))[2:] == [
        "@@ line endings differ: the region is rewritten with CRLF, as its BEGIN line @@"
    ]

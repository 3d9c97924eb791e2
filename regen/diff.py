"""Unified diffs of one region, numbered with the page's own line numbers."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from regen.model import RegionResult
from regen.textfile import split_lines


def _range(start: int, length: int) -> str:
    # As in `diff -u`: an empty range is shown at the line before it.
    if length == 0:
        return f"{start - 1},0"
    return str(start) if length == 1 else f"{start},{length}"


def region_diff(result: RegionResult, shift: int = 0, context: int = 3) -> Iterator[str]:
    """The lines (without line endings) of a unified diff from the region's body on the page
    to the body regen would write. `shift` is how many lines the regions above this one add
    to the page, so that the new side is numbered as in the rewritten page."""
    if result.new_body is None:
        return
    old = [line.rstrip("\r\n") for line in split_lines(result.region.body)]
    new = [line.rstrip("\r\n") for line in split_lines(result.new_body)]
    first = result.region.body_line
    yield f"--- {result.path}"
    yield f"+++ {result.path} (regenerated)"
    if old == new:  # the text is the same; only its line endings differ
        style = "CRLF" if result.region.newline == "\r\n" else "LF"
        yield f"@@ line endings differ: the region is rewritten with {style}, as its BEGIN line @@"
        return
    yield from _hunks(old, new, first, first + shift, context)


def edit_diff(result: RegionResult, written: str, context: int = 3) -> Iterator[str]:
    """The hand edit of a region: a unified diff from the body regen wrote there to the body
    the page holds, numbered as the page is."""
    old = [line.rstrip("\r\n") for line in split_lines(written)]
    new = [line.rstrip("\r\n") for line in split_lines(result.region.body)]
    yield f"--- {result.path} (as regen wrote it)"
    yield f"+++ {result.path} (as edited)"
    first = result.region.body_line
    yield from _hunks(old, new, first, first, context)


def _hunks(
    old: list[str], new: list[str], old_first: int, new_first: int, context: int
) -> Iterator[str]:
    import difflib  # only a run with something to show pays for it

    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for group in matcher.get_grouped_opcodes(context):
        i1, i2 = group[0][1], group[-1][2]
        j1, j2 = group[0][3], group[-1][4]
        yield f"@@ -{_range(old_first + i1, i2 - i1)} +{_range(new_first + j1, j2 - j1)} @@"
        for tag, a1, a2, b1, b2 in group:
            if tag == "equal":
                yield from (" " + line for line in old[a1:a2])
                continue
            yield from ("-" + line for line in old[a1:a2])
            yield from ("+" + line for line in new[b1:b2])


def change_diff(
    results: Sequence[RegionResult], context: int = 3
) -> Iterator[tuple[RegionResult, list[str]]]:
    """Each stale region of one page with its diff, numbered as the page is and will be."""
    shift = 0
    for result in results:
        if result.new_body is None:
            continue
        if result.new_body != result.region.body:
            yield result, list(region_diff(result, shift, context))
        shift += len(split_lines(result.new_body)) - len(split_lines(result.region.body))

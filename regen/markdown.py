"""Deterministic Markdown tables, laid out as the published pages lay them out."""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

ALIGNMENTS = {
    "left": ":---",
    "center": ":---:",
    "right": "---:",
    "none": "---",
}

_NEWLINES = re.compile(r"\s*(?:\r\n|\r|\n)\s*")


@dataclass(frozen=True)
class Column:
    title: str
    align: str = "left"  # a key of ALIGNMENTS


# A '|' that no backslash escapes: one after an even number of backslashes (none included).
_BARE_PIPE = re.compile(r"(?<!\\)((?:\\\\)*)\|")


# A comment opened in a cell and not closed there would run on through the rest of the table,
# to the `--}}` or `-->` of the region's END marker: the page's template (Handlebars, for
# `{{!`, `{{!--` and their `{{~!` forms) or its HTML would hide the rows after it. Such an
# opener is escaped with a backslash, which both read as "this is text"; a comment closed
# within its cell is the data's own, and so is `<!--` in a code span, which is text already
# (there a backslash would show; Handlebars reads the page before Markdown, so `{{!` in one is
# escaped all the same). As for '|', an opener after an odd number of backslashes is escaped.
_OPENER = re.compile(r"(?<!\\)((?:\\\\)*)(\{\{~?!(?:--)?|<!--)")
_BACKTICKS = re.compile(r"`+")


def escape_cell(text: str) -> str:
    """Make `text` safe as one cell: a '|' cannot end the cell, a newline cannot end the row,
    a comment it opens cannot hide the rows after it. A '|' the source already escapes (`\\|`)
    is left as it is, since cells are Markdown."""
    if "|" not in text and "\n" not in text and "\r" not in text and "!" not in text:
        return text  # as most cells are (a cold run makes 10,000)
    if "\n" in text or "\r" in text:
        text = _NEWLINES.sub(" ", text)
    if "!" in text and ("{{" in text or "<!--" in text):
        text = _close_comments(text)
    if "|" in text:
        text = _BARE_PIPE.sub(r"\1\\|", text)
    return text


def _close_comments(text: str) -> str:
    """`text` with each comment opener that nothing after it closes escaped (linear: the last
    closer of each kind is found once, not searched for after every opener)."""
    long_close = max(text.rfind("--}}"), text.rfind("--~}}"))
    short_close = text.rfind("}}")
    html_close = text.rfind("-->")
    spans = _code_spans(text) if "`" in text else []

    def escaped(found: re.Match[str]) -> str:
        opener, at, end = found[2], found.start(2), found.end()
        if opener == "<!--":
            closed = html_close >= end or any(a <= at < b for a, b in spans)
        else:
            closed = (long_close if opener.endswith("--") else short_close) >= end
        return found[0] if closed else f"{found[1]}\\{opener}"

    return _OPENER.sub(escaped, text)


def _code_spans(text: str) -> list[tuple[int, int]]:
    """Where the cell's code spans are (CommonMark: a run of backticks up to the next run of
    the same length; a run that none closes is text)."""
    runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(text)]
    later: dict[int, list[int]] = {}  # run length: the indices of the runs of that length
    for index, (a, b) in enumerate(runs):
        later.setdefault(b - a, []).append(index)
    spans, index = [], 0
    while index < len(runs):
        a, b = runs[index]
        same = later[b - a]
        after = bisect.bisect_right(same, index)
        if after < len(same):
            close = same[after]
            spans.append((a, runs[close][1]))
            index = close + 1
        else:
            index += 1
    return spans


def render_row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def render_table(columns: Sequence[Column], rows: Sequence[Sequence[str]]) -> list[str]:
    """Header, alignment row and rows, one space each side of a cell. Cells are escaped here."""
    lines = [
        render_row([escape_cell(c.title) for c in columns]),
        render_row([ALIGNMENTS[c.align] for c in columns]),
    ]
    lines.extend(render_row([escape_cell(cell) for cell in row]) for row in rows)
    return lines


def generated_body(lines: Sequence[str]) -> str:
    """A generated region's body as the seed page lays it out: one empty line, the content, two
    empty lines (the END marker follows)."""
    return "\n" + "".join(line + "\n" for line in lines) + "\n\n"

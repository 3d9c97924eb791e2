"""Deterministic Markdown tables, laid out as the published pages lay them out."""

from __future__ import annotations

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
# `{{!`) or its HTML would hide the rows after it. Such an opener is escaped with a backslash,
# which both read as "this is text"; a comment closed within its cell is the data's own.
# As for '|': an opener after an odd number of backslashes is escaped already.
_UNCLOSED_COMMENT = re.compile(
    r"(?<!\\)((?:\\\\)*)(\{\{!--(?!.*?--\}\})|\{\{!(?!--)(?!.*?\}\})|<!--(?!.*?-->))"
)


def escape_cell(text: str) -> str:
    """Make `text` safe as one cell: a '|' cannot end the cell, a newline cannot end the row,
    a comment it opens cannot hide the rows after it. A '|' the source already escapes (`\\|`)
    is left as it is, since cells are Markdown."""
    if "|" not in text and "\n" not in text and "\r" not in text and "!" not in text:
        return text  # as most cells are: three substitutions saved (a cold run makes 10,000)
    folded = _NEWLINES.sub(" ", text)
    if "!" in folded:
        folded = _UNCLOSED_COMMENT.sub(r"\1\\\2", folded)
    return _BARE_PIPE.sub(r"\1\\|", folded)


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

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


def escape_cell(text: str) -> str:
    """Make `text` safe as one cell: a '|' cannot end the cell, a newline cannot end the row.
    A '|' the source already escapes (`\\|`) is left as it is, since cells are Markdown."""
    if "|" not in text and "\n" not in text and "\r" not in text:
        return text  # as most cells are: two substitutions saved (a cold run makes 10,000)
    folded = _NEWLINES.sub(" ", text)
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

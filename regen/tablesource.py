"""A generated body read back as a Markdown table: its columns, alignments and cells, as the
CSV source and the `table` options that would build it again.

mistune finds the table, never a regex of ours. Only its block parser runs: a table cell's
token then still holds the cell's Markdown source (`"text"`), which mistune's inline pass
would turn into rendered children (`**x**` into emphasis, `\\|` into `|`), losing the text
a source must keep. Whether the options really rebuild the body byte for byte is for the
caller to prove with the real generator: this module only reads.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

DEFAULT_ALIGN = "left"  # the table generator's default `align`

# A title that can be a CSV column name as it is: a word, then words, blanks and a few signs.
_PLAIN = re.compile(r"\w(?:[\w .()/#%+-]*[\w.)%])?")
# mistune's names for a column's alignment (None: no colon in the delimiter row).
_ALIGN_OF = {"left": "left", "center": "center", "right": "right", None: "none"}


class NotATable(ValueError):
    """The body is not one Markdown table with rows; the message says why."""


@dataclass(frozen=True)
class TableSource:
    """A table's columns and cells, as a source holds them: `\\|` is back to `|`, since the
    table generator escapes a bare `|` itself."""

    titles: tuple[str, ...]
    aligns: tuple[str, ...]  # keys of regen.markdown.ALIGNMENTS
    rows: tuple[tuple[str, ...], ...]

    @property
    def names(self) -> tuple[str, ...]:
        """The CSV's column names: the title where it is unique and plain, else `column_N`."""
        unique = {t for t in self.titles if self.titles.count(t) == 1 and _PLAIN.fullmatch(t)}
        names: list[str] = []
        for index, title in enumerate(self.titles):
            name = title if title in unique else f"column_{index + 1}"
            while name in names or (name != title and name in unique):
                name += "_"
            names.append(name)
        return tuple(names)

    def csv_text(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(self.names)
        writer.writerows(self.rows)
        return out.getvalue()

    def options(self, source: str) -> dict[str, Any]:
        """The `table` options (but `generator`) that build this table from `source`."""
        options: dict[str, Any] = {"source": source}
        if any(not cell for row in self.rows for cell in row):
            options["empty"] = ""  # the default, &nbsp;, would fill the empty cells
        columns: list[str | dict[str, str]] = []
        for name, title, align in zip(self.names, self.titles, self.aligns, strict=True):
            if name == title and align == DEFAULT_ALIGN:
                columns.append(name)
                continue
            column = {"column": name}
            if title != name:
                column["title"] = title
            if align != DEFAULT_ALIGN:
                column["align"] = align
            columns.append(column)
        options["columns"] = columns
        return options


def read_table(body: str) -> TableSource:
    """The one table `body` holds, blank lines around it allowed. Raises NotATable."""
    tokens = [t for t in _block_tokens(body) if t["type"] != "blank_line"]
    if not tokens:
        raise NotATable("it is empty" if not body.strip() else "it holds no table")
    tables = [t for t in tokens if t["type"] == "table"]
    if not tables:
        raise NotATable("it holds no table")
    if len(tokens) > 1:
        what = "more than one table" if len(tables) > 1 else "text besides its table"
        raise NotATable(f"it holds {what}")
    head, body_rows = tables[0]["children"]
    cells = head["children"]
    rows = tuple(_texts(row["children"]) for row in body_rows["children"])
    if not rows:
        raise NotATable("its table has no rows, and regen never writes an empty table")
    return TableSource(_texts(cells), tuple(_ALIGN_OF[c["attrs"]["align"]] for c in cells), rows)


def _texts(cells: Sequence[dict[str, Any]]) -> tuple[str, ...]:
    return tuple(_unescape(str(cell["text"])) for cell in cells)


def _unescape(cell: str) -> str:
    r"""A cell's text without the table's own escaping. Inside a cell every '|' follows an odd
    number of backslashes (else it would end the cell); one of them belongs to the table, and
    regen.markdown.escape_cell puts it back."""
    return cell.replace("\\|", "|")


def _block_tokens(text: str) -> list[dict[str, Any]]:
    import mistune  # only `regen import` reads Markdown: other runs never pay for it

    markdown = mistune.create_markdown(renderer=None, plugins=["table"])
    state = markdown.block.state_cls()
    text = text.replace("\r\n", "\n")
    state.process(text if text.endswith("\n") else text + "\n")
    markdown.block.parse(state)
    tokens: list[dict[str, Any]] = state.tokens
    return tokens

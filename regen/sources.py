"""Load CSV and JSON sources as tables of text, each file once per run.

Every cell is kept as the text the maintainer wrote ("01" stays "01", "B404" never becomes a
number), since generated tables must show exactly what the source holds.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, TypeVar, cast

from regen.errors import Problem, RegenError
from regen.textfile import NotARegularFile, decode, read_regular

T = TypeVar("T")

if TYPE_CHECKING:  # pandas costs ~0.3 s to import: only a plugin that asks for a frame pays it
    import pandas as pd


TRUE_WORDS = frozenset({"yes", "y", "true", "1", "x"})
FALSE_WORDS = frozenset({"no", "n", "false", "0", ""})


def yes_no(cell: str) -> bool | None:
    """A yes/no cell as a bool; None when it is neither (the caller says where)."""
    word = cell.strip().lower()
    if word in TRUE_WORDS:
        return True
    return False if word in FALSE_WORDS else None


YES_NO_HINT = "write yes or no; true/false, 1/0 and an empty cell work too"


class SourceTable:
    """A source read as text: its columns, and each record's cells in that order.

    The built-in generators filter, sort and read these rows in Python: on tables of this size
    that is many times faster than pandas' own operations, and a run that builds regions never
    pays pandas' import (about 0.3 s, four times the cost of reading 3,000 pages). A plugin
    that wants a DataFrame asks for `frame()`."""

    __slots__ = ("_positions", "columns", "header_line", "lines", "rows")

    def __init__(
        self,
        columns: Sequence[str],
        rows: list[tuple[str, ...]],
        lines: Sequence[int] = (),
        header_line: int = 1,
    ) -> None:
        self.columns = tuple(columns)
        self.rows = rows
        self.lines = lines  # the line each record starts on (CSV); empty for JSON
        self.header_line = header_line
        self._positions = {name: number for number, name in enumerate(self.columns)}

    @property
    def empty(self) -> bool:
        return not self.rows

    def position(self, column: str) -> int:
        return self._positions[column]

    def column(self, name: str) -> list[str]:
        at = self._positions[name]
        return [row[at] for row in self.rows]

    def frame(self) -> pd.DataFrame:
        """The table as a pandas DataFrame of strings, `lines` and `header_line` in its attrs."""
        import pandas as pd

        frame = pd.DataFrame(self.rows, columns=list(self.columns), dtype=object)
        frame.attrs["lines"] = list(self.lines)
        frame.attrs["header_line"] = self.header_line
        return frame


def record_line(table: SourceTable, index: object) -> int | None:
    """The line a record of a CSV source starts on; None in a JSON source."""
    lines = table.lines
    return lines[index] if isinstance(index, int) and index < len(lines) else None


def require_columns(table: SourceTable, path: str, columns: Sequence[str], what: str) -> None:
    """Raise, at the header, when the source lacks any of `columns`."""
    known = set(table.columns)
    missing = [c for c in columns if c not in known]
    if missing:
        raise RegenError.at(
            path,
            table.header_line,
            f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}",
            f"{what} needs the columns {', '.join(columns)}",
        )


@dataclass(frozen=True)
class SourceKey:
    path: str  # relative to the repository root, '/'-separated
    records: tuple[str, ...] = ()  # JSON only: the keys leading to the list of records


class SourceNotFound(RegenError):
    """A source or blurb master that does not exist; the caller says where it was named."""


Record = tuple[Any, ...]  # its index in the source, then its cells


def rows_of(table: SourceTable) -> Iterator[tuple[int, dict[str, str]]]:
    """Each record's index and its cells by column."""
    columns = table.columns
    for index, cells in enumerate(table.rows):
        yield index, dict(zip(columns, cells, strict=True))


class Records:
    """A source's records as tuples led by their index (for errors), and where each column is
    in them: what generators that filter, sort and read rows work on."""

    def __init__(self, table: SourceTable) -> None:
        self.rows: list[Record] = [(index, *cells) for index, cells in enumerate(table.rows)]
        self._table = table

    def at(self, column: str) -> int:
        return self._table.position(column) + 1  # past the index


@dataclass
class SourceCache:
    """Reads each file once per run, however many regions use it; failures are kept too."""

    root: Path
    _texts: dict[str, str] = field(default_factory=dict)
    _tables: dict[SourceKey, SourceTable] = field(default_factory=dict)
    _failures: dict[SourceKey | str, RegenError] = field(default_factory=dict)
    _records: dict[SourceKey, Records] = field(default_factory=dict)
    _derived: dict[tuple[SourceKey, Hashable], object] = field(default_factory=dict)
    _inside: dict[str, bool] = field(default_factory=dict)

    def inside(self, path: str) -> bool:
        """Whether `path` (relative to the root) stays in the repository, symlinks followed.
        Known once per run: a source read by a hundred regions is resolved once."""
        if path not in self._inside:
            try:
                real = (self.root / path).resolve()
                self._inside[path] = real.is_relative_to(self._real_root)
            except (OSError, RuntimeError):  # a symlink loop
                self._inside[path] = False
        return self._inside[path]

    @functools.cached_property
    def _real_root(self) -> Path:
        return self.root.resolve()

    def text(self, path: str) -> str:
        """A text file under the root, decoded; newlines are kept as they are."""
        if path in self._failures:
            raise self._failures[path]
        if path not in self._texts:
            try:
                self._texts[path] = _read(self.root, path)
            except RegenError as exc:
                self._failures[path] = exc
                raise
        return self._texts[path]

    def give(self, path: str, text: str) -> None:
        """Read `text` for `path` from now on, whatever the disk holds: what `regen import` or
        `regen adopt` is about to write, checked before it is."""
        self._texts[path] = text
        for failed in [f for f in self._failures if _path_of(f) == path]:
            del self._failures[failed]
        for key in [k for k in self._tables if k.path == path]:
            del self._tables[key]
        for key in [k for k in self._records if k.path == path]:
            del self._records[key]
        for derived in [d for d in self._derived if d[0].path == path]:
            del self._derived[derived]

    def derived(self, key: SourceKey, what: Hashable, make: Callable[[SourceTable], T]) -> T:
        """`make(table)` of the source's table, made once per run for each `what` however many
        regions ask (the pins of a device, read by every comparison that names it). What
        raises is not remembered: each region that asks is told. `what` names what is made
        and everything it depends on but the table (the columns read, say), beginning with
        its maker's name; every asker gets the same object, which must not be changed."""
        table = self.table(key)
        if (key, what) not in self._derived:
            self._derived[key, what] = make(table)
        return cast(T, self._derived[key, what])

    def records(self, key: SourceKey) -> Records:
        """The source's records as tuples, made once per run however many regions read them."""
        if key not in self._records:
            self._records[key] = Records(self.table(key))
        return self._records[key]

    def table(self, key: SourceKey) -> SourceTable:
        if key in self._failures:
            raise self._failures[key]
        if key not in self._tables:
            try:
                self._tables[key] = parse_source(self.text(key.path), key)
            except RegenError as exc:
                self._failures[key] = exc
                raise
        return self._tables[key]


def _path_of(failed: SourceKey | str) -> str:
    return failed.path if isinstance(failed, SourceKey) else failed


def _read(root: Path, path: str) -> str:
    try:
        data = read_regular(root / path)
    except FileNotFoundError:
        raise SourceNotFound([Problem(path, None, "file not found")]) from None
    except (IsADirectoryError, NotARegularFile) as exc:
        what = "a folder, not a file" if isinstance(exc, IsADirectoryError) else exc.strerror
        # A blurb's master is read here too: its fix is a file of text, not a table.
        hint = "make it a file of the blurb's text" if path.endswith(".md") else None
        raise RegenError.at(path, None, str(what), hint or "name a .csv or .json file") from None
    except OSError as exc:
        raise RegenError.at(
            path, None, f"cannot read: {exc.strerror}", "check its permissions"
        ) from None
    return decode(data, path).text


# What git leaves in a file it could not merge: said as such, not as ragged rows.
# (Compiled when first needed, by a source holding <<<<<<<.)
_CONFLICT = r"(?m)^<{7}(?: |\r?$)(?s:.*?)^>{7}(?: |\r?$)"


def parse_source(text: str, key: SourceKey) -> SourceTable:
    """A source's text as a table, by the file's extension. Text git left unmerged is said
    to be so: where it breaks the file, or where a record begins with a conflict line (a
    one-column CSV reads it as rows); not where such lines sit inside a quoted cell."""
    conflict = re.search(_CONFLICT, text) if "<<<<<<<" in text else None
    try:
        table = _parse_by_type(text, key)
    except RegenError:
        if conflict is not None:
            raise _conflict_error(text, conflict, key.path) from None
        raise
    if conflict is not None and any(
        row and row[0].startswith("<<<<<<<") for row in (table.columns, *table.rows)
    ):
        raise _conflict_error(text, conflict, key.path)
    return table


def _conflict_error(
    text: str, conflict: re.Match[str], path: str, what: str = "the rows", offset: int = 0
) -> RegenError:
    first = offset + text.count("\n", 0, conflict.start()) + 1
    last = first + text.count("\n", conflict.start(), conflict.end())
    return RegenError.at(
        path,
        first,
        f"unresolved merge conflict (lines {first}-{last})",
        f"keep {what} you want, and remove the <<<<<<<, ======= and >>>>>>> lines",
    )


def unmerged(
    text: str, path: str, what: str, offset: int = 0, *, markdown: bool = False
) -> RegenError | None:
    """The error naming a merge conflict git left in `text` (a blurb's text, a configuration:
    never to be copied on as if it were what someone wrote), or None. `offset`: the lines of
    the file before `text`. `markdown`: conflict lines shown in a fenced code block (a page
    teaching how to resolve one) are the text's own."""
    searched = _searched(text, markdown)
    conflict = None if searched is None else re.search(_CONFLICT, searched)
    if conflict is None or searched is None:
        return None
    return _conflict_error(searched, conflict, path, what, offset)


def holds_conflict(text: str, *, markdown: bool = False) -> bool:
    """Whether `text` holds a merge conflict git left (see unmerged)."""
    searched = _searched(text, markdown)
    return searched is not None and re.search(_CONFLICT, searched) is not None


def _searched(text: str, markdown: bool) -> str | None:
    """What a search for a conflict looks at: nothing when no line could start one."""
    if "<<<<<<<" not in text:
        return None
    if not markdown:
        return text
    from regen.scan import without_fenced_code

    return without_fenced_code(text)


def _parse_by_type(text: str, key: SourceKey) -> SourceTable:
    suffix = PurePosixPath(key.path).suffix.lower()
    if suffix == ".csv":
        if key.records:
            raise RegenError.at(
                key.path,
                None,
                "'records' applies only to JSON sources",
                "remove 'records' from the region's configuration",
            )
        return parse_csv(text, key.path)
    if suffix == ".json":
        return parse_json(text, key.path, key.records)
    raise RegenError.at(
        key.path,
        None,
        f"unknown source type '{suffix or key.path}'",
        "sources are .csv or .json files",
    )


def parse_csv(text: str, path: str) -> SourceTable:
    """A CSV text as a table of strings.

    The stdlib reader tokenises: unlike pandas' reader it reports ragged rows instead of padding
    them with empty cells, and it knows the line of each record.
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[str, ...]] = []
    lines: list[int] = []  # the line each record starts on, for errors about its cells
    problems: list[Problem] = []
    header: list[str] | None = None
    header_line = 1
    line = 1  # where the record being read starts
    try:
        for record in reader:
            if not "".join(record).strip() and len(record) <= 1:
                pass  # a blank line
            elif header is None:
                header, header_line = record, line
                _check_header(header, path, header_line)
            elif len(record) != len(header):
                problems.append(
                    Problem(
                        path,
                        line,
                        f"row has {_fields(len(record))}, the header has {_fields(len(header))}",
                        "add or remove fields, or quote values that hold a comma",
                    )
                )
            else:
                rows.append(tuple(record))
                lines.append(line)
            line = reader.line_num + 1
    except csv.Error as exc:
        raise RegenError.at(
            path, line, f"malformed CSV: {exc}", "check the quoting of the record on this line"
        ) from None
    if header is None:
        raise RegenError.at(path, 1, "empty CSV file", "add a header row naming the columns")
    if problems:
        raise RegenError(problems)
    return SourceTable(header, rows, lines, header_line)


def _fields(count: int) -> str:
    return "1 field" if count == 1 else f"{count} fields"


def _check_header(header: Sequence[str], path: str, line: int) -> None:
    seen: set[str] = set()
    for index, name in enumerate(header):
        if not name.strip():
            raise RegenError.at(path, line, f"column {index + 1} has no name", "name every column")
        if name in seen:
            raise RegenError.at(
                path,
                line,
                f"column '{name}' appears twice in the header",
                "give each column its own name",
            )
        seen.add(name)


def parse_json(text: str, path: str, records_path: Sequence[str] = ()) -> SourceTable:
    """A JSON list of records (objects), found at `records_path` in the document."""
    try:
        # Numbers stay as written ("1.50" is not "1.5"): sources are text, as in CSV.
        document = json.loads(
            text,
            parse_float=str,
            parse_int=str,
            parse_constant=_reject_constant,
            object_pairs_hook=_object_once_a_key,
        )
    except _TwiceAKey as exc:  # where, the hook cannot tell: no line rather than a wrong one
        raise RegenError.at(
            path, None, f"the key {json.dumps(exc.key)} appears twice in one object", "keep one"
        ) from None
    except json.JSONDecodeError as exc:
        raise RegenError.at(
            path,
            exc.lineno,
            f"malformed JSON: {exc.msg} (column {exc.colno})",
            "fix the JSON syntax",
        ) from None
    except ValueError as exc:  # NaN or Infinity, which JSON does not have
        raise RegenError.at(path, None, f"malformed JSON: {exc}", "write it as a string") from None
    except RecursionError:
        raise RegenError.at(
            path, None, "JSON nested too deeply to read", "flatten the document"
        ) from None
    node: Any = document
    walked: list[str] = []
    for step in records_path:
        walked.append(step)
        if not isinstance(node, dict) or step not in node:
            raise RegenError.at(
                path,
                None,
                f"no key '{'.'.join(walked)}' in the document",
                "fix 'records' in the region's configuration",
            )
        node = node[step]
    where = ".".join(records_path) or "the top level"
    if not isinstance(node, list) or not all(isinstance(item, dict) for item in node):
        raise RegenError.at(
            path,
            None,
            f"expected a list of objects at {where}",
            "point 'records' at the list of records",
        )
    flat = [_flatten(item, path, index) for index, item in enumerate(node)]
    columns: dict[str, None] = {}
    for item in flat:
        columns.update(dict.fromkeys(item))
    rows = [tuple(item.get(column, "") for column in columns) for item in flat]
    if _SURROGATE_ESCAPE.search(text):  # a pair, or half of one: only then is it looked for
        _refuse_lone_surrogates(text, path, [list(columns), *rows])
    return SourceTable(list(columns), rows)


# JSON writes a character beyond U+FFFF as two escapes, a UTF-16 pair; half of one alone reads
# as a lone surrogate, which no UTF-8 page can hold.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _refuse_lone_surrogates(text: str, path: str, cells: Sequence[Sequence[str]]) -> None:
    for row in cells:
        for cell in row:
            try:
                cell.encode("utf-8")
            except UnicodeEncodeError as exc:
                half = f"\\u{ord(cell[exc.start]):04x}"
                # The escape alone, not one half of a pair: a high half no low one follows,
                # or a low half after no high one.
                alone = re.search(
                    rf"(?i){re.escape(half)}(?!\\u(?:dc|dd|de|df))"
                    if half[3] in "89ab"  # \\ud8.. to \\udb..: a high half
                    else rf"(?i)(?<!\\ud[89ab][0-9a-f]{{2}}){re.escape(half)}",
                    text,
                )
                line = text.count("\n", 0, alone.start()) + 1 if alone else None
                raise RegenError.at(
                    path,
                    line,
                    f"'{half}' is half of a UTF-16 pair, alone: no page can hold it",
                    "write the character itself, or both halves of its pair",
                ) from None


class _TwiceAKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _object_once_a_key(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object, whose keys must differ: JSON itself keeps the last of two silently, as a
    CSV header with a column twice is refused."""
    found = dict(pairs)
    if len(found) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _TwiceAKey(key)
            seen.add(key)
    return found


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _flatten(record: dict[str, Any], path: str, index: int, prefix: str = "") -> dict[str, str]:
    """Nested objects become dotted columns; values become the text a CSV cell would hold."""
    flat: dict[str, str] = {}
    for name, value in record.items():
        column = f"{prefix}{name}"
        if isinstance(value, dict):
            inner = _flatten(value, path, index, column + ".")
        else:
            try:
                inner = {column: _cell_text(value)}
            except ValueError as exc:
                raise RegenError.at(
                    path,
                    None,
                    f"record {index + 1}, '{column}': {exc}",
                    "use a list of plain values, or nested objects",
                ) from None

        for key, text in inner.items():
            if key in flat:
                raise RegenError.at(
                    path,
                    None,
                    f"record {index + 1} has the column '{key}' twice (as a dotted name and "
                    "as a nested object)",
                    "use one of the two",
                )
            flat[key] = text
    return flat


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        if any(isinstance(v, dict | list) for v in value):
            raise ValueError("a list of objects or lists cannot be one cell")
        return ", ".join(_cell_text(v) for v in value)
    return json.dumps(value)

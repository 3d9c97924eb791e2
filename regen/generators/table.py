"""`table`: one source, filtered, sorted, grouped, as a Markdown table.

    [regions."c9241a2c-76e0-11eb-9439-0242ac130002"]
    generator = "table"
    source = "carriers.csv"                  # in the sources folder; .csv or .json
    where = { model = "B404", country = { not = ["Cuba"] } }
    sort = ["country", "carrier"]
    columns = [
        { column = "country", title = "Country" },
        { column = "carrier", title = "Carriers", join = ", " },
    ]

A column with `join` groups the rows that agree on every other shown column and joins its
distinct values, in row order (so `sort` decides their order too).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from regen.errors import Problem, RegenError
from regen.generators import Context, Job
from regen.markdown import ALIGNMENTS, Column, generated_body, render_table
from regen.options import Options
from regen.sources import Record, Records, SourceKey, SourceTable, yes_no

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")

_TABLE_KEYS = ("source", "records", "where", "columns", "sort", "align", "empty")
_COLUMN_KEYS = ("column", "title", "align", "type", "true", "false", "empty", "link", "join")


@dataclass(frozen=True)
class ColumnSpec:
    column: str
    title: str
    align: str
    boolean: bool
    true_text: str
    false_text: str
    empty: str
    link: str | None
    join: str | None
    node: Options
    link_node: Options | None = None  # where `link` is written, for errors; default: node.link


@dataclass(frozen=True)
class Filter:
    column: str
    values: frozenset[str]
    negate: bool
    node: Options


@dataclass(frozen=True)
class SortKey:
    column: str
    descending: bool
    numeric: bool
    node: Options


@dataclass(frozen=True)
class TableOptions:
    source: SourceKey
    source_node: Options
    filters: tuple[Filter, ...]
    columns: tuple[ColumnSpec, ...]
    sort: tuple[SortKey, ...]


def parse_options(context: Context) -> TableOptions:
    node = context.options
    node.only(*_TABLE_KEYS)
    source_node = node.get("source")
    source = context.source_key(source_node, node.get("records", "").string())
    align = node.get("align", "left").choice(*ALIGNMENTS)
    empty = node.get("empty", "&nbsp;").string()
    columns = tuple(_parse_column(c, align, empty) for c in node.get("columns").items())
    if not columns:
        raise node.get("columns").error("no columns", "name at least one column to show")
    if all(c.join is not None for c in columns):
        raise node.get("columns").error("every column has 'join'", "leave one to group by")
    filters = tuple(_parse_filter(name, value) for name, value in node.get("where", {}).entries())
    sort = tuple(_parse_sort(item) for item in node.get("sort", []).items_or_one())
    return TableOptions(source, source_node, filters, columns, sort)


def _parse_column(node: Options, align: str, empty: str) -> ColumnSpec:
    if isinstance(node.value, str):
        return ColumnSpec(node.value, node.value, align, False, "", "", empty, None, None, node)
    node.only(*_COLUMN_KEYS)
    column = node.get("column").string()
    kind = node.get("type", "text").choice("text", "bool")
    link = node.get("link").string() if node.has("link") else None
    join = node.get("join").string() if node.has("join") else None
    return ColumnSpec(
        column=column,
        title=node.get("title", column).string(),
        align=node.get("align", align).choice(*ALIGNMENTS),
        boolean=kind == "bool",
        true_text=node.get("true", "&check;").string(),
        false_text=node.get("false", "").string(),
        empty=node.get("empty", empty).string(),
        link=link,
        join=join,
        node=node,
    )


def _parse_filter(column: str, node: Options) -> Filter:
    negate = False
    target = node
    if isinstance(node.value, dict):
        node.only("not")
        target = node.get("not")
        negate = True
    return Filter(column, target.cell_texts(), negate, node)


def _parse_sort(node: Options) -> SortKey:
    if isinstance(node.value, str):
        return SortKey(node.value, False, False, node)
    node.only("column", "descending", "numeric")
    return SortKey(
        node.get("column").string(),
        node.get("descending", False).boolean(),
        node.get("numeric", False).boolean(),
        node,
    )


class TableGenerator:
    summary = "a Markdown table from one CSV/JSON source: filter, sort, rename, group and join"
    cacheable = True  # the body depends on the options and inputs alone

    def prepare(self, context: Context) -> Job:
        options = parse_options(context)
        return Job(
            (options.source.path,),
            lambda: build_table(
                context.table(options.source, options.source_node),
                options,
                context.records(options.source, options.source_node),
            ),
        )


def build_table(source: SourceTable, options: TableOptions, records: Records | None = None) -> str:
    """The region body for `options` over the source's table (and its records, when the
    caller has them already): filtered, sorted, grouped. Other generators that are tables at
    heart (skus) describe themselves as TableOptions."""
    where = _Where(options.source.path, source.lines)
    if source.empty and not source.columns:  # a JSON source of no record has no columns either
        raise _no_rows(options, source)
    _check_columns(source, options)
    table = Records(source) if records is None else records
    rows = _filter(table, table.rows, options.filters)
    if not rows:  # an empty table is never published in silence
        raise _no_rows(options, source)
    rows = _sort(table, rows, options.sort, where)
    cells = _cells(table, rows, options.columns, where)
    shown = [
        [
            value if value.strip() else column.empty
            for column, value in zip(options.columns, row, strict=True)
        ]
        for row in _group(cells, options.columns)
    ]
    columns = [Column(c.title, c.align) for c in options.columns]
    return generated_body(render_table(columns, shown))


@dataclass(frozen=True)
class _Where:
    """Locates a record of the source in errors: its line in a CSV, its number in JSON."""

    path: str
    lines: Sequence[int]

    def problem(self, index: object, message: str, hint: str) -> Problem:
        if isinstance(index, int) and index < len(self.lines):
            return Problem(self.path, self.lines[index], message, hint)
        record = f"record {index + 1}: " if isinstance(index, int) else ""
        return Problem(self.path, None, record + message, hint)


def _check_columns(frame: SourceTable, options: TableOptions) -> None:
    known = list(frame.columns)
    uses: list[tuple[str, Options]] = [(f.column, f.node) for f in options.filters]
    uses += [(c.column, c.node) for c in options.columns]
    uses += [
        (c.link, c.link_node or c.node.get("link")) for c in options.columns if c.link is not None
    ]
    uses += [(s.column, s.node) for s in options.sort]
    problems = [
        problem
        for name, node in uses
        if name not in known
        for problem in node.error(
            f"unknown column '{name}' in {options.source.path}", "columns are: " + ", ".join(known)
        ).problems
    ]
    if problems:
        raise RegenError(problems)


def _filter(table: Records, rows: list[Record], filters: Sequence[Filter]) -> list[Record]:
    for f in filters:
        at = table.at(f.column)
        rows = [row for row in rows if (row[at] in f.values) != f.negate]
    return rows


def _no_rows(options: TableOptions, source: SourceTable) -> RegenError:
    """Why no row is left: an empty source, a value that is nowhere in its column, or the
    conditions together."""
    if source.empty:
        return options.source_node.error(
            f"{options.source.path} has no rows", "add rows, or remove the region"
        )
    for f in options.filters:
        present = set(source.column(f.column))
        if not f.negate and not f.values & present:
            values = sorted(present)
            shown = ", ".join(values[:12]) + (", ..." if len(values) > 12 else "")
            return f.node.error(
                f"no row has {' or '.join(sorted(f.values))} in column '{f.column}'",
                f"values there: {shown}",
            )
    where = options.filters[0].node if options.filters else options.source_node
    return where.error("no row meets all these conditions together", "loosen them")


def _sort(
    table: Records, rows: list[Record], keys: Sequence[SortKey], where: _Where
) -> list[Record]:
    # One stable sort per key, last key first, gives the same order as a multi-key sort while
    # letting each key have its own direction and type. Blank cells go last either way.
    for key in reversed(keys):
        at = table.at(key.column)
        blank = [row for row in rows if not str(row[at]).strip()]
        filled = [row for row in rows if str(row[at]).strip()]
        if key.numeric:
            numbers = {id(row): _number(row[at], key, where, row[0]) for row in filled}
            filled.sort(key=lambda row: numbers[id(row)], reverse=key.descending)
        else:
            filled.sort(key=lambda row: row[at], reverse=key.descending)
        rows = filled + blank
    return rows


def _number(value: str, key: SortKey, where: _Where, index: object) -> float:
    if not _NUMBER.fullmatch(value.strip()):
        raise RegenError(
            [
                where.problem(
                    index,
                    f"'{value}' in column '{key.column}' is not a number",
                    f"fix the value, or drop numeric = true from {key.node.key}",
                )
            ]
        )
    return float(value)


def _cells(
    table: Records, rows: list[Record], columns: Sequence[ColumnSpec], where: _Where
) -> list[list[str]]:
    shown: list[list[str]] = []
    places = [
        (column, table.at(column.column), None if column.link is None else table.at(column.link))
        for column in columns
    ]
    for row in rows:
        index = row[0]
        cells: list[str] = []
        for column, at, link in places:
            value = str(row[at])
            if column.boolean:
                value = _boolean(value, column, where, index)
            if link is not None and value.strip():
                url = str(row[link]).strip()
                value = f"[{value}]({_destination(url)})" if url else value
            cells.append(value)
        shown.append(cells)
    return shown


def _destination(url: str) -> str:
    """A link destination Markdown reads as one: in <...> when it holds blanks or brackets."""
    return f"<{url}>" if re.search(r"[\s()<>]", url) else url


def _boolean(value: str, column: ColumnSpec, where: _Where, index: object) -> str:
    answer = yes_no(value)
    if answer is not None:
        return column.true_text if answer else column.false_text
    raise RegenError(
        [
            where.problem(
                index,
                f"column '{column.column}' holds '{value}', which is not a yes/no value",
                "write yes or no; true/false, 1/0 and an empty cell work too",
            )
        ]
    )


def _group(rows: list[list[str]], columns: Sequence[ColumnSpec]) -> list[list[str]]:
    """Merge rows that agree on every column without `join` (blanks around a value do not
    count), joining the distinct values of the `join` columns in row order."""
    joined = [i for i, c in enumerate(columns) if c.join is not None]
    if not joined:
        return rows
    groups: dict[tuple[str, ...], list[list[str]]] = {}
    for row in rows:
        key = tuple(v.strip() for i, v in enumerate(row) if i not in joined)
        groups.setdefault(key, []).append(row)
    result: list[list[str]] = []
    for members in groups.values():
        out = list(members[0])
        for i in joined:
            separator = columns[i].join
            assert separator is not None
            values = [m[i].strip() for m in members if m[i].strip()]
            out[i] = separator.join(dict.fromkeys(values))
        result.append(out)
    return result

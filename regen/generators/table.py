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

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from regen.errors import RegenError
from regen.generators import Context
from regen.markdown import ALIGNMENTS, Column, generated_body, render_table
from regen.options import Options
from regen.sources import SourceKey

if TYPE_CHECKING:
    import pandas as pd

TRUE_WORDS = frozenset({"yes", "y", "true", "1", "x", "✓", "&check;"})
FALSE_WORDS = frozenset({"no", "n", "false", "0", ""})

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
    filters: tuple[Filter, ...]
    columns: tuple[ColumnSpec, ...]
    sort: tuple[SortKey, ...]


def parse_options(context: Context) -> TableOptions:
    node = context.options
    node.only(*_TABLE_KEYS)
    records = node.get("records", "").string()
    source_node = node.get("source")
    if PurePosixPath(source_node.string()).is_absolute():
        raise source_node.error(
            "an absolute path", "name the source relative to the sources folder"
        )
    source = context.source_key(source_node.string(), records)
    align = node.get("align", "left").choice(*ALIGNMENTS)
    empty = node.get("empty", "&nbsp;").string()
    columns = tuple(_parse_column(c, align, empty) for c in node.get("columns").items())
    if not columns:
        raise node.get("columns").error("no columns", "name at least one column to show")
    if all(c.join is not None for c in columns):
        raise node.get("columns").error("every column has 'join'", "leave one to group by")
    filters = tuple(_parse_filter(name, value) for name, value in node.get("where", {}).entries())
    sort = tuple(_parse_sort(item) for item in node.get("sort", []).items_or_one())
    return TableOptions(source, filters, columns, sort)


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
    values = frozenset(item.scalar_text() for item in target.items_or_one())
    return Filter(column, values, negate, node)


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

    def inputs(self, context: Context) -> tuple[str, ...]:
        return (parse_options(context).source.path,)

    def render(self, context: Context) -> str | None:
        options = parse_options(context)
        frame = context.table(options.source)
        lines: list[int] = frame.attrs.get("lines", [])  # source line of each record, if known
        _check_columns(frame, options)
        frame = _filter(frame, options.filters)
        frame = _sort(frame, options.sort, options.source.path)
        cells = _cells(frame, options.columns, options.source.path, lines)
        rows = [
            [
                value if value.strip() else column.empty
                for column, value in zip(options.columns, row, strict=True)
            ]
            for row in _group(cells, options.columns)
        ]
        columns = [Column(c.title, c.align) for c in options.columns]
        return generated_body(render_table(columns, rows))


def _check_columns(frame: pd.DataFrame, options: TableOptions) -> None:
    known = [str(c) for c in frame.columns]
    uses: list[tuple[str, Options]] = [(f.column, f.node) for f in options.filters]
    uses += [(c.column, c.node) for c in options.columns]
    uses += [(c.link, c.node.get("link")) for c in options.columns if c.link is not None]
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


def _filter(frame: pd.DataFrame, filters: Sequence[Filter]) -> pd.DataFrame:
    for f in filters:
        mask = frame[f.column].isin(f.values)
        frame = frame[~mask] if f.negate else frame[mask]
    return frame


def _sort(frame: pd.DataFrame, keys: Sequence[SortKey], path: str) -> pd.DataFrame:
    # One stable sort per key, last key first, gives the same order as a multi-key sort while
    # letting each key have its own direction and type. Empty cells go last either way.
    for key in reversed(keys):
        values = frame[key.column]
        if key.numeric:
            values = values.map(_to_number(key, path))
        order = values.sort_values(
            ascending=not key.descending, kind="stable", na_position="last"
        ).index
        frame = frame.loc[order]
    return frame


_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def _to_number(key: SortKey, path: str) -> Callable[[str], float]:
    def number(value: str) -> float:
        text = value.strip()
        if not text:
            return math.nan  # sorted last
        if not _NUMBER.fullmatch(text):
            raise key.node.error(
                f"'{value}' in column '{key.column}' of {path} is not a number",
                "fix the value or drop numeric = true",
            )
        return float(text)

    return number


def _cells(
    frame: pd.DataFrame, columns: Sequence[ColumnSpec], path: str, lines: Sequence[int]
) -> list[list[str]]:
    rows: list[list[str]] = []
    for index, record in frame.iterrows():
        row: list[str] = []
        for column in columns:
            value = str(record[column.column])
            if column.boolean:
                value = _boolean(value, column, path, _line(lines, index))
            if column.link is not None and value.strip():
                url = str(record[column.link]).strip()
                value = f"[{value}]({url})" if url else value
            row.append(value)
        rows.append(row)
    return rows


def _line(lines: Sequence[int], index: object) -> int | None:
    return lines[index] if isinstance(index, int) and index < len(lines) else None


def _boolean(value: str, column: ColumnSpec, path: str, line: int | None) -> str:
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return column.true_text
    if word in FALSE_WORDS:
        return column.false_text
    raise RegenError.at(
        path,
        line,
        f"column '{column.column}' holds '{value}', which is not a yes/no value",
        "write yes or no; true/false, 1/0 and an empty cell work too",
    )


def _group(rows: list[list[str]], columns: Sequence[ColumnSpec]) -> list[list[str]]:
    joined = [i for i, c in enumerate(columns) if c.join is not None]
    if not joined:
        return rows
    groups: dict[tuple[str, ...], list[list[str]]] = {}
    for row in rows:
        key = tuple(v for i, v in enumerate(row) if i not in joined)
        groups.setdefault(key, []).append(row)
    result: list[list[str]] = []
    for members in groups.values():
        out = list(members[0])
        for i in joined:
            separator = columns[i].join
            assert separator is not None
            values = [m[i] for m in members if m[i].strip()]
            out[i] = separator.join(dict.fromkeys(values))
        result.append(out)
    return result

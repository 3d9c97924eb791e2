"""`skus`: a table of SKUs from one row per SKU, filtered by family, lifecycle and region.

A `table` at heart, with the SKU vocabulary built in: the columns it knows, their titles, a
yes/no EtherSIM column, and the SKU as a link to its datasheet when asked.
"""

from __future__ import annotations

from regen.errors import Problem, RegenError
from regen.generators import Context, Job
from regen.generators.table import ColumnSpec, Filter, SortKey, TableOptions, build_table
from regen.options import Options
from regen.sources import SourceTable, record_line

# column in the source -> title on the page
COLUMNS = {
    "sku": "SKU",
    "description": "Description",
    "region": "Region",
    "modem": "Modem",
    "ethersim": "EtherSIM",
    "lifecycle": "Lifecycle",
    "replacement": "Replacement",
}
FILTERS = ("family", "lifecycle", "region")


class SkusGenerator:
    summary = "SKUs filtered by family, lifecycle and region; the SKU may link to its datasheet"
    cacheable = True  # the body depends on the options and inputs alone

    def prepare(self, context: Context) -> Job:
        node = context.options
        node.only("source", "columns", "link", "sort", *FILTERS)
        source_node = node.get("source", "skus.csv")
        link_node = node.get("link", False)
        link = link_node.boolean()
        columns = tuple(_column(item, link, link_node) for item in node.get("columns").items())
        if link and "sku" not in [c.column for c in columns]:
            raise link_node.error("links the SKU, but no sku column is shown", "add sku to columns")
        if not columns:
            raise node.get("columns").error("no columns", "name at least one column to show")
        filters = tuple(
            Filter(name, node.get(name).cell_texts(), False, node.get(name))
            for name in FILTERS
            if node.has(name)
        )
        sort = tuple(_sort_key(item) for item in node.get("sort", ["sku"]).items_or_one())
        key = context.source_key(source_node)
        options = TableOptions(key, source_node, filters, columns, sort)

        def build() -> str:
            frame = context.table(key, source_node)
            _check_unique(frame, key.path)
            return build_table(frame, options, context.records(key, source_node))

        return Job((key.path,), build)


def _column(node: Options, link: bool, link_node: Options) -> ColumnSpec:
    name = node.choice(*COLUMNS)
    return ColumnSpec(
        column=name,
        title=COLUMNS[name],
        align="center" if name == "ethersim" else "left",
        boolean=name == "ethersim",
        true_text="&check;",
        false_text="",
        empty="&nbsp;",
        link="datasheet" if link and name == "sku" else None,
        join=None,
        node=node,
        link_node=link_node,
    )


def _sort_key(node: Options) -> SortKey:
    if isinstance(node.value, dict):
        node.only("column", "descending")
        column = node.get("column").choice(*COLUMNS)
        return SortKey(column, node.get("descending", False).boolean(), False, node)
    return SortKey(node.choice(*COLUMNS), False, False, node)


def _check_unique(frame: SourceTable, path: str) -> None:
    """One row per SKU: a second row for one is an error at its line."""
    if "sku" not in frame.columns:
        return  # reported with the other missing columns
    seen: dict[str, int | None] = {}
    problems = []
    for index, sku in enumerate(frame.column("sku")):
        line = record_line(frame, index)
        name = str(sku).strip()
        if name in seen:
            first = seen[name]
            earlier = f" (first at line {first})" if first is not None else ""
            problems.append(
                Problem(path, line, f"SKU {name} is listed twice{earlier}", "keep one row")
            )
        else:
            seen[name] = line
    if problems:
        raise RegenError(problems)

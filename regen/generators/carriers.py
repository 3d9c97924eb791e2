"""`carriers`: which carriers a cellular model can use, country by country.

Three tidy sources, each edited a row at a time (see sources/README.md):

- carriers: one row per country and carrier, with the technologies it offers (2g, 3g, cat1,
  m1: yes or empty) and an optional footnote number;
- models: one row per model, with the technologies of its modem;
- availability: which countries each model is offered in.

For every country where a model is offered, the row shows the technologies of the model's
modem that at least one carrier there offers, and the carriers offering at least one of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from regen.errors import Problem, RegenError
from regen.generators import Context, Job
from regen.markdown import Column, generated_body, render_table
from regen.options import Options
from regen.sources import SourceKey, yes_no

if TYPE_CHECKING:
    import pandas as pd

# Column in the sources, and how the table names it: the order is the order shown.
TECHNOLOGIES = (("2g", "2G"), ("3g", "3G"), ("cat1", "Cat1"), ("m1", "M1"))
_SOURCES = {
    "carriers": "carriers/carriers.csv",
    "models": "carriers/models.csv",
    "availability": "carriers/availability.csv",
}
_COLUMNS = {
    "carriers": ("country", "carrier", *(t for t, _ in TECHNOLOGIES), "footnote"),
    "models": ("model", *(t for t, _ in TECHNOLOGIES)),
    "availability": ("model", "country"),
}


@dataclass(frozen=True)
class _Table:
    """One loaded source, with what is needed to point at its lines."""

    key: SourceKey
    frame: pd.DataFrame

    def line(self, index: object) -> int | None:
        lines: Sequence[int] = self.frame.attrs.get("lines", [])
        return lines[index] if isinstance(index, int) and index < len(lines) else None

    def technologies(self, index: object, record: pd.Series) -> set[str]:
        """The technologies a row says yes to; anything but yes/no is an error at its line."""
        offered = set()
        for column, name in TECHNOLOGIES:
            answer = yes_no(str(record[column]))
            if answer is None:
                raise RegenError.at(
                    self.key.path,
                    self.line(index),
                    f"column '{column}' holds '{record[column]}', which is not a yes/no value",
                    "write yes, or leave it empty",
                )
            if answer:
                offered.add(name)
        return offered


class CarriersGenerator:
    summary = "carriers per country for cellular models, from tidy carrier, model and country lists"

    def prepare(self, context: Context) -> Job:
        node = context.options
        node.only("models", "model_column", "sources")
        models = [item.string() for item in node.get("models").items_or_one()]
        if not models:
            raise node.get("models").error("no models", "name at least one model")
        show_model = node.get("model_column", True).boolean()
        sources = node.get("sources", {})
        sources.only(*_SOURCES)
        located = {
            name: (context.source_key(sources.get(name, default)), sources.get(name, default))
            for name, default in _SOURCES.items()
        }

        def build() -> str:
            tables = {name: _load(context, name, *where) for name, where in located.items()}
            rows = _rows(models, tables, node.get("models"))
            columns = [
                Column("Country"),
                Column("Model"),
                Column("Technologies"),
                Column("Carriers"),
            ]
            if not show_model:
                columns.pop(1)
                rows = [[row[0], *row[2:]] for row in rows]
            return generated_body(render_table(columns, rows))

        return Job(tuple(key.path for key, _ in located.values()), build)


def _load(context: Context, name: str, key: SourceKey, node: Options) -> _Table:
    frame = context.table(key, node)
    known = [str(c) for c in frame.columns]
    missing = [c for c in _COLUMNS[name] if c not in known]
    if missing:
        raise RegenError.at(
            key.path,
            frame.attrs.get("header_line", 1),
            f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}",
            f"the {name} source needs the columns {', '.join(_COLUMNS[name])}",
        )
    return _Table(key, frame)


def _rows(
    models: Sequence[str], tables: dict[str, _Table], models_node: Options
) -> list[list[str]]:
    modems = _modems(tables["models"])
    unknown = [m for m in models if m not in modems]
    if unknown:
        raise models_node.error(
            f"unknown model {', '.join(unknown)} in {tables['models'].key.path}",
            "known models: " + ", ".join(modems),
        )
    by_country = _carriers(tables["carriers"])
    availability = tables["availability"]
    problems: list[Problem] = []
    rows: list[tuple[str, int, list[str]]] = []
    for index, record in availability.frame.iterrows():
        model, country = str(record["model"]).strip(), str(record["country"]).strip()
        if model not in models:
            continue
        offered = [
            (carrier, footnote, techs & modems[model])
            for carrier, footnote, techs in by_country.get(country, [])
        ]
        technologies = [name for _, name in TECHNOLOGIES if any(name in t for _, _, t in offered)]
        if not technologies:
            problems.append(
                Problem(
                    availability.key.path,
                    availability.line(index),
                    f"{model} is offered in {country}, but no carrier there offers "
                    f"{' or '.join(sorted(modems[model]))} in {tables['carriers'].key.path}",
                    "add the carriers, or remove this row",
                )
            )
            continue
        carriers = [
            carrier + (f"<sup>{footnote}</sup>" if footnote else "")
            for carrier, footnote, techs in sorted(offered)
            if techs
        ]
        rows.append(
            (
                country,
                models.index(model),
                [country, model, ", ".join(technologies), ", ".join(carriers)],
            )
        )
    offered_models = {row[2][1] for row in rows}
    for model in models:
        if model not in offered_models and not any(
            p.message.startswith(f"{model} ") for p in problems
        ):
            problems.append(
                Problem(
                    availability.key.path,
                    None,
                    f"{model} is offered in no country",
                    f"add rows for it, or remove it from {models_node.key}",
                )
            )
    if problems:
        raise RegenError(problems)
    return [row for _, _, row in sorted(rows, key=lambda r: (r[0], r[1]))]


def _modems(models: _Table) -> dict[str, set[str]]:
    modems: dict[str, set[str]] = {}
    for index, record in models.frame.iterrows():
        technologies = models.technologies(index, record)
        if not technologies:
            raise RegenError.at(
                models.key.path,
                models.line(index),
                f"model {record['model']} has none of the technologies "
                + ", ".join(column for column, _ in TECHNOLOGIES),
                "say yes to those its modem supports",
            )
        modems[str(record["model"]).strip()] = technologies
    return modems


def _carriers(carriers: _Table) -> dict[str, list[tuple[str, str, set[str]]]]:
    by_country: dict[str, list[tuple[str, str, set[str]]]] = {}
    for index, record in carriers.frame.iterrows():
        entry = (
            str(record["carrier"]).strip(),
            str(record["footnote"]).strip(),
            carriers.technologies(index, record),
        )
        by_country.setdefault(str(record["country"]).strip(), []).append(entry)
    return by_country

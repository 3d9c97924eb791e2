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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from regen.errors import Problem, RegenError
from regen.generators import Context, Job
from regen.markdown import Column, generated_body, render_table
from regen.options import Options
from regen.sources import (
    YES_NO_HINT,
    SourceKey,
    SourceTable,
    record_line,
    require_columns,
    rows_of,
    yes_no,
)

# Column in the sources, and how the table names it: the order is the order shown.
TECHNOLOGIES = (("2g", "2G"), ("3g", "3G"), ("cat1", "Cat1"), ("m1", "M1"))
_TECH_COLUMNS = tuple(column for column, _ in TECHNOLOGIES)
_SOURCES = {
    "carriers": "carriers/carriers.csv",
    "models": "carriers/models.csv",
    "availability": "carriers/availability.csv",
}
_COLUMNS = {
    "carriers": ("country", "carrier", *_TECH_COLUMNS, "footnote"),
    "models": ("model", *_TECH_COLUMNS),
    "availability": ("model", "country"),
}


@dataclass(frozen=True)
class Carrier:
    name: str
    footnote: str
    technologies: frozenset[str]

    def shown(self) -> str:
        return self.name + (f"<sup>{self.footnote}</sup>" if self.footnote else "")


@dataclass(frozen=True)
class Facts:
    """The three sources, read and checked: every problem in them is collected."""

    modems: dict[str, frozenset[str]]  # model -> the technologies of its modem
    carriers: dict[str, list[Carrier]]  # country -> its carriers
    offered: list[tuple[str, str, int | None]]  # (model, country, line) in availability order


class CarriersGenerator:
    summary = "carriers per country for cellular models, from tidy carrier, model and country lists"
    cacheable = True  # the body depends on the options and inputs alone

    def prepare(self, context: Context) -> Job:
        node = context.options
        node.only("models", "model_column", "sources")
        models_node = node.get("models")
        models = [item.string() for item in models_node.items_or_one()]
        if not models:
            raise models_node.error("no models", "name at least one model")
        show_model = node.get("model_column", True).boolean()
        if not show_model and len(models) > 1:
            raise node.get("model_column").error(
                "the Model column tells the rows of several models apart",
                "keep it, or name one model",
            )
        sources = node.get("sources", {})
        sources.only(*_SOURCES)
        located = {
            name: (context.source_key(sources.get(name, default)), sources.get(name, default))
            for name, default in _SOURCES.items()
        }

        def build() -> str:
            frames = {}
            for name, (key, source_node) in located.items():
                frame = context.table(key, source_node)
                require_columns(frame, key.path, _COLUMNS[name], f"the {name} source")
                frames[name] = (key.path, frame)
            rows = _rows(models, _facts(frames), models_node, located)
            columns = [
                Column("Country"),
                Column("Model"),
                Column("Technologies"),
                Column("Carriers"),
            ]
            if not show_model:
                columns.pop(1)
                rows = [[country, *rest] for country, _, *rest in rows]
            return generated_body(render_table(columns, rows))

        return Job(tuple(key.path for key, _ in located.values()), build)


def _facts(frames: dict[str, tuple[str, SourceTable]]) -> Facts:
    problems: list[Problem] = []
    modems = _read_models(*frames["models"], problems)
    carriers = _read_carriers(*frames["carriers"], problems)
    path, frame = frames["availability"]
    offered: list[tuple[str, str, int | None]] = []
    seen: dict[tuple[str, str], int | None] = {}
    for index, record in rows_of(frame):
        line = record_line(frame, index)
        model, country = _cell(record, "model"), _cell(record, "country")
        if not model or not country:
            problems.append(Problem(path, line, "a row without model or country", "fill both in"))
        elif modems and model not in modems:
            problems.append(
                Problem(
                    path,
                    line,
                    f"unknown model {model}",
                    f"add it to {frames['models'][0]}, or fix the name",
                )
            )
        elif (model, country) in seen:
            problems.append(_duplicate(path, line, f"{model} in {country}", seen[(model, country)]))
        else:
            seen[(model, country)] = line
            offered.append((model, country, line))
    if problems:
        raise RegenError(problems)
    return Facts(modems, carriers, offered)


def _cell(record: Mapping[str, Any], column: str) -> str:
    return str(record[column]).strip()


def _duplicate(path: str, line: int | None, what: str, first: int | None) -> Problem:
    earlier = f" (first at line {first})" if first is not None else ""
    return Problem(path, line, f"{what} is listed twice{earlier}", "keep one row")


def _technologies(
    record: Mapping[str, Any], path: str, line: int | None, problems: list[Problem]
) -> frozenset[str]:
    offered = set()
    for column, name in TECHNOLOGIES:
        answer = yes_no(str(record[column]))
        if answer is None:
            problems.append(
                Problem(
                    path,
                    line,
                    f"column '{column}' holds '{record[column]}', which is not a yes/no value",
                    YES_NO_HINT,
                )
            )
        elif answer:
            offered.add(name)
    return frozenset(offered)


def _read_models(
    path: str, frame: SourceTable, problems: list[Problem]
) -> dict[str, frozenset[str]]:
    modems: dict[str, frozenset[str]] = {}
    lines: dict[str, int | None] = {}
    for index, record in rows_of(frame):
        line = record_line(frame, index)
        model = _cell(record, "model")
        technologies = _technologies(record, path, line, problems)
        if not model:
            problems.append(Problem(path, line, "a model without a name", "fill in the model"))
        elif model in modems:
            problems.append(_duplicate(path, line, f"model {model}", lines[model]))
        elif not technologies and yes_no_row_ok(record):
            problems.append(
                Problem(
                    path,
                    line,
                    f"model {model} has none of the technologies {', '.join(_TECH_COLUMNS)}",
                    "say yes to those its modem supports",
                )
            )
        else:
            modems[model], lines[model] = technologies, line
    return modems


def yes_no_row_ok(record: Mapping[str, Any]) -> bool:
    """Whether every technology cell of the row is a yes/no value (else it was reported)."""
    return all(yes_no(str(record[column])) is not None for column in _TECH_COLUMNS)


def _read_carriers(
    path: str, frame: SourceTable, problems: list[Problem]
) -> dict[str, list[Carrier]]:
    by_country: dict[str, list[Carrier]] = {}
    seen: dict[tuple[str, str], int | None] = {}
    for index, record in rows_of(frame):
        line = record_line(frame, index)
        country, name = _cell(record, "country"), _cell(record, "carrier")
        technologies = _technologies(record, path, line, problems)
        if not country or not name:
            problems.append(Problem(path, line, "a row without country or carrier", "fill both in"))
        elif (country, name) in seen:
            problems.append(_duplicate(path, line, f"{name} in {country}", seen[(country, name)]))
        else:
            seen[(country, name)] = line
            carrier = Carrier(name, _cell(record, "footnote"), technologies)
            by_country.setdefault(country, []).append(carrier)
    return by_country


def _rows(
    models: Sequence[str],
    facts: Facts,
    models_node: Options,
    located: dict[str, tuple[SourceKey, Options]],
) -> list[list[str]]:
    """One row a (country, model offered there): sorted by country (character code), then by
    the order the models are named in."""
    unknown = [m for m in models if m not in facts.modems]
    if unknown:
        known = ", ".join(facts.modems) or f"none: {located['models'][0].path} has no rows"
        raise models_node.error(
            f"unknown model {', '.join(unknown)} in {located['models'][0].path}",
            f"known models: {known}",
        )
    availability = located["availability"][0].path
    problems: list[Problem] = []
    rows: list[tuple[str, int, list[str]]] = []
    for model, country, line in facts.offered:
        if model not in models:
            continue
        modem = facts.modems[model]
        usable = [
            c
            for c in sorted(facts.carriers.get(country, []), key=lambda c: c.name)
            if c.technologies & modem
        ]
        technologies = [
            name
            for _, name in TECHNOLOGIES
            if any(name in c.technologies for c in usable) and name in modem
        ]
        if not usable:
            wanted = " or ".join(name for _, name in TECHNOLOGIES if name in modem)
            problems.append(
                Problem(
                    availability,
                    line,
                    f"{model} is offered in {country}, but no carrier there offers {wanted} "
                    f"in {located['carriers'][0].path}",
                    "add the carriers, or remove this row",
                )
            )
            continue
        carriers = ", ".join(c.shown() for c in usable)
        rows.append(
            (country, models.index(model), [country, model, ", ".join(technologies), carriers])
        )
    offered_models = {model for model, _, _ in facts.offered}
    for model in models:
        if model not in offered_models:
            problems.append(
                Problem(
                    availability,
                    None,
                    f"{model} is offered in no country",
                    f"add rows for it, or remove it from {models_node.key}",
                )
            )
    if problems:
        raise RegenError(problems)
    return [row for _, _, row in sorted(rows, key=lambda r: (r[0], r[1]))]

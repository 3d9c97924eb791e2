"""Pins of a device, read from one row per physical pin, and how two devices' pins pair up.

Rows with `same_as` are one more contact of an earlier pin (the extra GND of a module): each
device then has one entry per pin, the lowest-numbered row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from regen.errors import Problem, RegenError
from regen.sources import SourceTable, record_line, require_columns, rows_of

REQUIRED_COLUMNS = ("num", "name", "alt_name", "same_as")
# Capabilities the sources answer with Yes, No or nothing (see sources/pins/README.md).
YES_NO_COLUMNS = ("digital_read", "digital_write", "analog_read", "five_volt_tolerant")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Pin:
    number: int
    values: Mapping[str, str]  # every column of its row, as written (blanks around removed)

    @property
    def name(self) -> str:
        return self.values["name"]

    @property
    def alt(self) -> str:
        return self.values["alt_name"]

    def get(self, column: str) -> str:
        return self.values.get(column, "")

    def is_set(self, column: str) -> bool:
        """A value counts as set when it is neither empty nor `No`."""
        value = self.get(column)
        return bool(value) and value != "No"

    def shown_name(self) -> str:
        return f"{self.name} / {self.alt}" if self.alt else self.name


def read_pins(frame: SourceTable, path: str, columns: Iterable[str] = ()) -> tuple[Pin, ...]:
    """The device's pins in number order, contacts folded into the pin they belong to.
    `columns` are the ones the caller will show, besides those every pin source has."""
    needed = tuple(dict.fromkeys((*REQUIRED_COLUMNS, *columns)))
    require_columns(frame, path, needed, "a pin source")
    if frame.empty:
        raise RegenError.at(path, frame.header_line, "no pins", "add a row a pin")
    problems: list[Problem] = []
    rows: dict[int, tuple[dict[str, str], int | None]] = {}
    for index, record in rows_of(frame):
        line = record_line(frame, index)
        values = {column: cell.strip() for column, cell in record.items()}
        problems.extend(_check_row(values, path, line))
        number = _number(values["num"])
        if number is None:
            problems.append(
                Problem(
                    path,
                    line,
                    f"pin number '{values['num']}' is not a whole number",
                    "write the pin's number, 1 or more digits",
                )
            )
        elif number in rows:
            first = rows[number][1]
            earlier = f" (first at line {first})" if first is not None else ""
            problems.append(
                Problem(path, line, f"pin number {number} appears twice{earlier}", "keep one row")
            )
        else:
            rows[number] = (values, line)
    pins: list[Pin] = []
    for number, (values, line) in sorted(rows.items()):
        if not values["same_as"]:
            pins.append(Pin(number, MappingProxyType(values)))
            continue
        target = _number(values["same_as"])
        if target is None or target not in rows or target >= number:
            problems.append(
                Problem(
                    path,
                    line,
                    f"pin {number} is the same as '{values['same_as']}', which is no earlier pin",
                    "name the num of an earlier pin in same_as, or leave it empty",
                )
            )
        elif rows[target][0]["name"] != values["name"]:
            problems.append(
                Problem(
                    path,
                    line,
                    f"pin {number} ({values['name']}) is the same as pin {target}, "
                    f"which is {rows[target][0]['name']}",
                    "a contact of a pin has its name; fix same_as or the name",
                )
            )
    if problems:
        raise RegenError(problems)
    return tuple(pins)


def _check_row(values: Mapping[str, str], path: str, line: int | None) -> Iterable[Problem]:
    if not values["name"]:
        yield Problem(path, line, "a pin without a name", "fill in its name")
    for column in ("name", "alt_name"):
        if _CONTROL.search(values[column]):
            yield Problem(
                path,
                line,
                f"{column} holds a line break or control character",
                "write the name on one line",
            )
    for column in YES_NO_COLUMNS:
        value = values.get(column, "")
        if value not in ("", "Yes", "No"):
            yield Problem(
                path, line, f"column '{column}' holds '{value}'", "write Yes, No, or leave it empty"
            )


def _number(text: str) -> int | None:
    # ASCII digits only: str.isdigit() also takes '²', which int() refuses.
    return int(text) if re.fullmatch(r"[0-9]+", text) else None


@dataclass(frozen=True)
class Pairing:
    old: Pin | None
    new: Pin | None
    title: str  # the old name; the new alternate name when paired through it; an added pin's name

    @property
    def name(self) -> str:
        """The name rows of a port comparison sort by: the old pin's, else the new one's."""
        pin = self.old or self.new
        assert pin is not None, "a pairing has at least one pin"
        return pin.name


def pair(old_pins: Sequence[Pin], new_pins: Sequence[Pin]) -> list[Pairing]:
    """Each old pin with the first new pin (in number order, not yet taken) that has its name,
    or its alternate name as name, or its name as alternate name, or the same non-empty
    alternate name. Paired and removed pins come in old number order, then added ones."""
    taken: set[int] = set()
    pairings: list[Pairing] = []
    for old in old_pins:
        match: Pin | None = None
        title = old.name
        for new in new_pins:
            if new.number in taken:
                continue
            if new.name == old.name or (old.alt and new.name == old.alt):
                match = new
                break
            if (new.alt and new.alt == old.name) or (old.alt and new.alt == old.alt):
                match, title = new, new.alt
                break
        if match is not None:
            taken.add(match.number)
        pairings.append(Pairing(old, match, title))
    pairings.extend(Pairing(None, new, new.name) for new in new_pins if new.number not in taken)
    return pairings

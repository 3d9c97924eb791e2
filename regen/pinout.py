"""Pins of a device, read from one row per physical pin, and how two devices' pins pair up.

Rows with `same_as` are one more contact of an earlier pin (the extra GND of a module): each
device then has one entry per pin, the lowest-numbered row.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from regen.errors import Problem, RegenError

if TYPE_CHECKING:
    import pandas as pd

REQUIRED_COLUMNS = ("num", "name", "alt_name", "same_as")


@dataclass(frozen=True)
class Pin:
    number: int
    values: Mapping[str, str]  # every column of its row, as written

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
        value = self.get(column).strip()
        return bool(value) and value != "No"

    def shown_name(self) -> str:
        return f"{self.name} / {self.alt}" if self.alt else self.name


def read_pins(frame: pd.DataFrame, path: str) -> list[Pin]:
    """The device's pins in number order, contacts folded into the pin they belong to."""
    known = [str(c) for c in frame.columns]
    missing = [c for c in REQUIRED_COLUMNS if c not in known]
    if missing:
        raise RegenError.at(
            path,
            frame.attrs.get("header_line", 1),
            f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}",
            "a pin source needs: " + ", ".join(REQUIRED_COLUMNS),
        )
    lines: Sequence[int] = frame.attrs.get("lines", [])
    problems: list[Problem] = []
    rows: list[tuple[int, str, dict[str, str], int | None]] = []
    numbers: set[int] = set()
    for index, record in frame.iterrows():
        line = lines[index] if isinstance(index, int) and index < len(lines) else None
        values = {c: str(record[c]).strip() for c in known}
        number = _number(values["num"])
        if number is None:
            problems.append(
                Problem(
                    path, line, f"pin number '{values['num']}' is not a whole number", "fix num"
                )
            )
            continue
        if number in numbers:
            problems.append(
                Problem(
                    path, line, f"pin number {number} appears twice", "give each pin its own num"
                )
            )
            continue
        numbers.add(number)
        rows.append((number, values["same_as"], values, line))
    pins: list[Pin] = []
    for number, same_as, values, line in sorted(rows, key=lambda r: r[0]):
        if not same_as:
            pins.append(Pin(number, values))
            continue
        target = _number(same_as)
        if target is None or target not in numbers or target >= number:
            problems.append(
                Problem(
                    path,
                    line,
                    f"pin {number} is the same as '{same_as}', which is no earlier pin",
                    "name the num of an earlier pin in same_as, or leave it empty",
                )
            )
    if problems:
        raise RegenError(problems)
    return pins


def _number(text: str) -> int | None:
    # ASCII digits only: str.isdigit() also takes '²', which int() refuses.
    return int(text) if re.fullmatch(r"[0-9]+", text) else None


@dataclass(frozen=True)
class Pairing:
    old: Pin | None
    new: Pin | None
    title: str  # the old name; the new alternate name when paired through it; an added pin's name


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

"""Typed, located access to configuration values, so every bad value names its key path.

A generator reads its options through an `Options` node: `node.string("source")`,
`node.get("columns").items()`, ... Each accessor checks the type and, when it is wrong, raises a
RegenError like `regen.toml:12: regions."c924...".columns[2].align: expected one of ...`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from regen.errors import RegenError

_MISSING: Any = object()


def _type_name(value: object) -> str:
    return {
        str: "a string",
        int: "a number",
        float: "a number",
        bool: "true or false",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)


@dataclass(frozen=True)
class Options:
    """A value from the configuration with the key path that leads to it."""

    value: Any
    key: str  # e.g. regions."c924...".columns[2]
    file: str  # the configuration file, as shown to the user
    line: int | None  # the line of the enclosing table in that file

    def error(self, message: str, hint: str = "") -> RegenError:
        return RegenError.at(self.file, self.line, f"{self.key}: {message}", hint)

    def _child(self, value: Any, key: str) -> Options:
        return Options(value, key, self.file, self.line)

    # Tables -------------------------------------------------------------------------------

    def table(self) -> Mapping[str, Any]:
        if not isinstance(self.value, dict):
            raise self.error(f"expected a table, got {_type_name(self.value)}")
        return self.value

    def has(self, name: str) -> bool:
        return name in self.table()

    def get(self, name: str, default: Any = _MISSING) -> Options:
        table = self.table()
        if name in table:
            return self._child(table[name], f"{self.key}.{name}")
        if default is _MISSING:
            raise self.error(f"missing key '{name}'", f"add {name} = ... to this entry")
        return self._child(default, f"{self.key}.{name}")

    def only(self, *allowed: str) -> None:
        """Reject keys that are not in `allowed`: a typo must never be silently ignored."""
        for name in self.table():
            if name not in allowed:
                hint = "known keys: " + ", ".join(allowed) if allowed else "it takes no options"
                raise self._child(None, f"{self.key}.{name}").error("unknown key", hint)

    def entries(self) -> Iterator[tuple[str, Options]]:
        for name, value in self.table().items():
            yield name, self._child(value, f"{self.key}.{quote_key(name)}")

    # Lists --------------------------------------------------------------------------------

    def items(self) -> list[Options]:
        if not isinstance(self.value, list):
            raise self.error(f"expected a list, got {_type_name(self.value)}")
        return [self._child(v, f"{self.key}[{i}]") for i, v in enumerate(self.value)]

    def items_or_one(self) -> list[Options]:
        """A list, or a single value standing for a list of one."""
        if isinstance(self.value, list):
            return self.items()
        return [self]

    # Scalars ------------------------------------------------------------------------------

    def string(self) -> str:
        if not isinstance(self.value, str):
            raise self.error(f"expected a string, got {_type_name(self.value)}")
        return self.value

    def boolean(self) -> bool:
        if not isinstance(self.value, bool):
            raise self.error(f"expected true or false, got {_type_name(self.value)}")
        return self.value

    def scalar_text(self) -> str:
        """A string or number, as the text a source cell would hold (sources are read as text)."""
        if isinstance(self.value, bool) or not isinstance(self.value, str | int | float):
            raise self.error(f"expected a string or number, got {_type_name(self.value)}")
        return str(self.value)

    def choice(self, *choices: str) -> str:
        value = self.string()
        if value not in choices:
            raise self.error(f"unknown value '{value}'", "expected one of: " + ", ".join(choices))
        return value

    def strings(self) -> list[str]:
        """A list of strings, or one string standing for a list of one."""
        return [item.string() for item in self.items_or_one()]


def quote_key(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) else f'"{name}"'

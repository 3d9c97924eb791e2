"""Typed, located access to configuration values, so every bad value names its key path and
the line it is written on.

A generator reads its options through an `Options` node: `node.get("source").string()`,
`node.get("columns").items()`, ... Each accessor checks the type and, when it is wrong, raises a
RegenError like `regen.toml:12: regions."c924...".columns[2].align: unknown value ...`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from regen.errors import RegenError

_MISSING: Any = object()
Path = tuple[str | int, ...]


def _type_name(value: object) -> str:
    return {
        str: "a string",
        int: "a number",
        float: "a number",
        bool: "true or false",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)


def quote_key(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) else f'"{name}"'


@dataclass(frozen=True)
class KeyLines:
    """Where a configuration file writes its keys: a key's line, or the line of the nearest
    key above it that has one (list items and keys inside inline tables have none of their
    own: a wrong line would be worse than a coarse one)."""

    file: str  # as shown to the user
    lines: Mapping[tuple[str, ...], int] = field(default_factory=dict)
    base: tuple[str, ...] = ()  # ("tool", "regen") in pyproject.toml
    prefix: str = ""  # how key paths are shown: "tool.regen." in pyproject.toml

    @classmethod
    def of(cls, text: str, file: str, base: tuple[str, ...] = ()) -> KeyLines:
        return cls.indexed(file, index_keys(text), base)

    @classmethod
    def indexed(
        cls, file: str, lines: Mapping[tuple[str, ...], int], base: tuple[str, ...] = ()
    ) -> KeyLines:
        """From the index `index_keys` made of the file's text."""
        prefix = "".join(f"{quote_key(part)}." for part in base)
        return cls(file, lines, base, prefix)

    @functools.cached_property
    def _folded(self) -> dict[tuple[str, ...], int]:
        """The keys in lower case: made at the first key not written as looked up (most runs
        look up none; a configuration of hundreds of entries takes milliseconds to fold)."""
        folded: dict[tuple[str, ...], int] = {}
        for key, line in self.lines.items():
            folded.setdefault(tuple(n.lower() for n in key), line)
        return folded

    def line(self, path: Path) -> int | None:
        names = self.base + tuple(p for p in _names_until_index(path))
        for end in range(len(names), 0, -1):
            key = names[:end]
            if key in self.lines:
                return self.lines[key]
            # uuids may be written in any case
            if (lowered := tuple(n.lower() for n in key)) in self._folded:
                return self._folded[lowered]
        return None

    def show(self, path: Path) -> str:
        out = self.prefix.rstrip(".")
        for part in path:
            out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + quote_key(part)
        return out


def _names_until_index(path: Path) -> Iterator[str]:
    for part in path:
        if isinstance(part, int):
            return
        yield part


@dataclass(frozen=True)
class Options:
    """A value from the configuration with the key path that leads to it."""

    value: Any
    path: Path
    where: KeyLines

    @property
    def key(self) -> str:
        return self.where.show(self.path)

    @property
    def line(self) -> int | None:
        return self.where.line(self.path)

    def error(self, message: str, hint: str = "") -> RegenError:
        return RegenError.at(self.where.file, self.line, f"{self.key}: {message}", hint)

    def _child(self, value: Any, part: str | int) -> Options:
        return Options(value, (*self.path, part), self.where)

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
            return self._child(table[name], name)
        if default is _MISSING:
            raise self.error(f"missing key '{name}'", f"add {name} = ... to this entry")
        return self._child(default, name)

    def only(self, *allowed: str) -> None:
        """Reject keys that are not in `allowed`: a typo must never be silently ignored."""
        for name in self.table():
            if name not in allowed:
                hint = "known keys: " + ", ".join(allowed) if allowed else "it takes no options"
                raise self._child(None, name).error("unknown key", hint)

    def entries(self) -> Iterator[tuple[str, Options]]:
        for name, value in self.table().items():
            yield name, self._child(value, name)

    # Lists --------------------------------------------------------------------------------

    def items(self) -> list[Options]:
        if not isinstance(self.value, list):
            raise self.error(f"expected a list, got {_type_name(self.value)}")
        return [self._child(v, i) for i, v in enumerate(self.value)]

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

    def cell_text(self) -> str:
        """A value to compare with source cells, which are text as written: a string, or a
        whole number. A decimal is refused, since 1.50 in TOML would be compared as '1.5'."""
        if isinstance(self.value, str):
            return self.value
        if isinstance(self.value, int) and not isinstance(self.value, bool):
            return str(self.value)
        if isinstance(self.value, float):
            raise self.error(
                "a decimal number", f'write it as the source does, in quotes: "{self.value}"'
            )
        raise self.error(f"expected a string or number, got {_type_name(self.value)}")

    def choice(self, *choices: str) -> str:
        value = self.string()
        if value not in choices:
            raise self.error(f"unknown value '{value}'", "expected one of: " + ", ".join(choices))
        return value

    def cell_texts(self) -> frozenset[str]:
        """One cell value or a non-empty list of them, as cell_text() reads each."""
        items = self.items_or_one()
        if not items:
            raise self.error("an empty list", "name at least one value")
        return frozenset(item.cell_text() for item in items)

    def strings(self) -> list[str]:
        """A list of strings, or one string standing for a list of one."""
        return [item.string() for item in self.items_or_one()]


# Finding the lines of keys --------------------------------------------------------------------

_PART = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')"""
_DOTTED = rf"{_PART}(?:[ \t]*\.[ \t]*{_PART})*"
_HEADER = re.compile(rf"[ \t]*\[\[?[ \t]*(?P<name>{_DOTTED})[ \t]*\]\]?[ \t]*(?:#.*)?$")
_KEY = re.compile(rf"[ \t]*(?P<name>{_DOTTED})[ \t]*=")
_STRING = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'')


def _split(dotted: str) -> tuple[str, ...]:
    parts = re.findall(_PART, dotted)
    return tuple(p[1:-1] if p[:1] in "\"'" else p for p in parts)


def index_keys(text: str) -> dict[tuple[str, ...], int]:
    """The line of every table header and every `key = value` that starts a line, by full
    dotted path. Lines inside a value that spans lines (arrays, inline tables, multi-line
    strings) are not keys; everything else of TOML is the parser's business."""
    lines: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    depth = 0  # brackets still open from a value spanning lines
    # Blank out strings (keeping newlines) so that brackets and '#' in them do not count.
    bare = _STRING.sub(lambda m: re.sub(r"[^\n]", " ", m[0]) if "\n" in m[0] else '""', text)
    raw_lines = text.split("\n")
    for number, line in enumerate(bare.split("\n"), 1):
        value = line
        if depth == 0:
            header = _HEADER.match(raw_lines[number - 1])
            if header:
                table = _split(header["name"])
                for end in range(1, len(table) + 1):
                    lines.setdefault(table[:end], number)
                continue
            key = _KEY.match(raw_lines[number - 1])
            if key:
                path = table + _split(key["name"])
                for end in range(len(table) + 1, len(path) + 1):
                    lines.setdefault(path[:end], number)
                value = line[line.index("=") + 1 :] if "=" in line else ""
        value = value.split("#", 1)[0]
        depth = max(
            0, depth + value.count("[") + value.count("{") - value.count("]") - value.count("}")
        )
    return lines

"""Read and validate the configuration: `regen.toml`, or `[tool.regen]` in `pyproject.toml`.

The configuration is data, never code. Every key is checked here or by the generator that
reads it; a bad one is reported with its key path and the line of its table.
"""

from __future__ import annotations

import posixpath
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from regen.errors import RegenError
from regen.markers import UUID_RE
from regen.model import RegionSpec
from regen.options import Options, quote_key

CONFIG_NAMES = ("regen.toml", "pyproject.toml")
DEFAULT_PAGES = ("**/*.md",)
_TOP_KEYS = ("pages", "exclude", "sources", "blurbs", "regions")


@dataclass(frozen=True)
class Config:
    root: Path  # the folder holding the configuration file; every path is relative to it
    file: str  # the configuration file as shown to the user
    pages: tuple[str, ...] = DEFAULT_PAGES
    exclude: tuple[str, ...] = ()
    sources: str = "sources"
    blurbs: str = "sources/blurbs"
    regions: Mapping[str, RegionSpec] = field(default_factory=dict)


def find_config(start: Path) -> Path:
    """The nearest regen.toml, or pyproject.toml with a [tool.regen] table, at or above `start`."""
    start = start.resolve()
    for folder in (start, *start.parents):
        candidate = folder / "regen.toml"
        if candidate.is_file():
            return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and _has_regen_table(pyproject):
            return pyproject
    raise RegenError.at(
        str(start),
        None,
        "no regen.toml (or pyproject.toml with [tool.regen]) here or in any parent folder",
        "create regen.toml at the repository root; see the README's Configuration section",
    )


def _has_regen_table(pyproject: Path) -> bool:
    try:
        text = pyproject.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        # Broken TOML that mentions regen is taken, so that load_config reports the error
        # rather than a parent folder's configuration being used in silence.
        return "tool.regen" in text
    tool = data.get("tool")
    return isinstance(tool, dict) and "regen" in tool


def load_config(path: Path) -> Config:
    """Parse and validate the configuration file at `path`."""
    shown = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RegenError.at(shown, None, f"cannot read the configuration: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        line = int(match[1]) if match else text.count("\n") + 1  # "at end of document"
        raise RegenError.at(
            shown,
            line,
            f"not valid TOML: {exc}",
            "fix the TOML syntax",
        ) from None
    prefix = ""
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("regen", {})
        prefix = "tool.regen."
        if not isinstance(data, dict):
            raise RegenError.at(shown, _line_of(text, "regen"), "tool.regen: expected a table")
        # Look up lines only from regen's table on: [tool.ruff] may have an `exclude` too.
        start = re.search(r"^[ \t]*\[[ \t]*tool[ \t]*\.[ \t]*regen\b", text, re.MULTILINE)
        if start:
            text = "\n" * text.count("\n", 0, start.start()) + text[start.start() :]
    return parse_config(data, root=path.parent, file=shown, text=text, prefix=prefix)


def parse_config(
    data: Mapping[str, object], *, root: Path, file: str, text: str = "", prefix: str = ""
) -> Config:
    """Validate an already parsed configuration table."""
    for name in data:
        if name not in _TOP_KEYS:
            raise RegenError.at(
                file,
                _line_of(text, name),
                f"{prefix}{quote_key(name)}: unknown key",
                "known keys: " + ", ".join(_TOP_KEYS),
            )

    def key(name: str) -> Options:
        return Options(data.get(name), prefix + name, file, _line_of(text, name))

    pages = tuple(key("pages").strings()) if "pages" in data else DEFAULT_PAGES
    exclude = tuple(key("exclude").strings()) if "exclude" in data else ()
    sources = _inside(key("sources"), root) if "sources" in data else "sources"
    blurbs = (
        _inside(key("blurbs"), root)
        if "blurbs" in data
        else posixpath.join(sources, "blurbs")
        if sources != "."
        else "blurbs"
    )

    regions: dict[str, RegionSpec] = {}
    if "regions" in data:
        table = Options(data["regions"], prefix + "regions", file, _line_of(text, "regions"))
        for uuid, entry in table.entries():
            entry = Options(entry.value, entry.key, file, _line_of(text, uuid))
            if not UUID_RE.match(uuid):
                raise entry.error(
                    "not a uuid", "region keys are the uuids written in the page's markers"
                )
            options = dict(entry.table())
            generator = entry.get("generator").string()
            del options["generator"]
            normal = uuid.lower()
            if normal in regions:
                raise entry.error("this uuid has two entries", "keep one of them")
            regions[normal] = RegionSpec(normal, generator, options, entry.line)
    return Config(root, file, pages, exclude, sources, blurbs, regions)


def _inside(node: Options, root: Path) -> str:
    """A folder path from the configuration, checked to stay inside the repository."""
    value = node.string()
    resolved = (root / value).resolve()
    if not resolved.is_relative_to(root.resolve()):
        raise node.error(f"'{value}' is outside the repository", "use a path below " + str(root))
    return posixpath.normpath(Path(value).as_posix())


def _line_of(text: str, key: str) -> int | None:
    """The line where `key` is defined: as a key, or in a table header. Exact spelling first,
    then any case (uuids may be written in upper case)."""
    quoted = rf"[\"']?{re.escape(key)}[\"']?"
    patterns = (
        rf"^[ \t]*{quoted}[ \t]*=",  # key = value
        rf"^[ \t]*\[[^\]\n]*{quoted}[ \t]*\]",  # [table."key"]
        rf"^[ \t]*\[[ \t]*{quoted}[ \t]*\.",  # [key."sub"]: a table known by its sub-tables
    )
    for flags in (re.MULTILINE, re.MULTILINE | re.IGNORECASE):
        for pattern in patterns:
            match = re.search(pattern, text, flags)
            if match:
                return text.count("\n", 0, match.start()) + 1
    return None

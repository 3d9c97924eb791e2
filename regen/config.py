"""Read and validate the configuration: `regen.toml`, or `[tool.regen]` in `pyproject.toml`.

The configuration is data, never code. Every key is checked here or by the generator that
reads it; a bad one is reported with its key path and the line of its table.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from regen.errors import RegenError
from regen.markers import UUID_RE
from regen.model import RegionSpec
from regen.options import Options

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
        if pyproject.is_file() and re.search(
            r"^\s*\[tool\.regen[\].]", pyproject.read_text(encoding="utf-8"), re.MULTILINE
        ):
            return pyproject
    raise RegenError.at(
        str(start),
        None,
        "no regen.toml (or pyproject.toml with [tool.regen]) here or in any parent folder",
        "create regen.toml at the repository root; see the README's Configuration section",
    )


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
        raise RegenError.at(
            shown,
            int(match[1]) if match else None,
            f"not valid TOML: {exc}",
            "fix the TOML syntax",
        ) from None
    prefix = ""
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("regen", {})
        prefix = "tool.regen."
    return parse_config(data, root=path.parent, file=shown, text=text, prefix=prefix)


def parse_config(
    data: Mapping[str, object], *, root: Path, file: str, text: str = "", prefix: str = ""
) -> Config:
    """Validate an already parsed configuration table."""
    top = Options(dict(data), prefix.rstrip(".") or "(top level)", file, None)
    top.only(*_TOP_KEYS)

    def key(name: str) -> Options:
        return Options(data.get(name), prefix + name, file, _line_of(text, name))

    pages = tuple(key("pages").strings()) if "pages" in data else DEFAULT_PAGES
    exclude = tuple(key("exclude").strings()) if "exclude" in data else ()
    sources = _inside(key("sources"), root) if "sources" in data else "sources"
    blurbs = _inside(key("blurbs"), root) if "blurbs" in data else f"{sources}/blurbs"

    regions: dict[str, RegionSpec] = {}
    if "regions" in data:
        for uuid, entry in Options(data["regions"], prefix + "regions", file, None).entries():
            line = _line_of(text, uuid)
            entry = Options(entry.value, entry.key, file, line)
            if not UUID_RE.match(uuid):
                raise entry.error(
                    "not a uuid", "region keys are the uuids written in the page's markers"
                )
            table = dict(entry.table())
            generator = entry.get("generator").string()
            del table["generator"]
            normal = uuid.lower()
            if normal in regions:
                raise entry.error("this uuid has two entries", "keep one of them")
            regions[normal] = RegionSpec(normal, generator, table, line)
    return Config(root, file, pages, exclude, sources, blurbs, regions)


def _inside(node: Options, root: Path) -> str:
    """A folder path from the configuration, checked to stay inside the repository."""
    value = node.string()
    resolved = (root / value).resolve()
    if not resolved.is_relative_to(root.resolve()):
        raise node.error(f"'{value}' is outside the repository", "use a path below " + str(root))
    return Path(value).as_posix().rstrip("/") or "."


def _line_of(text: str, needle: str) -> int | None:
    """The first line mentioning `needle` as a key: good enough to point at a table or key."""
    pattern = re.compile(
        rf"^\s*(?:\[[^\]]*)?[\"']?{re.escape(needle)}\b", re.MULTILINE | re.IGNORECASE
    )
    match = pattern.search(text) or re.search(re.escape(needle), text, re.IGNORECASE)
    return text.count("\n", 0, match.start()) + 1 if match else None

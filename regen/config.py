"""Read and validate the configuration: `regen.toml`, or `[tool.regen]` in `pyproject.toml`.

The configuration is data, never code. Every key is checked here or by the generator that
reads it; a bad one is reported with its key path and the line of its table.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import posixpath
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from regen.errors import Problem, RegenError
from regen.markers import UUID_RE
from regen.model import RegionSpec
from regen.options import KeyLines, Options, index_keys
from regen.textfile import NotARegularFile, decode, read_regular

DEFAULT_PAGES: tuple[str, ...] = ("**/*.md",)
NO_GLOBS: tuple[str, ...] = ()
_TOP_KEYS = ("pages", "exclude", "sources", "blurbs", "regions")
T = TypeVar("T")


@dataclass(frozen=True)
class Config:
    root: Path  # the folder holding the configuration file; every path is relative to it
    file: str  # the configuration file as shown to the user
    pages: tuple[str, ...] = DEFAULT_PAGES
    exclude: tuple[str, ...] = ()
    sources: str = "sources"
    blurbs: str = "sources/blurbs"
    regions: Mapping[str, RegionSpec] = field(default_factory=dict)
    keys: KeyLines = field(default_factory=lambda: KeyLines("regen.toml"))  # lines of its keys
    problems: tuple[Problem, ...] = ()  # what is wrong in it; the run goes on without those
    broken: frozenset[str] = frozenset()  # uuids whose entry is wrong: known, but not built
    digest: str | None = None  # a hash of the text it was read from (None: built otherwise)

    @property
    def prefix(self) -> str:
        """How key paths start: "tool.regen." in pyproject.toml."""
        return self.keys.prefix

    def node(self, spec: RegionSpec) -> Options:
        """The region's options, located for errors."""
        return Options(dict(spec.options), ("regions", spec.uuid), self.keys)

    def line(self, *path: str) -> int | None:
        return self.keys.line(path)

    def master(self, uuid: str) -> str:
        """The blurb `uuid`'s master, relative to the root."""
        return master_path(self.blurbs, uuid)


def master_path(blurbs: str, uuid: str) -> str:
    """`<blurbs>/<uuid>.md`, normalised (blurbs = "." gives no "./" in front): one name for a
    master wherever it is made, read or shown."""
    return posixpath.normpath(f"{blurbs}/{uuid}.md")


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
        "create regen.toml at the repository root (an empty one will do); see the README's"
        " Configuration section",
    )


def holds_configuration(folder: Path, names: Collection[str]) -> bool:
    """Whether `folder`, holding files of these `names`, holds a configuration of its own:
    regen.toml, or pyproject.toml with a [tool.regen] table."""
    if "regen.toml" in names:
        return True
    return "pyproject.toml" in names and _has_regen_table(folder / "pyproject.toml")


def _has_regen_table(pyproject: Path) -> bool:
    import tomllib

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


def load_config(path: str | os.PathLike[str], *, cache: bool = False) -> Config:
    """Parse and validate the configuration file at `path`; with `cache`, its parse is
    remembered in the cache beside it, by its text.

    Raises RegenError when the file cannot be read or parsed; what is wrong in its content is
    in Config.problems, so that a run can report it with everything else."""
    path = Path(path)
    shown = path.name  # every path regen shows is relative to the folder holding this file
    try:
        data = read_regular(path)
    except FileNotFoundError:
        raise RegenError.at(
            str(path), None, "configuration file not found", "check the --config path"
        ) from None
    except NotARegularFile as exc:
        raise RegenError.at(str(path), None, str(exc.strerror), "name a TOML file") from None
    except OSError as exc:
        raise RegenError.at(
            str(path),
            None,
            f"cannot read the configuration: {exc.strerror}",
            "check its permissions",
        ) from None
    return config_from_text(decode(data, shown).text, path, cache=cache)


def config_from_text(text: str, path: Path, *, cache: bool = False) -> Config:
    """The configuration in `text`, as if read from the file at `path` (which need not exist:
    the version of it in a git commit, say). With `cache`, the parse (TOML, and where each key
    is written) is remembered in `.regen-cache/` beside it, keyed by the text: the pre-commit
    case reads a configuration of hundreds of entries on every commit, and TOML is slow to
    parse in Python."""
    shown = path.name
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    parsed, lines = _parsed(text, shown, digest, path.parent if cache else None)
    table: Any = parsed
    prefix, base = "", tuple[str, ...]()
    if path.name == "pyproject.toml":
        tool = table.get("tool", {})
        table = tool.get("regen", {}) if isinstance(tool, dict) else None
        prefix, base = "tool.regen.", ("tool", "regen")
        if not isinstance(table, dict):
            where = KeyLines.indexed(shown, lines).line(("tool", "regen"))
            raise RegenError.at(shown, where, "tool.regen: expected a table")
    keys = KeyLines.indexed(shown, lines, base)
    config = parse_config(table, root=path.parent, file=shown, keys=keys, prefix=prefix)
    return dataclasses.replace(config, digest=digest)


Parsed = tuple[dict[str, Any], dict[tuple[str, ...], int]]  # the TOML, and the line of each key


def _parsed(text: str, shown: str, digest: str, root: Path | None) -> Parsed:
    if root is None:
        return _parse(text, shown)

    def compute() -> dict[str, Any] | None:
        table, lines = _parse(text, shown)
        value = {"table": table, "lines": [[list(key), line] for key, line in lines.items()]}
        return value if _json_exact(value) else None  # TOML dates, say: parsed every time

    from regen.cache import BodyCache

    found = BodyCache(root).memo({"configuration": shown}, {"digest": digest}, compute)
    if not isinstance(found, dict):
        return _parse(text, shown)
    return found["table"], {tuple(key): line for key, line in found["lines"]}


def _parse(text: str, shown: str) -> Parsed:
    import tomllib  # a few milliseconds: not needed when the parse is remembered

    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        from regen.sources import unmerged

        conflict = unmerged(text, shown, "the entries")
        if conflict is not None:
            raise conflict from None
        match = re.search(r"line (\d+)", str(exc))
        line = int(match[1]) if match else text.count("\n") + 1  # "at end of document"
        raise RegenError.at(
            shown,
            line,
            f"not valid TOML: {exc}",
            "fix the TOML syntax",
        ) from None
    return table, index_keys(text)


def _json_exact(value: Any) -> bool:
    """Whether `value` reads back from JSON as the very same values and types."""
    try:
        text = json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        return False
    return _same(json.loads(text), value)


def _same(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def parse_config(
    data: Mapping[str, object],
    *,
    root: Path,
    file: str,
    text: str = "",
    prefix: str = "",
    keys: KeyLines | None = None,
) -> Config:
    """Validate an already parsed configuration table. Every problem is collected: a bad
    region entry does not hide the others, nor the pages' own problems. The lines of its keys
    are found in `text`, unless `keys` has them."""
    problems: list[Problem] = []
    if keys is None:
        keys = KeyLines.of(text, file, tuple(prefix.rstrip(".").split(".")) if prefix else ())

    def node(name: str) -> Options:
        return Options(data.get(name), (name,), keys)

    def checked(name: str, read: Callable[[Options], T], default: T) -> T:
        if name not in data:
            return default
        try:
            return read(node(name))
        except RegenError as exc:
            problems.extend(exc.problems)
            return default

    for name in data:
        if name not in _TOP_KEYS:
            problems.extend(
                node(name).error("unknown key", "known keys: " + ", ".join(_TOP_KEYS)).problems
            )
    pages = checked("pages", lambda n: tuple(n.strings()), DEFAULT_PAGES)
    exclude = checked("exclude", lambda n: tuple(n.strings()), NO_GLOBS)
    sources = checked("sources", lambda n: _inside(n, root), "sources")
    blurbs = checked("blurbs", lambda n: _inside(n, root), posixpath.normpath(f"{sources}/blurbs"))
    regions: dict[str, RegionSpec] = {}
    broken: set[str] = set()
    if "regions" in data:
        try:
            entries = list(node("regions").entries())
        except RegenError as exc:
            problems.extend(exc.problems)
            entries = []
        for uuid, entry in entries:
            try:
                regions[uuid.lower()] = _region(uuid, entry, regions)
            except RegenError as exc:
                problems.extend(exc.problems)
                broken.add(uuid.lower())
    return Config(
        root,
        file,
        pages,
        exclude,
        sources,
        blurbs,
        regions,
        keys,
        tuple(problems),
        frozenset(broken),
    )


def _region(uuid: str, entry: Options, seen: Mapping[str, RegionSpec]) -> RegionSpec:
    if not UUID_RE.match(uuid):
        raise entry.error("not a uuid", "region keys are the uuids written in the page's markers")
    options = dict(entry.table())
    generator = entry.get("generator").string()
    del options["generator"]
    if uuid.lower() in seen:
        raise entry.error("this uuid has two entries", "keep one of them")
    return RegionSpec(uuid.lower(), generator, options, entry.line, entry.where.file)


def _inside(node: Options, root: Path) -> str:
    """A folder path from the configuration, checked to stay inside the repository."""
    value = node.string()
    try:
        resolved = (root / value).resolve()
    except RuntimeError:  # a symlink loop (Python 3.11; non-strict, it raises no OSError)
        raise node.error(
            f"'{value}' leads into a symlink loop", "fix the link, or name another folder"
        ) from None
    if not resolved.is_relative_to(root.resolve()):
        raise node.error(f"'{value}' is outside the repository", "use a path below " + str(root))
    return posixpath.normpath(Path(value).as_posix())

"""Generators build the body of a region. Built-ins are listed in BUILTINS; plugins register
under the entry-point group `regen.generators`. The registry is a value passed to the planner,
never a global."""

from __future__ import annotations

import importlib
import posixpath
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from regen.errors import RegenError
from regen.model import RegionSpec
from regen.options import Options
from regen.sources import Records, SourceCache, SourceKey, SourceNotFound, SourceTable

if TYPE_CHECKING:
    import pandas as pd

ENTRY_POINT_GROUP = "regen.generators"


@dataclass(frozen=True)
class Job:
    """A generator's plan for one region, made from its options alone (no file is read):
    the files its body is built from, relative to the root, and how to build it.

    `build` reads those files and returns the body, with '\n' newlines, or None to leave the
    page's body as it is. Knowing the inputs first is what lets regen tell which pages a
    changed file affects, and reuse a body whose inputs did not change."""

    inputs: tuple[str, ...]
    build: Callable[[], str | None]


@dataclass(frozen=True)
class Context:
    """What a generator may use: its options (located, for errors) and the run's sources."""

    spec: RegionSpec
    options: Options
    sources_dir: str  # relative to the root
    blurbs_dir: str
    cache: SourceCache
    used_at: tuple[str, int]  # the first page and line holding the region

    def source_key(self, node: Options, records: str = "") -> SourceKey:
        """The source named by `node`, relative to the sources folder, checked to stay inside
        the repository; JSON records at a dotted path."""
        name = node.string()
        if PurePosixPath(name).is_absolute():
            raise node.error("an absolute path", "name the source relative to the sources folder")
        path = posixpath.normpath(posixpath.join(self.sources_dir, name))
        if not self.cache.inside(path):
            raise node.error(f"'{name}' leads outside the repository", "keep sources inside it")
        return SourceKey(path, tuple(records.split(".")) if records else ())

    def table(self, key: SourceKey, node: Options) -> SourceTable:
        """The source's table of text; a missing file is reported where the configuration
        names it."""
        try:
            return self.cache.table(key)
        except SourceNotFound:
            raise node.error(
                f"{key.path} not found", "create it, or fix the path in the configuration"
            ) from None

    def frame(self, key: SourceKey, node: Options) -> pd.DataFrame:
        """The source's table as a pandas DataFrame of strings, for a plugin that wants pandas'
        operations (the built-ins never do: importing pandas costs about 0.3 s)."""
        return self.table(key, node).frame()

    def records(self, key: SourceKey, node: Options) -> Records:
        """The source's records as tuples (see Records), once its table is read."""
        self.table(key, node)
        return self.cache.records(key)


@runtime_checkable
class Generator(Protocol):
    """Builds a region's body from its configuration entry and the sources it names."""

    @property
    def summary(self) -> str:
        """One line for the README's table of generators."""
        ...

    def prepare(self, context: Context) -> Job:
        """Check the options (raise RegenError through context.options.error, say) and say
        what the body is built from; read nothing yet."""
        ...


# A generator may also say `cacheable = True`: its body depends on its options and the bytes
# of its inputs alone, so a body built before from the same is reused (see regen.cache).


Registry = Mapping[str, Generator]

# The built-ins whose body depends on their options and inputs alone (`cacheable`), known
# without importing them: a body found in the cache then needs no generator at all.
CACHEABLE_BUILTINS = frozenset({"table", "blurb", "carriers", "skus", "pins"})

# The built-ins, by name; each module is imported the first time a region uses it.
BUILTINS = {
    "table": "regen.generators.table:TableGenerator",
    "blurb": "regen.generators.blurb:BlurbGenerator",
    "carriers": "regen.generators.carriers:CarriersGenerator",
    "skus": "regen.generators.skus:SkusGenerator",
    "pins": "regen.generators.pins:PinsGenerator",
    "keep": "regen.generators.keep:KeepGenerator",
}


def _instance(target: str) -> Generator:
    module, name = target.split(":")
    generator: Generator = getattr(importlib.import_module(module), name)()
    return generator


class LazyRegistry(Mapping[str, Generator]):
    """The built-ins, and the installed plugins when `plugins` is true.

    Nothing is imported until asked for: a run loads the generators its regions use, and looks
    for plugins (reading every installed package's entry points, some milliseconds) only when a
    region names a generator that is no built-in, or when all names are listed."""

    def __init__(self, plugins: bool) -> None:
        self._plugins = plugins
        self._loaded: dict[str, Generator] = {}
        self._found: dict[str, Generator] | None = None if plugins else {}

    def __getitem__(self, name: str) -> Generator:
        if name in self._loaded:
            return self._loaded[name]
        if name in BUILTINS:
            self._loaded[name] = _instance(BUILTINS[name])
            return self._loaded[name]
        return self._plugins_found()[name]

    def __iter__(self) -> Iterator[str]:
        yield from BUILTINS
        yield from self._plugins_found()

    def __len__(self) -> int:
        return len(BUILTINS) + len(self._plugins_found())

    def _plugins_found(self) -> dict[str, Generator]:
        if self._found is None:
            self._found = _load_plugins()
        return self._found


def builtin_registry() -> Registry:
    """The built-in generators alone."""
    return LazyRegistry(plugins=False)


def default_registry() -> Registry:
    """The built-ins plus every installed plugin; a plugin may not replace a built-in."""
    return LazyRegistry(plugins=True)


def _load_plugins() -> dict[str, Generator]:
    from importlib.metadata import entry_points

    plugins: dict[str, Generator] = {}
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        if entry.name in BUILTINS:
            raise RegenError.at(
                entry.value,
                None,
                f"plugin generator '{entry.name}' clashes with a built-in",
                "rename the plugin's entry point",
            )
        try:
            factory = entry.load()
            generator = factory()
        except Exception as exc:  # a broken plugin must not look like a bug in regen
            raise RegenError.at(
                entry.value,
                None,
                f"cannot load plugin generator '{entry.name}': {exc}",
                "fix or uninstall the plugin",
            ) from None
        if not isinstance(generator, Generator):
            raise RegenError.at(
                entry.value,
                None,
                f"plugin '{entry.name}' is not a generator",
                "it must provide summary and prepare()",
            )
        plugins[entry.name] = generator
    return plugins

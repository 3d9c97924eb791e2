"""Generators build the body of a region. Built-ins are listed in BUILTINS; plugins register
under the entry-point group `regen.generators`. The registry is a value passed to the planner,
never a global."""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from regen.errors import RegenError
from regen.model import RegionSpec
from regen.options import Options
from regen.sources import SourceCache, SourceKey, SourceNotFound

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

    def table(self, key: SourceKey, node: Options) -> pd.DataFrame:
        """The source's table; a missing file is reported where the configuration names it."""
        try:
            return self.cache.table(key)
        except SourceNotFound:
            raise node.error(
                f"{key.path} not found", "create it, or fix the path in the configuration"
            ) from None


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


def builtin_registry() -> dict[str, Generator]:
    from regen.generators.blurb import BlurbGenerator
    from regen.generators.carriers import CarriersGenerator
    from regen.generators.keep import KeepGenerator
    from regen.generators.pins import PinsGenerator
    from regen.generators.skus import SkusGenerator
    from regen.generators.table import TableGenerator

    return {
        "table": TableGenerator(),
        "blurb": BlurbGenerator(),
        "carriers": CarriersGenerator(),
        "skus": SkusGenerator(),
        "pins": PinsGenerator(),
        "keep": KeepGenerator(),
    }


def default_registry() -> dict[str, Generator]:
    """The built-ins plus every installed plugin; a plugin may not replace a built-in."""
    registry = builtin_registry()
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        if entry.name in registry:
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
        registry[entry.name] = generator
    return registry

"""Generators build the body of a region. Built-ins are listed in BUILTINS; plugins register
under the entry-point group `regen.generators`. The registry is a value passed to the planner,
never a global."""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from regen.errors import RegenError
from regen.model import RegionSpec
from regen.options import Options
from regen.sources import SourceCache, SourceKey

if TYPE_CHECKING:
    import pandas as pd

ENTRY_POINT_GROUP = "regen.generators"


@dataclass(frozen=True)
class Context:
    """What a generator may use: its options (located, for errors), and the run's sources."""

    spec: RegionSpec
    options: Options
    sources_dir: str  # relative to the root
    blurbs_dir: str
    cache: SourceCache

    def source_key(self, name: str, records: str = "") -> SourceKey:
        """The source `name`, relative to the sources folder; JSON records at a dotted path."""
        path = posixpath.normpath(f"{self.sources_dir}/{name}")
        return SourceKey(path, tuple(records.split(".")) if records else ())

    def table(self, key: SourceKey) -> pd.DataFrame:
        return self.cache.table(key)


@runtime_checkable
class Generator(Protocol):
    """Builds a region's body from its configuration entry and the sources it names."""

    @property
    def summary(self) -> str:
        """One line for `regen list` and the README's table of generators."""
        ...

    def inputs(self, context: Context) -> tuple[str, ...]:
        """The files (relative to the root) the body depends on, for `list` and dependencies."""
        ...

    def render(self, context: Context) -> str | None:
        """The body, with '\\n' newlines; None leaves the region's body as it is."""
        ...


Registry = Mapping[str, Generator]


def builtin_registry() -> dict[str, Generator]:
    from regen.generators.blurb import BlurbGenerator
    from regen.generators.keep import KeepGenerator
    from regen.generators.table import TableGenerator

    return {"table": TableGenerator(), "blurb": BlurbGenerator(), "keep": KeepGenerator()}


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
                "it must provide summary, inputs() and render()",
            )
        registry[entry.name] = generator
    return registry

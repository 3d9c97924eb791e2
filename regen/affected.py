"""Which pages a change affects: the dependency graph from files to regions to pages.

A page is affected when it changed itself, when a region on it is built from a changed file
(a source, a blurb master), or when the configuration entry of one of its regions changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from regen.config import Config
from regen.discover import blurb_masters, matches
from regen.generators import BUILTINS, LazyRegistry
from regen.model import Page, Region, RegionSpec
from regen.plan import Planner


@dataclass(frozen=True)
class Change:
    """What changed: paths relative to the root, and the configuration as it was before, when
    known (from git); without it a changed configuration affects every page."""

    paths: frozenset[str]
    previous_config: Config | None = None
    unstaged: frozenset[str] = frozenset()  # with --staged: files whose work tree differs


def changed_entries(old: Config | None, new: Config) -> frozenset[str] | None:
    """The uuids whose configuration entry differs; None when any region may have changed
    (no earlier configuration, or a key that concerns them all)."""
    if old is None:
        return None
    shared = ("pages", "exclude", "sources", "blurbs")
    if any(getattr(old, key) != getattr(new, key) for key in shared):
        return None
    uuids = set(old.regions) | set(new.regions)
    return frozenset(u for u in uuids if _entry(old.regions, u) != _entry(new.regions, u))


def _entry(regions: Mapping[str, RegionSpec], uuid: str) -> tuple[str, object] | None:
    spec = regions.get(uuid)
    return None if spec is None else (spec.generator, spec.options)


def affected_pages(pages: Iterable[Page], planner: Planner, change: Change) -> list[Page]:
    config = planner.config
    if config.file in change.paths:
        entries = changed_entries(change.previous_config, config)
        if entries is None:
            return list(pages)
    else:
        entries = frozenset()
    selected: list[Page] = []
    for page in pages:
        path = page.document.path
        if path in change.paths or any(
            region.uuid in entries or _reads_changed(planner, region, path, change.paths)
            for region in page.document.regions
        ):
            selected.append(page)
    return selected


def _reads_changed(planner: Planner, region: Region, page: str, paths: frozenset[str]) -> bool:
    spec = planner.spec_for(region)
    if spec is None:
        return False
    job = planner.job(region, spec, page)
    # A region whose options are broken is affected by anything: its problem must be seen.
    return job is None or any(path in paths for path in job.inputs)


def pages_alone(change: Change, planner: Planner) -> list[str] | None:
    """The changed pages, when nothing else changed that a region is built from: then they are
    all a change affects, and no other page need be read. None when a changed file may feed a
    region (a configured source or blurb master, the configuration, or anything unknown)."""
    config = planner.config
    if config.file in change.paths:
        return None
    inputs = _all_inputs(planner)
    if inputs is None:
        return None  # a broken entry: let the full run report it
    pages: list[str] = []
    master = blurb_masters(config)
    for path in sorted(change.paths):
        if path in inputs or master(path):
            return None
        if matches(path, config.pages) and not matches(path, config.exclude):
            pages.append(path)
    return pages


def _all_inputs(planner: Planner) -> frozenset[str] | None:
    """Every file a configured region is built from; None when an entry is broken."""
    inputs = remembered_inputs(planner)
    return None if inputs is None else frozenset(p for paths in inputs.values() for p in paths)


def remembered_inputs(planner: Planner) -> Mapping[str, tuple[str, ...]] | None:
    """The files each configured region is built from, by uuid; None when an entry is broken.

    With built-in generators alone this depends on the configuration's text only, so it is
    remembered in the cache by that text: the pre-commit case then prepares no entry (their
    options, paths and generators are what made it slow)."""
    config = planner.config

    def compute() -> dict[str, list[str]] | None:
        inputs: dict[str, list[str]] = {}
        for spec in config.regions.values():
            job = planner.job_of(spec)
            if job is None:
                return None
            inputs[spec.uuid] = list(job.inputs)
        return inputs

    builtin = isinstance(planner.registry, LazyRegistry) and all(
        spec.generator in BUILTINS for spec in config.regions.values()
    )
    if not builtin or config.digest is None or config.problems:
        found = compute()
    else:  # keyed by the very text this configuration was read from
        slot = {"inputs by region of": config.file}
        found = planner.bodies.memo(slot, {"digest": config.digest}, compute)
        if found is not None:
            planner.known_inputs = {uuid: tuple(paths) for uuid, paths in found.items()}
    return None if found is None else {uuid: tuple(paths) for uuid, paths in found.items()}

"""`regen import` as the library runs it: read the pages, plan the import (regen.importer),
record what will be fresh in regen.lock, and write it all together."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from regen.api import PathLike, configuration, read_page
from regen.config import Config, config_from_text, find_config
from regen.discover import discover
from regen.errors import Problem, RegenError
from regen.generators import Registry, default_registry
from regen.importer import ImportPlan, plan_import
from regen.lock import run_lock
from regen.lockfile import Entries, LockReader, entries_of, lock_write, read_lock
from regen.model import Page, RegionKind, Status
from regen.plan import Planner
from regen.scan import scan_text
from regen.sources import SourceCache
from regen.textfile import decode
from regen.write import PageWrite, PartialWrite, write_pages


def import_regions(
    paths: Sequence[PathLike] = (),
    *,
    config: Config | PathLike | None = None,
    prefer: Sequence[PathLike] = (),
    dry_run: bool = False,
    registry: Registry | None = None,
    on_wait: Callable[[str], None] | None = None,
    normalize: bool = False,
) -> ImportPlan:
    """Turn the regions no configuration knows into sources and entries (see regen.importer),
    and write them, the configuration and the rewritten drifted copies all together, or
    nothing when any problem was found (they are in the plan) or with `dry_run`. Without any
    configuration, regen.toml is made in the current folder. `normalize`: see plan_import."""
    created = False
    if config is None:
        try:
            config = find_config(Path.cwd())
        except RegenError:  # a tree another tool maintained: it gets a regen.toml
            config, created = Config(Path.cwd(), "regen.toml"), True
    try:
        conf = configuration(config)
    except RegenError as exc:
        return ImportPlan(str(config), False, problems=exc.problems)
    root = conf.root.resolve()
    registry = default_registry() if registry is None else registry
    lock = contextlib.nullcontext() if dry_run else run_lock(conf.root, on_wait=on_wait)
    with lock:
        problems: list[Problem] = list(conf.problems)
        pages: list[Page] = []
        try:
            files = discover(conf, [Path(p) for p in paths])
        except RegenError as exc:
            return ImportPlan(conf.file, created, problems=(*problems, *exc.problems))
        named_files = set(files)
        if paths:  # a uuid in PATHS is imported from all its copies, wherever they are
            with contextlib.suppress(RegenError):  # no configured page besides those named
                files = [*files, *(f for f in discover(conf, []) if f not in named_files)]
        for file in files:
            try:
                pages.append(read_page(root, file))
            except RegenError as exc:
                if file in named_files:  # another page's problem is for a full run to say
                    problems.extend(exc.problems)
        preferred = [_preferred(root, page, pages) for page in prefer]
        problems.extend(p for p in preferred if isinstance(p, Problem))
        if problems:
            return ImportPlan(conf.file, created, problems=tuple(problems))
        named = [p for p in preferred if isinstance(p, str)]
        wanted = frozenset(
            region.uuid
            for page in pages
            if page.document.path in named_files
            for region in page.document.regions
        )
        plan = plan_import(
            conf,
            pages,
            registry,
            prefer=named,
            config_created=created,
            only=wanted,
            normalize=normalize,
        )
        if plan.problems or dry_run:
            return plan
        recorded = read_lock(root)
        if recorded.full()[1]:
            return replace(plan, problems=tuple(recorded.full()[1]))
        record = _lock_write(conf, registry, recorded, plan, pages)
        try:
            written = write_pages([*plan.writes, *([record] if record else [])])
        except PartialWrite as exc:  # a rename failed: what was put in place before it
            return replace(plan, problems=exc.problems, written=exc.written)
        except RegenError as exc:
            return replace(plan, problems=exc.problems)
    return replace(plan, written=tuple(written))


def _lock_write(
    conf: Config, registry: Registry, lock: LockReader, plan: ImportPlan, pages: Sequence[Page]
) -> PageWrite | None:
    """regen.lock recording every region that is fresh once the import is written (what was
    imported, and what was configured already), as `regen update` would: from then on a hand
    edit is told from a stale region, and `regen check` passes. Built from what is about to
    be written, before anything is."""
    root = conf.root.resolve()
    about = {write.file: write for write in plan.writes}
    entry = about.get(root / conf.file)
    config = conf
    if entry is not None:
        config = config_from_text(entry.data.decode("utf-8-sig"), root / conf.file)
    sources = SourceCache(root)
    page_files = {page.file for page in pages}
    for write in plan.writes:
        if write.file not in page_files and write is not entry:
            sources.give(write.shown, write.data.decode("utf-8-sig"))
    planner = Planner(config, registry, sources)
    blocks: dict[str, Entries] = {}
    blurbs: dict[str, str] = {}
    drifted = {(copy.path, copy.region.uuid) for copy in plan.drifted}
    for page in pages:
        if page.file in about:
            source = decode(about[page.file].data, page.document.path)
            page = Page(page.file, source, scan_text(source.text, page.document.path))
        path = page.document.path
        entries = dict(lock.entries_of(path))  # a stale region keeps what it had
        for result in planner.plan_page(page).results:
            uuid, blurb = result.region.uuid, result.region.kind is RegionKind.BLURB
            if result.written is None:
                continue
            drift = blurb and (path, uuid) in drifted and uuid not in entries
            if result.status is Status.FRESH or drift:
                # A drifted copy is recorded as its master: its text is then a hand edit.
                entries[uuid] = result.written
                if blurb and result.spec is not None:
                    blurbs[uuid] = result.written
        blocks[path] = entries_of(entries)
    return lock_write(lock, root, lock.full()[0].merged(blocks, blurbs, blocks, complete=False))


def _preferred(root: Path, page: PathLike, pages: Sequence[Page]) -> str | Problem:
    """A page named by --prefer, relative to the root: as given from the current folder, or
    else from the root; it must be one of the pages read."""
    shown = {p.document.path for p in pages}
    for base in (Path.cwd(), root):
        normal = Path(os.path.normpath(base / page))
        if normal.is_relative_to(root) and normal.relative_to(root).as_posix() in shown:
            return normal.relative_to(root).as_posix()
    return Problem(
        str(page), None, "--prefer names no page regen import reads", "name one of the pages"
    )

"""The library: what the command line runs, importable by other tools.

import regen
report = regen.check()            # nothing written
report = regen.update(["docs"])   # writes the stale pages, unless a problem was found
text = regen.update_text(text, config=regen.load_config(Path("regen.toml")))
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from regen.affected import Change, affected_pages, pages_alone
from regen.cache import BodyCache
from regen.config import Config, config_from_text, find_config, load_config
from regen.discover import discover, relative
from regen.errors import Problem, RegenError
from regen.generators import Registry, default_registry
from regen.git import changed_files, file_at, staged_deletions
from regen.lock import run_lock
from regen.lockfile import LOCK_FILE, LockReader, digest, read_lock
from regen.model import FileChange, Page, RegionKind, RegionResult, Status
from regen.plan import Planner, plan_pages
from regen.scan import scan_text
from regen.sources import SourceCache
from regen.textfile import TextFile, decode

if TYPE_CHECKING:  # what only `update`, `adopt` and `import` use is imported when they run
    from regen.importer import ImportPlan
    from regen.write import PageWrite

PathLike = str | os.PathLike[str]


@dataclass(frozen=True)
class Report:
    """What a run found (and, for update, wrote)."""

    changes: tuple[FileChange, ...]
    problems: tuple[Problem, ...]
    written: tuple[str, ...] = ()
    root: Path | None = None  # the folder paths are shown from
    lock: LockReader = field(default_factory=LockReader)  # regen.lock as the run found it
    complete: bool = False  # every page was planned (no PATHS, no change)
    lock_outdated: bool = False  # regen.lock does not record what the pages hold
    also_written: tuple[str, ...] = ()  # files other than pages: regen.lock, a blurb master

    @property
    def results(self) -> tuple[RegionResult, ...]:
        return tuple(r for change in self.changes for r in change.results)

    @property
    def stale(self) -> tuple[FileChange, ...]:
        return tuple(c for c in self.changes if c.changed)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.stale and not self.lock_outdated

    def count(self, *statuses: Status) -> int:
        return sum(1 for r in self.results if r.status in statuses)


def read_page(root: Path, file: Path) -> Page:
    shown = relative(root, file)
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise RegenError.at(shown, None, f"cannot read: {exc.strerror}", "check the path") from None
    source = decode(data, shown)
    return Page(file, source, scan_text(source.text, shown))


def configuration(config: Config | PathLike | None = None) -> Config:
    """`config` itself, the file it names, or the nearest configuration from the current
    folder up. Raises RegenError when there is none, or it cannot be read."""
    if isinstance(config, Config):
        return config
    if config is None:
        return load_config(find_config(Path.cwd()))
    return load_config(config)


def change_from_paths(config: Config, paths: Sequence[PathLike]) -> Change:
    """A change made of the files named (pre-commit passes those of a commit). Files outside
    the repository cannot matter and are left out."""
    root = config.root.resolve()
    names = set()
    for path in paths:
        normal = Path(os.path.normpath(Path.cwd() / path))
        if not normal.is_relative_to(root):
            normal = normal.resolve()
        if normal.is_relative_to(root):
            names.add(normal.relative_to(root).as_posix())
    # pre-commit passes no deleted file, but a deleted source affects its pages too.
    names |= staged_deletions(root)
    previous = None
    if config.file in names and (root / ".git").exists():
        previous = _previous_config(config, "HEAD")
    return Change(frozenset(names), previous)


def _previous_config(config: Config, base: str) -> Config | None:
    """The configuration at `base`; None when it did not exist or cannot be read then (every
    region counts as changed)."""
    root = config.root.resolve()
    try:
        text = file_at(root, config.file, base)
        return None if text is None else config_from_text(text, root / config.file)
    except RegenError:
        return None


def change_from_git(config: Config, *, since: str | None = None, staged: bool = False) -> Change:
    """What git says changed: the work tree and index against HEAD, the index only (staged),
    or everything since the merge base with `since`. The configuration as it was then comes
    along, so that a changed entry affects only its own regions."""
    changes = changed_files(config.root.resolve(), since=since, staged=staged)
    previous = None
    if config.file in changes.paths:
        previous = _previous_config(config, changes.base)
    return Change(changes.paths, previous, changes.unstaged)


def check(
    paths: Sequence[PathLike] = (),
    *,
    config: Config | PathLike | None = None,
    registry: Registry | None = None,
    change: Change | None = None,
    cache: bool = True,
) -> Report:
    """Read, scan and plan every page, and report what is stale and what is wrong. Nothing is
    written (but for the body cache, `.regen-cache/`, unless `cache` is false), and problems
    with the input are in the Report, never raised.

    With `change`, only the pages it affects are planned: those that changed, those with a
    region built from a changed file, those with a region whose configuration changed."""
    try:
        conf = configuration(config)
        registry = default_registry() if registry is None else registry
    except RegenError as exc:
        return Report((), exc.problems)
    return _check(conf, registry, paths, change, cache)


def _check(
    conf: Config,
    registry: Registry,
    paths: Sequence[PathLike],
    change: Change | None,
    cache: bool,
    sources: SourceCache | None = None,
    only: str | None = None,
) -> Report:
    root = conf.root.resolve()
    lock = read_lock(root)
    complete = not paths and change is None
    problems: list[Problem] = list(conf.problems)
    bodies = BodyCache(root if cache else None)
    planner = Planner(conf, registry, sources or SourceCache(root), bodies, lock, only)
    if change is not None and not paths:
        direct = pages_alone(change, planner)
        if direct is not None:  # only pages changed: read just those
            paths = [root / page for page in direct if (root / page).is_file()]
            change = None
            if not paths:
                return Report((), tuple(problems), root=root, lock=lock, complete=complete)
    try:
        files = discover(conf, [Path(p) for p in paths])
    except RegenError as exc:
        return Report((), (*problems, *exc.problems), root=root, lock=lock, complete=complete)
    changes: list[FileChange] = []
    pages: list[Page] = []
    for file in files:
        try:
            page = read_page(root, file)
        except RegenError as exc:
            # With a change, a broken page the change did not touch (a draft) is not this
            # run's business: any full run reports it.
            if change is None or relative(root, file) in change.paths:
                problems.extend(exc.problems)
            continue
        if change is None:  # planned at once, and kept only as far as it is stale
            changes.append(planner.plan_page(page).slim())
        else:  # the whole graph is needed to know what the change affects
            pages.append(page)
    if change is not None:
        chosen = affected_pages(pages, planner, change)
        problems.extend(_unstaged(chosen, planner, change))
        changes = [planner.plan_page(p).slim() for p in chosen]
    outdated = lock.exists and _lock_outdated(lock, changes, complete)
    problems += lock.problems  # the whole file in a full run; in another, its pages' lines
    return Report(
        tuple(changes),
        (*problems, *planner.problems),
        root=root,
        lock=lock,
        complete=complete,
        lock_outdated=outdated,
    )


def _recorded(
    changes: Iterable[FileChange],
) -> tuple[dict[tuple[str, str], str], dict[str, str]]:
    """What regen.lock should record for these pages: every region regen builds (not those it
    keeps as they are), and every blurb's master."""
    regions: dict[tuple[str, str], str] = {}
    blurbs: dict[str, str] = {}
    for change in changes:
        for result in change.results:
            if result.written is None:
                continue
            regions[(result.path, result.region.uuid)] = result.written
            if result.region.kind is RegionKind.BLURB and result.spec is not None:
                blurbs[result.region.uuid] = result.written
    return regions, blurbs


def _lock_outdated(lock: LockReader, changes: Sequence[FileChange], complete: bool) -> bool:
    """Whether regen.lock records other than what these pages hold, once they are rebuilt (a
    lock not committed with its pages, say). A full run compares the whole file; another,
    only its pages' lines."""
    regions, blurbs = _recorded(changes)
    if complete:
        planned = (change.path for change in changes)
        whole = lock.full()[0].merged(regions, blurbs, planned, complete=True)
        return lock.replaced_by(whole) is not None
    expected: dict[str, dict[str, str]] = {change.path: {} for change in changes}
    for (page, uuid), value in regions.items():
        expected[page][uuid] = value
    return any(dict(lock.entries_of(page)) != found for page, found in expected.items())


def _unstaged(pages: Sequence[Page], planner: Planner, change: Change) -> list[Problem]:
    """With --staged, the files the affected pages are built from must be as staged: regen
    reads the work tree, and the commit takes the index."""
    if not change.unstaged:
        return []
    read = {planner.config.file}
    for page in pages:
        read.add(page.document.path)
        for region in page.document.regions:
            spec = planner.spec_for(region)
            job = None if spec is None else planner.job(region, spec, page.document.path)
            read.update(job.inputs if job else ())
    return [
        Problem(
            path,
            None,
            "has unstaged changes, and regen reads the work tree while the commit takes the index",
            "stage them with git add, or set them aside with git stash --keep-index",
        )
        for path in sorted(read & change.unstaged)
    ]


def update(
    paths: Sequence[PathLike] = (),
    *,
    config: Config | PathLike | None = None,
    registry: Registry | None = None,
    change: Change | None = None,
    cache: bool = True,
    on_wait: Callable[[str], None] | None = None,
    keep_edited: bool = False,
    force: bool = False,
) -> Report:
    """Rewrite every stale page and regen.lock, unless any problem was found: then nothing
    is written.

    A generated region edited by hand is rebuilt (its edit is in the report's results, for
    the caller to show), unless `keep_edited`: then it is a problem. A blurb copy edited by
    hand is a problem unless `force` (overwrite it with the master); `adopt()` is the other
    way out.

    Runs on one tree are serialised (`on_wait` hears why this one waits). Every page is
    written, or none: a page that cannot be (a full disk, a page saved meanwhile) stops them
    all. Temp files a crashed run left beside its pages are removed first."""
    try:
        conf = configuration(config)
        registry = default_registry() if registry is None else registry
    except RegenError as exc:
        return Report((), exc.problems)
    with run_lock(conf.root, on_wait=on_wait):
        report = _check(conf, registry, paths, change, cache)
        return _write(report, Policy(keep_edited, force))


@dataclass(frozen=True)
class Policy:
    """What to do with regions edited by hand."""

    keep_edited: bool = False  # refuse to rebuild an edited generated region
    force: bool = False  # overwrite an edited blurb copy with its master


def _write(report: Report, policy: Policy, extra: Sequence[PageWrite] = ()) -> Report:
    """Write the report's stale pages, regen.lock and `extra`, all or none."""
    from regen.write import PageWrite, remove_leftovers, write_pages

    lock_problems = [p for p in report.lock.full()[1] if p not in report.problems]
    problems = (*report.problems, *lock_problems, *edit_problems(report.results, policy))
    if problems:
        return replace(report, problems=problems)
    remove_leftovers(page.page.file.resolve().parent for page in report.changes)
    writes = [
        *extra,
        *(
            PageWrite(
                stale.page.file,
                TextFile(stale.new_text, stale.page.source.bom).encode(),
                stale.path,
                stale.page.source.encode(),
            )
            for stale in report.stale
        ),
    ]
    lock = _lock_write(report)
    try:
        written = write_pages(writes + ([lock] if lock else []))
    except RegenError as exc:
        return replace(report, problems=exc.problems)
    pages = {stale.path for stale in report.stale}
    return replace(
        report,
        written=tuple(w for w in written if w in pages),
        also_written=tuple(w for w in written if w not in pages),
    )


def _lock_write(report: Report) -> PageWrite | None:
    """regen.lock with what this run leaves in the pages it planned; None if unchanged."""
    from regen.write import PageWrite

    assert report.root is not None
    regions, blurbs = _recorded(report.changes)
    planned = (change.path for change in report.changes)
    lock = report.lock.full()[0].merged(regions, blurbs, planned, complete=report.complete)
    replaced = report.lock.replaced_by(lock)
    if replaced is None:
        return None
    return PageWrite(report.root / LOCK_FILE, replaced[0], LOCK_FILE, replaced[1])


def edit_problems(results: Iterable[RegionResult], policy: Policy) -> Iterator[Problem]:
    """Why the hand edits found cannot be overwritten, if they cannot."""
    copies: dict[str, list[RegionResult]] = {}
    for result in results:
        if not result.status.edited:
            continue
        if result.region.kind is RegionKind.BLURB:
            if not policy.force:
                copies.setdefault(result.region.uuid, []).append(result)
        elif policy.keep_edited:
            yield Problem(
                result.path,
                result.region.line,
                f"region {result.region.uuid} was edited by hand since regen wrote it",
                "make the change in its sources, or run without --keep-edited to discard it",
            )
    for uuid, edited in copies.items():
        first = f"{edited[0].path}:{edited[0].region.line}"
        if len({digest(r.region.body) for r in edited}) > 1:
            places = ", ".join(f"{r.path}:{r.region.line}" for r in edited)
            yield Problem(
                edited[0].path,
                edited[0].region.line,
                f"blurb {uuid} was edited differently in {places}",
                f"keep one edit: regen adopt {first} makes that copy the master and spreads "
                "it; regen update --force overwrites them all with the master",
            )
            continue
        for result in edited:
            where = f"{result.path}:{result.region.line}"
            yield Problem(
                result.path,
                result.region.line,
                f"blurb {uuid} was edited here since regen last spread it",
                f"regen adopt {where} makes this copy the master and spreads it; "
                "regen update --force overwrites it with the master",
            )


def adopt(
    page: PathLike,
    line: int,
    *,
    config: Config | PathLike | None = None,
    registry: Registry | None = None,
    force: bool = False,
    on_wait: Callable[[str], None] | None = None,
) -> Report:
    """Make the blurb copy at `page`:`line` its master, and spread it to every page: the
    master file, the pages and regen.lock are written together, or not at all. Another copy
    edited by hand (differently) is a problem, unless `force` (overwrite it too)."""
    from regen.adopt import master_from_copy

    try:
        conf = configuration(config)
        registry = default_registry() if registry is None else registry
    except RegenError as exc:
        return Report((), exc.problems)
    root = conf.root.resolve()
    with run_lock(conf.root, on_wait=on_wait):
        try:
            master = master_from_copy(conf, root, read_page(root, _named(root, page)), line)
        except RegenError as exc:
            return Report((), exc.problems, root=root)
        sources = SourceCache(root)
        sources.give(master.master, master.text)
        # No body cache: it keys bodies by the files on disk, and the master is not there yet.
        report = _check(conf, registry, (), None, False, sources, master.uuid)
        # Not complete: the other regions were left unbuilt, their entries as they were.
        extra = [master.write] if master.write else []
        return _write(replace(report, complete=False), Policy(force=force), extra)


def _named(root: Path, page: PathLike) -> Path:
    """A page named on the command line: from the current folder, or else from the root (as
    regen prints paths)."""
    here = Path(os.path.normpath(Path.cwd() / page))
    there = Path(os.path.normpath(root / page))
    return here if here.exists() or not there.exists() else there


def last_written(root: Path, result: RegionResult) -> str | None:
    """What regen last wrote in a region edited by hand: the rebuilt body when its sources did
    not change since; else the body git's HEAD holds there, if it is the one regen.lock
    names. None when neither is known."""
    if result.status is Status.EDITED:
        return result.new_body
    if result.recorded is None:
        return None
    try:
        text = file_at(root, result.path, "HEAD")
        document = None if text is None else scan_text(text, result.path)
    except RegenError:  # not a git repository, or a page HEAD cannot read
        return None
    for region in document.regions if document else ():
        if region.uuid == result.region.uuid and digest(region.body) == result.recorded:
            return region.body
    return None


def update_text(
    text: str,
    *,
    config: Config,
    registry: Registry | None = None,
    path: str = "<text>",
) -> str:
    """The text with every region rebuilt. Raises RegenError listing every problem."""
    page = Page(Path(path), TextFile(text), scan_text(text, path))
    registry = default_registry() if registry is None else registry
    result = plan_pages([page], config, registry, SourceCache(config.root))
    if config.problems or result.problems:
        raise RegenError((*config.problems, *result.problems))
    return result.changes[0].new_text


def import_regions(
    paths: Sequence[PathLike] = (),
    *,
    config: Config | PathLike | None = None,
    prefer: Sequence[PathLike] = (),
    dry_run: bool = False,
    registry: Registry | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> ImportPlan:
    """Turn the regions no configuration knows into sources and entries (see regen.importer),
    and write them, the configuration and the rewritten drifted copies all together, or
    nothing when any problem was found (they are in the plan) or with `dry_run`. Without any
    configuration, regen.toml is made in the current folder."""
    from regen.importer import ImportPlan, plan_import
    from regen.write import write_pages

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
            if page.file in named_files
            for region in page.document.regions
        )
        plan = plan_import(conf, pages, registry, prefer=named, config_created=created, only=wanted)
        if plan.problems or dry_run:
            return plan
        recorded = read_lock(root)
        if recorded.full()[1]:
            return replace(plan, problems=tuple(recorded.full()[1]))
        record = _import_lock_write(conf, registry, recorded, plan, pages)
        try:
            written = write_pages([*plan.writes, *([record] if record else [])])
        except RegenError as exc:
            return replace(plan, problems=exc.problems)
    return replace(plan, written=tuple(written))


def _import_lock_write(
    conf: Config, registry: Registry, lock: LockReader, plan: ImportPlan, pages: Sequence[Page]
) -> PageWrite | None:
    """regen.lock recording every region that is fresh once the import is written (what was
    imported, and what was configured already), as `regen update` would: from then on a hand
    edit is told from a stale region, and `regen check` passes. Built from what is about to
    be written, before anything is."""
    from regen.write import PageWrite

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
    fresh: list[FileChange] = []
    for page in pages:
        if page.file in about:
            source = decode(about[page.file].data, page.document.path)
            page = Page(page.file, source, scan_text(source.text, page.document.path))
        change = planner.plan_page(page)
        results = tuple(r for r in change.results if r.status is Status.FRESH)
        fresh.append(FileChange(page, change.new_text, results))
    regions, blurbs = _recorded(fresh)
    replaced = lock.replaced_by(lock.full()[0].merged(regions, blurbs, (), complete=False))
    if replaced is None:
        return None
    return PageWrite(root / LOCK_FILE, replaced[0], LOCK_FILE, replaced[1])


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

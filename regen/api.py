"""The library: what the command line runs, importable by other tools.

import regen
report = regen.check()            # nothing written
report = regen.update(["docs"])   # writes the stale pages, unless a problem was found
text = regen.update_text(text, config=regen.load_config(Path("regen.toml")))
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from regen.affected import Change, affected_pages, pages_alone
from regen.cache import BodyCache
from regen.config import Config, config_from_text, find_config, load_config
from regen.discover import discover, is_blurb_master, matches, relative
from regen.errors import Problem, RegenError
from regen.generators import Registry, default_registry
from regen.git import changed_files, file_at, staged_deletions, staged_deletions_asked
from regen.lockfile import Lines, LockReader, lock_outdated, lock_write, read_lock, record
from regen.model import FileChange, Page, RegionKind, RegionResult, RegionSpec, Status
from regen.plan import Planner, plan_pages
from regen.readahead import read_ahead
from regen.scan import scan_text
from regen.sources import SourceCache
from regen.textfile import TextFile, decode
from regen.workers import in_parts, split, worker_count

if TYPE_CHECKING:  # what only `update` and `adopt` use is imported when they run
    from regen.edits import Policy
    from regen.write import PageWrite, Staged, Staging

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
    tally: Tally = field(default_factory=lambda: Tally())  # every page planned, kept or not
    unused: tuple[RegionSpec, ...] = ()  # configured regions on no page (a complete run's)
    unstaged: bool = False  # with --staged: built from inputs the commit does not hold
    gone: tuple[str, ...] = ()  # pages the change deleted (or renamed away) that the lock holds

    @property
    def results(self) -> tuple[RegionResult, ...]:
        """The regions of the pages kept: all of them, or (`every_region=False`) those of the
        pages a rewrite changes."""
        return tuple(r for change in self.changes for r in change.results)

    @property
    def stale(self) -> tuple[FileChange, ...]:
        return tuple(c for c in self.changes if c.changed)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.stale and not self.lock_outdated

    def count(self, *statuses: Status) -> int:
        """How many regions of every page planned have one of these statuses."""
        return sum(self.tally.statuses.get(status, 0) for status in statuses)

    @property
    def regions(self) -> int:
        return sum(self.tally.statuses.values())

    @property
    def pages(self) -> int:
        return self.tally.pages


@dataclass
class Tally:
    """What a run planned, whether or not it kept the pages: counts, the lines regen.lock
    gets, and the folders whose leftover temp files an update removes. `keep`: the lines of
    every page are kept (to write the lock, or to compare a few pages' lines); else only a
    digest of each page's (a full check, see regen.lockfile.Lines)."""

    pages: int = 0
    statuses: Counter[Status] = field(default_factory=Counter)
    lines: Lines = field(default_factory=Lines)
    keep: bool = True
    shared: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    folders: set[str] = field(default_factory=set)

    @classmethod
    def of_run(cls, *, complete: bool, keep: bool) -> Tally:
        """A tally for a run: over every page (`complete`: a digest of each page's lines is
        taken, in order, for the lock's comparison), and keeping every page's lines or not."""
        return cls(lines=Lines(digests=bytearray() if complete else None), keep=keep)

    def like(self) -> Tally:
        """An empty tally of the same kind, for a part of the run."""
        return Tally.of_run(complete=self.lines.digests is not None, keep=self.keep)

    def add(self, change: FileChange) -> None:
        self.pages += 1
        statuses = [result.status for result in change.results]
        # Counted at once when all are fresh, as they mostly are: a Counter hashes each.
        if statuses.count(Status.FRESH) == len(statuses):
            self.statuses[Status.FRESH] += len(statuses)
        else:
            self.statuses.update(statuses)
        record(change, statuses, self.lines, keep=self.keep, shared=self.shared)
        self.folders.add(os.path.dirname(change.page.file))  # noqa: PTH120 (Path.parent: 5 µs)

    def merge(self, other: Tally) -> None:
        """Add what another part of the run planned: the pages after these."""
        lines, more = self.lines, other.lines
        if not self.pages and not lines.pages and not lines.digests:  # taken, not copied
            self.__dict__.update(other.__dict__)
            return
        self.pages += other.pages
        self.statuses.update(other.statuses)
        for page, entries in more.pages.items():
            lines.pages[page] = tuple(self.shared.setdefault(pair, pair) for pair in entries)
        lines.blurbs.update(more.blurbs)
        lines.unsure.update(more.unsure)
        if lines.digests is not None and more.digests is not None:
            lines.digests += more.digests
        self.folders |= other.folders


@dataclass
class _Part:
    """What planning a part of the pages found: sent back by a worker (see regen.workers)."""

    changes: list[FileChange] = field(default_factory=list)
    tally: Tally = field(default_factory=Tally)
    problems: list[Problem] = field(default_factory=list)  # reading and staging pages
    planner_problems: list[Problem] = field(default_factory=list)  # building regions
    staged: list[Staged] = field(default_factory=list)
    built: list[tuple[str, str | None]] = field(default_factory=list)  # cache entries made
    used: set[str] = field(default_factory=set)  # cache entries found or made
    failures: dict[tuple[RegionKind, str], list[Problem]] = field(default_factory=dict)
    met: set[str] = field(default_factory=set)  # the uuids of the regions planned
    pid: int = 0  # the process that planned it


def read_page(root: Path, name: str) -> Page:
    """The page `name` (relative to the root, as discover gives it), read and scanned."""
    file = root / name
    try:
        with open(file, "rb", buffering=0) as stream:  # read whole: no buffer (1.5 µs a page)
            data = stream.readall()
    except OSError as exc:
        raise RegenError.at(name, None, f"cannot read: {exc.strerror}", "check the path") from None
    source = decode(data, name)
    return Page(file, source, scan_text(source.text, name))


def configuration(config: Config | PathLike | None = None, *, cache: bool = False) -> Config:
    """`config` itself, the file it names, or the nearest configuration from the current
    folder up (its parse remembered in the cache, with `cache`). Raises RegenError when there
    is none, or it cannot be read."""
    if isinstance(config, Config):
        return config
    if config is None:
        return load_config(find_config(Path.cwd()), cache=cache)
    return load_config(config, cache=cache)


@dataclass(frozen=True)
class Deletions:
    """The files deleted in the index of the repository at `root` (see deletions_asked)."""

    root: Path
    names: frozenset[str]


def deletions_asked(config: PathLike | None) -> Callable[[], Deletions | None]:
    """Ask git now which files the index deletes, in the repository of `config` (a file, or
    None: the nearest); the answer, for change_from_paths, is read by calling the function
    returned (None where there is no configuration to find). A pre-commit run reads its
    configuration meanwhile."""
    try:
        root = (Path(config) if config else find_config(Path.cwd())).resolve().parent
    except (RegenError, OSError, RuntimeError):
        return lambda: None
    answer = staged_deletions_asked(root)
    return lambda: Deletions(root, frozenset(answer()))


def change_from_paths(
    config: Config, paths: Sequence[PathLike], deletions: Deletions | None = None
) -> Change:
    """A change made of the files named (pre-commit passes those of a commit). Files outside
    the repository cannot matter and are left out. `deletions`: what the index deletes, when
    asked already (see deletions_asked)."""
    root = config.root.resolve()
    names = set()
    for path in paths:
        normal = Path(os.path.normpath(Path.cwd() / path))
        if not normal.is_relative_to(root):
            normal = normal.resolve()
        if normal.is_relative_to(root):
            names.add(normal.relative_to(root).as_posix())
    # pre-commit passes no deleted file, but a deleted source affects its pages too.
    if deletions is None or deletions.root != root:
        deletions = Deletions(root, frozenset(staged_deletions(root)))
    names |= deletions.names
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
    every_region: bool = True,
) -> Report:
    """Read, scan and plan every page, and report what is stale and what is wrong. Nothing is
    written (but for the body cache, `.regen-cache/`, unless `cache` is false), and problems
    with the input are in the Report, never raised.

    With `change`, only the pages it affects are planned: those that changed, those with a
    region built from a changed file, those with a region whose configuration changed.
    `every_region` false keeps in the Report only the pages a rewrite changes (the counts
    still cover all): a run over many pages then holds little more than one page at a time."""
    try:
        conf = configuration(config, cache=cache)
        registry = default_registry() if registry is None else registry
    except RegenError as exc:
        return Report((), exc.problems)
    return _check(conf, registry, paths, change, cache, every_region=every_region)


def _check(
    conf: Config,
    registry: Registry,
    paths: Sequence[PathLike],
    change: Change | None,
    cache: bool,
    *,
    sources: SourceCache | None = None,
    only: str | None = None,
    every_region: bool = True,
    staging: Staging | None = None,
    writes: bool = False,
) -> Report:
    """Plan the pages. With `staging` (update), a page to rewrite goes to a temp file as soon
    as it is planned, and only its results are kept: memory does not grow with the pages to
    write; the caller puts them in place, or removes the temp files when a problem is found.
    `writes` (or `staging`): the caller writes regen.lock after, from every page's lines.
    `only`: the one uuid whose regions are rebuilt (adopt); `every_region`: keep every page's
    results, not only those of the pages a rewrite changes."""
    run = _Run(conf, registry, cache, sources, only, every_region, staging)
    return run.report(paths, change, keep=writes or staging is not None)


class _Run:
    """One run over the pages, step by step: which pages it reads (_select), how it plans
    them (every page, shared among workers, or those a change affects), and its report."""

    def __init__(
        self,
        conf: Config,
        registry: Registry,
        cache: bool,
        sources: SourceCache | None,
        only: str | None,
        every_region: bool,
        staging: Staging | None,
    ) -> None:
        self.conf, self.only = conf, only
        self.every_region, self.staging = every_region, staging
        self.root = root = conf.root.resolve()
        self.lock = read_lock(root)
        self.problems: list[Problem] = list(conf.problems)
        self.bodies = BodyCache(root if cache else None, owner=conf.file)
        self.planner = Planner(
            conf, registry, sources or SourceCache(root), self.bodies, self.lock, only
        )
        self.here = os.getpid()  # this process: a part planned elsewhere was a worker's
        self.changes: list[FileChange] = []
        self.held: list[Problem] = []  # inputs with unstaged changes (--staged)
        # The pages alone of a change, and the change, when some of its files are unstaged
        # (--staged): see _recheck.
        self.recheck: tuple[list[str], Change] | None = None
        self.gone: tuple[str, ...] = ()  # see _gone

    def report(self, paths: Sequence[PathLike], change: Change | None, *, keep: bool) -> Report:
        complete = not paths and change is None
        self.gone = () if change is None else self._gone(change)
        selected = self._select(paths, change)
        if selected is None:
            return self._early(complete)
        files, change = selected
        # A full check keeps a digest of each page's lock lines, not the lines (see Tally).
        tally = Tally.of_run(complete=complete, keep=keep or not complete)
        if change is None:
            self._plan_every(files, tally)
        else:
            self._plan_change(files, change, tally)
        planner, lock, only = self.planner, self.lock, self.only
        if complete:
            planner.report_unmet()
        if self.recheck is not None:
            self._recheck(*self.recheck)
        behind = lock_outdated(lock, tally.lines, complete, files) or bool(self.gone)
        outdated = lock.exists and behind
        self.problems += lock.problems  # the whole file in a full run; else its pages' lines
        # What was built goes to the cache at once. A full run of every region knows which
        # entries are still in use, and drops the others.
        self.bodies.flush(complete=complete and only is None)
        return Report(
            tuple(self.changes),
            (*self.problems, *planner.problems),
            root=self.root,
            lock=lock,
            complete=complete,
            lock_outdated=outdated,
            tally=tally,
            unused=planner.unused_entries() if complete and only is None else (),
            unstaged=bool(self.held),
            gone=self.gone,
        )

    def _gone(self, change: Change) -> tuple[str, ...]:
        """The pages the change deletes (a rename deletes the old name) whose lines the lock
        still holds: a run over the change drops them, as a full run does."""
        conf, root = self.conf, self.root
        return tuple(
            sorted(
                name
                for name in change.paths
                if matches(name, conf.pages)
                and not matches(name, conf.exclude)
                and not (root / name).exists()
                and name not in change.unstaged  # (--staged: the index holds it still)
                and self.lock.entries_of(name)
            )
        )

    def _early(self, complete: bool) -> Report:
        """The report of a run that found no page to read, or could not look for them (but for
        the pages the change deleted, whose lines the lock drops)."""
        return Report(
            (),
            tuple(self.problems),
            root=self.root,
            lock=self.lock,
            complete=complete,
            lock_outdated=bool(self.gone),
            gone=self.gone,
        )

    def _select(
        self, paths: Sequence[PathLike], change: Change | None
    ) -> tuple[list[str], Change | None] | None:
        """The pages to read, and the change whose affected pages are planned among them
        (None: all of them are); None when there is none to read, or a problem says why."""
        root, named = self.root, bool(paths)  # named by the caller, not by a change alone
        if change is not None and not paths:
            direct = pages_alone(change, self.planner)
            if direct is not None:  # only pages changed: read just those
                present = [page for page in direct if (root / page).is_file()]
                if change.unstaged:
                    self.recheck = (present, change)
                if not present:
                    return None
                paths, change = [root / page for page in present], None
        try:
            files = discover(self.conf, [Path(p) for p in paths])
        except RegenError as exc:
            self.problems += exc.problems
            return None
        if named:
            self.problems += _inputs_named(files, self.conf)
        return files, change

    def _planned(
        self, page: Page, tally: Tally, changes: list[FileChange], problems: list[Problem]
    ) -> None:
        """Plan the page: counted in `tally`, kept in `changes` as far as it is stale (all of
        it with every_region), staged when it is to be rewritten and nothing went wrong."""
        planner, staging = self.planner, self.staging
        change = planner.plan_page(page)
        tally.add(change)
        clean = not problems and not planner.problems and not self.conf.problems
        if staging is not None and change.changed and clean:
            try:
                staging.stage(page_write(change))
                change = change.as_staged()
            except RegenError as exc:
                problems.extend(exc.problems)  # the caller removes what was staged
        if self.every_region or change.changed:  # else only in the tally: memory stays flat
            changes.append(change.slim())

    def _plan_part(self, files: Sequence[str], tally: Tally) -> _Part:
        """Read and plan these pages (in a worker, or here), each kept only as far as it is
        stale."""
        planner, staging, root = self.planner, self.staging, self.root
        part = _Part(tally=tally.like(), pid=os.getpid())
        known, since = len(planner.problems), len(staging.taken()) if staging else 0
        failed = set(planner.failures)
        try:
            for file in read_ahead(root, files):
                try:
                    page = read_page(root, file)
                except RegenError as exc:
                    part.problems.extend(exc.problems)
                    part.tally.lines.skip()  # (its place among the digests kept)
                    continue
                self._planned(page, part.tally, part.changes, part.problems)
        except BaseException:  # in a worker: its temp files go (here, the caller's abort does)
            if staging is not None:
                staging.discard(staging.taken(since))
            raise
        part.planner_problems = planner.problems[known:]
        part.failures = {k: v for k, v in planner.failures.items() if k not in failed}
        part.met = planner.met
        part.staged = staging.taken(since) if staging else []
        part.built, part.used = self.bodies.made() if part.pid != self.here else ([], set())
        return part

    def _plan_every(self, files: list[str], tally: Tally) -> None:
        """Plan every page: in parts, shared among forked workers when there are enough."""
        planner, staging, root = self.planner, self.staging, self.root
        workers = worker_count(len(files))
        if workers > 1:
            planner.prebuild()  # each region once, here, not once in every worker
        here = self.here

        def discard(part: _Part) -> None:
            if staging is not None:
                staging.discard(part.staged)

        def in_worker(number: int) -> None:
            self.bodies.forget_made()  # this process writes those built before the fork
            if staging is not None:
                staging.as_worker(number)

        def lost(number: int) -> None:  # a worker died: what it staged goes
            if staging is not None:
                part = split(files, workers)[number]
                staging.remove_strays(_folders(root, part), worker=number)

        def plan_part(part: Sequence[str]) -> _Part:
            return self._plan_part(part, tally)

        try:
            parts = in_parts(files, plan_part, workers, discard, in_worker, lost)
            if staging is not None:  # first: the abort of an interrupted run then removes them
                for part in parts:
                    if part.pid != here:
                        staging.absorb(part.staged)
        except BaseException:
            # A Ctrl-C here may have taken a worker's list of what it staged (read, not yet
            # absorbed): its files carry this run's token, and go with any other stray.
            if staging is not None and workers > 1:
                staging.remove_strays(_folders(root, files))
            raise
        for number in range(len(parts)):
            part, parts[number] = parts[number], _Part()  # each part's tally goes once merged
            self._merge(part, tally)

    def _merge(self, part: _Part, tally: Tally) -> None:
        """Take in what a part found, in the order of the pages."""
        planner = self.planner
        tally.merge(part.tally)
        self.changes.extend(part.changes)
        self.problems.extend(part.problems)
        if part.pid == self.here:
            return
        # A worker's: what this process's planner does not know. A region that failed in an
        # earlier part was reported at its first page there, as one process would: not again
        # at this part's first page.
        told = {p for key, found in part.failures.items() if key in planner.failures for p in found}
        planner.report(p for p in part.planner_problems if p not in told)
        for key, found in part.failures.items():
            planner.failures.setdefault(key, found)
        planner.met |= part.met
        self.bodies.adopt(part.built, part.used)

    def _plan_change(self, files: list[str], change: Change, tally: Tally) -> None:
        """Plan the pages the change affects, once every page is read: the whole graph is
        needed to know which those are."""
        pages: list[Page] = []
        for file in read_ahead(self.root, files):
            try:
                page = read_page(self.root, file)
            except RegenError as exc:
                # A broken page the change did not touch (a draft) is not this run's business:
                # any full run reports it.
                if file in change.paths:
                    self.problems.extend(exc.problems)
                continue
            pages.append(page)
        chosen = affected_pages(pages, self.planner, change)
        self.held = _unstaged(chosen, self.planner, change)
        self.problems.extend(self.held)
        for page in chosen:
            self._planned(page, tally, self.changes, self.problems)

    def _recheck(self, names: list[str], change: Change) -> None:
        """Staged pages alone, with other files unstaged (--staged): the sources their regions
        read must be as staged too. Only then are the pages read again, and their entries
        prepared: the pre-commit case stays light."""
        again = [_readable(self.root, name) for name in names]
        chosen = [page for page in again if page is not None]
        self.held = _unstaged(chosen, self.planner, change)
        self.problems.extend(self.held)


def _folders(root: Path, pages: Iterable[str]) -> set[Path]:
    """The folders holding these pages (where a symlink leads, for one)."""
    files = (root / page for page in pages)
    return {(file.resolve() if file.is_symlink() else file).parent for file in files}


def _inputs_named(files: Sequence[str], config: Config) -> list[Problem]:
    """A source, blurb master or configuration named as a page would be checked as one (it
    holds no region), and pass: the pages built from it are what the caller meant. Told by
    their names alone, the same on every run (a source is a CSV or JSON file)."""
    problems = []
    for name in files:
        kind = (
            "the configuration"
            if name == config.file
            else "a blurb master"
            if is_blurb_master(name, config)
            else "a source"
            if name.lower().endswith((".csv", ".json")) and not matches(name, config.pages)
            else None
        )
        if kind is not None:
            problems.append(
                Problem(
                    name,
                    None,
                    f"is {kind}, not a page: named so, only its own markers are checked",
                    "to act on the pages it feeds, add --affected",
                )
            )
    return problems


def _readable(root: Path, name: str) -> Page | None:
    """The page, read and scanned; None when it cannot be (the run reported it)."""
    try:
        return read_page(root, name)
    except RegenError:
        return None


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
    every_region: bool = True,
) -> Report:
    """Rewrite every stale page and regen.lock, unless any problem was found: then nothing
    is written.

    A generated region edited by hand is rebuilt (its edit is in the report's results, for
    the caller to show), unless `keep_edited`: then it is a problem. A blurb copy edited by
    hand is a problem unless `force` (overwrite it with the master); `adopt()` is the other
    way out.

    Runs on one tree are serialised (`on_wait` hears why this one waits). Every page is
    written, or none: a page that cannot be (a full disk, a page saved meanwhile) stops them
    all; only a rename failing midway leaves some written (the report says which). Temp files
    a crashed run left in the folders written to are removed as those are staged."""
    try:
        conf = configuration(config, cache=cache)
        registry = default_registry() if registry is None else registry
    except RegenError as exc:
        return Report((), exc.problems)
    from regen.edits import Policy
    from regen.lock import run_lock
    from regen.write import Staging

    with run_lock(conf.root, on_wait=on_wait):
        staging = Staging()
        try:
            report = _check(
                conf, registry, paths, change, cache, every_region=every_region, staging=staging
            )
            return _write(report, Policy(keep_edited, force), staging)
        except BaseException:  # Ctrl-C, or a bug: no temp file is left behind (after a
            staging.abort()  # commit there is none to remove)
            raise


def page_write(change: FileChange) -> PageWrite:
    """The write of a page's new text, in its own encoding."""
    from regen.write import PageWrite

    page = change.page
    data = TextFile(change.new_text, page.source.bom).encode()
    return PageWrite(page.file, data, change.path, page.source.encode())


def _write(
    report: Report, policy: Policy, staging: Staging, extra: Sequence[PageWrite] = ()
) -> Report:
    """Put the report's pages (staged already, or not), regen.lock and `extra` in place, all
    or none: with any problem, the staged temp files are removed and nothing is written."""
    from regen.edits import edit_problems
    from regen.write import PartialWrite

    # A lock found to be exactly what regen writes has no problem to name: not read again.
    found = [] if report.lock.verified else report.lock.full()[1]
    lock_problems = [p for p in found if p not in report.problems]
    problems = (*report.problems, *lock_problems, *edit_problems(report.results, policy))
    if problems:
        staging.abort()
        return replace(report, problems=problems)
    writes = [*extra, *(page_write(stale) for stale in report.stale if not stale.staged)]
    # Unless it is behind, or a region changes, the lock records this run already.
    lines, blurbs = report.tally.lines.pages, report.tally.lines.blurbs
    if report.lock_outdated or report.tally.lines.unsure or not report.lock.exists:
        planned = [*lines, *report.gone]  # a page gone has no lines now
        new = report.lock.full()[0].merged(lines, blurbs, planned, complete=report.complete)
        assert report.root is not None
        lock = lock_write(report.lock, report.root, new)
        writes += [lock] if lock else []
    try:
        for write in writes:
            staging.stage(write)
        staging.clean(Path(folder).resolve() for folder in report.tally.folders)
        written = staging.commit()
    except PartialWrite as exc:  # a rename failed: what was put in place before it is said
        return _with_written(replace(report, problems=exc.problems), exc.written)
    except RegenError as exc:
        staging.abort()
        return replace(report, problems=exc.problems)
    except BaseException:
        staging.abort()
        raise
    return _with_written(report, written)


def _with_written(report: Report, written: Sequence[str]) -> Report:
    """The report, saying which of its pages were written, and which other files."""
    pages = {stale.path for stale in report.stale}
    return replace(
        report,
        written=tuple(w for w in written if w in pages),
        also_written=tuple(w for w in written if w not in pages),
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
    from regen.edits import Policy
    from regen.lock import run_lock
    from regen.write import Staging

    try:
        conf = configuration(config)
        registry = default_registry() if registry is None else registry
    except RegenError as exc:
        return Report((), exc.problems)
    root = conf.root.resolve()
    with run_lock(conf.root, on_wait=on_wait):
        try:
            file = named_page(root, page)
            master = master_from_copy(conf, root, read_page(root, relative(root, file)), line)
        except RegenError as exc:
            return Report((), exc.problems, root=root)
        adopted = f"{relative(root, file)}:{line}"
        sources = SourceCache(root)
        sources.give(master.master, master.text)
        # No body cache: it keys bodies by the files on disk, and the master is not there yet.
        report = _check(
            conf, registry, (), None, False, sources=sources, only=master.uuid, writes=True
        )
        # Not complete: the other regions were left unbuilt, their entries as they were.
        extra = [master.write] if master.write else []
        policy = Policy(force=force, adopted=adopted)
        return _write(replace(report, complete=False), policy, Staging(), extra)


def named_page(root: Path, page: PathLike) -> Path:
    """A page named on the command line: from the current folder, or else from the root (as
    regen prints paths). Raises RegenError for one outside the repository, by its path or a
    symlink."""
    here = Path(os.path.normpath(Path.cwd() / page))
    there = Path(os.path.normpath(root / page))
    file = here if here.exists() or not there.exists() else there
    try:
        inside = file.is_relative_to(root) and file.resolve().is_relative_to(root)
    except (OSError, RuntimeError):  # a symlink loop
        inside = False
    if not inside:
        raise RegenError.at(str(page), None, "outside the repository", f"name a page below {root}")
    return file


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

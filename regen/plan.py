"""Plan: pages x configuration x sources x generators -> the new body of every region.

Every problem in every page is collected before anything is written. A uuid is built once per
run, however many pages hold it.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Literal, TypeVar

from regen.cache import BodyCache
from regen.config import Config
from regen.errors import Problem, RegenError
from regen.generators import (
    BUILTINS,
    CACHEABLE_BUILTINS,
    Context,
    Generator,
    Job,
    LazyRegistry,
    Registry,
)
from regen.lockfile import LockReader, digest
from regen.markers import UUID_RE
from regen.model import FileChange, Page, Region, RegionKind, RegionResult, RegionSpec
from regen.render import render_document, with_newlines
from regen.scan import scan_text
from regen.sources import SourceCache

T = TypeVar("T")


@dataclass(frozen=True)
class Plan:
    changes: tuple[FileChange, ...]
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class Built:
    """A region's new body ('\n' newlines; None: keep the page's body), and its inputs."""

    body: str | None
    inputs: tuple[str, ...]

    @functools.cached_property
    def digest(self) -> str | None:
        """Its hash in regen.lock (once per uuid, however many pages hold it); None for a body
        that is kept as the page has it, which hand edits are meant to change."""
        return None if self.body is None else digest(self.body)


class _Keep(enum.Enum):
    """The body of a region that keeps what each page holds there (the `keep` generator)."""

    KEEP = "keep"


KEEP = _Keep.KEEP

# What a region should hold (see Planner._expect): its entry, its new body, inputs and hash.
_Expected = tuple[RegionSpec | None, str | Literal[_Keep.KEEP] | None, tuple[str, ...], str | None]


class Planner:
    """Prepares and builds region bodies for one run, each uuid once, however many pages
    hold it; what failed is remembered too, and its problems reported once."""

    def __init__(
        self,
        config: Config,
        registry: Registry,
        cache: SourceCache,
        bodies: BodyCache | None = None,
        lock: LockReader | None = None,
        only: str | None = None,
    ) -> None:
        self.config = config
        self.lock = lock or LockReader()
        self.only = only  # a uuid: every other region is left as it is, unbuilt
        self.registry = registry
        self.cache = cache
        self.bodies = bodies or BodyCache(None)
        self.problems: list[Problem] = []
        self._jobs: dict[tuple[RegionKind, str], Job | None] = {}
        # The inputs of each configured region, when remembered for this very configuration
        # (regen.affected): a body in the cache is then found without preparing the region,
        # nor importing its generator.
        self.known_inputs: Mapping[str, tuple[str, ...]] = {}
        # The regions that could not be built, and the problems that said why (at the first
        # page that uses them): a forked worker's are told apart from those reported here.
        self.failures: dict[tuple[RegionKind, str], list[Problem]] = {}
        self._built: dict[tuple[RegionKind, str], Built | None] = {}
        self._expected: dict[str, _Expected] = {}  # by BEGIN line (see _expect)
        self.met: set[str] = set()  # the uuids of the regions planned (see unused_entries)

    def spec_for(self, region: Region) -> RegionSpec | None:
        spec = self.config.regions.get(region.uuid)
        if spec is None and region.kind is RegionKind.BLURB:
            return RegionSpec(region.uuid, "blurb", {})
        return spec

    def report(self, problems: Iterable[Problem]) -> None:
        # A source shared by several regions fails once, but each of them reports it.
        self.problems.extend(p for p in problems if p not in self.problems)

    def job(self, region: Region, spec: RegionSpec, page: str) -> Job | None:
        """The region's job: its inputs and how to build it. Reads no file."""
        key = (region.kind, region.uuid)
        if key not in self._jobs:
            self._jobs[key] = self._guarded(spec, lambda g, c: g.prepare(c), (page, region.line))
        return self._jobs[key]

    def job_of(self, spec: RegionSpec) -> Job | None:
        """A configured region's job, before any page is read: errors point at the entry."""
        key = (RegionKind.GENERATED, spec.uuid)
        if key not in self._jobs:
            used_at = (self.config.file, spec.line or 1)
            self._jobs[key] = self._guarded(spec, lambda g, c: g.prepare(c), used_at)
        return self._jobs[key]

    def build(self, region: Region, spec: RegionSpec, page: str) -> Built | None:
        key = (region.kind, region.uuid)
        if key not in self._built and (found := self._remembered(region, spec)) is not None:
            self._built[key] = found
        if key not in self._built:
            known = len(self.problems)
            job = self.job(region, spec, page)
            self._built[key] = (
                None if job is None else self._finish(job, spec, region, (page, region.line))
            )
            if self._built[key] is None:
                self.failures[key] = self.problems[known:]
        return self._built[key]

    def prebuild(self) -> None:
        """Build every configured region of a built-in generator, and every blurb that has a
        master, before the pages are shared among forked workers: each worker then finds them
        built, so a uuid on a thousand pages is built once a run, not once a worker. A failure
        is forgotten here, to be met again (and reported at its page) by a page that uses the
        region; a region that no page uses costs a build (or, warm, a look-up)."""
        # Built-ins only: a plugin may build from where the region is first used (used_at),
        # which a build before any page is read cannot know; its regions are built by each
        # worker that meets them.
        specs = [
            (RegionKind.GENERATED, spec)
            for spec in self.config.regions.values()
            if spec.generator in BUILTINS
        ]
        specs += [
            (RegionKind.BLURB, RegionSpec(uuid, "blurb", {}))
            for uuid in self._masters()
            if uuid not in self.config.regions
        ]
        for kind, spec in specs:
            key = (kind, spec.uuid)
            if key in self._built or (self.only is not None and spec.uuid != self.only):
                continue
            known = len(self.problems)
            region = Region(kind, spec.uuid, spec.line or 1, "", "", "")
            built, job = self._remembered(region, spec), None
            if built is None:
                used_at = (self.config.file, spec.line or 1)
                job = self._guarded(spec, lambda g, c: g.prepare(c), used_at)
                built = None if job is None else self._finish(job, spec, region, used_at)
            if built is None:
                del self.problems[known:]
                continue
            if job is not None:
                self._jobs[key] = job
            self._built[key] = built

    def unused_entries(self) -> tuple[RegionSpec, ...]:
        """The configured regions no page planned holds (in a run over every page: on none)."""
        return tuple(s for s in self.config.regions.values() if s.uuid not in self.met)

    def report_unmet(self) -> None:
        """Build every configured region of a built-in generator that no page of this run met,
        reporting its problems at its entry: a run over every page then tells every broken
        entry, those of a page whose markers are broken (which meets none) included."""
        for spec in self.config.regions.values():
            key = (RegionKind.GENERATED, spec.uuid)
            if spec.generator not in BUILTINS or key in self._built or spec.uuid in self.met:
                continue  # (met: built, or its problems told, at a page; as a blurb, say)
            if self.only is not None and spec.uuid != self.only:
                continue
            job = self.job_of(spec)  # (its problems told once, at its entry)
            if job is not None:
                region = Region(RegionKind.GENERATED, spec.uuid, spec.line or 1, "", "", "")
                used_at = (self.config.file, spec.line or 1)
                self._built[key] = self._finish(job, spec, region, used_at)

    def _masters(self) -> list[str]:
        """The uuids of the blurb masters in the blurbs folder."""
        try:
            names = [entry.name for entry in (self.cache.root / self.config.blurbs).iterdir()]
        except OSError:
            return []
        stems = (name[:-3] for name in names if name.endswith(".md"))
        return sorted(stem for stem in stems if UUID_RE.fullmatch(stem))

    def _remembered(self, region: Region, spec: RegionSpec) -> Built | None:
        """The region's body from the cache, by its remembered inputs; None when it is not
        there (then it is prepared and built as always)."""
        inputs = self.known_inputs.get(spec.uuid)
        if (
            inputs is None
            or region.kind is not RegionKind.GENERATED
            or spec.generator not in CACHEABLE_BUILTINS
            or not isinstance(self.registry, LazyRegistry)
        ):
            return None
        if not all(self.cache.inside(path) for path in inputs):
            return None  # a source now leads outside: prepare() says so, where it is named
        key = self.bodies.key(spec, region.kind.value, inputs)
        if key is None:
            return None
        found, cached = self.bodies.get(key)
        if not found or (cached is not None and _unsealed(cached, inputs, spec, self.config)):
            return None
        return Built(cached, inputs)

    def _guarded(
        self, spec: RegionSpec, step: Callable[[Generator, Context], T], used_at: tuple[str, int]
    ) -> T | None:
        """Run one step of the region's generator; its problems are reported, not raised."""
        node = self.config.node(spec)
        try:
            generator = self.registry.get(spec.generator)
            known = "" if generator is not None else ", ".join(sorted(self.registry))
        except RegenError as exc:  # a plugin that cannot be loaded
            self.report(exc.problems)
            return None
        if generator is None:
            self.report(
                node.get("generator", spec.generator)
                .error(f"unknown generator '{spec.generator}'", f"known generators: {known}")
                .problems
            )
            return None
        context = Context(spec, node, self.config.sources, self.config.blurbs, self.cache, used_at)
        try:
            return step(generator, context)
        except RegenError as exc:
            self.report(exc.problems)
        except Exception as exc:
            if spec.generator in BUILTINS:
                raise  # a bug in regen: the command line reports it as one
            self.report(
                node.error(
                    f"plugin generator '{spec.generator}' failed: {type(exc).__name__}: {exc}",
                    "this is a bug in the plugin; report it to its authors",
                ).problems
            )
        return None

    def _finish(
        self, job: Job, spec: RegionSpec, region: Region, used_at: tuple[str, int]
    ) -> Built | None:
        generator = self.registry.get(spec.generator)  # loaded by prepare() already
        cacheable = getattr(generator, "cacheable", False)
        key = self.bodies.key(spec, region.kind.value, job.inputs) if cacheable else None
        if key is not None:
            found, cached = self.bodies.get(key)
            if found and (
                cached is None or _unsealed(cached, job.inputs, spec, self.config) is None
            ):
                return Built(cached, job.inputs)  # checked as a fresh body is: never trusted
        # In a tuple, so that a failed build (None) differs from "keep the body" ((None,)).
        result = self._guarded(spec, lambda _g, _c: (job.build(),), used_at)
        if result is None:
            return None
        (body,) = result
        if body is None:
            if key is not None:
                self.bodies.put(key, None)
            return Built(None, job.inputs)
        if body and not body.endswith("\n"):
            body += "\n"  # the END marker must start a line of its own
        problem = _unsealed(body, job.inputs, spec, self.config)
        if problem is not None:
            self.report([problem])
            return None
        if key is not None:
            self.bodies.put(key, body)
        return Built(body, job.inputs)

    def plan_page(self, page: Page) -> FileChange:
        results: list[RegionResult] = []
        bodies: list[str] = []
        path = page.document.path
        same = True  # every body is what it should be: the page's text stays
        for region in page.document.regions:
            if self.only is not None and region.uuid != self.only:
                recorded = self.lock.recorded(path, region.uuid)
                results.append(
                    RegionResult(path, region, None, region.body, (), recorded, recorded)
                )
                bodies.append(region.body)
                continue
            expected = self._expected.get(region.begin)
            if expected is None:
                expected = self._expect(region, path)
            spec, body, inputs, written = expected
            new_body = region.body if body is KEEP else body
            recorded, edited = None, False
            if new_body is not None and new_body != region.body:
                same = False
                # The lock matters only to a region that differs: a fresh one never reads it.
                # (The lock deleted or not merged: what HEAD recorded.)
                recorded = self.lock.recorded(path, region.uuid)
                recorded = recorded or self.lock.recorded_in_head(path, region.uuid)
                edited = recorded is not None and self._edited(path, region, recorded)
            results.append(
                RegionResult(path, region, spec, new_body, inputs, written, recorded, edited)
            )
            bodies.append(region.body if new_body is None else new_body)
        text = page.source.text if same else render_document(page.document, bodies)
        return FileChange(page, text, tuple(results))

    def _expect(self, region: Region, path: str) -> _Expected:
        """What the region should hold: its entry, its new body in the page's newline style
        (KEEP: the page's own; None: it cannot be built), inputs and hash. Remembered by its
        BEGIN line, which names its kind, uuid and newline style, unless a problem was
        reported for this very page (an unknown uuid is reported on every page that has it)."""
        known = len(self.problems)
        self.met.add(region.uuid)  # (here, once a distinct BEGIN line: not once a region)
        spec = self.spec_for(region)
        built = None
        if spec is None and region.uuid not in self.config.broken:
            self.problems.append(
                Problem(
                    path,
                    region.line,
                    f"unknown region uuid {region.uuid}",
                    f'add [{self.config.prefix}regions."{region.uuid}"] to '
                    f"{self.config.file}, or remove the region's markers",
                )
            )
        elif spec is not None:
            built = self.build(region, spec, path)
        new_body: str | Literal[_Keep.KEEP] | None
        if built is None:
            new_body = None
        elif built.body is None:
            new_body = KEEP
        else:
            new_body = with_newlines(built.body, region.newline)
        job = self._jobs.get((region.kind, region.uuid))
        inputs = built.inputs if built else job.inputs if job else ()
        expected = (spec, new_body, inputs, built.digest if built else None)
        if len(self.problems) == known:
            self._expected[region.begin] = expected
        return expected

    def _edited(self, path: str, region: Region, recorded: str) -> bool:
        """Whether the body is not what regen last wrote there, nor what it wrote before that
        (a page restored from git, or taken from the other side of a merge). An empty body
        holds no edit to lose: it is a region waiting to be filled (pasted markers, a second
        copy of a region on the same page, whose lock line is its first copy's)."""
        if not region.body.strip():
            return False
        found = digest(region.body)
        return found != recorded and not self.lock.wrote_earlier(path, region.uuid, found)


def _unsealed(
    body: str, inputs: tuple[str, ...], spec: RegionSpec, config: Config
) -> Problem | None:
    """A problem if the body would change how the page is read: a marker line in it, or a
    code fence it leaves open (which would hide the END marker). Checked by scanning the
    body between its markers, as the next run will."""
    begin = f"<!-- BEGIN shared-blurb {spec.uuid} -->\n"
    end = "<!-- END shared-blurb -->\n"
    try:
        regions = scan_text(begin + body + end, "").regions
        if len(regions) == 1 and regions[0].body == body:
            return None
    except RegenError:
        pass
    where = inputs[0] if inputs else config.file
    return Problem(
        where,
        None if inputs else spec.line,
        f"the text built for region {spec.uuid} holds a marker line or an unclosed code fence,"
        " which would change how the page is read",
        "remove the marker line, or close the fence",
    )


def plan_pages(
    pages: Iterable[Page],
    config: Config,
    registry: Registry,
    cache: SourceCache,
    bodies: BodyCache | None = None,
) -> Plan:
    """Plan every page."""
    planner = Planner(config, registry, cache, bodies)
    changes = tuple(planner.plan_page(page) for page in pages)
    return Plan(changes, tuple(planner.problems))

"""Plan: pages x configuration x sources x generators -> the new body of every region.

Every problem in every page is collected before anything is written. A uuid is built once per
run, however many pages hold it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from regen.config import Config
from regen.errors import Problem, RegenError
from regen.generators import Context, Registry
from regen.model import FileChange, Page, Region, RegionKind, RegionResult, RegionSpec
from regen.options import Options
from regen.render import render_document, with_newlines
from regen.scan import has_markers
from regen.sources import SourceCache


@dataclass(frozen=True)
class Plan:
    changes: tuple[FileChange, ...]
    problems: tuple[Problem, ...]

    @property
    def results(self) -> tuple[RegionResult, ...]:
        return tuple(r for change in self.changes for r in change.results)


@dataclass(frozen=True)
class _Built:
    body: str | None  # '\n' newlines; None: keep the page's body
    sources: tuple[str, ...]
    ok: bool


class Planner:
    """Builds region bodies for one run, remembering each uuid's result."""

    def __init__(self, config: Config, registry: Registry, cache: SourceCache) -> None:
        self.config = config
        self.registry = registry
        self.cache = cache
        self.problems: list[Problem] = []
        self._built: dict[tuple[RegionKind, str], _Built] = {}

    def spec_for(self, region: Region) -> RegionSpec | None:
        spec = self.config.regions.get(region.uuid)
        if spec is None and region.kind is RegionKind.BLURB:
            return RegionSpec(region.uuid, "blurb", {})
        return spec

    def context(self, spec: RegionSpec) -> Context:
        options = Options(dict(spec.options), f'regions."{spec.uuid}"', self.config.file, spec.line)
        return Context(spec, options, self.config.sources, self.config.blurbs, self.cache)

    def build(self, region: Region, spec: RegionSpec) -> _Built:
        key = (region.kind, region.uuid)
        if key not in self._built:
            self._built[key] = self._build(spec)
        return self._built[key]

    def _build(self, spec: RegionSpec) -> _Built:
        generator = self.registry.get(spec.generator)
        if generator is None:
            self.problems.append(
                Problem(
                    self.config.file,
                    spec.line,
                    f"regions.\"{spec.uuid}\".generator: unknown generator '{spec.generator}'",
                    "known generators: " + ", ".join(sorted(self.registry)),
                )
            )
            return _Built(None, (), ok=False)
        context = self.context(spec)
        try:
            inputs = generator.inputs(context)
            body = generator.render(context)
        except RegenError as exc:
            self.problems.extend(p for p in exc.problems if p not in self.problems)
            return _Built(None, (), ok=False)
        if body is not None and has_markers(body):
            self.problems.append(
                Problem(
                    self.config.file,
                    spec.line,
                    f"the body built for {spec.uuid} holds a marker line",
                    "remove BEGIN/END marker lines from its sources",
                )
            )
            return _Built(None, inputs, ok=False)
        return _Built(body, inputs, ok=True)

    def plan_page(self, page: Page) -> FileChange:
        results: list[RegionResult] = []
        bodies: list[str] = []
        path = page.document.path
        for region in page.document.regions:
            spec = self.spec_for(region)
            if spec is None:
                self.problems.append(
                    Problem(
                        path,
                        region.line,
                        f"unknown region uuid {region.uuid}",
                        f'add [regions."{region.uuid}"] to {self.config.file}, '
                        "or remove the region's markers",
                    )
                )
                results.append(RegionResult(path, region, None, None))
                bodies.append(region.body)
                continue
            built = self.build(region, spec)
            if not built.ok:
                new_body = None
            elif built.body is None:
                new_body = region.body
            else:
                new_body = with_newlines(built.body, region.newline)
            results.append(RegionResult(path, region, spec, new_body, built.sources))
            bodies.append(region.body if new_body is None else new_body)
        new_text = render_document(page.document, bodies)
        return FileChange(page, new_text, tuple(results))


def plan_pages(
    pages: Iterable[Page], config: Config, registry: Registry, cache: SourceCache
) -> Plan:
    planner = Planner(config, registry, cache)
    changes = tuple(planner.plan_page(page) for page in pages)
    return Plan(changes, tuple(planner.problems))

"""The library: what the command line runs, importable by other tools.

import regen
report = regen.check()            # nothing written
report = regen.update(["docs"])   # writes the stale pages, unless a problem was found
text = regen.update_text(text, config=regen.load_config(Path("regen.toml")))
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from regen.config import Config, find_config, load_config
from regen.discover import discover, relative
from regen.errors import Problem, RegenError
from regen.generators import Registry, default_registry
from regen.model import FileChange, Page, RegionResult, Status
from regen.plan import plan_pages
from regen.scan import scan_text
from regen.sources import SourceCache
from regen.textfile import TextFile, decode
from regen.write import write_atomic

PathLike = str | os.PathLike[str]


@dataclass(frozen=True)
class Report:
    """What a run found (and, for update, wrote)."""

    changes: tuple[FileChange, ...]
    problems: tuple[Problem, ...]
    written: tuple[str, ...] = ()

    @property
    def results(self) -> tuple[RegionResult, ...]:
        return tuple(r for change in self.changes for r in change.results)

    @property
    def stale(self) -> tuple[FileChange, ...]:
        return tuple(c for c in self.changes if c.changed)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.stale

    def count(self, status: Status) -> int:
        return sum(1 for r in self.results if r.status is status)


def read_page(root: Path, file: Path) -> Page:
    shown = relative(root, file)
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise RegenError.at(shown, None, f"cannot read: {exc.strerror}", "check the path") from None
    source = decode(data, shown)
    return Page(file, source, scan_text(source.text, shown))


def resolve_config(config: Config | PathLike | None) -> Config:
    if isinstance(config, Config):
        return config
    if config is None:
        return load_config(find_config(Path.cwd()))
    return load_config(Path(config))


def plan(
    paths: Sequence[PathLike] = (),
    *,
    config: Config | PathLike | None = None,
    registry: Registry | None = None,
) -> Report:
    """Read, scan and plan every page; write nothing."""
    conf = resolve_config(config)
    root = conf.root.resolve()
    files = discover(conf, [Path(p) for p in paths])
    problems: list[Problem] = []
    pages: list[Page] = []
    for file in files:
        try:
            pages.append(read_page(root, file))
        except RegenError as exc:
            problems.extend(exc.problems)
    result = plan_pages(pages, conf, registry or default_registry(), SourceCache(root))
    return Report(result.changes, (*problems, *result.problems))


def check(
    paths: Sequence[PathLike] = (),
    *,
    config: Config | PathLike | None = None,
    registry: Registry | None = None,
) -> Report:
    """What `regen check` does: plan, and report what is stale. Nothing is written."""
    return plan(paths, config=config, registry=registry)


def update(
    paths: Sequence[PathLike] = (),
    *,
    config: Config | PathLike | None = None,
    registry: Registry | None = None,
) -> Report:
    """Rewrite every stale page, unless any problem was found: then nothing is written."""
    report = plan(paths, config=config, registry=registry)
    if report.problems:
        return report
    written: list[str] = []
    for change in report.stale:
        data = TextFile(change.new_text, change.page.source.bom).encode()
        try:
            write_atomic(change.page.file, data, change.path)
        except RegenError as exc:  # stop at once: the pages not yet written stay as they were
            return Report(report.changes, exc.problems, tuple(written))
        written.append(change.path)
    return Report(report.changes, report.problems, tuple(written))


def update_text(
    text: str,
    *,
    config: Config,
    registry: Registry | None = None,
    path: str = "<text>",
) -> str:
    """The text with every region rebuilt. Raises RegenError listing every problem."""
    page = Page(Path(path), TextFile(text), scan_text(text, path))
    result = plan_pages([page], config, registry or default_registry(), SourceCache(config.root))
    if result.problems:
        raise RegenError(result.problems)
    return result.changes[0].new_text

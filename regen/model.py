"""Small frozen values passed between the stages of the pipeline."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from regen.textfile import TextFile


class RegionKind(enum.Enum):
    GENERATED = "generated"
    BLURB = "blurb"


class Status(enum.Enum):
    FRESH = "fresh"
    STALE = "stale"  # its sources or configuration changed since it was written
    EDITED = "edited"  # the page's body is not what regen last wrote: a hand edit
    EDITED_STALE = "edited+stale"  # a hand edit, and its sources changed too
    ERROR = "error"

    @property
    def edited(self) -> bool:
        return self in (Status.EDITED, Status.EDITED_STALE)

    @property
    def outdated(self) -> bool:
        """Whether `regen update` would rewrite the region."""
        return self in (Status.STALE, Status.EDITED, Status.EDITED_STALE)


class Region(NamedTuple):
    """A marked region: its BEGIN line, body and END line exactly as they are in the page.

    A named tuple, immutable as a frozen dataclass is but made three times faster: a run
    over a site makes one for every region of every page."""

    kind: RegionKind
    uuid: str
    line: int  # 1-based line of the BEGIN marker
    begin: str  # the BEGIN line, with its line ending
    body: str  # everything between the two marker lines, verbatim
    end: str  # the END line, with its line ending (none if it is the file's last line)

    @property
    def newline(self) -> str:
        """The newline style used inside the region: the one ending its BEGIN line."""
        return "\r\n" if self.begin.endswith("\r\n") else "\n"

    @property
    def body_line(self) -> int:
        return self.line + 1

    def join(self) -> str:
        return self.begin + self.body + self.end


Part = str | Region


@dataclass(frozen=True)
class Document:
    """A scanned page: text outside regions and the regions, in order; join() gives the input."""

    path: str  # as shown to the user: relative to the repository root, '/'-separated
    parts: tuple[Part, ...]

    @property
    def regions(self) -> tuple[Region, ...]:
        return tuple(p for p in self.parts if isinstance(p, Region))

    def join(self) -> str:
        return "".join(p if isinstance(p, str) else p.join() for p in self.parts)


@dataclass(frozen=True)
class Page:
    """A page on disk: where it is, how it was encoded, and what it holds."""

    file: Path
    source: TextFile
    document: Document


@dataclass(frozen=True)
class RegionSpec:
    """The configuration entry for one uuid: which generator builds it, with which options."""

    uuid: str
    generator: str
    options: Mapping[str, Any]
    line: int | None = None  # where the entry starts in the configuration file
    file: str | None = None  # the configuration file; None for a blurb with no entry


class RegionResult(NamedTuple):
    """One region of a page after planning: what is there and what should be there. A named
    tuple, as Region is: one is made for every region of every page."""

    path: str
    region: Region
    spec: RegionSpec | None
    new_body: str | None  # None when it could not be built (see the run's problems)
    sources: tuple[str, ...] = ()
    written: str | None = None  # the hash regen.lock gets for new_body; None: no entry
    recorded: str | None = None  # the hash regen.lock holds: what regen last wrote here
    edited: bool = False  # the body differs from what regen last wrote here
    settled: Status | None = None  # the status, for a result without its texts (see bare)

    @property
    def status(self) -> Status:
        if self.settled is not None:
            return self.settled
        if self.new_body is None:
            return Status.ERROR
        if self.new_body == self.region.body:
            return Status.FRESH
        if not self.edited:
            return Status.STALE  # also without an entry in regen.lock (a first run)
        return Status.EDITED if self.written == self.recorded else Status.EDITED_STALE

    def slim(self) -> RegionResult:
        """The same result without the texts of a fresh body, which nothing reads again: a run
        over many pages then holds only what is stale."""
        return self.bare() if self.status is Status.FRESH else self

    def bare(self) -> RegionResult:
        """The same result, its status kept, without its texts: for a region whose diff is
        not shown (a stale one once written: an update of thousands of pages holds none of
        their bodies)."""
        region = Region(self.region.kind, self.region.uuid, self.region.line, "", "", "")
        # Built field by field: dataclasses.replace costs a third of a warm check's planning.
        return RegionResult(
            self.path,
            region,
            self.spec,
            None if self.new_body is None else "",
            self.sources,
            self.written,
            self.recorded,
            self.edited,
            self.status,
        )


@dataclass(frozen=True)
class FileChange:
    """A page and the text it should have; `changed` tells whether it must be written."""

    page: Page
    new_text: str
    results: tuple[RegionResult, ...] = field(default=())
    staged: bool = False  # its new text is in a temp file already, and not held here

    @property
    def path(self) -> str:
        return self.page.document.path

    @property
    def changed(self) -> bool:
        return self.staged or self.new_text != self.page.source.text

    @property
    def stale(self) -> tuple[RegionResult, ...]:
        """The regions a rewrite changes: stale, edited, or both."""
        return tuple(r for r in self.results if r.status.outdated)

    def slim(self) -> FileChange:
        """For a page that need not be written: the same results, without its texts."""
        if self.changed:
            return self
        return FileChange(self._empty(), "", tuple(r.slim() for r in self.results))

    def as_staged(self) -> FileChange:
        """Once its new text is in a temp file: the results, without the page's texts nor
        theirs, but for a hand edit's (its diff is shown: it is lost from the page)."""
        results = tuple(r if r.status.edited else r.bare() for r in self.results)
        return FileChange(self._empty(), "", results, staged=True)

    def _empty(self) -> Page:
        return Page(self.page.file, TextFile("", self.page.source.bom), Document(self.path, ()))

"""`regen.lock`: what regen last wrote in every region, so that a hand edit can be told from a
stale region. (Not to be confused with regen.lock's namesake module `lock`, the run lock.)

The file is text meant to be committed: sorted, one entry per line, the same on every platform
(bodies are hashed with '\n' newlines, so a checkout with CRLF reads the same), and small in
its diffs (a changed region changes one line)::

    # regen.lock: ...
    [blurbs]
    19f889d4-a5c9-11ec-b909-0242ac120002 3b5d5c3712955042
    [regions]
    docs/b-series-from-boron.md 09a7da10-a5d0-11ec-b909-0242ac120002 5e884898da280471

A region line is the page, the uuid and the hash; the page comes first and the line is split
from the right, so a page's name may hold spaces. Lines of a merge conflict (`<<<<<<<`,
`=======`, `>>>>>>>`) are skipped and an entry given two hashes by the two sides is dropped:
such regions count as having no entry, and the next `regen update` writes a clean file.
"""

from __future__ import annotations

import codecs
import functools
import hashlib
import mmap
import re
import stat
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from regen.errors import Problem, RegenError
from regen.model import FileChange, RegionKind, Status
from regen.textfile import NOT_REGULAR, decode

if TYPE_CHECKING:
    from regen.write import PageWrite

LOCK_FILE = "regen.lock"
_HEADER = (
    "# regen.lock: a hash of the body regen last wrote in each region, and of each blurb master\n"
    "# it last spread, so that a hand edit can be told from a stale region. Written by\n"
    "# `regen update`; commit it with the pages, and do not edit it.\n"
)
CONFLICT_MARKERS = ("<<<<<<<", "=======", ">>>>>>>", "|||||||")
_SECTIONS = ("[blurbs]", "[regions]")
DIGEST_LENGTH = 16  # hex digits: 64 bits tell an edit from the text written well enough


def digest(body: str) -> str:
    """The hash of a region's body, whatever its newline style."""
    data = body.replace("\r\n", "\n").encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()[:DIGEST_LENGTH]


Entries = tuple[tuple[str, str], ...]  # a page's (uuid, hash) pairs, by uuid


@dataclass(frozen=True)
class LockFile:
    """The entries of a lock file: each blurb's hash, and the [regions] lines as text (a page's
    lines together, sorted), kept as the file's own text from `start` on: a run over many
    pages compares and writes text, and builds no entry it does not ask for."""

    blurbs: Mapping[str, str] = field(default_factory=dict)  # uuid: hash of its master
    text: str = ""  # holds the [regions] lines from `start` on: "page uuid hash\n", sorted
    start: int = 0

    @classmethod
    def of(
        cls, regions: Mapping[tuple[str, str], str], blurbs: Mapping[str, str] | None = None
    ) -> LockFile:
        """A lock file recording `regions` ((page, uuid): hash) and `blurbs`."""
        pages: dict[str, dict[str, str]] = {}
        for (page, uuid), value in regions.items():
            pages.setdefault(page, {})[uuid] = value
        return cls.from_pages({page: entries_of(found) for page, found in pages.items()}, blurbs)

    @classmethod
    def from_pages(
        cls, pages: Mapping[str, Entries], blurbs: Mapping[str, str] | None = None
    ) -> LockFile:
        section = "".join(page_block(page, pages[page]) for page in sorted(pages))
        return cls(dict(blurbs or {}), section)

    @property
    def section(self) -> str:
        return self.text[self.start :]

    @functools.cached_property
    def pages(self) -> dict[str, Entries]:
        """Each page's entries."""
        found: dict[str, dict[str, str]] = {}
        for (page, uuid), value in self.regions.items():
            found.setdefault(page, {})[uuid] = value
        return {page: entries_of(values) for page, values in found.items()}

    @functools.cached_property
    def regions(self) -> dict[tuple[str, str], str]:
        """Every entry; one the file gives two hashes (both sides of a merge kept) is none."""
        found: dict[tuple[str, str], str | None] = {}
        # split("\n"), not splitlines(): a page's name may hold \x0c, \x85 or \u2028.
        for line in self.section.split("\n")[:-1]:
            page, uuid, value = line.rsplit(" ", 2)
            old = found.setdefault((page, uuid), value)
            found[(page, uuid)] = old if old == value else None
        return {key: value for key, value in found.items() if value is not None}

    def render(self) -> str:
        blurbs = "".join(f"{uuid} {value}\n" for uuid, value in sorted(self.blurbs.items()))
        return f"{_HEADER}[blurbs]\n{blurbs}[regions]\n{self.section}"

    def same_regions(self, expected: Expected, unsure: Mapping[str, frozenset[str]]) -> bool:
        """Whether the file records exactly what is `expected`, but for the regions in
        `unsure` (page: uuids), whose entry is not compared: each page's lines compared in
        turn (as UTF-8, as their digests are taken)."""
        text, at = self.section.encode("utf-8"), 0
        for page, wanted in expected:
            if isinstance(wanted, bytes):
                size = int.from_bytes(wanted[16:], "little")
                if _digest_of_block(text[at : at + size]) != wanted:
                    return False
                at += size
                continue
            if wanted is None and not _fits_a_line(page):
                continue  # no line can hold its name
            skipped = unsure.get(page, frozenset())
            name, found = page.encode("utf-8"), {}
            while at < len(text):
                end = text.find(b"\n", at) + 1 or len(text)
                words = text[at:end].rstrip(b"\n").rsplit(b" ", 2)
                if words[0] != name:
                    break
                found[words[1].decode("utf-8")] = words[2].decode("ascii")
                at = end
            if wanted is not None and {u: h for u, h in found.items() if u not in skipped} != {
                u: h for u, h in wanted if u not in skipped
            }:
                return False
        return at == len(text)

    def merged(
        self,
        pages: Mapping[str, Entries],
        blurbs: Mapping[str, str],
        planned: Iterable[str],
        *,
        complete: bool,
    ) -> LockFile:
        """This file with the lines of the pages planned in a run replaced by `pages` (page:
        its entries). `complete`: the run saw every page, so the lines of pages and blurbs it
        did not see (deleted, renamed) are dropped."""
        if complete:
            return LockFile.from_pages(pages, blurbs)
        replaced = set(planned)
        kept = {page: found for page, found in self.pages.items() if page not in replaced}
        every = {**kept, **pages}
        # A blurb no page holds any more (its last page deleted) goes, as in a full run.
        held = {uuid for entries in every.values() for uuid, _ in entries}
        old = {uuid: value for uuid, value in self.blurbs.items() if uuid in held}
        return LockFile.from_pages(every, {**old, **blurbs})


def entries_of(found: Mapping[str, str]) -> Entries:
    return tuple(sorted(found.items()))


def page_block(page: str, entries: Entries) -> str:
    """A page's lines: one a region, by uuid."""
    return "".join(f"{page} {uuid} {value}\n" for uuid, value in entries)


def block_digest(page: str, entries: Entries) -> bytes:
    """A page's lines as regen writes them (UTF-8), in DIGEST_SIZE bytes: their hash, then
    their length. A full check keeps this of each page, not its entries: the lock is then
    compared in a run over 30,000 pages without holding 240,000 entries."""
    return _digest_of_block(page_block(page, entries).encode("utf-8"))


def _digest_of_block(block: bytes) -> bytes:
    return hashlib.blake2b(block, digest_size=16).digest() + len(block).to_bytes(4, "little")


DIGEST_SIZE = 20
UNSURE = b"\xff" * DIGEST_SIZE  # a page with regions not fresh: its entries are kept
# A page whose regions are not known (it could not be read or scanned, or no line can hold its
# name): whatever lines the file holds for it stand, as its lines cannot be worked out.
UNKNOWN = b"\xfe" * DIGEST_SIZE


@dataclass(frozen=True)
class Expected:
    """What the [regions] section must hold, page by page: `names` with, at the same place in
    `digests`, each one's block_digest (or UNSURE: then its entries are in `lines`)."""

    names: Sequence[str]
    digests: bytes | bytearray
    lines: Mapping[str, Entries]

    @classmethod
    def of(cls, pages: Mapping[str, Entries], unsure: Mapping[str, frozenset[str]]) -> Expected:
        """From every page's entries."""
        digests = b"".join(
            UNSURE if page in unsure else block_digest(page, entries)
            for page, entries in pages.items()
        )
        return cls(list(pages), digests, pages)

    def __iter__(self) -> Iterator[tuple[str, bytes | Entries | None]]:
        """Each page, in the section's order, with its digest, or its entries when unsure, or
        None when its lines are not known (whatever the file holds for it stands)."""
        names, digests = self.names, self.digests
        for at in sorted(range(len(names)), key=names.__getitem__):
            digest = bytes(digests[at * DIGEST_SIZE : (at + 1) * DIGEST_SIZE])
            if digest == UNSURE:
                yield names[at], self.lines[names[at]]
            else:
                yield names[at], None if digest == UNKNOWN else digest


# A [regions] section as regen writes it: checked in one pass of the regex engine, so that a
# full reading of a large lock costs little more than reading it.
# Possessive (*+): the engine keeps no way back through the lines it matched, so its memory
# does not grow with the file (a plain * held 60 MB for a 16 MB lock).
_WELL_FORMED = re.compile(r"(?:[^\n]+ [^ \n]+ [0-9a-f]{16}\n)*+")
_HEX = re.compile(r"[0-9a-f]{16}")


def parse_lock(text: str, shown: str = LOCK_FILE) -> tuple[LockFile, list[Problem]]:
    """The entries of a lock file's text, and a problem for each line that is none."""
    marker = "\n[regions]\n"
    at = text.find(marker)
    start = at + len(marker)
    if (
        at >= 0
        and not any(m in text for m in CONFLICT_MARKERS)
        and _WELL_FORMED.fullmatch(text, start)
    ):
        blurbs, problems = _read_lines(text[: at + 1], shown)
        if not problems:
            return LockFile(blurbs.blurbs, text, start), []  # the text itself: no copy
    return _read_lines(text, shown)


def _read_lines(text: str, shown: str) -> tuple[LockFile, list[Problem]]:
    """Line by line, for a file that is not as regen writes it: conflicts, stray lines."""
    # None marks an entry the two sides of a merge conflict gave different hashes.
    regions: dict[tuple[str, str], str | None] = {}
    blurbs: dict[str, str | None] = {}
    problems: list[Problem] = []
    section = ""
    hunk: str | None = None  # the section a merge conflict's hunk began in
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if line.startswith(CONFLICT_MARKERS):
            # Each side of a hunk starts in the section the hunk began in: one side may have
            # crossed into [regions] before the other side's first line.
            if line.startswith("<<<<<<<"):
                hunk = section
            elif line.startswith(">>>>>>>"):
                hunk = None
            elif hunk is not None:
                section = hunk
            continue
        if not line or line == "#" or line.startswith("# "):
            continue
        if line in _SECTIONS:
            section = line
            continue
        if section == "[blurbs]":
            words = line.split()
            if len(words) == 2 and _is_digest(words[1]):
                value = blurbs.setdefault(words[0], words[1])
                blurbs[words[0]] = value if value == words[1] else None
                continue
        elif section == "[regions]":
            words = line.rsplit(" ", 2)
            if len(words) == 3 and words[0] and _is_digest(words[2]):
                key = (words[0], words[1])
                value = regions.setdefault(key, words[2])
                regions[key] = value if value == words[2] else None
                continue
        problems.append(
            Problem(
                shown,
                number,
                "not an entry of a lock file",
                "delete the line, or the whole file: regen update writes it again",
            )
        )
    lock = LockFile.of(
        {key: value for key, value in regions.items() if value is not None},
        {key: value for key, value in blurbs.items() if value is not None},
    )
    return lock, problems


def _is_digest(word: str) -> bool:
    return _HEX.fullmatch(word) is not None


class LockReader:
    """regen.lock as a run found it, read only as far as it is asked: a run whose regions are
    all fresh on a few pages looks up only their lines; a full run reads it all."""

    # Past this many pages looked up in the file itself, reading it whole costs less.
    _LOOK_UPS_IN_FILE = 64

    def __init__(
        self,
        text: str | None = None,
        problems: Sequence[Problem] = (),
        *,
        data: bytes | None = None,
        root: Path | None = None,
        file: Path | None = None,
    ) -> None:
        self.root = root
        self._file = file  # read when its whole text is first needed
        self._problems = list(problems)
        self._full: LockFile | None = None
        self._pages: dict[str, dict[str, str]] = {}
        self._earlier: dict[tuple[str, str], set[str]] | None = None
        self._head: dict[tuple[str, str], str] = {}
        self._by_page: dict[str, dict[str, str]] | None = None
        self._conflicted: bool | None = None  # whether the file holds a merge conflict
        self._links: dict[str, str] | None = None  # see _link_to
        self.verified = False  # found, unread, to be exactly what regen writes (see agrees)
        self._take(text, data)

    def _take(self, text: str | None, data: bytes | None) -> None:
        # A checkout with CRLF (git's autocrlf) reads, and is written back, the same.
        self.crlf = text is not None and "\r\n" in text
        self._text = None if text is None else text.replace("\r\n", "\n")
        # The bytes read, which a write checks nobody changed meanwhile; not held twice
        # when the text gives them back (UTF-8 without a BOM, LF: decoded strictly, it does).
        plain = data is not None and not self.crlf and not data.startswith(codecs.BOM_UTF8)
        self._data = None if plain else data
        # Past this offset the [regions] lines are; a file with a merge conflict, or none of
        # the usual shape, is read in full at the first question.
        marker = "\n[regions]\n"
        found = -1 if self._text is None else self._text.find(marker)
        conflicted = self._text is not None and any(m in self._text for m in CONFLICT_MARKERS)
        self._regions_at = found + len(marker) - 1 if found >= 0 and not conflicted else -1

    @property
    def text(self) -> str | None:
        """The file's text (LF), read at the first need."""
        if self._file is not None:
            file, self._file = self._file, None
            try:
                data = file.read_bytes()
                self._take(decode(data, LOCK_FILE).text, data)
            except FileNotFoundError:
                pass  # gone since: there is none
            except OSError as exc:
                self._problems.append(
                    Problem(
                        LOCK_FILE, None, f"cannot read: {exc.strerror}", "check its permissions"
                    )
                )
            except RegenError as exc:
                self._problems.extend(exc.problems)
        return self._text

    @property
    def exists(self) -> bool:
        return self._file is not None or self.text is not None

    def _encoded(self, text: str | None = None) -> bytes | None:
        text = self.text if text is None else text
        if text is None:
            return None
        return (text.replace("\n", "\r\n") if self.crlf else text).encode("utf-8")

    @property
    def data(self) -> bytes | None:
        return self._data if self._data is not None else self._encoded()

    def recorded(self, page: str, uuid: str) -> str | None:
        """The hash of what regen last wrote in the region `uuid` of `page` (or, recorded by
        an older regen, under the name of a symlink to the page)."""
        found = self.entries_of(page).get(uuid)
        if found is None and (link := self._link_to(page)) is not None:
            found = self.entries_of(link).get(uuid)
        return found

    def _link_to(self, page: str) -> str | None:
        """A page name the lock records that is a symlink to `page`: regen once recorded a page
        reached through a link by the link's name, when that sorted first. Worked out once a
        run, at the first region that has no entry of its own."""
        if self._links is None:
            self._links = {}
            if self.root is not None:
                for name in self.full()[0].pages:
                    link = self.root / name
                    if link.is_symlink() and (real := _within(self.root, link)) is not None:
                        self._links.setdefault(real, name)
        return self._links.get(page)

    def entries_of(self, page: str) -> Mapping[str, str]:
        """The hash of every region the lock records on `page`, by uuid."""
        if (
            self._file is not None
            and page not in self._pages
            and len(self._pages) < self._LOOK_UPS_IN_FILE
        ):
            if self._conflicted is None:
                self._conflicted = _conflicted(self._file)
            # The file unread: bisect it in place (unless a conflict leaves it unsorted).
            found = None if self._conflicted else _lines_in_file(self._file, page)
            if found is not None:
                self._pages[page] = found
        if page in self._pages:
            return self._pages[page]
        if self.text is None:
            return {}
        if self._regions_at < 0:  # a merge conflict, or not as regen writes it: read it all
            if self._by_page is None:
                self._by_page = _by_page(self.full()[0].regions)
            return self._by_page.get(page, {})
        if page not in self._pages:
            self._pages[page] = self._lines_of(page)
        return self._pages[page]

    def _lines_of(self, page: str) -> dict[str, str]:
        assert self.text is not None
        return _page_lines(self.text, self._regions_at + 1, page)

    def wrote_earlier(self, page: str, uuid: str, body_digest: str) -> bool:
        """Whether regen wrote this body there before, as the lock in git's HEAD, its parents
        or a merge in progress says: a page restored to an older version, or taken from the
        other side of a merge, holds what regen wrote, not a hand edit."""
        return body_digest in self._read_earlier()[0].get((page, uuid), ())

    def recorded_in_head(self, page: str, uuid: str) -> str | None:
        """The entry git's HEAD records, for a region the lock here does not (a lock deleted,
        or not merged yet): a hand edit is still told from a stale region."""
        return self._read_earlier()[1].get((page, uuid))

    def _read_earlier(self) -> tuple[dict[tuple[str, str], set[str]], dict[tuple[str, str], str]]:
        if self._earlier is None:
            self._earlier, self._head = {}, {}
            for ref, text in _earlier_texts(self.root).items():
                regions = parse_lock(text)[0].regions
                for key, value in regions.items():
                    self._earlier.setdefault(key, set()).add(value)
                if ref == "HEAD":
                    self._head = regions
        return self._earlier, self._head

    @property
    def problems(self) -> list[Problem]:
        """The problems found so far: the file could not be read, or a full reading found
        lines that are no entries."""
        return list(self._problems)

    def agrees(
        self,
        expected: Expected,
        blurbs: Mapping[str, str],
        unsure: Mapping[str, frozenset[str]],
    ) -> bool:
        """Whether the file, not read yet, holds exactly the lines regen writes for what is
        `expected` and `blurbs` (and, for the regions in `unsure`, lines of the same form),
        compared as it streams past: a full check then never holds the file (16 MB at 30,000 pages).
        False says only that it may differ: the caller reads it whole to know, and to name its
        problems."""
        if self._file is None:
            return False
        try:
            with self._file.open("rb") as handle:
                self.verified = _streams_as(handle, expected, blurbs, unsure)
        except (OSError, UnicodeError):  # unreadable, or a name or line UTF-8 cannot hold
            self.verified = False
        return self.verified

    def full(self) -> tuple[LockFile, list[Problem]]:
        """Every entry, and the problems of the file."""
        if self._full is None:
            if self.text is None:
                self._full = LockFile()
            else:
                self._full, problems = parse_lock(self.text)
                self._problems += problems
        return self._full, self._problems

    def replaced_by(self, lock: LockFile) -> tuple[bytes, bytes | None] | None:
        """The bytes to write for `lock`, in this file's newline style, and the bytes this
        file held (None: there was none); None when nothing changes, or when there was no file
        and there is nothing to record."""
        text = lock.render()
        if text == self.text or (self.text is None and not lock.section and not lock.blurbs):
            return None
        new = self._encoded(text)
        assert new is not None
        return new, self.data


def _page_lines(text: Any, start: int, page: Any) -> dict[str, str]:
    """The entries of one page, found by bisecting the sorted lines of `text` from `start`: a
    look-up reads a few lines, however large the file. `text` is a str, or the file's bytes
    mapped in memory (then `page` is bytes too: UTF-8 sorts as the text does); Any, since the
    two share their methods but no type. An entry given two hashes (both sides of a merge
    kept) counts as none, as in a full reading."""
    mapped = isinstance(page, bytes)
    newline, space = (b"\n", b" ") if mapped else ("\n", " ")
    low, high = start, len(text)
    while low < high:  # the first line whose page is not before `page`
        middle = (low + high) // 2
        line = max(start, text.rfind(newline, 0, middle) + 1)
        end = text.find(newline, line) + 1 or len(text)
        if text[line:end].rstrip().rsplit(space, 2)[0] < page:
            low = end
        else:
            high = line
    entries: dict[str, str | None] = {}
    at = low
    while at < len(text):
        end = text.find(newline, at) + 1 or len(text)
        words = text[at:end].rstrip().rsplit(space, 2)
        if words[0] != page:
            break
        if mapped:
            words = [word.decode("utf-8", "replace") for word in words]
        if len(words) == 3 and _is_digest(words[2]):
            value = entries.setdefault(words[1], words[2])
            entries[words[1]] = value if value == words[2] else None
        at = end
    return {uuid: value for uuid, value in entries.items() if value is not None}


_CONFLICT_LINE = re.compile(
    b"\n(?:" + b"|".join(re.escape(marker.encode()) for marker in CONFLICT_MARKERS) + b")"
)


class _Stream:
    """A file's bytes, read a piece at a time as a comparison walks through them."""

    _PIECE = 1 << 20

    def __init__(self, handle: BinaryIO) -> None:
        self._handle = handle
        self._buffer = b""
        self._at = 0
        self._ended = False

    def _fill(self, wanted: int) -> None:
        while len(self._buffer) - self._at < wanted and not self._ended:
            piece = self._handle.read(self._PIECE)
            self._ended = not piece
            self._buffer = self._buffer[self._at :] + piece
            self._at = 0

    def take(self, size: int) -> bytes:
        self._fill(size)
        taken = self._buffer[self._at : self._at + size]
        self._at += len(taken)
        return taken

    def line(self) -> bytes:
        """The next line, with its newline (none at the end of the file), not taken yet."""
        while (end := self._buffer.find(b"\n", self._at)) < 0 and not self._ended:
            self._fill(len(self._buffer) - self._at + self._PIECE)
        end = len(self._buffer) if end < 0 else end + 1
        return self._buffer[self._at : end]

    def until(self, marker: bytes) -> bytes | None:
        """Everything up to and with the first `marker`, taken; None when there is none."""
        while (found := self._buffer.find(marker, self._at)) < 0 and not self._ended:
            self._fill(len(self._buffer) - self._at + self._PIECE)
        if found < 0:
            return None
        return self.take(found + len(marker) - self._at)

    def ended(self) -> bool:
        self._fill(1)
        return self._at == len(self._buffer)


_ENTRY_LINE = re.compile(rb"([^\n]+) ([^ \n]+) ([0-9a-f]{16})\n")


def _streams_as(
    handle: BinaryIO,
    expected: Expected,
    blurbs: Mapping[str, str],
    unsure: Mapping[str, frozenset[str]],
) -> bool:
    """Whether the file is what regen writes for these (see LockReader.agrees): its head read
    as usual, then each page's lines compared in order with what they must be."""
    stream = _Stream(handle)
    head = stream.until(b"\n[regions]\n")
    if head is None or head.startswith(codecs.BOM_UTF8) or b"\r" in head:
        return False  # a file of another shape: read whole
    text = head.decode("utf-8")
    lock, problems = _read_lines(text, LOCK_FILE)
    if problems or any(marker in text for marker in CONFLICT_MARKERS):
        return False
    changed = {uuid for found in unsure.values() for uuid in found}
    old = {uuid: value for uuid, value in lock.blurbs.items() if uuid not in changed}
    if old != {uuid: value for uuid, value in blurbs.items() if uuid not in changed}:
        return False
    for page, wanted in expected:
        if isinstance(wanted, bytes):
            size = int.from_bytes(wanted[16:], "little")
            if _digest_of_block(stream.take(size)) != wanted:
                return False
            continue
        if wanted is None and not _fits_a_line(page):
            continue  # no line can hold its name
        skipped = unsure.get(page, frozenset())
        name, found, entry = page.encode("utf-8"), dict[str, str](), None
        while (line := stream.line()) and (entry := _ENTRY_LINE.fullmatch(line)):
            if entry[1] != name:
                break
            uuid = entry[2].decode("utf-8")
            if uuid in found:
                return False  # twice: the full reading decides what it counts as
            found[uuid] = entry[3].decode("ascii")
            stream.take(len(line))
        if line and not entry:
            return False  # not an entry: the full reading names the line
        if wanted is None:
            continue  # not known: what the file holds stands
        kept = {uuid: value for uuid, value in found.items() if uuid not in skipped}
        if kept != {uuid: value for uuid, value in wanted if uuid not in skipped}:
            return False
    return stream.ended()


def _conflicted(file: Path) -> bool:
    """Whether the file holds a merge conflict's marker line, searched in the file mapped in
    memory; a file that cannot be read counts as one, to be read whole (and its problem
    said). A file without any character a marker is made of needs no more: one memchr each,
    a twentieth of the pattern's time (16 MB: 0.6 ms against 4.3, a pre-commit run's part)."""
    try:
        with (
            file.open("rb") as handle,
            mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped,
        ):
            if all(mapped.find(marker[:1].encode()) < 0 for marker in CONFLICT_MARKERS):
                return False
            starts = any(mapped[: len(m)] == m.encode() for m in CONFLICT_MARKERS)
            # One pattern led by a newline: the engine jumps from newline to newline, four
            # times faster than a search for each marker.
            return starts or _CONFLICT_LINE.search(mapped) is not None
    except ValueError:  # empty: mmap refuses it
        return False
    except OSError:
        return True


def _lines_in_file(file: Path, page: str) -> dict[str, str] | None:
    """A page's entries, looked up in the file mapped in memory (a few of its pages touched,
    none of it decoded); None when it cannot be (then the file is read whole)."""
    try:
        with (
            file.open("rb") as handle,
            mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped,
        ):
            at = mapped.find(b"\n[regions]")  # and its line's end: LF, or CRLF
            start = mapped.find(b"\n", at + 1) + 1
            if at < 0 or start == 0 or mapped[at + 1 : start].rstrip() != b"[regions]":
                return None
            return _page_lines(mapped, start, page.encode("utf-8"))
    except (OSError, ValueError):  # gone, unreadable, or empty (mmap refuses an empty file)
        return None


def _by_page(regions: Mapping[tuple[str, str], str]) -> dict[str, dict[str, str]]:
    pages: dict[str, dict[str, str]] = {}
    for (page, uuid), value in regions.items():
        pages.setdefault(page, {})[uuid] = value
    return pages


def _earlier_texts(root: Path | None) -> dict[str, str]:
    """regen.lock as HEAD, HEAD's parents and a merge in progress (MERGE_HEAD) hold it."""
    if root is None:
        return {}
    from regen.git import file_versions  # here: only a region that looks edited needs git

    return file_versions(root, LOCK_FILE, ("HEAD", "HEAD^1", "HEAD^2", "MERGE_HEAD"))


def read_lock(root: Path) -> LockReader:
    """The lock file at the root; an empty one when there is none, or when it is no file
    (a named pipe would be waited on forever): then with a problem that says so."""
    file = root / LOCK_FILE
    try:
        mode = file.stat().st_mode
    except FileNotFoundError:
        return LockReader(root=root, file=file if file.is_symlink() else None)
    except OSError:
        return LockReader(root=root, file=file)  # reading it says why it cannot be read
    if stat.S_ISREG(mode):
        return LockReader(root=root, file=file)
    kind = "a folder" if stat.S_ISDIR(mode) else NOT_REGULAR
    hint = "remove it: 'regen update' writes regen.lock anew"
    return LockReader(root=root, problems=[Problem(LOCK_FILE, None, kind, hint)])


def record(
    change: FileChange,
    statuses: Sequence[Status],
    lines: Lines,
    *,
    keep: bool = True,
    shared: dict[tuple[str, str], tuple[str, str]] | None = None,
) -> None:
    """Add what regen.lock should record for a page once it is rebuilt: the entries of every
    region regen builds (not those it keeps as they are), its blurbs' masters, and in
    `unsure` the regions not fresh (whose entry can only be checked by rebuilding them).
    `keep`: keep the entries of every page (to write the lock), not only of those with
    regions not fresh (with `lines.digests`, what a full check compares is kept of the rest).
    A page whose name holds a line break, or bytes that are not UTF-8 (both legal on Linux),
    cannot have a line: it gets none, and its regions count as having no entry, as on a first
    run. `statuses`: its results'."""
    if not _fits_a_line(change.path):
        lines.skip()
        return
    found: dict[str, str] = {}
    outdated: set[str] = set()
    for result, status in zip(change.results, statuses, strict=True):
        if status is not Status.FRESH:
            outdated.add(result.region.uuid)
        if result.written is None:
            continue
        found[result.region.uuid] = result.written
        if result.region.kind is RegionKind.BLURB and result.spec is not None:
            lines.blurbs[result.region.uuid] = result.written
    entries = entries_of(found)
    if shared is not None:  # a (uuid, hash) pair is one object, however many pages hold it
        entries = tuple(shared.setdefault(pair, pair) for pair in entries)
    if keep or outdated:
        lines.pages[change.path] = entries
    if outdated:
        lines.unsure[change.path] = frozenset(outdated)
    if lines.digests is not None:
        lines.digests += UNSURE if outdated else block_digest(change.path, entries)


def _fits_a_line(page: str) -> bool:
    """Whether a page's name can start a line of the lock (a UTF-8 text of lines)."""
    if "\n" in page or "\r" in page:
        return False
    if page.isascii():
        return True
    try:
        page.encode("utf-8")
    except UnicodeEncodeError:  # a name's bytes that are not UTF-8, kept as surrogates
        return False
    return True


@dataclass
class Lines:
    """What regen.lock should record for the pages planned: each page's entries (`pages`),
    or in a full check, for each page in the order planned, a digest of its lines
    (`digests`: see block_digest), and the entries only of pages with regions not fresh."""

    pages: dict[str, Entries] = field(default_factory=dict)
    blurbs: dict[str, str] = field(default_factory=dict)  # uuid: its master's hash
    unsure: dict[str, frozenset[str]] = field(default_factory=dict)  # page: regions not fresh
    digests: bytearray | None = None

    def skip(self) -> None:
        """A page planned whose lines are not known (one that cannot be read or scanned)."""
        if self.digests is not None:
            self.digests += UNKNOWN

    def expected(self, names: Sequence[str]) -> Expected:
        """What the section must hold, when `names` are the pages planned, in order."""
        if self.digests is None:
            return Expected.of(self.pages, self.unsure)
        assert len(self.digests) == len(names) * DIGEST_SIZE
        return Expected(names, self.digests, self.pages)


def lock_outdated(
    lock: LockReader, lines: Lines, complete: bool, names: Sequence[str] = ()
) -> bool:
    """Whether regen.lock records other than what the fresh regions of these pages hold (a
    lock not committed with its pages, say); a stale region's entry is what update changes,
    not a fault. A full run (over `names`) compares the whole file; another, only its pages'
    lines."""
    blurbs, unsure = lines.blurbs, lines.unsure
    if complete:
        expected = lines.expected(names)
        if lock.agrees(expected, blurbs, unsure):
            return False
        whole = lock.full()[0]
        changed = {uuid for found in unsure.values() for uuid in found}
        old = {u: h for u, h in whole.blurbs.items() if u not in changed}
        new = {u: h for u, h in blurbs.items() if u not in changed}
        return old != new or not whole.same_regions(expected, unsure)
    for page, wanted in lines.pages.items():
        skipped = unsure.get(page, frozenset())
        found = {u: h for u, h in lock.entries_of(page).items() if u not in skipped}
        if found != {u: h for u, h in wanted if u not in skipped}:
            return True
    return False


def lock_write(lock: LockReader, root: Path, new: LockFile) -> PageWrite | None:
    """The write that replaces regen.lock with `new`; None when nothing changes."""
    from regen.write import PageWrite

    replaced = lock.replaced_by(new)
    if replaced is None:
        return None
    return PageWrite(root / LOCK_FILE, replaced[0], LOCK_FILE, replaced[1])


def _within(root: Path, link: Path) -> str | None:
    """Where the symlink leads, relative to the root; None outside it, or in a loop."""
    try:
        return link.resolve().relative_to(root.resolve()).as_posix()
    except (OSError, RuntimeError, ValueError):
        return None

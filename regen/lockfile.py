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

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from regen.errors import Problem, RegenError
from regen.textfile import decode

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


@dataclass(frozen=True)
class LockFile:
    regions: Mapping[tuple[str, str], str] = field(default_factory=dict)  # (page, uuid): hash
    blurbs: Mapping[str, str] = field(default_factory=dict)  # uuid: hash of its master
    text: str | None = None  # the file as read; None when there was none

    def render(self) -> str:
        lines = [_HEADER, "[blurbs]\n"]
        lines += [f"{uuid} {value}\n" for uuid, value in sorted(self.blurbs.items())]
        lines.append("[regions]\n")
        lines += [
            f"{page} {uuid} {value}\n" for (page, uuid), value in sorted(self.regions.items())
        ]
        return "".join(lines)

    def merged(
        self,
        regions: Mapping[tuple[str, str], str],
        blurbs: Mapping[str, str],
        planned: Iterable[str],
        *,
        complete: bool,
    ) -> LockFile:
        """This file with the entries of the pages planned in a run replaced by `regions`.
        `complete`: the run saw every page, so entries of pages and blurbs it did not see
        (deleted, renamed) are dropped."""
        if complete:
            return LockFile(dict(regions), dict(blurbs), self.text)
        replaced = set(planned)
        kept = {key: value for key, value in self.regions.items() if key[0] not in replaced}
        return LockFile({**kept, **regions}, {**self.blurbs, **blurbs}, self.text)


def parse_lock(text: str, shown: str = LOCK_FILE) -> tuple[LockFile, list[Problem]]:
    """The entries of a lock file's text, and a problem for each line that is none."""
    # None marks an entry the two sides of a merge conflict gave different hashes.
    regions: dict[tuple[str, str], str | None] = {}
    blurbs: dict[str, str | None] = {}
    problems: list[Problem] = []
    section = ""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line == "#" or line.startswith(("# ", *CONFLICT_MARKERS)):
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
    lock = LockFile(
        {key: value for key, value in regions.items() if value is not None},
        {key: value for key, value in blurbs.items() if value is not None},
        text,
    )
    return lock, problems


def _is_digest(word: str) -> bool:
    return len(word) == DIGEST_LENGTH and all(c in "0123456789abcdef" for c in word)


def read_lock(root: Path) -> tuple[LockFile, list[Problem]]:
    """The lock file at the root; an empty one when there is none."""
    try:
        data = (root / LOCK_FILE).read_bytes()
    except FileNotFoundError:
        return LockFile(), []
    except OSError as exc:
        return LockFile(), [
            Problem(LOCK_FILE, None, f"cannot read: {exc.strerror}", "check its permissions")
        ]
    try:
        text = decode(data, LOCK_FILE).text
    except RegenError as exc:
        return LockFile(), list(exc.problems)
    return parse_lock(text)

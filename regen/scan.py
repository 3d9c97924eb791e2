"""Pair marker lines into regions, line by line on the raw text.

The scanner never goes through a Markdown AST: it keeps every byte as it was, so joining a
scanned Document gives its input back exactly. Lines inside fenced code blocks are never
markers, so pages that document the markers survive.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from regen.errors import Problem, RegenError
from regen.markers import MalformedMarker, Marker, Role, parse_marker
from regen.model import Document, Part, Region

# CommonMark: up to three spaces, then three or more backticks or tildes. A backtick fence's
# info string may not hold a backtick.
_FENCE = re.compile(r" {0,3}(?P<fence>`{3,}(?=[^`]*$)|~{3,})")


@dataclass(frozen=True)
class _Fence:
    char: str
    length: int
    line: int  # where it opened

    @classmethod
    def opened_by(cls, line: str, number: int) -> _Fence | None:
        match = _FENCE.match(line.rstrip("\r\n"))
        if match is None:
            return None
        return cls(match["fence"][0], len(match["fence"]), number)

    def closed_by(self, line: str) -> bool:
        stripped = line.rstrip("\r\n")
        match = _FENCE.match(stripped)
        if match is None:
            return False
        fence = match["fence"]
        rest = stripped[match.end() :]
        return fence[0] == self.char and len(fence) >= self.length and not rest.strip()


def _marker_or_problem(line: str, number: int, path: str) -> Marker | Problem | None:
    try:
        return parse_marker(line)
    except MalformedMarker as exc:
        return Problem(path, number, str(exc), exc.hint)


@dataclass(frozen=True)
class _Open:
    marker: Marker
    uuid: str
    line: int  # 1-based
    start: int  # offset of the BEGIN line in the text
    end: int  # offset just past it


# The only lines that can matter: fence lines and lines that open a comment, each indented by
# at most three spaces; every other line is text, whatever it holds. Their openings are found
# by plain substring search (`!--` for both comment forms, ``` and ~~~ for fences), the
# fastest scan CPython has: five times a character-class regex, which a page mostly without
# those characters still makes the engine test at every position.
def _found(text: str, needle: str) -> Iterator[int]:
    at = text.find(needle)
    while at >= 0:
        yield at
        at = text.find(needle, at + len(needle))


def _candidates(text: str) -> Iterator[tuple[int, bool]]:
    """The start of every line whose first non-blank characters (after at most three spaces)
    open a fence or a comment, and whether it is a fence."""
    openings: list[tuple[int, bool]] = []
    for at in _found(text, "!--"):
        if text.startswith("{{", at - 2) and at >= 2:
            openings.append((at - 2, False))
        elif text.startswith("<", at - 1) and at >= 1:
            openings.append((at - 1, False))
    for fence in ("```", "~~~"):
        openings.extend((at, True) for at in _found(text, fence))
    openings.sort()
    previous = -1
    for opening, fenced in openings:
        start = text.rfind("\n", 0, opening) + 1
        if start == previous:
            continue  # a second opening on the same line
        if opening - start <= 3 and text[start:opening] == " " * (opening - start):
            previous = start
            yield start, fenced


def scan_text(text: str, path: str) -> Document:
    """Split `text` into text and regions. Raises RegenError listing every marker problem."""
    problems: list[Problem] = []
    parts: list[Part] = []
    placed = 0  # offset up to which the text is in `parts`
    fence: _Fence | None = None
    hidden: list[int] = []  # marker lines inside the fence still open
    current: _Open | None = None
    number, counted = 1, 0  # the line number at offset `counted`

    for start, fenced in _candidates(text):
        number += text.count("\n", counted, start)
        counted = start
        newline = text.find("\n", start)
        end = len(text) if newline < 0 else newline + 1
        line = text[start:end]
        if fence is not None:
            if fenced and fence.closed_by(line):
                fence, hidden = None, []
            elif not fenced and _marker_or_problem(line, number, path) is not None:
                hidden.append(number)
            continue
        if fenced:  # a fence line is never a marker
            fence = _Fence.opened_by(line, number)
            continue
        marker = _marker_or_problem(line, number, path)
        if marker is None:
            continue
        if isinstance(marker, Problem):
            problems.append(marker)
            continue
        if marker.role is Role.BEGIN:
            if marker.uuid is None:
                problems.append(
                    Problem(
                        path,
                        number,
                        f"{marker.describe()} marker has no uuid",
                        "add the region's uuid before the closing --}}",
                    )
                )
                continue
            if current is not None:
                problems.append(
                    Problem(
                        path,
                        number,
                        f"{marker.describe()} marker inside the region {current.uuid} "
                        f"opened at line {current.line}",
                        f"add that region's END line above line {number}",
                    )
                )
            current = _Open(marker, marker.uuid, number, start, end)
            continue
        # An END marker.
        if current is None:
            problems.append(
                Problem(
                    path,
                    number,
                    f"{marker.describe()} marker has no BEGIN",
                    "add the BEGIN line above it or delete this one",
                )
            )
            continue
        opened, current = current, None
        if opened.marker.kind is not marker.kind:
            problems.append(
                Problem(
                    path,
                    number,
                    f"{marker.describe()} marker closes the {opened.marker.describe()} "
                    f"marker at line {opened.line}",
                    f"use the {opened.marker.kind.value} END marker here",
                )
            )
            continue
        if marker.uuid is not None and marker.uuid != opened.uuid:
            problems.append(
                Problem(
                    path,
                    number,
                    f"END marker names {marker.uuid} but the BEGIN at line {opened.line} "
                    f"names {opened.uuid}",
                    "make the two uuids the same",
                )
            )
            continue
        if opened.start > placed:
            parts.append(text[placed : opened.start])
        parts.append(
            Region(
                kind=marker.kind,
                uuid=opened.uuid,
                line=opened.line,
                begin=text[opened.start : opened.end],
                body=text[opened.end : start],
                end=line,
            )
        )
        placed = end

    if current is not None:
        hint = "add its END line where the region stops"
        if fence is not None:
            hint += (
                f"; the code fence opened at line {fence.line} is never closed,"
                " so an END after it is not seen"
            )
        problems.append(
            Problem(
                path,
                current.line,
                f"{current.marker.describe()} marker {current.uuid} has no END",
                hint,
            )
        )
    elif fence is not None and hidden:
        # CommonMark lets an unclosed fence run to the end of the page, but a marker swallowed
        # by one is almost surely a region the author meant: say so rather than skip it.
        problems.append(
            Problem(
                path,
                fence.line,
                "code fence is never closed, so the marker lines after it "
                f"(line {', '.join(map(str, hidden))}) are read as code",
                "close the fence",
            )
        )
    if problems:
        raise RegenError(problems)
    if placed < len(text):
        parts.append(text[placed:])
    return Document(path, tuple(parts))

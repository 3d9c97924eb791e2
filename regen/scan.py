"""Pair marker lines into regions, line by line on the raw text.

The scanner never goes through a Markdown AST: it keeps every byte as it was, so joining a
scanned Document gives its input back exactly. Lines inside fenced code blocks are never
markers, so pages that document the markers survive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from regen.errors import Problem, RegenError
from regen.markers import MalformedMarker, Marker, Role, parse_marker
from regen.model import Document, Part, Region
from regen.textfile import split_lines

# CommonMark: up to three spaces, then three or more backticks or tildes. A backtick fence's
# info string may not hold a backtick.
_FENCE = re.compile(r"(?P<indent> {0,3})(?P<fence>`{3,}(?=[^`]*$)|~{3,})")


@dataclass
class _Fence:
    char: str
    length: int
    line: int


def _fence_open(line: str) -> _Fence | None:
    match = _FENCE.match(line.rstrip("\r\n"))
    if match is None:
        return None
    fence = match["fence"]
    return _Fence(fence[0], len(fence), 0)


def _closes(fence: _Fence, line: str) -> bool:
    stripped = line.rstrip("\r\n")
    match = _FENCE.match(stripped)
    if match is None:
        return False
    closing = match["fence"]
    rest = stripped[match.end() :]
    return closing[0] == fence.char and len(closing) >= fence.length and not rest.strip()


@dataclass
class _Open:
    marker: Marker
    line: int  # 1-based
    index: int  # index into lines


def scan_text(text: str, path: str) -> Document:
    """Split `text` into text and regions. Raises RegenError listing every marker problem."""
    lines = split_lines(text)
    problems: list[Problem] = []
    parts: list[Part] = []
    pending_from = 0  # first line not yet placed in `parts`
    fence: _Fence | None = None
    current: _Open | None = None

    for index, line in enumerate(lines):
        number = index + 1
        if fence is not None:
            if _closes(fence, line):
                fence = None
            continue
        opened = _fence_open(line)
        if opened is not None:
            opened.line = number
            fence = opened
            continue
        try:
            marker = parse_marker(line)
        except MalformedMarker as exc:
            problems.append(Problem(path, number, str(exc)))
            continue
        if marker is None:
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
                        f"{marker.describe()} marker inside the region {current.marker.uuid} "
                        f"opened at line {current.line}",
                        f"add that region's END line above line {number}",
                    )
                )
            current = _Open(marker, number, index)
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
        opened_by = current
        current = None
        if opened_by.marker.kind is not marker.kind:
            problems.append(
                Problem(
                    path,
                    number,
                    f"{marker.describe()} marker closes the {opened_by.marker.describe()} "
                    f"marker at line {opened_by.line}",
                    f"use the {opened_by.marker.kind.value} END marker here",
                )
            )
            continue
        if marker.uuid is not None and marker.uuid != opened_by.marker.uuid:
            problems.append(
                Problem(
                    path,
                    number,
                    f"END marker names {marker.uuid} but the BEGIN at line {opened_by.line} "
                    f"names {opened_by.marker.uuid}",
                    "make the two uuids the same",
                )
            )
            continue
        if opened_by.index > pending_from:
            parts.append("".join(lines[pending_from : opened_by.index]))
        assert opened_by.marker.uuid is not None
        parts.append(
            Region(
                kind=marker.kind,
                uuid=opened_by.marker.uuid,
                line=opened_by.line,
                begin=lines[opened_by.index],
                body="".join(lines[opened_by.index + 1 : index]),
                end=line,
            )
        )
        pending_from = index + 1

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
                f"{current.marker.describe()} marker {current.marker.uuid} has no END",
                hint,
            )
        )
    if problems:
        raise RegenError(problems)
    if pending_from < len(lines):
        parts.append("".join(lines[pending_from:]))
    return Document(path, tuple(parts))


def has_markers(text: str) -> bool:
    """Whether `text` holds anything the scanner would take for a marker line (outside fences)."""
    try:
        document = scan_text(text, "<text>")
    except RegenError:
        return True
    return bool(document.regions)

"""A plain scanner for the tests to hold regen.scan to: it walks every line, in the most
obvious way, with the same grammar (the marker and fence patterns). The real scanner looks only
at the lines that can matter, for speed; on any page both must find the same regions, and the
same problems on the same lines."""

from __future__ import annotations

from regen.markers import MalformedMarker, Role, parse_marker
from regen.model import Document, Part, Region
from regen.scan import _FENCE, LONE_CR, starts_a_line
from regen.textfile import split_lines


def _fence(line: str) -> tuple[str, int, str] | None:
    """The fence a line opens or closes (its character, length, and what follows it)."""
    stripped = line.rstrip("\r\n")
    match = _FENCE.match(stripped)
    if match is None:
        return None
    return match["fence"][0], len(match["fence"]), stripped[match.end() :]


def _marker_like(piece: str) -> bool:
    try:
        return parse_marker(piece) is not None
    except MalformedMarker:
        return True


def reference_scan(text: str) -> Document | list[int]:
    """The page's Document, or the lines of its problems, in order."""
    lines = split_lines(text)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    problems: list[int] = []
    regions: list[tuple[int, int, Region]] = []  # (first line index, last line index, region)
    fence: tuple[str, int, int] | None = None  # its character, length and line
    hidden: list[int] = []
    opened: tuple[int, str, Role, object] | None = None  # line index, uuid, role, kind
    for index, line in enumerate(lines):
        number = index + 1
        # A marker that starts a line to Markdown, not to regen: after a CR alone (a line
        # break to Markdown), or after characters that do not show. A problem, in or out of
        # a fence.
        after_cr = False  # told once a line
        for segment, piece in enumerate(LONE_CR.split(line)):
            first = min(
                (at for at in (piece.find("{{!--"), piece.find("<!--")) if at >= 0), default=-1
            )
            if first < 0:
                continue
            prefix = piece[:first]
            regular = len(prefix) <= 3 and prefix.strip(" ") == ""  # a line regen reads
            if (segment == 0 and regular) or not starts_a_line(prefix):
                continue
            if _marker_like(LONE_CR.split(piece[first:])[0]) and not (segment and after_cr):
                problems.append(number)
                after_cr = after_cr or segment > 0
        found = _fence(line)
        if fence is not None:
            if found and found[0] == fence[0] and found[1] >= fence[1] and not found[2].strip():
                fence, hidden = None, []
                continue
            try:
                if parse_marker(line) is not None:
                    hidden.append(number)
            except MalformedMarker:
                hidden.append(number)
            continue
        if found is not None:
            fence = (found[0], found[1], number)
            continue
        try:
            marker = parse_marker(line)
        except MalformedMarker:
            problems.append(number)
            continue
        if marker is None:
            continue
        if marker.role is Role.BEGIN:
            if marker.uuid is None:
                problems.append(number)
                continue
            if opened is not None:
                problems.append(number)
            opened = (index, marker.uuid, marker.role, marker.kind)
            continue
        if opened is None:
            problems.append(number)
            continue
        start, uuid, _, kind = opened
        opened = None
        if kind is not marker.kind or (marker.uuid is not None and marker.uuid != uuid):
            problems.append(number)
            continue
        body = "".join(lines[start + 1 : index])
        region = Region(marker.kind, uuid, start + 1, lines[start], body, line)
        regions.append((start, index, region))
    if opened is not None:
        problems.append(opened[0] + 1)
    elif fence is not None and hidden:
        problems.append(fence[2])
    if problems:
        return sorted(problems)
    parts: list[Part] = []
    placed = 0
    for first, last, region in regions:
        if offsets[first] > placed:
            parts.append(text[placed : offsets[first]])
        parts.append(region)
        placed = offsets[last + 1]
    if placed < len(text):
        parts.append(text[placed:])
    return Document("p.md", tuple(parts))

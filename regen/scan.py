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
from regen.model import Document, Part, Region, RegionKind

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


def without_fenced_code(text: str) -> str:
    """`text` with the lines of its fenced code blocks blanked (their line breaks kept, so that
    line numbers stay): what a search for Markdown's own syntax should look at."""
    if "```" not in text and "~~~" not in text:
        return text
    out: list[str] = []
    fence: _Fence | None = None
    for number, line in enumerate(text.splitlines(keepends=True), 1):
        if fence is None:
            fence = _Fence.opened_by(line, number)
            out.append(line)
        elif fence.closed_by(line):
            fence = None
            out.append(line)
        else:
            out.append("\n" if line.endswith("\n") else "")
    return "".join(out)


def _is_marker_like(line: str) -> bool:
    """Whether the line is a marker, or means to be one."""
    try:
        return parse_marker(line) is not None
    except MalformedMarker:
        return True


# The BEGIN marker of the region being read: the marker, its uuid, its line (1-based), and the
# offsets where its line starts and ends. A plain tuple: one is made for every region.
_Open = tuple[Marker, str, int, int, int]


# The only lines that can matter: fence lines and lines that open a comment, each indented by
# at most three spaces; every other line is text, whatever it holds. Their openings are found
# by substring search, the fastest scan CPython has. A one-character search runs on memchr,
# several times faster than any longer needle (or a character-class regex, which makes the
# engine test every position): comment openings are found by their `!`, until so many were
# not an opening that checking each costs more than a search for `!--` (counting the `!` of
# a page first cost as much as the whole search); fences are searched only on a page that
# holds a backtick or a tilde at all.
_STRAY_BANGS_WORTH_CHECKING = 64


def _openings(text: str) -> list[int]:
    """The offset of every comment opening and fence run, in order."""
    find, starts = text.find, text.startswith
    found: list[int] = []
    needle, strays = "!", 0
    at = find(needle)
    while at >= 0:
        if starts("--", at + 1):
            if at >= 2 and starts("{{", at - 2):
                found.append(at - 2)
            elif at >= 1 and text[at - 1] == "<":
                found.append(at - 1)
        else:
            strays += 1
            if strays == _STRAY_BANGS_WORTH_CHECKING:
                needle = "!--"
        at = find(needle, at + 1)
    fenced = len(found)
    for char, fence in (("`", "```"), ("~", "~~~")):
        if char in text:
            at = find(fence)
            while at >= 0:
                found.append(at)
                at = find(fence, at + 3)
    if len(found) > fenced:
        found.sort()
    return found


def _candidates(text: str, unseen: list[int]) -> list[tuple[int, bool]]:
    """The start of every line whose first characters, after at most three spaces, open a
    fence or a comment, and whether it is a fence. Comment openings that seem to start a line
    and do not (after a CR alone, a line break to Markdown but not to regen, or after
    characters that do not show) go to `unseen`."""
    # (A second opening on a line is never taken: the first stands between it and the line's
    # start, where only spaces may.)
    lines: list[tuple[int, bool]] = []
    rfind = text.rfind
    lone_cr: bool | None = None  # whether the page holds a CR alone: looked for once, if needed
    for opening in _openings(text):
        start = rfind("\n", 0, opening) + 1
        gap = opening - start
        if gap <= 3 and (gap == 0 or text[start:opening] == " " * gap):
            lines.append((start, text[opening] in "`~"))
            continue
        if text[opening] in "`~":
            continue
        if lone_cr is None:
            lone_cr = "\r" in text and LONE_CR.search(text) is not None
        if lone_cr and (cr := rfind("\r", start, opening)) >= 0:
            start = cr + 1  # where the line starts, to Markdown
        if opening - start <= 8 and starts_a_line(text[start:opening]):
            unseen.append(opening)
    return lines


def does_not_show(char: str) -> bool:
    """A character that leaves no mark: a no-break or other Unicode space, a zero-width or
    other format character (a byte order mark inside a page, a direction mark, a soft hyphen),
    a control character, or a Hangul filler. (A tab shows as indentation.)"""
    return (not char.isprintable() and char not in "\t\r\n") or char in _FILLERS


_FILLERS = "\u115f\u1160\u3164\uffa0"  # letters, to Unicode, but drawn as nothing


def starts_a_line(prefix: str) -> bool:
    """Whether an opening after `prefix`, in a line that is one to Markdown (not to regen),
    starts it: up to three spaces, or spaces and characters that do not show (only spaces,
    four or more: indented code, which is text)."""
    if prefix.strip(" ") == "":
        return len(prefix) <= 3
    return len(prefix) <= 8 and all(c == " " or does_not_show(c) for c in prefix)


# A CR not followed by LF: a line break to Markdown (CommonMark), but regen's lines end in LF.
LONE_CR = re.compile(r"\r(?!\n)")


_AFTER_LONE_CR = (
    "a marker follows a line break that is a CR alone (classic Mac line endings), which regen"
    " does not read as one",
    "make the page's line endings LF or CRLF",
)


def _unseen(text: str, path: str, openings: list[int]) -> list[Problem]:
    """A problem for each marker regen would not see, though it starts a line to the eye: after
    a CR alone (a page of classic Mac line endings, or a stray CR), or after characters that do
    not show (a no-break space, say, pasted in). The markers after CRs are told once a line:
    a classic Mac page is one line to regen."""
    problems: list[Problem] = []
    after_cr: dict[int, list[int]] = {}  # line: [how many markers, where its problem is]
    for opening in openings:
        end = text.find("\n", opening) + 1 or len(text)
        if not _is_marker_like(LONE_CR.split(text[opening:end], 1)[0]):
            continue
        start = text.rfind("\n", 0, opening) + 1
        line = text.count("\n", 0, opening) + 1
        if "\r" in text[start:opening]:
            if line in after_cr:
                after_cr[line][0] += 1
                continue
            after_cr[line] = [1, len(problems)]
            problems.append(Problem(path, line, *_AFTER_LONE_CR))
            continue
        hidden = dict.fromkeys(c for c in text[start:opening] if does_not_show(c))
        shown = ", ".join(f"U+{ord(c):04X}" for c in hidden)
        problems.append(
            Problem(
                path,
                line,
                f"a marker with characters that do not show before it ({shown})",
                "delete them: a marker starts its line, after three spaces at most",
            )
        )
    for line, (count, at) in after_cr.items():
        if count > 1:
            message = (
                f"{count} markers follow line breaks that are a CR alone (classic Mac line"
                " endings), which regen does not read as such"
            )
            problems[at] = Problem(path, line, message, _AFTER_LONE_CR[1])
    return problems


# A marker line indented as code (four spaces or a tab): Markdown shows it, regen does not
# read it.
# (Compiled when first needed, by a page with an END without BEGIN.)
# The indent is checked by a look-ahead, then taken possessively: `(?: {4,}|...)[ \t]*` made
# the engine try every split of a long run of spaces between the two, quadratic in its length
# (a minute for a line of 160,000 spaces).
_INDENTED_MARKER = (
    r"(?m)^(?= {4}| {0,3}\t)[ \t]*+(?:\{\{!--|<!--)[ \t]*(?P<role>BEGIN|END)\b(?P<rest>[^\n]*)"
)


def _indented_begin(text: str, before: int, end: Marker) -> str | None:
    """The hint for an END without BEGIN whose BEGIN is there, but indented as code: the last
    indented BEGIN above it that no indented END closes (an example in an indented block
    has both), of its kind, and of its uuid when it names one."""
    last = None
    for found in re.finditer(_INDENTED_MARKER, text[:before]):
        last = found if found["role"] == "BEGIN" else None
    if last is None:
        return None
    rest = last["rest"].lower()
    blurb = end.kind is RegionKind.BLURB
    if ("shared-blurb" in rest) != blurb or (end.uuid is not None and end.uuid not in rest):
        return None
    line = text.count("\n", 0, last.start()) + 1
    return (
        f"the BEGIN at line {line} is indented by four spaces or a tab, which makes it code:"
        " indent it by three spaces at most"
    )


def scan_text(text: str, path: str) -> Document:
    """Split `text` into text and regions. Raises RegenError listing every marker problem."""
    problems: list[Problem] = []
    parts: list[Part] = []
    placed = 0  # offset up to which the text is in `parts`
    fence: _Fence | None = None
    hidden: list[int] = []  # marker lines inside the fence still open
    current: _Open | None = None
    number, counted = 1, 0  # the line number at offset `counted`
    count, find = text.count, text.find
    unseen: list[int] = []

    for start, fenced in _candidates(text, unseen):
        number += count("\n", counted, start)
        counted = start
        end = find("\n", start) + 1 or len(text)
        line = text[start:end]
        if fence is not None:
            if fenced and fence.closed_by(line):
                fence, hidden = None, []
            elif not fenced and _is_marker_like(line):
                hidden.append(number)
            continue
        if fenced:  # a fence line is never a marker
            fence = _Fence.opened_by(line, number)
            continue
        try:
            marker = parse_marker(line)
        except MalformedMarker as exc:
            if "\r" in line and LONE_CR.search(line):  # what follows the CR is another line
                problems.append(Problem(path, number, *_AFTER_LONE_CR))
            else:
                problems.append(Problem(path, number, str(exc), exc.hint))
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
                        f"{marker.describe()} marker inside the region {current[1]} "
                        f"opened at line {current[2]}",
                        f"add that region's END line above line {number}",
                    )
                )
            current = (marker, marker.uuid, number, start, end)
            continue
        # An END marker.
        if current is None:
            hint = _indented_begin(text, start, marker)
            hint = hint or "add the BEGIN line above it or delete this one"
            problems.append(Problem(path, number, f"{marker.describe()} marker has no BEGIN", hint))
            continue
        (opener, uuid, opened_at, begin, after), current = current, None
        if opener.kind is not marker.kind:
            problems.append(
                Problem(
                    path,
                    number,
                    f"{marker.describe()} marker closes the {opener.describe()} "
                    f"marker at line {opened_at}",
                    f"use the {opener.kind.value} END marker here",
                )
            )
            continue
        if marker.uuid is not None and marker.uuid != uuid:
            problems.append(
                Problem(
                    path,
                    number,
                    f"END marker names {marker.uuid} but the BEGIN at line {opened_at} "
                    f"names {uuid}",
                    "make the two uuids the same",
                )
            )
            continue
        if begin > placed:
            parts.append(text[placed:begin])
        region = Region(marker.kind, uuid, opened_at, text[begin:after], text[after:start], line)
        parts.append(region)
        placed = end

    if current is not None:
        hint = "add its END line where the region stops"
        if fence is not None:
            hint += (
                f"; the code fence opened at line {fence.line} is never closed,"
                " so an END after it is not seen"
            )
        opener, uuid, opened_at = current[:3]
        problems.append(
            Problem(path, opened_at, f"{opener.describe()} marker {uuid} has no END", hint)
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
    if unseen:
        problems += _unseen(text, path, unseen)
        problems.sort(key=lambda problem: problem.line or 0)
    if problems:
        raise RegenError(problems)
    if placed < len(text):
        parts.append(text[placed:])
    return Document(path, tuple(parts))

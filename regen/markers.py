"""The marker grammar: which single lines open and close a region.

A marker is a whole line holding one comment, in either the Handlebars form the vendor's pages
use or the HTML form plain Markdown needs:

    {{!-- BEGIN do not edit content below, it is automatically generated <uuid> --}}
    {{!-- END do not edit content above, it is automatically generated <uuid> --}}
    {{!-- BEGIN shared-blurb <uuid> --}}
    {{!-- END shared-blurb --}}
    <!-- BEGIN shared-blurb <uuid> -->          (and so on for the others)

Real pages carry small variants that must all be read: an END without its uuid, no blank
before the closing `--}}`, a stray quote after the uuid. As in CommonMark, up to three spaces
may indent a marker; a line indented further is an indented code block, never a marker.
"""

from __future__ import annotations

import enum
import functools
import re
import sys
from dataclasses import dataclass

from regen.model import RegionKind

UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
UUID_RE = re.compile(rf"\A{UUID}\Z")

GENERATED_BEGIN = "BEGIN do not edit content below, it is automatically generated"
GENERATED_END = "END do not edit content above, it is automatically generated"
BLURB_BEGIN = "BEGIN shared-blurb"
BLURB_END = "END shared-blurb"
_PHRASES = (GENERATED_BEGIN, GENERATED_END, BLURB_BEGIN, BLURB_END)

_INDENT = r"[ ]{0,3}"
_MARKER = re.compile(
    rf"{_INDENT}(?P<open>\{{\{{!--|<!--)[ \t]*"
    rf"(?P<text>{'|'.join(re.escape(p) for p in _PHRASES)})"
    rf"(?:[ \t]*(?P<uuid>{UUID}))?"
    r"['\"]?"  # a stray quote after the uuid, as real pages have
    r"[ \t]*(?P<close>--\}\}|-->)[ \t]*\r?\n?\Z"
)

# A marker whose uuid is not one (a character lost, a placeholder left): said as such.
# Compiled when first needed (by a malformed line): not on every run's start-up.
_MARKER_WITH_ANY_UUID = _MARKER.pattern.replace(f"(?P<uuid>{UUID})", r"(?P<uuid>[^\s'\"]+?)")

# A line that means to be a marker: a comment opening, then marker words in any case or
# spelling. Anything like this that _MARKER does not accept is reported, never taken as text.
_LOOKS_LIKE_MARKER = re.compile(
    rf"{_INDENT}(?:\{{\{{!--|<!--).*?(?P<words>do not edit|automatically generated|shared-blurb)",
    re.IGNORECASE,
)

_CLOSE_FOR = {"{{!--": "--}}", "<!--": "-->"}


class Role(enum.Enum):
    BEGIN = "BEGIN"
    END = "END"


@dataclass(frozen=True)
class Marker:
    role: Role
    kind: RegionKind
    uuid: str | None  # lower case; None where the line names none (allowed on END lines)

    def describe(self) -> str:
        kind = "shared-blurb" if self.kind is RegionKind.BLURB else "generated"
        return f"{kind} {self.role.value}"


class MalformedMarker(ValueError):
    """A line that looks like a marker but does not follow the grammar."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


# A pure function of the line, and marker lines repeat across a site's pages (one uuid on a
# thousand pages): each distinct line is parsed once. Errors are raised, never cached.
def _visible(text: str) -> str:
    """`text` with each character that does not show (a zero-width space, a no-break space, a
    control character) written as its \\u escape: what the user must find to fix it."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in text)


@functools.lru_cache(maxsize=8192)
def parse_marker(line: str) -> Marker | None:
    """The marker on `line` (with or without its line ending), or None for an ordinary line.

    Raises MalformedMarker for a line that starts like a marker but is not one.
    """
    if "--" not in line:  # fast path: almost every line
        return None
    match = _MARKER.match(line)
    if match is None:
        looks = _LOOKS_LIKE_MARKER.match(line)
        if looks:
            near = re.match(_MARKER_WITH_ANY_UUID, line)
            if near is not None and near["uuid"].lower() != "<uuid>":
                raise MalformedMarker(
                    f"malformed marker: '{_visible(near['uuid'])}' is not a uuid",
                    "a uuid is 32 hexadecimal digits grouped 8-4-4-4-12, as 'regen new' makes",
                )
            words = looks["words"]
            raise MalformedMarker(
                "malformed marker",
                f"{_diagnose(line)}; a comment meant as no marker may not hold '{words}'",
            )
        return None
    if _CLOSE_FOR[match["open"]] != match["close"]:
        raise MalformedMarker(
            f"marker opens with {match['open']} but closes with {match['close']}",
            f"end it with {_CLOSE_FOR[match['open']]}",
        )
    text = match["text"]
    role = Role.BEGIN if text.startswith("BEGIN") else Role.END
    kind = RegionKind.BLURB if text in (BLURB_BEGIN, BLURB_END) else RegionKind.GENERATED
    # Interned: a uuid on thousands of pages is one string, wherever results keep it.
    uuid = sys.intern(match["uuid"].lower()) if match["uuid"] else None
    return Marker(role, kind, uuid)


def _diagnose(line: str) -> str:
    """What the line should read, as the hint of the error."""
    words = line.lower()
    end = re.search(r"\bend\b", words) is not None and re.search(r"\bbegin\b", words) is None
    if "shared-blurb" in words:
        phrase = BLURB_END if end else f"{BLURB_BEGIN} <uuid>"
    else:
        phrase = GENERATED_END if end else GENERATED_BEGIN
        phrase += " <uuid>"
    return f"a marker is the whole line '{{{{!-- {phrase} --}}}}', exactly so spelled"

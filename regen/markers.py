"""The marker grammar: which single lines open and close a region.

A marker is a whole line (surrounding blanks allowed) holding one comment, in either the
Handlebars form the vendor's pages use or the HTML form plain Markdown needs:

    {{!-- BEGIN do not edit content below, it is automatically generated <uuid> --}}
    {{!-- END do not edit content above, it is automatically generated <uuid> --}}
    {{!-- BEGIN shared-blurb <uuid> --}}
    {{!-- END shared-blurb --}}
    <!-- BEGIN shared-blurb <uuid> -->          (and so on for the others)

Real pages carry small variants that must all be read: an END without its uuid, no blank
before the closing `--}}`, a stray quote after the uuid.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from regen.model import RegionKind

UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
UUID_RE = re.compile(rf"\A{UUID}\Z")

GENERATED_BEGIN = "BEGIN do not edit content below, it is automatically generated"
GENERATED_END = "END do not edit content above, it is automatically generated"
BLURB_BEGIN = "BEGIN shared-blurb"
BLURB_END = "END shared-blurb"

_MARKER = re.compile(
    r"""[ \t]*
    (?P<open>\{\{!--|<!--)[ \t]*
    (?P<text>
        BEGIN[ ]do[ ]not[ ]edit[ ]content[ ]below,[ ]it[ ]is[ ]automatically[ ]generated
      | END[ ]do[ ]not[ ]edit[ ]content[ ]above,[ ]it[ ]is[ ]automatically[ ]generated
      | BEGIN[ ]shared-blurb
      | END[ ]shared-blurb
    )
    (?:[ \t]*(?P<uuid>"""
    + UUID
    + r"""))?
    ['"]?                       # a stray quote after the uuid, as real pages have
    [ \t]*(?P<close>--\}\}|-->)
    [ \t]*\r?\n?\Z""",
    re.VERBOSE,
)

# A line that means to be a marker: it starts with a comment opening and the BEGIN/END words.
# Anything like this that _MARKER does not accept is reported, never silently taken as text.
_LOOKS_LIKE_MARKER = re.compile(
    r"[ \t]*(?:\{\{!--|<!--)[ \t]*(?:BEGIN|END)\b.*?(?:do not edit|shared-blurb)"
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
    html: bool  # <!-- --> rather than {{!-- --}}

    def describe(self) -> str:
        kind = "shared-blurb" if self.kind is RegionKind.BLURB else "generated"
        return f"{kind} {self.role.value}"


class MalformedMarker(ValueError):
    """A line that looks like a marker but does not follow the grammar; the text says why."""


def parse_marker(line: str) -> Marker | None:
    """The marker on `line` (with or without its line ending), or None for an ordinary line.

    Raises MalformedMarker for a line that starts like a marker but is not one.
    """
    if "BEGIN" not in line and "END" not in line:  # fast path: almost every line
        return None
    match = _MARKER.match(line)
    if match is None:
        if _LOOKS_LIKE_MARKER.match(line):
            raise MalformedMarker(_diagnose(line))
        return None
    if _CLOSE_FOR[match["open"]] != match["close"]:
        raise MalformedMarker(f"marker opens with {match['open']} but closes with {match['close']}")
    text = match["text"]
    role = Role.BEGIN if text.startswith("BEGIN") else Role.END
    kind = RegionKind.BLURB if "shared-blurb" in text else RegionKind.GENERATED
    uuid = match["uuid"].lower() if match["uuid"] else None
    return Marker(role, kind, uuid, html=match["open"] == "<!--")


def _diagnose(line: str) -> str:
    stripped = line.strip()
    if "BEGIN do not edit" in stripped and GENERATED_BEGIN not in stripped:
        return (
            f"malformed marker; a generated BEGIN reads '{{{{!-- {GENERATED_BEGIN} <uuid> --}}}}'"
        )
    if "END do not edit" in stripped and GENERATED_END not in stripped:
        return f"malformed marker; a generated END reads '{{{{!-- {GENERATED_END} <uuid> --}}}}'"
    return "malformed marker; expected a uuid such as 0f8fad5b-d9cb-469f-a165-70867728950e"


def format_marker(marker: Marker) -> str:
    """The canonical text of a marker (no line ending), as `regen new` prints it."""
    if marker.kind is RegionKind.GENERATED:
        text = GENERATED_BEGIN if marker.role is Role.BEGIN else GENERATED_END
    else:
        text = BLURB_BEGIN if marker.role is Role.BEGIN else BLURB_END
    if marker.uuid:
        text = f"{text} {marker.uuid}"
    return f"<!-- {text} -->" if marker.html else f"{{{{!-- {text} --}}}}"

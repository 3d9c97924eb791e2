from __future__ import annotations

import pytest

from regen.markers import MalformedMarker, Marker, Role, parse_marker
from regen.model import RegionKind

U = "09a7da10-a5d0-11ec-b909-0242ac120002"
GEN_BEGIN = "BEGIN do not edit content below, it is automatically generated"
GEN_END = "END do not edit content above, it is automatically generated"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (f"{{{{!-- {GEN_BEGIN} {U} --}}}}\n", Marker(Role.BEGIN, RegionKind.GENERATED, U)),
        (f"{{{{!-- {GEN_END} {U} --}}}}\n", Marker(Role.END, RegionKind.GENERATED, U)),
        # Variants from real pages: no blank before --}}, a stray quote, an END without uuid.
        (f"{{{{!-- {GEN_BEGIN} {U}--}}}}\n", Marker(Role.BEGIN, RegionKind.GENERATED, U)),
        (f"{{{{!-- {GEN_BEGIN} {U}' --}}}}\n", Marker(Role.BEGIN, RegionKind.GENERATED, U)),
        (f"{{{{!-- {GEN_END} --}}}}\n", Marker(Role.END, RegionKind.GENERATED, None)),
        (f"{{{{!-- {GEN_END}  --}}}}\n", Marker(Role.END, RegionKind.GENERATED, None)),
        (f"{{{{!-- {GEN_END}--}}}}\n", Marker(Role.END, RegionKind.GENERATED, None)),
        (
            f"{{{{!-- BEGIN shared-blurb {U} --}}}}\n",
            Marker(Role.BEGIN, RegionKind.BLURB, U),
        ),
        ("{{!-- END shared-blurb --}}\n", Marker(Role.END, RegionKind.BLURB, None)),
        (f"<!-- {GEN_BEGIN} {U} -->\n", Marker(Role.BEGIN, RegionKind.GENERATED, U)),
        ("<!-- END shared-blurb -->\r\n", Marker(Role.END, RegionKind.BLURB, None)),
        # Blanks around the comment, CRLF, upper-case uuid (normalised to lower case).
        (
            f"  {{{{!-- {GEN_BEGIN} {U.upper()} --}}}}  \r\n",
            Marker(Role.BEGIN, RegionKind.GENERATED, U),
        ),
        (f"{{{{!-- {GEN_BEGIN} {U} --}}}}", Marker(Role.BEGIN, RegionKind.GENERATED, U)),
    ],
)
def test_marker_variants_parse(line: str, expected: Marker) -> None:
    assert parse_marker(line) == expected


@pytest.mark.parametrize(
    "line",
    [
        "plain text\n",
        f"{{{{!-- {U} --}}}}\n",  # a comment holding only a uuid is not a marker
        f"Write `{{{{!-- {GEN_BEGIN} {U} --}}}}` above the table.\n",  # prose mentioning one
        "END of the story\n",
        "{{!-- BEGIN something else --}}\n",
    ],
)
def test_ordinary_lines_are_not_markers(line: str) -> None:
    assert parse_marker(line) is None


GENERATED_HINT = (
    f"a marker is the whole line '{{{{!-- {GEN_BEGIN} <uuid> --}}}}', exactly so spelled"
)
GENERATED_END_HINT = (
    f"a marker is the whole line '{{{{!-- {GEN_END} <uuid> --}}}}', exactly so spelled"
)
BLURB_BEGIN_HINT = (
    "a marker is the whole line '{{!-- BEGIN shared-blurb <uuid> --}}', exactly so spelled"
)
BLURB_END_HINT = "a marker is the whole line '{{!-- END shared-blurb --}}', exactly so spelled"
UUID_HINT = "a uuid is 32 hexadecimal digits grouped 8-4-4-4-12, as 'regen new' makes"


def holding(hint: str, words: str) -> str:
    """The hint, and why the line was taken for a marker."""
    return f"{hint}; a comment meant as no marker may not hold '{words}'"


@pytest.mark.parametrize(
    ("line", "message", "hint"),
    [
        (
            f"{{{{!-- {GEN_BEGIN} not-a-uuid --}}}}",
            "malformed marker: 'not-a-uuid' is not a uuid",
            UUID_HINT,
        ),
        (
            f"{{{{!-- {GEN_BEGIN} {U[:-1]} --}}}}",
            f"malformed marker: '{U[:-1]}' is not a uuid",
            UUID_HINT,
        ),
        (f"<!-- END shared-blurb {U}x -->", f"malformed marker: '{U}x' is not a uuid", UUID_HINT),
        (  # a zero-width space in it, shown
            f"<!-- END shared-blurb {U[:8]}\u200b{U[8:]} -->",
            f"malformed marker: '{U[:8]}\\u200b{U[8:]}' is not a uuid",
            UUID_HINT,
        ),
        (
            f"{{{{!-- {GEN_BEGIN} <uuid> --}}}}",
            "malformed marker",
            holding(GENERATED_HINT, "do not edit"),
        ),
        (
            f"{{{{!-- {GEN_BEGIN} {U} -->",
            "marker opens with {{!-- but closes with -->",
            "end it with --}}",
        ),
        (
            f"{{{{!-- BEGIN do not edit content above, it is automatically generated {U} --}}}}",
            "malformed marker",
            holding(GENERATED_HINT, "do not edit"),
        ),
        (
            f"{{{{!-- END do not edit content below {U} --}}}}",
            "malformed marker",
            holding(GENERATED_END_HINT, "do not edit"),
        ),
        (
            f"{{{{!-- END shared-blurb {U} trailing --}}}}",
            "malformed marker",
            holding(BLURB_END_HINT, "shared-blurb"),
        ),
        (
            "{{!-- END shared-blurb --}}</div>",
            "malformed marker",
            holding(BLURB_END_HINT, "shared-blurb"),
        ),
        (
            f"{{{{!-- BEGN shared-blurb {U} --}}}}",
            "malformed marker",
            holding(BLURB_BEGIN_HINT, "shared-blurb"),
        ),
        (
            f"{{{{!-- begin shared-blurb {U} --}}}}",
            "malformed marker",
            holding(BLURB_BEGIN_HINT, "shared-blurb"),
        ),
        (
            f"<!-- {GEN_BEGIN.lower()} {U} -->",
            "malformed marker",
            holding(GENERATED_HINT, "do not edit"),
        ),
    ],
)
def test_marker_like_lines_are_reported(line: str, message: str, hint: str) -> None:
    with pytest.raises(MalformedMarker) as caught:
        parse_marker(line)
    assert (str(caught.value), caught.value.hint) == (message, hint)


@pytest.mark.parametrize("indent", ["    ", "\t", "  \t"])
def test_markers_indented_as_code_are_text(indent: str) -> None:
    # Four spaces or a tab make an indented code block in CommonMark: documentation, not a
    # region. Three spaces are still a marker.
    assert parse_marker(f"{indent}{{{{!-- {GEN_BEGIN} {U} --}}}}\n") is None
    assert parse_marker(f"{indent}{{{{!-- BEGN shared-blurb --}}}}\n") is None
    assert parse_marker(f"   {{{{!-- {GEN_BEGIN} {U} --}}}}\n") == Marker(
        Role.BEGIN, RegionKind.GENERATED, U
    )


def test_an_ordinary_comment_taken_for_a_marker_is_told_why() -> None:
    line = "<!-- Do not edit: this list is automatically generated by our script -->"
    with pytest.raises(MalformedMarker) as caught:
        parse_marker(line)
    assert caught.value.hint.endswith("; a comment meant as no marker may not hold 'Do not edit'")

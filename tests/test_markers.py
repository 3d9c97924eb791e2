from __future__ import annotations

import pytest

from regen.markers import MalformedMarker, Marker, Role, format_marker, parse_marker
from regen.model import RegionKind

U = "09a7da10-a5d0-11ec-b909-0242ac120002"
GEN_BEGIN = "BEGIN do not edit content below, it is automatically generated"
GEN_END = "END do not edit content above, it is automatically generated"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (f"{{{{!-- {GEN_BEGIN} {U} --}}}}\n", Marker(Role.BEGIN, RegionKind.GENERATED, U, False)),
        (f"{{{{!-- {GEN_END} {U} --}}}}\n", Marker(Role.END, RegionKind.GENERATED, U, False)),
        # Variants from real pages: no blank before --}}, a stray quote, an END without uuid.
        (f"{{{{!-- {GEN_BEGIN} {U}--}}}}\n", Marker(Role.BEGIN, RegionKind.GENERATED, U, False)),
        (f"{{{{!-- {GEN_BEGIN} {U}' --}}}}\n", Marker(Role.BEGIN, RegionKind.GENERATED, U, False)),
        (f"{{{{!-- {GEN_END} --}}}}\n", Marker(Role.END, RegionKind.GENERATED, None, False)),
        (f"{{{{!-- {GEN_END}  --}}}}\n", Marker(Role.END, RegionKind.GENERATED, None, False)),
        (f"{{{{!-- {GEN_END}--}}}}\n", Marker(Role.END, RegionKind.GENERATED, None, False)),
        (
            f"{{{{!-- BEGIN shared-blurb {U} --}}}}\n",
            Marker(Role.BEGIN, RegionKind.BLURB, U, False),
        ),
        ("{{!-- END shared-blurb --}}\n", Marker(Role.END, RegionKind.BLURB, None, False)),
        (f"<!-- {GEN_BEGIN} {U} -->\n", Marker(Role.BEGIN, RegionKind.GENERATED, U, True)),
        ("<!-- END shared-blurb -->\r\n", Marker(Role.END, RegionKind.BLURB, None, True)),
        # Blanks around the comment, CRLF, upper-case uuid (normalised to lower case).
        (
            f"  {{{{!-- {GEN_BEGIN} {U.upper()} --}}}}  \r\n",
            Marker(Role.BEGIN, RegionKind.GENERATED, U, False),
        ),
        (f"{{{{!-- {GEN_BEGIN} {U} --}}}}", Marker(Role.BEGIN, RegionKind.GENERATED, U, False)),
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


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            f"{{{{!-- {GEN_BEGIN} not-a-uuid --}}}}",
            "malformed marker; expected a uuid such as 0f8fad5b-d9cb-469f-a165-70867728950e",
        ),
        (
            f"{{{{!-- {GEN_BEGIN} {U} -->",
            "marker opens with {{!-- but closes with -->",
        ),
        (
            f"{{{{!-- BEGIN do not edit content above, it is automatically generated {U} --}}}}",
            f"malformed marker; a generated BEGIN reads '{{{{!-- {GEN_BEGIN} <uuid> --}}}}'",
        ),
        (
            f"{{{{!-- END do not edit content below {U} --}}}}",
            f"malformed marker; a generated END reads '{{{{!-- {GEN_END} <uuid> --}}}}'",
        ),
        (
            f"{{{{!-- END shared-blurb {U} trailing --}}}}",
            "malformed marker; expected a uuid such as 0f8fad5b-d9cb-469f-a165-70867728950e",
        ),
    ],
)
def test_marker_like_lines_are_reported(line: str, message: str) -> None:
    with pytest.raises(MalformedMarker) as caught:
        parse_marker(line)
    assert str(caught.value) == message


@pytest.mark.parametrize("kind", list(RegionKind))
@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("html", [False, True])
def test_formatted_markers_parse_back(kind: RegionKind, role: Role, html: bool) -> None:
    marker = Marker(role, kind, U, html)
    assert parse_marker(format_marker(marker)) == marker

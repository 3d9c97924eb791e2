from __future__ import annotations

import subprocess
import sys

import pytest

from regen.errors import RegenError
from regen.model import Region, RegionKind
from regen.scan import scan_text
from tests.conftest import BEGIN, BLURB_BEGIN, BLURB_END, END, UUID_A, UUID_B, UUID_BLURB, region


def problems(text: str) -> list[str]:
    with pytest.raises(RegenError) as caught:
        scan_text(text, "docs/p.md")
    return [str(p) for p in caught.value.problems]


def test_text_without_markers_is_one_part() -> None:
    doc = scan_text("# Title\n\nProse.\n", "p.md")
    assert doc.parts == ("# Title\n\nProse.\n",)
    assert doc.regions == ()


def test_empty_text_has_no_parts() -> None:
    assert scan_text("", "p.md").parts == ()


def test_region_keeps_its_lines_verbatim() -> None:
    text = f"intro\n{BEGIN % UUID_A}\n\nold\n\n{END % UUID_A}\noutro"
    doc = scan_text(text, "p.md")
    assert doc.parts == (
        "intro\n",
        Region(
            RegionKind.GENERATED,
            UUID_A,
            2,
            f"{BEGIN % UUID_A}\n",
            "\nold\n\n",
            f"{END % UUID_A}\n",
        ),
        "outro",
    )
    assert doc.join() == text


def test_crlf_region_and_end_without_newline() -> None:
    text = f"{BLURB_BEGIN % UUID_BLURB}\r\nbody\r\n{BLURB_END}"
    (region,) = scan_text(text, "p.md").regions
    assert region.newline == "\r\n"
    assert region.body == "body\r\n"
    assert region.end == BLURB_END
    assert region.line == 1


def test_seed_variants_pair_up() -> None:
    # The vendor's page: no blank before --}} on the BEGIN, an END without its uuid.
    text = (
        "x\n"
        "{{!-- BEGIN do not edit content below, it is automatically generated "
        "09a7da10-a5d0-11ec-b909-0242ac120002--}}\n\n\n\n"
        "{{!-- END do not edit content above, it is automatically generated  --}}\n"
    )
    (region,) = scan_text(text, "p.md").regions
    assert region.uuid == "09a7da10-a5d0-11ec-b909-0242ac120002"
    assert region.body == "\n\n\n"


def test_two_regions_and_blurb() -> None:
    text = (
        f"{BEGIN % UUID_A}\na\n{END % UUID_A}\n"
        f"between\n"
        f"{BLURB_BEGIN % UUID_BLURB}\nb\n{BLURB_END}\n"
        f"{BEGIN % UUID_B}\n{END % UUID_B}\n"
    )
    doc = scan_text(text, "p.md")
    assert [(r.kind, r.uuid, r.line) for r in doc.regions] == [
        (RegionKind.GENERATED, UUID_A, 1),
        (RegionKind.BLURB, UUID_BLURB, 5),
        (RegionKind.GENERATED, UUID_B, 8),
    ]
    assert doc.regions[2].body == ""
    assert doc.join() == text


@pytest.mark.parametrize("fence", ["```", "~~~", "````markdown", "  ```text"])
def test_markers_inside_fences_are_text(fence: str) -> None:
    closing = fence.strip().rstrip("abcdefghijklmnopqrstuvwxyz")  # the fence without its info
    text = f"{fence}\n{BEGIN % UUID_A}\n{closing}\n"
    assert scan_text(text, "p.md").regions == ()


def test_fence_needs_same_character_and_length_to_close() -> None:
    # ~~~ does not close ```; ``` does not close ````; so the markers stay inside the fence.
    text = f"````\n~~~\n```\n{BEGIN % UUID_A}\n````\nafter\n"
    assert scan_text(text, "p.md").regions == ()


def test_fence_inside_region_body_is_kept() -> None:
    body = "```\n{{!-- END shared-blurb --}}\n```\n"
    text = f"{BLURB_BEGIN % UUID_BLURB}\n{body}{BLURB_END}\n"
    (region,) = scan_text(text, "p.md").regions
    assert region.body == body


def test_begin_without_end_never_swallows_the_page() -> None:
    assert problems(f"a\n{BEGIN % UUID_A}\nrest of the page\n") == [
        f"docs/p.md:2: generated BEGIN marker {UUID_A} has no END "
        "(add its END line where the region stops)"
    ]


def test_begin_without_end_names_an_unclosed_fence() -> None:
    text = f"{BEGIN % UUID_A}\n```\n{END % UUID_A}\n"
    assert problems(text) == [
        f"docs/p.md:1: generated BEGIN marker {UUID_A} has no END "
        "(add its END line where the region stops; the code fence opened at line 2 is never "
        "closed, so an END after it is not seen)"
    ]


def test_end_without_begin() -> None:
    assert problems(f"a\n\n{END % UUID_A}\n") == [
        "docs/p.md:3: generated END marker has no BEGIN "
        "(add the BEGIN line above it or delete this one)"
    ]


def test_begin_inside_open_region() -> None:
    text = f"{BEGIN % UUID_A}\n{BEGIN % UUID_B}\n{END % UUID_B}\n"
    assert problems(text) == [
        f"docs/p.md:2: generated BEGIN marker inside the region {UUID_A} opened at line 1 "
        "(add that region's END line above line 2)"
    ]


def test_end_uuid_must_match_begin() -> None:
    assert problems(f"{BEGIN % UUID_A}\n{END % UUID_B}\n") == [
        f"docs/p.md:2: END marker names {UUID_B} but the BEGIN at line 1 names {UUID_A} "
        "(make the two uuids the same)"
    ]


def test_blurb_end_cannot_close_generated_begin() -> None:
    assert problems(f"{BEGIN % UUID_A}\n{BLURB_END}\n") == [
        "docs/p.md:2: shared-blurb END marker closes the generated BEGIN marker at line 1 "
        "(use the generated END marker here)"
    ]


def test_generated_end_cannot_close_blurb_begin() -> None:
    assert problems(f"{BLURB_BEGIN % UUID_BLURB}\n{END % UUID_BLURB}\n") == [
        "docs/p.md:2: generated END marker closes the shared-blurb BEGIN marker at line 1 "
        "(use the blurb END marker here)"
    ]


def test_begin_needs_a_uuid() -> None:
    assert problems("{{!-- BEGIN shared-blurb --}}\nx\n{{!-- END shared-blurb --}}\n") == [
        "docs/p.md:1: shared-blurb BEGIN marker has no uuid "
        "(add the region's uuid before the closing --}})",
        "docs/p.md:3: shared-blurb END marker has no BEGIN "
        "(add the BEGIN line above it or delete this one)",
    ]


def test_every_problem_in_a_page_is_reported() -> None:
    text = (
        f"{END % UUID_A}\n"
        "{{!-- BEGIN do not edit content below, it is automatically generated c924 --}}\n"
        f"{BEGIN % UUID_B}\n"
    )
    assert problems(text) == [
        "docs/p.md:1: generated END marker has no BEGIN "
        "(add the BEGIN line above it or delete this one)",
        "docs/p.md:2: malformed marker: 'c924' is not a uuid "
        "(a uuid is 32 hexadecimal digits grouped 8-4-4-4-12, as 'regen new' makes)",
        f"docs/p.md:3: generated BEGIN marker {UUID_B} has no END "
        "(add its END line where the region stops)",
    ]


def test_unicode_line_separators_do_not_split_lines() -> None:
    # str.splitlines() would split at \u2028 and \x0c and find a marker on the second half.
    text = f"text\u2028{BEGIN % UUID_A}\nx\x0c{END % UUID_A}\n"
    assert scan_text(text, "p.md").regions == ()


def test_unclosed_fence_hiding_markers_is_reported() -> None:
    text = f"intro\n```\n{BEGIN % UUID_A}\nold\n{END % UUID_A}\n"
    assert problems(text) == [
        "docs/p.md:2: code fence is never closed, so the marker lines after it (line 3, 5) are "
        "read as code (close the fence)"
    ]


def test_unclosed_fence_without_markers_is_fine() -> None:
    assert scan_text("intro\n```\ncode to the end\n", "p.md").regions == ()


def test_indented_code_block_documenting_markers_is_text() -> None:
    text = f"Start it with\n\n    {BEGIN % UUID_A}\n\nand end it with\n\n\t{END % UUID_A}\n"
    assert scan_text(text, "p.md").regions == ()


def test_region_inside_a_list_item_indented_up_to_three_spaces() -> None:
    text = f"- item\n\n   {BLURB_BEGIN % UUID_BLURB}\n   body\n   {BLURB_END}\n"
    (region,) = scan_text(text, "p.md").regions
    assert region.body == "   body\n"


def test_a_line_with_two_openings_is_read_once() -> None:
    text = f"{{{{!-- note <!-- aside --}}}}\n{BEGIN % UUID_A}\nx\n{END % UUID_A}\n"
    (region,) = scan_text(text, "p.md").regions
    assert region.line == 2
    # A fence line may carry an opening too: it is a fence, once.
    fenced = f"```{{{{!--\n{BEGIN % UUID_A}\n```\n{BEGIN % UUID_A}\nx\n{END % UUID_A}\n"
    (region,) = scan_text(fenced, "p.md").regions
    assert region.line == 4


def test_a_marker_after_text_on_its_line_is_text() -> None:
    assert scan_text(f"see {BEGIN % UUID_A}\n", "p.md").regions == ()
    assert scan_text(f"    {BEGIN % UUID_A}\n", "p.md").regions == ()


def test_markers_after_many_stray_exclamation_marks_are_found() -> None:
    # Past 64 `!` that open no comment, openings are searched by `!--` instead: the same
    # regions either way. With 64 strays, the first BEGIN is the first opening searched so;
    # with 63, the switch comes between the two regions.
    for strays in (63, 64, 65, 200):
        text = "Wow!\n" * strays + region(UUID_A, "one\n") + "!!\n" + region(UUID_B, "two\n")
        assert [r.body for r in scan_text(text, "p.md").regions] == ["one\n", "two\n"]


@pytest.mark.parametrize("indent", ["    ", "\t", "  \t"])
def test_an_end_whose_begin_is_indented_as_code_says_so(indent: str) -> None:
    text = f"# A\n\n{indent}{BEGIN % UUID_A}\nold\n{END % UUID_A}\n"
    assert problems(text) == [
        "docs/p.md:5: generated END marker has no BEGIN (the BEGIN at line 3 is indented by"
        " four spaces or a tab, which makes it code: indent it by three spaces at most)"
    ]


def test_an_indented_begin_of_another_region_is_not_blamed() -> None:
    text = f"    {BEGIN % UUID_B}\n\n{END % UUID_A}\n"
    assert problems(text) == [
        "docs/p.md:3: generated END marker has no BEGIN "
        "(add the BEGIN line above it or delete this one)"
    ]


@pytest.mark.parametrize(
    "above",
    [
        f"    {BLURB_BEGIN % UUID_BLURB}\n    {BLURB_END}\n",  # an example: it has its END
        f"    {BEGIN % UUID_A}\n",  # another kind
        "    ```text\n    {{!-- BEGIN shared-blurb <uuid> --}}\n    {{!-- END shared-blurb --}}\n",
    ],
    ids=["closed example", "other kind", "fenced example"],
)
def test_an_indented_begin_is_blamed_only_when_it_is_the_lost_one(above: str) -> None:
    text = f"1. Paste:\n\n{above}\n{BLURB_END}\n"
    line = text.count("\n")
    assert problems(text) == [
        f"docs/p.md:{line}: shared-blurb END marker has no BEGIN "
        "(add the BEGIN line above it or delete this one)"
    ]


# A CR alone: a line break to Markdown, not to regen ------------------------------------------

LONE_CR = (
    "a marker follows a line break that is a CR alone (classic Mac line endings), which regen"
    " does not read as one (make the page's line endings LF or CRLF)"
)


def test_a_page_of_classic_mac_line_endings_with_regions_is_one_problem() -> None:
    page = f"# T\r\r{BEGIN % UUID_A}\rold\r{END % UUID_A}\rtail\r"
    with pytest.raises(RegenError) as caught:
        scan_text(page, "p.md")
    assert [str(p) for p in caught.value.problems] == [
        "p.md:1: 2 markers follow line breaks that are a CR alone (classic Mac line endings),"
        " which regen does not read as such (make the page's line endings LF or CRLF)"
    ]
    with pytest.raises(RegenError) as caught:
        scan_text("x\r" + BLURB_END + "\n", "p.md")
    assert [str(p) for p in caught.value.problems] == [f"p.md:1: {LONE_CR}"]


def test_a_stray_cr_before_a_marker_is_a_problem_at_its_line() -> None:
    page = f"# T\n\ntext\r   {BEGIN % UUID_A}\nold\n{END % UUID_A}\n"
    with pytest.raises(RegenError) as caught:
        scan_text(page, "p.md")
    assert [str(p) for p in caught.value.problems] == [
        f"p.md:3: {LONE_CR}",
        "p.md:5: generated END marker has no BEGIN"
        " (add the BEGIN line above it or delete this one)",
    ]


@pytest.mark.parametrize(
    ("page", "lines"),
    [
        (f"{BEGIN % UUID_A}\rold\r{END % UUID_A}\r", [1, 1]),  # a Mac page starting with one
        (f"# T\n{BLURB_END}\r\r\n", [2]),  # a stray CR before the CRLF
        (f"a\r\u00a0{BLURB_END}\n", [1]),  # a CR, then a no-break space
    ],
)
def test_a_cr_alone_is_named_wherever_it_cuts_a_marker_line(page: str, lines: list[int]) -> None:
    with pytest.raises(RegenError) as caught:
        scan_text(page, "p.md")
    assert [(p.line, f"{p.message} ({p.hint})") for p in caught.value.problems] == [
        (line, LONE_CR) for line in lines
    ]


@pytest.mark.parametrize("hidden", ["\u200e", "\u200f", "\u00ad", "\u3164", "\u2060", "\x0b"])
def test_every_kind_of_character_that_does_not_show_is_caught(hidden: str) -> None:
    with pytest.raises(RegenError) as caught:
        scan_text(f"{hidden}{BLURB_END}\n", "p.md")
    assert caught.value.problems[0].message == (
        f"a marker with characters that do not show before it (U+{ord(hidden):04X})"
    )


def test_a_marker_after_characters_that_do_not_show_is_a_problem_naming_them() -> None:
    """Pasted from a web page, say: a no-break space before both markers made a region that
    looks whole and that regen never saw."""
    page = f"# T\n\u00a0{BLURB_BEGIN % UUID_BLURB}\nx\n \u200b\u00a0{BLURB_END}\n"
    with pytest.raises(RegenError) as caught:
        scan_text(page, "p.md")
    hint = "(delete them: a marker starts its line, after three spaces at most)"
    assert [str(p) for p in caught.value.problems] == [
        f"p.md:2: a marker with characters that do not show before it (U+00A0) {hint}",
        f"p.md:4: a marker with characters that do not show before it (U+200B, U+00A0) {hint}",
    ]


@pytest.mark.parametrize(
    "page",
    [
        "a\rb\r<!-- a comment, no marker -->\rc\r",  # no marker: not regen's business
        "a\r    <!-- BEGIN shared-blurb -->\r",  # indented as code
        f"# T\r\n\r\n{BLURB_BEGIN % UUID_BLURB}\r\nx\r\n{BLURB_END}\r\n",  # CRLF
        f"    {BLURB_END}\n",  # indented as code: text
        f"\u00a0x {BLURB_END}\n",  # after text that shows
        "\u00a0<!-- a comment, no marker -->\n",
    ],
)
def test_a_cr_alone_elsewhere_is_only_text(page: str) -> None:
    assert scan_text(page, "p.md").join() == page


def test_the_hint_for_an_end_without_begin_is_linear_in_a_long_line_of_spaces() -> None:
    """The hint's search for an indented BEGIN once tried every split of a run of spaces
    (a minute and a half for this page): a guard against a hang, with a generous bound, not a
    timing. In a process of its own, as a thread cannot stop the regex engine."""
    script = (
        "from regen.scan import scan_text\n"
        "from regen.errors import RegenError\n"
        f"page = ' ' * 200_000 + 'x\\n' + {END % UUID_A!r} + '\\n'\n"
        "try:\n    scan_text(page, 'p.md')\n"
        "except RegenError as exc:\n    print([p.line for p in exc.problems])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=30, check=True
    )
    assert done.stdout == "[2]\n"

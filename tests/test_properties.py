"""Invariants over arbitrary pages (hypothesis): the scanner loses nothing and never crashes,
an update touches nothing outside regions, and a second update changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from regen.api import update_text
from regen.config import Config, parse_config
from regen.errors import RegenError
from regen.model import Document, Region
from regen.scan import scan_text
from regen.textfile import TextFile, decode
from tests.conftest import BEGIN, BLURB_BEGIN, BLURB_END, END
from tests.scan_reference import reference_scan

UUIDS = [
    "c9241a2c-76e0-11eb-9439-0242ac130002",
    "99975710-76e0-11eb-9439-0242ac130002",
]
BLURB_UUID = "b69a2546-9baa-11ec-b909-0242ac120002"
UNKNOWN = "00000000-0000-4000-8000-000000000000"

newlines = st.sampled_from(["\n", "\r\n"])
marker_lines = st.sampled_from(
    [
        *(BEGIN % u for u in [*UUIDS, UNKNOWN]),
        *(END % u for u in [*UUIDS, UNKNOWN]),
        "{{!-- END do not edit content above, it is automatically generated --}}",
        "{{!-- END do not edit content above, it is automatically generated--}}",
        f"{{{{!-- BEGIN do not edit content below, it is automatically generated {UUIDS[0]}--}}}}",
        (BEGIN % UUIDS[1]).replace(" --}}", "' --}}"),
        f"<!-- BEGIN do not edit content below, it is automatically generated {UUIDS[0]} -->",
        "<!-- END do not edit content above, it is automatically generated -->",
        BLURB_BEGIN % BLURB_UUID,
        BLURB_END,
        "<!-- END shared-blurb -->",
        "{{!-- BEGIN do not edit content below, it is automatically generated x --}}",
        "{{!-- BEGIN shared-blurb --}}",
        "  {{!-- END shared-blurb --}}  ",
        "```",
        "~~~~",
        "   ```python",
        "",
    ]
)
plain_lines = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\n\r"), max_size=30
)
any_line = st.one_of(marker_lines, plain_lines)


@st.composite
def pages(draw: st.DrawFn) -> str:
    lines = draw(st.lists(any_line, max_size=25))
    text = "".join(line + draw(newlines) for line in lines)
    if draw(st.booleans()) and text:  # a missing final newline
        text = text.rstrip("\r\n")
    return text


@given(pages())
@settings(max_examples=400)
def test_scan_joins_back_or_raises_regen_error(text: str) -> None:
    try:
        document = scan_text(text, "p.md")
    except RegenError as exc:
        assert exc.problems
        assert all(p.path == "p.md" and p.line is not None for p in exc.problems)
        return
    assert document.join() == text


# Lines that the scanner's search for openings must judge one by one: comments that are not
# markers, markers indented as code or mid-line, fence runs in prose, many `!` (the scanner
# then searches for `!--` instead), CRLF and CR.
tricky_lines = st.sampled_from(
    [
        "<!-- a comment -->",
        "{{!-- a comment --}}",
        "text {{!-- END shared-blurb --}}",
        "    " + BLURB_END,
        "   " + BLURB_END,
        " \t" + BLURB_END,
        "<!-- BEGIN shared-blurb " + BLURB_UUID + " --}}",
        "<!-- Do Not Edit -->",
        "a ``` b ~~~ c",
        "````",
        "``````",
        "  ~~~~~~~",
        "    ```",
        "```a`b",
        "~~~ {{!-- BEGIN shared-blurb --}}",
        "!" * 70,
        "!-- !-- {!-- <!- {{!-",
        "Wow! Look!",
        "\r",
        "# Title\r" + BLURB_END,
        "text\r   <!-- END shared-blurb -->\rmore",
        "x\r    " + BLURB_END,
        "\r<!-- a comment -->",
        BLURB_END + "\r",
        "\u00a0" + BLURB_END,
        " \u200b " + BLURB_END,
        "    " + BLURB_END,
        "\u00a0x" + BLURB_END,
        "\ufeff\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0" + BLURB_END,
        "a\r\u00a0" + BLURB_END,
        "\u200e" + BLURB_END,
        "\u3164 " + BLURB_END,
        BLURB_END + "\r\r",
    ]
)


@st.composite
def tricky_pages(draw: st.DrawFn) -> str:
    lines = draw(st.lists(st.one_of(marker_lines, tricky_lines, plain_lines), max_size=30))
    text = "".join(line + draw(newlines) for line in lines)
    if draw(st.booleans()) and text:
        text = text.rstrip("\r\n")
    return text


@given(st.one_of(pages(), tricky_pages()))
@settings(max_examples=1000)
def test_scan_agrees_with_a_plain_line_by_line_scan(text: str) -> None:
    expected = reference_scan(text)
    try:
        document = scan_text(text, "p.md")
    except RegenError as exc:
        assert sorted(p.line or 0 for p in exc.problems) == expected
        return
    assert document == expected


def test_the_line_by_line_scan_is_not_fooled_by_the_same_pages() -> None:
    # The reference itself, on pages whose answer is known.
    page = f"a\n{BEGIN % UUIDS[0]}\nbody\n{END % UUIDS[0]}\n```\n{BLURB_END}\n```\nz"
    document = reference_scan(page)
    assert isinstance(document, Document)
    assert [r.body for r in document.regions] == ["body\n"]
    assert document.join() == page
    assert reference_scan(f"x\n{BEGIN % UUIDS[0]}\n") == [2]
    assert reference_scan(f"```\n{BLURB_END}\n") == [1]


@given(st.text())
@settings(max_examples=300)
def test_arbitrary_text_never_crashes_the_scanner(text: str) -> None:
    try:
        document = scan_text(text, "p.md")
    except RegenError:
        return
    assert document.join() == text


@given(st.text(), st.booleans())
def test_any_text_survives_encode_decode(text: str, bom: bool) -> None:
    encoded = TextFile(text, bom).encode()
    try:
        decoded = decode(encoded, "p.md")
    except RegenError:  # lone surrogates cannot be encoded; the encoder raises first
        raise AssertionError("unreachable") from None
    if not bom and text.startswith("\ufeff"):
        return  # a leading U+FEFF is read back as a BOM: the bytes still round-trip
    assert decoded == TextFile(text, bom)


@given(st.binary(max_size=200))
def test_any_bytes_decode_and_encode_back_or_raise(data: bytes) -> None:
    try:
        decoded = decode(data, "p.md")
    except RegenError as exc:
        assert str(exc).startswith("p.md:")
        return
    assert decoded.encode() == data


# -- Updating ---------------------------------------------------------------------------------


def config(root: Path) -> Config:
    (root / "sources/blurbs").mkdir(parents=True, exist_ok=True)
    (root / "sources/blurbs" / f"{BLURB_UUID}.md").write_text("Shared\nblurb\n")
    (root / "sources/t.csv").write_text("a,b\n1,x\n2,y | z\n")
    return parse_config(
        {
            "regions": {
                UUIDS[0]: {"generator": "table", "source": "t.csv", "columns": ["a", "b"]},
                UUIDS[1]: {"generator": "keep"},
            }
        },
        root=root,
        file="regen.toml",
    )


body_lines = st.lists(
    plain_lines.filter(
        lambda s: (
            "BEGIN" not in s and "END" not in s and not s.lstrip(" ").startswith(("```", "~~~"))
        )
    ),
    max_size=4,
)


@st.composite
def valid_pages(draw: st.DrawFn) -> str:
    """Well-formed pages: text between regions of every kind, in either newline style."""
    out = []
    for _ in range(draw(st.integers(0, 5))):
        nl = draw(newlines)
        outside = draw(body_lines)
        out.append("".join(line.strip() + " text" + draw(newlines) for line in outside))
        kind = draw(st.sampled_from(["generated", "keep", "blurb"]))
        body = "".join(line + nl for line in draw(body_lines))
        if kind == "blurb":
            out.append(f"{BLURB_BEGIN % BLURB_UUID}{nl}{body}{BLURB_END}{draw(newlines)}")
        else:
            uuid = UUIDS[0] if kind == "generated" else UUIDS[1]
            out.append(f"{BEGIN % uuid}{nl}{body}{END % uuid}{draw(newlines)}")
    out.append(
        draw(
            plain_lines.filter(
                lambda s: "BEGIN" not in s and "END" not in s and "`" not in s and "~" not in s
            )
        )
    )
    return "".join(out)


def outside(text: str) -> list[str]:
    """The parts of a page outside its regions, plus each region's marker lines."""
    parts = []
    for part in scan_text(text, "p.md").parts:
        parts.extend([part.begin, part.end] if isinstance(part, Region) else [part])
    return parts


@pytest.fixture(scope="module")
def conf(tmp_path_factory: pytest.TempPathFactory) -> Config:
    return config(tmp_path_factory.mktemp("repo"))


@given(text=valid_pages())
@settings(max_examples=200, deadline=None)
def test_update_keeps_outside_bytes_and_is_idempotent(conf: Config, text: str) -> None:
    (conf.root / "sources/blurbs" / f"{BLURB_UUID}.md").write_text("Shared\nblurb\n")
    once = update_text(text, config=conf)
    assert outside(once) == outside(text)
    assert update_text(once, config=conf) == once
    for region in scan_text(once, "p.md").regions:
        body = region.body.replace("\r\n", "")
        assert "\n" not in body or region.newline == "\n"


@given(master=st.lists(any_line, max_size=8), text=valid_pages())
@settings(max_examples=200, deadline=None)
def test_what_update_writes_reads_back_the_same_way(
    conf: Config, master: list[str], text: str
) -> None:
    # Any blurb master, fences and marker lines included: update either refuses it or writes a
    # page whose regions the next run finds again, unchanged.
    (conf.root / "sources/blurbs" / f"{BLURB_UUID}.md").write_text("\n".join(master))
    try:
        once = update_text(text, config=conf)
    except RegenError as exc:
        assert all(p.path.startswith("sources/") for p in exc.problems)
        return
    before = scan_text(text, "p.md").regions
    after = scan_text(once, "p.md").regions
    assert [(r.kind, r.uuid) for r in after] == [(r.kind, r.uuid) for r in before]
    assert outside(once) == outside(text)
    assert update_text(once, config=conf) == once

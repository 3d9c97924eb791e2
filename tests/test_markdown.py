"""Rendered tables, read back by a real Markdown parser (mistune), hold exactly their cells."""

from __future__ import annotations

import re
import subprocess
import sys
from typing import Any, cast

import mistune
from hypothesis import given
from hypothesis import strategies as st

from regen.markdown import Column, escape_cell, generated_body, render_table

parse = mistune.create_markdown(renderer=None, plugins=["table"])


def text_of(node: dict[str, Any]) -> str:
    if "raw" in node:
        return str(node["raw"])
    return "".join(text_of(child) for child in node.get("children", []))


def cells(markdown: str) -> tuple[list[str], list[str | None], list[list[str]]]:
    tokens = cast(list[dict[str, Any]], parse(markdown))
    (table,) = [n for n in tokens if n["type"] == "table"]
    head, body = table["children"]
    titles = [text_of(c) for c in head["children"]]
    aligns = [c["attrs"]["align"] for c in head["children"]]
    rows = [[text_of(c) for c in row["children"]] for row in body["children"]]
    return titles, aligns, rows


def test_layout_is_the_published_one() -> None:
    lines = render_table(
        [Column("Country"), Column("Model", "center"), Column("Num", "right"), Column("X", "none")],
        [["Canada", "B404", "1", "a"]],
    )
    assert lines == [
        "| Country | Model | Num | X |",
        "| :--- | :---: | ---: | --- |",
        "| Canada | B404 | 1 | a |",
    ]
    assert generated_body(lines) == "\n" + "\n".join(lines) + "\n\n\n"


def test_escape_cell() -> None:
    assert escape_cell("a|b") == r"a\|b"
    assert escape_cell(r"already \| escaped") == r"already \| escaped"
    # Two backslashes escape each other: the '|' after them would end the cell.
    assert escape_cell(r"C:\\|share") == r"C:\\\|share"
    assert escape_cell(r"x\\\|y") == r"x\\\|y"
    assert escape_cell("two\nlines \r\n  and\rthree") == "two lines and three"


@given(st.text(alphabet=st.sampled_from("ab \\|\r\n\t")))
def test_an_escaped_cell_is_one_line_whose_every_pipe_is_escaped(text: str) -> None:
    cell = escape_cell(text)
    assert "\n" not in cell
    assert "\r" not in cell
    assert re.search(r"(?<!\\)(?:\\\\)*\|", cell) is None  # no '|' left unescaped
    if "|" not in text and "\n" not in text and "\r" not in text:
        assert cell == text


def test_a_comment_a_cell_opens_and_does_not_close_is_escaped() -> None:
    """It would hide the rows after it, up to the END marker's `--}}` or `-->`."""
    assert escape_cell("{{!-- x") == r"\{{!-- x"
    assert escape_cell("{{! x") == r"\{{! x"
    assert escape_cell("{{~!-- x") == r"\{{~!-- x"  # Handlebars' whitespace control
    assert escape_cell("<!-- x") == r"\<!-- x"
    assert escape_cell("a | {{!-- b") == r"a \| \{{!-- b"
    assert escape_cell(r"\\{{!-- x") == r"\\\{{!-- x"  # after an escaped backslash: open
    # Handlebars reads the page before Markdown: in a code span too.
    assert escape_cell("type `{{!` to start") == r"type `\{{!` to start"
    # Closed within the cell, escaped already, or text already (in a code span): the data's.
    for text in (
        "{{!-- x --}} y",
        "{{!-- x --~}}",
        "{{! x }}",
        "<!-- x -->",
        r"\{{!-- x",
        "Wow!",
        "{{> p}}",
        "start a comment with `<!--`",
        "``a ` <!-- b``",
    ):
        assert escape_cell(text) == text


def _openers_left_open(cell: str) -> list[str]:
    """Each comment opener in the cell, no odd run of backslashes before it, with no closer
    after it (cells without backticks: no code span)."""
    found = []
    closers = {"{{!--": ("--}}", "--~}}"), "{{!": ("}}",), "<!--": ("-->",)}
    for at in range(len(cell)):
        rest = cell[at:].replace("{{~!", "{{!", 1) if cell.startswith("{{~!", at) else cell[at:]
        opener = next((o for o in ("{{!--", "{{!", "<!--") if rest.startswith(o)), None)
        if opener is None:
            continue
        backslashes = len(cell[:at]) - len(cell[:at].rstrip("\\"))
        after = at + len(opener) + (1 if cell.startswith("{{~!", at) else 0)
        if backslashes % 2 == 0 and all(cell.find(c, after) < 0 for c in closers[opener]):
            found.append(opener)
    return found


_PIECES = st.sampled_from(
    ["{{!--", "{{!", "{{~!", "<!--", "--}}", "--~}}", "}}", "-->", "a", " ", "\\", "!", "|"]
)


@given(st.lists(_PIECES, max_size=12).map("".join))
def test_no_cell_leaves_a_comment_open(text: str) -> None:
    assert _openers_left_open(escape_cell(text)) == []


def test_escaping_a_cell_stays_linear_in_its_openers() -> None:
    """Each opener once looked for a closer to the end of the cell: 64,000 took about a
    minute. A guard against a hang, in a process of its own (a thread cannot stop the regex
    engine), with a generous bound, not a timing."""
    script = (
        "from regen.markdown import escape_cell\n"
        "print(escape_cell('<!--' * 64_000) == '\\\\<!--' * 64_000)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=20, check=True
    )
    assert done.stdout == "True\n"


def test_rows_after_a_cell_opening_an_html_comment_are_still_read() -> None:
    lines = render_table([Column("x")], [["<!-- a"], ["b"]])
    _, _, parsed = cells("\n".join(lines) + "\n")
    assert parsed == [["<!-- a"], ["b"]]


def test_parsed_alignment() -> None:
    lines = render_table([Column("a", "left"), Column("b", "center"), Column("c", "right")], [])
    lines.append("| 1 | 2 | 3 |")
    _, aligns, _ = cells("\n".join(lines))
    assert aligns == ["left", "center", "right"]


cell_text = st.text(
    alphabet=st.characters(
        blacklist_categories=["Cs", "Cc"],
        # Markdown syntax of its own (emphasis, code, links, escapes, entities, HTML) would be
        # parsed as such: the renderer's job is only that cells stay cells.
        blacklist_characters="\\`*_[]()<>&!#~=-+.:0123456789",
    ),
    min_size=1,
    max_size=12,
).filter(lambda s: s.strip() == s and s.strip() != "")


@given(
    st.integers(1, 4).flatmap(
        lambda n: st.lists(st.lists(cell_text, min_size=n, max_size=n), min_size=1, max_size=5)
    )
)
def test_mistune_reads_back_every_cell(rows: list[list[str]]) -> None:
    width = len(rows[0])
    columns = [Column(f"h{i}") for i in range(width)]
    titles, _, parsed = cells("\n".join(render_table(columns, rows)) + "\n")
    assert titles == [f"h{i}" for i in range(width)]
    assert parsed == rows


@given(st.lists(st.text(alphabet="ab|\\\n\r ", min_size=1, max_size=8), min_size=2, max_size=2))
def test_pipes_and_newlines_never_break_a_row(row: list[str]) -> None:
    lines = render_table([Column("x"), Column("y")], [row])
    assert len(lines) == 3
    _, _, parsed = cells("\n".join(lines) + "\n")
    assert len(parsed) == 1
    assert len(parsed[0]) == 2

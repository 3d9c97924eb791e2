"""regen.lock as text: written sorted and stable, read back exactly, merged per run, and
forgiving of a merge conflict."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from regen import lockfile
from regen.lockfile import (
    CONFLICT_MARKERS,
    UNSURE,
    Entries,
    Lines,
    LockFile,
    LockReader,
    block_digest,
    digest,
    parse_lock,
)

UUID_1 = "19f889d4-a5c9-11ec-b909-0242ac120002"
UUID_2 = "c9241a2c-76e0-11eb-9439-0242ac130002"
H1, H2, H3 = "0123456789abcdef", "fedcba9876543210", "00000000ffffffff"


def test_the_hash_ignores_the_newline_style() -> None:
    assert digest("a\r\nb\r\n") == digest("a\nb\n")
    assert digest("a\nb\n") != digest("a\nb \n")
    assert len(digest("")) == 16


def test_rendered_sorted_one_entry_a_line() -> None:
    lock = LockFile.of(
        {("docs/b.md", UUID_1): H1, ("docs/a.md", UUID_2): H2, ("docs/a.md", UUID_1): H3},
        {UUID_2: H2, UUID_1: H1},
    )
    entries = [line for line in lock.render().splitlines() if not line.startswith("#")]
    assert entries == [
        "[blurbs]",
        f"{UUID_1} {H1}",
        f"{UUID_2} {H2}",
        "[regions]",
        f"docs/a.md {UUID_1} {H3}",
        f"docs/a.md {UUID_2} {H2}",
        f"docs/b.md {UUID_1} {H1}",
    ]


def test_page_names_with_spaces_and_brackets_read_back() -> None:
    entries = {("docs/my page.md", UUID_1): H1, ("[draft].md", UUID_1): H2, ("#1.md", UUID_2): H3}
    read, problems = parse_lock(LockFile.of(entries).render())
    assert problems == []
    assert read.regions == entries


def test_a_line_that_is_no_entry_is_a_problem_at_its_line() -> None:
    text = f"[regions]\ndocs/a.md {UUID_1} {H1}\ndocs/a.md {UUID_1} not-a-hash\n"
    lock, problems = parse_lock(text)
    assert lock.regions == {("docs/a.md", UUID_1): H1}
    assert [str(p) for p in problems] == [
        "regen.lock:3: not an entry of a lock file "
        "(delete the line, or the whole file: regen update writes it again)"
    ]


def test_a_merge_conflict_drops_only_the_entries_the_sides_disagree_on() -> None:
    text = (
        "[blurbs]\n"
        f"{UUID_1} {H1}\n"
        "[regions]\n"
        "<<<<<<< HEAD\n"
        f"docs/a.md {UUID_1} {H1}\n"
        f"docs/a.md {UUID_2} {H2}\n"
        "=======\n"
        f"docs/a.md {UUID_1} {H3}\n"
        f"docs/a.md {UUID_2} {H2}\n"
        ">>>>>>> topic\n"
    )
    lock, problems = parse_lock(text)
    assert problems == []
    assert lock.regions == {("docs/a.md", UUID_2): H2}  # the disputed entry counts as none
    assert lock.blurbs == {UUID_1: H1}


@pytest.mark.parametrize("base", [False, True], ids=["merge", "diff3"])
def test_a_merge_conflict_across_the_sections_is_read_side_by_side(base: bool) -> None:
    """A hunk that begins in [blurbs] and holds [regions] on each side (both sides changed a
    blurb and a table): each side's lines are read in their own sections."""
    side = f"||||||| base\n{UUID_1} {H3}\n[regions]\n" if base else ""
    text = (
        "[blurbs]\n"
        "<<<<<<< HEAD\n"
        f"{UUID_1} {H1}\n"
        "[regions]\n"
        f"docs/a.md {UUID_2} {H1}\n"
        f"{side}"
        "=======\n"
        f"{UUID_1} {H2}\n"
        "[regions]\n"
        f"docs/a.md {UUID_2} {H2}\n"
        ">>>>>>> topic\n"
        f"docs/b.md {UUID_2} {H1}\n"
    )
    lock, problems = parse_lock(text)
    assert problems == []
    assert lock.blurbs == {}  # disputed: as if none
    assert lock.regions == {("docs/b.md", UUID_2): H1}


def test_a_partial_run_replaces_only_the_pages_it_planned() -> None:
    lock = LockFile.of({("docs/a.md", UUID_1): H1, ("docs/b.md", UUID_1): H1}, {UUID_1: H1})
    merged = lock.merged({"docs/a.md": ((UUID_2, H2),)}, {}, ["docs/a.md"], complete=False)
    assert merged.regions == {("docs/a.md", UUID_2): H2, ("docs/b.md", UUID_1): H1}
    assert merged.blurbs == {UUID_1: H1}


def test_a_complete_run_forgets_pages_and_blurbs_it_did_not_see() -> None:
    lock = LockFile.of({("docs/gone.md", UUID_1): H1}, {UUID_1: H1})
    merged = lock.merged({"docs/a.md": ((UUID_2, H2),)}, {}, ["docs/a.md"], complete=True)
    assert merged.regions == {("docs/a.md", UUID_2): H2}
    assert merged.blurbs == {}


_pages = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=20
).filter(
    # What a page name cannot start with here: a comment, or a merge conflict's marker.
    lambda p: p.strip() == p and p != "#" and not p.startswith(("# ", *CONFLICT_MARKERS))
)
_hashes = st.text("0123456789abcdef", min_size=16, max_size=16)
_uuids = st.uuids().map(str)


@given(
    st.dictionaries(st.tuples(_pages, _uuids), _hashes, max_size=8),
    st.dictionaries(_uuids, _hashes, max_size=4),
)
def test_what_is_rendered_reads_back_exactly(
    regions: dict[tuple[str, str], str], blurbs: dict[str, str]
) -> None:
    text = LockFile.of(regions, blurbs).render()
    lock, problems = parse_lock(text)
    assert problems == []
    assert (lock.regions, lock.blurbs) == (regions, blurbs)
    assert lock.render() == text


def test_a_reader_looks_up_one_page_without_reading_the_rest() -> None:
    entries = {
        ("docs/a", UUID_1): H1,
        ("docs/a b.md", UUID_1): H2,
        ("docs/a b.md", UUID_2): H3,
        ("docs/b.md", UUID_2): H1,
    }
    reader = LockReader(LockFile.of(entries).render() + "garbage\n")
    assert reader.recorded("docs/a", UUID_1) == H1
    assert reader.recorded("docs/a b.md", UUID_2) == H3
    assert reader.recorded("docs/a b.md", "nope") is None
    assert reader.recorded("docs/c.md", UUID_1) is None
    assert reader.problems == []  # the garbage is not read until a full reading
    assert [p.line for p in reader.full()[1]] == [10]


def test_a_reader_reads_a_conflicted_file_in_full() -> None:
    text = f"[regions]\n<<<<<<< HEAD\ndocs/a.md {UUID_1} {H1}\n=======\n>>>>>>> b\n"
    assert LockReader(text).recorded("docs/a.md", UUID_1) == H1
    assert LockReader(None).recorded("docs/a.md", UUID_1) is None


def test_a_disputed_duplicate_is_no_entry_in_a_quick_look_up_either() -> None:
    text = f"[regions]\ndocs/a.md {UUID_1} {H1}\ndocs/a.md {UUID_1} {H2}\ndocs/a.md {UUID_2} {H3}\n"
    reader = LockReader(text)
    assert reader.recorded("docs/a.md", UUID_1) is None
    assert reader.recorded("docs/a.md", UUID_2) == H3
    assert parse_lock(text)[0].regions == {("docs/a.md", UUID_2): H3}


@given(
    st.dictionaries(st.tuples(_pages, _uuids), _hashes, min_size=1, max_size=30),
    st.lists(_pages, max_size=5),
)
def test_a_look_up_finds_what_a_full_reading_finds(
    regions: dict[tuple[str, str], str], absent: list[str]
) -> None:
    reader = LockReader(LockFile.of(regions).render())
    pages = {page for page, _ in regions} | set(absent)
    for page in pages:
        expected = {uuid: value for (p, uuid), value in regions.items() if p == page}
        assert dict(reader.entries_of(page)) == expected


@given(
    st.dictionaries(st.tuples(_pages, _uuids), _hashes, min_size=1, max_size=30),
    st.lists(_pages, max_size=5),
    st.booleans(),
)
def test_a_look_up_in_the_file_itself_finds_what_a_full_reading_finds(
    regions: dict[tuple[str, str], str], absent: list[str], crlf: bool
) -> None:
    text = LockFile.of(regions).render()
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "regen.lock"
        file.write_bytes((text.replace("\n", "\r\n") if crlf else text).encode())
        reader = LockReader(file=file)
        for page in {page for page, _ in regions} | set(absent):
            expected = {uuid: value for (p, uuid), value in regions.items() if p == page}
            assert dict(reader.entries_of(page)) == expected
        assert reader._text is None  # never read whole


def test_a_conflicted_file_is_read_whole(tmp_path: Path) -> None:
    file = tmp_path / "regen.lock"
    ours, theirs = f"docs/a.md {UUID_1} {H1}", f"docs/a.md {UUID_1} {H2}"
    text = f"[regions]\n<<<<<<< HEAD\n{ours}\n=======\n{theirs}\n>>>>>>> b\n"
    file.write_text(text)
    reader = LockReader(file=file)
    assert reader.recorded("docs/a.md", UUID_1) is None
    assert reader._text is not None


@pytest.mark.parametrize("marker", ["<<<<<<< HEAD", "=======", ">>>>>>> b", "||||||| base"])
@pytest.mark.parametrize("where", ["first", "middle", "last"])
def test_every_conflict_marker_is_found_anywhere(tmp_path: Path, marker: str, where: str) -> None:
    lines = ["[regions]", f"docs/a.md {UUID_1} {H1}", f"docs/b.md {UUID_1} {H1}"]
    at = {"first": 0, "middle": 2, "last": 3}[where]
    file = tmp_path / "regen.lock"
    file.write_text("\n".join([*lines[:at], marker, *lines[at:]]))
    assert lockfile._conflicted(file)
    file.write_text("\n".join(lines) + f"\ndocs/c.md {UUID_1} {H1} {marker}\n")
    assert not lockfile._conflicted(file)  # a marker's text within a line is no marker
    file.write_text("\n".join(lines) + "\n")
    assert not lockfile._conflicted(file)  # no character of any marker: known at once


def test_an_empty_or_unreadable_lock_for_conflicts(tmp_path: Path) -> None:
    file = tmp_path / "regen.lock"
    file.write_text("")
    assert not lockfile._conflicted(file)
    assert lockfile._conflicted(tmp_path / "gone.lock")  # then read whole, and its problem said


def test_many_look_ups_read_the_file_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A look-up in the file itself is for a few pages: past that, and for the check for a
    # merge conflict, the file is read once, never once a page (which made an update of
    # 5,000 stale pages read a 16 MB lock 5,000 times).
    regions = {(f"docs/{n:03}.md", UUID_1): H1 for n in range(200)}
    file = tmp_path / "regen.lock"
    file.write_text(LockFile.of(regions).render())
    reads: list[Path] = []
    real = lockfile._conflicted

    def counted(checked: Path) -> bool:
        reads.append(checked)
        return real(checked)

    monkeypatch.setattr(lockfile, "_conflicted", counted)
    reader = LockReader(file=file)
    for n in range(200):
        assert reader.recorded(f"docs/{n:03}.md", UUID_1) == H1
    assert len(reads) == 1
    assert reader._text is not None  # read whole once, past the first look-ups


def test_a_page_name_with_a_line_separator_of_unicode_reads_back() -> None:
    entries = {("docs/a\u2028b\x0c.md", UUID_1): H1}
    lock, problems = parse_lock(LockFile.of(entries).render())
    assert problems == []
    assert lock.regions == entries


# A full check compares the file as it streams past ---------------------------------------------


def _by_page(regions: dict[tuple[str, str], str]) -> dict[str, lockfile.Entries]:
    pages: dict[str, dict[str, str]] = {}
    for (page, uuid), value in regions.items():
        pages.setdefault(page, {})[uuid] = value
    return {page: lockfile.entries_of(found) for page, found in pages.items()}


_MUTATIONS = st.sampled_from(
    [
        "none",
        "crlf",
        "bom",
        "drop last line",
        "garbage line",
        "conflict",
        "flip a hash",
        "no final newline",
        "duplicate a line",
        "add a page",
    ]
)


def _mutated(text: str, how: str) -> str:
    lines = text.split("\n")
    if how == "crlf":
        return text.replace("\n", "\r\n")
    if how == "bom":
        return "\ufeff" + text
    if how == "drop last line":
        return "\n".join([*lines[:-2], ""])
    if how == "garbage line":
        return text + "not an entry\n"
    if how == "conflict":
        return text + "<<<<<<< HEAD\n"
    if how == "flip a hash" and lines[-2].count(" ") >= 2:
        return "\n".join([*lines[:-2], lines[-2][:-1] + ("0" if lines[-2][-1] != "0" else "1"), ""])
    if how == "no final newline":
        return text.rstrip("\n")
    if how == "duplicate a line":
        return text + lines[-2] + "\n"
    if how == "add a page":
        return text + f"zzz/extra.md {UUID_1} {H1}\n"
    return text


def _as_a_full_check_keeps_them(
    pages: dict[str, Entries], blurbs: dict[str, str], unsure: dict[str, frozenset[str]]
) -> tuple[Lines, list[str]]:
    """The lines a full check keeps of these pages (a digest of each page's but for those
    with regions not fresh), with one unreadable page among them; and the pages, in order."""
    names = [*pages, "an unreadable page.md"]
    digests = bytearray()
    lines = Lines(blurbs=dict(blurbs), unsure=dict(unsure), digests=digests)
    for page in names:
        if page not in pages:
            lines.skip()
        elif page in unsure:
            lines.pages[page] = pages[page]
            digests += UNSURE
        else:
            digests += block_digest(page, pages[page])
    return lines, names


@given(
    st.dictionaries(st.tuples(_pages, _uuids), _hashes, max_size=8),
    st.dictionaries(_uuids, _hashes, max_size=3),
    st.sets(_uuids, max_size=2),
    _MUTATIONS,
)
def test_a_streamed_agreement_is_what_a_full_reading_finds(
    regions: dict[tuple[str, str], str], blurbs: dict[str, str], unsure: set[str], how: str
) -> None:
    pages = _by_page(regions)
    unsure_pages = {
        page: frozenset(u for u, _ in entries if u in unsure)
        for page, entries in pages.items()
        if any(u in unsure for u, _ in entries)
    }
    text = _mutated(LockFile.of(regions, blurbs).render(), how)
    every = Lines(pages=pages, blurbs=blurbs, unsure=unsure_pages)
    digested, names = _as_a_full_check_keeps_them(pages, blurbs, unsure_pages)
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "regen.lock"
        file.write_bytes(text.encode("utf-8"))
        streamed = LockReader(file=file).agrees(every.expected(()), blurbs, unsure_pages)
        full = LockReader(file=file)
        outdated = lockfile.lock_outdated(full, every, complete=True)
        if how == "none":
            assert streamed
        if streamed:
            assert not outdated
            assert full.full()[1] == []
        # What a full check keeps of the pages, their lines' digests, finds the same.
        assert LockReader(file=file).agrees(digested.expected(names), blurbs, unsure_pages) == (
            streamed
        )
        assert lockfile.lock_outdated(LockReader(file=file), digested, True, names) == outdated


@pytest.mark.parametrize(
    ("in_the_file", "agrees"),
    [
        ({("docs/a.md", UUID_1): H1, ("docs/b.md", UUID_1): H2, ("docs/c.md", UUID_1): H1}, True),
        ({("docs/a.md", UUID_1): H1, ("docs/b.md", UUID_2): H3, ("docs/c.md", UUID_1): H1}, True),
        ({("docs/a.md", UUID_1): H1, ("docs/c.md", UUID_1): H1}, True),  # b.md: no line
        ({("docs/a.md", UUID_1): H2, ("docs/b.md", UUID_1): H2, ("docs/c.md", UUID_1): H1}, False),
        ({("docs/a.md", UUID_1): H1, ("docs/b.md", UUID_1): H2}, False),  # c.md's line lost
        ({("docs/a.md", UUID_1): H1, ("docs/b0.md", UUID_1): H1, ("docs/c.md", UUID_1): H1}, False),
    ],
)
def test_the_lines_of_a_page_not_read_stand_as_they_are(
    tmp_path: Path, in_the_file: dict[tuple[str, str], str], agrees: bool
) -> None:
    """A page a full check could not read or scan (b.md): whatever the lock holds for it
    stands, in the streamed comparison and in the full reading; the others are compared."""
    names = ["docs/a.md", "docs/b.md", "docs/c.md"]
    digests = bytearray()
    lines = Lines(digests=digests)
    for page in names:
        if page == "docs/b.md":
            lines.skip()
        else:
            digests += block_digest(page, lockfile.entries_of({UUID_1: H1}))
    file = tmp_path / "regen.lock"
    file.write_text(LockFile.of(in_the_file).render(), encoding="utf-8")
    assert LockReader(file=file).agrees(lines.expected(names), {}, {}) is agrees
    assert LockFile.of(in_the_file).same_regions(lines.expected(names), {}) is agrees
    assert lockfile.lock_outdated(LockReader(file=file), lines, True, names) is not agrees


def test_a_streamed_comparison_reads_pieces_and_holds_no_text(tmp_path: Path) -> None:
    regions = {(f"docs/{n:05}.md", UUID_1): H1 for n in range(40_000)}  # 2 MB: pieces of 1 MB
    file = tmp_path / "regen.lock"
    file.write_text(LockFile.of(regions).render())
    pages = _by_page(regions)
    reader = LockReader(file=file)
    unsure = {"docs/00007.md": frozenset({UUID_1})}
    assert reader.agrees(Lines(pages=pages, unsure=unsure).expected(()), {}, unsure)
    assert reader.verified
    assert reader._text is None
    pages["docs/39999.md"] = ((UUID_1, H2),)
    assert not LockReader(file=file).agrees(Lines(pages=pages).expected(()), {}, {})

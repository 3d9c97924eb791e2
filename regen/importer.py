"""`regen import`: regions another tool maintained become sources and configuration.

A generated region holding a Markdown table becomes a CSV source and a `table` entry; a blurb
becomes its master file. Nothing is taken on trust: every candidate is built by the real
planner from what would be written and compared with the page, and a region that does not
come back byte for byte is kept as it is (a `keep` entry) and reported, never half imported.
Copies of one uuid that differ are variants: one is taken (on a page named by `prefer`, else
the most common, else the first) and the other copies are rewritten to it, so that `regen check`
passes afterwards. Nothing here writes: the plan lists the writes, for one `write_pages`.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from regen.config import Config, config_from_text
from regen.errors import Problem
from regen.generators import Registry
from regen.model import Page, Region, RegionKind, RegionResult
from regen.plan import Planner
from regen.render import render_document, with_newlines
from regen.scaffold import toml_key, toml_value, with_entries
from regen.sources import SourceCache
from regen.tablesource import NotATable, read_table
from regen.textfile import TextFile, split_lines
from regen.write import PageWrite

IMPORTED = "imported"  # the folder below the sources folder that imported CSVs go in
NEW_CONFIG_HEADER = """\
# regen's configuration, made by `regen import`. Every key is described in regen's README
# (Configuration). Pages are every .md file below this folder: narrow `pages` if need be.

pages = ["**/*.md"]
exclude = ["sources/**"]  # the sources folder holds .md files too: the blurbs' masters
"""
KEEP_HINT = (
    'its entry says generator = "keep"; give it a generator and sources to have regen build it'
)


@dataclass(frozen=True)
class Copy:
    """One region holding a uuid, on one page."""

    page: Page
    index: int  # among the page's regions

    @property
    def region(self) -> Region:
        return self.page.document.regions[self.index]

    @property
    def path(self) -> str:
        return self.page.document.path

    @property
    def line(self) -> int:
        return self.region.line

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"

    @property
    def text(self) -> str:
        r"""The body as a generator writes it: '\n' newlines (the planner gives the page's)."""
        return self.region.body.replace("\r\n", "\n")


@dataclass(frozen=True)
class Variant:
    text: str
    copies: tuple[Copy, ...]


@dataclass(frozen=True)
class Choice:
    """The variants of a uuid whose copies differ, and which one was taken and why."""

    uuid: str
    kind: RegionKind
    variants: tuple[Variant, ...]
    taken: int
    why: str

    @property
    def chosen(self) -> Variant:
        return self.variants[self.taken]


@dataclass(frozen=True)
class Imported:
    uuid: str
    kind: RegionKind
    copies: tuple[Copy, ...]
    file: str  # the CSV or the blurb master written, relative to the root
    choice: Choice | None  # when the copies differed

    @property
    def first(self) -> Copy:
        chosen = self.choice.chosen.copies if self.choice is not None else self.copies
        return chosen[0]


@dataclass(frozen=True)
class Rewrite:
    """A copy rewritten to the variant taken (or, normalised, to regen's own layout of the
    same table): the region, and its new body."""

    copy: Copy
    result: RegionResult
    normalized: bool = False  # the variant taken itself, laid out anew


@dataclass(frozen=True)
class Left:
    """A region not imported, with why; reported as a problem is, but not one."""

    uuid: str
    kind: RegionKind
    copies: tuple[Copy, ...]
    why: str

    def lines(self) -> list[str]:
        what = "blurb" if self.kind is RegionKind.BLURB else "region"
        return [
            str(Problem(c.path, c.line, f"{what} {self.uuid} kept as it is: {self.why}", KEEP_HINT))
            for c in self.copies
        ]

    def entry(self, prefix: str) -> str:
        """A `keep` entry: regen knows the region, and leaves it as the page has it."""
        return (
            f"# Kept as it is by regen import ({self.copies[0].path}:{self.copies[0].line}):"
            f' {self.why}\n[{prefix}regions."{self.uuid}"]\ngenerator = "keep"\n'
        )


@dataclass(frozen=True)
class ImportPlan:
    """What `regen import` found and would write."""

    config_file: str  # as shown
    config_created: bool  # no configuration existed: regen.toml is made
    imported: tuple[Imported, ...] = ()
    left: tuple[Left, ...] = ()
    rewritten: tuple[Rewrite, ...] = ()  # copies rewritten to the variant taken
    skipped: int = 0  # uuids already configured, blurbs that have a master
    writes: tuple[PageWrite, ...] = ()
    problems: tuple[Problem, ...] = ()
    written: tuple[str, ...] = field(default=())
    # Copies of a blurb that has a master already, whose text differs from it: kept, and
    # recorded in regen.lock as the master, so that their text is a hand edit (never written
    # over in silence), not a stale copy.
    drifted: tuple[Copy, ...] = ()

    @property
    def choices(self) -> tuple[Choice, ...]:
        return tuple(i.choice for i in self.imported if i.choice is not None)

    def count(self, kind: RegionKind) -> int:
        return sum(1 for i in self.imported if i.kind is kind)


def plan_import(
    config: Config,
    pages: Sequence[Page],
    registry: Registry,
    *,
    prefer: Sequence[str] = (),
    config_created: bool = False,
    only: frozenset[str] | None = None,
    normalize: bool = False,
) -> ImportPlan:
    """What to import from `pages` (scanned already) and the writes that do it. `prefer`
    names pages (relative to the root) whose variant is taken when copies differ; `only`, the
    uuids to consider (those on the pages named: the others' copies inform the choice).
    `normalize`: a table whose cells regen reads but whose layout it would write otherwise
    (`|---|`, padding, other blank lines) is imported, and rewritten in regen's layout."""
    root = config.root.resolve()
    groups: dict[str, list[Copy]] = defaultdict(list)
    for page in pages:
        for index, region in enumerate(page.document.regions):
            groups[region.uuid].append(Copy(page, index))
    skipped, left, candidates, drifted = 0, [], [], []
    for uuid, copies in groups.items():
        if only is not None and uuid not in only:
            continue  # on none of the pages named: their copies were read to choose well
        kinds = {c.region.kind for c in copies}
        configured = uuid in config.regions or uuid in config.broken
        mastered = kinds == {RegionKind.BLURB} and (root / config.master(uuid)).exists()
        if configured or mastered:
            skipped += 1
            if mastered:
                drifted += _drifted_from(root / config.master(uuid), copies)
        elif len(kinds) > 1:
            why = "its uuid marks both generated regions and shared blurbs"
            left.append(Left(uuid, RegionKind.GENERATED, tuple(copies), why))
        else:
            candidates.append(_choose(uuid, kinds.pop(), copies, prefer))

    # What each candidate would write: a CSV and an entry, or a blurb master.
    files: dict[str, tuple[str, str]] = {}  # uuid: (path, text)
    entries: dict[str, str] = {}
    for choice in candidates:
        copy = choice.chosen.copies[0]
        if choice.kind is RegionKind.BLURB:
            files[choice.uuid] = (config.master(choice.uuid), choice.chosen.text)
            continue
        try:
            table = read_table(choice.chosen.text)
        except NotATable as exc:
            left.append(Left(choice.uuid, choice.kind, _all(choice), str(exc)))
            continue
        name = f"{IMPORTED}/{choice.uuid}.csv"
        files[choice.uuid] = (posixpath.normpath(f"{config.sources}/{name}"), table.csv_text())
        entries[choice.uuid] = _entry(config.prefix, choice.uuid, table.options(name), copy)

    problems = [
        Problem(path, None, "already exists, and regen import does not replace it", _MOVE_HINT)
        for path, _ in files.values()
        if (root / path).exists() or (root / path).is_symlink()
    ]
    if problems:
        return ImportPlan(config.file, config_created, left=tuple(left), problems=tuple(problems))

    # Prove each candidate: build it with the real planner from what would be written.
    config_path = root / config.file
    header = NEW_CONFIG_HEADER if config_created else ""
    would_be = _config_of(config_path, list(entries.values()), header)
    cache = SourceCache(root)
    for path, text in files.values():
        cache.give(path, text)
    planner = Planner(would_be, registry, cache)
    imported: list[Imported] = []
    rewritten: list[Rewrite] = []
    for choice in candidates:
        if choice.kind is RegionKind.GENERATED and choice.uuid not in entries:
            continue  # not a table: left already
        outcome = _prove(planner, choice, normalize)
        if isinstance(outcome, str):
            left.append(Left(choice.uuid, choice.kind, _all(choice), outcome))
            entries.pop(choice.uuid, None)
            del files[choice.uuid]
            continue
        rewritten.extend(outcome)
        several = choice if len(choice.variants) > 1 else None
        file = files[choice.uuid][0]
        imported.append(Imported(choice.uuid, choice.kind, _all(choice), file, several))

    writes = [
        PageWrite(root / path, TextFile(text).encode(), path, None) for path, text in files.values()
    ]
    # What cannot be imported is kept as it is, by an entry of its own: regen then knows every
    # region, and `regen check` passes on the tree as it was.
    left.sort(key=lambda x: (x.copies[0].path, x.copies[0].line))
    added = [*entries.values(), *(x.entry(config.prefix) for x in left)]
    # A tree with regions needs a configuration, even when they are all blurbs with masters
    # already; a tree without any gets none.
    config_created = config_created and bool(imported or left or skipped)
    if added or config_created:
        writes.append(with_entries(config_path, added, header))
    writes.extend(_page_writes(rewritten))
    return ImportPlan(
        config.file,
        config_created,
        tuple(sorted(imported, key=lambda i: (i.first.path, i.first.line))),
        tuple(left),
        tuple(rewritten),
        skipped,
        tuple(writes),
        drifted=tuple(sorted(drifted, key=lambda c: (c.path, c.line))),
    )


_MOVE_HINT = "move it away, or configure the region by hand"


def _drifted_from(master: Path, copies: Sequence[Copy]) -> list[Copy]:
    """The copies whose text is not the master's (as the blurb generator reads it)."""
    try:
        text = master.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    except (OSError, UnicodeDecodeError):
        return []  # the run that builds it says why
    text = text if text.endswith("\n") or not text else text + "\n"
    return [copy for copy in copies if copy.text != text]


def _all(choice: Choice) -> tuple[Copy, ...]:
    copies = [c for v in choice.variants for c in v.copies]
    return tuple(sorted(copies, key=lambda c: (c.path, c.line)))


def _choose(uuid: str, kind: RegionKind, copies: Sequence[Copy], prefer: Sequence[str]) -> Choice:
    """Group the copies by text; take the variant on the first `prefer` page that holds one,
    else the most common, else (a tie) the one seen first: copies come in page order."""
    by_text: dict[str, list[Copy]] = {}
    for copy in copies:
        by_text.setdefault(copy.text, []).append(copy)
    variants = tuple(Variant(text, tuple(group)) for text, group in by_text.items())
    for page in prefer:
        for index, variant in enumerate(variants):
            if any(c.path == page for c in variant.copies):
                return Choice(uuid, kind, variants, index, f"the one on {page}, as --prefer says")
    counts = [len(v.copies) for v in variants]
    taken = counts.index(max(counts))
    why = "the most common" if counts.count(max(counts)) == 1 else "the first of the most common"
    return Choice(uuid, kind, variants, taken, why)


def _entry(prefix: str, uuid: str, options: dict[str, Any], copy: Copy) -> str:
    """A `table` entry, its columns one a line, below a comment saying where it came from."""
    lines = [
        f"# Imported from {copy.where}",
        f'[{prefix}regions."{uuid}"]',
        'generator = "table"',
    ]
    for key, value in options.items():
        if key == "columns":
            lines.append("columns = [")
            lines.extend(f"    {toml_value(column)}," for column in value)
            lines.append("]")
        else:
            lines.append(f"{toml_key(key)} = {toml_value(value)}")
    return "\n".join(lines) + "\n"


def _config_of(config_path: Path, entries: list[str], header: str) -> Config:
    """The configuration as it will read once the entries are appended."""
    write = with_entries(config_path, entries, header)
    return config_from_text(write.data.decode("utf-8-sig"), config_path)


def _prove(planner: Planner, choice: Choice, normalize: bool = False) -> list[Rewrite] | str:
    """The copies to rewrite when the chosen variant is rebuilt exactly (or, with `normalize`,
    at all: then its own copies are rewritten in regen's layout too), else why it is not."""
    copy = choice.chosen.copies[0]
    spec = planner.spec_for(copy.region)
    before = len(planner.problems)
    built = None if spec is None else planner.build(copy.region, spec, copy.path)
    if built is None or built.body is None:
        found = planner.problems[before:]
        return f"regen cannot build it ({found[0].message})" if found else "regen cannot build it"
    rewritten: list[Rewrite] = []
    for variant in choice.variants:
        for other in variant.copies:
            body = with_newlines(built.body, other.region.newline)
            if body == other.region.body:
                continue
            taken = variant is choice.chosen
            if taken and not normalize:  # the text taken does not come back: not imported
                return _difference(other, body)
            result = RegionResult(other.path, other.region, spec, body, built.inputs)
            rewritten.append(Rewrite(other, result, normalized=taken))
    return rewritten


def _difference(copy: Copy, built: str) -> str:
    """Why the body regen builds is not the region's, as one clause: the first line of text
    that differs, else the empty lines around it, else the line endings."""
    have = [line.rstrip("\r\n") for line in split_lines(copy.region.body)]
    want = [line.rstrip("\r\n") for line in split_lines(built)]
    if have == want:
        return "its line endings are mixed, and regen writes the BEGIN line's throughout"
    written = [(i, h) for i, h in enumerate(have) if h.strip()]
    wanted = [w for w in want if w.strip()]
    for (index, line), expected in zip(written, wanted, strict=False):
        if line != expected:
            number = copy.region.body_line + index
            return f"line {number} reads '{_short(line)}', where regen writes '{_short(expected)}'"
    if len(written) != len(wanted):
        return "regen builds it with other lines"
    return "regen writes one empty line before the table and two after it, and it has not"


def _short(line: str, width: int = 60) -> str:
    return line if len(line) <= width else line[: width - 3] + "..."


def _page_writes(rewritten: Sequence[Rewrite]) -> list[PageWrite]:
    """The pages holding rewritten copies, each with those copies' new bodies."""
    by_page: dict[str, list[Rewrite]] = defaultdict(list)
    for rewrite in rewritten:
        by_page[rewrite.copy.path].append(rewrite)
    writes = []
    for path, rewrites in by_page.items():
        page = rewrites[0].copy.page
        new = {r.copy.index: r.result.new_body for r in rewrites}
        bodies = [
            body if (body := new.get(index)) is not None else region.body
            for index, region in enumerate(page.document.regions)
        ]
        text = render_document(page.document, bodies)
        encoded = TextFile(text, page.source.bom).encode()
        writes.append(PageWrite(page.file, encoded, path, page.source.encode()))
    return writes

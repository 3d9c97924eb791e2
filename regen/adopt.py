"""`regen adopt PAGE:LINE`: a blurb copy edited by hand becomes the blurb's master."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from regen.config import Config
from regen.errors import RegenError
from regen.model import Page, Region, RegionKind
from regen.sources import unmerged
from regen.textfile import TextFile, decode, split_lines
from regen.write import PageWrite


def region_at(page: Page, line: int) -> Region:
    """The region whose markers or body hold `line`."""
    for region in page.document.regions:
        last = region.line + len(split_lines(region.join())) - 1
        if region.line <= line <= last:
            return region
    raise RegenError.at(
        page.document.path,
        line,
        "no region here",
        "name a line of a blurb: its BEGIN marker, its text or its END marker",
    )


@dataclass(frozen=True)
class Adoption:
    uuid: str  # the blurb's
    master: str  # its master file, relative to the root
    text: str  # the adopted copy, as the master will hold it
    write: PageWrite | None  # the master with that text; None when it holds it already


def master_from_copy(config: Config, root: Path, page: Page, line: int) -> Adoption:
    """The master file of the blurb at `page`:`line`, holding that copy's text; in the
    master's own newline style and BOM when it exists."""
    region = region_at(page, line)
    where = page.document.path
    if region.kind is not RegionKind.BLURB:
        spec = config.regions.get(region.uuid)
        if spec is not None and spec.generator == "keep":
            hint = "regen keeps that region as the page has it: the edit is already in place"
        else:
            hint = "a generated region is built from its sources: make the change there"
        raise RegenError.at(where, region.line, f"region {region.uuid} is not a blurb", hint)
    shown = config.master(region.uuid)
    file = root / shown
    text = region.body.replace("\r\n", "\n")
    conflict = unmerged(text, where, "the text", offset=region.line, markdown=True)
    if conflict is not None:  # a merge left both sides here: not a text anyone wrote
        raise conflict
    try:
        old: bytes | None = file.read_bytes()
    except FileNotFoundError:
        old = None
    except OSError as exc:
        raise RegenError.at(
            shown, None, f"cannot read: {exc.strerror}", "check its permissions"
        ) from None
    if old is None:
        return Adoption(region.uuid, shown, text, PageWrite(file, text.encode(), shown, None))
    current = decode(old, shown)
    crlf = "\r\n" in current.text
    data = TextFile(text.replace("\n", "\r\n") if crlf else text, current.bom).encode()
    # The copy is the master already: nothing to write (the file keeps its time).
    write = None if data == old else PageWrite(file, data, shown, old)
    return Adoption(region.uuid, shown, text, write)

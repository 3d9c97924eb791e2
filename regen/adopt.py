"""`regen adopt PAGE:LINE`: a blurb copy edited by hand becomes the blurb's master."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from regen.config import Config
from regen.errors import RegenError
from regen.model import Page, Region, RegionKind
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
    write: PageWrite  # its master file, holding the adopted copy


def master_from_copy(config: Config, root: Path, page: Page, line: int) -> Adoption:
    """The master file of the blurb at `page`:`line`, holding that copy's text; in the
    master's own newline style and BOM when it exists."""
    region = region_at(page, line)
    where = page.document.path
    if region.kind is not RegionKind.BLURB:
        raise RegenError.at(
            where,
            region.line,
            f"region {region.uuid} is generated, not a blurb",
            "a generated region is built from its sources: make the change there",
        )
    shown = f"{config.blurbs}/{region.uuid}.md"
    file = root / shown
    text = region.body.replace("\r\n", "\n")
    try:
        old: bytes | None = file.read_bytes()
    except FileNotFoundError:
        old = None
    except OSError as exc:
        raise RegenError.at(
            shown, None, f"cannot read: {exc.strerror}", "check its permissions"
        ) from None
    if old is None:
        return Adoption(region.uuid, PageWrite(file, TextFile(text).encode(), shown, None))
    current = decode(old, shown)
    if "\r\n" in current.text:
        text = text.replace("\n", "\r\n")
    write = PageWrite(file, TextFile(text, current.bom).encode(), shown, old)
    return Adoption(region.uuid, write)

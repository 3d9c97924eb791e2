"""Regions edited by hand: what may be overwritten, and what the edit was."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from regen.errors import Problem, RegenError
from regen.git import file_at
from regen.lockfile import digest
from regen.model import RegionKind, RegionResult, Status
from regen.scan import scan_text


@dataclass(frozen=True)
class Policy:
    """What to do with regions edited by hand."""

    keep_edited: bool = False  # refuse to rebuild an edited generated region
    force: bool = False  # overwrite an edited blurb copy with its master
    adopted: str | None = None  # page:line of the copy `regen adopt` makes the master


def edit_problems(results: Iterable[RegionResult], policy: Policy) -> Iterator[Problem]:
    """Why the hand edits found cannot be overwritten, if they cannot."""
    copies: dict[str, list[RegionResult]] = {}
    for result in results:
        if not result.status.edited:
            continue
        if result.region.kind is RegionKind.BLURB:
            if not policy.force:
                copies.setdefault(result.region.uuid, []).append(result)
        elif policy.keep_edited:
            yield Problem(
                result.path,
                result.region.line,
                f"region {result.region.uuid} was edited by hand since regen wrote it",
                "make the change in its sources, or run without --keep-edited to discard it",
            )
    for uuid, edited in copies.items():
        first = f"{edited[0].path}:{edited[0].region.line}"
        if policy.adopted is not None:  # another copy than the one adopted, edited otherwise
            for result in edited:
                yield Problem(
                    result.path,
                    result.region.line,
                    f"blurb {uuid} was edited here too, otherwise than the copy adopted",
                    f"regen adopt {policy.adopted} --force overwrites this edit with it",
                )
            continue
        if len({digest(r.region.body) for r in edited}) > 1:
            places = ", ".join(f"{r.path}:{r.region.line}" for r in edited)
            yield Problem(
                edited[0].path,
                edited[0].region.line,
                f"blurb {uuid} was edited differently in {places}",
                f"keep one edit: regen adopt {first} --force makes that copy the master and "
                "overwrites the others; regen update --force overwrites them all with the master",
            )
            continue
        for result in edited:
            where = f"{result.path}:{result.region.line}"
            yield Problem(
                result.path,
                result.region.line,
                f"blurb {uuid} was edited here since regen last spread it",
                f"regen adopt {where} makes this copy the master and spreads it; "
                "regen update --force overwrites it with the master",
            )


def last_written(root: Path, result: RegionResult) -> str | None:
    """What regen last wrote in a region edited by hand: the rebuilt body when its sources did
    not change since; else the body git's HEAD holds there, if it is the one regen.lock
    names. None when neither is known."""
    if result.status is Status.EDITED:
        return result.new_body
    if result.recorded is None:
        return None
    try:
        text = file_at(root, result.path, "HEAD")
        document = None if text is None else scan_text(text, result.path)
    except RegenError:  # not a git repository, or a page HEAD cannot read
        return None
    for region in document.regions if document else ():
        if region.uuid == result.region.uuid and digest(region.body) == result.recorded:
            return region.body
    return None

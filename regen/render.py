"""Splice new bodies back into a page. Pure: text in, text out."""

from __future__ import annotations

from collections.abc import Sequence

from regen.model import Document, Region


def with_newlines(body: str, newline: str) -> str:
    r"""A generator's '\n'-separated body in the region's own newline style."""
    return body if newline == "\n" else body.replace("\n", newline)


def render_document(document: Document, bodies: Sequence[str]) -> str:
    """The page with each region's body replaced, in order; everything else is kept as is."""
    regions = document.regions
    if len(bodies) != len(regions):
        raise ValueError(f"{len(regions)} regions but {len(bodies)} bodies")
    new_bodies = iter(bodies)
    out: list[str] = []
    for part in document.parts:
        if isinstance(part, Region):
            out.append(part.begin + next(new_bodies) + part.end)
        else:
            out.append(part)
    return "".join(out)

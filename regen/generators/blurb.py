"""`blurb`: shared text kept once, in <blurbs>/<uuid>.md, copied into every region with the uuid."""

from __future__ import annotations

from regen.errors import RegenError
from regen.generators import Context, Rendered
from regen.sources import SourceNotFound


class BlurbGenerator:
    summary = "copies the master text `<blurbs>/<uuid>.md` into every region with that uuid"

    def render(self, context: Context) -> Rendered:
        context.options.only()
        master = f"{context.blurbs_dir}/{context.spec.uuid}.md"
        try:
            text = context.cache.text(master)
        except SourceNotFound:
            page, line = context.used_at
            raise RegenError.at(
                page,
                line,
                f"blurb {context.spec.uuid} has no master text {master}",
                "create it with the blurb's text, or fix the uuid",
            ) from None
        # The END marker must start a line of its own.
        body = text if text.endswith("\n") or not text else text + "\n"
        return Rendered(body, (master,))

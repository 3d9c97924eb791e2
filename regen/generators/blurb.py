"""`blurb`: shared text kept once, in <blurbs>/<uuid>.md, copied into every region with the uuid."""

from __future__ import annotations

from regen.config import master_path
from regen.errors import RegenError
from regen.generators import Context, Job
from regen.sources import SourceNotFound, unmerged


class BlurbGenerator:
    summary = "copies the master text `<blurbs>/<uuid>.md` into every region with that uuid"
    cacheable = True  # the body depends on the options and inputs alone

    def prepare(self, context: Context) -> Job:
        context.options.only()
        master = master_path(context.blurbs_dir, context.spec.uuid)

        def build() -> str:
            try:
                text = context.cache.text(master).replace("\r\n", "\n")
            except SourceNotFound:
                page, line = context.used_at
                raise RegenError.at(
                    page,
                    line,
                    f"blurb {context.spec.uuid} has no master text {master}",
                    "create it with the blurb's text, or fix the uuid",
                ) from None
            conflict = unmerged(text, master, "the text", markdown=True)
            if conflict is not None:  # never spread to every page
                raise conflict
            # The END marker must start a line of its own.
            return text if text.endswith("\n") or not text else text + "\n"

        return Job((master,), build)

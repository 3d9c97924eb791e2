"""`blurb`: shared text kept once, in <blurbs>/<uuid>.md, copied into every region with the uuid."""

from __future__ import annotations

from regen.generators import Context


class BlurbGenerator:
    summary = "copies the master text `<blurbs>/<uuid>.md` into every region with that uuid"

    def _path(self, context: Context) -> str:
        context.options.only("file")
        default = f"{context.blurbs_dir}/{context.spec.uuid}.md"
        return context.options.get("file", default).string()

    def inputs(self, context: Context) -> tuple[str, ...]:
        return (self._path(context),)

    def render(self, context: Context) -> str | None:
        text = context.cache.text(self._path(context))
        # The END marker must start a line of its own.
        return text if text.endswith("\n") or not text else text + "\n"

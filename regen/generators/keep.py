"""`keep`: leave the region's body exactly as the page has it.

For a region whose generator is not written yet: the uuid is known (so it is not an error),
and nothing in it is ever changed.
"""

from __future__ import annotations

from regen.generators import Context, Job


class KeepGenerator:
    summary = "leaves the region's body exactly as it is (a placeholder for a future generator)"

    def prepare(self, context: Context) -> Job:
        context.options.only()
        return Job((), lambda: None)

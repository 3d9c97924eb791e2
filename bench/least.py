"""The least time a cold `regen check` of a corpus could take, from the steps it cannot skip,
each measured alone: starting up, parsing the configuration, finding the pages, building every
region once and reading every page. Scanning and planning count as free.

    python bench/least.py CORPUS

Every step is timed as its fastest of several runs in a warm process (its imports and its
patterns already made), so the sums are generous: a real cold run pays more for each. `make
bench` runs it on each corpus with the files in memory and prints its table into BENCHMARKS.md.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

PYTHON = sys.executable
FLOOR = Path(__file__).parent / "floor.py"
START_UP = [PYTHON, "-c", "import regen.cli"]  # the interpreter, click and regen's modules


def fastest(step: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return min(times)


def process(command: Sequence[str], cwd: Path, runs: int) -> float:
    """The median wall time of `command`, each run in a fresh process (as the bench times)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


@dataclass
class Least:
    floor: float  # the floor's median, in seconds
    steps: list[tuple[str, float]]  # start-up first, reading the pages last

    @property
    def serial(self) -> float:
        """Only the reading shared between two cores; the other steps one after another."""
        return sum(seconds for _, seconds in self.steps) - self.steps[-1][1] / 2

    @property
    def shared(self) -> float:
        """Every step after start-up shared perfectly between two cores."""
        start_up = self.steps[0][1]
        return start_up + sum(seconds for _, seconds in self.steps[1:]) / 2

    def markdown(self) -> list[str]:
        lines = [
            "| Step | Time (s) | × floor |",
            "| :--- | ---: | ---: |",
            f"| floor (read + one regex), median | {self.floor:.3f} | 1.00 |",
        ]
        lines += [f"| {name} | {s:.3f} | {s / self.floor:.2f} |" for name, s in self.steps]
        return [
            *lines,
            "",
            f"- With the pages read on two cores and the other steps one after another: "
            f"{self.serial:.3f} s, {self.serial / self.floor:.2f}× the floor.",
            f"- With every step after start-up shared perfectly between two cores: "
            f"{self.shared:.3f} s, {self.shared / self.floor:.2f}× the floor.",
        ]


def least(root: Path, runs: int = 15) -> Least:
    """Time the floor and each step a cold check of the corpus at `root` cannot skip."""
    from regen.config import config_from_text
    from regen.discover import discover
    from regen.generators import default_registry
    from regen.plan import Planner
    from regen.sources import SourceCache

    config_file = root / "regen.toml"
    text = config_file.read_text(encoding="utf-8")
    config = config_from_text(text, config_file)
    names = discover(config)

    def read_pages() -> None:
        for name in names:
            with open(root / name, "rb", buffering=0) as page:
                page.read().decode("utf-8")

    def build() -> None:  # no body cache: every configured region and blurb is built
        Planner(config, default_registry(), SourceCache(config.root)).prebuild()

    return Least(
        process([PYTHON, str(FLOOR), "docs"], root, runs),
        [
            ("start-up: `python -c 'import regen.cli'`", process(START_UP, root, runs)),
            ("parse the configuration", fastest(lambda: config_from_text(text, config_file), runs)),
            ("find the pages", fastest(lambda: discover(config), runs)),
            (f"build every region ({len(config.regions)} configured)", fastest(build, runs)),
            (f"read every page ({len(names):,})", fastest(read_pages, max(3, runs // 3))),
        ],
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    print("\n".join(least(Path(args[0]).resolve()).markdown()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

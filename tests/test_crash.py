"""Crash consistency: `regen update` killed with SIGKILL at random points leaves every page
exactly old or exactly new, and the next run removes its temp files and finishes the job.

A handful of kills run in the normal suite; `make crash` runs a hundred or more
(REGEN_CRASH_RUNS)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import TABLE, UUID_A, Repo
from tests.conftest import region as generated

RUNS = int(os.environ.get("REGEN_CRASH_RUNS", "5"))
PAGES = 120
# Pages of some size, so that writing them takes a while.
FILLER = "Prose that is kept byte for byte.\n" * 200
OLD = FILLER + generated(UUID_A, "old\n") + FILLER
NEW = FILLER + generated(UUID_A, TABLE) + FILLER


def start(root: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "regen", "update", "-q"],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_sigkill_never_leaves_a_mix(repo: Repo) -> None:
    pages = [repo.write(f"docs/p{n:03d}.md", OLD) for n in range(PAGES)]
    began = time.perf_counter()
    assert start(repo.root).wait() == 0
    whole = time.perf_counter() - began
    rng = random.Random(20261127)
    states: set[str] = set()
    for _ in range(RUNS):
        for page in pages:
            page.write_text(OLD)
        process = start(repo.root)
        # Most of a run is starting and planning: aim the kills at its second half.
        time.sleep(rng.uniform(0.4, 1.1) * whole)
        process.send_signal(signal.SIGKILL)
        process.wait()
        texts = [page.read_text() for page in pages]
        assert set(texts) <= {OLD, NEW}, "a page is neither old nor new"
        states.add("old" if NEW not in texts else "new" if OLD not in texts else "mixed")
        assert start(repo.root).wait() == 0, "the next run did not finish the job"
        assert all(page.read_text() == NEW for page in pages)
        assert not list((repo.root / "docs").glob(".*.regen-tmp")), "temp files were left"
    # Print which states the kills left (old/new/mixed: some pages new, some old, each whole).
    print(f"killed {RUNS} runs, leaving: {sorted(states)}")

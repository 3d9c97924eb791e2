"""The bench's own parts (bench/): its corpus is the same from the same seed and is one regen
checks clean once updated, and bench/least.py times every step it names. `make bench` itself
takes minutes and is not run here; these catch a change to regen that would break it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).parent.parent / "bench"
sys.path.insert(0, str(BENCH))

from corpus import build  # noqa: E402
from least import least  # noqa: E402


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bench") / "corpus"
    build(root, 12)
    return root


def test_the_corpus_is_the_same_from_the_same_seed(corpus: Path, tmp_path: Path) -> None:
    build(tmp_path / "again", 12)
    assert files(tmp_path / "again") == files(corpus)
    build(tmp_path / "other", 12, seed=1)
    assert files(tmp_path / "other") != files(corpus)


def test_the_corpus_has_eight_regions_a_page_that_regen_fills(tmp_path: Path) -> None:
    root = tmp_path / "filled"
    build(root, 12)
    regen = [sys.executable, "-m", "regen", "--no-cache"]
    subprocess.run([*regen, "update", "-q"], cwd=root, check=True)
    done = subprocess.run([*regen, "check"], cwd=root, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "all 96 regions in 12 pages up to date" in done.stdout


def test_least_times_every_step_and_sums_them(corpus: Path) -> None:
    found = least(corpus, runs=1)
    assert [name for name, _ in found.steps] == [
        "start-up: `python -c 'import regen.cli'`",
        "parse the configuration",
        "find the pages",
        "build every region (260 configured)",
        "read every page (12)",
    ]
    assert found.floor > 0
    assert all(seconds > 0 for _, seconds in found.steps)
    start_up, config, pages, building, read = (seconds for _, seconds in found.steps)
    assert found.serial == pytest.approx(start_up + config + pages + building + read / 2)
    assert found.shared == pytest.approx(start_up + (config + pages + building + read) / 2)
    lines = found.markdown()
    assert lines[2] == f"| floor (read + one regex), median | {found.floor:.3f} | 1.00 |"
    assert lines[-1].endswith(f"{found.shared:.3f} s, {found.shared / found.floor:.2f}× the floor.")


def test_least_builds_every_region_it_times(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from regen.plan import Planner

    built: list[int] = []
    prebuild = Planner.prebuild

    def counted(self: Planner) -> None:
        prebuild(self)
        built.append(len(self._built))

    monkeypatch.setattr(Planner, "prebuild", counted)
    least(corpus, runs=2)
    masters = len(list((corpus / "sources" / "blurbs").glob("*.md")))
    assert masters == 44  # the corpus's 40 and the embedded default's own
    assert built == [260 + masters] * 2  # every configured region and every blurb, each run

"""The embedded default: the vendor's page, rebuilt from sources/ byte for byte, and regen's
own README, whose tables are regen regions fed from sources/regen/."""

from __future__ import annotations

import csv
import hashlib
import shutil
from pathlib import Path

import pytest

from regen.cli import main
from regen.errors import ExitCode
from regen.generators import builtin_registry
from regen.render import render_document
from regen.scan import scan_text

ROOT = Path(__file__).parent.parent
PAGE = "docs/b-series-from-boron-migration-guide.md"
SEED = ROOT.parent / "shared" / "seed" / "000_91472b27cfc37b56.txt"


# The seed's SHA-256, so that the copy is checked where ../shared is not beside the checkout.
SEED_SHA256 = "b1095c3a89ef5eeb8f629e9dc2842d71914f7d3372242c74b0355c244a9ed021"
PIN_COMPARISON = "09a7da10-a5d0-11ec-b909-0242ac120002"  # empty on the seed, filled by regen


def with_empty_pin_comparison(page: bytes) -> bytes:
    """The page as the seed has it: the pin comparison region's body three empty lines."""
    document = scan_text(page.decode("utf-8"), PAGE)
    bodies = ["\n\n\n" if r.uuid == PIN_COMPARISON else r.body for r in document.regions]
    return render_document(document, bodies).encode("utf-8")


def test_page_is_the_seed_but_for_the_pin_comparison() -> None:
    page = (ROOT / PAGE).read_bytes()
    seed = with_empty_pin_comparison(page)
    assert hashlib.sha256(seed).hexdigest() == SEED_SHA256
    if SEED.exists():
        assert seed == SEED.read_bytes()
    (region,) = [r for r in scan_text(page.decode(), PAGE).regions if r.uuid == PIN_COMPARISON]
    assert region.body == (ROOT / "tests/published/full-comparison-09a7da10.md").read_text()


def test_repository_is_up_to_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["check"]) == ExitCode.OK


@pytest.mark.parametrize("page", sorted(p.name for p in (ROOT / "docs").glob("*.md")))
def test_emptied_regions_are_rebuilt_exactly(
    page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("regen.toml", "README.md"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "sources", tmp_path / "sources")
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    original = (ROOT / "docs" / page).read_bytes()
    document = scan_text(original.decode("utf-8"), page)
    emptied = render_document(document, ["" for _ in document.regions])
    (tmp_path / "docs" / page).write_text(emptied, encoding="utf-8", newline="")
    monkeypatch.chdir(tmp_path)

    assert main(["update"]) == ExitCode.OK
    assert (tmp_path / "docs" / page).read_bytes() == original
    assert document.regions


def test_seed_page_from_the_seed_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # What `make regen` does on a fresh copy of the seed: only the pin comparison changes.
    shutil.copy(ROOT / "regen.toml", tmp_path / "regen.toml")
    shutil.copytree(ROOT / "sources", tmp_path / "sources")
    (tmp_path / "docs").mkdir()
    seed = with_empty_pin_comparison((ROOT / PAGE).read_bytes())
    (tmp_path / PAGE).write_bytes(seed)
    monkeypatch.chdir(tmp_path)
    assert main(["update", PAGE]) == ExitCode.OK
    assert (tmp_path / PAGE).read_bytes() == (ROOT / PAGE).read_bytes()


def test_readme_exit_codes_match_the_code() -> None:
    with (ROOT / "sources/regen/exit-codes.csv").open(newline="", encoding="utf-8") as f:
        rows = {(int(r["code"]), r["name"]) for r in csv.DictReader(f)}
    assert rows == {(int(code), code.name) for code in ExitCode}


def test_readme_generators_match_the_registry() -> None:
    with (ROOT / "sources/regen/generators.csv").open(newline="", encoding="utf-8") as f:
        rows = {r["name"]: r["summary"] for r in csv.DictReader(f)}
    assert rows == {name: g.summary for name, g in builtin_registry().items()}

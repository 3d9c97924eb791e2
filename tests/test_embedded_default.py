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
from regen.model import Region
from regen.render import render_document
from regen.scan import scan_text

ROOT = Path(__file__).parent.parent
PAGE = "docs/b-series-from-boron-migration-guide.md"
SEED = ROOT.parent / "shared" / "seed" / "000_91472b27cfc37b56.txt"


# The seed's SHA-256, so that the copy is checked where ../shared is not beside the checkout.
SEED_SHA256 = "b1095c3a89ef5eeb8f629e9dc2842d71914f7d3372242c74b0355c244a9ed021"


def test_page_is_a_verbatim_copy_of_the_seed() -> None:
    page = (ROOT / PAGE).read_bytes()
    assert hashlib.sha256(page).hexdigest() == SEED_SHA256
    if SEED.exists():
        assert page == SEED.read_bytes()


def test_repository_is_up_to_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["check"]) == ExitCode.OK


def test_emptied_regions_are_rebuilt_exactly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("regen.toml", "README.md"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "sources", tmp_path / "sources")
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    original = (ROOT / PAGE).read_bytes()
    document = scan_text(original.decode("utf-8"), PAGE)
    # Empty every region but the pin comparison (kept as it is until its generator exists).
    keep = "09a7da10-a5d0-11ec-b909-0242ac120002"
    bodies = [r.body if r.uuid == keep else "" for r in document.regions]
    (tmp_path / PAGE).write_text(render_document(document, bodies), encoding="utf-8", newline="")
    assert (tmp_path / PAGE).read_bytes() != original
    monkeypatch.chdir(tmp_path)

    assert main(["update"]) == ExitCode.OK
    assert (tmp_path / PAGE).read_bytes() == original
    assert len([p for p in document.parts if isinstance(p, Region)]) == 8


def test_readme_exit_codes_match_the_code() -> None:
    with (ROOT / "sources/regen/exit-codes.csv").open(newline="", encoding="utf-8") as f:
        rows = {(int(r["code"]), r["name"]) for r in csv.DictReader(f)}
    assert rows == {(int(code), code.name) for code in ExitCode}


def test_readme_generators_match_the_registry() -> None:
    with (ROOT / "sources/regen/generators.csv").open(newline="", encoding="utf-8") as f:
        rows = {r["name"]: r["summary"] for r in csv.DictReader(f)}
    assert rows == {name: g.summary for name, g in builtin_registry().items()}

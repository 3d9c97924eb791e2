"""The embedded default as a whole: one changed fact in each family of sources makes exactly
the regions built from it stale, on every page that holds them, and nothing else."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import regen
from regen.model import Status

ROOT = Path(__file__).parent.parent

CARRIERS_B404 = "c9241a2c-76e0-11eb-9439-0242ac130002"
CARRIERS_B524 = "99975710-76e0-11eb-9439-0242ac130002"
SKUS = "b28329f3-7067-4ae1-aafa-c48b75d77674"
FULL = "09a7da10-a5d0-11ec-b909-0242ac120002"
SPI = "49b31eea-a5de-11ec-b909-0242ac120002"
SERIAL = "ef25dc00-a5de-11ec-b909-0242ac120002"
ADC = "db4246c4-a5de-11ec-b909-0242ac120002"
PWM = "ce9644de-a5de-11ec-b909-0242ac120002"
MODELS_BLURB = "97fa98d2-9baa-11ec-b909-0242ac120002"
GUIDE = "docs/b-series-from-boron-migration-guide.md"
PORTS = "docs/b-series-port-comparison.md"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    for name in ("regen.toml", "README.md"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "sources", tmp_path / "sources")
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    return tmp_path


def edit(tree: Path, path: str, old: str, new: str) -> None:
    file = tree / path
    text = file.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not once in {path}"
    file.write_text(text.replace(old, new), encoding="utf-8")


def stale(tree: Path) -> set[tuple[str, str]]:
    report = regen.check(config=tree / "regen.toml")
    assert report.problems == ()
    return {(r.path, r.region.uuid) for r in report.results if r.status is Status.STALE}


def test_the_tree_starts_fresh(tree: Path) -> None:
    assert stale(tree) == set()


def test_a_carrier_fact_changes_the_tables_of_its_model(tree: Path) -> None:
    edit(tree, "sources/carriers/carriers.csv", "Canada,Telus,,,,yes,\n", "Canada,Telus,,,,yes,2\n")
    assert stale(tree) == {(GUIDE, CARRIERS_B404), (PORTS, CARRIERS_B404)}
    regen.update(config=tree / "regen.toml")
    page = (tree / PORTS).read_text(encoding="utf-8")
    assert "| Canada | B404 | M1 | Bell Mobility, Rogers Wireless, Telus<sup>2</sup> |" in page


def test_a_model_fact_changes_the_tables_of_that_model(tree: Path) -> None:
    # The B524's modem loses 2G: its table drops 2G everywhere; the B404's is untouched.
    edit(
        tree,
        "sources/carriers/models.csv",
        'B524,"Europe, Australia, New Zealand",EG91-E,yes,',
        'B524,"Europe, Australia, New Zealand",EG91-E,,',
    )
    assert stale(tree) == {(GUIDE, CARRIERS_B524)}


def test_an_availability_fact_changes_one_table(tree: Path) -> None:
    edit(tree, "sources/carriers/availability.csv", "B524,Albania\n", "")
    assert stale(tree) == {(GUIDE, CARRIERS_B524)}


def test_a_sku_fact_changes_the_sku_table(tree: Path) -> None:
    edit(
        tree,
        "sources/skus.csv",
        '(Europe), Tray [x50]",b-series,EMEAA,EG91-E,yes,GA',
        '(Europe), Tray [x50]",b-series,EMEAA,EG91-E,yes,Deprecated',
    )
    assert stale(tree) == {(GUIDE, SKUS)}


def test_a_sku_outside_the_filters_changes_nothing(tree: Path) -> None:
    edit(tree, "sources/skus.csv", "BRN404XKIT,", "BRN404XKIT2,")
    assert stale(tree) == set()


def test_a_pwm_fact_changes_the_full_and_pwm_comparisons(tree: Path) -> None:
    # The SoM's A2 gains PWM.
    edit(
        tree,
        "sources/pins/b-series-som.csv",
        '35,A2,D17,,"A2 Analog in, GPIO",Yes,Yes,Yes,No,',
        '35,A2,D17,,"A2 Analog in, GPIO",Yes,Yes,Yes,Yes,',
    )
    assert stale(tree) == {(GUIDE, FULL), (PORTS, PWM)}


def test_a_description_changes_only_the_full_comparison(tree: Path) -> None:
    edit(tree, "sources/pins/boron.csv", "Power supply enable.", "Power supply enable!")
    assert stale(tree) == {(GUIDE, FULL)}


def test_a_blurb_master_changes_every_copy(tree: Path) -> None:
    edit(tree, f"sources/blurbs/{MODELS_BLURB}.md", "The available models include:", "Models:")
    assert stale(tree) == {(GUIDE, MODELS_BLURB), (PORTS, MODELS_BLURB)}

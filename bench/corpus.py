"""Deterministic benchmark corpora: pages shaped like the embedded default's page, each with
eight regions whose uuids are drawn from a few hundred configured regions built from the
embedded sources."""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).parent.parent
SEED_PAGE = ROOT / "docs" / "b-series-from-boron-migration-guide.md"
MARKER = re.compile(
    r"^(\{\{!-- BEGIN (?:shared-blurb|do not edit content below, it is automatically generated) )"
    r"([0-9a-f-]{36})(.*)$",
    re.MULTILINE,
)


def uuid_of(rng: random.Random) -> str:
    digits = f"{rng.getrandbits(128):032x}"
    return f"{digits[:8]}-{digits[8:12]}-4{digits[13:16]}-8{digits[17:20]}-{digits[20:32]}"


def regions(rng: random.Random) -> tuple[list[tuple[str, str]], list[str]]:
    """(uuid, TOML entry) for every generated region, and the blurb uuids."""
    entries: list[str] = []
    skus_columns = ["sku", "description", "region", "modem", "ethersim", "lifecycle", "replacement"]
    families = ["b-series", "b-series-accessory", "boron", "m2-accessory"]
    for model in ["B404X", "B404", "B402", "B524", "B523"]:
        entries.append(f'generator = "carriers"\nmodels = ["{model}"]\n')
    for _ in range(95):
        columns = rng.sample(skus_columns[1:], rng.randint(1, 4))
        chosen = rng.sample(families, rng.randint(1, 3))
        entries.append(
            f'generator = "skus"\nfamily = {chosen!r}\n'.replace("'", '"')
            + f"columns = {['sku', *columns]!r}\n".replace("'", '"')
            + f"link = {str(rng.random() < 0.5).lower()}\n"
        )
    for _ in range(150):
        columns = rng.sample(["country", "carrier", "2g", "3g", "cat1", "m1"], rng.randint(2, 4))
        sort = rng.choice(columns)
        entries.append(
            'generator = "table"\nsource = "carriers/carriers.csv"\n'
            f"where = {{ country = {rng.sample(COUNTRIES, rng.randint(1, 6))!r} }}\n".replace(
                "'", '"'
            )
            + f'sort = ["{sort}"]\n'
            + f"columns = {columns!r}\n".replace("'", '"')
        )
    for port, title in [
        ("spi", "SPI"),
        ("serial", "Serial"),
        ("adc", "ADC"),
        ("pwm", "PWM"),
        ("i2c", "I2C"),
    ]:
        for old, new in [("boron", "b-series-som"), ("b-series-som", "boron")]:
            names = {"boron": "Boron", "b-series-som": "B-Series SoM"}
            entries.append(
                'generator = "pins"\nstyle = "port-comparison"\n'
                f'port = "{port}"\ntitle = "{title}"\n'
                f'devices = [{{ name = "{names[old]}", source = "pins/{old}.csv" }}, '
                f'{{ name = "{names[new]}", source = "pins/{new}.csv" }}]\n'
            )
    generated = [(uuid_of(rng), entry) for entry in entries]
    blurbs = [uuid_of(rng) for _ in range(40)]
    return generated, blurbs


COUNTRIES = [
    "Albania",
    "Australia",
    "Austria",
    "Belgium",
    "Bulgaria",
    "Canada",
    "Croatia",
    "Czechia",
    "Denmark",
    "Estonia",
    "Finland",
    "France",
    "Germany",
    "Greece",
    "Hungary",
    "Iceland",
    "Ireland",
    "Italy",
    "Latvia",
    "Mexico",
    "Netherlands",
    "Norway",
    "Poland",
    "Portugal",
    "Romania",
    "Spain",
    "Sweden",
    "Switzerland",
    "United Kingdom",
    "United States",
]


def build(root: Path, pages: int, seed: int = 20261127) -> None:
    """Write the corpus below `root`: regen.toml, sources/, docs/ (regions empty)."""
    rng = random.Random(seed)
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(ROOT / "sources", root / "sources")
    generated, blurbs = regions(rng)
    masters = sorted((ROOT / "sources" / "blurbs").glob("*.md"))
    for number, uuid in enumerate(blurbs):
        text = masters[number % len(masters)].read_text(encoding="utf-8")
        (root / "sources" / "blurbs" / f"{uuid}.md").write_text(
            text + f"\nBlurb {number}.\n", encoding="utf-8"
        )
    config = ['pages = ["docs/**/*.md"]\n']
    config += [f'\n[regions."{uuid}"]\n{entry}' for uuid, entry in generated]
    (root / "regen.toml").write_text("".join(config), encoding="utf-8")

    template = _template()
    docs = root / "docs"
    docs.mkdir()
    for number in range(pages):

        def choose(match: re.Match[str]) -> str:
            uuid = rng.choice(blurbs) if "shared-blurb" in match[1] else rng.choice(generated)[0]
            return f"{match[1]}{uuid}{match[3]}"

        (docs / f"page-{number:05d}.md").write_text(MARKER.sub(choose, template), encoding="utf-8")


def _template() -> str:
    """The seed page with its regions emptied, and generated END markers without uuids."""
    from regen.render import render_document
    from regen.scan import scan_text

    document = scan_text(SEED_PAGE.read_text(encoding="utf-8"), "seed")
    text = render_document(document, ["" for _ in document.regions])
    end = r"(END do not edit content above, it is automatically generated) ?[0-9a-f-]{36} ?--\}\}"
    return re.sub(end, r"\1 --}}", text)

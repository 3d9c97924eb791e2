"""Coverage-guided fuzzing (atheris) of the rewriter: any page, updated with blurbs and a
table, keeps every byte outside its regions, and a second update changes nothing.
    python fuzz/fuzz_update.py -runs=100000 fuzz/corpus
"""

import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from regen.api import update_text
    from regen.config import parse_config
    from regen.errors import RegenError
    from regen.model import Region
    from regen.scan import scan_text
    from regen.textfile import decode

ROOT = Path(tempfile.mkdtemp(prefix="regen-fuzz-"))
(ROOT / "sources/blurbs").mkdir(parents=True)
(ROOT / "sources/t.csv").write_text("a,b\n1,x | y\n2,\n")
for uuid in ("b69a2546-9baa-11ec-b909-0242ac120002", "97fa98d2-9baa-11ec-b909-0242ac120002"):
    (ROOT / "sources/blurbs" / f"{uuid}.md").write_text("Shared text.\n")
TABLE = {"generator": "table", "source": "t.csv", "columns": ["a", "b"]}
CONFIG = parse_config(
    {
        "regions": {
            "c9241a2c-76e0-11eb-9439-0242ac130002": TABLE,
            "99975710-76e0-11eb-9439-0242ac130002": TABLE,
            "b28329f3-7067-4ae1-aafa-c48b75d77674": {"generator": "keep"},
            "09a7da10-a5d0-11ec-b909-0242ac120002": {"generator": "keep"},
        }
    },
    root=ROOT,
    file="regen.toml",
)


def outside(text: str) -> list[str]:
    parts: list[str] = []
    for part in scan_text(text, "p.md").parts:
        parts.extend([part.begin, part.end] if isinstance(part, Region) else [part])
    return parts


def test_one_input(data: bytes) -> None:
    try:
        text = decode(data, "p.md").text
        once = update_text(text, config=CONFIG, path="p.md")
    except RegenError:
        return
    assert outside(once) == outside(text), "a byte outside the regions moved"
    assert update_text(once, config=CONFIG, path="p.md") == once, "a second run changed it"


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()

"""Coverage-guided fuzzing (atheris) of the configuration loader: any bytes as regen.toml give
a Config or regen's own error, never a crash.
    python fuzz/fuzz_config.py -runs=100000 fuzz/corpus
"""

import sys
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from regen.config import config_from_text
    from regen.errors import RegenError
    from regen.textfile import decode

ROOT = Path("/nonexistent-regen-fuzz-root")


def test_one_input(data: bytes) -> None:
    try:
        text = decode(data, "regen.toml").text
        config = config_from_text(text, ROOT / "regen.toml")
    except RegenError:
        return
    for problem in config.problems:
        assert problem.path == "regen.toml", problem


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()

"""Golden cases: tests/golden/<case>/ holds a small repository (regen.toml, sources, docs) and
expected/, the pages as `regen update` must leave them. Each case runs twice: the second run
must change nothing. Pages missing from expected/ must come out exactly as they went in.

To accept new output after a deliberate change: REGEN_ACCEPT_GOLDEN=1 pytest tests/test_golden.py
(then review the diff of tests/golden/ before committing).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from regen.cli import main

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.name for p in GOLDEN.iterdir() if p.is_dir())


def files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".regen-cache" not in p.parts  # regen's own cache
    }


@pytest.mark.parametrize("case", CASES)
def test_golden(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = GOLDEN / case
    work = tmp_path / case
    shutil.copytree(source, work, ignore=shutil.ignore_patterns("expected"))
    before = files(work)
    monkeypatch.chdir(work)

    assert main(["update"]) == 0
    after = files(work)
    assert main(["update"]) == 0, "second run failed"
    assert files(work) == after, "second run changed something"
    assert main(["check"]) == 0

    changed = {path: data for path, data in after.items() if before.get(path) != data}
    expected_dir = source / "expected"
    if os.environ.get("REGEN_ACCEPT_GOLDEN") == "1":
        shutil.rmtree(expected_dir, ignore_errors=True)
        for path, data in changed.items():
            (expected_dir / path).parent.mkdir(parents=True, exist_ok=True)
            (expected_dir / path).write_bytes(data)
    assert changed == files(expected_dir)

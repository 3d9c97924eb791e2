"""The hooks in .pre-commit-hooks.yaml, run by the real pre-commit framework on real commits.

The framework installs regen from a git repository: the fixture makes one from this checkout
as it is (uncommitted changes included, as `pre-commit try-repo` would), once per session.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CARRIERS, CONFIG, TABLE, UUID_A, git, git_init
from tests.conftest import region as generated

ROOT = Path(__file__).parent.parent
PAGE = "# Carriers\n\n" + generated(UUID_A, TABLE)


@pytest.fixture(scope="session")
def hooks_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """This checkout as a git repository of its own (its files as they are now), and its
    commit; pre-commit installs regen from it."""
    shadow = tmp_path_factory.mktemp("regen-hooks")
    listed = git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard").stdout
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (shadow / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, shadow / name)
    git(shadow, "init", "-q")
    git(shadow, "add", "-A")
    git(shadow, "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-m", "x")
    return shadow, git(shadow, "rev-parse", "HEAD").stdout.strip()


@pytest.fixture
def docs_repo(tmp_path: Path, hooks_repo: tuple[Path, str]) -> Path:
    """A documentation repository whose .pre-commit-config.yaml uses regen's hooks."""
    hooks, rev = hooks_repo
    git_init(tmp_path)
    (tmp_path / "regen.toml").write_text(CONFIG)
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources/carriers.csv").write_text(CARRIERS)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/carriers.md").write_text(PAGE)
    (tmp_path / "notes.txt").write_text("notes\n")
    (tmp_path / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {hooks}\n  rev: {rev}\n  hooks:\n  - id: regen\n"
    )
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "first")
    pre_commit("install", cwd=tmp_path)
    return tmp_path


def pre_commit(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    executable = Path(sys.executable).parent / "pre-commit"
    command = [str(executable) if executable.exists() else "pre-commit", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=True)


def commit(root: Path, message: str) -> tuple[int, str]:
    """Commit; the exit code, and what the hooks printed (git sends it to stderr)."""
    done = git(root, "commit", "-m", message, check=False)
    return done.returncode, done.stdout + done.stderr


def test_a_changed_csv_alone_stops_the_commit_and_fixes_the_page(docs_repo: Path) -> None:
    csv = docs_repo / "sources/carriers.csv"
    csv.write_text(CARRIERS.replace("Telus", "Telus Mobility"))
    git(docs_repo, "add", "sources/carriers.csv")

    code, output = commit(docs_repo, "rename a carrier")
    assert code != 0, output
    assert "files were modified by this hook" in output
    assert "updated docs/carriers.md (1 region)" in output
    page = (docs_repo / "docs/carriers.md").read_text()
    assert "| Canada | Bell Mobility, Telus Mobility |" in page

    # (b) With the fixed page staged too, the next commit passes.
    git(docs_repo, "add", "docs/carriers.md")
    code, output = commit(docs_repo, "rename a carrier")
    assert code == 0, output


def test_an_unrelated_change_passes_without_regenerating(docs_repo: Path) -> None:
    (docs_repo / "notes.txt").write_text("more notes\n")
    git(docs_repo, "add", "notes.txt")
    before = (docs_repo / "docs/carriers.md").stat().st_mtime_ns
    code, output = commit(docs_repo, "notes")
    assert code == 0, output
    assert re.search(r"regen \(rebuild generated regions\)\.+Passed", output), output
    assert (docs_repo / "docs/carriers.md").stat().st_mtime_ns == before


def test_a_commit_that_deletes_a_source_alone_is_stopped(docs_repo: Path) -> None:
    """The framework passes no deleted file: the hook runs all the same, and regen asks git."""
    git(docs_repo, "rm", "-q", "sources/carriers.csv")
    code, output = commit(docs_repo, "drop the carriers")
    assert code != 0, output
    assert "sources/carriers.csv not found" in output


def test_a_malformed_marker_fails_with_its_location(docs_repo: Path) -> None:
    (docs_repo / "docs/broken.md").write_text(
        "# Broken\n\n{{!-- END do not edit content above, it is automatically generated --}}\n"
    )
    git(docs_repo, "add", "docs/broken.md")
    code, output = commit(docs_repo, "broken page")
    assert code != 0
    assert (
        "docs/broken.md:3: generated END marker has no BEGIN "
        "(add the BEGIN line above it or delete this one)"
    ) in output


def test_the_check_hook_fails_with_a_diff(docs_repo: Path, hooks_repo: tuple[Path, str]) -> None:
    hooks, rev = hooks_repo
    (docs_repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {hooks}\n  rev: {rev}\n  hooks:\n  - id: regen-check\n"
    )
    (docs_repo / "sources/carriers.csv").write_text(CARRIERS.replace("Telus", "Telus Mobility"))
    git(docs_repo, "add", "-A")
    code, output = commit(docs_repo, "check")
    assert code != 0
    assert f"docs/carriers.md:3: region {UUID_A} is stale" in output
    assert "+| Canada | Bell Mobility, Telus Mobility |" in output
    assert "| Canada | Bell Mobility, Telus |" in (docs_repo / "docs/carriers.md").read_text()

"""Shared helpers: a small repository in a temp folder, and the command line run in-process."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from regen.cli import main

UUID_A = "c9241a2c-76e0-11eb-9439-0242ac130002"
UUID_B = "99975710-76e0-11eb-9439-0242ac130002"
UUID_BLURB = "b69a2546-9baa-11ec-b909-0242ac120002"

BEGIN = "{{!-- BEGIN do not edit content below, it is automatically generated %s --}}"
END = "{{!-- END do not edit content above, it is automatically generated %s --}}"
BLURB_BEGIN = "{{!-- BEGIN shared-blurb %s --}}"
BLURB_END = "{{!-- END shared-blurb --}}"

CONFIG = f"""\
pages = ["docs/**/*.md"]

[regions."{UUID_A}"]
generator = "table"
source = "carriers.csv"
where = {{ model = "B404" }}
sort = ["country", "carrier"]
columns = [
    {{ column = "country", title = "Country" }},
    {{ column = "carrier", title = "Carriers", join = ", " }},
]
"""

CARRIERS = """\
country,model,carrier
Canada,B404,Telus
Canada,B404,Bell Mobility
Mexico,B404,AT&T
France,B524,Orange
"""

TABLE = """\

| Country | Carriers |
| :--- | :--- |
| Canada | Bell Mobility, Telus |
| Mexico | AT&T |


"""

BLURB = "Shared text.\n\nSecond paragraph.\n"


def region(uuid: str, body: str) -> str:
    return f"{BEGIN % uuid}\n{body}{END % uuid}\n"


def blurb(uuid: str, body: str) -> str:
    return f"{BLURB_BEGIN % uuid}\n{body}{BLURB_END}\n"


def git(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run git in `root`; its output as text."""
    return subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, check=check
    )


def git_init(root: Path) -> None:
    """A git repository in `root` with a user to commit as, on branch main."""
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "test@example.com")
    git(root, "config", "user.name", "Test")


def git_commit_all(root: Path, message: str) -> None:
    """A git repository in `root` (made if need be) with everything in it committed."""
    if not (root / ".git").exists():
        git_init(root)
    git(root, "add", "-A")
    git(root, "commit", "-qm", message)


@dataclass
class Repo:
    """A repository with regen.toml, sources and pages, in a temp folder."""

    root: Path

    def write(self, path: str, text: str | bytes) -> Path:
        file = self.root / path
        file.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            file.write_bytes(text)
        else:
            file.write_bytes(text.encode("utf-8"))
        return file

    def read(self, path: str) -> str:
        return (self.root / path).read_bytes().decode("utf-8")

    def data(self, path: str) -> bytes:
        return (self.root / path).read_bytes()

    def snapshot(self) -> dict[str, tuple[bytes, int]]:
        """Every file's bytes and mtime (ns), to prove what a run did not touch."""
        return {
            str(p.relative_to(self.root)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(self.root.rglob("*"))
            if p.is_file() and ".regen-cache" not in p.parts  # regen's cache may change
        }


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    r = Repo(tmp_path)
    r.write("regen.toml", CONFIG)
    r.write("sources/carriers.csv", CARRIERS)
    r.write(f"sources/blurbs/{UUID_BLURB}.md", BLURB)
    return r


@dataclass
class Result:
    code: int
    out: str
    err: str


Runner = Callable[..., Result]


@pytest.fixture
def run(repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Runner:
    """Run `regen ARGS` in the repository, in-process, and return its exit code and output."""
    monkeypatch.chdir(repo.root)
    monkeypatch.delenv("REGEN_DEBUG", raising=False)

    def _run(*args: str) -> Result:
        code = main(list(args))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return _run


def regen_apart(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`regen ARGS` in `root`, in a process of its own, bounded by a timeout: a run that would
    wait forever (on a named pipe, say) fails its test instead of hanging the suite."""
    return subprocess.run(
        [sys.executable, "-m", "regen", *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

"""`regen install-hook`: a plain git hook, used by a real `git commit`."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from regen.errors import ExitCode
from regen.hook import MARK, hook_script
from tests.conftest import (
    BLURB,
    CARRIERS,
    TABLE,
    UUID_A,
    UUID_BLURB,
    Repo,
    Runner,
    blurb,
    git,
    git_init,
    regen_apart,
)
from tests.conftest import region as generated

PAGE = "# Carriers\n\n" + generated(UUID_A, TABLE)
UNSTAGED_CARRIERS = (
    "sources/carriers.csv: has unstaged changes, and regen reads the work tree while the "
    "commit takes the index (stage them with git add, or set them aside with "
    "git stash --keep-index)"
)


@pytest.fixture
def repo_git(repo: Repo) -> Repo:
    git_init(repo.root)
    repo.write("docs/carriers.md", PAGE)
    git(repo.root, "add", "-A")
    git(repo.root, "commit", "-q", "-m", "first")
    return repo


def test_the_hook_runs_this_python(tmp_path: Path) -> None:
    del tmp_path
    script = hook_script("/opt/py/bin/python3", "docs site/regen.toml")
    assert script.startswith("#!/bin/sh\n" + MARK)
    assert script.endswith(
        "exec /opt/py/bin/python3 -m regen update --staged --fail-on-change"
        " --config 'docs site/regen.toml'\n"
    )


def test_installed_hook_stops_a_stale_commit_then_lets_it_through(
    repo_git: Repo, run: Runner
) -> None:
    result = run("install-hook")
    hook = repo_git.root / ".git/hooks/pre-commit"
    assert (result.code, result.out) == (0, f"regen: installed {hook}\n")
    assert hook.stat().st_mode & 0o111
    assert sys.executable in hook.read_text()

    repo_git.write("sources/carriers.csv", CARRIERS.replace("Telus", "Telus Mobility"))
    git(repo_git.root, "add", "sources/carriers.csv")
    first = git(repo_git.root, "commit", "-m", "rename", check=False)
    assert first.returncode != 0
    assert "updated docs/carriers.md (1 region)" in first.stdout + first.stderr
    assert "Telus Mobility" in repo_git.read("docs/carriers.md")

    git(repo_git.root, "add", "docs/carriers.md")
    second = git(repo_git.root, "commit", "-m", "rename", check=False)
    assert second.returncode == 0, second.stdout + second.stderr


def test_a_foreign_hook_is_never_replaced(repo_git: Repo, run: Runner) -> None:
    hook = repo_git.root / ".git/hooks/pre-commit"
    hook.write_text("#!/bin/sh\nmake lint\n")
    result = run("install-hook")
    assert result.code == ExitCode.INPUT_ERROR
    assert result.err.splitlines()[0] == (
        f"{hook}: a pre-commit hook that regen did not write is already there; left as it is "
        f"(to chain regen, add this line to it: {sys.executable} -m regen update --staged "
        "--fail-on-change --config regen.toml || exit 1)"
    )
    assert hook.read_text() == "#!/bin/sh\nmake lint\n"
    # Its own hook it replaces (a newer regen, another Python).
    hook.write_text(f"#!/bin/sh\n{MARK}\nexec old\n")
    assert run("install-hook").code == 0
    assert "exec old" not in hook.read_text()


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (Path.mkdir, "cannot read the hook there: Is a directory (move it aside)"),
        (
            lambda hook: hook.symlink_to(hook.parent / "gone"),
            "a symlink to a file that does not exist (remove it, or fix it)",
        ),
    ],
)
def test_a_hook_that_cannot_be_read_is_one_line(
    repo_git: Repo, run: Runner, make: Callable[[Path], object], said: str
) -> None:
    hook = repo_git.root / ".git/hooks/pre-commit"
    hook.parent.mkdir(parents=True, exist_ok=True)
    hook.unlink(missing_ok=True)
    make(hook)
    result = run("install-hook")
    assert result.code == ExitCode.INPUT_ERROR
    assert result.err.splitlines() == [f"{hook}: {said}", "regen: 1 problem found"]


def test_the_hook_is_written_whole_and_executable(repo_git: Repo, run: Runner) -> None:
    hook = repo_git.root / ".git/hooks/pre-commit"
    hook.unlink(missing_ok=True)
    (repo_git.root / ".git/hooks").chmod(0o700)
    assert run("install-hook").code == ExitCode.OK
    assert hook.stat().st_mode & 0o777 == 0o755
    assert hook.read_text().startswith(f"#!/bin/sh\n{MARK}")
    assert [p.name for p in hook.parent.iterdir() if "regen-tmp" in p.name] == []


def test_hooks_path_is_honoured(repo_git: Repo, run: Runner) -> None:
    git(repo_git.root, "config", "core.hooksPath", ".githooks")
    assert run("install-hook").code == 0
    assert (repo_git.root / ".githooks/pre-commit").exists()


def test_outside_a_repository(repo: Repo, run: Runner) -> None:
    result = run("install-hook")
    assert result.code == ExitCode.INPUT_ERROR
    assert result.err.splitlines()[0] == (
        f"{repo.root}: not a git repository (run regen install-hook inside one)"
    )


def test_update_fail_on_change(repo_git: Repo, run: Runner) -> None:
    repo_git.write("sources/carriers.csv", CARRIERS.replace("Telus", "T"))
    assert run("update", "--fail-on-change").code == ExitCode.STALE
    assert run("update", "--fail-on-change").code == ExitCode.OK


def test_a_hook_installed_below_the_top_names_its_configuration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # regen.toml in documentation/, the commit made at the top: the hook still finds it.
    top = tmp_path / "top"
    site = top / "documentation"
    (site / "docs").mkdir(parents=True)
    (site / "sources").mkdir()
    from tests.conftest import CONFIG

    (site / "regen.toml").write_text(CONFIG)
    (site / "sources/carriers.csv").write_text(CARRIERS)
    (site / "docs/carriers.md").write_text(PAGE)
    git_init(top)
    git(top, "add", "-A")
    git(top, "commit", "-q", "-m", "first")
    monkeypatch.chdir(site)
    from regen.cli import main

    assert main(["install-hook"]) == 0
    assert "--config documentation/regen.toml" in (top / ".git/hooks/pre-commit").read_text()
    (site / "sources/carriers.csv").write_text(CARRIERS.replace("Telus", "Telus Mobility"))
    git(top, "add", "-A")
    done = git(top, "commit", "-m", "rename", check=False)
    assert done.returncode != 0
    assert "updated docs/carriers.md (1 region)" in done.stdout + done.stderr
    assert (  # the paths are from the configuration's folder: where git finds them, said
        "were rewritten; review them, git add them (the paths above are within"
        " documentation/), and commit again" in done.stdout + done.stderr
    )


def test_unstaged_inputs_stop_a_staged_run(repo_git: Repo, run: Runner) -> None:
    # Staged: Telus Mobility. In the work tree: back to Telus. regen reads the work tree, the
    # commit takes the index: refuse rather than build from data the commit will not hold.
    repo_git.write("sources/carriers.csv", CARRIERS.replace("Telus", "Telus Mobility"))
    git(repo_git.root, "add", "sources/carriers.csv")
    repo_git.write("sources/carriers.csv", CARRIERS)
    result = run("update", "--staged", "--fail-on-change")
    assert result.code == ExitCode.INPUT_ERROR
    assert result.err.splitlines()[0] == UNSTAGED_CARRIERS


@pytest.mark.parametrize("also_staged", [None, "notes.txt"], ids=["a page alone", "and a stray"])
def test_a_staged_page_alone_is_stopped_by_its_sources_unstaged_changes(
    repo_git: Repo, run: Runner, also_staged: str | None
) -> None:
    # Only a page is staged, its source changed in the work tree alone: the page must not be
    # built from data the commit will not hold (regen took only the page, and missed this).
    page = repo_git.read("docs/carriers.md")
    repo_git.write("sources/carriers.csv", CARRIERS.replace("Telus", "Telus Mobility"))
    repo_git.write("docs/carriers.md", page.replace("# Carriers", "# Carriers, reworded"))
    git(repo_git.root, "add", "docs/carriers.md")
    if also_staged:  # a file no region reads staged too: still only pages matter
        repo_git.write(also_staged, "notes\n")
        git(repo_git.root, "add", also_staged)
    before = repo_git.snapshot()
    result = run("update", "--staged", "--fail-on-change")
    assert result.code == ExitCode.INPUT_ERROR
    assert result.err.splitlines()[0] == UNSTAGED_CARRIERS
    assert repo_git.snapshot() == before
    assert run("check", "--staged").code == ExitCode.INPUT_ERROR


def test_a_staged_page_alone_is_not_stopped_by_unstaged_files_it_does_not_read(
    repo_git: Repo, run: Runner
) -> None:
    assert run("update", "-q").code == ExitCode.OK  # its regen.lock, committed
    git(repo_git.root, "add", "-A")
    git(repo_git.root, "commit", "-q", "-m", "lock")
    page = repo_git.read("docs/carriers.md")
    repo_git.write("docs/carriers.md", page.replace("# Carriers", "# Carriers, reworded"))
    git(repo_git.root, "add", "docs/carriers.md")
    repo_git.write("sources/unused.csv", "a,b\n1,2\n")  # untracked, read by no region
    git(repo_git.root, "add", "sources/unused.csv")
    repo_git.write("sources/unused.csv", "a,b\n1,3\n")
    assert run("update", "--staged", "--fail-on-change").code == ExitCode.OK


def test_a_staged_check_lists_no_region_built_from_unstaged_data(
    repo_git: Repo, run: Runner
) -> None:
    # What the work tree's source would build is not what the commit holds: not shown.
    repo_git.write("sources/carriers.csv", CARRIERS.replace("Telus", "Telus Mobility"))
    git(repo_git.root, "add", "sources/carriers.csv")
    repo_git.write("sources/carriers.csv", CARRIERS.replace("Telus", "Telus Mobile"))
    result = run("check", "--staged")
    assert result.code == ExitCode.INPUT_ERROR
    assert result.out == ""
    assert result.err.splitlines() == [UNSTAGED_CARRIERS, "regen: 1 problem found"]


def test_a_hook_that_is_a_named_pipe_is_one_line_never_waited_on(repo_git: Repo) -> None:
    """In a process of its own, with a timeout: waited on, it would hang the suite."""
    hook = repo_git.root / ".git/hooks/pre-commit"
    hook.parent.mkdir(parents=True, exist_ok=True)
    hook.unlink(missing_ok=True)
    os.mkfifo(hook)
    done = regen_apart(repo_git.root, "install-hook")
    assert done.returncode == ExitCode.INPUT_ERROR
    assert done.stderr.splitlines()[0] == (
        f"{hook}: cannot read the hook there: not a regular file (a named pipe or a device)"
        " (move it aside)"
    )


@pytest.mark.parametrize("how", ["mv", "rm"])
def test_a_page_renamed_or_deleted_in_a_commit_leaves_no_line_in_the_lock(
    repo_git: Repo, run: Runner, how: str
) -> None:
    """A run over the commit drops the lock's lines of a page it deletes (a rename deletes the
    old name), as a full run does: the next full check in CI then passes."""
    repo_git.write("docs/other.md", PAGE)
    assert run("update", "-q").code == ExitCode.OK
    git(repo_git.root, "add", "-A")
    git(repo_git.root, "commit", "-q", "-m", "lock")
    if how == "mv":
        git(repo_git.root, "mv", "docs/other.md", "docs/renamed.md")
    else:
        git(repo_git.root, "rm", "-q", "docs/other.md")
    check = run("check", "--staged")
    assert check.code == ExitCode.STALE
    assert check.out.startswith("regen.lock: does not record what the pages hold")
    assert run("update", "--staged", "--fail-on-change").code == ExitCode.STALE  # lock written
    assert "docs/other.md" not in repo_git.read("regen.lock")
    git(repo_git.root, "add", "-A")
    git(repo_git.root, "commit", "-q", "-m", how)
    assert run("check").code == ExitCode.OK


def test_a_blurb_whose_last_page_a_commit_deletes_leaves_the_lock_too(
    repo_git: Repo, run: Runner
) -> None:
    repo_git.write("docs/other.md", "# Other\n" + blurb(UUID_BLURB, BLURB))
    assert run("update", "-q").code == ExitCode.OK
    assert UUID_BLURB in repo_git.read("regen.lock")
    git(repo_git.root, "add", "-A")
    git(repo_git.root, "commit", "-q", "-m", "lock")
    git(repo_git.root, "rm", "-q", "docs/other.md")
    assert run("update", "--staged", "--fail-on-change").code == ExitCode.STALE
    assert UUID_BLURB not in repo_git.read("regen.lock")
    git(repo_git.root, "add", "-A")
    git(repo_git.root, "commit", "-q", "-m", "rm")
    assert run("check").code == ExitCode.OK

"""`regen install-hook`: a plain git pre-commit hook, for teams without the pre-commit framework."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

from regen.errors import RegenError
from regen.textfile import read_regular
from regen.write import PageWrite, write_pages

MARK = "# installed by regen install-hook"


def command(python: str = sys.executable, config: str = "") -> str:
    """The command the hook runs; `config` relative to the top of the work tree."""
    named = f" --config {shlex.quote(config)}" if config else ""
    return f"{shlex.quote(python)} -m regen update --staged --fail-on-change{named}"


def hook_script(python: str = sys.executable, config: str = "") -> str:
    """The hook: rebuild what the staged changes affect, and stop the commit when a page was
    rewritten, so that it is looked at and staged."""
    return (
        "#!/bin/sh\n"
        f"{MARK}: rebuilds the regions the staged changes affect, and stops the\n"
        "# commit when it rewrote a page (review it, git add it, commit again).\n"
        f"exec {command(python, config)}\n"
    )


def hooks_dir(start: Path) -> Path:
    """Where git looks for hooks here (core.hooksPath is honoured)."""
    try:
        found = subprocess.run(
            ["git", "-C", str(start), "rev-parse", "--git-path", "hooks"],
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        raise RegenError.at(str(start), None, "git is not installed", "install git") from None
    if found.returncode != 0:
        raise RegenError.at(
            str(start), None, "not a git repository", "run regen install-hook inside one"
        )
    return (start / found.stdout.strip()).resolve()


def install_hook(start: Path, config_file: Path) -> Path:
    """Write the pre-commit hook, naming `config_file` from the top of the work tree (where
    git runs hooks); refuse to replace a hook regen did not write."""
    folder = hooks_dir(start)
    top = _toplevel(start)
    config = config_file.relative_to(top).as_posix() if config_file.is_relative_to(top) else ""
    hook = folder / "pre-commit"
    try:
        held = read_regular(hook) if hook.exists() or hook.is_symlink() else None
    except FileNotFoundError:  # a symlink to nothing
        raise RegenError.at(
            str(hook), None, "a symlink to a file that does not exist", "remove it, or fix it"
        ) from None
    except OSError as exc:
        raise RegenError.at(
            str(hook), None, f"cannot read the hook there: {exc.strerror}", "move it aside"
        ) from None
    if held is not None and MARK.encode() not in held:
        raise RegenError.at(
            str(hook),
            None,
            "a pre-commit hook that regen did not write is already there; left as it is",
            f"to chain regen, add this line to it: {command(config=config)} || exit 1",
        )
    # As pages are written: whole or not at all, and not over a hook changed meanwhile.
    write_pages([PageWrite(hook, hook_script(config=config).encode(), str(hook), held)])
    try:
        hook.chmod(0o755)
    except OSError as exc:
        raise RegenError.at(
            str(hook), None, f"cannot make the hook executable: {exc.strerror}", "chmod +x it"
        ) from None
    return hook


def _toplevel(start: Path) -> Path:
    found = subprocess.run(
        ["git", "-C", str(start), "rev-parse", "--show-toplevel"],
        capture_output=True,
        text=True,
        check=False,
    )
    return Path(found.stdout.strip()).resolve() if found.returncode == 0 else start.resolve()

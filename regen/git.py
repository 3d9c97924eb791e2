"""What git knows: which files belong to the repository, and which changed.

Listing the files runs `git ls-files` directly: it is on the path of every plain run (the
pre-commit case), where importing GitPython would cost more than the listing. Everything about
changes, refs and history goes through GitPython, imported only then.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from regen.errors import RegenError

if TYPE_CHECKING:
    import git

# git's id of the empty tree: what a repository without commits is compared with.
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


def repository_files(root: Path) -> set[Path] | None:
    """The files below `root` that git tracks, plus the untracked ones it does not ignore;
    None outside a git repository (or without git), where every file counts."""
    try:
        listing = subprocess.run(
            [
                "git",
                "-C",
                str(root),
                "ls-files",
                "-z",
                "--cached",
                "--others",
                "--exclude-standard",
            ],
            capture_output=True,
            check=False,
        )
    except OSError:  # no git on this machine
        return None
    if listing.returncode != 0:
        return None
    names = listing.stdout.decode("utf-8", "surrogateescape").split("\0")
    return {root / name for name in names if name}


@dataclass(frozen=True)
class Changes:
    """What changed, as paths relative to the root ('/'-separated), and the commit (or the
    empty tree) they are compared with."""

    paths: frozenset[str]
    base: str


def changed_files(root: Path, *, since: str | None = None, staged: bool = False) -> Changes:
    """The files that differ from HEAD in the work tree and index (the default), in the index
    only (`staged`), or from the merge base of `since` and HEAD (a pull request's changes)."""
    repo = _open(root)
    top = Path(repo.working_tree_dir or root).resolve()
    if since is not None:
        base = _merge_base(repo, since)
    else:
        base = "HEAD" if _resolves(repo, "HEAD") else EMPTY_TREE
    args = ["--name-only", "-z", "--no-renames"]
    if staged:
        names = repo.git.diff(*args, "--cached", base)
    else:
        names = repo.git.diff(*args, base)
        names += "\0" + repo.git.ls_files("-z", "--others", "--exclude-standard")
    changed = _relative(top, root.resolve(), names.split("\0"))
    return Changes(frozenset(changed), base)


def file_at(root: Path, path: str, base: str) -> str | None:
    """The text of `path` (relative to the root) at commit `base`; None where it did not
    exist."""
    import git

    repo = _open(root)
    top = Path(repo.working_tree_dir or root).resolve()
    name = (root.resolve() / path).relative_to(top).as_posix()
    if base == EMPTY_TREE:
        return None
    try:
        text: str = repo.git.show(f"{base}:{name}")
    except git.GitCommandError:
        return None
    return text


def _open(root: Path) -> git.Repo:
    try:
        import git
    except ImportError as exc:  # GitPython is there, but the git program is not
        raise RegenError.at(str(root), None, f"cannot use git: {exc}", "install git") from None
    try:
        return git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise RegenError.at(
            str(root),
            None,
            "not a git repository",
            "run regen inside one, or leave out --changed, --staged and --since",
        ) from None


def _resolves(repo: git.Repo, ref: str) -> bool:
    import git

    try:
        repo.git.rev_parse("--verify", "--quiet", f"{ref}^{{commit}}")
    except git.GitCommandError:
        return False
    return True


def _merge_base(repo: git.Repo, ref: str) -> str:
    import git

    shallow = repo.git.rev_parse("--is-shallow-repository") == "true"
    fetch = "fetch more history (git fetch --unshallow, or fetch-depth: 0 in actions/checkout)"
    if not _resolves(repo, ref):
        hint = f"fetch it ({fetch})" if shallow else "check its name, or git fetch it"
        raise RegenError.at(".", None, f"unknown ref '{ref}'", hint)
    if not _resolves(repo, "HEAD"):
        raise RegenError.at(".", None, "the repository has no commit yet", "commit first")
    try:
        base: str = repo.git.merge_base(ref, "HEAD")
    except git.GitCommandError:
        reason = "this shallow clone does not reach" if shallow else "no common history with"
        hint = fetch if shallow else "compare with a ref that shares history with HEAD"
        raise RegenError.at(".", None, f"{reason} '{ref}'", hint) from None
    return base


def _relative(top: Path, root: Path, names: Iterable[str]) -> set[str]:
    """git's paths (from the top of the work tree) as paths from the root, for those below it."""
    out: set[str] = set()
    for name in names:
        if not name:
            continue
        path = top / name
        if path.is_relative_to(root):
            out.add(path.relative_to(root).as_posix())
    return out

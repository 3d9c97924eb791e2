"""What git knows: which files belong to the repository, and which changed.

Listing the files runs `git ls-files` directly: it is on the path of every plain run (the
pre-commit case), where importing GitPython would cost more than the listing. Everything about
changes, refs and history goes through GitPython, imported only then. Either way a git
failure is one line with git's own words, never a traceback.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from regen.errors import RegenError

if TYPE_CHECKING:
    import git

# git's id of the empty tree: what a repository without commits is compared with.
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
_FETCH = "fetch more history: git fetch --unshallow, or fetch-depth: 0 in actions/checkout"


def _inside_repository(root: Path) -> bool:
    return _nearest_git(root) is not None


def _nearest_git(root: Path) -> Path | None:
    """The nearest .git at or above `root`, folder or file."""
    for folder in (root, *root.parents):
        if (folder / ".git").exists():
            return folder / ".git"
    return None


def repository_files(root: Path, only: Sequence[str] | None = None) -> set[str] | None:
    """The files below `root` that git tracks, plus the untracked ones it does not ignore, as
    '/'-separated paths relative to it; None outside a git repository, where every file
    counts. `only`: just those paths (files or folders, relative to the root), so that a run
    over a few pages never lists thousands."""
    if only is None:
        return _listed(root, ["--cached", "--others", "--exclude-standard"])
    if not only:
        return set()
    # Looking for untracked files walks their folders (15 ms in a folder of 30,000 pages):
    # only for a name that is not tracked (a new page, or a folder).
    tracked = _listed(root, ["--cached", "--", *only])
    if tracked is None:
        return None
    untracked = [name for name in only if name not in tracked]
    if untracked:
        tracked |= _listed(root, ["--others", "--exclude-standard", "--", *untracked]) or set()
    return tracked


def _listed(root: Path, options: Sequence[str]) -> set[str] | None:
    try:
        listing = subprocess.run(
            ["git", "--literal-pathspecs", "-C", str(root), "ls-files", "-z", *options],
            capture_output=True,
            check=False,
        )
    except OSError:
        if _inside_repository(root):
            raise RegenError.at(
                ".",
                None,
                "this is a git repository, but git is not installed",
                "install git, so that ignored files stay untouched",
            ) from None
        return None
    if listing.returncode != 0:
        message = _first_line(listing.stderr.decode("utf-8", "replace"))
        if "not a git repository" in message:
            broken = _nearest_git(root)
            # Told where to look, or to stop (GIT_DIR, GIT_CEILING_DIRECTORIES, a mount
            # point), git may rightly see no repository here.
            told = {"GIT_DIR", "GIT_CEILING_DIRECTORIES"} & set(os.environ)
            if broken is None or told or "mount point" in message or "boundary" in message:
                return None
            # A .git that git does not read (a gitdir that is gone, a folder without HEAD):
            # taken for no repository, the files git ignores would be pages.
            raise RegenError.at(
                str(broken),
                None,
                f"git does not read this as a repository ({message})",
                "repair it, or remove it, so that regen knows which files git ignores",
            )
        raise RegenError.at(
            ".", None, f"git failed: {message}", "fix what git says, then run again"
        )
    names = listing.stdout.decode("utf-8", "surrogateescape").split("\0")
    return {name for name in names if name}


def staged_deletions(root: Path) -> set[str]:
    """Files deleted in the index (pre-commit does not pass them to hooks), relative to the
    root; empty outside a git repository."""
    return staged_deletions_asked(root)()


def staged_deletions_asked(root: Path) -> Callable[[], set[str]]:
    """Ask git now which files are deleted in the index (see staged_deletions); the answer
    is read when the function returned is called, and git works meanwhile (5 ms in an index
    of 30,000 files, while a pre-commit run reads its configuration)."""
    try:
        process = subprocess.Popen(
            [
                "git",
                "-C",
                str(root),
                "diff",
                "--cached",
                "--name-only",
                "--relative",
                "--diff-filter=D",
                "-z",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
    except OSError:
        return set

    def answer() -> set[str]:
        out, _ = process.communicate()
        if process.returncode != 0:
            return set()
        return {n for n in out.decode("utf-8", "surrogateescape").split("\0") if n}

    return answer


def file_versions(root: Path, path: str, refs: Iterable[str]) -> dict[str, str]:
    """The texts of `path` (relative to the root) at each of `refs` that has it; none outside
    a git repository, for a ref that does not exist, or a file it does not hold."""
    texts: dict[str, str] = {}
    for ref in refs:
        try:
            done = subprocess.run(
                ["git", "-C", str(root), "show", f"{ref}:./{path}"],
                capture_output=True,
                check=False,
            )
        except OSError:
            return texts
        if done.returncode == 0:
            texts[ref] = done.stdout.decode("utf-8", "replace")
    return texts


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[0].removeprefix("fatal: ").removeprefix("error: ") if lines else "unknown error"


@dataclass(frozen=True)
class Changes:
    """What changed, as paths relative to the root ('/'-separated), the commit (or the empty
    tree) they are compared with, and the files whose work tree differs from the index."""

    paths: frozenset[str]
    base: str
    unstaged: frozenset[str] = frozenset()


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
        names = _git(repo, "diff", *args, "--cached", base, "--")
        unstaged = _git(repo, "diff", *args, "--")
    else:
        names = _git(repo, "diff", *args, base, "--")
        names += "\0" + _git(repo, "ls-files", "-z", "--others", "--exclude-standard")
        unstaged = ""
    here = root.resolve()
    return Changes(
        frozenset(_relative(top, here, names.split("\0"))),
        base,
        frozenset(_relative(top, here, unstaged.split("\0"))),
    )


def file_at(root: Path, path: str, base: str) -> str | None:
    """The text of `path` (relative to the root) at commit `base`; None where it did not
    exist."""
    import git

    if base == EMPTY_TREE:
        return None
    repo = _open(root)
    top = Path(repo.working_tree_dir or root).resolve()
    name = (root.resolve() / path).relative_to(top).as_posix()
    try:
        text: str = repo.git.show(f"{base}:{name}")
    except git.GitCommandError:
        return None
    return text


def show_prefix(root: Path) -> str:
    """The root's path from the top of its git work tree ('' at the top, or outside git)."""
    try:
        done = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--show-prefix"],
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def _git(repo: git.Repo, command: str, *args: str) -> str:
    import git

    try:
        out: str = getattr(repo.git, command.replace("-", "_"))(*args)
    except git.GitCommandError as exc:
        raise RegenError.at(
            ".",
            None,
            f"git {command} failed: {_first_line(str(exc.stderr))}",
            "fix what git says, then run again",
        ) from None
    return out


def _open(root: Path) -> git.Repo:
    try:
        import git
    except ImportError as exc:  # GitPython is there, but the git program is not
        raise RegenError.at(
            ".", None, f"cannot use git: {_first_line(str(exc))}", "install git"
        ) from None
    try:
        return git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise RegenError.at(
            ".",
            None,
            "not a git repository",
            "run regen inside one, or leave out --changed, --staged and --since",
        ) from None


def _resolves(repo: git.Repo, ref: str) -> bool:
    """Whether `ref` names a commit; git failing for another reason is an error."""
    import git

    try:
        repo.git.rev_parse("--verify", "--quiet", f"{ref}^{{commit}}")
    except git.GitCommandError as exc:
        if exc.status == 1:  # --quiet: "no such commit", and nothing else
            return False
        raise RegenError.at(
            ".",
            None,
            f"git rev-parse failed: {_first_line(str(exc.stderr))}",
            "fix what git says, then run again",
        ) from None
    return True


def _merge_base(repo: git.Repo, ref: str) -> str:
    import git

    where = f"--since {ref}"
    if not _resolves(repo, "HEAD"):  # (before the ref: HEAD itself resolves to nothing)
        raise RegenError.at(where, None, "the repository has no commit yet", "commit first")
    shallow = _git(repo, "rev-parse", "--is-shallow-repository") == "true"
    if not _resolves(repo, ref):
        if ".." in ref or ":" in ref:  # a range, or a path in a commit: not one commit
            raise RegenError.at(
                where, None, "not a ref", "name one commit: the changes since it are taken"
            )
        hint = _FETCH if shallow else "check its name, or fetch it"
        raise RegenError.at(where, None, "unknown ref", hint)
    try:
        base: str = repo.git.merge_base(ref, "HEAD")
    except git.GitCommandError:
        if shallow:
            raise RegenError.at(
                where, None, "this shallow clone does not reach it", _FETCH
            ) from None
        raise RegenError.at(
            where, None, "no history in common with HEAD", "compare with a ref that shares it"
        ) from None
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

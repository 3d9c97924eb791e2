"""Which pages a run looks at: the paths named on the command line, or the configured globs."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

from regen.config import Config
from regen.errors import Problem, RegenError

# Never pages, never worth walking into: tool state, virtual environments, dependencies.
_SKIPPED_DIRS = frozenset({"node_modules", "__pycache__"})


@lru_cache(maxsize=256)
def glob_regex(pattern: str) -> re.Pattern[str]:
    """A '/'-separated glob as a regex: '**' spans folders, '*' and '?' stay within one."""
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + r"\Z")


def matches(path: str, patterns: Iterable[str]) -> bool:
    return any(glob_regex(p).match(path) for p in patterns)


def relative(root: Path, file: Path) -> str:
    return file.relative_to(root).as_posix()


def discover(config: Config, paths: Sequence[Path] = ()) -> list[Path]:
    """The pages to scan, sorted. Named files are taken as they are; named folders and the
    default (the whole repository) are filtered by the configured page globs and excludes."""
    root = config.root.resolve()
    if not paths:
        return _unique(_walk(root, root, config))
    problems: list[Problem] = []
    found: set[Path] = set()
    for path in paths:
        absolute = Path.cwd() / path  # kept unresolved: a symlink is judged by its target
        if not absolute.resolve().is_relative_to(root):
            problems.append(
                Problem(str(path), None, "outside the repository", f"name pages below {root}")
            )
        elif absolute.is_dir():
            found.update(_walk(root, absolute, config))
        elif absolute.is_file():
            found.add(absolute)
        else:
            problems.append(Problem(str(path), None, "no such file or folder", "check the path"))
    if problems:
        raise RegenError(problems)
    return _unique(found)


def _unique(files: Iterable[Path]) -> list[Path]:
    """Sorted, and one path per real file: a page reached through a symlink too is planned once."""
    seen: dict[Path, Path] = {}
    for file in sorted(files):
        seen.setdefault(file.resolve(), file)
    return sorted(seen.values())


def _walk(root: Path, start: Path, config: Config) -> Iterable[Path]:
    for folder, dirs, files in os.walk(start):
        base = Path(folder)
        rel_base = "" if base == root else relative(root, base) + "/"
        dirs[:] = sorted(
            d
            for d in dirs
            if not d.startswith(".")
            and d not in _SKIPPED_DIRS
            and not matches(rel_base + d, config.exclude)
        )
        for name in files:
            rel = rel_base + name
            if matches(rel, config.pages) and not matches(rel, config.exclude):
                file = base / name
                if file.resolve().is_relative_to(root):  # a symlink may lead elsewhere
                    yield file

"""Which pages a run looks at: the paths named on the command line, or the configured globs."""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path

from regen.config import Config, holds_configuration
from regen.errors import Problem, RegenError
from regen.git import repository_files
from regen.markers import UUID_RE
from regen.textfile import NOT_REGULAR

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
    return any_glob(tuple(patterns))(path)


@lru_cache(maxsize=64)
def any_glob(patterns: tuple[str, ...]) -> Callable[[str], bool]:
    """Whether a path matches any of the globs: one pattern for them all (a run over 30,000
    pages asks twice a page)."""
    if not patterns:
        return lambda _: False
    joined = re.compile("|".join(f"(?:{glob_regex(p).pattern})" for p in patterns))
    return lambda path: joined.match(path) is not None


def relative(root: Path, file: Path) -> str:
    return file.relative_to(root).as_posix()


def discover(config: Config, paths: Sequence[Path] = ()) -> list[str]:
    """The pages to scan, sorted, by their names relative to the root ('/'-separated: a name
    is a fifth of a Path's memory, and a run over 30,000 pages holds them all). Named files are
    taken as they are; named folders and the default (the whole repository) are filtered by
    the configured page globs and excludes."""
    root = config.root.resolve()
    problems: list[Problem] = []
    if not paths:
        known = repository_files(root)  # in a git repository, ignored files are never pages
        found = _unique(root, _pages(root, root, config, known, problems), config)
        if problems:
            raise RegenError(problems)
        if not found:
            raise RegenError.at(
                config.file,
                config.line("pages"),
                f"no page matches {config.prefix}pages = {json.dumps(list(config.pages))}",
                f"fix the globs; they are relative to the folder holding {config.file}",
            )
        return found
    files: list[Found] = []
    targets = [(path, _locate(root, path)) for path in paths]
    known = repository_files(root, _named(root, [t for _, t in targets if t is not None]))
    for path, target in targets:
        if target is None and _resolved(_normal(path)) is None:
            problems.append(
                Problem(str(path), None, "leads into a symlink loop", "fix or remove the link")
            )
        elif target is None:
            problems.append(
                Problem(str(path), None, "outside the repository", f"name pages below {root}")
            )
        elif (why := _unreadable(target)) is not None:
            problems.append(
                Problem(str(path), None, f"cannot read: {why}", "check its permissions")
            )
        elif target.is_dir() and (other := _own_configuration(root, target)) is not None:
            problems.append(_theirs(str(path), relative(root, other)))
        elif target.is_dir():
            before = len(problems)
            below = list(_pages(root, target, config, known, problems))
            if not below and len(problems) == before:
                problems.append(
                    Problem(
                        str(path),
                        None,
                        "no page in this folder matches the configured globs",
                        f"check the folder, or {config.prefix}pages in {config.file}",
                    )
                )
            files.extend(below)
        elif known is not None and target.is_file() and not _known(root, target, known):
            problems.append(
                Problem(str(path), None, "ignored by git", "regen never touches ignored files")
            )
        elif target.is_file() and (other := _own_configuration(root, target.parent)):
            problems.append(_theirs(str(path), relative(root, other)))
        elif target.is_file():
            files.append((relative(root, target), _real(target)))
        elif target.exists():
            problems.append(Problem(str(path), None, NOT_REGULAR, "name a page"))
        else:
            problems.append(Problem(str(path), None, "no such file or folder", "check the path"))
    if problems:
        raise RegenError(problems)
    return _unique(root, files, config)


def _unreadable(target: Path) -> str | None:
    """Why the named path cannot be looked at (a folder above it that may not be entered);
    None when it can, or does not exist (said as such after)."""
    try:
        target.lstat()
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def _named(root: Path, targets: Sequence[Path]) -> list[str]:
    """What git is asked about for the named paths: each, and where a symlink among them leads."""
    named = set()
    for target in targets:
        named.add(relative(root, target) if target != root else ".")
        if _unreadable(target) is not None:
            continue  # said when the named paths are looked at
        real = _resolved(target) if target.is_symlink() else None
        if real is not None and real.is_relative_to(root):
            named.add(relative(root, real) if real != root else ".")
    return sorted(named)


def _resolved(path: Path) -> Path | None:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        return None


def _normal(path: Path) -> Path:
    """`path` made absolute, with '..' folded and no symlink followed."""
    return Path(os.path.normpath(Path.cwd() / path))


def _locate(root: Path, path: Path) -> Path | None:
    """`path` as a path below `root`, or None when it leads outside. '..' is folded first, so
    that `docs/../README.md` is matched against the globs as `README.md`; a path named through
    a symlinked folder is taken at its real place."""
    normal = _normal(path)
    real = _resolved(normal)
    if real is None or not real.is_relative_to(root):
        return None
    return normal if normal.is_relative_to(root) else real


Found = tuple[str, Path | None]  # a page's name, and the file it is (None: not a symlink)


def _real(file: Path) -> Path | None:
    return _resolved(file) or file if file.is_symlink() else None


def _unique(root: Path, files: Iterable[Found], config: Config) -> list[str]:
    """Sorted, and one name per real file: a page reached through a symlink too is planned
    once, by its own name when that is a page too (so that every run, over every page or over
    a few, records it in regen.lock by the same name), else by the link's name that sorts
    first. Only symlinks are resolved; resolving every page would cost a system call per
    folder."""
    seen: dict[str, str] = {}  # by the name of the file itself
    page, excluded = any_glob(config.pages), any_glob(config.exclude)
    for name, real in files:
        itself = name if real is None else _name_of(root, real)
        if real is not None and itself != name and page(itself) and not excluded(itself):
            name = itself
        kept = seen.setdefault(itself, name)
        if kept != name and _order(name) < _order(kept):
            seen[itself] = name
    return sorted(seen.values(), key=_order)


def _name_of(root: Path, real: Path) -> str:
    return relative(root, real) if real.is_relative_to(root) else str(real)


def _order(name: str) -> str:
    """The order of pages: by their parts, as Path orders them. The name with each '/' made the
    lowest character of all sorts as the tuple of its parts does (a one-string key: 30,000
    tuples of parts cost 7 MB, and Paths compared in Python 0.1 s); lower-cased where case
    does not count, as Path does."""
    key = name.replace("/", "\0")
    return key if os.name == "posix" else key.lower()


def _known(root: Path, file: Path, known: set[str]) -> bool:
    if relative(root, file) in known:
        return True
    real = _resolved(file) if file.is_symlink() else None
    return real is not None and real.is_relative_to(root) and relative(root, real) in known


def _pages(
    root: Path, start: Path, config: Config, known: set[str] | None, problems: list[Problem]
) -> Iterator[Found]:
    """The pages below `start`: from git's listing in a git repository (so that ignored trees,
    a build folder of thousands of files, are never walked), else from the file system; a
    folder that cannot be read but may hold pages goes to `problems`."""
    if known is None:
        return _walk(root, start, config, problems)
    return _listed(root, start, config, known)


def _theirs(path: str, folder: str) -> Problem:
    """The problem of a path named below a folder with a configuration of its own."""
    return Problem(
        path,
        None,
        f"{folder} has a configuration of its own",
        f"run regen in {folder}, or with --config pointing at its configuration",
    )


def _own_configuration(root: Path, folder: Path) -> Path | None:
    """The folder at or above `folder`, below the root, that holds a configuration of its
    own; None when there is none."""
    for candidate in (folder, *folder.parents):
        if candidate == root or not candidate.is_relative_to(root):
            return None
        names = [name for name in _CONFIGURATIONS if (candidate / name).is_file()]
        if names and holds_configuration(candidate, names):
            return candidate
    return None


_CONFIGURATIONS = ("regen.toml", "pyproject.toml")  # the files a configuration may be in


def _other_configurations(root: Path, known: set[str]) -> tuple[str, ...]:
    """The folders below the root (each ending in '/') that hold a configuration of their own:
    a run of this one leaves their pages to theirs, as a run started there would find it."""
    found = []
    ends = tuple(f"/{name}" for name in _CONFIGURATIONS)
    for rel in [rel for rel in known if rel.endswith(ends)]:
        folder, _, name = rel.rpartition("/")
        if holds_configuration(root / folder, (name,)):
            found.append(folder + "/")
    return tuple(found)


def _listed(root: Path, start: Path, config: Config, known: set[str]) -> Iterator[Found]:
    """The pages among git's names: strings matched, and one lstat each (thousands of pages)."""
    base = "" if start == root else relative(root, start) + "/"
    top = f"{root}{os.sep}"
    page, excluded = any_glob(config.pages), any_glob(config.exclude)
    master = blurb_masters(config)
    others = _other_configurations(root, known)
    for rel in known:
        if not rel.startswith(base) or master(rel):
            continue
        if others and rel.startswith(others):
            continue  # another configuration's page
        parts = rel.split("/")
        if any(p.startswith(".") for p in parts) or any(p in _SKIPPED_DIRS for p in parts[:-1]):
            continue
        if config.exclude:
            folders = ("/".join(parts[:i]) for i in range(1, len(parts)))
            if any(excluded(folder) for folder in folders):
                continue
        if not page(rel) or excluded(rel):
            continue
        try:
            mode = os.lstat(top + rel).st_mode  # strings: a Path a name costs twice the time
        except (FileNotFoundError, NotADirectoryError):
            continue  # deleted from the work tree, still in the index
        except OSError:  # in a folder that may not be entered: reading it says so
            yield rel, None
            continue
        if stat.S_ISLNK(mode):
            real = _resolved(root / rel)
            if real is None or not real.is_relative_to(root) or not real.is_file():
                continue
            yield rel, real
        elif stat.S_ISREG(mode):
            yield rel, None


def _may_hold_pages(folder: str, globs: Sequence[str]) -> bool:
    """Whether a page below `folder` ('' or ending in '/') could match one of the globs: each
    of its names matches the glob's part at that depth, and the glob goes deeper (or a `**`
    comes first, which goes anywhere)."""
    names = folder.rstrip("/").split("/") if folder else []
    for glob in globs:
        parts = glob.split("/")
        for depth, name in enumerate(names):
            if "**" in parts[depth]:
                return True
            if depth == len(parts) - 1 or not glob_regex(parts[depth]).match(name):
                break
        else:
            return True
    return False


def _all_excluded(folder: str, config: Config) -> bool:
    """Whether the excludes take everything below `folder` ('' or ending in '/'): told by
    names one and two levels down that no glob spells out (`docs/private/**` takes both;
    `docs/private/*.md` neither)."""
    if not config.exclude or not folder:
        return False
    excluded = any_glob(config.exclude)
    return excluded(folder + "\0") and excluded(folder + "\0/\0")


def _unreadable_folder(folder: str, exc: OSError, config: Config) -> Problem:
    shown = folder.rstrip("/") or "."
    return Problem(
        shown,
        None,
        f"cannot read this folder: {exc.strerror or exc}; pages in it would go unchecked",
        f"make it readable, or add it to {config.prefix}exclude in {config.file}",
    )


def is_blurb_master(name: str, config: Config) -> bool:
    """Whether the page name is a blurb master: `<uuid>.md` right in the blurbs folder. What
    blurb regions copy is never a page (the default globs, `**/*.md`, would take it); any
    other file there is one like any other."""
    return blurb_masters(config)(name)


def blurb_masters(config: Config) -> Callable[[str], bool]:
    """is_blurb_master for one configuration, its folder worked out once (for every name)."""
    folder = config.blurbs.strip("/")
    prefix = "" if folder in ("", ".") else folder + "/"
    start, match = len(prefix), UUID_RE.fullmatch

    def master(name: str) -> bool:
        if not name.startswith(prefix) or not name.endswith(".md"):
            return False
        stem = name[start:-3]
        return "/" not in stem and match(stem) is not None

    return master


def _walk(root: Path, start: Path, config: Config, problems: list[Problem]) -> Iterator[Found]:
    """The pages below `start` (a folder below the resolved root): walked with scandir, so that
    symlinks are known without asking, and only they are resolved. A folder that cannot be
    read is a problem when the globs could take a page in it: its pages would go unchecked."""
    pending, master = [start], blurb_masters(config)
    while pending:
        folder = pending.pop()
        rel_base = "" if folder == root else relative(root, folder) + "/"
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except (FileNotFoundError, NotADirectoryError):
            continue  # gone meanwhile
        except OSError as exc:
            if _may_hold_pages(rel_base, config.pages) and not _all_excluded(rel_base, config):
                problems.append(_unreadable_folder(rel_base, exc, config))
            continue
        if rel_base and holds_configuration(folder, {entry.name for entry in entries}):
            continue  # another configuration's folder: its pages are that one's
        for entry in entries:
            name = entry.name
            rel = rel_base + name
            if name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                if name not in _SKIPPED_DIRS and not matches(rel, config.exclude):
                    pending.append(folder / name)
                continue
            if not matches(rel, config.pages) or matches(rel, config.exclude):
                continue
            if master(rel):
                continue
            if entry.is_symlink():
                real = _resolved(folder / name)  # a symlink may lead elsewhere
                if real is None or not real.is_relative_to(root) or not real.is_file():
                    continue
                yield rel, real
            elif entry.is_file(follow_symlinks=False):
                yield rel, None

"""Write changed pages so that nothing is lost: every new page goes to a temp file in its own
folder first; only when all of them are written and flushed does any page get replaced (by
os.replace, which a reader or a crash sees as the old file or the new one, never a mix).

A full disk, a read-only folder or a page someone saved meanwhile therefore writes no page at
all. A crash during the replacing leaves some pages new and the others old, each whole, and
temp files that the next run removes before it finishes the job.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from regen.errors import Problem, RegenError

TEMP_SUFFIX = ".regen-tmp"
_TEMP = re.compile(r"\..+\.[A-Za-z0-9_]+" + re.escape(TEMP_SUFFIX) + r"\Z")


@dataclass(frozen=True)
class PageWrite:
    """One page to rewrite: where, its new bytes, and the bytes it held when it was read."""

    file: Path
    data: bytes
    shown: str  # as the user sees the path
    expected: bytes | None  # None: a new file, which must not exist yet


def _failed(shown: str, exc: OSError) -> Problem:
    return Problem(
        shown,
        None,
        f"cannot write: {exc.strerror or exc}",
        "check free space and permissions; no page was written",
    )


def write_pages(writes: Sequence[PageWrite]) -> list[str]:
    """Write every page, or none: raises RegenError, with no page written, when any of them
    cannot be (but for a failure in the last step, os.replace, which says what was written)."""
    staged: list[tuple[PageWrite, Path, Path]] = []  # (write, target, temp)
    try:
        for write in writes:
            target = write.file.resolve()  # a symlinked page stays a symlink
            if write.expected is None:
                staged.append((write, target, _new_file(target, write)))
                continue
            try:
                current = target.read_bytes()
                status = target.stat()
            except OSError as exc:
                raise RegenError([_failed(write.shown, exc)]) from None
            if not status.st_mode & stat.S_IWUSR:
                raise RegenError.at(
                    write.shown,
                    None,
                    "the page is read-only; no page was written",
                    "make it writable (chmod u+w) if regen may rewrite it",
                )
            if current != write.expected:
                raise RegenError.at(
                    write.shown,
                    None,
                    "changed while regen was running; no page was written",
                    "run regen again",
                )
            staged.append((write, target, _temp_copy(target, write, status)))
    except BaseException:
        for _, _, temp in staged:
            temp.unlink(missing_ok=True)
        raise
    written: list[str] = []
    for index, (write, target, temp) in enumerate(staged):
        try:
            temp.replace(target)
        except BaseException as exc:  # an OSError, or Ctrl-C: the rest stay old, temp-free
            for _, _, rest in staged[index:]:
                with contextlib.suppress(OSError):
                    rest.unlink()
            if not isinstance(exc, OSError):
                raise
            problem = _failed(write.shown, exc)
            done = ", ".join(written) or "none"
            raise RegenError(
                [Problem(problem.path, None, problem.message, f"pages written before it: {done}")]
            ) from None
        written.append(write.shown)
    for folder in {target.parent for _, target, _ in staged}:
        _sync_folder(folder)
    return written


def _new_file(target: Path, write: PageWrite) -> Path:
    """A file that did not exist (regen.lock, an imported source): refused if one appeared
    meanwhile, else staged with the mode a new file gets here."""
    if target.exists() or target.is_symlink():
        raise RegenError.at(
            write.shown,
            None,
            "appeared while regen was running; no file was written",
            "run regen again",
        )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RegenError([_failed(write.shown, exc)]) from None
    umask = os.umask(0)
    os.umask(umask)
    return _temp_copy(target, write, None, 0o666 & ~umask)


def _temp_copy(
    target: Path, write: PageWrite, status: os.stat_result | None, mode: int = 0
) -> Path:
    """The new bytes in a temp file beside the page, flushed to disk, with the page's mode and
    (where this process may set it) its owner. A hard-linked page becomes a file of its own,
    as with any editor that saves by renaming."""
    temp: Path | None = None
    try:
        fd, name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=TEMP_SUFFIX, dir=target.parent
        )
        temp = Path(name)
        with os.fdopen(fd, "wb") as out:
            out.write(write.data)
            out.flush()
            os.fsync(out.fileno())
        temp.chmod(mode if status is None else stat.S_IMODE(status.st_mode))
        if status is not None:
            with contextlib.suppress(OSError):  # only root may give a file to another owner
                os.chown(temp, status.st_uid, status.st_gid)
        return temp
    except OSError as exc:
        if temp is not None:
            temp.unlink(missing_ok=True)
        raise RegenError([_failed(write.shown, exc)]) from None
    except BaseException:  # Ctrl-C: leave nothing behind
        if temp is not None:
            temp.unlink(missing_ok=True)
        raise


def _sync_folder(folder: Path) -> None:
    """Make the renames durable: a crash after this keeps the new pages."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def remove_leftovers(folders: Iterable[Path]) -> list[Path]:
    """Temp files an interrupted run left beside its pages (only regen's own: a dot, the page's
    name, a random part, .regen-tmp); returns what was removed."""
    removed: list[Path] = []
    for folder in set(folders):
        try:
            entries = list(folder.iterdir())
        except OSError:
            continue
        for entry in entries:
            if entry.name.endswith(TEMP_SUFFIX) and _TEMP.match(entry.name):
                with contextlib.suppress(OSError):
                    entry.unlink()
                    removed.append(entry)
    return removed


def write_atomic(file: Path, data: bytes, shown: str, expected: bytes) -> None:
    """Write one page as write_pages() does."""
    write_pages([PageWrite(file, data, shown, expected)])

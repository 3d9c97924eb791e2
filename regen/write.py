"""Write changed pages so that nothing is lost: every new page goes to a temp file in its own
folder first; only when all of them are written and flushed does any page get replaced (by
os.replace, which a reader or a crash sees as the old file or the new one, never a mix).

A full disk, a read-only folder or a page someone saved meanwhile therefore writes no page at
all. A crash during the replacing leaves some pages new and the others old, each whole, and
temp files that the next run removes before it finishes the job.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import signal
import stat
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from regen.errors import Problem, RegenError

TEMP_SUFFIX = ".regen-tmp"
_TEMP = re.compile(r"\..+\.[A-Za-z0-9_]+" + re.escape(TEMP_SUFFIX) + r"\Z")


@dataclass(frozen=True)
class PageWrite:
    """One page to rewrite: where, its new bytes, and the bytes it held when it was read
    (None: a new file, which must not exist yet; its folders are made as needed)."""

    file: Path
    data: bytes
    shown: str  # as the user sees the path
    expected: bytes | None


def _failed(shown: str, exc: OSError) -> Problem:
    return Problem(
        shown,
        None,
        f"cannot write: {exc.strerror or exc}",
        "check free space and permissions; no page was written",
    )


Staged = tuple[str, Path, Path, str | None]  # shown, target, temp, what the target held (hash)


class Staging:
    """Pages written to temp files one by one (so that a run over many pages holds none of
    them), then all put in place together, or none: `abort()` removes every temp file.

    Its temp files carry a token of the run, so that cleaning up after a crashed run never
    takes this run's own, even those a forked worker of it (which shares the token) wrote."""

    def __init__(self) -> None:
        # This run's: every temp name starts with it. Its process id tells another run (one
        # of a nested configuration, say, in the same folders) that the run is still going.
        self._token = f"{os.getpid()}x{secrets.token_hex(4)}"
        self._prefix = self._token  # this process's (a forked worker adds its number)
        # (shown, target, temp, a hash of what the target held: None for a new file)
        self._staged: list[Staged] = []
        self._made: list[Path] = []  # folders made for new files, removed again on abort
        self._cleaned: set[Path] = set()  # folders whose leftover temp files are gone

    def __len__(self) -> int:
        return len(self._staged)

    def stage(self, write: PageWrite) -> None:
        """Write `write` to a temp file beside its target; raises RegenError (nothing of this
        write left behind) when the target changed, is read-only, or cannot be written."""
        if write.expected is None:
            target = _new_target(write, self._made)
            status = None
        else:
            target = write.file.resolve()  # a symlinked page stays a symlink
            status = _checked_target(target, write)
        self.clean([target.parent])  # a crashed run's
        held = None if write.expected is None else _fingerprint(write.expected)
        with _ctrl_c_held_back():  # the temp file is made and listed, or neither
            temp = _temp_file(target, write, status, self._prefix)
            self._staged.append((write.shown, target, temp, held))

    def clean(self, folders: Iterable[Path]) -> None:
        """Remove the temp files a crashed run left in `folders`, never this run's own."""
        fresh = {folder for folder in folders if folder not in self._cleaned}
        remove_leftovers(fresh, keep=self._token)
        self._cleaned |= fresh

    def taken(self, since: int = 0) -> list[Staged]:
        """The pages staged (from the `since`-th on): what a forked worker hands back."""
        return self._staged[since:]

    def as_worker(self, number: int) -> None:
        """In the forked worker of part `number`: its temp names tell it from the others."""
        self._prefix = f"{self._token}w{number}"

    def remove_strays(self, folders: Iterable[Path], worker: int | None = None) -> None:
        """Remove this run's temp files in `folders` that it did not stage (of the worker of
        part `worker` alone, or of any): those of a forked worker that died, or whose list of
        them was lost, before they could be taken on."""
        own = {temp for _, _, temp, _ in self._staged}  # beside resolved targets
        prefix = self._token if worker is None else f"{self._token}w{worker}"
        for folder in {folder.resolve() for folder in folders}:
            for temp, token in _temp_files(folder):
                if token.startswith(prefix) and temp not in own:
                    temp.unlink(missing_ok=True)

    def discard(self, staged: Iterable[Staged]) -> None:
        """Remove the temp files of pages staged by another process of this run."""
        for _, _, temp, _ in staged:
            temp.unlink(missing_ok=True)

    def absorb(self, staged: Iterable[Staged]) -> None:
        """Take on pages another process of this run staged (see `taken`)."""
        self._staged.extend(staged)

    def abort(self) -> None:
        for _, _, temp, _ in self._staged:
            temp.unlink(missing_ok=True)
        for folder in reversed(self._made):
            with contextlib.suppress(OSError):
                folder.rmdir()
        self._staged, self._made = [], []

    def commit(self) -> list[str]:
        """Put every staged page in place, once each is known to hold still what regen read
        (a page saved since it was staged stops them all: RegenError, nothing written). Each
        is looked at again just before its own rename (a save can land while the others are
        renamed: thousands take a tenth of a second); a page changed then, or a failure of
        os.replace itself, stops the renames there and raises PartialWrite naming what was
        written before it (the rest stay old, temp-free; regen.lock, renamed last, too)."""
        signatures = []
        for shown, target, _, held in self._staged:
            signatures.append(_signature(target))  # first: a save after it shows as a change
            if not _unchanged(target, held):
                self.abort()
                raise RegenError.at(
                    shown,
                    None,
                    "changed while regen was running; no page was written",
                    "run regen again",
                )
        written: list[str] = []
        # Renames are quick: a Ctrl-C waits for the last, so that the pages are all new or
        # all old (only a crash, or a failing rename, can leave some of each).
        with _ctrl_c_held_back():
            for index, (shown, target, temp, held) in enumerate(self._staged):
                try:
                    if _signature(target) != signatures[index] and not _unchanged(target, held):
                        raise _SavedMeanwhile
                    temp.replace(target)
                except BaseException as exc:  # an OSError (Ctrl-C is held back), or a save
                    for _, _, rest, _ in self._staged[index:]:
                        with contextlib.suppress(OSError):
                            rest.unlink()
                    if isinstance(exc, _SavedMeanwhile):
                        message = "changed while regen was running; left as it is"
                    elif isinstance(exc, OSError):
                        message = _failed(shown, exc).message
                    else:
                        raise
                    hint = f"written before it: {_briefly(written)}; run regen again"
                    raise PartialWrite([Problem(shown, None, message, hint)], written) from None
                written.append(shown)
        for folder in {target.parent for _, target, _, _ in self._staged}:
            _sync_folder(folder)
        self._staged = []
        return written


class _SavedMeanwhile(Exception):
    """A page saved by someone between the check of every page and its own rename."""


def _signature(target: Path) -> tuple[int, ...] | None:
    """What tells, without reading it, that a file was saved since: its inode (an editor that
    saves by renaming makes a new one), size and times. None: there is no file."""
    try:
        status = target.stat()
    except OSError:
        return None
    return (status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns)


def _briefly(names: Sequence[str], shown: int = 5) -> str:
    """The names, the first few of them when there are many (a line, not 3,000 names)."""
    if not names:
        return "none"
    if len(names) <= shown:
        return ", ".join(names)
    return f"{', '.join(names[:shown])} and {len(names) - shown:,} more"


class PartialWrite(RegenError):
    """A rename failed after others were done: `written` are in place, the rest still old."""

    def __init__(self, problems: Sequence[Problem], written: Sequence[str]) -> None:
        super().__init__(problems)
        self.written = tuple(written)


@contextlib.contextmanager
def _ctrl_c_held_back() -> Iterator[None]:
    """Ctrl-C waits until the block is done: between making a temp file and listing it, it
    would leave a file that nothing removes (one in about three interrupted runs)."""
    main = threading.current_thread() is threading.main_thread()
    if not main or not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def write_pages(writes: Sequence[PageWrite]) -> list[str]:
    """Write every page, or none: raises RegenError, with no page written, when any of them
    cannot be (but for a failure in the last step, os.replace, which says what was written)."""
    staging = Staging()
    try:
        for write in writes:
            staging.stage(write)
    except BaseException:
        staging.abort()
        raise
    return staging.commit()


def _fingerprint(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _unchanged(target: Path, held: str | None) -> bool:
    """Whether the target holds what regen read (`held`, a hash), or is still absent (None)."""
    if held is None:
        return not target.exists() and not target.is_symlink()
    try:
        return _fingerprint(target.read_bytes()) == held
    except OSError:
        return False


def _read_only(target: Path, status: os.stat_result) -> bool:
    """Whether the page is not this process's to rewrite. A rename needs only its folder to
    be writable, so the page's own permission is asked: may this user write it (another
    user's page stays theirs; rewritten, it would become this user's). Root may write any
    page, so for root a page that no one may write is read-only, as chmod a-w meant it."""
    if os.geteuid() == 0:
        return not status.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    return not os.access(target, os.W_OK, effective_ids=os.access in os.supports_effective_ids)


def _checked_target(target: Path, write: PageWrite) -> os.stat_result:
    """The page's status, once it is known to be writable and as it was read."""
    try:
        current = target.read_bytes()
        status = target.stat()
    except OSError as exc:
        raise RegenError([_failed(write.shown, exc)]) from None
    if _read_only(target, status):
        if os.geteuid() not in (0, status.st_uid):  # only its owner may make it writable
            raise RegenError.at(
                write.shown,
                None,
                "the page is another user's, and not writable by this one; no page was written",
                f"run regen as its owner (uid {status.st_uid}), or have them let this user"
                " write it",
            )
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
    return status


def _temp_file(target: Path, write: PageWrite, status: os.stat_result | None, token: str) -> Path:
    """The new bytes in a temp file beside the target, flushed to disk. A page keeps its mode
    and (where this process may set it) its owner, and a hard-linked page becomes a file of
    its own, as with any editor that saves by renaming; a new file gets the mode any new file
    gets here (0o666 less the umask, which the kernel applies to os.open's mode)."""
    temp: Path | None = None
    try:
        mode = 0o600 if status is not None else 0o666  # a page's own mode is set below
        while temp is None:
            unique = token + secrets.token_hex(4)
            candidate = target.parent / _temp_name(target, unique)
            try:
                fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
            except FileExistsError:
                continue
            temp = candidate
        with os.fdopen(fd, "wb") as out:
            out.write(write.data)
            out.flush()
            os.fsync(out.fileno())
        if status is not None:
            # The owner first: a change of owner clears the set-user-ID and set-group-ID bits.
            with contextlib.suppress(OSError):  # only root may give a file to another owner
                os.chown(temp, status.st_uid, status.st_gid)
            temp.chmod(stat.S_IMODE(status.st_mode))
        return temp
    except OSError as exc:
        if temp is not None:
            temp.unlink(missing_ok=True)
        raise RegenError([_failed(write.shown, exc)]) from None
    except BaseException:  # Ctrl-C: leave nothing behind
        if temp is not None:
            temp.unlink(missing_ok=True)
        raise


def _temp_name(target: Path, unique: str) -> str:
    """`.<page>.<unique>.regen-tmp`, the page's name cut short where the whole would be longer
    than a file name may be here: else a page named near that limit could never be updated."""
    tail = f".{unique}{TEMP_SUFFIX}"
    try:
        limit = os.pathconf(target.parent, "PC_NAME_MAX")
    except (OSError, ValueError):
        limit = 255
    room = limit - 1 - len(tail.encode("utf-8"))
    name = target.name.encode("utf-8", "surrogateescape")
    if len(name) > room:  # cut at a character's start, never inside one
        name = name[:room].decode("utf-8", "ignore").encode("utf-8")
    return f".{name.decode('utf-8', 'surrogateescape')}{tail}"


def _new_target(write: PageWrite, made: list[Path]) -> Path:
    """Where a new file goes, its folders made (and listed in `made`); refused if it exists."""
    if write.file.exists() or write.file.is_symlink():
        raise RegenError.at(
            write.shown,
            None,
            "already exists, and regen does not replace it; no file was written",
            "move it away, or leave out what would be written there",
        )
    missing = [f for f in (write.file.parent, *write.file.parent.parents) if not f.exists()]
    try:
        for folder in reversed(missing):
            folder.mkdir()
            made.append(folder)
    except OSError as exc:
        raise RegenError([_failed(write.shown, exc)]) from None
    return write.file.parent.resolve() / write.file.name


def _sync_folder(folder: Path) -> None:
    """Make the renames durable: a crash after this keeps the new pages."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def remove_leftovers(folders: Iterable[Path], keep: str | None = None) -> list[Path]:
    """Temp files an interrupted run left beside its pages, but for those of the run whose
    token is `keep`; returns what was removed."""
    removed: list[Path] = []
    for folder in set(folders):
        for temp, token in _temp_files(folder):
            if keep is not None and token.startswith(keep):
                continue  # this run's own
            if _still_running(token):
                continue  # another run's, about to be put in place
            with contextlib.suppress(OSError):
                temp.unlink()
                removed.append(temp)
    return removed


def _still_running(token: str) -> bool:
    """Whether the run that wrote a temp file with this random part is still going: another
    process whose id it names is alive (a reused id only keeps a leftover a while longer)."""
    found = re.match(r"(\d+)x", token)
    if found is None:
        return False  # no process named (an older regen's)
    pid = int(found[1])
    if pid == os.getpid():
        return False  # an earlier run of this process, which is done
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: alive
        return True
    return True


def _temp_files(folder: Path) -> Iterator[tuple[Path, str]]:
    """regen's temp files in `folder` (a dot, the page's name, a random part that starts with
    its run's token, .regen-tmp), each with that random part."""
    try:
        entries = list(folder.iterdir())
    except OSError:
        return
    for entry in entries:
        name = entry.name
        if name.endswith(TEMP_SUFFIX) and _TEMP.match(name):
            yield entry, name.rsplit(".", 2)[-2]

"""One `regen update` at a time on a tree: an editor's save hook and a pre-commit run that
start together are serialised, the second waiting for the first.

The lock is an flock(2) on `.regen-cache/lock` in the tree (a folder that ignores itself in
git): the kernel releases it when its process ends, however it ends, so a lock left by a
killed run is taken over at once. The file says who holds it, for the message of the one that
waits. Another user's lock file, which cannot be written, is locked all the same (flock needs
no write access); a tree where it cannot even be made is not locked.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from regen.cache import FOLDER, ensure_folder
from regen.errors import RegenError


def lock_path(root: Path) -> Path:
    return root / FOLDER / "lock"


def _open(path: Path) -> tuple[int | None, bool]:
    """The lock file, and whether this process may write who holds it; None in a tree where
    nothing can be made (read-only: no page can be written there either)."""
    if path.parent.exists() and not path.parent.is_dir():
        raise RegenError.at(
            str(path.parent.name),
            None,
            "is not a folder, so runs cannot take turns",
            "remove it: it is regen's cache and lock",
        )
    with contextlib.suppress(OSError):
        ensure_folder(path.parent)
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o666), True
    except OSError:
        pass
    try:
        return os.open(path, os.O_RDONLY), False
    except OSError:
        return None, False


def _holder(path: Path) -> str:
    try:
        pid, started = path.read_text(encoding="utf-8").split()
        return f"the run of process {pid}, started {time.time() - float(started):.0f} s ago"
    except (OSError, ValueError):
        return "another run"


def _held_here(path: Path) -> bool:
    try:
        return int(path.read_text(encoding="utf-8").split()[0]) == os.getpid()
    except (OSError, ValueError, IndexError):
        return False


@contextlib.contextmanager
def run_lock(
    root: Path,
    *,
    timeout: float = 600.0,
    on_wait: Callable[[str], None] | None = None,
) -> Iterator[None]:
    """Hold the tree's lock for the block; wait up to `timeout` seconds for it."""
    path = lock_path(root)
    fd, writable = _open(path)
    if fd is None:  # a read-only tree: nothing can be written there anyway
        yield
        return
    try:
        deadline = time.monotonic() + timeout
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if _held_here(path):
                    raise RegenError.at(
                        str(root),
                        None,
                        "regen update is already running in this process",
                        "do not call it from a generator",
                    ) from None
                if not told and on_wait is not None:
                    on_wait(f"waiting for {_holder(path)} on this tree to finish")
                    told = True
                if time.monotonic() >= deadline:
                    raise RegenError.at(
                        str(root),
                        None,
                        f"still locked by {_holder(path)}",
                        f"wait for it, or end it; the lock is {path}",
                    ) from None
                time.sleep(0.05)
            except OSError as exc:  # no locks on this file system (some NFS mounts)
                raise RegenError.at(
                    str(path),
                    None,
                    f"cannot lock: {exc.strerror}",
                    "run regen where the tree is on a local disk",
                ) from None
        if writable:
            with contextlib.suppress(OSError):  # a full disk: the lock holds all the same
                os.ftruncate(fd, 0)
                os.write(fd, f"{os.getpid()} {time.time()}".encode())
        yield
    finally:
        os.close(fd)  # closing releases the flock

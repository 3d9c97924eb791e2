"""One `regen update` at a time on a tree: an editor's save hook and a pre-commit run that
start together are serialised, the second waiting for the first.

The lock is an flock(2) on a file in the system's temp folder, named after the tree's root: the
kernel releases it when its process ends, however it ends, so a lock left by a killed run is
taken over at once. The file says who holds it, for the message of the one that waits.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from regen.errors import RegenError


def lock_path(root: Path) -> Path:
    digest = hashlib.sha256(str(root.resolve()).encode("utf-8")).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"regen-{digest}.lock"


def _holder(path: Path) -> str:
    try:
        pid, started = path.read_text(encoding="utf-8").split()
        return f"the run of process {pid}, started {time.time() - float(started):.0f} s ago"
    except (OSError, ValueError):
        return "another run"


@contextlib.contextmanager
def run_lock(
    root: Path,
    *,
    timeout: float = 600.0,
    on_wait: Callable[[str], None] | None = None,
) -> Iterator[None]:
    """Hold the tree's lock for the block; wait up to `timeout` seconds for it."""
    path = lock_path(root)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        deadline = time.monotonic() + timeout
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
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
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()} {time.time()}".encode())
        yield
    finally:
        os.close(fd)  # closing releases the flock

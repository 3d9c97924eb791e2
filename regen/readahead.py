"""Ask the kernel for the next pages while the current one is checked, when they are on disk.

After a reboot, or on a tree whose files the kernel has dropped from memory, reading pages one
after another waits on the disk once a page: two processes took 0.18 s to read 3,000 pages
here, more than checking them. Hinting each page a little before it is read (posix_fadvise
WILLNEED, which returns at once) keeps many reads in flight: 0.06 s. A check of those pages
read from disk went from 0.51 s to 0.37-0.41 s (the floor, one loop reading them: 0.33-0.36 s).

With the files in memory (after a checkout, or any earlier run) a hint only costs time. So
hinting starts only once a page is found on disk: a read with RWF_NOWAIT fails rather than
wait for it. One page in every PROBE_EVERY is probed. Linux only; elsewhere the pages are read
as before.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

SUPPORTED = all(hasattr(os, name) for name in ("posix_fadvise", "preadv", "RWF_NOWAIT"))

# Pages hinted beyond the one being read: enough to keep the disk busy (64 read as fast as
# 100,000 did), few enough that a huge tree's hints never push out pages not yet read.
LEAD = 64
PROBE_EVERY = 64

# O_NONBLOCK: a named pipe put where a page was must not hold the run open forever.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


def on_disk(file: str) -> bool:
    """Whether reading the start of `file` would wait for the disk (the kernel then starts
    reading it in). False where that cannot be told (a file system without RWF_NOWAIT, a file
    gone): no hints are worth starting."""
    try:
        fd = os.open(file, _OPEN_FLAGS)
    except OSError:
        return False
    try:
        os.preadv(fd, [bytearray(1)], 0, os.RWF_NOWAIT)
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        os.close(fd)
    return False


def hint(file: str) -> None:
    """Ask the kernel to start reading `file` into memory, and return at once. A file that
    cannot be opened is left for its reader to report."""
    try:
        fd = os.open(file, _OPEN_FLAGS)
    except OSError:
        return
    try:
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_WILLNEED)
    except OSError:
        pass
    finally:
        os.close(fd)


def read_ahead(root: Path, names: Sequence[str]) -> Iterator[str]:
    """`names` in order, for a loop that reads the files they name under `root`. Once one is
    found on disk, the file LEAD names further on is hinted before each name is given: the
    disk reads ahead of the loop, never far ahead. One page in PROBE_EVERY is probed all
    along: hinting stops where a probe finds a page in memory (only part of the tree was
    dropped), and starts again where one finds a page on disk.

    The hints are made here, between two pages, not by a thread: a thread waits for the
    interpreter's lock while the loop works (up to 5 ms a turn), and hinted too late to help.
    The files were just listed, so opening one to hint it finds its inode in memory: a few
    microseconds."""
    join, folder, count = os.path.join, str(root), len(names)
    ahead = 0  # the names before this one are hinted; 0 while not hinting
    for index, name in enumerate(names):
        if not ahead and SUPPORTED and index % PROBE_EVERY == 0 and on_disk(join(folder, name)):
            ahead = index + 1
        last = min(count, index + 1 + LEAD)
        while ahead and ahead < last:
            file = join(folder, names[ahead])
            if ahead % PROBE_EVERY == 0 and not on_disk(file):
                ahead = 0  # in memory: probed again from the next multiple of PROBE_EVERY
                break
            hint(file)
            ahead += 1
        yield name

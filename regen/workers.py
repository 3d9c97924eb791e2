"""Share a run's pages between this process and forked copies of it, one per core.

A forked worker starts as this very process: the configuration read, the modules imported,
nothing to load again. It does its part and sends what it found back through a pipe (pickled).
This pays only over many pages (reading and scanning 3,000 pages is about 0.3 s of a check's
0.5 s), so smaller runs, and systems without fork, stay in one process.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import threading
from collections.abc import Callable, Sequence
from types import FrameType
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Below this many pages a part, a worker costs about what it saves: starting one and sending
# its results back takes a few milliseconds, planning a page about 0.1 ms. A check of 300
# pages took 166 ms in one process and 160 ms in two; of 600, 207 and 175 ms (bench/findings.md).
PAGES_PER_WORKER = 150


def cores() -> int:
    """The cores this process may run on (a container may allow fewer than the machine has)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def worker_count(items: int) -> int:
    """How many processes share `items` pages: one per core, with enough pages each. One where
    fork is missing, or unsafe: in a host process with threads of its own (a library caller),
    a forked copy could wait forever on a lock a thread held. REGEN_WORKERS caps it (1: none)."""
    if not hasattr(os, "fork") or threading.active_count() > 1:
        return 1
    limit = os.environ.get("REGEN_WORKERS", "").strip()
    most = int(limit) if limit.isdigit() and int(limit) > 0 else cores()
    return max(1, min(most, items // PAGES_PER_WORKER))


def split(items: Sequence[T], parts: int) -> list[Sequence[T]]:
    """`items` in `parts` contiguous runs of (nearly) equal length, in order."""
    size, extra = divmod(len(items), parts)
    out, start = [], 0
    for number in range(parts):
        end = start + size + (1 if number < extra else 0)
        out.append(items[start:end])
        start = end
    return out


def in_parts(
    items: Sequence[T],
    work: Callable[[Sequence[T]], R],
    workers: int,
    discard: Callable[[R], None],
    in_worker: Callable[[], None] = lambda: None,
    lost: Callable[[Sequence[T]], None] = lambda _: None,
) -> list[R]:
    """`work(part)` for each of `workers` contiguous parts of `items`, in their order: the first
    in this process, every other in a forked worker. `in_worker()` runs first in each worker.

    A worker that fails, or dies, has its part done here after all (`lost(part)` first, to
    undo what it may have left): a bug then surfaces as it would without workers, and nothing
    a worker found is lost. `discard(result)` undoes what a worker's result left behind (temp
    files) when it cannot be handed over, or when this process fails before it returns them."""
    parts = split(items, workers) if workers > 1 else [items]
    started: list[tuple[int, int]] = []  # (pid, the pipe's reading end), not yet collected
    results: list[R] = []
    try:
        for part in parts[1:]:
            started.append(_start(work, part, discard, in_worker))
        results.append(work(parts[0]))
        while started:
            found = _collect(*started[0])
            started.pop(0)
            part = parts[len(results)]
            if found is None:
                lost(part)
                found = work(part)
            results.append(found)
    except BaseException:
        # A Ctrl-C reached the workers too; one sent to this process alone reaches them now.
        # Either way a worker is interrupted once, and undoes its own part (see _start).
        for pid, reading in started:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGINT)
            _collect(pid, reading, discard)
        for result in results[1:]:
            discard(result)
        raise
    return results


def _start(
    work: Callable[[Sequence[T]], R],
    part: Sequence[T],
    discard: Callable[[R], None],
    in_worker: Callable[[], None],
) -> tuple[int, int]:
    """Fork a worker for `part`: its pid, and the pipe it answers through. Ctrl-C is held back
    across the fork, so that the worker meets it only inside its own handling (never running
    on as a copy of this process's caller)."""
    reading, writing = os.pipe()
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        pid = os.fork()
    except BaseException:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        os.close(reading)
        os.close(writing)
        raise
    if pid == 0:  # the worker
        try:
            os.close(reading)
            signal.signal(signal.SIGINT, _interrupted_once)
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
            in_worker()
            _work_and_exit(work, part, writing, discard)
        finally:
            os._exit(1)
    signal.pthread_sigmask(signal.SIG_SETMASK, held)
    os.close(writing)
    return pid, reading


def _interrupted_once(_signal: int, _frame: FrameType | None) -> None:
    """A worker's Ctrl-C: one interrupts it, and any more (the terminal's and its parent's
    both arrive) are ignored, so that they cannot cut short its undoing of its part."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise KeyboardInterrupt


def _work_and_exit(
    work: Callable[[Sequence[T]], R], part: Sequence[T], writing: int, discard: Callable[[R], None]
) -> None:
    code = 1
    try:  # any failure: the parent does the part again, and reports what goes wrong
        result = work(part)
        try:
            with os.fdopen(writing, "wb") as out:
                pickle.dump(result, out, protocol=pickle.HIGHEST_PROTOCOL)
            code = 0
        finally:
            if code:
                discard(result)
    finally:
        os._exit(code)  # never the parent's exit handlers, nor its buffered output


def _collect(pid: int, reading: int, discard: Callable[[R], None] | None = None) -> R | None:
    """A worker's result; None when it failed. With `discard`, the result is discarded."""
    found: R | None = None
    try:
        with os.fdopen(reading, "rb") as pipe:
            data = pipe.read()
        if data:
            found = pickle.loads(data)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        found = None
    finally:
        try:
            _, status = os.waitpid(pid, 0)
            failed = os.waitstatus_to_exitcode(status) != 0
        except ChildProcessError:  # collected already, by an interrupted call
            failed = True
    if failed:
        found = None
    if found is not None and discard is not None:
        discard(found)
        return None
    return found

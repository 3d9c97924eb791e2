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
from dataclasses import dataclass
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
    a forked copy could wait forever on a lock a thread held. REGEN_WORKERS caps it (0 or 1:
    none; anything but a number is ignored)."""
    if not hasattr(os, "fork") or threading.active_count() > 1:
        return 1
    limit = os.environ.get("REGEN_WORKERS", "").strip()
    most = max(1, int(limit)) if limit.isdigit() else cores()  # 0 and 1: one process
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


@dataclass
class _Worker:
    pid: int
    reading: int | None  # the pipe's reading end; None once closed
    reaped: bool = False


def in_parts(
    items: Sequence[T],
    work: Callable[[Sequence[T]], R],
    workers: int,
    discard: Callable[[R], None],
    in_worker: Callable[[int], None] = lambda _: None,
    lost: Callable[[int], None] = lambda _: None,
) -> list[R]:
    """`work(part)` for each of `workers` contiguous parts of `items`, in their order: the first
    in this process, every other in a forked worker. `in_worker(number)` runs first in the
    worker of part `number`.

    A worker that fails, or dies, has its part done here after all (`lost(number)` first, to
    undo what it may have left): a bug then surfaces as it would without workers, and nothing
    a worker found is lost. `discard(result)` undoes what a worker's result left behind (temp
    files) when it cannot be handed over, or when this process fails before it returns them."""
    parts = split(items, workers) if workers > 1 else [items]
    started: list[_Worker] = []  # not yet collected, in part order
    results: list[R] = []
    try:
        for number, part in enumerate(parts[1:], start=1):
            started.append(_start(work, part, number, discard, in_worker, started))
        results.append(work(parts[0]))
        while started:
            found = _collect(started[0])
            started.pop(0)
            number = len(results)
            if found is None:
                lost(number)
                found = work(parts[number])
            results.append(found)
    except BaseException:
        # A Ctrl-C at a terminal reached the workers too; one sent to this process alone
        # reaches them now. A worker is interrupted once, and undoes its own part (_start).
        for worker in started:
            with contextlib.suppress(OSError):
                os.kill(worker.pid, signal.SIGINT)
        for worker in started:
            _collect(worker, discard)
        for result in results[1:]:
            discard(result)
        raise
    return results


def _start(
    work: Callable[[Sequence[T]], R],
    part: Sequence[T],
    number: int,
    discard: Callable[[R], None],
    in_worker: Callable[[int], None],
    others: Sequence[_Worker],
) -> _Worker:
    """Fork the worker of part `number`, which answers through a pipe. Ctrl-C is held back
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
            # Only the parent may hold a pipe's reading end: a worker holding another's
            # would keep that one writing into a pipe nobody reads, forever.
            for fd in [reading, *(other.reading for other in others)]:
                if fd is not None:
                    os.close(fd)
            signal.signal(signal.SIGINT, _interrupted_once)
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
            in_worker(number)
            _work_and_exit(work, part, writing, discard)
        finally:
            os._exit(1)
    signal.pthread_sigmask(signal.SIG_SETMASK, held)
    os.close(writing)
    return _Worker(pid, reading)


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


def _collect(worker: _Worker, discard: Callable[[R], None] | None = None) -> R | None:
    """A worker's result; None when it failed. With `discard`, the result is discarded. An
    interruption while reading leaves the worker to be signalled, then collected again."""
    found: R | None = None
    if worker.reading is not None:
        reading, worker.reading = worker.reading, None
        try:
            with os.fdopen(reading, "rb") as pipe:
                data = pipe.read()
            found = pickle.loads(data) if data else None
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            found = None
    failed = True
    if not worker.reaped:
        try:
            _, status = os.waitpid(worker.pid, 0)
            failed = os.waitstatus_to_exitcode(status) != 0
        except ChildProcessError:
            pass
        worker.reaped = True
    if failed:
        found = None
    if found is not None and discard is not None:
        discard(found)
        return None
    return found

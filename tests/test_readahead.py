"""Reading ahead (regen.readahead): pages on disk are asked for before the loop reads them,
pages already in memory are left alone. The files are really dropped from the kernel's memory
(fsync, then posix_fadvise DONTNEED on that file alone), as after a reboot."""

from __future__ import annotations

import ctypes
import mmap
import os
import threading
import time
from pathlib import Path

import pytest

import regen.readahead
import regen.workers
from regen import api
from regen.affected import Change
from regen.readahead import LEAD, PROBE_EVERY, hint, on_disk, read_ahead
from regen.workers import split
from tests.conftest import UUID_A, Repo, region
from tests.test_workers import with_workers

pytestmark = pytest.mark.skipif(not regen.readahead.SUPPORTED, reason="Linux only")


_LIBC = ctypes.CDLL(None, use_errno=True)
_LIBC.mmap.restype = ctypes.c_void_p
_LIBC.mmap.argtypes = [
    ctypes.c_void_p,
    ctypes.c_size_t,
    ctypes.c_int,
    ctypes.c_int,
    ctypes.c_int,
    ctypes.c_long,
]
_LIBC.mincore.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p]
_LIBC.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]


def in_memory(file: Path) -> bool:
    """Whether any of `file` is in the kernel's memory, asked without reading it (mincore): a
    read, even one with RWF_NOWAIT that fails, starts reading the file in."""
    size = file.stat().st_size
    fd = os.open(file, os.O_RDONLY)
    try:
        address = _LIBC.mmap(None, size, mmap.PROT_READ, mmap.MAP_SHARED, fd, 0)
        assert address != ctypes.c_void_p(-1).value, os.strerror(ctypes.get_errno())
    finally:
        os.close(fd)
    try:
        pages = (size + mmap.PAGESIZE - 1) // mmap.PAGESIZE
        flags = (ctypes.c_ubyte * pages)()
        assert _LIBC.mincore(address, size, flags) == 0, os.strerror(ctypes.get_errno())
        return any(flag & 1 for flag in flags)
    finally:
        _LIBC.munmap(address, size)


def evict(file: Path) -> bool:
    """Drop `file` from the kernel's memory, so that its next read goes to the disk; whether
    it went. (One drop in a few hundred does not take, here: it is tried again.)"""
    for _ in range(20):
        fd = os.open(file, os.O_RDONLY)
        try:
            os.fsync(fd)  # only pages already on disk can be dropped
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)
        if not in_memory(file):
            return True
    return False


def pages(root: Path, count: int) -> list[str]:
    names = [f"p{number:04}.md" for number in range(count)]
    for name in names:
        (root / name).write_bytes(b"text\n" * 2000)
    return names


@pytest.fixture
def evictable(tmp_path: Path) -> Path:
    """tmp_path, where a dropped file is really read from disk again (not on tmpfs)."""
    probe = tmp_path / "probe"
    probe.write_bytes(b"x" * 8192)
    if not evict(probe):
        pytest.skip("this file system keeps every file in memory")
    probe.unlink()
    return tmp_path


def recording(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files hinted, in order (the real hint still made)."""
    hinted: list[str] = []

    def record(file: str) -> None:
        hinted.append(Path(file).name)
        hint(file)

    monkeypatch.setattr(regen.readahead, "hint", record)
    return hinted


def test_on_disk_tells_a_dropped_file_from_one_in_memory(evictable: Path) -> None:
    page = evictable / "page.md"
    page.write_bytes(b"# A page\n" * 1000)
    assert not on_disk(str(page))
    assert evict(page)
    assert on_disk(str(page))
    page.read_bytes()
    assert not on_disk(str(page))


def test_a_hint_brings_the_file_into_memory_without_reading_it(evictable: Path) -> None:
    page = evictable / "page.md"
    page.write_bytes(b"# A page\n" * 1000)
    assert evict(page)
    hint(str(page))
    deadline = time.monotonic() + 10
    while not in_memory(page):  # (not on_disk: its own probe would bring the file in)
        assert time.monotonic() < deadline, "the hinted file never came into memory"
        time.sleep(0.001)


def open_files() -> int:
    return len(list(Path("/proc/self/fd").iterdir()))


def test_what_cannot_be_opened_is_left_to_the_reader_and_nothing_stays_open(
    tmp_path: Path,
) -> None:
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)  # opened without O_NONBLOCK, this would wait for a writer forever
    odd = [fifo, tmp_path / "gone.md", tmp_path, tmp_path / "loop.md"]
    (tmp_path / "loop.md").symlink_to(tmp_path / "loop.md")
    answers: list[bool] = []

    def ask() -> None:
        for file in odd:
            hint(str(file))
            answers.append(on_disk(str(file)))

    before = open_files()
    asking = threading.Thread(target=ask, daemon=True)
    asking.start()
    asking.join(timeout=10)
    assert not asking.is_alive(), "a named pipe held the read-ahead open"
    assert answers == [False] * len(odd)
    assert open_files() == before


def test_reading_ahead_leaves_no_file_open(evictable: Path) -> None:
    names = pages(evictable, 2 * LEAD)
    assert all(evict(evictable / name) for name in names)
    os.mkfifo(evictable / "pipe.md")
    (evictable / "folder.md").mkdir()
    names[3:3] = ["pipe.md", "folder.md", "gone.md"]
    before = open_files()
    assert list(read_ahead(evictable, names)) == names
    assert open_files() == before


@pytest.mark.parametrize("count", [0, 1, PROBE_EVERY, 3 * LEAD + 5])
def test_pages_in_memory_are_given_in_order_and_never_hinted(
    evictable: Path, monkeypatch: pytest.MonkeyPatch, count: int
) -> None:
    names = pages(evictable, count)
    hinted = recording(monkeypatch)
    # Another process may empty the file cache meanwhile (a bench run, memory pressure): then
    # hints are right. A bug hints pages in memory every time; three tries tell the two apart.
    for _ in range(3):
        hinted.clear()
        for name in names:
            (evictable / name).read_bytes()
        assert list(read_ahead(evictable, names)) == names
        if not hinted:
            break
    assert hinted == []


def test_pages_on_disk_are_hinted_ahead_of_the_loop_never_far_ahead(
    evictable: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = pages(evictable, 3 * LEAD + 5)
    hinted = recording(monkeypatch)
    # The kernel may bring a dropped page back before its probe (seen once in many runs):
    # then the hints stop early, rightly. A bug does it every time; three tries tell them apart.
    for _ in range(3):
        assert all(evict(evictable / name) for name in names)
        hinted.clear()
        given: list[str] = []
        ahead: list[int] = []  # after each page given, how many pages were hinted
        for name in read_ahead(evictable, names):
            given.append(name)
            ahead.append(len(hinted))
            (evictable / name).read_bytes()
        assert given == names
        if hinted == names[1:]:
            break
    # Every hint so far is of a page after this one, at most LEAD after it.
    assert ahead == [min(len(names) - 1, n + LEAD) for n in range(len(names))]
    assert hinted == names[1:]  # the first was probed, and read at once: no use hinting it


def test_only_every_so_many_pages_is_probed(
    evictable: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = pages(evictable, 2 * PROBE_EVERY + 10)
    hinted = recording(monkeypatch)
    for _ in range(3):  # (as above: a dropped page may come back before its probe, rarely)
        assert evict(evictable / names[1])  # between two probes: not worth finding
        assert all(evict(evictable / name) for name in names[PROBE_EVERY:])  # the second probe
        hinted.clear()
        assert list(read_ahead(evictable, names)) == names
        if hinted == names[PROBE_EVERY + 1 :]:
            break
    assert hinted == names[PROBE_EVERY + 1 :]


def test_hinting_stops_where_pages_are_in_memory_and_starts_again_where_they_are_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The policy, with the kernel's answers given: which pages are on disk is the test's to
    say (the probe itself is tested on real files above; real files here once had a dropped
    page back in memory before its probe, by some doing of the kernel's, and the hints then
    stopped one probe early)."""
    names = [f"p{number:04}.md" for number in range(4 * PROBE_EVERY + 5)]
    dropped = names[: PROBE_EVERY + 36] + names[3 * PROBE_EVERY + 8 :]  # after a partial rsync
    on_disk_now = set(dropped)
    probed: list[str] = []
    hinted: list[str] = []

    def probe(file: str) -> bool:
        probed.append(Path(file).name)
        return Path(file).name in on_disk_now

    def record(file: str) -> None:
        hinted.append(Path(file).name)
        on_disk_now.discard(Path(file).name)  # read in, as a hint does

    monkeypatch.setattr(regen.readahead, "on_disk", probe)
    monkeypatch.setattr(regen.readahead, "hint", record)
    assert list(read_ahead(Path("/nowhere"), names)) == names
    # Probed: 0 (on disk, hints start), 64 (on disk, ahead of the loop), 128 (in memory: they
    # stop; probed again when the loop reaches it), 192 (in memory), 256 (on disk: they start
    # again, after it).
    assert probed == [names[n * PROBE_EVERY] for n in (0, 1, 2, 2, 3, 4)]
    assert hinted == names[1 : 2 * PROBE_EVERY] + names[4 * PROBE_EVERY + 1 :]


@pytest.mark.parametrize(
    ("workers", "changed"),
    [(1, None), (2, None), (1, "sources/carriers.csv")],
    ids=["one process", "two processes", "a source changed"],
)
def test_a_check_of_pages_on_disk_reads_them_ahead_and_finds_the_same(
    repo: Repo,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path_factory: pytest.TempPathFactory,
    workers: int,
    changed: str | None,
) -> None:
    repo.write("docs/stale.md", "# Stale\n\n" + region(UUID_A, "old\n"))
    for number in range(PROBE_EVERY + 3):
        repo.write(f"docs/page-{number:03}.md", f"# Page {number}\n" + region(UUID_A, "old\n"))
    probe = repo.write("docs/probe.md", "x" * 8192)
    if not evict(probe):
        pytest.skip("this file system keeps every file in memory")
    probe.unlink()
    pages = sorted(f"docs/{page.name}" for page in (repo.root / "docs").iterdir())
    with_workers(monkeypatch, workers)
    change = None if changed is None else Change(frozenset({changed}))
    in_memory = api.check(config=repo.root / "regen.toml", change=change)
    assert all(evict(repo.root / page) for page in pages)
    # Each process records what it hints in one file (a forked worker's list is its own).
    log = tmp_path_factory.mktemp("log") / "hinted"

    def record(file: str) -> None:
        with log.open("a", encoding="utf-8") as out:
            out.write(Path(file).relative_to(repo.root).as_posix() + "\n")
        hint(file)

    monkeypatch.setattr(regen.readahead, "hint", record)
    from_disk = api.check(config=repo.root / "regen.toml", change=change)
    hinted = log.read_text(encoding="utf-8").splitlines()
    firsts = [part[0] for part in split(pages, workers)]  # each process probes its first
    assert sorted(hinted) == [page for page in pages if page not in firsts]
    assert from_disk.results == in_memory.results
    assert from_disk.problems == in_memory.problems
    assert len(from_disk.stale) == len(pages)

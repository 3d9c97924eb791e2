"""A cache of built region bodies, in `.regen-cache/` at the root, so that a run whose inputs
did not change reads no source and builds nothing.

An entry is keyed by a hash of everything the body depends on: regen's version, the
generator and its options, and the bytes of every input file. A changed input makes a new key;
an entry that does not read back exactly (corrupt, foreign, from another version) is ignored
and rebuilt, never trusted.

Entries live in packs, `pack-*.txt`: one line an entry, its key, its owner, when its owner
last used it (seconds since 1970, in hex) and the entry as JSON, separated by spaces. A run
writes what it built in one new pack, however many regions that is: creating a file is what
costs on many disks (300 entries, one file each, took a cold check 40 to 190 ms here, a pack
of them 2 ms). A run that planned every page knows every entry its owner (its configuration
file, with regen's version) uses; when some of that owner's in the packs are no longer used
(a source changed), or a line is damaged, it writes what is kept in one pack and removes the
others: the cache holds what the site needs, not its history. Another owner's entries
(another configuration beside it, or another version of regen, as a pre-commit environment
may have) are kept, unless its owner has not used them for a month (it says so when it
rewrites the packs). Runs over a few pages only add; beyond a few packs, they are merged into
one. Memos unread for a month go with them.

What a run remembers besides (a configuration's parse, say) is a memo: one small file for
each thing remembered (`slot-*.json`), replaced when what it depends on changes.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from regen.model import RegionSpec
from regen.textfile import read_regular

FOLDER = ".regen-cache"
T = TypeVar("T")
_FORMAT = 3
MAX_PACKS = 8  # runs over a few pages add a pack each; beyond this many, they are merged
_PACK = re.compile(r"pack-[0-9a-f]{16}-[0-9a-f]{16}\.txt")  # its time, then a random part
_EARLIER_FORMAT = re.compile(r"(?:memo-)?[0-9a-f]{64}\.json")  # an entry a file, before packs
_OWNER = re.compile(r"[0-9a-f]{16}")
_FORGOTTEN_AFTER = 30 * 24 * 3600  # seconds: another owner's entries this long unused go
_SEEN = re.compile(r"[0-9a-f]{1,16}")


def _version() -> str:
    from regen import __version__

    return __version__


@dataclass
class BodyCache:
    """Built bodies by key. `root` None: no cache (every body is built). `owner`: who uses
    them, the configuration file (see the module's docstring)."""

    root: Path | None
    owner: str = ""
    _digests: dict[str, str | None] = field(default_factory=dict)
    _index: dict[str, str] | None = None  # key: its entry's JSON, from every pack (see _load)
    _owners: dict[str, str] = field(default_factory=dict)  # key: its owner, as its line says
    _seen: dict[str, str] = field(default_factory=dict)  # key: when its owner last used it
    _forgettable: set[str] = field(default_factory=set)  # keys of an owner unknown or gone
    _packs: list[Path] = field(default_factory=list)  # the packs read
    _pending: dict[str, str | None] = field(default_factory=dict)  # made here, not in a pack
    _used: set[str] = field(default_factory=set)  # keys found or made in this run

    @property
    def folder(self) -> Path | None:
        return None if self.root is None else self.root / FOLDER

    def key(self, spec: RegionSpec, kind: str, inputs: tuple[str, ...]) -> str | None:
        """The entry's key, or None when an input cannot be read (the build will say why)."""
        if self.root is None:
            return None
        digests = []
        for path in inputs:
            digest = self._digest(path)
            if digest is None:
                return None
            digests.append((path, digest))
        identity = {
            "format": _FORMAT,
            "regen": _version(),
            "kind": kind,
            "generator": spec.generator,
            "options": _canonical(spec.options),
            "inputs": digests,
        }
        text = json.dumps(identity, sort_keys=True, ensure_ascii=True)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def _digest(self, path: str) -> str | None:
        if path not in self._digests:
            assert self.root is not None
            try:
                data = read_regular(self.root / path)
            except OSError:  # the build says why, if it reads the file
                self._digests[path] = None
            else:
                self._digests[path] = hashlib.sha256(data).hexdigest()
        return self._digests[path]

    def get(self, key: str) -> tuple[bool, str | None]:
        """(found, body); a body of None means "keep the page's body"."""
        if self.root is None:
            return False, None
        if key in self._pending:
            return True, self._pending[key]
        found = _read_entry(self._load().get(key), key)
        if found[0]:
            self._used.add(key)
        return found

    def put(self, key: str, body: str | None) -> None:
        """Keep an entry, to be written with the others by `flush`."""
        if self.root is not None:
            self._pending[key] = body
            self._used.add(key)

    def made(self) -> tuple[list[tuple[str, str | None]], set[str]]:
        """The entries made here and not yet written, and the keys used: what a forked worker
        sends its parent (which writes them, and knows then which entries are in use)."""
        return list(self._pending.items()), set(self._used)

    def adopt(self, made: Iterable[tuple[str, str | None]], used: Iterable[str]) -> None:
        """Take in what a worker made and used (see `made`)."""
        for key, body in made:
            self._pending.setdefault(key, body)
        self._used.update(used)

    def forget_made(self) -> None:
        """Leave what was made so far to another process: a worker's parent writes those
        built before the fork, so the worker need not send them back."""
        self._pending.clear()

    def flush(self, *, complete: bool = False) -> None:
        """Write the entries made in one new pack. `complete`: this run planned every region
        of every page, so an entry of its owner it did not use is no longer needed. When one
        goes (that, another owner's a month unused, or a damaged line), or the packs are too
        many, the packs are replaced by one of all that is kept. A cache that cannot be
        written is no error, only slower."""
        folder = self.folder
        if folder is None:
            return
        index, owners, me = self._load(), self._owners, self._me()
        # New: not in the packs, or there but damaged (the new pack is read after, and wins).
        new = {
            key: body
            for key, body in self._pending.items()
            if key not in index or not _read_entry(index[key], key)[0]
        }
        self._pending.clear()

        def kept(key: str) -> bool:
            if key in new:
                return False  # (damaged: replaced)
            if key in self._used or not complete:
                return True  # (a run over a few pages cannot know what is unused)
            # Another owner's, still used lately: kept.
            return owners[key] != me and key not in self._forgettable

        dropped = not all(kept(key) for key in index)
        rewrite = dropped or len(self._packs) + bool(new) > MAX_PACKS
        if not (new or rewrite):
            return
        now = f"{int(time.time()):x}"

        def seen(key: str) -> str:  # an owner's entries it used are seen now; others, as they were
            return now if owners[key] == me and key in self._used else self._seen[key]

        lines = []
        if rewrite:
            lines = [f"{k} {owners[k]} {seen(k)} {index[k]}\n" for k in index if kept(k)]
        for key, body in new.items():
            entry = json.dumps({"key": key, "body": body, "digest": _digest_of(body)})
            lines.append(f"{key} {me} {now} {entry}\n")
            index[key], owners[key], self._seen[key] = entry, me, now
            self._forgettable.discard(key)
        name = f"pack-{time.time_ns():016x}-{os.urandom(8).hex()}.txt"  # read after the others
        with contextlib.suppress(OSError):
            ensure_folder(folder)
            pack = _write_new(folder / name, "".join(lines))
            if rewrite:  # the pack written holds all that is kept of the others
                for old in self._packs:
                    old.unlink(missing_ok=True)
                self._packs = [pack]
                _forget_old_files(folder)
            else:
                self._packs.append(pack)

    def _me(self) -> str:
        """This cache's owner, as its entries' lines name it."""
        return _hash({"configuration": self.owner, "regen": _version()})[:16]

    def _load(self) -> dict[str, str]:
        """Every pack's entries, read once a run (at the first look-up) and indexed by key; a
        line that is not an entry (a damaged pack) is skipped, and its entry rebuilt. An entry
        its owner has not used for a month (its line says when it last did), or of an owner
        unknown, may go (see flush)."""
        if self._index is None:
            self._index = {}
            folder = self.folder
            assert folder is not None
            with contextlib.suppress(OSError):
                self._packs = sorted(f for f in folder.iterdir() if _PACK.fullmatch(f.name))
            gone = time.time() - _FORGOTTEN_AFTER
            for pack in self._packs:
                try:
                    text = pack.read_bytes().decode("utf-8", "replace")
                except OSError:
                    continue
                for line in text.split("\n"):
                    key, owner, seen, entry = [*line.split(" ", 3), "", "", ""][:4]
                    if not entry:
                        continue
                    self._index[key], self._owners[key], self._seen[key] = entry, owner, seen
                    known = _OWNER.fullmatch(owner) and _SEEN.fullmatch(seen)
                    if not known or int(seen, 16) < gone:
                        self._forgettable.add(key)
                    else:
                        self._forgettable.discard(key)  # (a later pack's line wins)
        return self._index

    def memo(
        self, slot: Mapping[str, Any], identity: Mapping[str, Any], compute: Callable[[], T]
    ) -> T:
        """`compute()`, remembered in `slot` under `identity` (and regen's version): for what is
        a pure function of what the identity names. A slot holds one value, replaced when the
        identity changes. The value must be JSON as it is (None, lists of str...); an entry
        that does not read back exactly is computed again."""
        folder = self.folder
        if folder is None:
            return compute()
        file = folder / f"slot-{_hash({**slot, 'regen': _version()})}.json"  # a version's own
        key = _hash({"format": _FORMAT, "regen": _version(), **slot, **identity})
        try:
            found, cached = _read_entry(file.read_text(encoding="utf-8"), key)
        except (OSError, UnicodeError):
            found, cached = False, None
        if found and cached is not None:
            with contextlib.suppress(ValueError):
                value: T = json.loads(cached)
                with contextlib.suppress(OSError):
                    os.utime(file)  # read now: a month unread, it would go (_forget_old_files)
                return value
        value = compute()
        body = json.dumps(value)
        with contextlib.suppress(OSError):
            ensure_folder(folder)
            entry = json.dumps({"key": key, "body": body, "digest": _digest_of(body)})
            _write_new(file, entry)
        return value


def _forget_old_files(folder: Path) -> None:
    """Remove the entries of an earlier regen (a file each) and the memos no one read for a
    month (a memo read is touched: see BodyCache.memo)."""
    gone = time.time() - _FORGOTTEN_AFTER
    for file in folder.iterdir():
        with contextlib.suppress(OSError):
            old_memo = file.name.startswith("slot-") and file.stat().st_mtime < gone
            if old_memo or _EARLIER_FORMAT.fullmatch(file.name):
                file.unlink()


def _read_entry(entry: str | None, key: str) -> tuple[bool, str | None]:
    """(found, body) of an entry's JSON, when it is the entry of `key` and reads back exactly."""
    if entry is None:
        return False, None
    try:
        value = json.loads(entry)
    except ValueError:
        return False, None
    if not isinstance(value, dict) or value.get("key") != key:
        return False, None
    body = value.get("body")
    if body is not None and not isinstance(body, str):
        return False, None
    if value.get("digest") != _digest_of(body):
        return False, None
    return True, body


def _write_new(file: Path, text: str) -> Path:
    """Write `text` to `file`, whole or not at all (a temp file renamed)."""
    # A temp name of this writer alone: its pid and a random part (a container sharing the
    # folder may have the same pid).
    temp = file.with_name(f".{file.stem}.{os.getpid()}-{os.urandom(4).hex()}.tmp")
    try:
        temp.write_text(text, encoding="utf-8")
        temp.replace(file)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return file


def _hash(value: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode("utf-8")).hexdigest()


def _digest_of(body: str | None) -> str:
    return hashlib.sha256(("\0" if body is None else "b" + body).encode("utf-8")).hexdigest()


def _canonical(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _canonical(v) for k, v in sorted(value.items())}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return repr(value)  # TOML dates and times


def ensure_folder(folder: Path) -> None:
    """Make the cache folder, git-ignored by a .gitignore of its own (as pytest's cache is)."""
    folder.mkdir(parents=True, exist_ok=True)
    ignore = folder / ".gitignore"
    try:
        whole = ignore.read_bytes() == _IGNORE_ALL
    except OSError:
        whole = False
    if not whole:  # also after a crash between the two steps, or a disk that filled up
        with contextlib.suppress(OSError):  # (the cache works without; the next run mends it)
            ignore.write_bytes(_IGNORE_ALL)


_IGNORE_ALL = b"# made by regen: its cache, never committed\n*\n"

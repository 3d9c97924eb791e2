"""A cache of built region bodies, in `.regen-cache/` at the root, so that a run whose inputs
did not change reads no source and builds nothing.

An entry is keyed by a hash of everything the body depends on: regen's version, the
generator and its options, and the bytes of every input file. A changed input makes a new key;
an entry that does not read back exactly (corrupt, foreign, from another version) is ignored
and rebuilt, never trusted.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from regen.model import RegionSpec

FOLDER = ".regen-cache"
T = TypeVar("T")
_FORMAT = 1


def _version() -> str:
    from regen import __version__

    return __version__


@dataclass
class BodyCache:
    """Built bodies by key. `root` None: no cache (every body is built)."""

    root: Path | None
    _digests: dict[str, str | None] = field(default_factory=dict)
    _known: set[str] = field(default_factory=set)  # keys found or written by this process
    _held: list[tuple[str, str | None]] | None = None  # a worker's entries, for its parent
    _ready: bool = False  # the folder is made
    _writer: str = ""  # this process's part of temp names (its pid, and a random part)

    def hold(self) -> None:
        """Keep the entries built from now on instead of writing them (a forked worker's: its
        parent writes those it has not, rather than two processes writing the same files)."""
        self._held = []

    def held(self) -> list[tuple[str, str | None]]:
        return list(self._held or ())

    def release(self) -> list[tuple[str, str | None]]:
        """Stop holding entries: those held so far, for the caller to write."""
        held, self._held = self.held(), None
        return held

    def put_missing(self, entries: Iterable[tuple[str, str | None]]) -> None:
        """Write the entries (a worker's) this process has not found or written itself."""
        for key, body in entries:
            if key not in self._known:
                self.put(key, body)

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
                data = (self.root / path).read_bytes()
            except OSError:
                self._digests[path] = None
            else:
                self._digests[path] = hashlib.sha256(data).hexdigest()
        return self._digests[path]

    def get(self, key: str) -> tuple[bool, str | None]:
        """(found, body); a body of None means "keep the page's body"."""
        folder = self.folder
        if folder is None:
            return False, None
        try:
            entry = json.loads((folder / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False, None
        if not isinstance(entry, dict) or entry.get("key") != key:
            return False, None
        body = entry.get("body")
        if body is not None and not isinstance(body, str):
            return False, None
        if entry.get("digest") != _digest_of(body):
            return False, None
        self._known.add(key)
        return True, body

    def put(self, key: str, body: str | None) -> None:
        """Store an entry; a cache that cannot be written is no error, only slower."""
        folder = self.folder
        if folder is None:
            return
        if self._held is not None:
            self._held.append((key, body))
            return
        self._known.add(key)
        if not self._writer.startswith(f"{os.getpid()}-"):  # a forked worker is another
            self._writer = f"{os.getpid()}-{os.urandom(4).hex()}"
        entry = {"key": key, "body": body, "digest": _digest_of(body)}
        # A temp name of this entry and writer: no other process shares it (nor a container
        # sharing the folder with the same pid), and it costs one random part a process.
        temp = folder / f".{key}.{self._writer}.tmp"
        with contextlib.suppress(OSError):
            if not self._ready:
                ensure_folder(folder)
                self._ready = True
            try:
                # dumps, not dump: dump encodes in Python, a piece a write; dumps is C, at once
                temp.write_text(json.dumps(entry), encoding="utf-8")
                temp.replace(folder / f"{key}.json")
            except BaseException:
                temp.unlink(missing_ok=True)
                raise

    def memo(self, identity: Mapping[str, Any], compute: Callable[[], T]) -> T:
        """`compute()`, remembered under `identity` (and regen's version): for what is a pure
        function of what the identity names. The value must be JSON as it is (None, lists
        of str...); an entry that does not read back exactly is computed again."""
        folder = self.folder
        if folder is None:
            return compute()
        text = json.dumps({"format": _FORMAT, "regen": _version(), **identity}, sort_keys=True)
        key = "memo-" + hashlib.sha256(text.encode("utf-8")).hexdigest()
        found, cached = self.get(key)
        if found and cached is not None:
            with contextlib.suppress(ValueError):
                value: T = json.loads(cached)
                return value
        value = compute()
        self.put(key, json.dumps(value))
        return value


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
    if not ignore.exists():  # also after a crash between the two steps
        ignore.write_text("# made by regen: its cache, never committed\n*\n")

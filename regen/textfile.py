"""Lossless bytes <-> text: a page comes back byte for byte as it was read."""

from __future__ import annotations

import codecs
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from regen.errors import RegenError

BOM = codecs.BOM_UTF8


@dataclass(frozen=True)
class TextFile:
    """A decoded page. Newlines are kept as they are in `text` (never translated)."""

    text: str
    bom: bool = False

    def encode(self) -> bytes:
        data = self.text.encode("utf-8")
        return BOM + data if self.bom else data


def decode(data: bytes, path: str) -> TextFile:
    """Decode UTF-8 (with or without a BOM) strictly, so that encode() gives `data` back."""
    bom = data.startswith(BOM)
    body = data[len(BOM) :] if bom else data
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = body.count(b"\n", 0, exc.start) + 1
        offset = exc.start + (len(BOM) if bom else 0)
        raise RegenError.at(
            path,
            line,
            f"not valid UTF-8 (byte 0x{body[exc.start]:02x} at offset {offset})",
            "re-save the file as UTF-8",
        ) from None
    return TextFile(text, bom)


def split_lines(text: str) -> list[str]:
    r"""Split after each '\n', keeping it, so that ''.join(result) == text.

    str.splitlines() also splits on \v, \f, \x1c, \u2028 and friends, which would make a marker
    out of half a line; Markdown and Handlebars only break lines at \n (and \r\n).
    """
    lines = text.split("\n")
    tail = lines.pop()
    result = [line + "\n" for line in lines]
    if tail:
        result.append(tail)
    return result


class NotARegularFile(OSError):
    """A named pipe, a socket or a device where a file is read: reading it could wait forever."""


NOT_REGULAR = "not a regular file (a named pipe or a device)"


def read_regular(path: Path) -> bytes:
    """The bytes of the file at `path`, which must be a regular file (or a symlink to one):
    opened without waiting (a named pipe with no writer would block the run), then checked."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    with open(fd, "rb", buffering=0) as file:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(21, "Is a directory", str(path))
        if not stat.S_ISREG(mode):
            raise NotARegularFile(0, NOT_REGULAR, str(path))
        return file.readall()

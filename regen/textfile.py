"""Lossless bytes <-> text: a page comes back byte for byte as it was read."""

from __future__ import annotations

import codecs
from dataclasses import dataclass

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

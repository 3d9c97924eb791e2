"""Sort keys that order text as the published pages do: JavaScript's localeCompare with the
CLDR root collation, for the ASCII that pin names use.

Character by character: white space, then punctuation and symbols in CLDR's order
(`_` before `-` before `+`), then digits, then letters without regard to case. Digits are
characters, not numbers (`D22` before `D3`), and a prefix comes first (`NC` before `NC1`).
Texts equal but for case put lower case first, as CLDR's third level does.
"""

from __future__ import annotations

# CLDR root order of the ASCII punctuation and symbols.
_PUNCTUATION = "_-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$"

Key = tuple[tuple[tuple[int, str], ...], tuple[int, ...]]


def _weight(char: str) -> tuple[int, str]:
    if char.isspace():
        return (0, "")
    index = _PUNCTUATION.find(char)
    if index >= 0:
        return (1, chr(index))
    if char.isdigit():
        return (2, char)
    if char.isalpha():
        return (3, char.casefold())
    return (4, char)


def collation_key(text: str) -> Key:
    return (tuple(_weight(c) for c in text), tuple(0 if c.islower() else 1 for c in text))

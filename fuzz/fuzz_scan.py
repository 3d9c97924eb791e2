"""Coverage-guided fuzzing (atheris) of the reading side: bytes -> text -> regions.

Only regen's own errors may come out, and a page that scans joins back to its exact text.
    python fuzz/fuzz_scan.py -runs=100000 fuzz/corpus
"""

import sys

import atheris

with atheris.instrument_imports():
    from regen.errors import RegenError
    from regen.scan import scan_text
    from regen.textfile import decode


def test_one_input(data: bytes) -> None:
    try:
        page = decode(data, "p.md")
    except RegenError:
        return
    try:
        document = scan_text(page.text, "p.md")
    except RegenError as exc:
        assert exc.problems, "an error without a problem"
        return
    assert document.join() == page.text, "scanning lost or changed a byte"
    assert page.encode() == data, "decoding is not lossless"


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()

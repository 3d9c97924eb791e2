"""Pin sources (regen.pinout.read_pins) and how two devices' pins pair up (pair).

read_pins is run on real files: through the pins generator for its errors, so that each is
checked as the user sees it, and through a SourceCache for the pins it returns.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

import regen
from regen.config import parse_config
from regen.pinout import Pairing, Pin, pair, read_pins
from regen.sources import SourceCache, SourceKey

UUID = "09a7da10-a5d0-11ec-b909-0242ac120002"
KEY = f'regions."{UUID}"'
BEGIN = f"{{{{!-- BEGIN do not edit content below, it is automatically generated {UUID} --}}}}"
END = f"{{{{!-- END do not edit content above, it is automatically generated {UUID} --}}}}"
PAGE = f"# Pins\n{BEGIN}\n{END}\n"
OPTIONS = f"""\
[{KEY}]
generator = "pins"
style = "full-comparison"
devices = [
    {{ name = "Boron", source = "pins/old.csv" }},
    {{ name = "B-Series SoM", source = "pins/new.csv" }},
]
"""
HEADER = "num,name,alt_name,same_as,description\n"
GOOD = HEADER + "1,GND,,,Ground.\n"
NEEDS = "a pin source needs: num, name, alt_name, same_as"
SAME_AS_HINT = "name the num of an earlier pin in same_as, or leave it empty"


def write(root: Path, name: str, text: str) -> None:
    file = root / "sources" / "pins" / name
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(text, encoding="utf-8", newline="")


def errors(root: Path, old: str, new: str = GOOD) -> list[str]:
    """The problems of a full comparison between the two pin files."""
    write(root, "old.csv", old)
    write(root, "new.csv", new)
    config = parse_config(tomllib.loads(OPTIONS), root=root, file="regen.toml", text=OPTIONS)
    with pytest.raises(regen.RegenError) as caught:
        regen.update_text(PAGE, config=config)
    return [str(problem) for problem in caught.value.problems]


def pins_of(root: Path, text: str) -> list[Pin]:
    write(root, "device.csv", text)
    key = SourceKey("sources/pins/device.csv")
    return read_pins(SourceCache(root).table(key), key.path)


# read_pins: errors ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "missing"),
    [
        ("num,name,alt_name,description", "same_as"),
        ("num,name,same_as", "alt_name"),
        ("name,description", "num, alt_name, same_as"),
        ("description", "num, name, alt_name, same_as"),
    ],
)
def test_missing_columns(tmp_path: Path, header: str, missing: str) -> None:
    row = ",".join("1" for _ in header.split(","))
    assert errors(tmp_path, f"{header}\n{row}\n") == [
        f"sources/pins/old.csv:1: missing column{'s' if ',' in missing else ''} {missing} ({NEEDS})"
    ]


def test_missing_columns_of_the_second_device_name_its_file(tmp_path: Path) -> None:
    assert errors(tmp_path, GOOD, "num,name\n1,GND\n") == [
        f"sources/pins/new.csv:1: missing columns alt_name, same_as ({NEEDS})"
    ]


@pytest.mark.parametrize("num", ["x", "", "1.5", "-3", "+2", "1e3", "0x1F", "3 4", "four"])
def test_a_pin_number_that_is_not_a_whole_number(tmp_path: Path, num: str) -> None:
    assert errors(tmp_path, HEADER + f"1,GND,,,Ground.\n{num},A0,D19,,Analog\n") == [
        f"sources/pins/old.csv:3: pin number '{num}' is not a whole number (fix num)"
    ]


def test_a_superscript_digit_is_not_a_whole_number(tmp_path: Path) -> None:
    assert errors(tmp_path, HEADER + "1,GND,,,Ground.\n²,A0,D19,,Analog\n") == [
        "sources/pins/old.csv:3: pin number '²' is not a whole number (fix num)"
    ]


def test_a_pin_number_that_appears_twice(tmp_path: Path) -> None:
    # The second row is at fault, on its own line (the blank line counts); 02 is 2.
    old = HEADER + "1,GND,,,Ground.\n2,A0,D19,,Analog\n\n02,A1,D18,,Analog\n"
    assert errors(tmp_path, old) == [
        "sources/pins/old.csv:5: pin number 2 appears twice (give each pin its own num)"
    ]


@pytest.mark.parametrize(
    ("same_as", "why"),
    [
        ("9", "no pin has that number"),
        ("3", "the pin itself"),
        ("4", "a later pin"),
        ("GND", "not a number"),
        ("1.0", "not a whole number"),
    ],
)
def test_same_as_naming_no_earlier_pin(tmp_path: Path, same_as: str, why: str) -> None:
    del why  # documents the case
    old = HEADER + f"1,GND,,,Ground.\n2,VCC,,,Power\n3,GND,,{same_as},Ground.\n4,A0,,,Analog\n"
    assert errors(tmp_path, old) == [
        f"sources/pins/old.csv:4: pin 3 is the same as '{same_as}', which is no earlier pin"
        f" ({SAME_AS_HINT})"
    ]


def test_every_problem_of_a_file_is_reported_at_once(tmp_path: Path) -> None:
    # Problems with numbers come in file order, then problems with same_as in number order.
    old = (
        HEADER + "1,GND,,,Ground.\n"
        "8,GND,,7,Ground.\n"
        "5,GND,,1,Ground.\n"
        "6,GND,,6,Ground.\n"
        "x,A0,,,Analog\n"
        "5,A1,,,Analog\n"
    )
    assert errors(tmp_path, old) == [
        "sources/pins/old.csv:6: pin number 'x' is not a whole number (fix num)",
        "sources/pins/old.csv:7: pin number 5 appears twice (give each pin its own num)",
        "sources/pins/old.csv:5: pin 6 is the same as '6', which is no earlier pin"
        f" ({SAME_AS_HINT})",
        "sources/pins/old.csv:3: pin 8 is the same as '7', which is no earlier pin"
        f" ({SAME_AS_HINT})",
    ]


def test_a_same_as_problem_below_a_rejected_row_names_its_own_line(tmp_path: Path) -> None:
    old = HEADER + "1,GND,,,Ground.\nx,A0,,,Analog\n3,GND,,9,Ground.\n"
    assert errors(tmp_path, old) == [
        "sources/pins/old.csv:3: pin number 'x' is not a whole number (fix num)",
        "sources/pins/old.csv:4: pin 3 is the same as '9', which is no earlier pin"
        f" ({SAME_AS_HINT})",
    ]


# read_pins: the pins --------------------------------------------------------------------------


def test_pins_come_in_number_order_with_contacts_folded(tmp_path: Path) -> None:
    text = (
        "num,name,alt_name,same_as,description,spi\n"
        "10,VCC,,2,Power,\n"
        "2,VCC,,,Power,\n"
        " 7 , D13 ,SCK,,,SPI (SCK)\n"
        "1,GND,,,Ground.,\n"
        "3,GND,,1,Ground.,\n"
    )
    assert pins_of(tmp_path, text) == [
        Pin(
            1,
            {
                "num": "1",
                "name": "GND",
                "alt_name": "",
                "same_as": "",
                "description": "Ground.",
                "spi": "",
            },
        ),
        Pin(
            2,
            {
                "num": "2",
                "name": "VCC",
                "alt_name": "",
                "same_as": "",
                "description": "Power",
                "spi": "",
            },
        ),
        Pin(
            7,
            {
                "num": "7",
                "name": "D13",
                "alt_name": "SCK",
                "same_as": "",
                "description": "",
                "spi": "SPI (SCK)",
            },
        ),
    ]


def test_a_device_may_have_no_pins(tmp_path: Path) -> None:
    assert pins_of(tmp_path, HEADER) == []


def test_a_pin_knows_what_is_set_and_how_its_name_is_shown() -> None:
    pin = Pin(5, {"num": "5", "name": "A0", "alt_name": "D19", "tone": "No", "pwm": " Yes "})
    assert (pin.name, pin.alt, pin.shown_name()) == ("A0", "D19", "A0 / D19")
    assert [pin.is_set(c) for c in ("name", "tone", "pwm", "spi")] == [True, False, True, False]
    assert pin.get("spi") == ""
    assert Pin(6, {"name": "D2", "alt_name": ""}).shown_name() == "D2"


# pair -----------------------------------------------------------------------------------------


def pin(number: int, name: str, alt: str = "") -> Pin:
    return Pin(number, {"num": str(number), "name": name, "alt_name": alt})


def titles(pairings: list[Pairing]) -> list[tuple[int | None, int | None, str]]:
    return [
        (p.old.number if p.old else None, p.new.number if p.new else None, p.title)
        for p in pairings
    ]


@pytest.mark.parametrize(
    ("old", "new", "title"),
    [
        (pin(1, "A0", "D19"), pin(2, "A0"), "A0"),  # rule 1: the same name
        (pin(1, "WKP", "D8"), pin(2, "D8"), "WKP"),  # rule 2: its name is the old alt name
        (pin(1, "SCK"), pin(2, "D13", "SCK"), "SCK"),  # rule 3: its alt name is the old name
        (pin(1, "A4", "D15"), pin(2, "A6", "D15"), "D15"),  # rule 4: the same alt name
    ],
)
def test_each_rule_pairs_and_titles(old: Pin, new: Pin, title: str) -> None:
    assert pair([old], [new]) == [Pairing(old, new, title)]


def test_empty_alternate_names_are_not_the_same_alternate_name() -> None:
    assert titles(pair([pin(1, "X")], [pin(1, "Y")])) == [(1, None, "X"), (None, 1, "Y")]


def test_the_first_matching_new_pin_in_number_order_is_taken() -> None:
    # Pin 3 matches A0 by rule 3, pin 5 by rule 1: number order decides, not the rule.
    assert titles(pair([pin(1, "A0")], [pin(3, "D19", "A0"), pin(5, "A0")])) == [
        (1, 3, "A0"),
        (None, 5, "A0"),
    ]


def test_pairing_is_one_to_one() -> None:
    old = [pin(1, "GND"), pin(2, "GND"), pin(3, "GND"), pin(4, "WKP", "D8"), pin(5, "D8")]
    new = [pin(1, "GND"), pin(2, "GND"), pin(9, "D8")]
    assert titles(pair(old, new)) == [
        (1, 1, "GND"),
        (2, 2, "GND"),
        (3, None, "GND"),
        (4, 9, "WKP"),
        (5, None, "D8"),
    ]


def test_removed_in_old_order_then_added_in_new_order() -> None:
    old = [pin(1, "B"), pin(2, "Z"), pin(3, "A")]
    new = [pin(1, "Y"), pin(2, "A"), pin(3, "X")]
    assert titles(pair(old, new)) == [
        (1, None, "B"),
        (2, None, "Z"),
        (3, 2, "A"),
        (None, 1, "Y"),
        (None, 3, "X"),
    ]


def test_both_devices_problems_are_reported_in_one_run(tmp_path: Path) -> None:
    assert errors(tmp_path, HEADER + "x,A0,,,Analog\n", "num,name\n1,GND\n") == [
        "sources/pins/old.csv:2: pin number 'x' is not a whole number (fix num)",
        f"sources/pins/new.csv:1: missing columns alt_name, same_as ({NEEDS})",
    ]


def test_pin_numbers_are_shown_as_written(tmp_path: Path) -> None:
    (pin,) = pins_of(tmp_path, HEADER + "07,A0,,,Analog\n")
    assert (pin.number, pin.get("num")) == (7, "07")


def test_a_header_below_blank_lines_is_named_at_its_line(tmp_path: Path) -> None:
    assert errors(tmp_path, "\n\nnum,name\n1,GND\n") == [
        f"sources/pins/old.csv:3: missing columns alt_name, same_as ({NEEDS})"
    ]

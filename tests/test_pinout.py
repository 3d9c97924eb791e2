"""Pin sources (regen.pinout.read_pins) and how two devices' pins pair up (pair).

read_pins is run on real files: through the pins generator for its errors, so that each is
checked as the user sees it, and through a SourceCache for the pins it returns.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from types import MappingProxyType

import pytest

import regen
from regen.config import parse_config
from regen.errors import Problem
from regen.pinout import Pairing, Pin, pair, read_pins
from regen.sources import SourceCache, SourceKey

UUID = "09a7da10-a5d0-11ec-b909-0242ac120002"
KEY = f'regions."{UUID}"'
BEGIN = f"{{{{!-- BEGIN do not edit content below, it is automatically generated {UUID} --}}}}"
END = f"{{{{!-- END do not edit content above, it is automatically generated {UUID} --}}}}"
PAGE = f"# Pins\n{BEGIN}\n{END}\n"
DEVICES = """\
devices = [
    { name = "Boron", source = "pins/old.csv" },
    { name = "B-Series SoM", source = "pins/new.csv" },
]
"""
FULL = f'style = "full-comparison"\n{DEVICES}'
SPI = f'style = "port-comparison"\nport = "spi"\ntitle = "SPI"\n{DEVICES}'

REQUIRED = ("num", "name", "alt_name", "same_as")  # every pin source has them
# What a full comparison shows besides num, name and alt_name, in the order of its rows.
ATTRIBUTE_COLUMNS = (
    "description",
    "digital_read",
    "digital_write",
    "analog_read",
    "analog_write_pwm",
    "tone",
    "serial_long",
    "spi_long",
    "i2c_long",
    "attach_interrupt",
    "internal_pull",
    "five_volt_tolerant",
)
# Every column of a pin source (sources/pins/README.md).
COLUMNS = (*REQUIRED, *ATTRIBUTE_COLUMNS, "serial", "spi", "i2c")
YES_NO_COLUMNS = ("digital_read", "digital_write", "analog_read", "five_volt_tolerant")


def needs(*shown: str) -> str:
    """The hint of a missing column: every column the source needs for what the region shows."""
    return "a pin source needs the columns " + ", ".join((*REQUIRED, *shown))


def pin_file(text: str, leave_out: tuple[str, ...] = ()) -> str:
    """`text` (a header line naming some columns, then one record a line) with every other
    column of a pin source but `leave_out` added at the end of the header, empty on each
    record. Blank lines stay blank, so that lines keep their numbers."""
    header, *records = text.split("\n")
    extra = [c for c in COLUMNS if c not in header.split(",") and c not in leave_out]
    padding = "," * len(extra)
    return "\n".join(
        [header + "".join(f",{c}" for c in extra)]
        + [record + padding if record else record for record in records]
    )


HEADER = "num,name,alt_name,same_as,description\n"


def source(rows: str) -> str:
    """A pin source with every column; `rows` give num, name, alt_name, same_as, description."""
    return pin_file(HEADER + rows)


GOOD = source("1,GND,,,Ground.\n")
SAME_AS_HINT = "name the num of an earlier pin in same_as, or leave it empty"
YES_NO_HINT = "write Yes, No, or leave it empty"


def write(root: Path, name: str, text: str) -> None:
    file = root / "sources" / "pins" / name
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(text, encoding="utf-8", newline="")


def problems(root: Path, old: str, new: str = GOOD, options: str = FULL) -> list[Problem]:
    """The problems of a comparison (full unless `options` say otherwise) of the two files."""
    write(root, "old.csv", old)
    write(root, "new.csv", new)
    text = f'[{KEY}]\ngenerator = "pins"\n{options}'
    config = parse_config(tomllib.loads(text), root=root, file="regen.toml", text=text)
    with pytest.raises(regen.RegenError) as caught:
        regen.update_text(PAGE, config=config)
    return list(caught.value.problems)


def errors(root: Path, old: str, new: str = GOOD, options: str = FULL) -> list[str]:
    """The problems as the user reads them."""
    return [str(problem) for problem in problems(root, old, new, options)]


def pins_of(root: Path, text: str, name: str = "device.csv") -> tuple[Pin, ...]:
    write(root, name, text)
    key = SourceKey(f"sources/pins/{name}")
    return read_pins(SourceCache(root).table(key), key.path)


# read_pins: columns ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "missing"),
    [
        ("num,name,alt_name,description,spi", "same_as"),
        ("num,name,same_as,spi", "alt_name"),
        ("name,description,spi", "num, alt_name, same_as"),
        ("description", "num, name, alt_name, same_as, spi"),
    ],
)
def test_missing_columns(tmp_path: Path, header: str, missing: str) -> None:
    row = ",".join("1" for _ in header.split(","))
    good = "num,name,alt_name,same_as,spi\n1,D13,,,SPI (SCK)\n"
    assert errors(tmp_path, f"{header}\n{row}\n", good, SPI) == [
        f"sources/pins/old.csv:1: missing column{'s' if ',' in missing else ''} {missing}"
        f" ({needs('spi')})"
    ]


@pytest.mark.parametrize(
    ("port", "column"),
    [
        ("spi", "spi"),
        ("serial", "serial"),
        ("i2c", "i2c"),
        ("adc", "analog_read"),
        ("pwm", "analog_write_pwm"),
    ],
)
def test_a_port_comparison_needs_its_ports_column(tmp_path: Path, port: str, column: str) -> None:
    # Only that one: every other column of the pin source may be missing.
    options = f'style = "port-comparison"\nport = "{port}"\ntitle = "T"\n{DEVICES}'
    other = "i2c" if column != "i2c" else "spi"
    old = f"num,name,alt_name,same_as,{other}\n1,D0,,,Yes\n"
    new = f"num,name,alt_name,same_as,{column}\n1,D0,,,Yes\n"
    assert errors(tmp_path, old, new, options) == [
        f"sources/pins/old.csv:1: missing column {column} ({needs(column)})"
    ]


def test_a_full_comparison_needs_every_column_it_shows(tmp_path: Path) -> None:
    # serial, spi and i2c (the ports' short forms) are not shown, so not needed.
    old = "num,name,alt_name,same_as,spi\n1,GND,,,\n"
    new = pin_file("num,name,alt_name,same_as\n1,GND,,\n", leave_out=("tone",))
    assert [(p.path, p.line, p.message) for p in problems(tmp_path, old, new)] == [
        ("sources/pins/old.csv", 1, "missing columns " + ", ".join(ATTRIBUTE_COLUMNS)),
        ("sources/pins/new.csv", 1, "missing column tone"),
    ]


def test_a_full_comparison_names_each_missing_and_needed_column_once(tmp_path: Path) -> None:
    # Today: "missing columns alt_name, alt_name, tone (... the columns num, name, alt_name,
    # same_as, num, name, alt_name, description, ...)".
    new = pin_file("num,name,same_as\n1,GND,\n", leave_out=("alt_name", "tone"))
    assert errors(tmp_path, GOOD, new) == [
        f"sources/pins/new.csv:1: missing columns alt_name, tone ({needs(*ATTRIBUTE_COLUMNS)})"
    ]


def test_missing_columns_of_the_second_device_name_its_file(tmp_path: Path) -> None:
    good = "num,name,alt_name,same_as,spi\n1,D13,,,SPI (SCK)\n"
    assert errors(tmp_path, good, "num,name,spi\n1,GND,\n", SPI) == [
        f"sources/pins/new.csv:1: missing columns alt_name, same_as ({needs('spi')})"
    ]


def test_a_header_below_blank_lines_is_named_at_its_line(tmp_path: Path) -> None:
    good = "num,name,alt_name,same_as,spi\n1,D13,,,SPI (SCK)\n"
    assert errors(tmp_path, "\n\nnum,name,spi\n1,GND,\n", good, SPI) == [
        f"sources/pins/old.csv:3: missing columns alt_name, same_as ({needs('spi')})"
    ]


# read_pins: no pins ---------------------------------------------------------------------------


@pytest.mark.parametrize("after", ["", "\n\n"])
def test_a_source_without_pins_is_an_error(tmp_path: Path, after: str) -> None:
    assert errors(tmp_path, GOOD, pin_file(HEADER) + after) == [
        "sources/pins/new.csv:1: no pins (add a row a pin)"
    ]


def test_no_pins_is_named_at_the_header_of_both_devices(tmp_path: Path) -> None:
    assert errors(tmp_path, "\n\n" + pin_file(HEADER), pin_file(HEADER)) == [
        "sources/pins/old.csv:3: no pins (add a row a pin)",
        "sources/pins/new.csv:1: no pins (add a row a pin)",
    ]


def test_missing_columns_come_before_no_pins(tmp_path: Path) -> None:
    good = "num,name,alt_name,same_as,spi\n1,D13,,,SPI (SCK)\n"
    assert errors(tmp_path, "num,name,spi\n", good, SPI) == [
        f"sources/pins/old.csv:1: missing columns alt_name, same_as ({needs('spi')})"
    ]


def test_read_pins_refuses_a_source_without_pins(tmp_path: Path) -> None:
    with pytest.raises(regen.RegenError) as caught:
        pins_of(tmp_path, "num,name,alt_name,same_as\n")
    assert str(caught.value) == "sources/pins/device.csv:1: no pins (add a row a pin)"


# read_pins: the cells of a row ----------------------------------------------------------------


@pytest.mark.parametrize("name", ["", "   "])
def test_a_pin_without_a_name(tmp_path: Path, name: str) -> None:
    assert errors(tmp_path, source(f"1,GND,,,Ground.\n2,{name},D3,,GPIO\n")) == [
        "sources/pins/old.csv:3: a pin without a name (fill in its name)"
    ]


@pytest.mark.parametrize("column", ["name", "alt_name"])
@pytest.mark.parametrize("character", ["\t", "\x0b", "\x1b", "\x7f"])
def test_a_control_character_in_a_name(tmp_path: Path, column: str, character: str) -> None:
    cells = {"name": "D3", "alt_name": "A3", column: f"D{character}3"}
    old = source(f"1,GND,,,Ground.\n2,{cells['name']},{cells['alt_name']},,GPIO\n")
    assert errors(tmp_path, old) == [
        f"sources/pins/old.csv:3: {column} holds a line break or control character"
        " (write the name on one line)"
    ]


@pytest.mark.parametrize("column", ["name", "alt_name"])
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_a_line_break_in_a_name_is_named_at_its_records_line(
    tmp_path: Path, column: str, newline: str
) -> None:
    # The record starts on line 3 and ends on line 4; pin 3 on line 5 is fine.
    cells = {"name": "D3", "alt_name": "A3", column: f'"D{newline}3"'}
    old = (
        ",".join(COLUMNS) + "\n"
        "1,GND,,,Ground." + "," * (len(COLUMNS) - 5) + "\n"
        f"2,{cells['name']},{cells['alt_name']},,GPIO" + "," * (len(COLUMNS) - 5) + "\n"
        "3,D4,,,GPIO" + "," * (len(COLUMNS) - 5) + "\n"
    )
    assert errors(tmp_path, old) == [
        f"sources/pins/old.csv:3: {column} holds a line break or control character"
        " (write the name on one line)"
    ]


def test_blanks_around_a_name_are_no_control_characters(tmp_path: Path) -> None:
    (pin,) = pins_of(tmp_path, 'num,name,alt_name,same_as\n1,"\tD3 ", A3\t,\n')
    assert (pin.name, pin.alt) == ("D3", "A3")


@pytest.mark.parametrize("column", YES_NO_COLUMNS)
@pytest.mark.parametrize("value", ["yes", "no", "YES", "Y", "true", "1", "x", "Yes.", "Maybe"])
def test_a_yes_no_column_holds_yes_no_or_nothing(tmp_path: Path, column: str, value: str) -> None:
    header = f"num,name,alt_name,same_as,{column}\n"
    old = pin_file(header + f"1,D0,,,Yes\n2,D1,,,No\n3,D2,,,\n4,D3,,, Yes \n5,D4,,,{value}\n")
    assert errors(tmp_path, old) == [
        f"sources/pins/old.csv:6: column '{column}' holds '{value}' ({YES_NO_HINT})"
    ]


def test_yes_no_columns_are_checked_in_a_port_comparison_too(tmp_path: Path) -> None:
    # five_volt_tolerant is not shown, but a source holding something else is wrong anywhere.
    header = "num,name,alt_name,same_as,spi,five_volt_tolerant\n"
    old = header + "1,D13,,,SPI (SCK),Yes\n2,D12,,,SPI (MISO),5V\n"
    assert errors(tmp_path, old, header + "1,D13,,,SPI (SCK),\n", SPI) == [
        f"sources/pins/old.csv:3: column 'five_volt_tolerant' holds '5V' ({YES_NO_HINT})"
    ]


def test_other_capabilities_may_hold_a_sentence(tmp_path: Path) -> None:
    header = "num,name,alt_name,same_as,analog_write_pwm,tone,attach_interrupt,internal_pull\n"
    text = header + "7,D7,,,PWM is shared with the RGB LED.,Shares a timer,Yes. Only 8.,13K\n"
    (pin,) = pins_of(tmp_path, text)
    assert [pin.is_set(c) for c in ("analog_write_pwm", "tone", "attach_interrupt")] == [
        True,
        True,
        True,
    ]


# read_pins: numbers and same_as ---------------------------------------------------------------

NUMBER_HINT = "write the pin's number, 1 or more digits"


@pytest.mark.parametrize("num", ["x", "", "1.5", "-3", "+2", "1e3", "0x1F", "3 4", "four", "²"])
def test_a_pin_number_that_is_not_a_whole_number(tmp_path: Path, num: str) -> None:
    # '²' is a digit to str.isdigit(), not to int().
    assert errors(tmp_path, source(f"1,GND,,,Ground.\n{num},A0,D19,,Analog\n")) == [
        f"sources/pins/old.csv:3: pin number '{num}' is not a whole number ({NUMBER_HINT})"
    ]


def test_a_pin_number_that_appears_twice(tmp_path: Path) -> None:
    # The second row is at fault, on its own line (the blank line counts); 02 is 2.
    old = source("1,GND,,,Ground.\n2,A0,D19,,Analog\n\n02,A1,D18,,Analog\n")
    assert errors(tmp_path, old) == [
        "sources/pins/old.csv:5: pin number 2 appears twice (first at line 3) (keep one row)"
    ]


def test_every_repeat_of_a_pin_number_names_the_first_row(tmp_path: Path) -> None:
    old = source("2,A0,,,Analog\n2,A1,,,Analog\n1,GND,,,Ground.\n2,A2,,,Analog\n")
    assert errors(tmp_path, old) == [
        "sources/pins/old.csv:3: pin number 2 appears twice (first at line 2) (keep one row)",
        "sources/pins/old.csv:5: pin number 2 appears twice (first at line 2) (keep one row)",
    ]


def test_a_pin_number_twice_in_a_json_source_names_no_line(tmp_path: Path) -> None:
    text = (
        '[{"num": "1", "name": "GND", "alt_name": "", "same_as": ""},\n'
        ' {"num": 1, "name": "A0", "alt_name": "", "same_as": ""}]\n'
    )
    with pytest.raises(regen.RegenError) as caught:
        pins_of(tmp_path, text, "device.json")
    assert str(caught.value) == (
        "sources/pins/device.json: pin number 1 appears twice (keep one row)"
    )


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
    old = source(f"1,GND,,,Ground.\n2,VCC,,,Power\n3,GND,,{same_as},Ground.\n4,A0,,,Analog\n")
    assert errors(tmp_path, old) == [
        f"sources/pins/old.csv:4: pin 3 is the same as '{same_as}', which is no earlier pin"
        f" ({SAME_AS_HINT})"
    ]


@pytest.mark.parametrize(("name", "target"), [("VCC", "GND"), ("gnd", "GND"), ("GND", "GND2")])
def test_a_contact_has_the_name_of_its_pin(tmp_path: Path, name: str, target: str) -> None:
    old = source(f"1,{target},,,Ground.\n3,D0,,,GPIO\n\n2,{name},,1,Ground.\n")
    assert errors(tmp_path, old) == [
        f"sources/pins/old.csv:5: pin 2 ({name}) is the same as pin 1, which is {target}"
        " (a contact of a pin has its name; fix same_as or the name)"
    ]


def test_a_contact_may_differ_from_its_pin_but_in_its_name(tmp_path: Path) -> None:
    (pin,) = pins_of(tmp_path, "num,name,alt_name,same_as,spi\n1,GND,,,\n2, GND ,G2,1,SPI\n")
    assert (pin.number, pin.alt, pin.get("spi")) == (1, "", "")


def test_every_problem_of_a_file_is_reported_at_once(tmp_path: Path) -> None:
    # The cells and numbers of each row in file order, then same_as in number order.
    old = source(
        "1,GND,,,Ground.\n"
        "8,GND,,7,Ground.\n"
        "5,GND,,1,Ground.\n"
        "6,GND,,6,Ground.\n"
        "x,A0,,,Analog\n"
        "5,A1,,,Analog\n"
        "y,,,,Nameless\n"
        "9,VCC,,1,Power\n"
    )
    assert errors(tmp_path, old) == [
        f"sources/pins/old.csv:6: pin number 'x' is not a whole number ({NUMBER_HINT})",
        "sources/pins/old.csv:7: pin number 5 appears twice (first at line 4) (keep one row)",
        "sources/pins/old.csv:8: a pin without a name (fill in its name)",
        f"sources/pins/old.csv:8: pin number 'y' is not a whole number ({NUMBER_HINT})",
        "sources/pins/old.csv:5: pin 6 is the same as '6', which is no earlier pin"
        f" ({SAME_AS_HINT})",
        "sources/pins/old.csv:3: pin 8 is the same as '7', which is no earlier pin"
        f" ({SAME_AS_HINT})",
        "sources/pins/old.csv:9: pin 9 (VCC) is the same as pin 1, which is GND"
        " (a contact of a pin has its name; fix same_as or the name)",
    ]


def test_a_same_as_problem_below_a_rejected_row_names_its_own_line(tmp_path: Path) -> None:
    old = source("1,GND,,,Ground.\nx,A0,,,Analog\n3,GND,,9,Ground.\n")
    assert errors(tmp_path, old) == [
        f"sources/pins/old.csv:3: pin number 'x' is not a whole number ({NUMBER_HINT})",
        "sources/pins/old.csv:4: pin 3 is the same as '9', which is no earlier pin"
        f" ({SAME_AS_HINT})",
    ]


def test_both_devices_problems_are_reported_in_one_run(tmp_path: Path) -> None:
    old = "num,name,alt_name,same_as,spi\nx,A0,,,SPI (SS)\n"
    assert errors(tmp_path, old, "num,name,spi\n1,GND,\n", SPI) == [
        f"sources/pins/old.csv:2: pin number 'x' is not a whole number ({NUMBER_HINT})",
        f"sources/pins/new.csv:1: missing columns alt_name, same_as ({needs('spi')})",
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
    assert pins_of(tmp_path, text) == (
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
    )


def test_the_values_of_a_pin_are_read_only(tmp_path: Path) -> None:
    (pin,) = pins_of(tmp_path, "num,name,alt_name,same_as\n1,GND,,\n")
    assert isinstance(pin.values, MappingProxyType)
    with pytest.raises(TypeError):
        pin.values["name"] = "VCC"  # type: ignore[index]
    assert pin.name == "GND"


def test_a_pin_knows_what_is_set_and_how_its_name_is_shown() -> None:
    pin = Pin(5, {"num": "5", "name": "A0", "alt_name": "D19", "tone": "No", "pwm": "Yes"})
    assert (pin.name, pin.alt, pin.shown_name()) == ("A0", "D19", "A0 / D19")
    assert [pin.is_set(c) for c in ("name", "tone", "pwm", "spi")] == [True, False, True, False]
    assert pin.get("spi") == ""
    assert Pin(6, {"name": "D2", "alt_name": ""}).shown_name() == "D2"


def test_pin_numbers_are_shown_as_written(tmp_path: Path) -> None:
    (pin,) = pins_of(tmp_path, "num,name,alt_name,same_as\n07,A0,,\n")
    assert (pin.number, pin.get("num")) == (7, "07")


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


def test_a_pairing_is_named_after_its_old_pin_else_its_new_one() -> None:
    (paired, added) = pair([pin(1, "SCK")], [pin(2, "D13", "SCK"), pin(3, "D14")])
    assert (paired.name, paired.title, added.name) == ("SCK", "SCK", "D14")
    assert Pairing(None, pin(4, "A1", "D1"), "D1").name == "A1"

"""The `pins` generator, both styles, run through regen.update_text on small pin files."""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from pathlib import Path

import pytest

import regen
import regen.generators.pins
from regen.config import parse_config
from regen.pinout import Pin, read_pins
from regen.scan import scan_text
from regen.sources import SourceTable
from tests.regionkit import OneRegion
from tests.test_pinout import pin_file

KIT = OneRegion(
    "09a7da10-a5d0-11ec-b909-0242ac120002",
    "pins",
    "# Pins\n\nText before the region.\n",
    "Text after the region.\n",
)
UUID, KEY, BEGIN, END, PAGE = KIT.uuid, KIT.key, KIT.begin, KIT.end, KIT.page
config_for, build, build_error, page_with = KIT.config, KIT.build, KIT.errors, KIT.page_with

DEVICES = """\
devices = [
    { name = "Boron", source = "pins/old.csv" },
    { name = "B-Series SoM", source = "pins/new.csv" },
]
"""
FULL = f'style = "full-comparison"\n{DEVICES}'
HEAD = "|   |   | Boron | B-Series SoM |"
ALIGN_4 = "| :--- | :--- | :--- | :--- |"
ALIGN_2 = "| :--- | :--- |"
ADDED = "| | Added to B-Series SoM |"
REMOVED = "| | Removed from Boron |"
UNCHANGED = "| | Unchanged between Boron and B-Series SoM |"

# The columns most tests fill; pin_file adds the others, empty.
SHORT = "num,name,alt_name,same_as,description\n"


ROOT = Path(__file__).parent.parent
GOOD = pin_file(SHORT + "1,GND,,,Ground.\n")  # a pin source either device can have


def port(name: str, title: str) -> str:
    return f'style = "port-comparison"\nport = "{name}"\ntitle = "{title}"\n{DEVICES}'


def write_pins(root: Path, old: str, new: str) -> None:
    folder = root / "sources" / "pins"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "old.csv").write_text(old, encoding="utf-8", newline="")
    (folder / "new.csv").write_text(new, encoding="utf-8", newline="")


def full(root: Path, old: str, new: str) -> str:
    """A full comparison of the two pin files, given every column they do not name."""
    write_pins(root, pin_file(old), pin_file(new))
    return build(root, FULL)


def one_sided(title: str, heading: str, *rows: str) -> list[str]:
    return [f"#### {title}", heading, ALIGN_2, *rows]


# Full comparison: pairing, titles and order --------------------------------------------------


def test_full_comparison_pairs_by_each_rule_and_titles_each_pin(tmp_path: Path) -> None:
    old = (
        SHORT + "1,GND,,,Ground.\n"
        "2,A0,D19,,Analog in\n"
        "3,WKP,D8,,Wake up\n"  # rule 2: a new pin named D8
        "4,SCK,,,SPI clock\n"  # rule 3: a new pin whose alternate name is SCK
        "5,A4,D15,,Analog 4\n"  # rule 4: a new pin whose alternate name is D15 too
        "6,RX,,,Receive\n"
        "7,GND,,1,Another ground contact\n"
    )
    new = (
        SHORT + "1,GND,,,Ground.\n"
        "10,D8,,,GPIO\n"
        "11,D13,SCK,,SPI clock\n"
        "12,A6,D15,,Analog 6\n"
        "13,TX,,,Transmit\n"
        "14,GND,,1,Another ground contact\n"
        "20,A0,D19,,Analog in\n"
    )
    assert full(tmp_path, old, new) == page_with(
        "#### A0",
        HEAD,
        ALIGN_4,
        "| ∆ | Pin Number | 2 | 20 |",
        "| &nbsp; | Pin Name | A0 | A0 |",
        "| &nbsp; | Pin Alternate Name | D19 | D19 |",
        "| &nbsp; | Description | Analog in | Analog in |",
        "#### D15",
        HEAD,
        ALIGN_4,
        "| ∆ | Pin Number | 5 | 12 |",
        "| ∆ | Pin Name | A4 | A6 |",
        "| &nbsp; | Pin Alternate Name | D15 | D15 |",
        "| ∆ | Description | Analog 4 | Analog 6 |",
        "#### GND",
        UNCHANGED,
        ALIGN_2,
        "| Pin Number | 1|",
        "| Pin Name | GND|",
        "| Description | Ground.|",
        "#### RX",
        REMOVED,
        ALIGN_2,
        "| Pin Number | 6|",
        "| Pin Name | RX|",
        "| Description | Receive|",
        "#### SCK",
        HEAD,
        ALIGN_4,
        "| ∆ | Pin Number | 4 | 11 |",
        "| ∆ | Pin Name | SCK | D13 |",
        "| ∆ | Pin Alternate Name | n/a | SCK |",
        "| &nbsp; | Description | SPI clock | SPI clock |",
        "#### TX",
        ADDED,
        ALIGN_2,
        "| Pin Number | 13|",
        "| Pin Name | TX|",
        "| Description | Transmit|",
        "#### WKP",
        HEAD,
        ALIGN_4,
        "| ∆ | Pin Number | 3 | 10 |",
        "| ∆ | Pin Name | WKP | D8 |",
        "| ∆ | Pin Alternate Name | D8 | n/a |",
        "| ∆ | Description | Wake up | GPIO |",
    )


def test_same_as_rows_belong_to_their_pin_whatever_the_file_order(tmp_path: Path) -> None:
    # The extra contacts come first in the files and say something else: they are folded into
    # pins 1 and 2, never compared, added or removed.
    old = SHORT + "9,VCC,,2,Power again\n8,GND,,1,Ground again\n1,GND,,,Ground.\n2,VCC,,,Power\n"
    new = SHORT + "40,GND,,3,Second ground\n3,GND,,,Ground.\n41,GND,,3,Third ground\n"
    assert full(tmp_path, old, new) == page_with(
        "#### GND",
        HEAD,
        ALIGN_4,
        "| ∆ | Pin Number | 1 | 3 |",
        "| &nbsp; | Pin Name | GND | GND |",
        "| &nbsp; | Description | Ground. | Ground. |",
        *one_sided(
            "VCC",
            REMOVED,
            "| Pin Number | 2|",
            "| Pin Name | VCC|",
            "| Description | Power|",
        ),
    )


def test_the_first_new_pin_in_number_order_wins_whatever_rule_matches_it(tmp_path: Path) -> None:
    # New pin 3 matches A0 by rule 3 (its alternate name), pin 5 by rule 1 (its name): pin 3
    # comes first in number order, so A0 pairs with it, titled with its alternate name, and pin
    # 5 is added. Both blocks are titled A0: the paired one comes first.
    old = SHORT + "1,A0,,,\n"
    new = SHORT + "5,A0,,,\n3,D19,A0,,\n"
    assert full(tmp_path, old, new) == page_with(
        "#### A0",
        HEAD,
        ALIGN_4,
        "| ∆ | Pin Number | 1 | 3 |",
        "| ∆ | Pin Name | A0 | D19 |",
        "| ∆ | Pin Alternate Name | n/a | A0 |",
        *one_sided(
            "A0",
            ADDED,
            "| Pin Number | 5|",
            "| Pin Name | A0|",
            "| Description | n/a|",
        ),
    )


def test_rule_2_keeps_the_old_name_as_title(tmp_path: Path) -> None:
    old = SHORT + "1,A5,D14,,Analog\n"
    new = SHORT + "2,D14,,,GPIO\n"
    assert full(tmp_path, old, new) == page_with(
        "#### A5",
        HEAD,
        ALIGN_4,
        "| ∆ | Pin Number | 1 | 2 |",
        "| ∆ | Pin Name | A5 | D14 |",
        "| ∆ | Pin Alternate Name | D14 | n/a |",
        "| ∆ | Description | Analog | GPIO |",
    )


def test_rule_4_titles_the_pin_with_the_new_alternate_name(tmp_path: Path) -> None:
    old = SHORT + "1,A4,D15,,Analog\n"
    new = SHORT + "1,A6,D15,,Analog\n"
    assert full(tmp_path, old, new) == page_with(
        "#### D15",
        HEAD,
        ALIGN_4,
        "| &nbsp; | Pin Number | 1 | 1 |",
        "| ∆ | Pin Name | A4 | A6 |",
        "| &nbsp; | Pin Alternate Name | D15 | D15 |",
        "| &nbsp; | Description | Analog | Analog |",
    )


def test_empty_alternate_names_never_pair(tmp_path: Path) -> None:
    old = SHORT + "1,X,,,Old pin\n"
    new = SHORT + "1,Y,,,New pin\n"
    assert full(tmp_path, old, new) == page_with(
        *one_sided(
            "X",
            REMOVED,
            "| Pin Number | 1|",
            "| Pin Name | X|",
            "| Description | Old pin|",
        ),
        *one_sided(
            "Y",
            ADDED,
            "| Pin Number | 1|",
            "| Pin Name | Y|",
            "| Description | New pin|",
        ),
    )


def test_pairing_is_one_to_one(tmp_path: Path) -> None:
    # Three old GND pins (no same_as), two new ones: the first two pair in number order, the
    # third is removed. D8 would match new pin 9 by its alternate name, but WKP took it first.
    old = SHORT + "1,GND,,,Ground.\n2,GND,,,Ground.\n3,GND,,,Ground.\n4,WKP,D8,,Wake\n5,D8,,,GPIO\n"
    new = SHORT + "1,GND,,,Ground.\n2,GND,,,Ground.\n9,D8,,,GPIO\n"
    assert full(tmp_path, old, new) == page_with(
        "#### D8",
        REMOVED,
        ALIGN_2,
        "| Pin Number | 5|",
        "| Pin Name | D8|",
        "| Description | GPIO|",
        *one_sided(
            "GND",
            UNCHANGED,
            "| Pin Number | 1|",
            "| Pin Name | GND|",
            "| Description | Ground.|",
        ),
        *one_sided(
            "GND",
            UNCHANGED,
            "| Pin Number | 2|",
            "| Pin Name | GND|",
            "| Description | Ground.|",
        ),
        *one_sided(
            "GND",
            REMOVED,
            "| Pin Number | 3|",
            "| Pin Name | GND|",
            "| Description | Ground.|",
        ),
        "#### WKP",
        HEAD,
        ALIGN_4,
        "| ∆ | Pin Number | 4 | 9 |",
        "| ∆ | Pin Name | WKP | D8 |",
        "| ∆ | Pin Alternate Name | D8 | n/a |",
        "| ∆ | Description | Wake | GPIO |",
    )


def test_titles_sort_in_locale_compare_order(tmp_path: Path) -> None:
    # JavaScript's "D3 D22 A+ A- A_ a0 A1 3V3 NC1 NC GND gnd VIN Vin".split(" ")
    # .sort((a, b) => a.localeCompare(b)): punctuation before digits before letters, `_`
    # before `-` before `+`, digits as characters, a prefix first, case only to break ties
    # (lower case first). Old pins are removed, new ones added: one sort takes both.
    old = SHORT + "1,D3,,,\n2,A+,,,\n3,a0,,,\n4,NC1,,,\n5,GND,,,\n6,VIN,,,\n7,A_,,,\n"
    new = SHORT + "1,D22,,,\n2,A-,,,\n3,A1,,,\n4,3V3,,,\n5,NC,,,\n6,gnd,,,\n7,Vin,,,\n"
    expected = [
        ("3V3", ADDED, 4),
        ("A_", REMOVED, 7),
        ("A-", ADDED, 2),
        ("A+", REMOVED, 2),
        ("a0", REMOVED, 3),
        ("A1", ADDED, 3),
        ("D22", ADDED, 1),
        ("D3", REMOVED, 1),
        ("gnd", ADDED, 6),
        ("GND", REMOVED, 5),
        ("NC", ADDED, 5),
        ("NC1", REMOVED, 4),
        ("Vin", ADDED, 7),
        ("VIN", REMOVED, 6),
    ]
    lines = [
        line
        for name, heading, num in expected
        for line in one_sided(
            name,
            heading,
            f"| Pin Number | {num}|",
            f"| Pin Name | {name}|",
            "| Description | n/a|",
        )
    ]
    assert full(tmp_path, old, new) == page_with(*lines)


def test_device_names_come_from_the_configuration(tmp_path: Path) -> None:
    write_pins(
        tmp_path,
        pin_file(SHORT + "1,A0,,,Analog\n2,GND,,,Ground.\n3,RST,,,Reset\n"),
        pin_file(SHORT + "1,A0,,,Analog in\n2,GND,,,Ground.\n4,EN,,,Enable\n"),
    )
    options = (
        'style = "full-comparison"\n'
        "devices = [\n"
        '    { name = "Argon", source = "pins/old.csv" },\n'
        '    { name = "P2", source = "pins/new.csv" },\n'
        "]\n"
    )
    assert build(tmp_path, options) == page_with(
        "#### A0",
        "|   |   | Argon | P2 |",
        ALIGN_4,
        "| &nbsp; | Pin Number | 1 | 1 |",
        "| &nbsp; | Pin Name | A0 | A0 |",
        "| ∆ | Description | Analog | Analog in |",
        "#### EN",
        "| | Added to P2 |",
        ALIGN_2,
        "| Pin Number | 4|",
        "| Pin Name | EN|",
        "| Description | Enable|",
        "#### GND",
        "| | Unchanged between Argon and P2 |",
        ALIGN_2,
        "| Pin Number | 2|",
        "| Pin Name | GND|",
        "| Description | Ground.|",
        "#### RST",
        "| | Removed from Argon |",
        ALIGN_2,
        "| Pin Number | 3|",
        "| Pin Name | RST|",
        "| Description | Reset|",
    )


# Full comparison: attribute rows --------------------------------------------------------------

# Every column, in an order unlike the rows' order.
ALL_COLUMNS = (
    "i2c_long,i2c,spi_long,spi,serial_long,serial,five_volt_tolerant,internal_pull,"
    "attach_interrupt,tone,analog_write_pwm,analog_read,digital_write,digital_read,"
    "description,same_as,alt_name,name,num\n"
)


def test_attribute_rows_follow_a_fixed_order_with_long_interface_forms(tmp_path: Path) -> None:
    old = ALL_COLUMNS + (
        "SDA. Use Wire object.,Wire (SDA),MOSI. Use SPI1 object.,SPI1 (MOSI),"
        "RX. Use Serial2 object.,Serial2 RX,Yes,13K,Yes,Yes,Yes,No,Yes,Yes,"
        "GPIO,,D9,D3,4\n"
    )
    new = ALL_COLUMNS + (
        "SDA. Use Wire object.,Wire (SDA),MOSI. Use SPI object.,SPI (MOSI),"
        ",,No,13K,Yes,No,Yes,Yes,Yes,Yes,"
        "GPIO,,D9,D3,41\n"
    )
    assert full(tmp_path, old, new) == page_with(
        "#### D3",
        HEAD,
        ALIGN_4,
        "| ∆ | Pin Number | 4 | 41 |",
        "| &nbsp; | Pin Name | D3 | D3 |",
        "| &nbsp; | Pin Alternate Name | D9 | D9 |",
        "| &nbsp; | Description | GPIO | GPIO |",
        "| &nbsp; | Supports digitalRead | Yes | Yes |",
        "| &nbsp; | Supports digitalWrite | Yes | Yes |",
        "| ∆ | Supports analogRead | No | Yes |",
        "| &nbsp; | Supports analogWrite (PWM) | Yes | Yes |",
        "| ∆ | Supports tone | Yes | No |",
        "| ∆ | UART serial | RX. Use Serial2 object. | n/a |",
        "| ∆ | SPI interface | MOSI. Use SPI1 object. | MOSI. Use SPI object. |",
        "| &nbsp; | I2C interface | SDA. Use Wire object. | SDA. Use Wire object. |",
        "| &nbsp; | Supports attachInterrupt | Yes | Yes |",
        "| &nbsp; | Internal pull resistance | 13K | 13K |",
        "| ∆ | Input is 5V Tolerant | Yes | No |",
    )


def test_no_is_shown_as_written_but_is_not_set(tmp_path: Path) -> None:
    # A row appears when either side is set; `No` is not set, but is shown as it is written
    # where the other side is set. Both `No`, or `No` against empty: no row.
    columns = "num,name,alt_name,same_as,description,digital_read,analog_read,tone,internal_pull\n"
    old = columns + "1,D5,,,GPIO,No,No,No,\n2,D6,,,GPIO,No,Yes,No,No\n"
    new = columns + "1,D5,,,GPIO,,Yes,No,13K\n"
    assert full(tmp_path, old, new) == page_with(
        "#### D5",
        HEAD,
        ALIGN_4,
        "| &nbsp; | Pin Number | 1 | 1 |",
        "| &nbsp; | Pin Name | D5 | D5 |",
        "| &nbsp; | Description | GPIO | GPIO |",
        "| ∆ | Supports analogRead | No | Yes |",
        "| ∆ | Internal pull resistance | n/a | 13K |",
        *one_sided(
            "D6",
            REMOVED,
            "| Pin Number | 2|",
            "| Pin Name | D6|",
            "| Description | GPIO|",
            "| Supports analogRead | Yes|",
        ),
    )


def test_a_paired_pin_with_no_difference_is_shown_as_unchanged(tmp_path: Path) -> None:
    # Every attribute set on the pin is listed, one-sided; `No` values are not set.
    columns = "num,name,alt_name,same_as,description,analog_read,tone,spi,spi_long\n"
    row = "7,A2,D17,,Analog in,Yes,No,SPI (SS),SS. Use SPI object.\n"
    assert full(tmp_path, columns + row, columns + row) == page_with(
        "#### A2",
        UNCHANGED,
        ALIGN_2,
        "| Pin Number | 7|",
        "| Pin Name | A2|",
        "| Pin Alternate Name | D17|",
        "| Description | Analog in|",
        "| Supports analogRead | Yes|",
        "| SPI interface | SS. Use SPI object.|",
    )


def test_an_empty_description_is_na(tmp_path: Path) -> None:
    # Paired: a description set on one side only shows n/a on the other; empty on both, no
    # row. One-sided: the description is always listed, n/a when empty.
    old = SHORT + "1,NC,,,\n2,D0,,,\n3,D1,,,\n"
    new = SHORT + "1,NC,,,\n2,D0,,,GPIO\n4,NC2,,,\n"
    assert full(tmp_path, old, new) == page_with(
        "#### D0",
        HEAD,
        ALIGN_4,
        "| &nbsp; | Pin Number | 2 | 2 |",
        "| &nbsp; | Pin Name | D0 | D0 |",
        "| ∆ | Description | n/a | GPIO |",
        *one_sided(
            "D1",
            REMOVED,
            "| Pin Number | 3|",
            "| Pin Name | D1|",
            "| Description | n/a|",
        ),
        *one_sided(
            "NC",
            UNCHANGED,
            "| Pin Number | 1|",
            "| Pin Name | NC|",
            "| Description | n/a|",
        ),
        *one_sided(
            "NC2",
            ADDED,
            "| Pin Number | 4|",
            "| Pin Name | NC2|",
            "| Description | n/a|",
        ),
    )


def test_values_are_shown_as_written_and_a_pipe_cannot_break_the_table(tmp_path: Path) -> None:
    columns = "num,name,alt_name,same_as,description,tone\n"
    old = columns + '1,D7,,,"Blue LED, GPIO",A | B share a frequency\n'
    new = columns + '1,D7,,,"Blue LED, GPIO",<b>Yes</b>\n'
    assert full(tmp_path, old, new) == page_with(
        "#### D7",
        HEAD,
        ALIGN_4,
        "| &nbsp; | Pin Number | 1 | 1 |",
        "| &nbsp; | Pin Name | D7 | D7 |",
        "| &nbsp; | Description | Blue LED, GPIO | Blue LED, GPIO |",
        "| ∆ | Supports tone | A \\| B share a frequency | <b>Yes</b> |",
    )


def test_a_trailing_backslash_cannot_escape_the_closing_pipe(tmp_path: Path) -> None:
    # The one-sided layout has no blank before the closing pipe: a value ending in an odd
    # number of backslashes gets one more. The paired layout gets it too (shown the same).
    old = SHORT + "1,A0,,,C:\\\n2,A1,,,two\\\\\n3,A2,,,one\\\n4,A3,,,a \\| b\n"
    new = SHORT + "1,A0,,,C:\\\n2,A1,,,two\\\\\n3,A2,,,other\\\n"
    assert full(tmp_path, old, new) == page_with(
        *one_sided(
            "A0",
            UNCHANGED,
            "| Pin Number | 1|",
            "| Pin Name | A0|",
            "| Description | C:\\\\|",
        ),
        *one_sided(
            "A1",
            UNCHANGED,
            "| Pin Number | 2|",
            "| Pin Name | A1|",
            "| Description | two\\\\|",
        ),
        "#### A2",
        HEAD,
        ALIGN_4,
        "| &nbsp; | Pin Number | 3 | 3 |",
        "| &nbsp; | Pin Name | A2 | A2 |",
        "| ∆ | Description | one\\\\ | other\\\\ |",
        *one_sided(
            "A3",
            REMOVED,
            "| Pin Number | 4|",
            "| Pin Name | A3|",
            "| Description | a \\| b|",
        ),
    )


def test_a_one_sided_pin_lists_only_the_attributes_set_on_it(tmp_path: Path) -> None:
    columns = "num,name,alt_name,same_as,description,digital_read,analog_read,serial,serial_long\n"
    old = columns + "1,A0,,,Analog,,,,\n"
    new = columns + "1,A0,,,Analog,,,,\n9,TX,D9,,Transmit,Yes,No,Serial1 TX,TX. Use Serial1.\n"
    assert full(tmp_path, old, new) == page_with(
        *one_sided(
            "A0",
            UNCHANGED,
            "| Pin Number | 1|",
            "| Pin Name | A0|",
            "| Description | Analog|",
        ),
        *one_sided(
            "TX",
            ADDED,
            "| Pin Number | 9|",
            "| Pin Name | TX|",
            "| Pin Alternate Name | D9|",
            "| Description | Transmit|",
            "| Supports digitalRead | Yes|",
            "| UART serial | TX. Use Serial1.|",
        ),
    )


# Port comparison ------------------------------------------------------------------------------

PORT_COLUMNS = "num,name,alt_name,same_as,analog_read,analog_write_pwm,serial,spi,i2c\n"
PORT_OLD = PORT_COLUMNS + (
    "1,A0,D19,,Yes,Yes,,,\n"
    "2,A5,D14,,Yes,No,,SPI (SS),\n"
    "3,MISO,D11,,No,,,SPI (MISO),\n"
    "4,D2,,,,Yes,Serial2 RTS,SPI1 (SCK),\n"
    "5,WKP,D8,,,,,,\n"
    "6,Z1,,,,,,SPI1 (MOSI),\n"
    "7,RX,D10,,,,Serial1 RX,,\n"
    "8,SDA,D0,,,,,,Wire (SDA)\n"
    '9,D7,,,,"PWM is shared with the RGB LED, you can specify a different duty cycle.",,,\n'
    "10,GND,,,,,,,\n"
    "11,GND,,10,Yes,Yes,Serial9 RX,SPI9 (SS),Wire9 (SDA)\n"
)
PORT_NEW = PORT_COLUMNS + (
    "1,A0,D19,,Yes,Yes,,,\n"
    "2,A5,D14,,Yes,No,,,\n"
    "3,MISO,D11,,No,,,SPI (MISO),\n"
    "5,D8,,,,,,SPI (SS),\n"
    "6,A9,Z1,,No,Yes,,SPI1 (MOSI),\n"
    "7,D3,,,Yes,,,SPI1 (SS),Wire1 (SCL)\n"
    "8,RX,D10,,,,Serial1 RX,,\n"
    '9,D7,,,,"PWM is shared with the RGB LED, you can specify a different duty cycle.",,,\n'
    "10,SDA,D0,,,,,,Wire (SDA)\n"
    "11,GND,,,,,,,\n"
)
PORT_HEAD = "| :--- | :--- | :--- | :--- |"


def test_port_comparison_spi(tmp_path: Path) -> None:
    # Z1 pairs with A9 through A9's alternate name and sorts by Z1, the first device's name;
    # D2 is removed and D3 added; WKP pairs with D8 by its alternate name.
    write_pins(tmp_path, PORT_OLD, PORT_NEW)
    assert build(tmp_path, port("spi", "SPI")) == page_with(
        "| Boron Pin Name | Boron SPI | B-Series SoM Pin Name | B-Series SoM SPI |",
        PORT_HEAD,
        "| A5 / D14 | SPI (SS) | A5 / D14 | &nbsp; |",
        "| D2 | SPI1 (SCK) | &nbsp; | &nbsp; |",
        "| &nbsp; | &nbsp; | D3 | SPI1 (SS) |",
        "| MISO / D11 | SPI (MISO) | MISO / D11 | SPI (MISO) |",
        "| WKP / D8 | &nbsp; | D8 | SPI (SS) |",
        "| Z1 | SPI1 (MOSI) | A9 / Z1 | SPI1 (MOSI) |",
    )


def test_port_comparison_serial(tmp_path: Path) -> None:
    write_pins(tmp_path, PORT_OLD, PORT_NEW)
    assert build(tmp_path, port("serial", "Serial")) == page_with(
        "| Boron Pin Name | Boron Serial | B-Series SoM Pin Name | B-Series SoM Serial |",
        PORT_HEAD,
        "| D2 | Serial2 RTS | &nbsp; | &nbsp; |",
        "| RX / D10 | Serial1 RX | RX / D10 | Serial1 RX |",
    )


def test_port_comparison_i2c(tmp_path: Path) -> None:
    write_pins(tmp_path, PORT_OLD, PORT_NEW)
    assert build(tmp_path, port("i2c", "I2C")) == page_with(
        "| Boron Pin Name | Boron I2C | B-Series SoM Pin Name | B-Series SoM I2C |",
        PORT_HEAD,
        "| &nbsp; | &nbsp; | D3 | Wire1 (SCL) |",
        "| SDA / D0 | Wire (SDA) | SDA / D0 | Wire (SDA) |",
    )


def test_port_comparison_adc_shows_a_check_for_yes(tmp_path: Path) -> None:
    # MISO says No on both sides: no row. Z1/A9: No on the new side is &nbsp;.
    write_pins(tmp_path, PORT_OLD, PORT_NEW)
    assert build(tmp_path, port("adc", "ADC")) == page_with(
        "| Boron Pin Name | Boron ADC | B-Series SoM Pin Name | B-Series SoM ADC |",
        PORT_HEAD,
        "| A0 / D19 | &check; | A0 / D19 | &check; |",
        "| A5 / D14 | &check; | A5 / D14 | &check; |",
        "| &nbsp; | &nbsp; | D3 | &check; |",
    )


def test_port_comparison_pwm_counts_a_qualified_answer_as_yes(tmp_path: Path) -> None:
    write_pins(tmp_path, PORT_OLD, PORT_NEW)
    assert build(tmp_path, port("pwm", "PWM")) == page_with(
        "| Boron Pin Name | Boron PWM | B-Series SoM Pin Name | B-Series SoM PWM |",
        PORT_HEAD,
        "| A0 / D19 | &check; | A0 / D19 | &check; |",
        "| D2 | &check; | &nbsp; | &nbsp; |",
        "| D7 | &check; | D7 | &check; |",
        "| Z1 | &nbsp; | A9 / Z1 | &check; |",
    )


def test_port_rows_sort_in_plain_character_order(tmp_path: Path) -> None:
    # Unlike the full comparison: `+` before `-`, upper case before `_` before lower case.
    columns = "num,name,alt_name,same_as,spi\n"
    old = columns + "1,a1,,,S1\n2,_X,,,S2\n3,D3,,,S3\n4,A-,,,S4\n"
    new = columns + "1,D22,,,S5\n2,B,,,S6\n3,A+,,,S7\n4,a1,,,S8\n"
    write_pins(tmp_path, old, new)
    assert build(tmp_path, port("spi", "SPI")) == page_with(
        "| Boron Pin Name | Boron SPI | B-Series SoM Pin Name | B-Series SoM SPI |",
        PORT_HEAD,
        "| &nbsp; | &nbsp; | A+ | S7 |",
        "| A- | S4 | &nbsp; | &nbsp; |",
        "| &nbsp; | &nbsp; | B | S6 |",
        "| &nbsp; | &nbsp; | D22 | S5 |",
        "| D3 | S3 | &nbsp; | &nbsp; |",
        "| _X | S2 | &nbsp; | &nbsp; |",
        "| a1 | S1 | a1 | S8 |",
    )


def test_port_comparison_a_value_no_is_not_set(tmp_path: Path) -> None:
    columns = "num,name,alt_name,same_as,spi\n"
    write_pins(tmp_path, columns + "1,D1,,,No\n2,D2,,,SPI (SS)\n", columns + "1,D1,,,No\n")
    assert build(tmp_path, port("spi", "SPI")) == page_with(
        "| Boron Pin Name | Boron SPI | B-Series SoM Pin Name | B-Series SoM SPI |",
        PORT_HEAD,
        "| D2 | SPI (SS) | &nbsp; | &nbsp; |",
    )


def test_port_cells_are_escaped(tmp_path: Path) -> None:
    # A `|` in a name, a value or the title cannot break the row; one already escaped stays.
    columns = "num,name,alt_name,same_as,spi\n"
    old = columns + "1,D|1,,,SPI | SS\n2,D2,,,SPI \\| MOSI\n3,D3,,,end\\\n"
    write_pins(tmp_path, old, columns + "1,D|1,,,SPI (SS)\n")
    assert build(tmp_path, port("spi", "S|PI")) == page_with(
        "| Boron Pin Name | Boron S\\|PI | B-Series SoM Pin Name | B-Series SoM S\\|PI |",
        PORT_HEAD,
        "| D2 | SPI \\| MOSI | &nbsp; | &nbsp; |",
        "| D3 | end\\ | &nbsp; | &nbsp; |",
        "| D\\|1 | SPI \\| SS | D\\|1 | SPI (SS) |",
    )


@pytest.mark.parametrize(
    ("name", "column", "value"),
    [
        ("spi", "spi", ""),
        ("serial", "serial", ""),
        ("i2c", "i2c", ""),
        ("adc", "analog_read", ""),
        ("pwm", "analog_write_pwm", ""),
        ("spi", "spi", "No"),
        ("adc", "analog_read", "No"),
    ],
)
def test_a_port_no_pin_has_is_an_error_at_the_port(
    tmp_path: Path, name: str, column: str, value: str
) -> None:
    # Either device alone would do: no table is published without a row.
    columns = f"num,name,alt_name,same_as,{column}\n"
    write_pins(tmp_path, columns + f"1,D0,,,{value}\n2,D1,,,\n", columns + f"1,D0,,,{value}\n")
    assert build_error(tmp_path, port(name, "Port")) == [
        f"regen.toml:5: {KEY}.port: no pin of Boron or B-Series SoM has {name}"
        f" (none is set in column '{column}') (check the port, or the pin sources)"
    ]


def test_a_port_one_device_has_is_compared(tmp_path: Path) -> None:
    columns = "num,name,alt_name,same_as,i2c\n"
    write_pins(tmp_path, columns + "1,D0,,,\n", columns + "1,D0,,,Wire (SDA)\n")
    assert build(tmp_path, port("i2c", "I2C")) == page_with(
        "| Boron Pin Name | Boron I2C | B-Series SoM Pin Name | B-Series SoM I2C |",
        PORT_HEAD,
        "| D0 | &nbsp; | D0 | Wire (SDA) |",
    )


# Configuration errors -------------------------------------------------------------------------


def test_unknown_style_is_an_error(tmp_path: Path) -> None:
    write_pins(tmp_path, GOOD, GOOD)
    assert build_error(tmp_path, f'style = "pinout"\n{DEVICES}') == [
        f"regen.toml:4: {KEY}.style: unknown value 'pinout'"
        " (expected one of: port-comparison, full-comparison)"
    ]


def test_unknown_port_is_an_error(tmp_path: Path) -> None:
    write_pins(tmp_path, GOOD, GOOD)
    assert build_error(tmp_path, port("usb", "USB")) == [
        f"regen.toml:5: {KEY}.port: unknown value 'usb'"
        " (expected one of: spi, serial, i2c, adc, pwm)"
    ]


def test_port_options_are_unknown_to_a_full_comparison(tmp_path: Path) -> None:
    write_pins(tmp_path, GOOD, GOOD)
    assert build_error(tmp_path, f'{FULL}port = "spi"\n') == [
        f"regen.toml:9: {KEY}.port: unknown key (known keys: style, devices)"
    ]


def test_two_devices_are_required(tmp_path: Path) -> None:
    write_pins(tmp_path, GOOD, GOOD)
    options = 'style = "full-comparison"\ndevices = [{ name = "Boron", source = "pins/old.csv" }]\n'
    assert build_error(tmp_path, options) == [
        f"regen.toml:5: {KEY}.devices: expected two devices, got 1"
        " (name the old device, then the new one)"
    ]


def test_a_missing_pin_source_is_named(tmp_path: Path) -> None:
    good = pin_file(SHORT + "1,GND,,,Ground.\n")
    write_pins(tmp_path, good, good)
    options = FULL.replace("pins/new.csv", "pins/gone.csv")
    assert build_error(tmp_path, options) == [
        f"regen.toml:5: {KEY}.devices[1].source: sources/pins/gone.csv not found"
        " (create it, or fix the path in the configuration)"
    ]


@pytest.mark.parametrize(("index", "name"), [(0, ""), (1, ""), (0, "  ")])
def test_an_empty_device_name_is_an_error(tmp_path: Path, index: int, name: str) -> None:
    write_pins(tmp_path, GOOD, GOOD)
    before = ("Boron", "B-Series SoM")[index]
    options = FULL.replace(f'name = "{before}"', f'name = "{name}"')
    assert build_error(tmp_path, options) == [
        f"regen.toml:5: {KEY}.devices[{index}].name: an empty name"
        " (name the device as pages show it)"
    ]


def test_both_devices_problems_come_before_the_port(tmp_path: Path) -> None:
    # The sources are read before the rows are looked at: their problems are reported.
    columns = "num,name,alt_name,same_as,spi\n"
    write_pins(tmp_path, columns + "1,,,,\n", columns + "1,D0,,,\n")
    assert build_error(tmp_path, port("spi", "SPI")) == [
        "sources/pins/old.csv:2: a pin without a name (fill in its name)"
    ]


# The published bodies -------------------------------------------------------------------------

PUBLISHED = sorted(p.name for p in (ROOT / "tests/published").glob("*.md") if p.name != "README.md")


def test_every_pin_comparison_of_the_repository_is_published() -> None:
    # One file per pins region of regen.toml, named after its port (or style) and uuid.
    regions = tomllib.loads((ROOT / "regen.toml").read_text(encoding="utf-8"))["regions"]
    expected = sorted(
        f"{options.get('port', options['style'])}-{uuid[:8]}.md"
        for uuid, options in regions.items()
        if options["generator"] == "pins"
    )
    assert expected == PUBLISHED


@pytest.mark.parametrize("name", PUBLISHED)
def test_the_committed_pages_hold_the_published_body(name: str) -> None:
    # The file name ends with the start of the region's uuid; every copy of the region on the
    # pages under docs/ holds the body byte for byte.
    prefix = name.removesuffix(".md").rsplit("-", 1)[1]
    published = (ROOT / "tests/published" / name).read_bytes().decode("utf-8")
    found = [
        (region.uuid, region.body)
        for page in sorted((ROOT / "docs").rglob("*.md"))
        for region in scan_text(page.read_bytes().decode("utf-8"), str(page)).regions
        if region.uuid.startswith(prefix)
    ]
    assert len({uuid for uuid, _ in found}) == 1, f"one region's uuid starts with {prefix}"
    assert [body for _, body in found] == [published] * len(found)


# Reading each device once --------------------------------------------------------------------

OTHER_UUID = "1b6e4c2a-a5d0-11ec-b909-0242ac120002"


def two_regions(root: Path) -> tuple[regen.Config, str]:
    """Two comparisons of the same port of the same two pin files, on one page."""
    other = OneRegion(OTHER_UUID, "pins", "")
    text = (
        f'[{KEY}]\ngenerator = "pins"\n{port("i2c", "I2C")}\n'
        f'[{other.key}]\ngenerator = "pins"\n{port("i2c", "Wire")}'
    )
    config = parse_config(tomllib.loads(text), root=root, file="regen.toml", text=text)
    page = f"{BEGIN}\n{END}\n{other.begin}\n{other.end}\n"
    return config, page


def test_a_device_named_by_many_regions_is_read_once_a_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    columns = "num,name,alt_name,same_as,i2c,description\n"
    write_pins(tmp_path, columns + "1,D0,,,Wire (SDA),Pin.\n", columns + "1,D0,,,,Pin.\n")
    read: list[str] = []

    def counted(table: SourceTable, path: str, columns: Sequence[str] = ()) -> tuple[Pin, ...]:
        read.append(path)
        return read_pins(table, path, columns)

    monkeypatch.setattr(regen.generators.pins, "read_pins", counted)
    config, page = two_regions(tmp_path)
    text = regen.update_text(page, config=config)
    assert text.count("| D0 | Wire (SDA) | D0 | &nbsp; |") == 2
    assert read == ["sources/pins/old.csv", "sources/pins/new.csv"]
    assert regen.update_text(text, config=config) == text
    assert len(read) == 4  # another run reads them again


def test_a_broken_device_named_by_many_regions_is_reported_as_one_region_is(
    tmp_path: Path,
) -> None:
    write_pins(tmp_path, "num,name\n1,D0\n", GOOD)  # no alt_name, no same_as
    config, page = two_regions(tmp_path)
    with pytest.raises(regen.RegenError) as caught:
        regen.update_text(page, config=config)
    assert [str(problem) for problem in caught.value.problems] == [
        "sources/pins/old.csv:1: missing columns alt_name, same_as, i2c"
        " (a pin source needs the columns num, name, alt_name, same_as, i2c)"
    ]


def test_comparisons_showing_other_columns_read_the_device_for_theirs(tmp_path: Path) -> None:
    # Reading checks the columns a comparison shows: one of i2c must not pass for one of spi.
    columns = "num,name,alt_name,same_as,i2c\n"
    write_pins(tmp_path, columns + "1,D0,,,Wire (SDA)\n", columns + "1,D0,,,Wire (SDA)\n")
    other = OneRegion(OTHER_UUID, "pins", "")
    text = (
        f'[{KEY}]\ngenerator = "pins"\n{port("i2c", "I2C")}\n'
        f'[{other.key}]\ngenerator = "pins"\n{port("spi", "SPI")}'
    )
    config = parse_config(tomllib.loads(text), root=tmp_path, file="regen.toml", text=text)
    with pytest.raises(regen.RegenError) as caught:
        regen.update_text(f"{BEGIN}\n{END}\n{other.begin}\n{other.end}\n", config=config)
    assert [str(problem) for problem in caught.value.problems] == [
        f"sources/pins/{name}.csv:1: missing column spi"
        " (a pin source needs the columns num, name, alt_name, same_as, spi)"
        for name in ("old", "new")
    ]

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from regen.collation import collation_key

# The order of the published pin comparison (localeCompare in the vendor's generator).
PUBLISHED = [
    "3V3",
    "A0",
    "A5",
    "A6",
    "A7",
    "AGND",
    "CELL USBD-",
    "CELL USBD+",
    "CELL VBUS",
    "D0",
    "D1",
    "D2",
    "D22",
    "D23",
    "D3",
    "D8",
    "EN",
    "GND",
    "LI+",
    "MISO",
    "MODE",
    "MOSI",
    "NC",
    "NFC1",
    "RGBB",
    "RGBG",
    "RGBR",
    "RST",
    "RX",
    "SCK",
    "SIM_CLK",
    "SIM_DATA",
    "SIM_RST",
    "SIM_VCC",
    "TX",
    "USBDATA-",
    "USBDATA+",
    "VCC",
    "VUSB",
]


def test_published_order() -> None:
    shuffled = random.Random(0).sample(PUBLISHED, len(PUBLISHED))
    assert shuffled != PUBLISHED
    assert sorted(shuffled, key=collation_key) == PUBLISHED


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("A B", "A_B"),  # space < underscore
        ("A_B", "A-B"),  # underscore < hyphen
        ("A-B", "A+B"),  # hyphen < plus
        ("A+B", "A0"),  # symbols < digits
        ("A9", "AA"),  # digits < letters
        ("D22", "D3"),  # digits as characters
        ("NC", "NC1"),  # a prefix first
        ("abc", "ABD"),  # letters without case
        ("nc", "NC"),  # lower case first when otherwise equal
    ],
)
def test_pairs(before: str, after: str) -> None:
    assert collation_key(before) < collation_key(after)


@given(st.text(alphabet="aAbB01_-+ .", max_size=5), st.text(alphabet="aAbB01_-+ .", max_size=5))
def test_distinct_texts_never_collate_equal(a: str, b: str) -> None:
    # So that the order of a sort never depends on the order of its input.
    assert (collation_key(a) == collation_key(b)) == (a == b)

"""`pins`: compare the pins of two devices, in the published layouts.

[regions."49b31eea-a5de-11ec-b909-0242ac120002"]
generator = "pins"
style = "port-comparison"        # or "full-comparison"
port = "spi"                     # port-comparison: spi, serial, i2c, adc, pwm
title = "SPI"                    # port-comparison: the port's column title
devices = [
    { name = "Boron", source = "pins/boron.csv" },          # the old device
    { name = "B-Series SoM", source = "pins/b-series-som.csv" },
]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

from regen.collation import collation_key
from regen.errors import Problem, RegenError
from regen.generators import Context, Job
from regen.markdown import Column, escape_cell, generated_body, render_row, render_table
from regen.options import Options
from regen.pinout import Pairing, Pin, pair, read_pins
from regen.sources import SourceKey

# port -> (column in the sources, whether the column is a yes/no capability)
PORTS = {
    "spi": ("spi", False),
    "serial": ("serial", False),
    "i2c": ("i2c", False),
    "adc": ("analog_read", True),
    "pwm": ("analog_write_pwm", True),
}

# The rows of a full comparison, in order: label, column.
ATTRIBUTES = (
    ("Pin Number", "num"),
    ("Pin Name", "name"),
    ("Pin Alternate Name", "alt_name"),
    ("Description", "description"),
    ("Supports digitalRead", "digital_read"),
    ("Supports digitalWrite", "digital_write"),
    ("Supports analogRead", "analog_read"),
    ("Supports analogWrite (PWM)", "analog_write_pwm"),
    ("Supports tone", "tone"),
    ("UART serial", "serial_long"),
    ("SPI interface", "spi_long"),
    ("I2C interface", "i2c_long"),
    ("Supports attachInterrupt", "attach_interrupt"),
    ("Internal pull resistance", "internal_pull"),
    ("Input is 5V Tolerant", "five_volt_tolerant"),
)
_ALWAYS_SHOWN = frozenset({"name", "description"})  # on a one-sided pin, even when empty


@dataclass(frozen=True)
class Device:
    name: str
    pins: tuple[Pin, ...]


class PinsGenerator:
    summary = "pin comparisons between two devices: one port's pins, or every pin in full"
    cacheable = True  # the body depends on the options and inputs alone

    def prepare(self, context: Context) -> Job:
        node = context.options
        style = node.get("style").choice("port-comparison", "full-comparison")
        port, title = "", ""
        if style == "port-comparison":
            node.only("style", "devices", "port", "title")
            port = node.get("port").choice(*PORTS)
            title = node.get("title").string()
        else:
            node.only("style", "devices")
        devices = _device_sources(context, node.get("devices"))
        shown = [c for _, c in ATTRIBUTES] if style == "full-comparison" else [PORTS[port][0]]

        def build() -> str:
            old, new = _read_devices(context, devices, shown)
            pairings = pair(old.pins, new.pins)
            if style == "full-comparison":
                return _full(old, new, pairings)
            return _port(old, new, pairings, port, title, node.get("port"))

        return Job(tuple(key.path for _, key, _ in devices), build)


def _device_sources(context: Context, node: Options) -> list[tuple[str, SourceKey, Options]]:
    """Each device's display name and source, from the options."""
    items = node.items()
    if len(items) != 2:
        raise node.error(
            f"expected two devices, got {len(items)}", "name the old device, then the new one"
        )
    devices = []
    for item in items:
        item.only("name", "source")
        name = item.get("name").string()
        if not name.strip():
            raise item.get("name").error("an empty name", "name the device as pages show it")
        source_node = item.get("source")
        devices.append((name, context.source_key(source_node), source_node))
    return devices


def _read_devices(
    context: Context, devices: Sequence[tuple[str, SourceKey, Options]], shown: Sequence[str]
) -> tuple[Device, Device]:
    read: list[Device] = []
    problems: list[Problem] = []
    for name, key, node in devices:  # both devices are read before any problem is raised
        try:
            context.table(key, node)  # (a missing file is reported where it is named)
            pins = context.cache.derived(
                key, ("pins", tuple(shown)), partial(read_pins, path=key.path, columns=shown)
            )
            read.append(Device(name, pins))
        except RegenError as exc:
            problems.extend(exc.problems)
    if problems:
        raise RegenError(problems)
    return read[0], read[1]


# Port comparison ----------------------------------------------------------------------------


def _port(
    old: Device,
    new: Device,
    pairings: Sequence[Pairing],
    port: str,
    title: str,
    port_node: Options,
) -> str:
    column, capability = PORTS[port]

    def cell(pin: Pin | None) -> str:
        if pin is None or not pin.is_set(column):
            return "&nbsp;"
        return "&check;" if capability else escape_cell(pin.get(column))

    rows = []
    for pairing in pairings:
        if not any(p is not None and p.is_set(column) for p in (pairing.old, pairing.new)):
            continue
        rows.append(
            (
                pairing.name,
                [
                    pairing.old.shown_name() if pairing.old else "&nbsp;",
                    cell(pairing.old),
                    pairing.new.shown_name() if pairing.new else "&nbsp;",
                    cell(pairing.new),
                ],
            )
        )
    if not rows:  # an empty table is never published in silence
        raise port_node.error(
            f"no pin of {old.name} or {new.name} has {port} (none is set in column '{column}')",
            "check the port, or the pin sources",
        )
    rows.sort(key=lambda row: row[0])  # plain character order, as the published tables
    columns = [
        Column(f"{old.name} Pin Name"),
        Column(f"{old.name} {title}"),
        Column(f"{new.name} Pin Name"),
        Column(f"{new.name} {title}"),
    ]
    return generated_body(render_table(columns, [cells for _, cells in rows]))


# Full comparison ----------------------------------------------------------------------------


def _full(old: Device, new: Device, pairings: Sequence[Pairing]) -> str:
    ordered = sorted(pairings, key=lambda p: collation_key(p.title))  # stable: ties keep order
    lines: list[str] = []
    for pairing in ordered:
        lines.append(f"#### {pairing.title}")
        if pairing.old is not None and pairing.new is not None:
            lines.extend(_both(old, new, pairing.old, pairing.new))
        elif pairing.new is not None:
            lines.extend(_one_sided(f"Added to {new.name}", pairing.new))
        elif pairing.old is not None:
            lines.extend(_one_sided(f"Removed from {old.name}", pairing.old))
    return generated_body(lines)


def _shown(pin: Pin, column: str) -> str:
    value = pin.get(column)
    if not value:
        return "n/a"
    # A trailing backslash would escape the pipe that closes the cell in the one-sided layout,
    # which has no blank before it.
    escaped = escape_cell(value)
    trailing = len(escaped) - len(escaped.rstrip("\\"))
    return escaped + "\\" if trailing % 2 else escaped


def _both(old: Device, new: Device, old_pin: Pin, new_pin: Pin) -> list[str]:
    rows = []
    differs = False
    for label, column in ATTRIBUTES:
        if old_pin.is_set(column) or new_pin.is_set(column):
            before, after = _shown(old_pin, column), _shown(new_pin, column)
            differs = differs or before != after
            mark = "∆" if before != after else "&nbsp;"
            rows.append(render_row([mark, label, before, after]))
    if not differs:
        return _one_sided(f"Unchanged between {old.name} and {new.name}", new_pin)
    return [
        "|   |   | " + f"{escape_cell(old.name)} | {escape_cell(new.name)} |",
        "| :--- | :--- | :--- | :--- |",
        *rows,
    ]


def _one_sided(heading: str, pin: Pin) -> list[str]:
    lines = [f"| | {escape_cell(heading)} |", "| :--- | :--- |"]
    for label, column in ATTRIBUTES:
        if pin.is_set(column) or column in _ALWAYS_SHOWN:
            # The published layout has no blank before the closing pipe here.
            lines.append(f"| {label} | {_shown(pin, column)}|")
    return lines

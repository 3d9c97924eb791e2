"""`regen new`: a fresh region, ready to paste (or put in place), and its configuration entry."""

from __future__ import annotations

import datetime
import json
import tomllib
import uuid as uuids
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from regen.config import Config, config_from_text
from regen.errors import RegenError
from regen.generators import BUILTINS, default_registry
from regen.markers import BLURB_BEGIN, BLURB_END, GENERATED_BEGIN, GENERATED_END
from regen.options import quote_key
from regen.plan import Planner
from regen.scan import scan_text
from regen.sources import SourceCache
from regen.textfile import TextFile, decode, split_lines
from regen.write import PageWrite


@dataclass(frozen=True)
class NewRegion:
    uuid: str
    begin: str  # the marker lines, without line endings
    end: str
    entry: str  # the configuration text added ('' for a blurb, which needs none)
    master: str | None  # the blurb's master file, relative to the root


def parse_settings(settings: Sequence[str]) -> dict[str, Any]:
    """`key=value` pairs. A value written as TOML writes it (`["a", "b"]`, `{ not = "x" }`,
    `true`, `3`); anything else, and a number TOML would rewrite (`1.10`, `0x10`), stays the
    text as given."""
    options: dict[str, Any] = {}
    for setting in settings:
        key, sep, raw = setting.partition("=")
        if not sep or not key.strip():
            raise RegenError.at(
                "--set", None, f"'{setting}' is not key=value", "write it as --set source=x.csv"
            )
        options[key.strip()] = _value(raw)
    return options


def _value(raw: str) -> Any:
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw
    if isinstance(value, list | dict):
        return value
    if isinstance(value, bool | int) and toml_value(value) == raw.strip():
        return value
    return raw


def toml_key(key: str) -> str:
    return quote_key(key) if '"' not in key and "\\" not in key else json.dumps(key)


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # JSON's escapes are TOML's too
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        items = ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items())
        return "{ " + items + " }"
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    raise TypeError(f"no TOML for {value!r}")


def new_region(
    config: Config, generator: str, options: Mapping[str, Any], *, html: bool = False
) -> NewRegion:
    """A region with a fresh uuid (uuid4) for `generator`; nothing is written yet."""
    uuid = str(uuids.uuid4())
    blurb = generator == "blurb"
    begin_text, end_text = (BLURB_BEGIN, BLURB_END) if blurb else (GENERATED_BEGIN, GENERATED_END)
    begin = f"{begin_text} {uuid}"
    end = end_text if blurb else f"{end_text} {uuid}"

    def wrap(text: str) -> str:
        return f"<!-- {text} -->" if html else f"{{{{!-- {text} --}}}}"

    entry = ""
    if not blurb or options:
        lines = [f'[{config.prefix}regions."{uuid}"]', f'generator = "{generator}"']
        lines += [f"{toml_key(k)} = {toml_value(v)}" for k, v in options.items()]
        entry = "\n".join(lines) + "\n"
    master = config.master(uuid) if blurb else None
    return NewRegion(uuid, wrap(begin), wrap(end), entry, master)


def with_entry(config_file: Path, region: NewRegion) -> PageWrite | None:
    """The configuration with the entry appended, checked to read back; None for a blurb."""
    if not region.entry:
        return None
    return with_entries(config_file, [region.entry])


def with_entries(config_file: Path, entries: Sequence[str], header: str = "") -> PageWrite:
    """The configuration with `entries` appended, each after an empty line, in the file's
    newline style (its BOM kept), checked to read back. A file that does not exist yet is
    made, starting with `header`."""
    exists = config_file.exists()
    source = decode(config_file.read_bytes(), config_file.name) if exists else TextFile(header)
    text = source.text
    newline = "\r\n" if "\r\n" in text else "\n"
    gap = "" if not text or text.endswith("\n") else newline
    added = "".join("\n" + entry for entry in entries)
    updated = text + gap + (added.lstrip("\n") if not text else added).replace("\n", newline)
    config = config_from_text(updated, config_file)  # raises if the file would not read back
    if config.problems:
        raise RegenError(config.problems)
    return PageWrite(
        config_file,
        TextFile(updated, source.bom).encode(),
        config_file.name,
        source.encode() if exists else None,
    )


def with_markers(page: Path, shown: str, after_line: int, region: NewRegion) -> PageWrite:
    """The page with the marker pair after line `after_line` (0: at the top), in the page's
    newline style; everything else byte for byte. Refused where the markers would not be read
    as a region of their own (in a code fence, inside another region), with the page's own
    problems first: every line named is a line of the page as it is."""
    try:
        data = page.read_bytes()
    except OSError as exc:
        raise RegenError.at(
            shown, None, f"cannot read: {exc.strerror or exc}", "check the path given to --page"
        ) from None
    source = decode(data, shown)
    lines = split_lines(source.text)
    if not 0 <= after_line <= len(lines):
        raise RegenError.at(
            shown, None, f"has no line {after_line}", f"give --after-line from 0 to {len(lines)}"
        )
    for there in scan_text(source.text, shown).regions:  # (raises the page's own problems)
        last = there.line + there.begin.count("\n") + there.body.count("\n")  # its END line
        if there.line <= after_line < last:
            raise RegenError.at(
                shown,
                after_line,
                f"is inside the region {there.uuid} (lines {there.line}-{last})",
                f"give --after-line {there.line - 1} or {last}, or any line outside regions",
            )
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    if after_line and not lines[after_line - 1].endswith("\n"):
        lines[after_line - 1] += newline  # the last line had no line ending
    pair = f"{region.begin}{newline}{region.end}{newline}"
    text = "".join(lines[:after_line]) + pair + "".join(lines[after_line:])
    try:
        found = [r for r in scan_text(text, shown).regions if r.uuid == region.uuid]
    except RegenError:
        found = []
    if len(found) != 1:
        raise RegenError.at(
            shown,
            after_line + 1,
            "markers there would not be read as a region",
            "choose a line outside code blocks and other regions",
        )
    return PageWrite(page, TextFile(text, source.bom).encode(), shown, source.encode())


def known_generator(name: str, registry_names: Sequence[str]) -> None:
    if name not in registry_names and name not in BUILTINS:
        raise RegenError.at(
            name,
            None,
            "unknown generator",
            "known generators: " + ", ".join(sorted(registry_names)),
        )


def check_entry(entry: PageWrite, config_file: Path, uuid: str) -> None:
    """Raise the problems of a region's entry as its generator sees them (before it is
    written: `regen new` never leaves an entry no run can use)."""
    config = config_from_text(entry.data.decode("utf-8-sig"), config_file)
    planner = Planner(config, default_registry(), SourceCache(config.root.resolve()))
    planner.job_of(config.regions[uuid])
    if planner.problems:
        raise RegenError(planner.problems)

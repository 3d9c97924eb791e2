"""`regen new`: a fresh region, ready to paste (or put in place), and its configuration entry."""

from __future__ import annotations

import tomllib
import uuid as uuids
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from regen.config import Config, config_from_text
from regen.errors import RegenError
from regen.generators import BUILTINS
from regen.markers import BLURB_BEGIN, BLURB_END, GENERATED_BEGIN, GENERATED_END
from regen.options import quote_key
from regen.textfile import TextFile, decode, split_lines
from regen.write import PageWrite, write_pages


@dataclass(frozen=True)
class NewRegion:
    uuid: str
    begin: str  # the marker lines, without line endings
    end: str
    entry: str  # the configuration text added ('' for a blurb, which needs none)
    master: str | None  # the blurb's master file, relative to the root


def parse_settings(settings: Sequence[str]) -> dict[str, Any]:
    """`key=value` pairs; a value is read as TOML (`["a", "b"]`, `true`, `3`), else a string."""
    options: dict[str, Any] = {}
    for setting in settings:
        key, sep, raw = setting.partition("=")
        if not sep or not key.strip():
            raise RegenError.at(
                "--set", None, f"'{setting}' is not key=value", "write it as --set source=x.csv"
            )
        try:
            value = tomllib.loads(f"v = {raw}")["v"]
        except tomllib.TOMLDecodeError:
            value = raw
        options[key.strip()] = value
    return options


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{escaped}"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return (
            "{ " + ", ".join(f"{quote_key(k)} = {_toml_value(v)}" for k, v in value.items()) + " }"
        )
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
        lines += [f"{quote_key(k)} = {_toml_value(v)}" for k, v in options.items()]
        entry = "\n".join(lines) + "\n"
    master = f"{config.blurbs}/{uuid}.md" if blurb else None
    return NewRegion(uuid, wrap(begin), wrap(end), entry, master)


def add_entry(config_file: Path, region: NewRegion) -> None:
    """Append the entry to the configuration, after checking the result still reads."""
    if not region.entry:
        return
    source = decode(config_file.read_bytes(), config_file.name)
    text = source.text
    newline = "\r\n" if "\r\n" in text else "\n"
    gap = "" if not text else ("\n" if text.endswith("\n") else "\n\n")
    updated = text + gap.replace("\n", newline) + ("\n" + region.entry).replace("\n", newline)
    config_from_text(updated, config_file)  # raises if the file would not read back
    write_pages(
        [
            PageWrite(
                config_file,
                TextFile(updated, source.bom).encode(),
                config_file.name,
                source.encode(),
            )
        ]
    )


def insert_markers(page: Path, shown: str, after_line: int, region: NewRegion) -> None:
    """Put the marker pair after line `after_line` of the page (0: at the top), in the page's
    newline style; everything else stays byte for byte."""
    source = decode(page.read_bytes(), shown)
    lines = split_lines(source.text)
    if not 0 <= after_line <= len(lines):
        raise RegenError.at(
            shown, None, f"has no line {after_line}", f"give --after-line from 0 to {len(lines)}"
        )
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    if after_line and not lines[after_line - 1].endswith("\n"):
        lines[after_line - 1] += newline  # the last line had no line ending
    pair = f"{region.begin}{newline}{region.end}{newline}"
    text = "".join(lines[:after_line]) + pair + "".join(lines[after_line:])
    write_pages([PageWrite(page, TextFile(text, source.bom).encode(), shown, source.encode())])


def known_generator(name: str, registry_names: Sequence[str]) -> None:
    if name not in registry_names and name not in BUILTINS:
        raise RegenError.at(
            name,
            None,
            "unknown generator",
            "known generators: " + ", ".join(sorted(registry_names)),
        )

"""One generated region on a page, and a configuration with its entry: what the generator
tests (table, carriers, skus, pins) build on."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

import regen
from regen.config import parse_config


@dataclass(frozen=True)
class OneRegion:
    uuid: str
    generator: str
    before: str  # the page's text above the region
    after: str = "Text after the table.\n"

    @property
    def key(self) -> str:
        return f'regions."{self.uuid}"'

    @property
    def begin(self) -> str:
        phrase = "BEGIN do not edit content below, it is automatically generated"
        return f"{{{{!-- {phrase} {self.uuid} --}}}}"

    @property
    def end(self) -> str:
        phrase = "END do not edit content above, it is automatically generated"
        return f"{{{{!-- {phrase} {self.uuid} --}}}}"

    @property
    def page(self) -> str:
        return f"{self.before}{self.begin}\n| stale | table |\n{self.end}\n{self.after}"

    def config(self, root: Path, options: str) -> regen.Config:
        """The entry's table header is on line 2 of regen.toml, its options from line 4."""
        text = f'# the region under test\n[{self.key}]\ngenerator = "{self.generator}"\n{options}'
        return parse_config(tomllib.loads(text), root=root, file="regen.toml", text=text)

    def build(self, root: Path, options: str, page: str | None = None) -> str:
        return regen.update_text(
            self.page if page is None else page, config=self.config(root, options)
        )

    def errors(self, root: Path, options: str) -> list[str]:
        with pytest.raises(regen.RegenError) as caught:
            self.build(root, options)
        return [str(problem) for problem in caught.value.problems]

    def page_with(self, *lines: str) -> str:
        """The page with its region rebuilt: BEGIN, one empty line, the lines, two empty
        lines, END."""
        body = "".join(line + "\n" for line in lines)
        return f"{self.before}{self.begin}\n\n{body}\n\n{self.end}\n{self.after}"

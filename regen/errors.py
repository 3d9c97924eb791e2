"""Exit codes and the one error type that carries a location and a fix."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass


class ExitCode(enum.IntEnum):
    """What `regen` returns to the shell; the README's table is generated from sources/regen."""

    OK = 0
    STALE = 1
    USAGE = 2
    INPUT_ERROR = 3
    INTERNAL_ERROR = 4
    INTERRUPTED = 130
    OUTPUT_CLOSED = 141  # 128 + SIGPIPE, as a shell reports a command a pipe cut off


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the user's input, printed as `path:line: message (hint)`."""

    path: str
    line: int | None
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        text = f"{where}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text


class RegenError(Exception):
    """One or more problems with the user's input: markers, configuration, sources, encoding.

    Raised only where a stage cannot go on; stages that can go on collect `Problem`s instead, so
    a single run reports everything that is wrong.
    """

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def at(cls, path: str, line: int | None, message: str, hint: str = "") -> RegenError:
        return cls([Problem(path, line, message, hint)])

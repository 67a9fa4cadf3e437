"""The one exception the scenario package raises: :class:`ScenarioError`, a list of problems.

Every problem names the file, a 1-based line and column and the field path
(``members.listed[3].trust``), so ``str(error)`` reads like compiler output, one line each::

    lesson.yaml:14:12: members.listed[3].trust: must be in [0, 1], got 1.5

Problems that concern the whole file or the YAML syntax rather than one field use the path
``(document)``; problems with no better place point at line 1, column 1. A file that cannot be
read at all (missing, unreadable, too large) has no place inside it: its problem has line 0 and
reads ``FILE: message``, with no invented line and column.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

DOCUMENT = "(document)"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario file."""

    file: str
    line: int
    column: int
    path: str
    message: str

    def __str__(self) -> str:
        if self.line <= 0:  # about the file as a whole, before any of it was read
            return f"{self.file}: {self.message}"
        return f"{self.file}:{self.line}:{self.column}: {self.path}: {self.message}"


def format_path(loc: Sequence[str | int]) -> str:
    """``("members", "listed", 3, "trust")`` → ``members.listed[3].trust``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or DOCUMENT


class ScenarioError(ValueError):
    """A scenario that cannot be loaded or saved; ``problems`` lists every reason found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        if not self.problems:
            raise ValueError("ScenarioError needs at least one problem")
        super().__init__(self.__str__())

    @classmethod
    def unreadable(cls, file: str, message: str) -> ScenarioError:
        """A file that could not be read: no line or column to point at."""
        return cls([Problem(file, 0, 0, DOCUMENT, message)])

    @classmethod
    def single(
        cls, file: str, message: str, line: int = 1, column: int = 1, path: str = DOCUMENT
    ) -> ScenarioError:
        return cls([Problem(file, line, column, path, message)])

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)

"""Domain errors: each names the file (and line or item) it concerns and prints as one line."""

from __future__ import annotations

from pathlib import Path

from exam_tui.textclean import clean


class ExamTuiError(Exception):
    """Base of every error a user may see. ``str()`` is one line, without a traceback."""

    def __init__(
        self,
        message: str,
        *,
        path: Path | str | None = None,
        line: int | None = None,
        item: str | None = None,
    ) -> None:
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line
        self.item = item
        super().__init__(self.__str__())

    def __str__(self) -> str:
        """One line, cleaned for a terminal: file names and messages quote record text."""
        where = ""
        if self.path is not None:
            where = str(self.path)
            if self.line is not None:
                where += f":{self.line}"
            where += ": "
        item = f"item {self.item!r}: " if self.item else ""
        return " ".join(clean(f"{where}{item}{self.message}").split())


class ChecklistError(ExamTuiError):
    """A checklist file could not be loaded; ``problems`` lists every problem found."""

    def __init__(self, path: Path | str, problems: list[str]) -> None:
        self.problems = problems
        summary = (
            problems[0]
            if len(problems) == 1
            else f"{len(problems)} problems: " + "; ".join(problems)
        )
        super().__init__(summary, path=path)

    def lines(self) -> list[str]:
        """One line per problem, each naming the file."""
        return [clean(f"{self.path}: {p}") for p in self.problems]


class RecordError(ExamTuiError):
    """A record file could not be loaded or saved."""


class RecordConflictError(RecordError):
    """The record changed on disk since we loaded it (opened twice?): saving would lose edits."""

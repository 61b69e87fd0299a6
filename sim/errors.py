"""Errors a user can cause, carrying what the command line needs to print a one-screen message."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario: where it is and what was expected.

    Attributes:
        file: The scenario file the faulty value comes from.
        line: 1-based line of the value in that file, or ``None`` when unknown.
        path: Dotted field path inside the scenario, e.g. ``negotiators.us.strategy.beta``.
        message: What is wrong and what was expected.
    """

    file: Path
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else f"{self.file}"
        field = f" {self.path}:" if self.path else ""
        return f"{where}:{field} {self.message}"


class ScenarioError(Exception):
    """A scenario file that cannot be used, with every problem found in it."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


class UsageError(Exception):
    """A value that cannot be used (a bad output folder, a bad number of runs...).

    Messages say what is wrong in the library's own terms; the command line adds which option
    fixes it (a subclass tells it which).
    """


class OutputExists(UsageError):
    """The output folder exists, and replacing it was not asked for."""


class ResumeMismatch(UsageError):
    """A batch asked to resume a staging folder that another batch (other settings) started."""


class Interrupted(Exception):
    """A batch stopped by the user; the finished chunks are kept for resuming it."""


class FolderBusy(UsageError):
    """Another negsim process is writing the same output folder."""


class ForeignFolder(UsageError):
    """A folder that ``--force`` must not replace: negsim did not write it, or not for this file."""


class BatchFailed(UsageError):
    """The machine stopped a batch (disk full, a worker killed, ...); finished chunks are kept."""


def describe_os_error(error: OSError) -> str:
    """``path: reason`` of an operating-system error, without Python's ``[Errno N]`` noise.

    Examples:
        >>> import errno
        >>> describe_os_error(OSError(errno.ENOSPC, "No space left on device", "out/runs.parquet"))
        'out/runs.parquet: No space left on device'
    """
    reason = error.strerror or str(error) or type(error).__name__
    return f"{error.filename}: {reason}" if error.filename else reason

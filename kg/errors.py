"""The one family of errors that library code raises.

Library code never prints or exits; the CLI turns these into a message and an
exit code. Each subclass carries its own exit code so that scripts can tell
bad input from a bad configuration or an unreachable store.
"""

from __future__ import annotations

from dataclasses import dataclass


class KgError(Exception):
    """Base of every error kg raises on purpose."""

    exit_code = 1


@dataclass(frozen=True, slots=True)  # slots: every finding holds one
class Position:
    """Where in a source something was found (all parts optional).

    ``line`` and ``column`` are 1-based, as editors show them; ``column`` counts
    tab-separated cells, ``column_name`` is the header the cell stands under.
    """

    file: str | None = None
    line: int | None = None
    column: int | None = None
    column_name: str | None = None
    measure_id: str | None = None

    def __reduce__(self) -> tuple[type[Position], tuple[object, ...]]:
        """Pickle as the constructor's arguments (see :meth:`kg.findings.Finding.__reduce__`)."""
        return (Position, (self.file, self.line, self.column, self.column_name, self.measure_id))

    def __str__(self) -> str:
        parts: list[str] = []
        if self.file:
            loc = self.file
            if self.line is not None:
                loc += f":{self.line}"
                if self.column is not None:
                    loc += f":{self.column}"
            parts.append(loc)
        if self.column_name:
            parts.append(f"column {self.column_name}")
        if self.measure_id:
            parts.append(f"measure {self.measure_id}")
        return ", ".join(parts)


class InputError(KgError):
    """The input cannot be read as a 施策集 table (or curated table)."""

    exit_code = 3

    def __init__(self, message: str, position: Position | None = None) -> None:
        self.message = message
        self.position = position or Position()
        where = str(self.position)
        super().__init__(f"{where}: {message}" if where else message)


class ConfigError(KgError):
    """A configuration value or command-line option is wrong."""

    exit_code = 2


class ValidationFailed(KgError):
    """The graph does not conform to the shapes; outputs were not written."""

    exit_code = 4


class StoreError(KgError):
    """A triple store could not be reached or refused a request."""

    exit_code = 5


class QueryError(KgError):
    """A SPARQL query is missing, malformed or lacks a parameter."""

    exit_code = 6


class WorkerDied(KgError):
    """A worker process ended before finishing its task (killed: by the out-of-memory killer, or by hand)."""


class Interrupted(KgError):
    """A signal (SIGINT, SIGTERM, SIGHUP) stopped the command; it cleaned up before exiting.

    The exit code is the shell's convention for a death by that signal, 128 + its number.
    """

    def __init__(self, signum: int, name: str) -> None:
        self.signum = signum
        self.exit_code = 128 + signum
        super().__init__(f"interrupted by {name}")

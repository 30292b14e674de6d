"""Helpers shared by the CLI commands: error rendering and config options."""

from __future__ import annotations

import functools
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import NoReturn, ParamSpec, TypeVar

import click
from click._termui_impl import ProgressBar

from kg.config import load_settings
from kg.errors import ConfigError, Interrupted, KgError
from kg.store.credentials import PASSWORD_VAR, redact

P = ParamSpec("P")
R = TypeVar("R")


#: Signals that end a command cleanly: staging folders removed, workers ended, locks released.
SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def reports_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn a :class:`KgError` into a one-line message and the error's exit code.

    While the command runs, SIGINT, SIGTERM and SIGHUP raise
    :class:`~kg.errors.Interrupted`, so that the library's ``finally`` blocks
    (which remove staging folders and end worker processes) run before exit;
    the default action of SIGTERM and SIGHUP would skip them. An ``OSError``
    no library code turned into a message still becomes one (exit 2), not a
    traceback. Every message goes through :func:`~kg.store.credentials.redact`.
    """

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            with _signals_raise():
                return func(*args, **kwargs)
        except KgError as exc:
            _fail(str(exc), exc.exit_code)
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            _fail(f"{where}{exc.strerror or exc}", ConfigError.exit_code)

    return wrapper


def _fail(message: str, code: int) -> NoReturn:
    secret = os.environ.get(PASSWORD_VAR)
    click.echo(f"kg: error: {redact(message, [secret] if secret else [])}", err=True)
    raise SystemExit(code)


@contextmanager
def _signals_raise() -> Iterator[None]:
    def handler(signum: int, _frame: FrameType | None) -> None:
        for s in SIGNALS:  # a second signal must not interrupt the clean-up this one starts
            signal.signal(s, signal.SIG_IGN)
        raise Interrupted(signum, signal.Signals(signum).name)

    try:
        old = {s: signal.signal(s, handler) for s in SIGNALS}
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        for s, previous in old.items():
            signal.signal(s, previous)


def settings_options(func: Callable[..., R]) -> Callable[..., R]:
    """Add --base-iri/--data-dir/--build-dir and pass a resolved ``settings`` argument."""

    @click.option("--base-iri", help="Base of every minted IRI (default from kg.toml / pyproject.toml).")
    @click.option("--data-dir", type=click.Path(path_type=Path, file_okay=False), help="Input folder.")
    @click.option("--build-dir", type=click.Path(path_type=Path, file_okay=False), help="Build folder.")
    @functools.wraps(func)
    def wrapper(
        *args: object, base_iri: str | None, data_dir: Path | None, build_dir: Path | None, **kwargs: object
    ) -> R:
        settings = load_settings().with_overrides(base_iri=base_iri, data_dir=data_dir, build_dir=build_dir)
        return func(*args, settings=settings, **kwargs)

    return wrapper


def progress_option(func: Callable[..., R]) -> Callable[..., R]:
    """``--progress/--no-progress``: default, only when stderr is a terminal."""
    return click.option(
        "--progress/--no-progress",
        default=None,
        help="Show progress on stderr (default: only when stderr is a terminal).",
    )(func)


def show_progress(wanted: bool | None) -> bool:
    """Whether to show progress: as asked, else when stderr is a terminal (not in logs or pipes)."""
    if wanted is not None:
        return wanted
    return sys.stderr.isatty()


class StepReporter:
    """Says each step of a long operation on stderr, with the time the previous one took.

    On a terminal the line is rewritten in place; asked for elsewhere
    (``--progress`` into a log), each step is a line of its own.
    """

    def __init__(self, wanted: bool | None) -> None:
        self.enabled = show_progress(wanted)
        self.tty = sys.stderr.isatty()
        self.started = time.monotonic()
        self.width = 0

    def __call__(self, step: str) -> None:
        if not self.enabled:
            return
        text = f"kg: [{time.monotonic() - self.started:7.1f} s] {step}"
        if self.tty:
            click.echo("\r" + text.ljust(self.width), err=True, nl=False)
            self.width = len(text)
        else:
            click.echo(text, err=True)

    def __enter__(self) -> StepReporter:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.enabled and self.tty and self.width:
            click.echo("\r" + " " * self.width + "\r", err=True, nl=False)


class BarProgress:
    """A build's progress on stderr: click's progress bar for counted steps (rows), a line for others.

    Called as ``(step, done, total)``; a new ``step`` closes the previous bar.
    Disabled, it does nothing (the default off a terminal: logs stay clean).
    """

    def __init__(self, wanted: bool | None) -> None:
        self.enabled = show_progress(wanted)
        self.step: str | None = None
        self.bar: ProgressBar[int] | None = None
        self.done = 0

    def __call__(self, step: str, done: int, total: int | None) -> None:
        if not self.enabled:
            return
        if step != self.step:
            self.close()
            self.step = step
            if total is None:
                click.echo(f"kg: {step}", err=True)
            else:
                bar: ProgressBar[int] = click.progressbar(
                    length=total, label=f"kg: {step}", file=sys.stderr, show_pos=True, show_eta=True
                )
                self.bar = bar.__enter__()
                self.done = 0
        if self.bar is not None and done > self.done:
            self.bar.update(done - self.done)
            self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None

    def __enter__(self) -> BarProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

"""Helpers shared by the CLI commands: error rendering and config options."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import ParamSpec, TypeVar

import click

from kg.config import load_settings
from kg.errors import KgError

P = ParamSpec("P")
R = TypeVar("R")


def reports_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn a :class:`KgError` into a one-line message and the error's exit code."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except KgError as exc:
            click.echo(f"kg: error: {exc}", err=True)
            raise SystemExit(exc.exit_code) from exc

    return wrapper


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

"""Settings: where to read, where to write, which base IRI to mint under.

Precedence (highest first): command-line options, ``kg.toml`` in the working
directory, ``[tool.kg]`` in ``pyproject.toml`` in the working directory,
built-in defaults. A publisher changes the base IRI here, not in code.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from pyoxigraph import NamedNode

from kg.errors import ConfigError

DEFAULT_BASE_IRI = "https://kg.example.jp/"


@dataclass(frozen=True)
class Settings:
    """Resolved settings of one run."""

    base_iri: str = DEFAULT_BASE_IRI
    data_dir: Path = Path("data")
    build_dir: Path = Path("build")

    def with_overrides(
        self, *, base_iri: str | None = None, data_dir: Path | None = None, build_dir: Path | None = None
    ) -> Settings:
        """A copy with the given options replacing the configured values."""
        new = replace(
            self,
            base_iri=base_iri if base_iri is not None else self.base_iri,
            data_dir=data_dir if data_dir is not None else self.data_dir,
            build_dir=build_dir if build_dir is not None else self.build_dir,
        )
        check_base_iri(new.base_iri)
        return new


def check_base_iri(iri: str) -> None:
    """A base IRI must be absolute http(s), a valid IRI (RFC 3987: ``%zz`` is not), and end with '/'
    so that paths append cleanly."""
    try:
        parts = urlsplit(iri)
        parts.port  # noqa: B018 - raises ValueError for a port that is no number
    except ValueError as exc:
        raise ConfigError(f"base IRI {iri!r} is not a valid IRI ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"base IRI {iri!r} must be an absolute http(s) IRI")
    if not iri.endswith("/"):
        raise ConfigError(f"base IRI {iri!r} must end with '/'")
    if any(c in iri for c in ' <>"{}|\\^`'):
        raise ConfigError(f"base IRI {iri!r} contains characters not allowed in an IRI")
    try:
        NamedNode(iri)
    except ValueError as exc:
        raise ConfigError(f"base IRI {iri!r} is not a valid IRI ({exc})") from None


def _read_toml(path: Path) -> dict[str, object]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc


def load_settings(cwd: Path | None = None) -> Settings:
    """Settings from ``kg.toml`` or ``pyproject.toml`` ``[tool.kg]`` in ``cwd``."""
    root = cwd or Path.cwd()
    table: dict[str, object] = {}
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        tool = _read_toml(pyproject).get("tool", {})
        if isinstance(tool, dict) and isinstance(tool.get("kg"), dict):
            table.update(tool["kg"])
    kg_toml = root / "kg.toml"
    if kg_toml.is_file():
        table.update(_read_toml(kg_toml))
    known = {"base_iri", "data_dir", "build_dir"}
    unknown = sorted(set(table) - known)
    if unknown:
        raise ConfigError(f"unknown setting(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    settings = Settings(
        base_iri=str(table.get("base_iri", DEFAULT_BASE_IRI)),
        data_dir=root / str(table.get("data_dir", "data")),
        build_dir=root / str(table.get("build_dir", "build")),
    )
    check_base_iri(settings.base_iri)
    return settings

"""Read ``manifest.json`` of a build directory: which named graphs, which files.

The manifest is the contract between ``kg build`` and everything downstream;
loading and publishing go through it rather than globbing for files, so a
graph is published under exactly the IRI the build gave it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from kg.errors import ConfigError


@dataclass(frozen=True)
class GraphEntry:
    """One named graph of a build: its IRI, its N-Triples file and its triple count."""

    name: str
    iri: str
    ntriples: Path
    triples: int


@dataclass(frozen=True)
class Manifest:
    """The graphs of one build directory, in manifest order."""

    directory: Path
    base_iri: str
    graphs: tuple[GraphEntry, ...]

    @property
    def graph_iris(self) -> list[str]:
        return [g.iri for g in self.graphs]


def read_manifest(build_dir: Path) -> Manifest:
    """Parse and check ``build_dir/manifest.json``; every listed file must exist."""
    path = build_dir / "manifest.json"
    if not path.is_file():
        raise ConfigError(f"{build_dir} is not a build directory (no manifest.json); run `kg build` first")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = tuple(
            GraphEntry(str(g["name"]), str(g["iri"]), build_dir / str(g["ntriples"]), int(g["triples"]))
            for g in data["graphs"]
        )
        base = str(data["base_iri"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"{path}: not a kg build manifest ({exc.__class__.__name__}: {exc})") from exc
    for g in entries:
        if not g.ntriples.is_file():
            raise ConfigError(f"{path}: graph {g.name} lists {g.ntriples.name}, which is missing")
    return Manifest(build_dir, base, entries)

"""One stage of the default build, or pyoxigraph's floor for one format, on a finished build folder.

run.py runs each in a fresh process of its own (through its measuring
wrapper), so that each stage's wall time and peak memory are its own:

  ttl | trig | jsonld      kg's writer for that format (kg.rdf.write), from the build's N-Triples
  floor-FORMAT             pyoxigraph parsing kg's own FORMAT output and writing it again in FORMAT
                           (nt, ttl, trig, jsonld): the least any writer of those triples can take

Validation is timed as ``kg validate BUILD`` and read/normalise/map as
``kg build --formats nt --no-validate`` (both by run.py).

    python bench/stages.py STAGE BUILD_DIR OUT_DIR
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pyoxigraph as ox

from kg.manifest import read as read_manifest
from kg.rdf.write import write_dataset_formats, write_turtle
from kg.vocabulary import ORGANIZATION_PREFIX, PREFIXES

STAGES = ("ttl", "trig", "jsonld", "floor-nt", "floor-ttl", "floor-trig", "floor-jsonld")
_FORMATS = {
    "nt": ox.RdfFormat.N_TRIPLES,
    "ttl": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
}


def _prefixes(base: str) -> dict[str, str]:
    return {ORGANIZATION_PREFIX: f"{base}org/"}


def run(stage: str, build: Path, out: Path) -> dict[str, int]:
    """Run ``stage``; return the files written and their sizes."""
    manifest = read_manifest(build)
    out.mkdir(parents=True, exist_ok=True)
    prefixes = _prefixes(manifest.base_iri)
    if stage == "ttl":
        for g in manifest.graphs:
            write_turtle(manifest.ntriples(g), out / f"{g.name}.ttl", prefixes)
    elif stage in ("trig", "jsonld"):
        for g in manifest.graphs:  # the dataset writers read the N-Triples beside their output
            link = out / g.files["ntriples"]
            link.unlink(missing_ok=True)
            link.symlink_to(manifest.ntriples(g))
        write_dataset_formats(out, list(manifest.graphs), (stage,), prefixes)
    elif stage.startswith("floor-"):
        fmt = stage.removeprefix("floor-")
        for source in _files(build, fmt, manifest):
            parsed = ox.parse(path=source, format=_FORMATS[fmt])
            if fmt in ("trig", "jsonld") or fmt == "ttl":
                ox.serialize(parsed, out / source.name, _FORMATS[fmt], prefixes={**PREFIXES, **prefixes})
            else:
                ox.serialize(parsed, out / source.name, _FORMATS[fmt])
    else:
        raise SystemExit(f"unknown stage {stage!r}; known: {', '.join(STAGES)}")
    return {p.name: p.stat().st_size for p in sorted(out.iterdir()) if p.is_file() and not p.is_symlink()}


def _files(build: Path, fmt: str, manifest: object) -> list[Path]:
    data = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    if fmt == "nt":
        return [build / g["ntriples"] for g in data["graphs"]]
    if fmt == "ttl":
        return [build / g["turtle"] for g in data["graphs"] if "turtle" in g]
    return [build / data["dataset"][fmt]]


if __name__ == "__main__":
    written = run(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]))
    print(json.dumps(written))

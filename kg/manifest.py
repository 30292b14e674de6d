"""``manifest.json``: what a build folder holds, written by ``kg build`` and read by every later stage.

The manifest is the contract between the build and everything downstream:
validating, querying and publishing go through it rather than globbing for
files, so a graph is loaded and published under exactly the IRI the build
gave it. One typed record, :class:`Manifest`, is both what the build writes
(:meth:`Manifest.write`) and what the readers get (:func:`read`), which
checks that every file it lists is there.

The JSON (keys sorted, one-space indent, UTF-8)::

    {"format": "kg-build-manifest/1", "generator": "kg 0.1.0", "base_iri": "https://kg.example.jp/",
     "editions": [{"year": 2023, "decided": "2023-06-09", "source": "….txt"}],
     "graphs": [{"name": "plan-2023", "iri": "…/graph/plan/2023", "triples": 2191,
                 "ntriples": "plan-2023.nt", "turtle": "plan-2023.ttl"}, …],
     "dataset": {"trig": "dataset.trig", …},
     "sha256": {"plan-2023.nt": "…", …}}

A graph's files are keyed by format (``ntriples`` always, ``turtle`` if
written) beside its name, IRI and triple count. ``format`` marks the file as
kg's own: a folder is taken for an earlier build (that ``kg build`` may
replace whole) only if its manifest carries it, since other tools (web apps,
browser extensions) write files named ``manifest.json`` too. ``sha256`` holds
the digest of every file the manifest lists, so that :func:`verify` can tell
a build damaged or edited since it was written before anything is published
from it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from kg.errors import ConfigError
from kg.files import write_text_atomic

FILE_NAME = "manifest.json"
#: The format marker: what makes a ``manifest.json`` kg's.
FORMAT = "kg-build-manifest/1"
#: A graph's fields other than its files.
_GRAPH_FIELDS = ("name", "iri", "triples")


@dataclass(frozen=True)
class EditionEntry:
    """One edition of the plan in the build: its year, decision date and source file name."""

    year: int
    decided: date
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {"year": self.year, "decided": self.decided.isoformat(), "source": self.source}


@dataclass(frozen=True)
class GraphEntry:
    """One named graph of a build: its name, IRI, triple count and its files by format.

    ``files`` maps a format key (``ntriples``, ``turtle``) to a file name in the build folder.
    """

    name: str
    iri: str
    triples: int
    files: Mapping[str, str]

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "iri": self.iri, "triples": self.triples, **self.files}


@dataclass(frozen=True)
class Manifest:
    """A build folder's contents: graphs in manifest order, editions, dataset-wide files.

    ``directory`` is the folder it was read from (``None`` for one not yet written);
    it is not part of the JSON.
    """

    generator: str
    base_iri: str
    editions: tuple[EditionEntry, ...]
    graphs: tuple[GraphEntry, ...]
    dataset: Mapping[str, str]
    directory: Path | None = field(default=None, compare=False)
    #: File name → SHA-256 of every listed file; filled by :meth:`write`.
    hashes: Mapping[str, str] = field(default_factory=dict, compare=False)

    @property
    def graph_iris(self) -> list[str]:
        return [g.iri for g in self.graphs]

    def path(self, name: str) -> Path:
        """A file the manifest lists, in the folder it was read from."""
        if self.directory is None:
            raise ValueError("this manifest was not read from a build folder")
        return self.directory / name

    def ntriples(self, graph: GraphEntry) -> Path:
        """The N-Triples file of one of its graphs."""
        return self.path(graph.files["ntriples"])

    @property
    def file_names(self) -> list[str]:
        """Every file the manifest lists (graph files, then dataset-wide files), once each."""
        names = [n for g in self.graphs for n in g.files.values()] + list(self.dataset.values())
        return list(dict.fromkeys(names))

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "sha256": dict(self.hashes),
            "generator": self.generator,
            "base_iri": self.base_iri,
            "editions": [e.to_dict() for e in self.editions],
            "graphs": [g.to_dict() for g in self.graphs],
            "dataset": dict(self.dataset),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=1, sort_keys=True) + "\n"

    def write(self, build_dir: Path, known: Mapping[str, str] | None = None) -> Path:
        """Write ``build_dir/manifest.json`` atomically, with the SHA-256 of every file it lists.

        ``known`` are digests already worked out (by a :class:`Digests`, or by the
        process that wrote the file), by file name; the others are computed here.
        """
        known = known or {}
        hashes = {name: known.get(name) or sha256_file(build_dir / name) for name in self.file_names}
        path = build_dir / FILE_NAME
        write_text_atomic(path, replace(self, hashes=hashes).to_json())
        return path


def read(build_dir: Path) -> Manifest:
    """Parse and check ``build_dir/manifest.json``: well formed, and every file it lists is there.

    Raises :class:`~kg.errors.ConfigError` naming the folder or the manifest otherwise.
    """
    path = build_dir / FILE_NAME
    if not path.is_file():
        raise ConfigError(f"{build_dir} is not a build directory (no {FILE_NAME}); run `kg build` first")
    manifest = parse_file(path)
    for g in manifest.graphs:
        for name in g.files.values():
            if not manifest.path(name).is_file():
                raise ConfigError(f"{path}: graph {g.name} lists {name}, which is missing")
    for name in manifest.dataset.values():
        if not manifest.path(name).is_file():
            raise ConfigError(f"{path}: the dataset lists {name}, which is missing")
    return manifest


def parse_file(path: Path) -> Manifest:
    """Parse ``path`` as kg's manifest (format marker, fields, hashes) without looking at the files.

    A manifest without the format marker is refused, even one whose
    ``generator`` says kg: the marker and the hashes are what make a folder
    safe to replace, and a name anyone can write is not.
    """
    try:
        return from_dict(json.loads(path.read_text(encoding="utf-8")), path.parent)
    except (ValueError, KeyError, TypeError) as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise ConfigError(f"{path}: not a kg build manifest ({exc.__class__.__name__}: {exc})") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from exc


def verify(manifest: Manifest, on_file: Callable[[str], None] | None = None) -> None:
    """Check every listed file against its SHA-256, and each graph's N-Triples against its triple count.

    A build is verified before anything is sent to a store: a truncated or
    edited file would otherwise replace a published graph with a damaged one.
    ``on_file`` is told each file name before it is read (for progress).
    Raises :class:`~kg.errors.ConfigError` naming the first file that differs.
    """
    path = manifest.path(FILE_NAME)
    for name in manifest.file_names:
        if on_file is not None:
            on_file(name)
        if sha256_file(manifest.path(name)) != manifest.hashes[name]:
            raise ConfigError(
                f"{manifest.path(name)}: differs from the build's manifest {path} (SHA-256): the build was"
                " changed or damaged after it was written; run `kg build` again"
            )
    for g in manifest.graphs:
        lines = _count_lines(manifest.ntriples(g))
        if lines != g.triples:
            raise ConfigError(
                f"{manifest.ntriples(g)}: {lines} triples, the manifest {path} says {g.triples};"
                " run `kg build` again"
            )


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file, read a megabyte at a time."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


class Digests:
    """The SHA-256 of finished files, worked out in a thread while the build goes on.

    Reading a file and hashing it release the GIL, so a large build's gigabytes
    are hashed beside its other work rather than after it. Give a file only
    once it is final.
    """

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="kg-sha256")
        self._futures: dict[str, Future[str]] = {}

    def add(self, path: Path) -> None:
        """Start hashing ``path`` (known by its name, as the manifest lists it)."""
        self._futures[path.name] = self._pool.submit(sha256_file, path)

    def results(self) -> dict[str, str]:
        """Every digest, by file name, once worked out (a file that could not be read raises here)."""
        return {name: future.result() for name, future in self._futures.items()}

    def close(self) -> None:
        """Stop: digests not started are dropped (a build that stops early needs none)."""
        self._pool.shutdown(wait=True, cancel_futures=True)


def _count_lines(path: Path) -> int:
    """Lines of an N-Triples file as the build writes it (one triple a line, each ending in a newline)."""
    count = 0
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            count += block.count(b"\n")
    return count


def from_dict(data: object, directory: Path | None = None) -> Manifest:
    """The manifest that parsed JSON describes; ``ValueError``, ``KeyError`` or ``TypeError`` if malformed."""
    top = _object(data, "the manifest")
    if top.get("format") != FORMAT:
        raise ValueError(
            f"no format marker {FORMAT!r}: not written by kg build, or by a kg from before the marker"
            " (check the folder, remove it yourself, and build again)"
        )
    editions = tuple(
        EditionEntry(
            _int(e["year"], "editions[].year"),
            date.fromisoformat(_str(e["decided"], "editions[].decided")),
            _str(e["source"], "editions[].source"),
        )
        for e in (_object(item, "editions[]") for item in _list(top["editions"], "editions"))
    )
    graphs = tuple(_graph(_object(item, "graphs[]")) for item in _list(top["graphs"], "graphs"))
    dataset = _files(_object(top["dataset"], "dataset"), "dataset")
    hashes = {k: _str(v, f"sha256: {k}") for k, v in _object(top["sha256"], "sha256").items()}
    manifest = Manifest(
        _str(top["generator"], "generator"), _str(top["base_iri"], "base_iri"), editions, graphs, dataset,
        directory, hashes,
    )
    unhashed = [name for name in manifest.file_names if name not in hashes]
    if unhashed:
        raise KeyError(f"no SHA-256 for {', '.join(unhashed)}")
    return manifest


def _graph(g: dict[str, Any]) -> GraphEntry:
    files = _files({k: v for k, v in g.items() if k not in _GRAPH_FIELDS}, f"graph {g.get('name')}")
    if "ntriples" not in files:
        raise KeyError(f"graph {g.get('name')} has no ntriples file")
    return GraphEntry(_str(g["name"], "graphs[].name"), _str(g["iri"], "graphs[].iri"),
                      _int(g["triples"], "graphs[].triples"), files)


def _files(entries: dict[str, Any], where: str) -> dict[str, str]:
    files = {key: _str(name, f"{where}: {key}") for key, name in entries.items()}
    for key, name in files.items():
        # A plain file name in the build folder: never a path that leads out of it.
        if name in ("", ".", "..") or Path(name).name != name or "\\" in name:
            raise ValueError(f"{where}: {key} is {name!r}, not a file name in the build folder")
    return files


def _object(value: object, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TypeError(f"{what} is not a JSON object")
    return value


def _list(value: object, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError(f"{what} is not a JSON array")
    return value


def _str(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{what} is not a string")
    return value


def _int(value: object, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{what} is not an integer")
    return value

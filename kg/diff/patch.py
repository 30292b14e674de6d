"""RDF Patch between two graphs, streamed from their sorted N-Triples.

RDF Patch (https://afs.github.io/rdf-patch/, as Apache Jena reads it) is a
series of rows, each ending in `` .``: headers ``H id <uuid:…> .``, a
transaction ``TX .`` … ``TC .``, and in it ``D s p o .`` (delete) and
``A s p o .`` (add) with the terms in N-Triples syntax. A build writes every
graph as canonical N-Triples, one triple a line, sorted bytewise and without
duplicates, so the difference of two graphs is a merge of two sorted files: a
line only in the old file is deleted, a line only in the new one added. Both
are read line by line; neither graph is ever held.

The patch's ``H id`` is a name-based UUID of the two files' digests, so the
same two graphs always give the same patch, byte for byte.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from kg.errors import InputError, Position

#: The namespace of the patch ids (a UUID of its own, fixed).
_NAMESPACE = uuid.UUID("6f1c0f4e-8a8f-5d0e-9d6b-3c1e5b2a7d10")


@dataclass(frozen=True)
class PatchStats:
    """What a patch holds: triples deleted, added, and left as they were."""

    deleted: int
    added: int
    kept: int


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _lines(path: Path) -> Iterator[bytes]:
    """The lines of a sorted N-Triples file, checked to be in order (the merge depends on it)."""
    previous = b""
    with path.open("rb") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            if not line.endswith(b"\n"):
                line += b"\n"
            if line <= previous:
                raise InputError(
                    "the N-Triples are not sorted (not a kg build's dump?)", Position(str(path), number)
                )
            previous = line
            yield line


def write_patch(old: Path, new: Path, out: IO[bytes]) -> PatchStats:
    """Write the RDF Patch that turns the graph in ``old`` into the graph in ``new`` (sorted N-Triples)."""
    patch_id = uuid.uuid5(_NAMESPACE, f"{_digest(old)} {_digest(new)}")
    out.write(f"H id <uuid:{patch_id}> .\nTX .\n".encode())
    deleted = added = kept = 0
    a, b = _lines(old), _lines(new)
    x, y = next(a, None), next(b, None)
    while x is not None or y is not None:
        if y is None or (x is not None and x < y):
            assert x is not None
            out.write(b"D " + x)
            deleted += 1
            x = next(a, None)
        elif x is None or y < x:
            out.write(b"A " + y)
            added += 1
            y = next(b, None)
        else:
            kept += 1
            x, y = next(a, None), next(b, None)
    out.write(b"TC .\n")
    return PatchStats(deleted, added, kept)

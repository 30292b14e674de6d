"""Version notes: the summary of ``kg diff`` as the description of what changed in an edition.

Why not in every build: comparing two editions takes minutes at 100k measures
(190–330 s a pair), a cost a build with several editions should not pay on
every run. So the summary is made where the comparison is, by ``kg diff``,
and the readers that describe an edition (``kg catalog``: ``adms:versionNotes``
of the edition's ``dcat:Dataset``; ``kg site`` and ``kg serve``: the edition
page) pick it up when it is there.

The rule, one place for every reader: the version notes of edition E of a
build are the summary of the diff from the edition just before E *in that
build* to E, found where ``kg diff`` writes by default — ``diff-PREV-E``
beside the build folder (a build folder holds only what its manifest lists,
so the diff cannot live inside it). A diff written elsewhere (``--out``), or
between editions that are not consecutive in the build, gives no version
notes. The diff's ``summary.json`` records the SHA-256 of the two plan dumps
it compared, as the build's manifest lists them; a diff of another build of
those editions (stale, or of a different build) does not match and is left
out, and said so, rather than describing the wrong data. Without a diff, no
text is made up.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from kg.manifest import Manifest

#: The diff folder's small file holding the summary (read without parsing the change graph).
SUMMARY = "summary.json"


@dataclass(frozen=True)
class VersionNotes:
    """What changed in ``edition`` since ``previous``, in Japanese and English, and the diff it is from."""

    edition: str
    previous: str
    ja: str
    en: str
    folder: Path


@dataclass(frozen=True)
class NotesLookup:
    """The version notes found for a build's editions, and the diff folders left out (not of this build)."""

    notes: dict[str, VersionNotes]
    stale: tuple[Path, ...]


def diff_folder(build_dir: Path, old: str, new: str) -> Path:
    """Where ``kg diff OLD NEW`` writes by default: ``diff-OLD-NEW`` beside the build folder."""
    return build_dir.resolve().parent / f"diff-{old}-{new}"


def compared(manifest: Manifest, old: str, new: str) -> dict[str, str]:
    """The digests of the two plan dumps a diff compares, as the build's manifest lists them."""
    out: dict[str, str] = {}
    for side, key in (("old", old), ("new", new)):
        graph = next((g for g in manifest.graphs if g.name == f"plan-{key}"), None)
        name = graph.files.get("ntriples") if graph is not None else None
        out[side] = manifest.hashes.get(name, "") if name else ""
    return out


def is_previous(manifest: Manifest, old: str, new: str) -> bool:
    """Whether ``old`` is the edition just before ``new`` in the build (a diff of it gives version notes)."""
    keys = sorted(e.decided.isoformat() for e in manifest.editions)
    earlier = [k for k in keys if k < new]
    return bool(earlier) and earlier[-1] == old


def version_notes(manifest: Manifest) -> NotesLookup:
    """The version notes of each edition of the build whose diff from the previous edition is there."""
    if manifest.directory is None:
        return NotesLookup({}, ())
    keys = sorted(e.decided.isoformat() for e in manifest.editions)
    notes: dict[str, VersionNotes] = {}
    stale: list[Path] = []
    for old, new in pairwise(keys):
        folder = diff_folder(manifest.directory, old, new)
        path = folder / SUMMARY
        if not path.is_file():
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            stale.append(folder)
            continue
        expected = {"base_iri": manifest.base_iri, "compared": compared(manifest, old, new), "old": old,
                    "new": new}
        if (
            not isinstance(data, dict)
            or any(data.get(k) != v for k, v in expected.items())
            or not isinstance(data.get("text"), str)
            or not isinstance(data.get("text_en"), str)
        ):
            stale.append(folder)
            continue
        notes[new] = VersionNotes(new, old, data["text"], data["text_en"], folder)
    return NotesLookup(notes, tuple(stale))

"""``kg diff``: compare two editions of one build and write the change report folder.

Input: one build folder holding both editions (``kg build`` over a data
folder with both), because the identity of a measure across editions — its
lineage — is assigned when editions are built together; two builds made
separately share none. Only the build's outputs are read (the manifest, the
two plan graphs and the reference graph); no extract is read again.

Output: a folder, written into a staging folder and swapped in whole (so a
failed diff leaves the previous one untouched), that is itself a small build:
its ``manifest.json`` lists the change graph (so ``kg query --build-dir`` and
``kg publish --build-dir`` work on it) and, as dataset files, the reports and
the RDF Patch.

Memory: the plan graphs are spooled to an index on disk and read back one
lineage at a time; changes are spooled, counted, then written in report
order; the patch is a merge of the two sorted dumps. What stays in memory is
the reference graph and one measure's changes.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from pyoxigraph import NamedNode

from kg import __version__
from kg import manifest as manifests
from kg.diff.changes import Change
from kg.diff.compare import compare_lineage
from kg.diff.graph import change_set_triples, graph_iri, measure_change_triples
from kg.diff.merges import Merges, read_merges
from kg.diff.notes import SUMMARY, compared, diff_folder, is_previous
from kg.diff.patch import PatchStats, write_patch
from kg.diff.report import CSV, JSON, MARKDOWN, ReportWriter, Summary
from kg.diff.snapshot import EditionIndex, Reference, read_reference
from kg.errors import ConfigError
from kg.files import make_shareable, replace_folder
from kg.manifest import GraphEntry, Manifest
from kg.rdf.write import GraphSink, write_graph_formats

PATCH = "plan.rdfp"
_BATCH_CHARS = 1 << 20
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class DiffResult:
    """What ``kg diff`` wrote: the folder, the summary, the patch's counts, the change graph's size.

    ``version_notes``: the summary is the new edition's version notes (the old
    edition is the one before it in the build); ``notes_folder`` is where
    ``kg catalog`` and ``kg site`` look for them (:mod:`kg.diff.notes`).
    """

    out_dir: Path
    summary: Summary
    patch: PatchStats
    triples: int
    version_notes: bool = False
    notes_folder: Path | None = None


def resolve(manifest: Manifest, name: str) -> str:
    """An edition of the build by its key (decision date) or by a year that has one edition."""
    keys = sorted(e.decided.isoformat() for e in manifest.editions)
    if name == "latest" and keys:
        return keys[-1]
    if name in keys:
        return name
    same_year = [k for k in keys if k[:4] == name] if re.fullmatch(r"\d{4}", name) else []
    if len(same_year) == 1:
        return same_year[0]
    there = ", ".join(keys) or "none"
    if len(same_year) > 1:
        raise ConfigError(f"{name} names more than one edition ({there}): give the decision date")
    raise ConfigError(f"no edition {name} in the build {manifest.directory} (editions: {there})")


def _graph(manifest: Manifest, name: str) -> GraphEntry:
    for g in manifest.graphs:
        if g.name == name:
            return g
    raise ConfigError(f"the build {manifest.directory} has no graph {name}; run `kg build` again")


def _merges(manifest: Manifest, old: str, new: str, index: EditionIndex) -> Merges:
    """The build's merges between the two editions (none in a build without a lineage graph)."""
    if not any(g.name == "lineage" for g in manifest.graphs):
        return Merges()
    keys = sorted(e.decided.isoformat() for e in manifest.editions)
    between = [manifest.ntriples(_graph(manifest, f"plan-{k}")) for k in keys if old < k < new]
    return read_merges(manifest.ntriples(_graph(manifest, "lineage")), index, between)


def diff_build(build_dir: Path, old: str, new: str = "latest", out_dir: Path | None = None) -> DiffResult:
    """Compare editions ``old`` and ``new`` of the build in ``build_dir``; write the reports to ``out_dir``.

    ``out_dir`` defaults to ``diff-{old}-{new}`` beside the build folder (not in
    it: a build replaces its folder whole), which is also where ``kg catalog``
    and ``kg site`` look for an edition's version notes (:mod:`kg.diff.notes`).
    """
    manifest = manifests.read(build_dir)
    old, new = resolve(manifest, old), resolve(manifest, new)
    if old == new:
        raise ConfigError(f"both editions are {old}: compare two editions")
    target = (out_dir or diff_folder(build_dir, old, new)).resolve()
    _check_target(target, build_dir.resolve())
    target.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        result = _write(manifest, old, new, stage)
        make_shareable(stage)
        replace_folder(stage, target)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    notes = is_previous(manifest, old, new)
    return DiffResult(target, result[0], result[1], result[2], notes, diff_folder(build_dir, old, new))


def _write(manifest: Manifest, old: str, new: str, stage: Path) -> tuple[Summary, PatchStats, int]:
    base = manifest.base_iri
    reference = read_reference(manifest.ntriples(_graph(manifest, "reference")))
    old_nt = manifest.ntriples(_graph(manifest, f"plan-{old}"))
    new_nt = manifest.ntriples(_graph(manifest, f"plan-{new}"))
    index = EditionIndex(stage / ".index.sqlite")
    spool = _spool_db(stage / ".changes.sqlite")
    try:
        index.load(0, old_nt)
        index.load(1, new_nt)
        if missing := index.finish_loading():
            raise ConfigError(
                f"{missing} measure(s) of the build {manifest.directory} have no kg:lineage"
                " (a build made before lineages): run `kg build` again"
            )
        merges = _merges(manifest, old, new, index)
        summary = _spool_changes(index, spool, old, new, reference, merges)
        sink = GraphSink("changes", NamedNode(graph_iri(base, old, new)), stage)
        notes = is_previous(manifest, old, new)
        sink.add_block(change_set_triples(base, old, new, (summary.text(), summary.text_en()), notes))
        with ReportWriter(stage, summary) as reports:
            for position, changes in enumerate(_spooled(spool), 1):
                reports.measure(changes)
                sink.add_block(measure_change_triples(base, old, new, position, changes))
        entry = write_graph_formats(stage, sink, ("nt", "ttl"), {})
    finally:
        index.close()
        spool.close()
        (stage / ".index.sqlite").unlink(missing_ok=True)
        (stage / ".changes.sqlite").unlink(missing_ok=True)
    with (stage / PATCH).open("wb") as fh:
        stats = write_patch(old_nt, new_nt, fh)
    # The summary alone, with what it was made from: kg catalog and kg site read it as the new
    # edition's version notes (kg.diff.notes) without parsing the change graph.
    head = {**summary.to_dict(), "base_iri": base, "compared": compared(manifest, old, new),
            "version_notes": notes}
    (stage / SUMMARY).write_text(json.dumps(head, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                 encoding="utf-8", newline="\n")
    editions = tuple(e for e in manifest.editions if e.decided.isoformat() in (old, new))
    Manifest(
        f"kg {__version__}", base, editions, (entry,),
        {"markdown": MARKDOWN, "csv": CSV, "json": JSON, "rdf_patch": PATCH, "summary": SUMMARY},
    ).write(stage)
    return summary, stats, entry.triples


def _spool_db(path: Path) -> sqlite3.Connection:
    """The changes' spool, a database of its own (written while the index is being read)."""
    db = sqlite3.connect(path)
    db.executescript(
        "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-8000;"
        "CREATE TABLE ch (sort TEXT, seq INTEGER, changes TEXT);"
    )
    return db


def _spool_changes(
    index: EditionIndex, db: sqlite3.Connection, old: str, new: str, reference: Reference, merges: Merges
) -> Summary:
    """Compare lineage by lineage; store each measure's changes with its place in the report; count."""
    counts: Counter[str] = Counter()
    changed = seq = 0
    batch: list[tuple[str, int, str]] = []
    size = 0
    members = {lineage: index.members(lineage, 1) for lineage in sorted(merges.lineages())}
    for lineage, olds, news in index.lineages():
        before = [index.measure(0, old, m, reference) for m in olds]
        after = [index.measure(1, new, m, reference) for m in news]
        merged = {
            m: [index.measure(1, new, t, reference) for t in targets]
            for m, targets in merges.targets(lineage, olds, news, members).items()
        }
        groups: dict[tuple[str, str], list[Change]] = {}
        for c in compare_lineage(lineage, before, after, reference.org_names, merged):
            groups.setdefault((c.old_id, c.new_id), []).append(c)
        for (old_id, new_id), changes in groups.items():
            counts.update(c.change for c in changes)
            changed += any(not c.type.unchanged for c in changes)
            seq += 1
            text = json.dumps([asdict(c) for c in changes], ensure_ascii=False)
            batch.append((_sort_key(new_id or old_id, old_id), seq, text))
            size += len(text)
        if size >= _BATCH_CHARS:  # by size: one measure's changes can hold two long descriptions
            db.executemany("INSERT INTO ch VALUES (?, ?, ?)", batch)
            batch.clear()
            size = 0
    db.executemany("INSERT INTO ch VALUES (?, ?, ?)", batch)
    db.commit()
    total = [
        index.db.execute("SELECT COUNT(*) FROM t WHERE ed = ? AND p = 'inEdition'", (ed,)).fetchone()[0]
        for ed in (0, 1)
    ]
    return Summary(old, new, total[0], total[1], counts, changed)


def _spooled(db: sqlite3.Connection) -> Iterator[list[Change]]:
    for (text,) in db.execute("SELECT changes FROM ch ORDER BY sort, seq"):
        yield [Change(**c) for c in json.loads(text)]


def _sort_key(measure_id: str, other: str) -> str:
    """IDs in natural order (2-4 before 2-10, 03-01 before 10-1): digit runs padded."""
    def pad(text: str) -> str:
        return _DIGITS.sub(lambda m: m.group().zfill(10), text)

    return f"{pad(measure_id)}\t{pad(other)}"


def _check_target(target: Path, build_dir: Path) -> None:
    """Refuse an output folder that is not an earlier diff (or empty): the diff replaces it whole."""
    if target == build_dir or target in build_dir.parents:
        raise ConfigError(f"{target}: the diff folder would replace the build")
    if target in (Path.cwd().resolve(), *Path.cwd().resolve().parents):
        raise ConfigError(f"{target}: the diff folder would replace the working folder")
    if not target.exists():
        return
    if not target.is_dir():
        raise ConfigError(f"{target} exists and is not a folder: not replacing it")
    entries = {p.name for p in target.iterdir()}
    if not entries:
        return
    if manifests.FILE_NAME not in entries:
        raise ConfigError(f"{target} exists and is not an earlier kg diff (no manifest.json): not replacing")
    try:
        earlier = manifests.read(target)
    except ConfigError as exc:
        raise ConfigError(f"{target} exists and is not an earlier kg diff: {exc}; not replacing it") from None
    listed = {n for g in earlier.graphs for n in g.files.values()} | set(earlier.dataset.values())
    foreign = sorted(entries - listed - {manifests.FILE_NAME})
    if foreign or not any(g.name == "changes" for g in earlier.graphs):
        raise ConfigError(
            f"{target} holds files that are not an earlier kg diff's ({', '.join(foreign[:5]) or 'a build'}):"
            " not replacing it"
        )



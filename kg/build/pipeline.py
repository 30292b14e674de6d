"""The build: read every edition, normalise, map to RDF, validate, write — atomically.

One function, :func:`build`, that the CLI calls. It returns a
:class:`BuildResult` whose report says whether anything was written: a build
with an error finding (or a SHACL violation) writes nothing and leaves the
previous output untouched.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections import Counter
from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from pyoxigraph import CanonicalizationAlgorithm, Dataset, Quad, RdfFormat, Triple, parse

from kg import __version__, manifest
from kg.assemble import FirstSeen
from kg.build.edition import read_edition
from kg.build.lineage import LineageBook
from kg.build.work import (
    LINEAGE_KEY,
    Context,
    Mapped,
    Sinks,
    Writers,
    default_jobs,
    map_items,
    map_rows,
    map_slices,
)
from kg.config import Settings
from kg.errors import ConfigError, InputError, Position
from kg.files import FolderLock, make_shareable, replace_folder
from kg.findings import Report
from kg.harvest import FOLDER, GRAPH_FILE, GRAPH_NAME
from kg.manifest import Digests, EditionEntry, Manifest
from kg.processes import Forked
from kg.rdf.lineage import lineage_lines, lineage_links, merge_triples
from kg.rdf.plan import PlanMapper
from kg.rdf.reference import law_triples, organization_triples
from kg.rdf.terms import Minter
from kg.rdf.write import FORMATS, GraphFile, GraphSink, derived_formats, finish_graph, write_manifest
from kg.read.crosswalk import read_crosswalk
from kg.read.edition import EditionMeta, load_editions
from kg.records import Scope
from kg.reference.laws import LawReference, load_laws
from kg.reference.organizations import Gazetteer, load_gazetteer
from kg.resources import ontology_file
from kg.review import write_review
from kg.vocabulary import EDITION_PREFIXES, ORGANIZATION_PREFIX

#: A validation hook: given the staged build folder and its graphs, extend the report.
Validator = Callable[[Path, list[GraphFile], Report], None]
#: Told what the build is doing, for a progress display: the step, how far (rows done), of how many
#: (``None``: a step without a count, such as writing a format).
Progress = Callable[[str, int, int | None], None]
#: Rows between two progress calls.
_PROGRESS_EVERY = 100
#: Above this many findings the review is written by a forked child while the graphs are finished.
BACKGROUND_FINDINGS = 10_000


def _silent(step: str, done: int, total: int | None) -> None:
    pass


@dataclass
class EditionSummary:
    key: str
    source: str
    scope: Scope
    measures: int = 0
    kpis: int = 0
    participations: int = 0
    marks: Counter[str] = field(default_factory=Counter)
    organizations: set[str] = field(default_factory=set)
    groups: set[str] = field(default_factory=set)  # measure-group codes (06 of 06-22)
    unmarked: int = 0  # measures without any ◎/○ mark


@dataclass
class BuildResult:
    """What a build did: its report, per-edition counts, and the graphs it wrote."""

    out_dir: Path
    report: Report
    editions: list[EditionSummary]
    graphs: list[GraphFile]
    written: bool
    validated: bool | None  # None: SHACL not run; False: it found violations
    reviews: int = 0


def build(
    settings: Settings,
    *,
    out_dir: Path | None = None,
    formats: Iterable[str] = FORMATS,
    encoding: str | None = None,
    validator: Validator | None = None,
    jobs: int | None = None,
    progress: Progress | None = None,
) -> BuildResult:
    """Build every edition under ``settings.data_dir`` into ``out_dir`` (default ``settings.build_dir``).

    ``jobs`` is the number of worker processes for normalising and mapping
    (default: one for small editions, one per core for large ones).
    ``progress`` is told each step (rows read and mapped, each format written, validation).
    """
    formats = tuple(formats)
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        raise ConfigError(f"unknown output format(s) {', '.join(unknown)}; known: {', '.join(FORMATS)}")
    target = (out_dir or settings.build_dir).resolve()
    _check_target(target, settings)
    minter = Minter(settings.base_iri)
    _make_parent(target)
    with FolderLock(target):  # a second build into the same folder is refused while this one runs
        _check_target(target, settings)  # again: another build may have finished meanwhile
        return _build_locked(
            settings, target, minter, formats, encoding, validator, jobs, progress or _silent
        )


def _make_parent(target: Path) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"{target}: cannot create the output folder's parent: {exc.strerror}") from None


def _build_locked(
    settings: Settings,
    target: Path,
    minter: Minter,
    formats: tuple[str, ...],
    encoding: str | None,
    validator: Validator | None,
    jobs: int | None,
    progress: Progress,
) -> BuildResult:
    gazetteer = load_gazetteer(settings.data_dir / "reference")
    laws = load_laws(settings.data_dir / "reference")
    report = Report()
    metas = load_editions(settings.data_dir)
    book = LineageBook(read_crosswalk(settings.data_dir))
    run = _Run(settings.data_dir, minter, gazetteer, laws, book, report, encoding, jobs, progress)
    try:
        stage = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    except OSError as exc:
        raise ConfigError(f"{target.parent}: cannot write the output folder here: {exc.strerror}") from None
    sinks: list[GraphSink] = []
    spool: threading.Thread | None = None
    review: Forked[int] | None = None
    digests: Digests | None = None
    try:
        make_shareable(stage)  # it becomes the published build folder
        finished: list[tuple[GraphFile, dict[str, str]]] = []  # each graph with its prefixes
        summaries: list[EditionSummary] = []
        lineage = GraphSink("lineage", minter.graph("lineage"), stage)
        sinks.append(lineage)
        plans: list[GraphSink] = []
        for meta in metas:
            sink = GraphSink(f"plan-{meta.key}", minter.plan_graph(meta.key), stage)
            sinks.append(sink)
            plans.append(sink)
            summaries.append(run.edition(meta, Sinks(sink, lineage)))
        if report.valid:
            # Every inference to review is known now (validation adds none): the review is
            # written by a forked child, which shares the findings, while the graphs are finished.
            # (One child: each copies the pages of the findings it reads, a few hundred megabytes
            # at 100k measures.)
            task = partial(write_review, stage, report, _scope_statements(metas))
            review = Forked(task, "writing the review", background=len(report) > BACKGROUND_FINDINGS)
        digests = hashing = Digests()  # a thread: started only after the fork

        def finish(sink: GraphSink, prefixes: dict[str, str]) -> tuple[GraphFile, dict[str, str]]:
            """Finish a graph's N-Triples, and hash them beside the rest of the build: they are final."""
            graph = finish_graph(stage, sink)
            hashing.add(stage / graph.files["ntriples"])
            return graph, prefixes

        for meta, sink in zip(metas, plans, strict=True):
            progress(f"writing {sink.name} (nt)", 0, None)
            finished.append(finish(sink, _plan_prefixes(minter, meta.key)))
        # The lineages an edition's workers wrote with its measures are in the lineage graph already.
        started = (lin for lin in book.new if lin.edition not in run.linked)
        lineage.add_lines(LINEAGE_KEY, lineage_lines(minter, started))
        lineage.add_block(merge_triples(minter, book.merges))
        finished.append(finish(lineage, _reference_prefixes(minter)))
        # The workers' spool, read by now: removed (a gigabyte at 100k measures) beside the rest.
        spool = threading.Thread(target=shutil.rmtree, args=(stage / ".chunks", True), name="kg-spool")
        spool.start()
        harvested = _harvested_graph(settings.data_dir)
        if harvested is not None:
            # A catalog harvested into the data folder (kg harvest egov) stays in every rebuild.
            name, path = harvested
            egov = GraphSink(name, minter.graph(name), stage)
            sinks.append(egov)
            egov.add_block(_harvested_triples(path))
            finished.append(finish(egov, _reference_prefixes(minter)))
        ref = GraphSink("reference", minter.graph("reference"), stage)
        ref.add_block(organization_triples(minter, gazetteer))
        ref.add_block(law_triples(minter, laws, ((m.decided, m.layout) for m in metas)))
        finished.insert(0, finish(ref, _reference_prefixes(minter)))
        onto = GraphSink("ontology", minter.graph("ontology"), stage)
        onto.add_block(_ontology_triples())
        finished.insert(0, finish(onto, {}))
        progress("writing the review", 0, None)
        # Waited for here, before validation and the writers start: its memory (a copy of
        # the pages it touches) is given back before theirs is taken.
        reviews = review.wait() if review is not None else 0
        graphs, files, tasks = derived_formats(stage, finished, formats, _reference_prefixes(minter))
        # A large build writes Turtle, TriG and JSON-LD in worker processes while it validates.
        writers = Writers(tasks, triples=sum(g.triples for g, _ in finished))
        try:
            validated: bool | None = None
            if report.valid and validator is not None:
                progress("validating with SHACL", 0, None)
                validator(stage, [g for g, _ in finished], report)
                validated = report.valid
            if not report.valid:
                return BuildResult(target, report, summaries, graphs, written=False, validated=validated)
            if tasks:  # none when the build writes N-Triples only
                progress(f"writing {', '.join(sorted(set(formats) - {'nt'}))}", 0, None)
            written = writers.wait()
        finally:
            writers.cancel()
        files.update({"review_csv": "review.csv", "review_markdown": "review.md"})
        write_manifest(stage, _manifest(settings, graphs, files, metas), {**digests.results(), **written})
        spool.join()
        replace_folder(stage, target)
        return BuildResult(
            target, report, summaries, graphs, written=True, validated=validated, reviews=reviews
        )
    finally:
        if review is not None:
            review.cancel()
        if digests is not None:
            digests.close()
        for sink in sinks:
            sink.close()
        if spool is not None:
            spool.join()
        shutil.rmtree(stage, ignore_errors=True)


def _harvested_graph(data_dir: Path) -> tuple[str, Path] | None:
    """The graph name and file of a catalog harvested into ``data_dir``, if there is one."""
    path = data_dir / FOLDER / GRAPH_FILE
    return (GRAPH_NAME, path) if path.is_file() else None


def _harvested_triples(path: Path) -> list[Triple]:
    """The triples of a harvested catalog graph (what kg harvest wrote); a damaged file stops the build."""
    try:
        return list(parse(path=path, format=RdfFormat.N_TRIPLES))
    except SyntaxError as exc:
        message = f"the harvested catalog graph is not valid N-Triples: {exc}"
        raise InputError(message, Position(str(path))) from exc


def _ontology_triples() -> list[Triple]:
    """The ontology with its blank nodes (OWL lists) named canonically (RDFC-1.0), for identical bytes."""
    dataset = Dataset(
        Quad(t.subject, t.predicate, t.object) for t in parse(path=ontology_file(), format=RdfFormat.TURTLE)
    )
    dataset.canonicalize(CanonicalizationAlgorithm.RDFC_1_0)
    return [q.triple for q in dataset]


@dataclass(frozen=True)
class _Run:
    """What building every edition of one run shares: reference data, IRIs, lineage, the report."""

    data_dir: Path
    minter: Minter
    gazetteer: Gazetteer
    laws: LawReference
    book: LineageBook  # lineages assigned so far, edition by edition
    report: Report  # every finding of the run
    encoding: str | None
    jobs: int | None
    progress: Progress
    #: Editions whose measures' lineages were written with the measures (see :class:`Context`).
    linked: set[str] = field(default_factory=set)

    def edition(self, meta: EditionMeta, sinks: Sinks) -> EditionSummary:
        """Read, assemble and map one edition into ``sinks``; its findings go to the run's report."""
        reading = read_edition(
            meta, self.data_dir, self.gazetteer, self.laws, self.report, encoding=self.encoding
        )
        mapper = PlanMapper(self.minter, reading.edition, self.laws)
        sink = sinks.plan
        sink.add_block(mapper.edition_triples())
        links = self.book.starts_every_lineage()  # then the workers write each measure's lineage
        if links:
            self.linked.add(meta.key)
        ctx = Context(mapper, self.gazetteer, sink.spool_dir / ".chunks", reading.table.source, links)
        results: Generator[Mapped]
        if reading.curated_rows is None:
            # The streaming path: rows go straight to (possibly parallel) assembling and mapping;
            # workers read their own stretches of a source that can be cut at any line.
            workers = self.jobs or default_jobs(reading.table.row_count)
            if workers > 1 and reading.table.source.sliceable:
                results = map_slices(ctx, reading.table, workers, sinks)
            else:
                results = map_rows(ctx, reading.table.rows(), workers, sinks)
        else:
            # A curated table needs the whole extract to read over: editions that have one are small.
            results = map_items(ctx, reading.items(), sinks)
        summary = EditionSummary(meta.key, reading.edition.source_file, meta.scope)
        self.progress(f"edition {meta.key}: reading and mapping rows", 0, reading.table.row_count)
        names: dict[str, str] = {}
        positions: dict[str, Position] = {}
        # closing(): should this loop stop early, the workers are ended now, before the
        # staging folder they write into is removed, not whenever the generator is collected.
        with closing(results):
            self._collect(results, summary, names, positions)
        sink.add_block(mapper.content_triples(summary.measures, summary.groups))
        assigned, lineage_findings = self.book.add_edition(meta.key, names, positions)
        self.report.extend(lineage_findings)
        if not links:
            sink.add_lines(b"measure", lineage_links(self.minter, meta.key, assigned))
        return summary

    def _collect(
        self,
        results: Iterator[Mapped],
        summary: EditionSummary,
        names: dict[str, str],
        positions: dict[str, Position],
    ) -> None:
        step = f"edition {summary.key}: reading and mapping rows"
        seen = FirstSeen()  # the one check for repeated IDs on the streaming path, wherever rows were read
        for done, r in enumerate(results, start=1):
            if done % _PROGRESS_EVERY == 0:
                self.progress(step, done, None)
            if r.row is not None and (duplicate := seen.again(*r.row)) is not None:
                r = Mapped((duplicate,))  # an error: the build writes nothing, its triples included
            self.report.extend(r.findings)
            if not r.mapped:
                continue
            names[r.measure_id] = r.name
            if r.source is not None:
                positions[r.measure_id] = r.source
            summary.measures += 1
            summary.kpis += r.kpis
            summary.participations += r.participations
            summary.marks.update(r.marks)
            summary.organizations.update(r.organizations)
            summary.groups.add(r.measure_id.split("-", 1)[0])
            summary.unmarked += not r.marks


def _scope_statements(metas: list[EditionMeta]) -> list[str]:
    """What each excerpt edition holds, in Japanese then English, for the review report's preface."""
    return [
        f"{m.key}: {note}"
        for m in metas
        if m.scope.excerpt
        for note in (m.scope.note_ja, m.scope.note_en)
        if note
    ]


def _plan_prefixes(minter: Minter, edition: str) -> dict[str, str]:
    kinds = {k: minter.edition_namespace(edition, k) for k in EDITION_PREFIXES}
    return {**kinds, **_reference_prefixes(minter)}


def _reference_prefixes(minter: Minter) -> dict[str, str]:
    # No prefix for law IRIs: their paths (…/2023-06-09/article/34) would need escaped slashes.
    return {ORGANIZATION_PREFIX: f"{minter.base}org/"}


def _manifest(
    settings: Settings, graphs: list[GraphFile], files: dict[str, str], metas: list[EditionMeta]
) -> Manifest:
    return Manifest(
        generator=f"kg {__version__}",
        base_iri=settings.base_iri,
        editions=tuple(EditionEntry(m.year, m.decided, m.source.name) for m in metas),
        graphs=tuple(graphs),
        dataset=files,
    )


def _check_target(target: Path, settings: Settings) -> None:
    """Refuse an output folder that is not ours to replace: a build replaces it whole.

    An existing folder may be replaced only if it is empty or an earlier kg
    build: a ``manifest.json`` that is kg's (its format marker, see
    :mod:`kg.manifest`) and nothing beside it that the manifest does not list.
    A file merely *named* ``manifest.json`` (web apps have one) is not enough.
    """
    cwd = Path.cwd().resolve()
    data = settings.data_dir.resolve()
    if target in (cwd, data) or target in cwd.parents or target in data.parents:
        raise ConfigError(f"{target}: the output folder would replace the working or data folder")
    if not target.exists():
        return
    refuse = f"{target} exists and is not an earlier kg build"
    if not target.is_dir():
        raise ConfigError(f"{refuse} (it is not a folder): not replacing it")
    try:
        entries = sorted(p.name for p in target.iterdir())
    except OSError as exc:
        raise ConfigError(f"{target}: cannot read the output folder: {exc.strerror}") from None
    if not entries:
        return
    if manifest.FILE_NAME not in entries:
        raise ConfigError(f"{refuse} (no {manifest.FILE_NAME}): not replacing it")
    try:
        earlier = manifest.parse_file(target / manifest.FILE_NAME)
    except ConfigError as exc:
        raise ConfigError(f"{refuse}: {exc}; not replacing it") from None
    foreign = [e for e in entries if e != manifest.FILE_NAME and e not in earlier.file_names]
    if foreign:
        shown = ", ".join(foreign[:5]) + (" …" if len(foreign) > 5 else "")
        raise ConfigError(
            f"{target} holds files its kg manifest does not list ({shown}): not replacing it"
            " (move them away, or build into another folder)"
        )



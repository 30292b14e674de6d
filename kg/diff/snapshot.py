"""Two editions of one build, indexed on disk, read back one measure at a time.

Why an index on disk: a diff must run in memory that does not grow with the
editions (100k measures each). The plan graphs are streamed from the build's
sorted N-Triples once, keeping only the triples a change report looks at, into
a SQLite file beside the output (deleted afterwards); the lineages are then
walked in order and each measure is read back, with its KPIs, marks and
participations, as a small :class:`Measure`. Only the reference graph (laws,
articles, organisations: bounded by the reference data, not by the plan) is held
in memory, to say which provision a mark's article is.

The build is the only input: no extract is read again. The measure's identity
across editions is its ``kg:lineage``, which the build assigns; two builds made
separately share no lineages, so both editions must be in one build.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import Literal, RdfFormat, parse

from kg.vocabulary import DCTERMS, ELI, KG, RDFS, SKOS

#: Predicates kept from a plan graph, by the short name the index stores.
_PLAN = {
    KG + "inEdition": "inEdition",
    DCTERMS + "identifier": "id",
    RDFS + "label": "label",
    DCTERMS + "description": "description",
    KG + "lineage": "lineage",
    KG + "hasKPI": "kpi",
    KG + "hasMark": "mark",
    KG + "hasParticipation": "participation",
    KG + "concernedMinistries": "concerned",
    KG + "order": "order",
    KG + "text": "text",
    KG + "kpiKind": "kind",
    KG + "deadlineFiscalYear": "deadline",
    KG + "deadlineText": "deadlineText",
    KG + "targetValue": "value",
    KG + "targetUnit": "unit",
    KG + "targetComparator": "comparator",
    KG + "statedFigure": "figure",
    KG + "figureKind": "figureKind",
    KG + "figureText": "figureText",
    KG + "figureFiscalYear": "figureYear",
    KG + "strength": "strength",
    KG + "columnLabel": "column",
    KG + "provision": "provision",
    KG + "confidence": "confidence",
    KG + "reviewed": "reviewed",
    KG + "organization": "organization",
    KG + "role": "role",
    KG + "rawName": "rawName",
}
_BATCH = 20_000


#: What a KPI reports rather than aims at, by the kind of its kg:StatedFigure (reference figures are context).
_STATUS = {KG + "ProjectionFigure": "見込", KG + "ActualFigure": "実績"}


@dataclass(frozen=True)
class Figure:
    """A kg:StatedFigure of a KPI: its kind (IRI), the phrase it was read from, and its fiscal year."""

    order: int
    kind: str
    text: str
    fiscal_year: str | None

    @property
    def status(self) -> str | None:
        """見込 or 実績 for a projection or an actual value; None for a reference figure."""
        return _STATUS.get(self.kind)

    def describe(self) -> str:
        """The figure as a reader sees it: ``2024年度：120件``."""
        return f"{self.fiscal_year}年度：{self.text}" if self.fiscal_year else self.text


@dataclass(frozen=True)
class Kpi:
    """A KPI as the diff compares it; ``None`` where the graph states nothing."""

    iri: str
    order: int
    text: str
    kind: str | None
    deadline: str | None
    deadline_text: str | None
    value: str | None
    unit: str | None
    comparator: str | None
    figures: tuple[Figure, ...] = ()

    @property
    def target(self) -> tuple[str | None, str | None, str | None]:
        return (self.value, self.unit, self.comparator)

    @property
    def status(self) -> str | None:
        """見込 (projected), 実績 (actual) or both, when the KPI states such a figure beside its target.

        Read from the graph's kg:StatedFigure, which the build reads with the
        text's grammar (a 見込： label, a 実績/現在/時点 bracket): the word alone
        elsewhere in a KPI (``実績を公表``) is not a figure.
        """
        found = {f.status for f in self.figures} - {None}
        return "・".join(w for w in ("見込", "実績") if w in found) or None

    def reported(self) -> str:
        """The projections and actual values the KPI states, for a note (``実績（2024年度：120件）``)."""
        return "、".join(f"{f.status}（{f.describe()}）" for f in self.figures if f.status)


@dataclass(frozen=True)
class Mark:
    """A ◎/○ mark: strength, column label, the provisions its article(s) are, confidence."""

    iri: str
    order: int
    strength: str
    column: str | None
    provisions: tuple[str, ...]  # provision keys (law/provision/n, with ¶n for a paragraph)
    confidence: str | None
    reviewed: bool


@dataclass(frozen=True)
class Participation:
    """An organisation taking part: its IRI, role (LeadRole/ParticipantRole) and the name as written."""

    organization: str
    role: str
    raw_name: str


@dataclass(frozen=True)
class Measure:
    """One measure of one edition, with everything a change report compares."""

    iri: str
    edition: str
    id: str
    name: str
    description: str
    lineage: str
    kpis: tuple[Kpi, ...]
    marks: tuple[Mark, ...]
    participations: tuple[Participation, ...]
    concerned: bool


@dataclass(frozen=True)
class Reference:
    """From the reference graph: each article's provision, paragraphs' articles, organisation names."""

    provision_of: dict[str, str]
    paragraph_of: dict[str, tuple[str, str]]  # paragraph IRI → (article IRI, number)
    org_names: dict[str, str]

    def provision_key(self, target: str) -> str:
        """The provision an article or paragraph IRI is (unknown ones stand for themselves)."""
        if target in self.paragraph_of:
            article, number = self.paragraph_of[target]
            return f"{self.provision_of.get(article, article)}¶{number}"
        return self.provision_of.get(target, target)


def read_reference(path: Path) -> Reference:
    """Stream the reference graph, keeping only provisions, paragraphs and Japanese organisation names."""
    provision_of: dict[str, str] = {}
    part_of: dict[str, str] = {}
    numbers: dict[str, str] = {}
    names: dict[str, str] = {}
    for t in parse(path=path, format=RdfFormat.N_TRIPLES):
        p, s, o = t.predicate.value, t.subject.value, t.object
        if p == KG + "asProvision":
            provision_of[s] = o.value
        elif p == ELI + "is_part_of" and "/paragraph/" in s:
            part_of[s] = o.value
        elif p == KG + "paragraphNumber":
            numbers[s] = o.value
        elif p == SKOS + "prefLabel" and isinstance(o, Literal) and o.language == "ja":
            names[s] = o.value
    paragraphs = {s: (a, numbers.get(s, s.rsplit("/", 1)[-1])) for s, a in part_of.items()}
    return Reference(provision_of, paragraphs, names)


class EditionIndex:
    """The plan graphs of two editions (0: old, 1: new) in a SQLite file, and their lineages."""

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path)
        self.db.executescript(
            "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-8000;"
            "CREATE TABLE t (ed INTEGER, s TEXT, p TEXT, o TEXT);"
            "CREATE TABLE lin (lineage TEXT, ed INTEGER, m TEXT);"
        )

    def close(self) -> None:
        self.db.close()

    def load(self, ed: int, path: Path) -> int:
        """Stream one edition's plan graph into the index; return the number of triples kept."""
        batch: list[tuple[int, str, str, str]] = []
        lineages: list[tuple[str, int, str]] = []
        kept = 0
        for t in parse(path=path, format=RdfFormat.N_TRIPLES):
            short = _PLAN.get(t.predicate.value)
            if short is None:
                continue
            s, o = t.subject.value, t.object.value
            if short == "lineage":
                lineages.append((o, ed, s))
            batch.append((ed, s, short, o))
            if len(batch) >= _BATCH:
                kept += self._flush(batch, lineages)
        kept += self._flush(batch, lineages)
        return kept

    def _flush(self, batch: list[tuple[int, str, str, str]], lineages: list[tuple[str, int, str]]) -> int:
        n = len(batch)
        self.db.executemany("INSERT INTO t VALUES (?, ?, ?, ?)", batch)
        self.db.executemany("INSERT INTO lin VALUES (?, ?, ?)", lineages)
        batch.clear()
        lineages.clear()
        return n

    def finish_loading(self) -> int:
        """Index the loaded triples (once, after loading: faster than indexing row by row).

        Returns the number of measures without a lineage (a build made before
        lineages existed): they could be matched to nothing.
        """
        self.db.executescript("CREATE INDEX t_s ON t (ed, s); CREATE INDEX lin_l ON lin (lineage, ed, m);"
                              "CREATE INDEX lin_m ON lin (m);")
        self.db.commit()
        (missing,) = self.db.execute(
            "SELECT COUNT(*) FROM t WHERE p = 'inEdition'"
            " AND NOT EXISTS (SELECT 1 FROM lin WHERE lin.m = t.s)"
        ).fetchone()
        return int(missing)

    def lineages(self) -> Iterator[tuple[str, list[str], list[str]]]:
        """Each lineage with a measure in either edition: (lineage, old measures, new measures), in order."""
        current: str | None = None
        sides: tuple[list[str], list[str]] = ([], [])
        for lineage, ed, measure in self.db.execute("SELECT lineage, ed, m FROM lin ORDER BY lineage, ed, m"):
            if lineage != current:
                if current is not None:
                    yield current, sides[0], sides[1]
                current, sides = lineage, ([], [])
            sides[ed].append(measure)
        if current is not None:
            yield current, sides[0], sides[1]

    def lineage_of(self, measures: set[str]) -> dict[str, str]:
        """The lineage of each of ``measures`` that is in either edition."""
        out: dict[str, str] = {}
        for m in sorted(measures):
            row = self.db.execute("SELECT lineage FROM lin WHERE m = ?", (m,)).fetchone()
            if row is not None:
                out[m] = row[0]
        return out

    def members(self, lineage: str, ed: int) -> list[str]:
        """The measures of ``lineage`` in one edition."""
        return [m for (m,) in self.db.execute(
            "SELECT m FROM lin WHERE lineage = ? AND ed = ? ORDER BY m", (lineage, ed))]

    def _props(self, ed: int, s: str) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for p, o in self.db.execute("SELECT p, o FROM t WHERE ed = ? AND s = ? ORDER BY p, o", (ed, s)):
            out.setdefault(p, []).append(o)
        return out

    def measure(self, ed: int, edition: str, iri: str, ref: Reference) -> Measure:
        """Read back one measure with its KPIs, marks and participations (in their order)."""
        m = self._props(ed, iri)
        kpis = sorted((self._kpi(ed, k) for k in m.get("kpi", [])), key=lambda k: k.order)
        marks = sorted((self._mark(ed, k, ref) for k in m.get("mark", [])), key=lambda k: k.order)
        parts = sorted(
            ((int(_one(p, "order") or 0), _participation(p)) for p in (self._props(ed, x) for x in
                                                                        m.get("participation", []))),
            key=lambda x: x[0],
        )
        return Measure(
            iri, edition, _one(m, "id") or iri.rsplit("/", 1)[-1], _one(m, "label") or "",
            _one(m, "description") or "", _one(m, "lineage") or iri, tuple(kpis), tuple(marks),
            tuple(p for _, p in parts), _one(m, "concerned") == "true",
        )

    def _kpi(self, ed: int, iri: str) -> Kpi:
        k = self._props(ed, iri)
        figures = sorted((self._figure(ed, f) for f in k.get("figure", [])), key=lambda f: f.order)
        return Kpi(
            iri, int(_one(k, "order") or 0), _one(k, "text") or "", _one(k, "kind"), _one(k, "deadline"),
            _one(k, "deadlineText"), _one(k, "value"), _one(k, "unit"), _one(k, "comparator"), tuple(figures),
        )

    def _figure(self, ed: int, iri: str) -> Figure:
        f = self._props(ed, iri)
        return Figure(int(_one(f, "order") or 0), _one(f, "figureKind") or "", _one(f, "figureText") or "",
                      _one(f, "figureYear"))

    def _mark(self, ed: int, iri: str, ref: Reference) -> Mark:
        k = self._props(ed, iri)
        provisions = tuple(sorted({ref.provision_key(p) for p in k.get("provision", [])}))
        return Mark(
            iri, int(_one(k, "order") or 0), _one(k, "strength") or "", _one(k, "column"), provisions,
            _one(k, "confidence"), _one(k, "reviewed") == "true",
        )


def _participation(p: dict[str, list[str]]) -> Participation:
    return Participation(_one(p, "organization") or "", _one(p, "role") or "", _one(p, "rawName") or "")


def _one(props: dict[str, list[str]], key: str) -> str | None:
    values = props.get(key)
    return values[0] if values else None


def local(iri: str) -> str:
    """The last path segment or fragment of an IRI (``kg#Primary`` → ``Primary``)."""
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]



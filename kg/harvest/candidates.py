"""Which measures a harvested dataset may belong to: scored candidates for a person, never facts.

A dataset of the e-Gov portal says nothing about the plan's measures, so a link
between the two is an inference. Each dataset whose publisher is linked to the
gazetteer is scored against every measure of the build on three signals:

- ministry overlap (weight 0.4): 1 when the publisher leads the measure, 0.6
  when it takes part, 0 otherwise;
- shared keywords (0.3): the dataset's tags (the 法人番号 tag aside) found in the
  measure's name, description or KPIs, 0.5 each, at most 1;
- text similarity (0.3): rapidfuzz's ``partial_ratio`` of the dataset's title
  against the measure's name and description (character-based, which suits
  Japanese without a tokenizer), from 0 to 1.

The best :data:`PER_DATASET` measures scoring at least :data:`THRESHOLD` are
candidates: written to the review report (``egov-review.csv``/``.md`` in the
build) and to the graph only as a qualified relation
(``dcat:qualifiedRelation`` → ``dcat:Relationship`` with ``dct:relation`` the
measure, ``dcat:hadRole`` IANA's ``related``, ``rdf:value`` the score and
``skos:note`` the reasons). A plain ``dct:relation`` from the dataset to the
measure is written only for a row a person confirmed in
``data/curated/egov-links.csv`` (dataset name, edition, measure ID, 確認済).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from pyoxigraph import DefaultGraph, Literal, NamedNode, RdfFormat, Store
from rapidfuzz import fuzz

from kg.errors import InputError, Position
from kg.manifest import Manifest
from kg.vocabulary import KG, XSD_DECIMAL

THRESHOLD = Decimal("0.6")
PER_DATASET = 3
WEIGHTS = {"ministry": Decimal("0.4"), "keywords": Decimal("0.3"), "text": Decimal("0.3")}
#: The curated confirmations: one row per dataset–measure link a person confirmed.
LINKS_FILE = Path("curated") / "egov-links.csv"
LINK_COLUMNS = ("dataset", "edition", "measure_id", "confirmed", "note")
CONFIRMED = {"yes", "y", "true", "1", "はい", "済", "確認済", "✓"}
REVIEW_COLUMNS = ("dataset", "title", "publisher", "edition", "measure_id", "measure_name", "score",
                  "ministry", "keywords", "text", "reasons")


@dataclass(frozen=True)
class MeasureText:
    iri: str
    edition: str
    id: str
    name: str
    text: str  # name, description and KPIs, for keywords
    leads: frozenset[str]  # organisation IRIs
    members: frozenset[str]


@dataclass(frozen=True)
class Candidate:
    dataset: str  # name
    dataset_iri: str
    title: str
    publisher: str  # organisation IRI
    measure: MeasureText
    score: Decimal
    ministry: Decimal
    keywords: tuple[str, ...]
    text: Decimal

    @property
    def reasons(self) -> str:
        parts = [f"ministry {self.ministry}", f"text {self.text}"]
        if self.keywords:
            parts.append("keywords " + "、".join(self.keywords))
        return "; ".join(parts)


def measures(manifest: Manifest) -> list[MeasureText]:
    """Every measure of the build's plan graphs, with its text and its organisations."""
    store = Store()
    for g in manifest.graphs:
        if g.name.startswith("plan-"):
            path = str(manifest.ntriples(g))
            store.bulk_load(path=path, format=RdfFormat.N_TRIPLES, to_graph=DefaultGraph())
    query = f"""PREFIX kg: <{KG}>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?m ?edition ?id ?name
  (SAMPLE(?d) AS ?description) (GROUP_CONCAT(DISTINCT ?kpi; SEPARATOR=" ") AS ?kpis)
  (GROUP_CONCAT(DISTINCT STR(?lead); SEPARATOR=" ") AS ?leads)
  (GROUP_CONCAT(DISTINCT STR(?org); SEPARATOR=" ") AS ?orgs)
WHERE {{
  ?m a kg:Measure ; kg:inEdition/dcterms:identifier ?edition ; dcterms:identifier ?id ; rdfs:label ?name .
  OPTIONAL {{ ?m dcterms:description ?d }}
  OPTIONAL {{ ?m kg:hasKPI/kg:text ?kpi }}
  OPTIONAL {{ ?m kg:ledBy ?lead }}
  OPTIONAL {{ ?m kg:implementedBy ?org }}
}} GROUP BY ?m ?edition ?id ?name ORDER BY ?edition ?id"""
    out = []
    names = ("m", "edition", "id", "name", "description", "kpis", "leads", "orgs")
    for row in store.query(query):  # type: ignore[union-attr]
        v = {n: (row[n].value if row[n] is not None else "") for n in names}
        text = " ".join(v[k] for k in ("name", "description", "kpis"))
        out.append(MeasureText(v["m"], v["edition"], v["id"], v["name"], text,
                               frozenset(v["leads"].split()), frozenset(v["orgs"].split())))
    return out


def _score(title: str, tags: list[str], publisher: str, measure: MeasureText) -> Candidate:
    ministry = Decimal(1) if publisher in measure.leads else Decimal("0.6") if publisher in measure.members \
        else Decimal(0)
    shared = tuple(t for t in tags if len(t) >= 2 and t in measure.text)
    keywords = min(Decimal(1), Decimal("0.5") * len(shared))
    text = (Decimal(str(fuzz.partial_ratio(title, measure.text[:2000]))) / 100).quantize(Decimal("0.01"))
    score = (WEIGHTS["ministry"] * ministry + WEIGHTS["keywords"] * keywords + WEIGHTS["text"] * text)
    return Candidate("", "", title, publisher, measure, score.quantize(Decimal("0.01")), ministry, shared,
                     text)


def candidates(records: list[tuple[str, str, dict[str, Any], str]], all_measures: list[MeasureText]
               ) -> list[Candidate]:
    """The best-scoring measures of each (dataset name, dataset IRI, record, publisher IRI)."""
    out: list[Candidate] = []
    for name, iri, record, publisher in records:
        tags = [str(t.get("name")) for t in record.get("tags") or [] if isinstance(t, dict)
                and t.get("name") and not str(t.get("name")).isdigit()]
        title = str(record.get("title", ""))
        scored = [c for m in all_measures if (c := _score(title, tags, publisher, m)).score >= THRESHOLD]
        scored.sort(key=lambda c: (-c.score, c.measure.edition, c.measure.id))
        out += [Candidate(name, iri, c.title, c.publisher, c.measure, c.score, c.ministry, c.keywords, c.text)
                for c in scored[:PER_DATASET]]
    return out


def confirmed_links(data_dir: Path, datasets: dict[str, str], all_measures: list[MeasureText]
                    ) -> list[tuple[str, str]]:
    """(dataset IRI, measure IRI) of each row a person confirmed; a row naming what is not there stops."""
    path = data_dir / LINKS_FILE
    if not path.is_file():
        return []
    by_key = {(m.edition, m.id): m.iri for m in all_measures}
    text = path.read_text(encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if tuple(reader.fieldnames or ()) [:4] != LINK_COLUMNS[:4]:
        raise InputError(f"the header must start {','.join(LINK_COLUMNS[:4])}", Position(str(path), 1))
    links = []
    for row in reader:
        where = Position(str(path), reader.line_num)
        if (row.get("confirmed") or "").strip().lower() not in CONFIRMED:
            continue
        dataset = datasets.get((row.get("dataset") or "").strip())
        measure = by_key.get(((row.get("edition") or "").strip(), (row.get("measure_id") or "").strip()))
        if dataset is None:
            raise InputError(f"no harvested dataset named {row.get('dataset')!r}", where)
        if measure is None:
            raise InputError(f"the build has no measure {row.get('measure_id')!r} of edition "
                             f"{row.get('edition')!r}", where)
        links.append((dataset, measure))
    return sorted(set(links))


def review_csv(found: list[Candidate], names: dict[str, str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(REVIEW_COLUMNS)
    for c in found:
        writer.writerow([c.dataset, c.title, names.get(c.publisher, c.publisher), c.measure.edition,
                         c.measure.id, c.measure.name, c.score, c.ministry, "、".join(c.keywords), c.text,
                         c.reasons])
    return buffer.getvalue()


def review_markdown(found: list[Candidate], names: dict[str, str]) -> str:
    lines = [
        "# e-Gov datasets: candidate measures to check",
        "",
        f"{len(found)} candidates (score ≥ {THRESHOLD}, at most {PER_DATASET} a dataset). A candidate is",
        "not a link: confirm one in data/curated/egov-links.csv (dataset,edition,measure_id,confirmed,note)",
        "and run kg harvest egov --offline; only then does the graph say dct:relation.",
        "",
        "| dataset | title | publisher | measure | score | reasons |",
        "|---|---|---|---|---|---|",
    ]
    for c in found:
        lines.append(f"| {c.dataset} | {c.title} | {names.get(c.publisher, c.publisher)} | "
                     f"{c.measure.edition} {c.measure.id} {c.measure.name} | {c.score} | {c.reasons} |")
    return "\n".join(lines) + "\n"


def score_literal(value: Decimal) -> Literal:
    return Literal(str(value), datatype=NamedNode(XSD_DECIMAL))

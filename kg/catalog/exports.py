"""Machine-readable CSV exports of a build, for publication beside the RDF dumps.

They follow デジタル庁's 行政データにおける機械可読性ルール: one value per cell
(a mark's provisions and its other possible columns get tables of their own
instead of ``;``-lists), one record per row, a single header row, codes instead of prose
(``kg:LeadRole`` is ``LeadRole``, explained in ``codes.csv``), ISO 8601 dates,
UTF-8 without a byte-order mark, and a definitions file that says every
column's name, type and meaning. The curated table (``kg export``) stays the
editing tool; these are its read-only, long-format counterparts.

They are read from the build's graphs, not from the extract, so they say
exactly what the published graph says (a mark of low confidence keeps its
confidence; its provision is the one the graph links).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import DefaultGraph, Literal, NamedNode, RdfFormat, Store

from kg.errors import ConfigError
from kg.manifest import Manifest
from kg.vocabulary import KG, SKOS

#: The folder of the exports inside the catalog folder.
CSV_FOLDER = "csv"


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # string, integer, decimal, boolean, date, gYear, iri, code
    ja: str
    en: str
    code_list: str = ""  # the code list of codes.csv its values come from


@dataclass(frozen=True)
class Table:
    """One exported table: its file name, what a row is, its columns and the query that fills it."""

    name: str
    title_ja: str
    title_en: str
    columns: tuple[Column, ...]
    query: str  # SELECT with one variable per column, in column order; ?edition bound by the caller


_EDITION = Column("edition", "date", "版（閣議決定日）", "edition (Cabinet decision date)")
_MEASURE = Column("measure_id", "string", "施策番号", "measure ID (unique within an edition)")

_PREFIXES = f"PREFIX kg: <{KG}>\nPREFIX dcterms: <http://purl.org/dc/terms/>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"

TABLES: tuple[Table, ...] = (
    Table(
        "measures", "施策", "Measures",
        (
            _EDITION, _MEASURE,
            Column("group_code", "string", "施策群の番号", "measure-group number (its meaning is not known)"),
            Column("name", "string", "施策名", "measure name, as the source writes it"),
            Column("description", "string", "課題・取組概要",
                   "problem and approach (its lines joined by a space)"),
            Column("source_line", "integer", "抽出ファイルの行番号",
                   "line of the measure in the source extract"),
            Column("iri", "iri", "施策のIRI", "the measure's IRI in the graph"),
        ),
        _PREFIXES + """SELECT ?edition ?id ?group ?name ?description ?line ?m WHERE {
  ?m a kg:Measure ; kg:inEdition ?e ; dcterms:identifier ?id ; kg:groupCode ?group ; rdfs:label ?name .
  ?e dcterms:identifier ?edition .
  OPTIONAL { ?m dcterms:description ?description }
  OPTIONAL { ?m <http://www.w3.org/ns/prov#wasDerivedFrom>/kg:lineNumber ?line }
} ORDER BY ?id""",
    ),
    Table(
        "kpis", "KPI", "KPIs",
        (
            _EDITION, _MEASURE,
            Column("kpi_order", "integer", "KPIの順番", "position of the KPI in the measure's KPI cell"),
            Column("kpi_kind", "code", "KPIの種類", "KPI kind (two-column editions only)", "KpiKindScheme"),
            Column("text", "string", "KPI本文", "the KPI's full text"),
            Column("deadline_fiscal_year", "gYear", "期限（年度）", "deadline, fiscal year (April–March)"),
            Column("deadline_text", "string", "期限の記述", "the words that state the deadline"),
            Column("target_value", "decimal", "目標値", "target value"),
            Column("target_unit", "string", "目標の単位", "unit of the target value"),
            Column("target_comparator", "code", "目標の比較", "how the target compares", "ComparatorScheme"),
            Column("split_method", "code", "分割の方法", "how the KPI cell was split", "SplitMethodScheme"),
        ),
        _PREFIXES + """SELECT ?edition ?id ?order ?kind ?text ?fy ?deadline ?value ?unit ?comparator ?split
WHERE {
  ?m a kg:Measure ; kg:inEdition ?e ; dcterms:identifier ?id ; kg:hasKPI ?k .
  ?e dcterms:identifier ?edition .
  ?k kg:order ?order ; kg:text ?text .
  OPTIONAL { ?k kg:kpiKind ?kind } OPTIONAL { ?k kg:deadlineFiscalYear ?fy }
  OPTIONAL { ?k kg:deadlineText ?deadline } OPTIONAL { ?k kg:targetValue ?value }
  OPTIONAL { ?k kg:targetUnit ?unit } OPTIONAL { ?k kg:targetComparator ?comparator }
  OPTIONAL { ?k kg:splitMethod ?split }
} ORDER BY ?id ?order""",
    ),
    Table(
        "participations", "府省庁の参加", "Participations of organisations",
        (
            _EDITION, _MEASURE,
            Column("participation_order", "integer", "府省庁名欄での順番", "position in the ministry cell"),
            Column("organization_id", "string", "組織ID", "organisation id in the gazetteer"),
            Column("organization_name", "string", "組織名", "organisation name (gazetteer)"),
            Column("role", "code", "役割", "role (lead is an assumption, see codes)", "RoleScheme"),
            Column("raw_name", "string", "表記", "the name as the source writes it"),
            Column("match_method", "code", "照合の方法", "how the name was matched", "MatchMethodScheme"),
        ),
        _PREFIXES + """SELECT ?edition ?id ?order ?org ?orgName ?role ?raw ?method WHERE {
  ?m a kg:Measure ; kg:inEdition ?e ; dcterms:identifier ?id ; kg:hasParticipation ?p .
  ?e dcterms:identifier ?edition .
  ?p kg:order ?order .
  OPTIONAL { ?p kg:organization ?o . BIND(STRAFTER(STR(?o), "/org/") AS ?org)
             OPTIONAL { ?o <http://www.w3.org/2004/02/skos/core#prefLabel> ?orgName
                        FILTER(lang(?orgName) = "ja") } }
  OPTIONAL { ?p kg:role ?role } OPTIONAL { ?p kg:rawName ?raw } OPTIONAL { ?p kg:matchMethod ?method }
} ORDER BY ?id ?order""",
    ),
    Table(
        "marks", "根拠条項の印", "Legal-basis marks",
        (
            _EDITION, _MEASURE,
            Column("mark_order", "integer", "印の順番", "position of the mark in the row"),
            Column("mark", "string", "印", "the mark as written (◎ or ○)"),
            Column("strength", "code", "印の強さ", "strength of the mark", "MarkStrengthScheme"),
            Column("column_label", "string", "列の見出し", "the article column the builder placed it in"),
            Column("confidence", "code", "確信度", "how sure the column is", "ConfidenceScheme"),
            Column("reviewed", "boolean", "確認済", "a person confirmed the mark"),
            Column("source_line", "integer", "行番号", "line in the source extract"),
            Column("source_column", "integer", "列番号", "cell (tab-separated) in that line"),
        ),
        _PREFIXES + """SELECT ?edition ?id ?order ?raw ?strength ?label ?confidence ?reviewed
  ?line ?col
WHERE {
  ?m a kg:Measure ; kg:inEdition ?e ; dcterms:identifier ?id ; kg:hasMark ?k .
  ?e dcterms:identifier ?edition .
  ?k kg:order ?order .
  OPTIONAL { ?k kg:rawValue ?raw } OPTIONAL { ?k kg:strength ?strength }
  OPTIONAL { ?k kg:columnLabel ?label }
  OPTIONAL { ?k kg:confidence ?confidence } OPTIONAL { ?k kg:reviewed ?r }
  BIND(COALESCE(?r, false) AS ?reviewed)
  OPTIONAL { ?k kg:sourceLine ?line } OPTIONAL { ?k kg:sourceColumn ?col }
} ORDER BY ?id ?order""",
    ),
    Table(
        "mark_provisions", "印の条項", "Provisions a mark points to",
        (
            _EDITION, _MEASURE,
            Column("mark_order", "integer", "印の順番", "the mark (marks.mark_order)"),
            Column("provision", "iri", "条項のIRI",
                   "the article or paragraph (as in force on the decision date)"),
        ),
        _PREFIXES + """SELECT ?edition ?id ?order ?provision WHERE {
  ?m a kg:Measure ; kg:inEdition ?e ; dcterms:identifier ?id ; kg:hasMark ?k .
  ?e dcterms:identifier ?edition .
  ?k kg:order ?order ; kg:provision ?provision .
} ORDER BY ?id ?order ?provision""",
    ),
    Table(
        "mark_alternatives", "印の他の読み", "Other possible columns of a mark",
        (
            _EDITION, _MEASURE,
            Column("mark_order", "integer", "印の順番", "the mark (marks.mark_order)"),
            Column("alternative_column_label", "string", "他の候補列",
                   "another column the mark may stand in"),
        ),
        _PREFIXES + """SELECT ?edition ?id ?order ?alt WHERE {
  ?m a kg:Measure ; kg:inEdition ?e ; dcterms:identifier ?id ; kg:hasMark ?k .
  ?e dcterms:identifier ?edition .
  ?k kg:order ?order ; kg:alternativeColumnLabel ?alt .
} ORDER BY ?id ?order ?alt""",
    ),
)

CODES_FILE = "codes.csv"
DEFINITIONS_FILE = "definitions.csv"
CODE_COLUMNS = ("code_list", "code", "notation", "label_ja", "label_en", "iri")
DEFINITION_COLUMNS = ("file", "column", "type", "code_list", "description_ja", "description_en")


@dataclass(frozen=True)
class ExportFile:
    """A written export: its path relative to the catalog folder and its titles."""

    path: str
    title_ja: str
    title_en: str
    edition: str | None  # None: the code table and definitions, shared by every edition


def table_path(edition: str, table: Table) -> str:
    return f"{CSV_FOLDER}/{edition}/{table.name}.csv"


def render_exports(manifest: Manifest) -> dict[str, tuple[ExportFile, str]]:
    """Every export's text, by path relative to the catalog folder (deterministic: sorted queries)."""
    store = _load(manifest)
    out: dict[str, tuple[ExportFile, str]] = {}
    for entry in manifest.editions:
        key = entry.decided.isoformat()
        for table in TABLES:
            where = "?e dcterms:identifier ?edition ."
            rows = _select(store, table.query.replace(where, f'{where} FILTER(?edition = "{key}")'))
            path = table_path(key, table)
            out[path] = (ExportFile(path, f"{table.title_ja}（{key}）", f"{table.title_en} ({key})", key),
                         _csv([c.name for c in table.columns], rows))
    codes = _codes(store)
    codes_path, definitions_path = f"{CSV_FOLDER}/{CODES_FILE}", f"{CSV_FOLDER}/{DEFINITIONS_FILE}"
    out[codes_path] = (ExportFile(codes_path, "コード表", "Code table", None),
                       _csv(list(CODE_COLUMNS), codes))
    out[definitions_path] = (
        ExportFile(definitions_path, "項目定義書", "Definitions of the exported columns", None),
        _csv(list(DEFINITION_COLUMNS), _definitions()),
    )
    return out


def _load(manifest: Manifest) -> Store:
    store = Store()
    for g in manifest.graphs:
        path = manifest.ntriples(g)
        try:
            store.bulk_load(path=str(path), format=RdfFormat.N_TRIPLES, to_graph=DefaultGraph())
        except (OSError, SyntaxError, ValueError) as exc:
            raise ConfigError(f"cannot read {path}: {exc}") from exc
    return store


def _cell(term: object) -> str:
    """A term as one CSV cell: a kg code by its local name, another IRI whole, a literal by its value."""
    if isinstance(term, NamedNode):
        return term.value[len(KG):] if term.value.startswith(KG) else term.value
    if isinstance(term, Literal):
        # No line break inside a cell (機械可読性ルール): a description's lines are joined by a space.
        return " ".join(term.value.splitlines())
    return ""


def _select(store: Store, query: str) -> list[list[str]]:
    results = store.query(query)
    names = [v.value for v in results.variables]  # type: ignore[union-attr]
    return [[_cell(solution[n]) for n in names] for solution in results]  # type: ignore[union-attr]


def _codes(store: Store) -> list[list[str]]:
    query = f"""PREFIX skos: <{SKOS}>
SELECT ?scheme ?c ?notation ?ja ?en ?c2 WHERE {{
  ?c a skos:Concept ; skos:inScheme ?scheme .
  FILTER(STRSTARTS(STR(?c), "{KG}"))
  OPTIONAL {{ ?c skos:notation ?notation }}
  OPTIONAL {{ ?c skos:prefLabel ?ja FILTER(lang(?ja) = "ja") }}
  OPTIONAL {{ ?c skos:prefLabel ?en FILTER(lang(?en) = "en") }}
  BIND(STR(?c) AS ?c2)
}} ORDER BY ?scheme ?c"""
    return _select(store, query)


def _definitions() -> list[list[str]]:
    rows: list[list[str]] = []
    for table in TABLES:
        rows += [[f"{table.name}.csv", c.name, c.type, c.code_list, c.ja, c.en] for c in table.columns]
    rows += [[CODES_FILE, name, "iri" if name == "iri" else "string", "", ja, en] for name, ja, en in (
        ("code_list", "コードの一覧（スキーム）", "the code list (SKOS concept scheme)"),
        ("code", "コード", "the code, as the tables write it"),
        ("notation", "記号", "the symbol the source uses, if any (◎, ○)"),
        ("label_ja", "名称（日本語）", "label in Japanese"),
        ("label_en", "名称（英語）", "label in English"),
        ("iri", "IRI", "the concept's IRI in the kg ontology"),
    )]
    rows.append([
        "*", "*", "", "",
        "文字コードはUTF-8（BOMなし）、改行はCRLF、区切りはカンマ。空欄は値がないことを表す。",
        "Encoding UTF-8 without BOM, CRLF line ends, comma-separated; an empty cell means no value.",
    ])
    return rows


def _csv(header: Sequence[str], rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def written_paths(folder: Path, exports: dict[str, tuple[ExportFile, str]]) -> list[Path]:
    return [folder / p for p in sorted(exports)]

"""``kg validate`` and :func:`kg.validate.validate` on the real build of the bundled 2023 edition.

The mutation tests break the real graph the way issue 3 names (a measure
without a name, a KPI due in 令和99年度, a mark at an unknown article, a
法人番号 with a wrong check digit) and check that each result names the
measure and the source line, which the tests find in the seed file itself.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph, Namespace

from kg.build.headers import column_headers
from kg.cli import _register, cli
from kg.config import load_settings
from kg.errors import InputError
from kg.findings import Report
from kg.validate import ResultSeverity, ShapeResult, ValidationReport, build_validator, validate
from kg.validate.data import manifest_graphs
from tests.paths import ROOT, SEED, SEED_GRAPH, SEED_KEY

SH = Namespace("http://www.w3.org/ns/shacl#")
KGSH = "https://kg.example.jp/def/shapes#"
B = "https://kg.example.jp/"
PLAN = f"{B}plan/{SEED_KEY}/"
#: The bundled edition's column headers (plan graph IRI → role → header), as kg validate and build pass them.
HEADERS = column_headers(load_settings(ROOT))
PREFIXES = """
PREFIX kg: <https://kg.example.jp/def/kg#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""


def seed_line(measure_id: str) -> int:
    """The 1-based line of the seed file whose first cell is the measure ID."""
    for number, line in enumerate(SEED.read_text(encoding="utf-8").splitlines(), start=1):
        if line.split("\t", 1)[0] == measure_id:
            return number
    raise AssertionError(f"{measure_id} not in the seed")


def build_store(built: Path) -> ox.Store:
    """A fresh store holding the build's graphs, each in its named graph (as kg validate loads them)."""
    store = ox.Store()
    for _name, iri, path in manifest_graphs(built):
        store.bulk_load(path=path, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(iri))
    return store


def replace_value(store: ox.Store, subject: str, prop: str, value: str) -> None:
    """Set ``subject prop`` to ``value`` in whichever graph holds it."""
    triple = f"<{subject}> {prop}"
    store.update(
        PREFIXES
        + f"DELETE {{ GRAPH ?g {{ {triple} ?o }} }} INSERT {{ GRAPH ?g {{ {triple} {value} }} }}"
        + f" WHERE {{ GRAPH ?g {{ {triple} ?o }} }}"
    )


def drop_name(store: ox.Store, measure_id: str) -> None:
    """Remove a measure's name (rdfs:label)."""
    measure = f"<{PLAN}measure/{measure_id}>"
    store.update(PREFIXES + f"DELETE WHERE {{ GRAPH ?g {{ {measure} rdfs:label ?n }} }}")


def select(store: ox.Store, query: str) -> list[ox.QuerySolution]:
    solutions = store.query(PREFIXES + query, use_default_graph_as_union=True)
    assert isinstance(solutions, ox.QuerySolutions)
    return list(solutions)


def only(report: ValidationReport, shape: str) -> ShapeResult:
    hits = [r for r in report.results if r.shape == KGSH + shape]
    assert len(hits) == 1, [str(r) for r in report.violations]
    assert hits[0].severity is ResultSeverity.VIOLATION
    assert not report.conforms
    return hits[0]


@pytest.fixture(scope="module")
def clean(built: Path) -> ValidationReport:
    return validate(built)


def test_the_bundled_build_conforms(clean: ValidationReport) -> None:
    assert clean.violations == [], [str(r) for r in clean.violations]
    assert clean.conforms
    assert clean.triples > 3000


def test_the_bundled_build_warns_of_what_needs_review(clean: ValidationReport) -> None:
    """Uncertain marks, split glued names and 関係府省庁 are warnings, each placed at its row."""
    shapes = {r.shape.rsplit("#", 1)[-1] for r in clean.warnings if r.shape}
    assert {"LegalBasisMark-confidence-review", "Participation-matchMethod-review"} <= shapes
    split = [r for r in clean.warnings if r.shape == KGSH + "Participation-matchMethod-review"]
    assert {r.measure_id for r in split} == {"04-01"}  # 内閣官房デジタル庁
    assert all(r.line == seed_line(r.measure_id) for r in split if r.measure_id)
    for r in clean.warnings:
        assert r.measure_id and r.file == SEED.name and r.line, r


def test_strict_fails_on_warnings(built: Path) -> None:
    assert not validate(built, strict=True).conforms


def test_a_measure_without_its_name(built: Path) -> None:
    store = build_store(built)
    drop_name(store, "06-22")
    r = only(validate(store, headers=HEADERS), "Measure-label")
    assert (r.measure_id, r.file, r.line, r.column_name) == ("06-22", SEED.name, seed_line("06-22"), "施策名")
    assert r.path == "rdfs:label"
    # Without the editions' headers, the column is named by its role.
    assert only(validate(store), "Measure-label").column_name == "measure name"


def test_columns_are_named_by_the_headers_of_the_edition_the_result_is_in(built: Path) -> None:
    store = build_store(built)
    drop_name(store, "06-22")
    assert HEADERS[f"{B}graph/plan/{SEED_KEY}"]["name"] == "施策名"  # from data/editions/2023/edition.toml
    ours = {f"{B}graph/plan/{SEED_KEY}": {"name": "施策の名称"}}
    assert only(validate(store, headers=ours), "Measure-label").column_name == "施策の名称"
    other = {f"{B}graph/plan/2022-06-07": {"name": "施策名（2022）"}}  # another edition's headers
    assert only(validate(store, headers=other), "Measure-label").column_name == "measure name"


def test_a_kpi_due_in_reiwa_99(built: Path) -> None:
    store = build_store(built)
    kpi = f"{PLAN}kpi/04-02-1"
    store.update(PREFIXES + f"""DELETE {{ GRAPH ?g {{ <{kpi}> kg:deadlineFiscalYear ?y }} }}
        WHERE {{ GRAPH ?g {{ <{kpi}> kg:deadlineFiscalYear ?y }} }}""")
    triple = f'<{kpi}> kg:deadlineFiscalYear "2117"^^xsd:gYear'  # 令和99年度
    store.update(PREFIXES + f"INSERT DATA {{ GRAPH <{B}graph/plan/{SEED_KEY}> {{ {triple} }} }}")
    r = only(validate(store, headers=HEADERS), "KPI-deadlineFiscalYear")
    assert (r.measure_id, r.line, r.column_name, r.value) == ("04-02", seed_line("04-02"), "KPI", "2117")
    assert r.focus_node == kpi


def test_a_mark_at_an_unknown_article(built: Path) -> None:
    store = build_store(built)
    found = select(store, """SELECT ?mark ?id ?column WHERE {
        ?m kg:hasMark ?mark ; <http://purl.org/dc/terms/identifier> ?id .
        ?mark kg:confidence kg:HighConfidence ; kg:sourceColumn ?column } ORDER BY ?id ?mark LIMIT 1""")
    mark, measure_id, column = found[0]["mark"].value, found[0]["id"].value, int(found[0]["column"].value)
    replace_value(store, mark, "kg:provision", f"<{B}law/428AC1000000103/2023-06-09/article/99>")
    report = validate(store)
    r = only(report, "LegalBasisMark-provision")
    assert (r.measure_id, r.line, r.column, r.file) == (measure_id, seed_line(measure_id), column, SEED.name)
    assert r.value == f"{B}law/428AC1000000103/2023-06-09/article/99"


def test_a_corporate_number_with_a_wrong_check_digit(built: Path) -> None:
    store = build_store(built)
    replace_value(store, f"{B}org/mic", "kg:corporateNumber", '"2000012020002"')
    r = only(validate(store, headers=HEADERS), "GovernmentOrganization-corporateNumber-checkDigit")
    users = sorted(
        (seed_line(s["id"].value), s["id"].value)
        for s in select(store, f"""SELECT ?id WHERE {{ ?m kg:implementedBy <{B}org/mic> ;
            <http://purl.org/dc/terms/identifier> ?id }}""")
    )
    assert (r.line, r.measure_id) == users[0]
    assert r.other_measures == len(users) - 1
    assert (r.column_name, r.value, r.graph) == ("府省庁名", "2000012020002", f"{B}graph/reference")
    neutral = only(validate(store), "GovernmentOrganization-corporateNumber-checkDigit")
    assert (neutral.line, neutral.column_name) == (r.line, "ministries")


def test_messages_in_both_languages(built: Path) -> None:
    store = build_store(built)
    replace_value(store, f"{B}org/mic", "kg:corporateNumber", '"2000012020002"')
    r = only(validate(store), "GovernmentOrganization-corporateNumber-checkDigit")
    assert "チェックデジット" in r.message("ja")
    assert "check digit" in r.message("en")


# ---------------------------------------------------------------- the build hook


def test_build_validator_adds_violations_to_the_build_report(built: Path, tmp_path: Path) -> None:
    class Staged:
        def __init__(self, name: str, iri: str, path: Path) -> None:
            self.name, self.iri, self.files = name, iri, {"ntriples": path.name}

    graphs = []
    for name, iri, path in manifest_graphs(built):
        text = path.read_text(encoding="utf-8")
        if name == SEED_GRAPH:
            name_triple = f"<{PLAN}measure/06-22> <http://www.w3.org/2000/01/rdf-schema#label> "
            text = "".join(t for t in text.splitlines(keepends=True) if not t.startswith(name_triple))
        (tmp_path / path.name).write_text(text, encoding="utf-8")
        graphs.append(Staged(name, iri, tmp_path / path.name))
    report = Report()
    build_validator(headers=HEADERS)(tmp_path, graphs, report)
    assert [f.code for f in report] == ["shacl-violation"]
    assert not report.valid
    where = report.errors[0].position
    assert (where.measure_id, where.line, where.column_name) == ("06-22", seed_line("06-22"), "施策名")


def test_build_validator_adds_nothing_for_a_conforming_build(built: Path) -> None:
    class Staged:
        def __init__(self, name: str, iri: str, path: Path) -> None:
            self.name, self.iri, self.files = name, iri, {"ntriples": path.name}

    report = Report()
    build_validator()(built, [Staged(*g) for g in manifest_graphs(built)], report)
    assert list(report) == []


# ---------------------------------------------------------------- the command


def run(*args: str) -> tuple[int, str, str]:
    _register()
    result = CliRunner().invoke(cli, ["validate", *args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def broken_trig(built: Path, tmp_path: Path) -> Path:
    store = build_store(built)
    drop_name(store, "06-22")
    path = tmp_path / "broken.trig"
    store.dump(path, format=ox.RdfFormat.TRIG)
    return path


def test_cli_exit_0_on_the_bundled_build(built: Path) -> None:
    code, out, _err = run(str(built))
    assert code == 0
    assert out.splitlines()[-1].startswith("conforms: 0 violation(s)")


def test_cli_reports_measure_line_and_column_and_exits_4(built: Path, tmp_path: Path) -> None:
    code, out, _err = run(str(broken_trig(built, tmp_path)))
    assert code == 4
    line = next(row for row in out.splitlines() if row.startswith("violation:"))
    assert f"{SEED.name}:{seed_line('06-22')}" in line
    assert "measure 06-22" in line and "column 施策名" in line and "rdfs:label" in line


def test_cli_lang_ja(built: Path, tmp_path: Path) -> None:
    _code, out, _err = run("--lang", "ja", str(broken_trig(built, tmp_path)))
    assert "施策名（日本語、空でない）がちょうど1つ必要" in out


def test_cli_formats(built: Path, tmp_path: Path) -> None:
    broken = str(broken_trig(built, tmp_path))
    code, out, _err = run("--format", "json", broken)
    document = json.loads(out)
    assert code == 4 and document["conforms"] is False and document["counts"]["violation"] == 1
    violation = next(r for r in document["results"] if r["severity"] == "violation")
    assert (violation["measure_id"], violation["line"]) == ("06-22", seed_line("06-22"))
    assert violation["message_ja"] and violation["message_en"]

    _code, out, _err = run("--format", "csv", broken)
    header, *rows = out.splitlines()
    assert header.startswith("severity,measure_id,file,line,column,column_name,path,value,message")
    assert any(r.startswith(f"violation,06-22,{SEED.name},{seed_line('06-22')},") for r in rows)

    _code, out, _err = run("--format", "turtle", broken)
    report = Graph().parse(data=out, format="turtle")
    assert [c.toPython() for c in report.objects(None, SH.conforms)] == [False]  # type: ignore[attr-defined]
    assert len(set(report.subjects(SH.focusNode, None))) == len(document["results"])


def test_cli_strict_fails_on_warnings(built: Path) -> None:
    code, _out, _err = run("--strict", str(built))
    assert code == 4


def test_cli_validates_ntriples_files(built: Path) -> None:
    files = [str(p) for _n, _i, p in manifest_graphs(built)]
    code, out, _err = run(*files)
    assert code == 0
    assert f"{SEED_GRAPH}.nt" not in out or "warning" in out


def test_cli_output_file(built: Path, tmp_path: Path) -> None:
    target = tmp_path / "report.csv"
    code, out, err = run("--format", "csv", "-o", str(target), str(built))
    assert code == 0 and out == ""
    assert target.read_text(encoding="utf-8").startswith("severity,")
    assert "violation(s)" in err


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("graph.rdf", "<rdf:RDF/>", "unknown RDF file type"),
        ("broken.ttl", "<a> <b> .", "not valid Turtle"),
        ("missing.nt", None, "no such file"),
    ],
)
def test_cli_bad_input_exits_3(tmp_path: Path, name: str, content: str | None, message: str) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    code, _out, err = run(str(path))
    assert code == InputError.exit_code
    assert message in err and name in err


def test_cli_without_a_build_exits_3(tmp_path: Path) -> None:
    code, _out, err = run("--build-dir", str(tmp_path / "nothing"))
    assert code == InputError.exit_code
    assert "run kg build first" in err


def test_validate_accepts_an_rdflib_dataset(built: Path) -> None:
    from rdflib import Dataset

    data = Dataset()
    data.parse(built / "dataset.trig", format="trig")
    report = validate(data)
    assert report.conforms and report.warnings


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_json_report_is_json_dumps_of_the_document(clean: ValidationReport, lang: str) -> None:
    """kg.validate.render.render_json writes a result at a time; the text is json.dumps's, byte for byte."""
    from kg.validate.render import _record, render_json

    for report in (clean, dataclasses.replace(clean, results=clean.results[:1]),
                   dataclasses.replace(clean, results=())):
        results = [{**_record(r, lang), "message_ja": r.message_ja, "message_en": r.message_en}
                   for r in report.results]
        document = {"conforms": report.conforms, "strict": report.strict, "counts": report.counts(),
                    "triples": report.triples,
                    "seconds": {k: round(v, 3) for k, v in report.timings.items()}, "results": results}
        assert render_json(report, lang) == json.dumps(document, ensure_ascii=False, indent=1) + "\n"

"""End to end: `kg build` on the bundled edition, read back from what it wrote."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner

from kg.build.pipeline import BuildResult, build
from kg.cli import _register, cli
from kg.config import load_settings
from kg.vocabulary import KG
from tests.paths import ROOT, SEED, SEED_GRAPH, SEED_KEY, pin

GOLDEN = Path(__file__).parent / "golden"
PLAN = f"https://kg.example.jp/plan/{SEED_KEY}/"


def _store(built: Path) -> ox.Store:
    store = ox.Store()
    manifest = json.loads((built / "manifest.json").read_text())
    for g in manifest["graphs"]:
        store.load(path=built / g["ntriples"], format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(g["iri"]))
    return store


def _select(store: ox.Store, query: str) -> list[tuple[str, ...]]:
    result = store.query(query, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    return [tuple(str(t.value) if t is not None else "" for t in row) for row in result]


@pytest.fixture(scope="module")
def store(built: Path) -> ox.Store:
    return _store(built)


def test_all_48_measures_with_names_exactly_as_in_the_source(store: ox.Store) -> None:
    names = {}
    for line in SEED.read_text(encoding="utf-8").splitlines():
        cells = line.split("\t")
        if re.match(r"^\d{2}-\d{2}$", cells[0]):
            names[cells[0]] = cells[1]
    assert len(names) == 48
    rows = _select(
        store,
        f"""PREFIX kg: <{KG}> PREFIX dcterms: <http://purl.org/dc/terms/>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?id ?name WHERE {{ ?m a kg:Measure ; dcterms:identifier ?id ; rdfs:label ?name }}""",
    )
    assert dict(rows) == names


KPI_COUNTS = {"03-01": 0, "04-01": 2, "04-02": 4, "06-18": 2, "06-23": 6, "08-04": 4, "09-36": 8}


@pytest.mark.parametrize(("measure_id", "count"), KPI_COUNTS.items())
def test_kpi_counts_in_the_graph(store: ox.Store, measure_id: str, count: int) -> None:
    rows = _select(
        store,
        f"""PREFIX kg: <{KG}>
        SELECT (COUNT(?k) AS ?n) WHERE {{ <{PLAN}measure/{measure_id}> kg:hasKPI ?k }}""",
    )
    assert rows == [(str(count),)]


ORGS = {
    "04-01": [("cas", True), ("da", False)],
    "04-07": [("mic", True), ("da", False), ("ppc", False), ("meti", False)],
    "06-14": [("da", True), ("mof", False), ("meti", False)],
    "06-22": [("mic", True), ("da", False), ("mhlw", False), ("meti", False)],
    "06-23": [("fdma", True)],
    "09-34": [("mext", True), ("cao", False)],
    "09-35": [("mext", True), ("meti", False)],
}


@pytest.mark.parametrize(("measure_id", "expected"), ORGS.items())
def test_organisations_with_lead_flags(
    store: ox.Store, measure_id: str, expected: list[tuple[str, bool]]
) -> None:
    rows = _select(
        store,
        f"""PREFIX kg: <{KG}>
        SELECT ?org ?role WHERE {{ <{PLAN}measure/{measure_id}> kg:hasParticipation ?p .
          ?p kg:organization ?org ; kg:role ?role ; kg:order ?n }} ORDER BY ?n""",
    )
    got = [(org.rsplit("/", 1)[1], role == KG + "LeadRole") for org, role in rows]
    assert got == expected


def test_concerned_ministries_is_a_flag(store: ox.Store) -> None:
    rows = _select(
        store,
        f"""PREFIX kg: <{KG}>
        SELECT ?m WHERE {{ ?m kg:concernedMinistries true }}""",
    )
    assert rows == [(f"{PLAN}measure/04-07",)]


def test_only_certain_marks_become_legal_basis_facts(store: ox.Store) -> None:
    rows = _select(
        store,
        f"""PREFIX kg: <{KG}>
        SELECT ?conf (COUNT(*) AS ?n) WHERE {{
          ?m kg:hasMark ?mark . ?mark kg:confidence ?conf ; kg:provision ?p ; kg:strength ?s .
          FILTER EXISTS {{ ?m kg:primaryLegalBasis|kg:linkedLegalBasis ?p }} }} GROUP BY ?conf""",
    )
    assert rows == [(KG + "HighConfidence", "5")]


BASE = "https://kg.example.jp/"
EDITION = f"{BASE}plan/{SEED_KEY}"


def test_named_graphs_and_files_are_keyed_by_the_decision_date(built: Path) -> None:
    manifest = json.loads((built / "manifest.json").read_text())
    assert [(g["name"], g["iri"], g["ntriples"]) for g in manifest["graphs"]] == [
        ("ontology", f"{BASE}graph/ontology", "ontology.nt"),
        ("reference", f"{BASE}graph/reference", "reference.nt"),
        (SEED_GRAPH, f"{BASE}graph/plan/{SEED_KEY}", f"{SEED_GRAPH}.nt"),
        ("lineage", f"{BASE}graph/lineage", "lineage.nt"),
    ]


def test_the_edition_is_identified_by_its_decision_date(store: ox.Store) -> None:
    rows = _select(
        store,
        f"""PREFIX kg: <{KG}> PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?e ?id ?issued WHERE {{
          ?e a kg:PlanEdition ; dcterms:identifier ?id ; dcterms:issued ?issued }}""",
    )
    assert rows == [(EDITION, SEED_KEY, SEED_KEY)]


def test_every_measure_has_its_lineage_in_the_lineage_graph(store: ox.Store) -> None:
    rows = _select(
        store,
        f"""PREFIX kg: <{KG}> PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?id ?l ?first WHERE {{
          GRAPH <{BASE}graph/plan/{SEED_KEY}> {{ ?m a kg:Measure ; dcterms:identifier ?id ; kg:lineage ?l }}
          GRAPH <{BASE}graph/lineage> {{ ?l a kg:MeasureLineage ; kg:firstEdition ?first }} }}""",
    )
    assert len(rows) == 48
    # No crosswalk row in data/lineage.csv: each measure starts its own lineage in this edition.
    for measure_id, lineage, first in rows:
        assert (lineage, first) == (f"{BASE}lineage/{SEED_KEY}/{measure_id}", EDITION)


def test_articles_are_provisions_and_the_renumbering_is_data(store: ox.Store) -> None:
    law = f"{BASE}law/503AC0000000035"
    rows = _select(
        store,
        f"""PREFIX kg: <{KG}>
        SELECT ?n ?p ?current WHERE {{
          ?a kg:articleNumber ?n ; kg:asProvision ?p ; kg:columnLabel ?label .
          ?p a kg:Provision .
          OPTIONAL {{ ?a kg:currentArticleNumber ?current }}
          FILTER(STRSTARTS(STR(?a), "{law}/{SEED_KEY}/article/")) FILTER(?n >= 33) }} ORDER BY ?n""",
    )
    # Arts. 34 and 35 of 2023-06-09 are the provisions numbered 35 and 36 since the 2024 amendment.
    assert rows == [
        ("33", f"{law}/provision/33", ""),
        ("34", f"{law}/provision/34", "35"),
        ("35", f"{law}/provision/35", "36"),
    ]
    # Every article any mark points to is a provision.
    orphans = _select(
        store,
        f"""PREFIX kg: <{KG}>
        SELECT DISTINCT ?a WHERE {{ ?mark kg:provision ?x .
          OPTIONAL {{ ?x <http://data.europa.eu/eli/ontology#is_part_of> ?parent . ?parent a kg:Article }}
          BIND(COALESCE(?parent, ?x) AS ?a)
          FILTER NOT EXISTS {{ ?a kg:asProvision/a kg:Provision }} }}""",
    )
    assert orphans == []


def test_one_kpi_column_gives_no_kpi_kind(store: ox.Store) -> None:
    assert _select(store, f"PREFIX kg: <{KG}> SELECT ?k WHERE {{ ?k kg:kpiKind ?kind }}") == []


@pytest.mark.parametrize("measure_id", ["06-22", "06-16", "04-01"])
def test_golden_mapping_of_a_measure(built: Path, measure_id: str) -> None:
    pattern = re.compile(rf"/(measure|kpi|mark|participation)/{re.escape(measure_id)}[>-]")
    lines = [
        line
        for line in (built / f"{SEED_GRAPH}.nt").read_text().splitlines(keepends=True)
        if pattern.search(line)
    ]
    assert "".join(lines) == (GOLDEN / f"measure-{measure_id}.nt").read_text()


def test_every_kg_term_used_is_declared_in_the_ontology(built: Path, store: ox.Store) -> None:
    used = set()
    for name in ("reference.nt", f"{SEED_GRAPH}.nt", "lineage.nt"):
        for t in ox.parse(path=built / name, format=ox.RdfFormat.N_TRIPLES):
            for term in (t.predicate, t.object):
                if isinstance(term, ox.NamedNode) and term.value.startswith(KG):
                    used.add(term.value)
            if t.predicate.value.endswith("#type") and isinstance(t.object, ox.NamedNode):
                used.add(t.object.value)
    used = {u for u in used if u.startswith(KG)}
    declared = {
        s.value
        for s in (
            q.subject
            for q in ox.parse(path=built / "ontology.nt", format=ox.RdfFormat.N_TRIPLES)
            if q.predicate.value.endswith("#type")
        )
        if isinstance(s, ox.NamedNode)
    }
    assert used, "the graph uses kg: terms"
    assert sorted(used - declared) == []


@pytest.mark.parametrize(
    ("name", "rdflib_format", "ox_format"),
    [
        ("ontology.ttl", "turtle", ox.RdfFormat.TURTLE),
        ("reference.ttl", "turtle", ox.RdfFormat.TURTLE),
        (f"{SEED_GRAPH}.ttl", "turtle", ox.RdfFormat.TURTLE),
        (f"{SEED_GRAPH}.nt", "nt", ox.RdfFormat.N_TRIPLES),
        ("dataset.trig", "trig", ox.RdfFormat.TRIG),
        ("dataset.jsonld", "json-ld", ox.RdfFormat.JSON_LD),
    ],
)
def test_outputs_parse_with_rdflib_and_pyoxigraph(
    built: Path, name: str, rdflib_format: str, ox_format: ox.RdfFormat
) -> None:
    manifest = json.loads((built / "manifest.json").read_text())
    total = sum(g["triples"] for g in manifest["graphs"])
    expected = (
        total
        if name.startswith("dataset")
        else next(g["triples"] for g in manifest["graphs"] if name.startswith(g["name"] + "."))
    )
    ox_count = sum(1 for _ in ox.parse(path=built / name, format=ox_format))
    assert ox_count == expected
    if name.startswith("dataset"):
        ds = rdflib.Dataset()
        ds.parse(built / name, format=rdflib_format)
        assert len(ds) == expected
    else:
        g = rdflib.Graph()
        g.parse(built / name, format=rdflib_format)
        assert len(g) == expected


def test_ontology_source_parses_with_both_libraries() -> None:
    path = ROOT / "ontology" / "kg.ttl"
    assert len(rdflib.Graph().parse(path, format="turtle")) == sum(
        1 for _ in ox.parse(path=path, format=ox.RdfFormat.TURTLE)
    )


def test_two_builds_give_identical_bytes(built: Path, tmp_path: Path) -> None:
    again = build(load_settings(ROOT), out_dir=tmp_path / "again")
    assert again.written
    files = sorted(p.name for p in built.iterdir())
    assert files == sorted(p.name for p in (tmp_path / "again").iterdir())
    for name in files:
        assert (built / name).read_bytes() == (tmp_path / "again" / name).read_bytes(), name


def test_n_triples_are_sorted(built: Path) -> None:
    for name in ("ontology.nt", "reference.nt", f"{SEED_GRAPH}.nt", "lineage.nt"):
        lines = (built / name).read_bytes().splitlines()
        assert lines == sorted(lines), name


def test_base_iri_is_configurable(tmp_path: Path) -> None:
    settings = load_settings(ROOT).with_overrides(base_iri="https://data.example.org/kg/")
    result = build(settings, out_dir=tmp_path / "b", formats=("nt",))
    text = (tmp_path / "b" / f"{SEED_GRAPH}.nt").read_text()
    assert f"<https://data.example.org/kg/plan/{SEED_KEY}/measure/06-22>" in text
    assert "kg.example.jp/plan" not in text
    assert result.written


def test_cli_build_prints_summary_and_writes(tmp_path: Path) -> None:
    _register()
    out = tmp_path / "cli"
    res = CliRunner().invoke(cli, ["build", "--no-validate", "--out", str(out), "--formats", "nt"])
    assert res.exit_code == 0, res.output
    assert (
        f"edition {SEED_KEY} (000_12dec0b774bbd4f2.txt): 48 measures, 98 KPIs,"
        " 23 marks (high 5, medium 2, low 16; measures without a mark: 35)" in res.stdout
    )
    assert "skipped (--no-validate)" in res.stdout
    assert (out / f"{SEED_GRAPH}.nt").is_file() and not (out / f"{SEED_GRAPH}.ttl").exists()


def test_failed_build_leaves_previous_output_untouched(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data" / "editions", data / "editions")
    out = tmp_path / "out"
    first = build(load_settings(ROOT).with_overrides(data_dir=data), out_dir=out, formats=("nt",))
    assert first.written
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    seed = data / "editions" / "2023" / SEED.name
    seed.chmod(0o644)
    seed.write_text(SEED.read_text(encoding="utf-8").replace("03-02\t", "03-01\t", 1), encoding="utf-8")
    pin(data / "editions" / "2023")
    second = build(load_settings(ROOT).with_overrides(data_dir=data), out_dir=out, formats=("nt",))
    assert not second.written
    [dup] = [f for f in second.report.errors]
    assert dup.code == "duplicate-measure-id" and dup.position.line == 6
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_changed_source_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data" / "editions", data / "editions")
    seed = data / "editions" / "2023" / SEED.name
    seed.chmod(0o644)
    seed.write_text(SEED.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    from kg.errors import InputError

    with pytest.raises(InputError, match="SHA-256"):
        build(load_settings(ROOT).with_overrides(data_dir=data), out_dir=tmp_path / "o")


def test_build_result_counts(build_result: BuildResult) -> None:
    [e] = build_result.editions
    assert (e.measures, e.kpis, sum(e.marks.values())) == (48, 98, 23)
    assert len(e.organizations) == 16


def test_refuses_to_replace_a_folder_that_is_not_a_build(tmp_path: Path) -> None:
    from kg.errors import ConfigError

    keep = tmp_path / "keep"
    keep.mkdir()
    (keep / "notes.txt").write_text("mine")
    with pytest.raises(ConfigError, match="not an earlier kg build"):
        build(load_settings(ROOT), out_dir=keep, formats=("nt",))
    assert (keep / "notes.txt").read_text() == "mine"
    with pytest.raises(ConfigError, match="data folder"):
        build(load_settings(ROOT), out_dir=ROOT / "data", formats=("nt",))


def test_build_folder_is_readable_by_others(tmp_path: Path) -> None:
    import os

    old = os.umask(0o022)
    try:
        build(load_settings(ROOT), out_dir=tmp_path / "pub", formats=("nt",))
    finally:
        os.umask(old)
    assert (tmp_path / "pub").stat().st_mode & 0o777 == 0o755


def test_a_violation_stops_the_build(tmp_path: Path) -> None:
    from kg.findings import finding

    def reject(stage: Path, graphs: object, report: object) -> None:
        assert hasattr(report, "add")
        report.add(finding("shacl-violation", message="made up"))

    result = build(load_settings(ROOT), out_dir=tmp_path / "v", formats=("nt",), validator=reject)
    assert (result.written, result.validated) == (False, False)
    assert not (tmp_path / "v").exists()

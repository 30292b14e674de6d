"""Partitioned validation (kg/validate/partition.py) gives the whole-graph run's results, in its order.

The data: 1,000 synthetic measures (bench/generate.py) built by kg build, with
violations planted where partitions meet: a KPI claimed by a measure of
another partition, a measure whose lineage is another measure's, a row no
measure derives from, a measure led by something that is no organisation,
a broken organisation (global data), a missing name, a wrong datatype, an
unknown property (closed shapes), an edition without its source file.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import URIRef

from kg.build.pipeline import build
from kg.config import load_settings
from kg.validate import ResultSeverity, ValidationReport, validate
from kg.validate.core import prepared_shapes
from kg.validate.data import load
from kg.validate.locality import local_checks
from kg.validate.partition import GLOBAL, Partitioner, partition_safe
from kg.validate.results import read_report
from kg.validate.shapes import SparqlCheck, shape_files
from tests.paths import ROOT
from tests.test_scale import _generator

KG = "https://kg.example.jp/def/kg#"
PLAN = "https://kg.example.jp/plan/2022-06-07/"
GRAPH = "plan-2022-06-07.nt"


@pytest.fixture(scope="module")
def synthetic_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("synthetic") / "data"
    _generator().generate(1000, 11, data / "editions" / "2099")
    for entry in (ROOT / "data").iterdir():
        if entry.name != "editions":
            (data / entry.name).symlink_to(entry)
    out = tmp_path_factory.mktemp("built") / "build"
    result = build(load_settings(ROOT).with_overrides(data_dir=data), out_dir=out, formats=("nt",))
    assert result.written, [str(f) for f in result.report.errors][:5]
    return out


def _plant(build_dir: Path, target: Path) -> None:
    """Copy the build and break it where partitions meet."""
    shutil.copytree(build_dir, target)
    plan = target / GRAPH
    lines = plan.read_text(encoding="utf-8").splitlines(keepends=True)
    measures = sorted({line.split(" ", 1)[0] for line in lines if line.startswith(f"<{PLAN}measure/")})
    kpis = [line for line in lines if line.startswith(f"<{PLAN}measure/") and f"<{KG}hasKPI>" in line]
    partitioner = Partitioner(5)
    first = measures[0]
    # a measure of another partition claims a KPI: the KPI has two measures (an inverse path across parts)
    other = next(m for m in measures if partitioner.of(m) != partitioner.of(kpis[0].split(" ")[2]))
    added = [f"{other} <{KG}hasKPI> {kpis[0].split(' ')[2]} .\n"]
    # a measure whose lineage is another measure's (two lineages; a lineage's member in another part)
    lineage = next(line for line in lines if line.startswith(measures[-1]) and f"<{KG}lineage>" in line)
    added.append(f"{measures[1]} <{KG}lineage> {lineage.split(' ')[2]} .\n")
    # a measure led by a node that is no organisation (sh:class on a value of another partition)
    added.append(f"{measures[2]} <{KG}ledBy> {kpis[1].split(' ')[2]} .\n")
    # a row no measure derives from, a wrong datatype, an unknown property
    added.append(f"<{PLAN}row/999999> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{KG}SourceRow> .\n")
    added.append(f'{measures[3]} <http://purl.org/dc/terms/identifier> "x"^^<{KG}bogus> .\n')
    added.append(f'{measures[4]} <{KG}notInTheVocabulary> "1" .\n')
    removed = {line for line in lines if line.startswith(first) and "rdf-schema#label" in line}
    removed |= {line for line in lines if line.startswith(f"<{PLAN[:-1]}>") and "prov#wasDerivedFrom" in line}
    plan.write_text("".join([line for line in lines if line not in removed] + added), encoding="utf-8")
    _break_organisation(target)


def _break_organisation(target: Path, used: bool = False) -> None:
    """Global data: an organisation with a 12-digit 法人番号, a focus node in every part's context
    (with ``used``, one that measures of several parts implement)."""
    users = {line.split(" ")[2] for line in (target / GRAPH).read_text(encoding="utf-8").splitlines()
             if f"<{KG}implementedBy>" in line} if used else set()
    ref = target / "reference.nt"
    text = ref.read_text(encoding="utf-8")
    number = next(line for line in text.splitlines() if f"<{KG}corporateNumber> \"" in line
                  and (not used or line.split(" ")[0] in users))
    value = number.split('"')[1]
    ref.write_text(text.replace(number, number.replace(f'"{value}"', f'"{value[:-1]}"')), encoding="utf-8")


def test_the_shapes_can_be_partitioned() -> None:
    core, _checks = prepared_shapes(tuple(shape_files()))
    assert partition_safe(core)


def test_nodes_of_a_measure_share_its_partition() -> None:
    p = Partitioner(7)
    measure = p.of(f"<{PLAN}measure/06-22>")
    assert measure != GLOBAL
    for node in (f"{PLAN}kpi/06-22-3", f"{PLAN}kpi/06-22-3/figure/1", f"{PLAN}mark/06-22-1",
                 f"{PLAN}participation/06-22-2", "https://kg.example.jp/lineage/2022-06-07/06-22"):
        assert p.of(f"<{node}>") == measure, node
    assert p.of("<https://kg.example.jp/org/1000012010001>") == GLOBAL
    assert p.of(f"<{PLAN[:-1]}>") == GLOBAL


def test_partitioned_results_equal_the_whole_graph_run(synthetic_build: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    _plant(synthetic_build, broken)
    whole = validate(broken, parts=0)
    parts = validate(broken, parts=5, jobs=2)
    assert parts.results == whole.results  # the same results in the same order
    assert parts.triples == whole.triples
    violations = whole.violations
    shapes = {r.shape.rsplit("#", 1)[-1] for r in violations if r.shape}
    # every planted violation is found (and so found by both runs)
    for shape in ("KPI-measure", "Measure-label", "Measure-lineage", "Measure-ledBy", "SourceRow-measure",
                  "PlanEdition-wasDerivedFrom", "GovernmentOrganization-corporateNumber"):
        assert shape in shapes, (shape, sorted(shapes))
    closed = [r for r in violations if "notInTheVocabulary" in (r.path or "")]
    assert closed and closed[0].severity is ResultSeverity.VIOLATION
    assert len(violations) >= 9


def test_only_the_severities_asked_for(synthetic_build: Path, tmp_path: Path) -> None:
    """What a build asks for (violations): the same results as the full report's, in both runs."""
    broken = tmp_path / "broken"
    _plant(synthetic_build, broken)
    whole = validate(broken, parts=0)
    expected = tuple(r for r in whole.results if r.severity is ResultSeverity.VIOLATION)
    assert expected and len(expected) < len(whole.results)
    for parts in (0, 5):
        only = validate(broken, parts=parts, jobs=2, severities=[ResultSeverity.VIOLATION])
        assert only.results == expected
    clean = tmp_path / "clean"
    shutil.copytree(synthetic_build, clean)
    _break_organisation(clean, used=True)
    expected = validate(clean, parts=0).violations
    loaded = load(clean)
    assert validate(loaded, parts=4, jobs=2, severities=[ResultSeverity.VIOLATION]).results == tuple(expected)
    assert not loaded.loaded


def test_partitioned_results_equal_on_clean_data(synthetic_build: Path) -> None:
    whole = validate(synthetic_build, parts=0)
    parts = validate(synthetic_build, parts=3, jobs=1)
    assert parts.results == whole.results and whole.warnings and not whole.violations


def test_clean_data_is_checked_and_traced_in_the_parts_without_a_whole_store(
    synthetic_build: Path, tmp_path: Path
) -> None:
    """No link crosses partitions: the SPARQL checks and the tracing run in the parts, the store is never
    loaded; a result on global data is placed at its first user over all parts, with the others counted."""
    broken = tmp_path / "broken"
    shutil.copytree(synthetic_build, broken)
    _break_organisation(broken, used=True)
    whole = validate(broken, parts=0)
    loaded = load(broken)
    parts = validate(loaded, parts=4, jobs=2)
    assert not loaded.loaded
    assert parts.results == whole.results and parts.triples == whole.triples
    shape = "GovernmentOrganization-corporateNumber"
    [org] = [r for r in whole.violations if (r.shape or "").endswith(shape)]
    assert org.measure_id and org.other_measures > 0

    def raw(report: ValidationReport) -> list[tuple[str, ...]]:
        return sorted(tuple(str(x) for x in (r.severity, r.focus, r.path, r.inverse, r.value, r.shape,
                                             r.component, sorted(r.messages)))
                      for r in read_report(report.report_graph))

    assert raw(parts) == raw(whole)  # the SHACL report graph (--format turtle) holds the same results


def test_links_across_partitions_fall_back_to_the_whole_store(synthetic_build: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    _plant(synthetic_build, broken)
    loaded = load(broken)
    assert validate(loaded, parts=5, jobs=1).results == validate(broken, parts=0).results
    assert loaded.loaded  # the SPARQL checks and the tracing needed the whole data


def test_the_shapes_sparql_checks_are_local() -> None:
    _core, checks = prepared_shapes(tuple(shape_files()))
    reach = local_checks(checks)
    assert reach is not None
    assert reach.inverse == {f"<{KG}citation>"}  # a citation's organisation: global nodes only


@pytest.mark.parametrize(
    "select",
    [
        "SELECT $this WHERE { ?other <urn:p> ?x . }",  # a pattern not reached from $this
        "SELECT $this WHERE { $this <urn:p> ?x . ?y <urn:q>/<urn:r> ?x }",  # a path read backwards
        "SELECT $this WHERE { $this ^<urn:p> ?x . }",  # an inverse path
        "SELECT $this WHERE { $this <urn:p> ?x . MINUS { ?x <urn:q> ?y } }",
        "SELECT $this WHERE { { SELECT ?x WHERE { ?x <urn:p> ?y } } $this <urn:q> ?x }",
        "SELECT $this WHERE { { $this <urn:p> ?x } UNION { ?x <urn:q> ?y . ?y <urn:r> ?z } }",
    ],
)
def test_a_check_reaching_further_is_not_local(select: str) -> None:
    check = SparqlCheck(URIRef("urn:s"), URIRef("urn:c"), select, URIRef("urn:v"), (), None, True)
    assert local_checks([check]) is None


def test_a_store_or_turtle_files_are_partitioned_too(built: Path) -> None:
    """Sources that are not a build's N-Triples (a store, Turtle files) are dumped per graph, then split."""
    import pyoxigraph as ox

    from kg.validate.data import manifest_graphs

    store = ox.Store()
    for _name, iri, path in manifest_graphs(built):
        store.bulk_load(path=path, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(iri))
    whole = validate(store, parts=0)
    assert validate(store, parts=2, jobs=1).results == whole.results
    turtle = sorted(built.glob("*.ttl"))
    assert turtle and validate(turtle, parts=3, jobs=1).results == validate(turtle, parts=0).results


def test_a_graph_filled_in_bulk_is_the_graph_added_triple_by_triple(built: Path) -> None:
    """kg.validate.data.OneGraphMemory: the same store state as Memory.add, and the same answers."""
    import pyoxigraph as ox
    from rdflib import Graph

    from kg.validate.data import graph_of, manifest_graphs, rdflib_term

    quads = [q for _n, _iri, path in manifest_graphs(built)
             for q in ox.parse(path=path, format=ox.RdfFormat.N_TRIPLES)]
    quads += quads[:50]  # a triple twice
    bulk = graph_of(quads)
    one = Graph()
    for q in quads:
        one.add((rdflib_term(q.subject), rdflib_term(q.predicate), rdflib_term(q.object)))

    def private(graph: Graph) -> dict[str, object]:
        fields = vars(graph.store).items()
        return {k.replace("_Memory__", ""): v for k, v in fields if k.startswith("_Memory__")}

    state, expected = private(bulk), private(one)
    state.pop("context_obj_map"), expected.pop("context_obj_map")  # each names its own graph object
    assert state.pop("all_contexts") == {bulk} and expected.pop("all_contexts") == {one}
    state = {k: v for k, v in state.items() if k not in ("namespace", "prefix")}
    expected = {k: v for k, v in expected.items() if k not in ("namespace", "prefix")}
    rename = {f"URIRef:{bulk.identifier}": "g", f"BNode:{bulk.identifier}": "g",
              f"URIRef:{one.identifier}": "g", f"BNode:{one.identifier}": "g"}

    def named(value: object) -> object:
        if isinstance(value, dict):
            return {rename.get(k, k) if isinstance(k, str) else k: named(v) for k, v in value.items()}
        return value

    assert named(state) == named(expected)
    assert dict(bulk.namespaces()) == dict(one.namespaces())
    s, p, o = next(iter(one))
    for pattern in [(None, None, None), (s, None, None), (s, p, None), (s, p, o), (None, p, None),
                    (None, p, o), (None, None, o), (s, None, o)]:
        assert list(bulk.triples(pattern)) == list(one.triples(pattern)), pattern
    assert len(bulk) == len(one)

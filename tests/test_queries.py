"""The bundled queries: expected answers on the bundled 2023 edition, embedded and on Oxigraph server.

Every bundled query runs twice, on the embedded store and on a real Oxigraph
server holding the same build, and the two answers must be equal, row for
row. The expected answers pin facts read from the source table itself (the
organisations in the 府省庁名 cells, the measure IDs, the empty KPI cells),
not whatever the builder happens to infer, so that they hold while the
normalisers improve.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from kg.errors import QueryError
from kg.query import bind, bundled_queries, find_query, prepare, resolve_values, run_query
from kg.query.catalogue import QUERIES_DIR, parse_query_text
from kg.store import EmbeddedStore, RemoteEndpoint, Results, read_manifest
from tests.oxigraph_server import OxigraphServer, fixture_oxigraph_with_build  # noqa: F401

QUERY_NAMES = sorted(p.stem for p in QUERIES_DIR.glob("*.rq"))
SOURCE_SHA256 = "a3e4a72fc4239d4d1821d369219309031f78820413c1c7934d6725ea78a8bbd9"
SEARCH = {"search-measures": {"text": "オープンデータ"}}


@pytest.fixture(scope="module")
def embedded(built: Path) -> EmbeddedStore:
    return EmbeddedStore.open(built)


@pytest.fixture(scope="module")
def remote(oxigraph_with_build: OxigraphServer, built: Path) -> RemoteEndpoint:
    return RemoteEndpoint(oxigraph_with_build.query_url, read_manifest(built).graph_iris, timeout=30)


def rows(results: Results) -> list[dict[str, str]]:
    """Bindings as plain values (IRIs, lexical forms): what the tests compare against."""
    return [{k: v["value"] for k, v in b.items()} for b in results["results"]["bindings"]]


def normalised(results: Results) -> tuple[list[str], list[dict[str, tuple[str, ...]]]]:
    """Results in a form where equal answers from different stores compare equal."""
    def term(t: dict[str, Any]) -> tuple[str, ...]:
        kind = "literal" if t["type"] == "typed-literal" else t["type"]
        if kind != "literal":
            return (kind, t["value"])
        lang = t.get("xml:lang", "")
        dt = t.get("datatype", "" if lang else "http://www.w3.org/2001/XMLSchema#string")
        return (kind, t["value"], lang.lower(), dt)

    bindings = results["results"]["bindings"]
    return results["head"]["vars"], [{k: term(v) for k, v in b.items()} for b in bindings]


def answer(store: EmbeddedStore, name: str, **params: str) -> list[dict[str, str]]:
    return rows(run_query(find_query(name), params, store))


# --- the catalogue --------------------------------------------------------------------------


def test_at_least_twelve_bundled_queries_each_with_a_full_header() -> None:
    docs = bundled_queries()
    assert len(docs) >= 12
    for doc in docs:
        assert doc.title_ja and doc.title_en and doc.description, doc.name
        for p in doc.parameters:
            assert p.description, f"{doc.name}: parameter {p.name} has no description"
        assert doc.text.lstrip().startswith("# title@ja:"), doc.name


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_every_declared_parameter_is_used(name: str) -> None:
    doc = find_query(name)
    for p in doc.parameters:
        assert f"?{p.name}" in doc.text.split("WHERE", 1)[1], f"{name}: ?{p.name} never used"


def test_header_parsing() -> None:
    text = (
        "# title@ja: 題\n# title@en: Title\n# description: first line,\n#   second line.\n"
        "# param fy: integer = 2025\n#   The year.\n# param who: string\n#   Required.\n"
        "SELECT * WHERE { ?s ?p ?o }\n"
    )
    doc = parse_query_text(text, Path("x.rq"), "x")
    assert (doc.title_ja, doc.title_en, doc.description) == ("題", "Title", "first line, second line.")
    assert [(p.name, p.type, p.default, p.description) for p in doc.parameters] == [
        ("fy", "integer", "2025", "The year."),
        ("who", "string", None, "Required."),
    ]


@pytest.mark.parametrize(
    "line",
    ["# param x: colour = red", "# param x: integer = twelve", "# param x: iri = not an iri"],
)
def test_bad_parameter_declarations_are_refused(line: str) -> None:
    with pytest.raises(QueryError, match=r"x\.rq:1"):
        parse_query_text(line + "\nSELECT * WHERE {}\n", Path("x.rq"), "x")


# --- binding ---------------------------------------------------------------------------------


INJECTION = '" } ; DROP ALL ; #'


def test_an_injection_attempt_is_one_string_literal(embedded: EmbeddedStore) -> None:
    doc = find_query("measures-by-ministry")
    text = prepare(doc, {"ministry": INJECTION})
    assert '"\\" } ; DROP ALL ; #"' in text  # escaped, inside the VALUES block
    assert rows(embedded.select(text)) == []
    probe = parse_query_text(
        "# param v: string\nSELECT ?v WHERE { }\n", Path("probe.rq"), "probe"
    )
    assert rows(run_query(probe, {"v": INJECTION}, embedded)) == [{"v": INJECTION}]
    # The store is untouched: the build's triples are all still there.
    count = embedded.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert int(rows(count)[0]["n"]) == sum(g.triples for g in embedded.manifest.graphs)


@pytest.mark.parametrize(
    "value",
    ["a\nb", "back\\slash", "'single'", '"""triple"""', "}", "# not a comment", "<http://x> ?x"],
)
def test_awkward_strings_round_trip(embedded: EmbeddedStore, value: str) -> None:
    probe = parse_query_text("# param v: string\nSELECT ?v WHERE { }\n", Path("p.rq"), "p")
    assert rows(run_query(probe, {"v": value}, embedded)) == [{"v": value}]


@pytest.mark.parametrize(
    ("kind", "value"),
    [("iri", "http://x/> } DROP ALL"), ("iri", "relative"), ("integer", "1; DROP"), ("gYear", "20x5"),
     ("boolean", "yes"), ("date", "2023-13-01"), ("decimal", "1e5")],
)
def test_values_of_the_wrong_type_are_refused(kind: str, value: str) -> None:
    probe = parse_query_text(f"# param v: {kind}\nSELECT ?v WHERE {{ }}\n", Path("p.rq"), "p")
    with pytest.raises(QueryError, match=f"parameter v: .* not a valid {kind}"):
        resolve_values(probe.parameters, {"v": value})


def test_typed_values_bind_as_typed_terms(embedded: EmbeddedStore) -> None:
    probe = parse_query_text(
        "# param n: integer\n# param y: gYear\n# param i: iri\n"
        "SELECT (DATATYPE(?n) AS ?nt) (DATATYPE(?y) AS ?yt) (isIRI(?i) AS ?ii) WHERE { }\n",
        Path("p.rq"),
        "p",
    )
    got = rows(run_query(probe, {"n": "7", "y": "2025", "i": "https://example.org/x"}, embedded))
    xsd = "http://www.w3.org/2001/XMLSchema#"
    assert got == [{"nt": xsd + "integer", "yt": xsd + "gYear", "ii": "true"}]


def test_missing_required_parameter() -> None:
    with pytest.raises(QueryError, match=r"missing required parameter\(s\): text"):
        prepare(find_query("search-measures"), {})


def test_unknown_parameter() -> None:
    with pytest.raises(QueryError, match=r"unknown parameter.*colour.*this query's parameters: edition"):
        prepare(find_query("measures-without-kpi"), {"colour": "red"})


def test_syntax_error_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.rq"
    bad.write_text("# a comment\nSELECT ?s\nWHERE {\n  ?s ?p ?o .\n  FILTER (?s = )\n}\n", encoding="utf-8")
    where = r"bad\.rq: syntax error at line 5, column 3 \(.FILTER \(\?s = \).\)"
    with pytest.raises(QueryError, match=where):
        prepare(find_query(str(bad)), {})


@pytest.mark.parametrize(
    ("query", "where"),
    [
        ("PREFIX a: <http://a/{x}>\nSELECT * WHERE { ?s ?p ?o }", "WHERE { "),
        ("SELECT (EXISTS { ?a ?b ?c } AS ?e) { ?s ?p ?o }", ") { "),
        ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "WHERE { "),
        ("SELECT * # a { in a comment\n WHERE { ?s ?p '{' }", "WHERE { "),
        ('ASK { ?s ?p """}\n{""" }', "ASK { "),
    ],
)
def test_values_block_opens_the_where_group(query: str, where: str) -> None:
    declared = parse_query_text("# param v: integer = 1\n", Path("p"), "p").parameters
    bound = bind(query, resolve_values(declared, {}))
    head, _, _ = bound.partition(" VALUES (?v)")
    assert head.endswith(where.rstrip()), bound
    assert bound.count("\n") == query.count("\n")  # line numbers unchanged


# --- expected answers, embedded ---------------------------------------------------------------


def test_measures_by_ministry_includes_agencies(embedded: EmbeddedStore) -> None:
    got = answer(embedded, "measures-by-ministry")  # 総務省
    ids = [r["id"] for r in got]
    # Every row of the source whose 府省庁名 cell names 総務省 (or 総務省消防庁).
    assert ids == ["03-01", "03-02", "04-04", "04-06", "04-07", "06-10", "06-11", "06-15", "06-16", "06-17",
                   "06-18", "06-19", "06-20", "06-21", "06-22", "06-23", "06-24", "06-26", "07-07", "09-29"]
    fdma = [r for r in got if r["id"] == "06-23"]
    assert fdma[0]["viaName"] == "消防庁" and fdma[0]["role"].endswith("#LeadRole")
    led = {r["id"] for r in got if r["role"].endswith("#LeadRole")}
    assert led == {"03-01", "04-07", "06-15", "06-16", "06-17", "06-18", "06-19", "06-20", "06-21", "06-22",
                   "06-23", "07-07"}
    assert answer(embedded, "measures-by-ministry", ministry="MIC") == got
    assert answer(embedded, "measures-by-ministry", ministry="mic") == got


def test_ministry_summary(embedded: EmbeddedStore) -> None:
    by_name = {r["name"]: r for r in answer(embedded, "ministry-summary")}
    assert (by_name["総務省"]["led"], by_name["総務省"]["takesPart"], by_name["総務省"]["withAgencies"]) == (
        "11", "19", "20")
    # 国家公安委員会 is named nowhere, but 警察庁 under it is (06-10, 06-11, 06-12).
    assert (by_name["国家公安委員会"]["takesPart"], by_name["国家公安委員会"]["withAgencies"]) == ("0", "3")


def test_measures_by_article_agrees_with_article_coverage(embedded: EmbeddedStore) -> None:
    coverage = {r["column"]: r for r in answer(embedded, "article-coverage")}
    for column, counts in coverage.items():
        for strength, key in (("◎", "primary"), ("○", "linked")):
            got = answer(embedded, "measures-by-article", article=column, strength=strength)
            assert len({r["id"] for r in got}) == int(counts[key]), (column, strength)
            assert all(r["mark"] == strength and r["columnLabel"] == column for r in got)
    spaced = answer(embedded, "measures-by-article", article="11条 1項 2項", strength="linked")
    assert spaced == answer(embedded, "measures-by-article", article="11条1項2項", strength="○")


def test_article_coverage_lists_every_column_in_order(embedded: EmbeddedStore) -> None:
    got = answer(embedded, "article-coverage")
    assert [r["column"] for r in got] == [
        "10条", "11条1項2項", "11条3項", "12条", "13条", "14条", "15条1項", "15条2項", "16条", "17条",
        "18条", "19条", "21条", "22条", "23条", "24条", "25条", "26条", "27条", "28条", "29条", "30条",
        "31条", "32条", "33条", "34条", "35条",
    ]
    assert {r["law"] for r in got} == {"官民データ活用推進基本法", "デジタル社会形成基本法"}


def test_articles_without_measure_are_the_empty_columns(embedded: EmbeddedStore) -> None:
    empty = {r["column"] for r in answer(embedded, "article-coverage") if r["primary"] == r["linked"] == "0"}
    got = answer(embedded, "articles-without-measure")
    assert {r["column"] for r in got} == empty
    assert empty, "the 2023 table leaves some columns unmarked"


def test_cross_ministry_measures(embedded: EmbeddedStore) -> None:
    got = answer(embedded, "cross-ministry-measures")
    top = got[0]
    assert (top["id"], top["ministries"], top["organisations"]) == ("04-06", "6", "6")
    by_id = {r["id"]: r for r in got}
    # 警察庁 sits under 国家公安委員会 under 内閣府: six organisations, five top-level ones.
    assert (by_id["06-10"]["organisations"], by_id["06-10"]["ministries"]) == ("6", "5")
    assert by_id["04-07"]["concerned"] == "true"
    assert all(int(r["organisations"]) >= 2 for r in got)
    assert "04-05" not in by_id  # デジタル庁 alone
    assert len(answer(embedded, "cross-ministry-measures", min_orgs="6")) == 3  # 04-06, 06-10, 06-11


def test_kpis_by_deadline(embedded: EmbeddedStore) -> None:
    got = answer(embedded, "kpis-by-deadline", fy="2025")
    years = [int(r["deadline"]) for r in got]
    assert years == sorted(years) and years and max(years) <= 2025
    earlier = answer(embedded, "kpis-by-deadline", fy="2023")
    assert earlier == [r for r in got if r["deadline"] == "2023"]
    assert all(set(r) >= {"deadline", "id", "kpi", "text"} for r in got)


def test_measures_without_kpi(embedded: EmbeddedStore) -> None:
    # The source's KPI cell is "—" for 03-01 and 08-02 and empty for 04-04.
    assert [r["id"] for r in answer(embedded, "measures-without-kpi")] == ["03-01", "04-04", "08-02"]


def test_measures_per_group(embedded: EmbeddedStore) -> None:
    got = {r["group"]: r["measures"] for r in answer(embedded, "measures-per-group")}
    assert got == {"03": "2", "04": "7", "06": "21", "07": "1", "08": "6", "09": "11"}


def test_marks_needing_review_are_uncertain_and_unreviewed(embedded: EmbeddedStore) -> None:
    got = answer(embedded, "marks-needing-review")
    assert all(not r["confidence"].endswith("#HighConfidence") for r in got)
    for measure in {r["id"] for r in got}:  # each mark was read on its measure's row
        provenance = answer(embedded, "measure-provenance", measure=measure)
        row_line = next(r["line"] for r in provenance if r["part"] == "row")
        assert {r["sourceLine"] for r in got if r["id"] == measure} == {row_line}


def test_organisation_hierarchy(embedded: EmbeddedStore) -> None:
    got = {r["name"]: r for r in answer(embedded, "organisation-hierarchy")}
    assert len(got) >= 40  # the whole central government, not only the 16 named in 2023
    name_of = {r["org"]: n for n, r in got.items()}
    assert name_of[got["消防庁"]["parent"]] == "総務省"
    assert name_of[got["警察庁"]["parent"]] == "国家公安委員会"
    assert name_of[got["警察庁"]["top"]] == "内閣府"
    for under_cao in ("金融庁", "個人情報保護委員会", "国家公安委員会"):
        assert name_of[got[under_cao]["parent"]] == "内閣府"
    assert "parent" not in got["総務省"]


def test_measure_provenance(embedded: EmbeddedStore) -> None:
    got = answer(embedded, "measure-provenance", measure="06-22")
    assert got[0]["part"] == "row" and got[0]["line"] == "35"
    assert {(r["file"], r["sha256"]) for r in got} == {("000_12dec0b774bbd4f2.txt", SOURCE_SHA256)}
    orgs = [r["raw"] for r in got if r["part"] == "organisation"]
    assert orgs[1:] == ["デジタル庁", "厚労省", "経産省"] and "総務省" in orgs[0]
    assert all(r["line"] == "35" for r in got if r["part"] == "mark")


def test_measure_card(embedded: EmbeddedStore) -> None:
    got = answer(embedded, "measure-card", measure="06-22")
    fields = Counter(r["field"] for r in got)
    assert fields["name"] == fields["group"] == 1
    values = {(r["field"], r["value"]) for r in got}
    assert ("name", "医療高度化に資するPHRデータ流通基盤の構築") in values
    assert ("lead", "総務省") in values
    assert {v for f, v in values if f == "participant"} == {"デジタル庁", "厚生労働省", "経済産業省"}
    assert answer(embedded, "measure-card", measure="99-99") == []


def test_search_measures(embedded: EmbeddedStore) -> None:
    got = answer(embedded, "search-measures", text="オープンデータ")
    in_name = {r["id"] for r in got if r["in"] == "name"}
    assert {"04-02", "04-05"} <= in_name
    assert all("オープンデータ" in r["name"] for r in got if r["in"] == "name")
    assert answer(embedded, "search-measures", text="trusted web")[0]["id"] == "04-01"  # case-insensitive


def test_concerned_ministries(embedded: EmbeddedStore) -> None:
    assert answer(embedded, "concerned-ministries") == [
        {"id": "04-07", "name": "いわゆる情報銀行等の実装に向けた制度整備", "named": "4"}
    ]


def test_edition_summary(embedded: EmbeddedStore) -> None:
    (row,) = answer(embedded, "edition-summary")
    assert (row["edition"], row["decided"], row["file"], row["measures"], row["organisations"]) == (
        "2023", "2023-06-09", "000_12dec0b774bbd4f2.txt", "48", "16")
    marks = sum(int(row[k]) for k in ("marksHigh", "marksMedium", "marksLow"))
    groups = answer(embedded, "measures-per-group")
    assert marks == sum(int(r["primaryMarks"]) + int(r["linkedMarks"]) for r in groups)


def test_measures_changed(embedded: EmbeddedStore) -> None:
    got = answer(embedded, "measures-changed")  # 2022 → 2023; only 2023 is built
    assert len(got) == 48 and {(r["change"], r["year"]) for r in got} == {("added", "2023")}
    assert answer(embedded, "measures-changed", old="2023", new="2023") == []


def test_every_bundled_query_has_an_expected_answer_test() -> None:
    tested = {n.removeprefix("test_").replace("_", "-") for n in globals() if n.startswith("test_")}
    untested = [n for n in QUERY_NAMES if not any(n in t for t in tested)]
    assert untested == []


# --- the same answers on a real Oxigraph server ------------------------------------------------

#: Every query with its defaults (each must answer something), then some other parameters.
VARIANTS = [(name, SEARCH.get(name, {})) for name in QUERY_NAMES] + [
    ("measures-by-ministry", {"ministry": "内閣府"}),
    ("measures-by-ministry", {"ministry": INJECTION}),
    ("measures-by-article", {"article": "35条", "strength": "◎"}),
    ("kpis-by-deadline", {"fy": "2030"}),
    ("cross-ministry-measures", {"min_orgs": "4"}),
    ("measure-card", {"measure": "04-07"}),
    ("search-measures", {"text": "AI"}),
]


@pytest.mark.server
@pytest.mark.parametrize(("name", "params"), VARIANTS, ids=[f"{n}-{i}" for i, (n, _) in enumerate(VARIANTS)])
def test_embedded_and_server_answers_are_equal(
    embedded: EmbeddedStore, remote: RemoteEndpoint, name: str, params: dict[str, str]
) -> None:
    doc = find_query(name)
    local = run_query(doc, params, embedded)
    served = run_query(doc, params, remote)
    assert normalised(local) == normalised(served)
    if params == SEARCH.get(name, {}):
        assert local["results"]["bindings"], f"{name} answers nothing with its defaults"

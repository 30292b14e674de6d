"""The bundled queries: expected answers on the bundled 2023 edition, embedded and on Oxigraph server.

Every bundled query runs twice, on the embedded store and on a real Oxigraph
server holding the same build, and the two answers must be equal, row for
row. The expected answers pin facts read from the source table itself (the
organisations in the 府省庁名 cells, the measure IDs, the empty KPI cells),
not whatever the builder happens to infer, so that they hold while the
normalisers improve.

Editions are named by their key (the decision date, 2023-06-09) or by a year
that has one edition; a small build with two editions of 2021 checks the
comparison of editions and that a year naming both is refused.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kg.config import load_settings
from kg.errors import QueryError
from kg.query import bind, bundled_queries, find_query, prepare, resolve_values, run_query
from kg.query.binding import Edition, list_editions, resolve_edition
from kg.query.catalogue import QUERIES_DIR, parse_query_text
from kg.store import EmbeddedStore, RemoteEndpoint, Results, read_manifest
from tests.oxigraph_server import OxigraphServer, fixture_oxigraph_with_build  # noqa: F401
from tests.paths import ROOT, SEED, pin

QUERY_NAMES = sorted(p.stem for p in QUERIES_DIR.glob("*.rq"))
SOURCE_SHA256 = "a3e4a72fc4239d4d1821d369219309031f78820413c1c7934d6725ea78a8bbd9"
#: Values for the parameters some queries require.
REQUIRED = {"search-measures": {"text": "オープンデータ"}, "measures-changed": {"old": "2023-06-09"}}
#: Queries whose answer on the one bundled edition is empty with REQUIRED alone (it compared with itself).
EMPTY_ON_ONE_EDITION = {"measures-changed", "kpis-changed", "ministries-changed", "marks-moved"}
#: Queries of a graph a build does not make (kg harvest egov adds graph egov): empty on a plain build.
EMPTY_WITHOUT_HARVEST = {"egov-datasets-by-group-leads", "measures-with-candidate-datasets"}
#: The two editions of 2021 (their Cabinet decision dates), for a test build; the later renames 04-01.
JUNE, DECEMBER = "2021-06-18", "2021-12-24"
RENAMED = ("「Trusted Web」構想の実現", "「Trusted Web」構想の推進")


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


class NoStore:
    """A target that must not be asked: values are checked before any store is."""

    def select(self, query: str) -> Results:
        raise AssertionError(f"the store was asked: {query}")

    def describe(self) -> str:
        return "no store"


def write_edition(data: Path, decided: str, text: str) -> None:
    """An edition folder in the extract format: the bundled edition.toml with another date and digest."""
    folder = data / "editions" / decided
    folder.mkdir(parents=True)
    toml = (ROOT / "data" / "editions" / "2023" / "edition.toml").read_text(encoding="utf-8")
    lines = [f"decided = {decided}" if line.startswith("decided =") else line
             for line in toml.splitlines() if not line.startswith("sha256 =")]
    (folder / "edition.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / SEED.name).write_text(text, encoding="utf-8")
    pin(folder)


def build_two_editions(root: Path) -> Path:
    """A build of two editions decided in 2021, from the bundled extract; the later one renames a measure."""
    from kg.build.pipeline import build

    text = SEED.read_text(encoding="utf-8")
    assert text.count(RENAMED[0]) == 1
    write_edition(root / "data", JUNE, text)
    write_edition(root / "data", DECEMBER, text.replace(*RENAMED))
    result = build(load_settings(ROOT).with_overrides(data_dir=root / "data"), out_dir=root / "build")
    assert result.written, [str(f) for f in result.report.errors]
    return result.out_dir


@pytest.fixture(scope="module")
def two_editions_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_two_editions(tmp_path_factory.mktemp("two-editions"))


@pytest.fixture(scope="module")
def two_editions(two_editions_build: Path) -> EmbeddedStore:
    return EmbeddedStore.open(two_editions_build)


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
    text = prepare(doc, {"ministry": INJECTION}, embedded)
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
     ("boolean", "yes"), ("date", "2023-13-01"), ("decimal", "1e5"), ("edition", "2023-6-9"),
     ("edition", "2023-02-30"), ("edition", "newest"), ("edition", "令和5")],
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
        prepare(find_query("search-measures"), {}, NoStore())
    with pytest.raises(QueryError, match=r"missing required parameter\(s\): old"):
        prepare(find_query("measures-changed"), {}, NoStore())


def test_unknown_parameter() -> None:
    with pytest.raises(QueryError, match=r"unknown parameter.*colour.*this query's parameters: edition"):
        prepare(find_query("measures-without-kpi"), {"colour": "red"}, NoStore())


def test_syntax_error_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.rq"
    bad.write_text("# a comment\nSELECT ?s\nWHERE {\n  ?s ?p ?o .\n  FILTER (?s = )\n}\n", encoding="utf-8")
    where = r"bad\.rq: syntax error at line 5, column 3 \(.FILTER \(\?s = \).\)"
    with pytest.raises(QueryError, match=where):
        prepare(find_query(str(bad)), {}, NoStore())


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


# --- editions: by key, by year, latest ---------------------------------------------------------

EDITION_QUERIES = [d.name for d in bundled_queries() if d.parameter("edition")]


def test_edition_parameters_are_editions_defaulting_to_the_latest() -> None:
    for doc in bundled_queries():
        for p in doc.parameters:
            if p.name in ("edition", "old", "new"):
                assert p.type == "edition", f"{doc.name}: {p.name}"
                assert p.default == ("latest" if p.name != "old" else None), f"{doc.name}: {p.name}"
    assert len(EDITION_QUERIES) == 14


def test_the_editions_in_the_graph(embedded: EmbeddedStore) -> None:
    assert list_editions(embedded) == (Edition("2023-06-09", "2023"),)


@pytest.mark.parametrize("name", EDITION_QUERIES)
def test_an_edition_by_its_date_by_its_year_or_latest_gives_the_same_rows(
    embedded: EmbeddedStore, name: str
) -> None:
    params = REQUIRED.get(name, {})
    by_date = answer(embedded, name, **params, edition="2023-06-09")
    assert by_date, f"{name} answers nothing for 2023-06-09"
    assert answer(embedded, name, **params, edition="2023") == by_date
    assert answer(embedded, name, **params) == by_date  # the default: latest


def test_the_edition_is_bound_as_its_key(embedded: EmbeddedStore) -> None:
    for value in ("2023", "latest", "2023-06-09"):
        text = prepare(find_query("measures-without-kpi"), {"edition": value}, embedded)
        assert 'VALUES (?edition) { ("2023-06-09") }' in text, value


@pytest.mark.parametrize("value", ["2022", "2023-06-10", "2021-12-24"])
def test_an_edition_not_in_the_graph_is_an_error_naming_it(embedded: EmbeddedStore, value: str) -> None:
    message = rf"parameter edition: no edition {value} in the graph \(editions: 2023-06-09\)"
    with pytest.raises(QueryError, match=message):
        answer(embedded, "measures-by-ministry", edition=value)


def test_resolving_an_edition() -> None:
    editions = (Edition(JUNE, "2021"), Edition(DECEMBER, "2021"), Edition("2023-06-09", "2023"))
    assert resolve_edition("e", "2023", editions) == "2023-06-09"
    assert resolve_edition("e", JUNE, editions) == JUNE
    assert resolve_edition("e", "latest", editions) == "2023-06-09"
    ambiguous = r"^parameter e: 2021 names more than one edition \(2021-06-18, 2021-12-24\): give the dec"
    with pytest.raises(QueryError, match=ambiguous):
        resolve_edition("e", "2021", editions)
    unknown = r"^parameter e: no edition 2022 in the graph \(editions: 2021-06-18, 2021-12-24, 2023-06-09\)"
    with pytest.raises(QueryError, match=unknown):
        resolve_edition("e", "2022", editions)
    with pytest.raises(QueryError, match=r"^parameter e: the graph holds no plan edition"):
        resolve_edition("e", "latest", ())


def test_a_year_of_two_editions_is_refused(two_editions: EmbeddedStore) -> None:
    assert list_editions(two_editions) == (Edition(JUNE, "2021"), Edition(DECEMBER, "2021"))
    ambiguous = r"2021 names more than one edition \(2021-06-18, 2021-12-24\): give the decision date"
    with pytest.raises(QueryError, match="parameter edition: " + ambiguous):
        answer(two_editions, "measures-without-kpi", edition="2021")
    with pytest.raises(QueryError, match="parameter old: " + ambiguous):
        answer(two_editions, "measures-changed", old="2021")
    # Each by its decision date; latest is the December one.
    for edition, name in ((JUNE, RENAMED[0]), (DECEMBER, RENAMED[1]), ("latest", RENAMED[1])):
        found = answer(two_editions, "search-measures", text="Trusted", edition=edition)
        assert [(r["id"], r["name"]) for r in found] == [("04-01", name)], edition


def test_measures_changed_between_two_editions(two_editions: EmbeddedStore) -> None:
    got = answer(two_editions, "measures-changed", old=JUNE)  # new: latest, the December edition
    assert [(r["change"], r["edition"], r["id"], r["name"]) for r in got] == [
        ("added", DECEMBER, "04-01", RENAMED[1]),
        ("removed", JUNE, "04-01", RENAMED[0]),
    ]
    back = answer(two_editions, "measures-changed", old=DECEMBER, new=JUNE)
    assert [(r["change"], r["edition"], r["name"]) for r in back] == [
        ("added", JUNE, RENAMED[0]),
        ("removed", DECEMBER, RENAMED[1]),
    ]
    summary = answer(two_editions, "edition-summary")
    assert [(r["edition"], r["year"], r["measures"]) for r in summary] == [
        (JUNE, "2021", "48"),
        (DECEMBER, "2021", "48"),
    ]


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
    assert (row["edition"], row["year"], row["file"], row["measures"], row["organisations"]) == (
        "2023-06-09", "2023", "000_12dec0b774bbd4f2.txt", "48", "16")
    marks = sum(int(row[k]) for k in ("marksHigh", "marksMedium", "marksLow"))
    groups = answer(embedded, "measures-per-group")
    assert marks == sum(int(r["primaryMarks"]) + int(r["linkedMarks"]) for r in groups)


def test_measures_changed(embedded: EmbeddedStore) -> None:
    # Only 2023-06-09 is built: compared with itself, nothing changed (two editions: further up).
    assert answer(embedded, "measures-changed", old="2023-06-09") == []
    assert answer(embedded, "measures-changed", old="2023", new="2023-06-09") == []
    unknown = r"parameter old: no edition 2022 in the graph \(editions: 2023-06-09\)"
    with pytest.raises(QueryError, match=unknown):
        answer(embedded, "measures-changed", old="2022")


def test_kpis_changed_ministries_changed_marks_moved_need_a_change_graph(embedded: EmbeddedStore) -> None:
    # They read the change graph kg diff writes (tests/test_diff_queries.py): a build has none.
    for name in ("kpis-changed", "ministries-changed", "marks-moved"):
        assert answer(embedded, name) == [], name


def test_every_bundled_query_has_an_expected_answer_test() -> None:
    tested = {n.removeprefix("test_").replace("_", "-") for n in globals() if n.startswith("test_")}
    untested = [n for n in QUERY_NAMES if not any(n in t for t in tested)]
    assert untested == []


# --- the same answers on a real Oxigraph server ------------------------------------------------

#: Every query with its defaults (each must answer something), then some other parameters.
VARIANTS = [(name, REQUIRED.get(name, {})) for name in QUERY_NAMES] + [
    ("measures-by-ministry", {"ministry": "内閣府"}),
    ("measures-by-ministry", {"ministry": INJECTION}),
    ("measures-by-article", {"article": "35条", "strength": "◎"}),
    ("kpis-by-deadline", {"fy": "2030"}),
    ("cross-ministry-measures", {"min_orgs": "4"}),
    ("measure-card", {"measure": "04-07"}),
    ("search-measures", {"text": "AI"}),
    ("measures-by-ministry", {"edition": "2023"}),
    ("article-coverage", {"edition": "2023-06-09"}),
    ("measures-changed", {"old": "2023", "new": "latest"}),
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
    if params == REQUIRED.get(name, {}) and name not in EMPTY_ON_ONE_EDITION | EMPTY_WITHOUT_HARVEST:
        assert local["results"]["bindings"], f"{name} answers nothing with its defaults"


@pytest.mark.server
def test_an_edition_not_on_the_server_is_an_error_naming_it(remote: RemoteEndpoint) -> None:
    unknown = r"parameter edition: no edition 2022 in the graph \(editions: 2023-06-09\)"
    with pytest.raises(QueryError, match=unknown):
        run_query(find_query("measures-without-kpi"), {"edition": "2022"}, remote)


@pytest.fixture(scope="module")
def two_editions_served(
    tmp_path_factory: pytest.TempPathFactory, two_editions_build: Path
) -> Iterator[RemoteEndpoint]:
    """The two-edition build on an Oxigraph server of its own, loaded offline as oxigraph_with_build is."""
    server = OxigraphServer(tmp_path_factory.mktemp("oxigraph-two-editions") / "store")
    server.location.mkdir(parents=True, exist_ok=True)
    server.load(two_editions_build / "dataset.trig")
    server.start()
    try:
        yield RemoteEndpoint(server.query_url, read_manifest(two_editions_build).graph_iris, timeout=30)
    finally:
        server.stop()


@pytest.mark.server
def test_two_editions_on_a_server(two_editions: EmbeddedStore, two_editions_served: RemoteEndpoint) -> None:
    for name, params in [
        ("measures-changed", {"old": JUNE}),
        ("measures-changed", {"old": DECEMBER, "new": JUNE}),
        ("edition-summary", {}),
        ("measures-without-kpi", {"edition": JUNE}),
    ]:
        doc = find_query(name)
        assert normalised(run_query(doc, params, two_editions)) == normalised(
            run_query(doc, params, two_editions_served)), (name, params)
    with pytest.raises(QueryError, match=r"parameter edition: 2021 names more than one edition"):
        run_query(find_query("measures-without-kpi"), {"edition": "2021"}, two_editions_served)


def test_egov_datasets_by_group_leads(tmp_path: Path, built: Path) -> None:
    """On a build that kg harvest egov added the local CKAN catalog to (tests/test_harvest.py)."""
    from tests.test_harvest import GROUP_04_DATASETS, harvested_build

    store = EmbeddedStore.open(harvested_build(tmp_path, built))
    got = answer(store, "egov-datasets-by-group-leads")
    assert len(got) == GROUP_04_DATASETS
    leads = {"内閣官房", "内閣府", "個人情報保護委員会", "デジタル庁", "総務省"}
    assert {r["ministry"] for r in got} == leads
    assert {r["key"] for r in got} >= {"corporate-number", "organization-name", "name-prefix"}
    assert answer(store, "egov-datasets-by-group-leads", group="09") != got


def test_measures_with_candidate_datasets(tmp_path: Path, built: Path) -> None:
    """Candidates only, until a person confirms one (tests/test_harvest.py has the confirmation)."""
    from tests.test_harvest import harvested_build

    got = answer(EmbeddedStore.open(harvested_build(tmp_path, built)), "measures-with-candidate-datasets")
    assert ("04-04", "個人情報保護に関する統計") in {(r["id"], r["title"]) for r in got}
    assert all(float(r["score"]) >= 0.6 and r["confirmed"] == "false" for r in got)

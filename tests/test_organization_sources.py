"""Every published 法人番号 and organisation fact carries its source (issue 8, point 4).

The sources are data/reference/organization_sources.csv: per cited page, its
title as it appears and the name it gives the body. These tests check the
bundled data (every number and every row sourced, every source naming its body),
that loading refuses a source about another body, and that the graph carries
the sources as kg:Citation nodes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Triple

from kg.errors import InputError
from kg.rdf.reference import organization_triples
from kg.rdf.terms import Minter
from kg.reference.org_sources import COLUMNS as SOURCE_COLUMNS
from kg.reference.org_sources import Fact, Scope, names_the_body
from kg.reference.organizations import COLUMNS, SOURCES_PATH, Gazetteer, load_gazetteer, read_gazetteer
from kg.vocabulary import DCTERMS

KG = "https://kg.example.jp/def/kg#"
BASE = "https://kg.example.jp/"


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return load_gazetteer()


@pytest.fixture(scope="module")
def triples(gazetteer: Gazetteer) -> set[Triple]:
    return set(organization_triples(Minter(BASE), gazetteer))


# --- the bundled data ------------------------------------------------------------------------


def test_the_sources_file_is_bundled() -> None:
    header = SOURCES_PATH.read_text(encoding="utf-8").splitlines()[0]
    assert header == ",".join(SOURCE_COLUMNS)


def test_every_published_number_has_a_recorded_source_about_the_body(gazetteer: Gazetteer) -> None:
    numbers = [org for org in gazetteer if org.corporate_number]
    assert len(numbers) == 29
    for org in numbers:
        stating = [c for c in org.citations if Fact.CORPORATE_NUMBER in c.facts]
        assert stating, org.id
        assert org.corporate_number_source in {c.url for c in stating}
        for c in stating:
            assert c.scope in (Scope.BODY, Scope.RECORD), (org.id, c.url)
            # what was seen on the page is recorded, and it is this number
            assert c.note and org.corporate_number in c.note, (org.id, c.url)


def test_every_row_is_sourced_by_recorded_sources(gazetteer: Gazetteer) -> None:
    for org in gazetteer:
        assert any(Fact.ORGANIZATION in c.facts for c in org.citations), org.id
        assert set(org.sources) == {c.url for c in org.citations}, org.id


def test_every_source_names_the_body_it_is_cited_for(gazetteer: Gazetteer) -> None:
    for org in gazetteer:
        for c in org.citations:
            assert names_the_body(c, org.names()) is None, (org.id, c.url)
            if c.scope is Scope.BODY:
                assert c.name in c.title, (org.id, c.title)


@pytest.mark.parametrize(
    ("org_id", "address_names"),
    [
        ("cas", "内閣外政審議室"),
        ("clb", "内閣法制次長"),
        ("aca", "文化財保護委員会"),
        ("rinya", "森林管理署"),
        ("jsa", "スポーツ庁長官"),
    ],
)
def test_an_address_that_names_another_body_is_cited_for_the_page_it_shows(
    gazetteer: Gazetteer, org_id: str, address_names: str
) -> None:
    # Issue 8 found these links pointing at pages about another body. Read, each shows
    # the article of this body (a redirect): the title recorded is the body's, the note says why.
    org = gazetteer.by_id[org_id]
    shown = [c for c in org.citations if c.note and address_names in c.note]
    assert shown, org_id
    for c in shown:
        assert org.name_ja in c.title and c.name == org.name_ja


def test_numbers_no_source_about_the_body_states_are_not_published(gazetteer: Gazetteer) -> None:
    cao, nta = gazetteer.by_id["cao"], gazetteer.by_id["nta"]
    assert cao.corporate_number is None and cao.corporate_number_source is None
    assert cao.note and "法人番号 not published" in cao.note and "2000012010019" in cao.note
    assert nta.corporate_number is None
    assert nta.note and "法人番号 not published" in nta.note and "7000012050002" in nta.note


def test_numbers_found_with_a_source_about_the_body(gazetteer: Gazetteer) -> None:
    found = {org.id: org.corporate_number for org in gazetteer}
    assert found["mlit"] == "2000012100001"
    assert found["mod"] == "9000012120001"
    assert found["jta"] == "9000012100003"
    assert found["psec"] == "9000012030002"


# --- the graph -------------------------------------------------------------------------------


def _objects(triples: set[Triple], subject: NamedNode, predicate: str) -> set[str]:
    return {t.object.value for t in triples if t.subject == subject and t.predicate == NamedNode(predicate)}


def test_every_published_number_carries_its_source_in_the_graph(
    gazetteer: Gazetteer, triples: set[Triple]
) -> None:
    for org in gazetteer:
        s = NamedNode(f"{BASE}org/{org.id}")
        numbers = _objects(triples, s, KG + "corporateNumber")
        citations = [NamedNode(c) for c in _objects(triples, s, KG + "citation")]
        assert len(citations) == len(org.citations)
        backing = [c for c in citations if KG + "corporateNumber" in _objects(triples, c, KG + "citedFor")]
        assert bool(numbers) == bool(backing), org.id
        for c in backing:
            assert _objects(triples, c, KG + "citationScope") <= {KG + "PageAboutBody", KG + "RecordOfBody"}
            assert _objects(triples, c, str(DCTERMS) + "title")
            (name,) = _objects(triples, c, KG + "nameInSource")
            assert name in org.names()


def test_a_citation_in_the_graph(triples: set[Triple]) -> None:
    c = NamedNode(f"{BASE}org/fsa/source/1")
    page = NamedNode("https://gpedia.com/ja/%E9%87%91%E8%9E%8D%E5%BA%81")
    assert Triple(NamedNode(f"{BASE}org/fsa"), NamedNode(KG + "citation"), c) in triples
    assert Triple(c, NamedNode(str(DCTERMS) + "source"), page) in triples
    assert Triple(c, NamedNode(str(DCTERMS) + "title"), Literal("金融庁")) in triples
    assert Triple(c, NamedNode(KG + "nameInSource"), Literal("金融庁")) in triples
    assert _objects(triples, c, KG + "citedFor") == {
        KG + "corporateNumber",
        "http://www.w3.org/2004/02/skos/core#prefLabel",
        KG + "organizationKind",
        "http://www.w3.org/ns/org#subOrganizationOf",
    }


def test_the_cabinet_office_has_sources_but_no_number(triples: set[Triple]) -> None:
    cao = NamedNode(f"{BASE}org/cao")
    assert not _objects(triples, cao, KG + "corporateNumber")
    assert len(_objects(triples, cao, KG + "citation")) == 2


# --- loading refuses what a source does not support ------------------------------------------

MIC = "mic,総務省,Ministry of Internal Affairs and Communications,MIC,ministry,,,2000012020001,{n},{s},"
FDMA = "fdma,消防庁,Fire and Disaster Management Agency,FDMA,agency,mic,総務省消防庁,,,https://example.org/f,"
PAGE = "https://example.org/mic"


def _load(tmp_path: Path, *citations: str, number_source: str = PAGE) -> Gazetteer:
    orgs = tmp_path / "organizations.csv"
    orgs.write_text(
        "\n".join([",".join(COLUMNS), MIC.format(n=number_source, s=PAGE), FDMA]) + "\n", encoding="utf-8"
    )
    sources = tmp_path / "organization_sources.csv"
    sources.write_text("\n".join([",".join(SOURCE_COLUMNS), *citations]) + "\n", encoding="utf-8")
    return read_gazetteer(orgs, sources=(sources,))


def _refused(tmp_path: Path, *citations: str, number_source: str = PAGE) -> InputError:
    with pytest.raises(InputError) as caught:
        _load(tmp_path, *citations, number_source=number_source)
    return caught.value


def test_a_recorded_source_about_the_body_is_accepted(tmp_path: Path) -> None:
    gazetteer = _load(tmp_path, f"mic,{PAGE},総務省 - Wikipedia,総務省,body,corporate-number;organization,")
    (citation,) = gazetteer.by_id["mic"].citations
    assert citation.title == "総務省 - Wikipedia" and citation.scope is Scope.BODY
    # the English name, the abbreviation and a short form are the body's names too
    assert _load(tmp_path, f"mic,{PAGE},MIC,MIC,record,corporate-number,").by_id["mic"].corporate_number


def test_a_source_that_speaks_of_another_body_is_refused(tmp_path: Path) -> None:
    error = _refused(tmp_path, f"mic,{PAGE},消防庁,消防庁,body,corporate-number,")
    assert error.position.line == 2 and error.position.column_name == "name"
    assert "another body" in error.message and "消防庁" in error.message


def test_a_page_whose_title_names_another_body_is_refused(tmp_path: Path) -> None:
    error = _refused(tmp_path, f"mic,{PAGE},消防庁,総務省,body,corporate-number,")
    assert error.position.column_name == "name" and "title" in error.message


def test_a_list_cannot_source_a_number(tmp_path: Path) -> None:
    error = _refused(tmp_path, f"mic,{PAGE},日本の行政機関,総務省,list,corporate-number,")
    assert error.position.column_name == "facts" and "法人番号" in error.message


def test_a_number_whose_source_is_not_recorded_is_refused(tmp_path: Path) -> None:
    error = _refused(tmp_path, f"mic,{PAGE},総務省,総務省,body,organization,")
    assert error.position.line == 2 and error.position.column_name == "corporate_number_source"
    error = _refused(tmp_path, f"mic,{PAGE},総務省,総務省,body,corporate-number,", number_source="https://x.org/n")
    assert error.position.column_name == "corporate_number_source"


@pytest.mark.parametrize(
    ("row", "column"),
    [
        (f"nope,{PAGE},総務省,総務省,body,organization,", "id"),
        (f"mic,{PAGE},,総務省,body,organization,", "title"),
        (f"mic,{PAGE},総務省,,body,organization,", "name"),
        (f"mic,{PAGE},総務省,総務省,blog,organization,", "scope"),
        (f"mic,{PAGE},総務省,総務省,body,rumour,", "facts"),
        ("mic,not a url,総務省,総務省,body,organization,", "url"),
    ],
    ids=["unknown-id", "no-title", "no-name", "bad-scope", "bad-fact", "bad-url"],
)
def test_a_bad_source_row_is_refused_at_its_cell(tmp_path: Path, row: str, column: str) -> None:
    error = _refused(tmp_path, row)
    assert error.position.line == 2 and error.position.column_name == column

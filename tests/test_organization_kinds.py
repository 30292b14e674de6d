"""Organisation kinds checked against their definitions in the ontology (issue 8, point 1).

Every concept of kg:OrganizationKindScheme has a gazetteer kind, a published
concept and a rule (kg.reference.organizations.KIND_RULES); every bundled body
obeys the rule of its kind; and for each kind a row that breaks its rule is
refused when the gazetteer is read, naming the row and the ``kind`` column.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from kg.errors import InputError
from kg.rdf.reference import ORG_KIND
from kg.reference.organizations import (
    COLUMNS,
    KIND_RULES,
    Gazetteer,
    Host,
    OrganizationKind,
    kind_violation,
    load_gazetteer,
    read_gazetteer,
)
from tests.paths import ROOT

KG = Namespace("https://kg.example.jp/def/kg#")
ONTOLOGY = ROOT / "ontology" / "kg.ttl"
SHAPES = ROOT / "shapes" / "reference.ttl"


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY, format="turtle")


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return load_gazetteer()


def _kind_concepts(ontology: Graph) -> set[URIRef]:
    return {c for c in ontology.subjects(SKOS.inScheme, KG.OrganizationKindScheme) if isinstance(c, URIRef)}


# --- every kind the ontology defines has a rule -----------------------------------------------


def test_every_kind_of_the_ontology_has_a_gazetteer_kind_and_a_rule(ontology: Graph) -> None:
    published = {URIRef(str(node.value)) for node in ORG_KIND.values()}
    assert published == _kind_concepts(ontology)
    assert set(ORG_KIND) == set(OrganizationKind) == set(KIND_RULES)


def test_every_kind_concept_is_labelled_defined_and_in_the_shape(ontology: Graph) -> None:
    shapes = SHAPES.read_text(encoding="utf-8")
    for concept in _kind_concepts(ontology):
        for prop in (SKOS.prefLabel, SKOS.definition):
            langs = {getattr(v, "language", None) for v in ontology.objects(concept, prop)}
            assert {"ja", "en"} <= langs, (concept, prop)
        assert f"kg:{concept.removeprefix(str(KG))} " in shapes.split("GovernmentOrganization-kind ")[1]


def test_the_new_kinds_cite_the_laws_that_define_them(ontology: Graph) -> None:
    sources = {c: {str(s) for s in ontology.objects(c, DCTERMS.source)} for c in (KG.Fu, KG.IndependentBody)}
    assert "https://laws.e-gov.go.jp/law/411AC0000000089" in sources[KG.Fu]  # 内閣府設置法
    assert "https://laws.e-gov.go.jp/law/322AC0000000073" in sources[KG.IndependentBody]  # 会計検査院法
    assert "https://laws.e-gov.go.jp/law/322AC0000000120" in sources[KG.IndependentBody]  # 国家公務員法
    assert (KG.Fu, RDF.type, SKOS.Concept) in ontology


def test_the_office_definition_requires_a_host(ontology: Graph) -> None:
    definition = " ".join(str(d) for d in ontology.objects(KG.Office, SKOS.definition))
    assert "always has a host" in definition and "必ず" in definition
    assert KIND_RULES[OrganizationKind.OFFICE].host is Host.ALWAYS


# --- the bundled gazetteer obeys the rules ------------------------------------------------------


def test_every_body_obeys_the_rule_of_its_kind(gazetteer: Gazetteer) -> None:
    for org in gazetteer:
        parent = gazetteer.get(org.parent_id) if org.parent_id else None
        assert kind_violation(org, parent) is None, org.id


def test_a_body_with_no_host_is_never_an_office(gazetteer: Gazetteer) -> None:
    for org in gazetteer:
        if org.parent_id is None:
            assert org.kind is not OrganizationKind.OFFICE, org.id


def test_the_three_bodies_issue_8_found_wrong(gazetteer: Gazetteer) -> None:
    kind = {org.name_ja: org.kind for org in gazetteer}
    assert kind["内閣府"] is OrganizationKind.FU
    assert kind["人事院"] is kind["会計検査院"] is OrganizationKind.INDEPENDENT_BODY
    assert [org.id for org in gazetteer if org.kind is OrganizationKind.FU] == ["cao"]


def test_kinds_by_name_ending(gazetteer: Gazetteer) -> None:
    for org in gazetteer:
        suffix = KIND_RULES[org.kind].suffix
        if suffix is not None:
            assert org.name_ja.endswith(suffix), org.id


# --- a row that breaks its kind's rule is refused ----------------------------------------------

HEADER = ",".join(COLUMNS)
SRC = "https://example.org/s"
HOSTS = [
    f"cao,内閣府,Cabinet Office,,fu,,,,,{SRC},",
    f"mic,総務省,Ministry of Internal Affairs and Communications,,ministry,,,,,{SRC},",
    f"npsc,国家公安委員会,National Public Safety Commission,,commission,cao,,,,{SRC},",
    f"cas,内閣官房,Cabinet Secretariat,,cabinet-body,,,,,{SRC},",
]


def _row(org_id: str, name: str, kind: str, parent: str = "") -> str:
    return f"{org_id},{name},Some body,,{kind},{parent},,,,{SRC},"


def _read(tmp_path: Path, *rows: str) -> Gazetteer:
    path = tmp_path / "organizations.csv"
    path.write_text("\n".join([HEADER, *HOSTS, *rows]) + "\n", encoding="utf-8")
    return read_gazetteer(path)


GOOD = {
    OrganizationKind.MINISTRY: _row("x", "架空省", "ministry"),
    OrganizationKind.FU: _row("x", "架空府", "fu"),
    OrganizationKind.AGENCY: _row("x", "架空庁", "agency", "mic"),
    OrganizationKind.COMMISSION: _row("x", "架空委員会", "commission", "cao"),
    OrganizationKind.CABINET_BODY: _row("x", "架空局", "cabinet-body"),
    OrganizationKind.INDEPENDENT_BODY: _row("x", "架空院", "independent-body"),
    OrganizationKind.OFFICE: _row("x", "架空本部", "office", "cas"),
}

BAD = [
    (OrganizationKind.MINISTRY, _row("x", "架空省", "ministry", "cao"), "has no host"),
    (OrganizationKind.MINISTRY, _row("x", "架空庁", "ministry"), "named …省"),
    (OrganizationKind.FU, _row("x", "架空府", "fu", "cas"), "has no host"),
    (OrganizationKind.FU, _row("x", "架空院", "fu"), "named …府"),
    (OrganizationKind.AGENCY, _row("x", "架空庁", "agency", "cas"), "not placed in a cabinet-body"),
    (OrganizationKind.AGENCY, _row("x", "架空委員会", "agency", "mic"), "named …庁"),
    (OrganizationKind.COMMISSION, _row("x", "架空委員会", "commission"), "has no parent_id"),
    (
        OrganizationKind.COMMISSION,
        _row("x", "架空委員会", "commission", "npsc"),
        "not placed in a commission",
    ),
    (OrganizationKind.CABINET_BODY, _row("x", "架空局", "cabinet-body", "cao"), "has no host"),
    (OrganizationKind.INDEPENDENT_BODY, _row("x", "架空院", "independent-body", "cas"), "has no host"),
    # A body with no host is never an office (内閣府, 人事院 and 会計検査院 were).
    (OrganizationKind.OFFICE, _row("x", "架空院", "office"), "has no parent_id"),
]


@pytest.mark.parametrize("kind", list(OrganizationKind))
def test_a_body_that_keeps_its_kinds_rule_loads(tmp_path: Path, kind: OrganizationKind) -> None:
    assert _read(tmp_path, GOOD[kind]).by_id["x"].kind is kind


@pytest.mark.parametrize(("kind", "row", "message"), BAD, ids=[f"{k}-{i}" for i, (k, _, _) in enumerate(BAD)])
def test_a_body_that_breaks_its_kinds_rule_is_refused(
    tmp_path: Path, kind: OrganizationKind, row: str, message: str
) -> None:
    with pytest.raises(InputError) as caught:
        _read(tmp_path, row)
    assert message in caught.value.message
    assert caught.value.position.line == len(HOSTS) + 2
    assert caught.value.position.column_name == "kind"


def test_every_kind_has_a_failing_case() -> None:
    assert {kind for kind, _, _ in BAD} == set(OrganizationKind)

"""``kg catalog``: the DCAT-AP 3.0.1 record, the e-Gov CKAN payload, schema.org and the CSV exports.

The record is checked against the official DCAT-AP 3.0.1 shapes (copied from
SEMIC); the CKAN payload against the e-Gov field inventory and the real
``package_show`` record in ``shared/reference/egov/`` (with a copy of both
under tests/fixtures/egov/ so the test runs without shared/).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef

from kg.catalog import CKAN_PAYLOAD, DCAT_JSONLD, DCAT_TURTLE, FOLDER, SCHEMA_ORG, write_catalog
from kg.catalog.ckan import PORTAL_FIELDS, RESOURCE_PORTAL_FIELDS
from kg.catalog.config import load_catalog_config
from kg.catalog.exports import TABLES
from kg.catalog.shacl import check
from kg.cli import _register, cli
from kg.errors import ConfigError
from tests.paths import ROOT, SEED_KEY

EGOV = ROOT / "tests" / "fixtures" / "egov"
DOCS = ROOT / "docs" / "catalog.md"
BASE = "https://kg.example.jp/"
ENDPOINT = "https://kg.example.jp/sparql"
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCT = Namespace("http://purl.org/dc/terms/")
SPDX = Namespace("http://spdx.org/rdf/terms#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
#: デジタル庁's 法人番号, as the gazetteer states it (with its source).
DA_NUMBER = "8000012010038"


@pytest.fixture(scope="module")
def catalog(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the session build with ``kg catalog`` run on it (endpoint configured): catalog/ beside it."""
    build = tmp_path_factory.mktemp("catalog") / "build"
    shutil.copytree(built, build)
    config = load_catalog_config(BASE, ROOT / "data", endpoint=ENDPOINT)
    result = write_catalog(build, config, ROOT / "data")
    assert result.shacl.conforms
    return build


def _record(catalog: Path) -> Graph:
    return Graph().parse(catalog.parent / FOLDER / DCAT_TURTLE, format="turtle")


def _local(build: Path, url: str) -> Path:
    """The file a download URL names: the build folder's at the root, the catalog folder's under catalog/."""
    rel = url.removeprefix(f"{BASE}download/")
    return build.parent / rel if rel.startswith(f"{FOLDER}/") else build / rel


def test_writes_every_output(catalog: Path) -> None:
    folder = catalog.parent / FOLDER
    for name in (DCAT_TURTLE, DCAT_JSONLD, CKAN_PAYLOAD, SCHEMA_ORG, "csv/codes.csv", "csv/definitions.csv"):
        assert (folder / name).is_file(), name
    for table in TABLES:
        assert (folder / "csv" / SEED_KEY / f"{table.name}.csv").is_file()
    # JSON-LD and Turtle say the same
    assert len(Graph().parse(folder / DCAT_JSONLD, format="json-ld")) == len(_record(catalog))


def test_record_passes_dcat_ap_shapes_and_warnings_are_documented(catalog: Path) -> None:
    report = check(_record(catalog))
    assert report.count("Violation") == 0, [r for r in report.results if r.severity == "Violation"][:3]
    docs = DOCS.read_text(encoding="utf-8")
    for result in report.results:
        prop = result.path.rsplit("/", 1)[-1].rsplit("#", 1)[-1]
        assert f"`{prop}`" in docs, f"warning on {prop} ({result.focus}) is not listed in docs/catalog.md"


def test_a_record_without_its_mandatory_properties_violates(catalog: Path) -> None:
    g = _record(catalog)
    g.remove((URIRef(f"{BASE}catalog"), DCT.title, None))
    report = check(g)
    assert not report.conforms
    assert any(r.path == str(DCT.title) and r.focus == f"{BASE}catalog" for r in report.results)


def test_edition_is_a_dataset_in_the_series(catalog: Path) -> None:
    g = _record(catalog)
    edition, series = URIRef(f"{BASE}plan/{SEED_KEY}"), URIRef(f"{BASE}plan")
    assert (series, RDF.type, DCAT.DatasetSeries) in g
    assert (edition, DCAT.inSeries, series) in g
    assert (edition, DCAT.version, Literal(SEED_KEY)) in g
    assert (edition, DCT.issued, Literal(SEED_KEY, datatype=XSD.date)) in g
    assert set(g.objects(edition, DCATAP.applicableLegislation)) == {
        URIRef(f"{BASE}law/428AC1000000103"), URIRef(f"{BASE}law/503AC0000000035")}
    descriptions = {str(d) for d in g.objects(edition, DCT.description)}
    assert any("48 measures (IDs 03-01 to 09-37)" in d for d in descriptions)
    # where the plan graph states the edition's scope (an excerpt), the record says it too
    plan = Graph().parse(catalog / f"plan-{SEED_KEY}.nt", format="nt")
    for note in plan.objects(edition, SKOS.scopeNote):
        assert any(str(note) in d for d in descriptions)
    assert {d.language for d in g.objects(edition, DCT.title)} == {"ja", "en"}  # type: ignore[attr-defined]


def test_distributions_state_true_sizes_and_checksums(catalog: Path) -> None:
    g = _record(catalog)
    distributions = list(g.subjects(RDF.type, DCAT.Distribution))
    assert len(distributions) >= 2 + len(TABLES) + 2
    for dist in distributions:
        url = str(g.value(dist, DCAT.downloadURL))
        assert url.startswith(f"{BASE}download/")
        path = _local(catalog, url)
        data = path.read_bytes()
        assert int(g.value(dist, DCAT.byteSize)) == len(data), path  # type: ignore[arg-type]
        checksum = g.value(dist, SPDX.checksum)
        assert str(g.value(checksum, SPDX.checksumValue)) == hashlib.sha256(data).hexdigest(), path
        assert g.value(dist, DCT.license) == URIRef(
            "https://www.digital.go.jp/resources/open_data/public_data_license_v1.0")
        assert g.value(dist, DCT.conformsTo) is not None


def test_publisher_carries_its_corporate_number(catalog: Path) -> None:
    g = _record(catalog)
    publisher = URIRef(f"{BASE}org/da")
    ident = g.value(publisher, ADMS.identifier)
    assert str(g.value(ident, SKOS.notation)) == DA_NUMBER
    assert all(o == publisher for o in g.objects(None, DCT.publisher))


def test_data_service_only_when_an_endpoint_is_configured(catalog: Path, tmp_path: Path) -> None:
    g = _record(catalog)
    service = URIRef(f"{BASE}catalog/sparql")
    assert g.value(service, DCAT.endpointURL) == URIRef(ENDPOINT)
    assert g.value(service, DCAT.endpointDescription) == URIRef(ENDPOINT)
    build = tmp_path / "build"
    shutil.copytree(catalog, build)
    write_catalog(build, load_catalog_config(BASE, ROOT / "data"), ROOT / "data")
    assert not list(_record(build).subjects(RDF.type, DCAT.DataService))


def test_same_build_same_bytes(catalog: Path, tmp_path: Path) -> None:
    build = tmp_path / "build"
    shutil.copytree(catalog, build)
    write_catalog(build, load_catalog_config(BASE, ROOT / "data", endpoint=ENDPOINT), ROOT / "data")
    for path in sorted((catalog.parent / FOLDER).rglob("*")):
        if path.is_file():
            again = build.parent / FOLDER / path.relative_to(catalog.parent / FOLDER)
            assert again.read_bytes() == path.read_bytes(), path


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return {str: "string", list: "array", dict: "object"}[type(value)]


def test_ckan_payload_uses_egov_field_names_and_types(catalog: Path) -> None:
    payload = json.loads((catalog.parent / FOLDER / CKAN_PAYLOAD).read_text(encoding="utf-8"))
    inventory = json.loads((EGOV / "field_inventory.json").read_text(encoding="utf-8"))
    package_types = {f["field"]: f["type"] for f in inventory["package"]}
    resource_types = {f["field"]: f["type"] for f in inventory["resource"]}
    for key, value in payload.items():
        assert key in package_types, f"{key} is not an e-Gov package field"
        assert _json_type(value) == package_types[key], key
    assert payload["resources"]
    for resource in payload["resources"]:
        for key, value in resource.items():
            assert key in resource_types, f"{key} is not an e-Gov resource field"
            assert _json_type(value) == resource_types[key], key
    # every field the real record has (but those the portal assigns) is there, with the same type
    real = json.loads((EGOV / "package_show_cao_20190522_0002.json").read_text(encoding="utf-8"))["result"]
    for key, value in real.items():
        if key not in PORTAL_FIELDS:
            assert key in payload and _json_type(payload[key]) == _json_type(value), key
    for key, value in real["resources"][0].items():
        if key not in RESOURCE_PORTAL_FIELDS:
            for resource in payload["resources"]:
                assert key in resource, key
                if value is not None:
                    assert _json_type(resource[key]) == _json_type(value), key
    assert {"name": DA_NUMBER} in payload["tags"]  # the publisher's 法人番号, as e-Gov tags it


def test_ckan_resources_match_the_files(catalog: Path) -> None:
    payload = json.loads((catalog.parent / FOLDER / CKAN_PAYLOAD).read_text(encoding="utf-8"))
    for resource in payload["resources"]:
        data = _local(catalog, resource["url"]).read_bytes()
        assert resource["size"] == len(data)
        assert resource["hash"] == hashlib.sha256(data).hexdigest()
        assert "public_data_license_v1.0" in resource["terms_and_conditions"]


def test_schema_org_dataset(catalog: Path) -> None:
    data = json.loads((catalog.parent / FOLDER / SCHEMA_ORG).read_text(encoding="utf-8"))
    assert data["@type"] == "Dataset"
    assert data["publisher"]["identifier"]["value"] == DA_NUMBER
    assert [p["version"] for p in data["hasPart"]] == [SEED_KEY]
    assert all(d["contentUrl"].startswith(f"{BASE}download/") and len(d["sha256"]) == 64
               for d in data["hasPart"][0]["distribution"])
    # it is JSON-LD an RDF reader takes (the context is not fetched: expand the type by hand)
    assert data["@context"] == "https://schema.org/"


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def test_csv_exports_are_long_tables_with_codes_and_definitions(catalog: Path) -> None:
    folder = catalog.parent / FOLDER / "csv"
    counts = {t.name: len(_rows(folder / SEED_KEY / f"{t.name}.csv")) for t in TABLES}
    assert counts["measures"] == 48 and counts["kpis"] == 98
    assert counts["participations"] == 103 and counts["marks"] == 23
    codes = {(r["code_list"], r["code"]) for r in _rows(folder / "codes.csv")}
    definitions = _rows(folder / "definitions.csv")
    for table in TABLES:
        text = (folder / SEED_KEY / f"{table.name}.csv").read_text(encoding="utf-8")
        assert not text.startswith("\ufeff")
        rows = list(csv.reader(io.StringIO(text, newline="")))
        assert rows[0] == [c.name for c in table.columns]
        defined = [d["column"] for d in definitions if d["file"] == f"{table.name}.csv"]
        assert defined == rows[0]
        for row in rows[1:]:
            assert len(row) == len(rows[0])
            assert not any("\n" in cell or "\r" in cell for cell in row), row  # one line per record
            for column, cell in zip(table.columns, row, strict=True):
                if column.code_list and cell:
                    assert (column.code_list, cell) in codes, (column.name, cell)


def test_config_file_and_its_errors(tmp_path: Path) -> None:
    (tmp_path / "catalog.toml").write_text('endpoint = "https://example.jp/sparql"\nowner_org = "da"\n',
                                           encoding="utf-8")
    config = load_catalog_config(BASE, tmp_path, owner_org="digital")
    assert config.endpoint == "https://example.jp/sparql" and config.owner_org == "digital"
    (tmp_path / "catalog.toml").write_text('endpont = "https://example.jp/sparql"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown key"):
        load_catalog_config(BASE, tmp_path)
    with pytest.raises(ConfigError, match="absolute"):
        load_catalog_config(BASE, tmp_path / "none", endpoint="sparql")


def test_cli(catalog: Path, tmp_path: Path) -> None:
    build = tmp_path / "build"
    shutil.copytree(catalog, build)
    _register()
    result = CliRunner().invoke(cli, ["catalog", "--build-dir", str(build), "--data-dir", str(ROOT / "data"),
                                      "--endpoint", ENDPOINT])
    assert result.exit_code == 0, result.output
    assert "DCAT-AP 3.0.1: 0 violations" in result.output
    assert f"法人番号 {DA_NUMBER}" in result.output
    assert (tmp_path / FOLDER / CKAN_PAYLOAD).is_file()
    missing = CliRunner().invoke(cli, ["catalog", "--build-dir", str(tmp_path / "nothing")])
    assert missing.exit_code == ConfigError.exit_code
    inside = CliRunner().invoke(cli, ["catalog", "--build-dir", str(build), "--out", str(build / "catalog")])
    assert inside.exit_code == ConfigError.exit_code and "inside the build folder" in inside.output


def test_build_after_catalog_still_replaces_the_build(catalog: Path, tmp_path: Path) -> None:
    """The catalog lies beside the build folder, which keeps only what its manifest lists."""
    from kg.build.pipeline import build
    from kg.config import load_settings

    out = tmp_path / "build"
    shutil.copytree(catalog, out)
    write_catalog(out, load_catalog_config(BASE, ROOT / "data"), ROOT / "data")
    assert build(load_settings(ROOT), out_dir=out).written

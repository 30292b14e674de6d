"""``kg harvest egov`` against a real local server that follows CKAN 2.9's Action API (tests/ckan_server.py).

The harvester talks to it over HTTP through ckanapi. The catalog holds the
real ``package_show`` record of the e-Gov portal (tests/fixtures/egov/) and
records written in its shape; faults: a 500 mid-harvest then resume, a
timeout, a page of HTML, a record deleted between pages, the ``rows`` cap.
"""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kg.cli import _register, cli
from kg.errors import ConfigError, InputError
from kg.harvest import FOLDER, GRAPH_FILE
from kg.harvest.client import CkanClient, HarvestError
from kg.harvest.egov import harvest_egov
from kg.harvest.run import RESPONSES, STATE, State, harvest, read_packages, sha256_of
from kg.manifest import read, verify
from kg.store.embedded import EmbeddedStore
from tests.ckan_server import CkanState, ckan_server
from tests.paths import ROOT

REAL = json.loads((ROOT / "tests" / "fixtures" / "egov" / "package_show_cao_20190522_0002.json")
                  .read_text(encoding="utf-8"))["result"]
BASE = "https://kg.example.jp/"


def _record(n: int, name: str, title: str, *, org: str | None = None, tags: tuple[str, ...] = (),
            publisher: str | None = None) -> dict[str, Any]:
    """A record in the shape of the real one (same fields and types), with its own values."""
    record = copy.deepcopy(REAL)
    record.update({
        "id": f"00000000-0000-4000-8000-{n:012d}", "name": name, "title": title,
        "metadata_created": f"2024-01-{1 + n % 28:02d}T00:00:00.000000",
        "metadata_modified": f"2024-02-{1 + n % 28:02d}T00:{n % 60:02d}:00.{n:06d}",
        "tags": [{"display_name": t, "id": f"tag-{t}", "name": t, "state": "active", "vocabulary_id": None}
                 for t in tags],
        "num_tags": len(tags),
    })
    record["resources"] = [dict(record["resources"][0], id=f"res-{n}", package_id=record["id"],
                                url=f"https://example.com/{name}.csv")]
    if org:
        record["organization"] = {"name": f"org-{n}", "title": org, "type": "organization"}
    if publisher:
        record["publisher"] = publisher
    return record


def catalog() -> CkanState:
    # the real record: tagged 2000012010019 (内閣府's 法人番号, where the gazetteer states it), name cao_…
    records = [dict(REAL, id="95eac548-e03d-4800-9d02-82e5baa06b2b")]
    records.append(_record(1, "mic_2024_0001", "情報通信白書データ", org="総務省"))
    records.append(_record(2, "ppc_2024_0001", "個人情報保護に関する統計",
                           org="Personal Information Protection"))
    records.append(_record(3, "meti_2024_0001", "工業統計", org="経済産業省"))
    records.append(_record(4, "xx_2024_0001", "架空のデータ", org="架空庁"))
    records.append(_record(5, "bad_2024_0001", ""))  # no title
    # tagged with 内閣官房's 法人番号
    records.append(_record(6, "cas_2024_0001", "内閣官房のデータ", tags=("3000012010001",)))
    records += [_record(10 + i, f"da_2024_{i:04d}", f"デジタル庁のデータ{i}", publisher="デジタル庁")
                for i in range(20)]
    return CkanState(records, [{"name": "cao", "title": "内閣府"}, {"name": "org-1", "title": "総務省"}])


def _client(address: str, **kwargs: Any) -> CkanClient:
    waits: list[float] = []
    client = CkanClient(address, delay=0, sleep=waits.append, **kwargs)
    return client


def _ids(folder: Path) -> set[str]:
    return set(read_packages(folder / RESPONSES)[0])


def test_a_full_harvest_pages_through_the_catalog(tmp_path: Path) -> None:
    state = catalog()
    with ckan_server(state) as url:
        result = harvest(_client(url), tmp_path, rows=10)
    assert result.complete and not result.findings
    assert _ids(tmp_path) == {p["id"] for p in state.packages}
    searches = [params for action, params in state.calls if action == "package_search"]
    assert all(p["sort"] == "metadata_modified asc" and p["rows"] == "10" for p in searches)
    assert [int(p["start"]) for p in searches] == [0, 9, 18]  # each page overlaps the last by one row
    saved = State.load(tmp_path / STATE, url)
    assert saved.done and saved.sha256 == sha256_of(tmp_path / RESPONSES)
    assert saved.newest == max(p["metadata_modified"] for p in state.packages)
    # the raw answers are kept as the portal sent them: CKAN's envelope
    first = json.loads((tmp_path / RESPONSES).read_text(encoding="utf-8").splitlines()[1])
    assert json.loads(first["body"])["help"].endswith("name=package_search")


def test_rows_above_the_cap_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="1000"):
        harvest(_client("http://127.0.0.1:9"), tmp_path, rows=1001)
    with ckan_server(catalog()) as url:
        answer = _client(url).call("package_search", rows=1001)
    assert not answer.ok and answer.status == 409 and "Validation Error" in (answer.error or "")


def test_a_transient_500_is_retried_with_backoff(tmp_path: Path) -> None:
    state = catalog()
    state.fail("package_search", "500", "500")
    waits: list[float] = []
    with ckan_server(state) as url:
        client = CkanClient(url, delay=0, sleep=waits.append, retries=3, backoff=0.5)
        result = harvest(client, tmp_path, rows=10)
    assert result.complete
    assert waits == [0.5, 1.0]
    assert _ids(tmp_path) == {p["id"] for p in state.packages}


def test_a_500_mid_harvest_then_resume_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    state = catalog()
    with ckan_server(state) as url:
        first = harvest(_client(url), tmp_path, rows=10)  # the first run, whole
        assert first.complete
        new = _record(40, "cao_2025_0001", "新しいデータ", tags=("2000012010019",))
        new["metadata_modified"] = "2025-03-02T00:00:00.000000"  # added since
        state.packages.append(new)
        state.packages[1]["metadata_modified"] = "2025-03-01T00:00:00.000000"  # changed since
        state.packages[1]["title"] = "情報通信白書データ（改訂）"
        state.fail("package_search", "none", "500", "500", "500")  # page 2 fails, and its retries
        with pytest.raises(HarvestError, match="3 attempts"):
            harvest(_client(url, retries=2), tmp_path, rows=1)
        assert not State.load(tmp_path / STATE, url).done
        resumed = harvest(_client(url), tmp_path, rows=1)
    assert resumed.complete
    packages = read_packages(tmp_path / RESPONSES)[0]
    assert set(packages) == {p["id"] for p in state.packages}
    assert packages[state.packages[1]["id"]]["title"] == "情報通信白書データ（改訂）"
    window = [p for a, p in state.calls if a == "package_search" and "fq" in p]
    assert window and all(p["fq"] == "metadata_modified:[2024-02-28T00:27:00.000Z TO *]" for p in window)


def test_a_timeout_is_retried(tmp_path: Path) -> None:
    state = catalog()
    state.fail("package_search", "slow")
    with ckan_server(state) as url:
        result = harvest(_client(url, timeout=0.3), tmp_path, rows=50)
    assert result.complete and _ids(tmp_path) == {p["id"] for p in state.packages}


def test_an_html_page_is_a_finding_and_the_harvest_resumes(tmp_path: Path) -> None:
    state = catalog()
    with ckan_server(state) as url:
        state.fail("package_search", "none", "html")  # the first page is answered, the second is HTML
        bad = harvest(_client(url), tmp_path, rows=10)
        assert not bad.complete
        assert [f.code for f in bad.findings] == ["egov-bad-response"]
        assert "HTML page" in bad.findings[0].message
        good = harvest(_client(url), tmp_path, rows=10)
    assert good.complete and _ids(tmp_path) == {p["id"] for p in state.packages}


def test_a_409_success_false_is_a_finding_not_a_crash(tmp_path: Path) -> None:
    state = catalog()
    state.fail("package_search", "409")
    with ckan_server(state) as url:
        result = harvest(_client(url), tmp_path, rows=10)
    assert not result.complete
    assert "success false" in result.findings[0].message


def test_a_record_deleted_between_pages_loses_no_other(tmp_path: Path) -> None:
    state = catalog()
    ordered = sorted(state.packages, key=lambda p: p["metadata_modified"])
    state.delete_after = (1, ordered[2]["name"])  # one of the first page, deleted once it was served
    with ckan_server(state) as url:
        result = harvest(_client(url), tmp_path, rows=10)
    assert result.complete
    assert {p["id"] for p in state.packages} <= _ids(tmp_path)
    # the deleted record was fetched before it went: the portal's count and the harvest differ by it
    assert [(f.code, f.values["count"], f.values["held"]) for f in result.findings] == [
        ("egov-count-mismatch", len(state.packages), len(state.packages) + 1)]


def _prefix_table(data: Path) -> None:
    (data / "reference").mkdir(parents=True)
    (data / "reference" / "egov_prefixes.csv").write_text(
        "prefix,organization_id,sources,note\nppc,ppc,tests/test_harvest.py,a test's own row\n",
        encoding="utf-8")


def test_publishers_linked_by_three_keys_and_unknown_ones_reported(tmp_path: Path, built: Path) -> None:
    data = tmp_path / "data"
    _prefix_table(data)
    build = tmp_path / "build"
    shutil.copytree(built, build)
    with ckan_server(catalog()) as url:
        result = harvest_egov(url, data, build, BASE, rows=10, delay=0)
    # 内閣官房 by its 法人番号 tag, 総務省/経産省/デジタル庁 by name, ppc by the prefix table, and the real
    # record by its tag or, where the gazetteer states no 法人番号 for 内閣府, by its cao_ prefix
    assert result.linked["organization-name"] == 22
    assert result.linked["corporate-number"] + result.linked["name-prefix"] == 3
    assert result.linked["corporate-number"] >= 1 and result.linked["name-prefix"] >= 1
    codes = sorted((f.code, f.values["name"]) for f in result.findings)
    assert codes == [("egov-bad-record", "bad_2024_0001"), ("egov-unknown-organization", "xx_2024_0001")]
    nt = (build / GRAPH_FILE).read_text(encoding="utf-8")
    assert f'<{BASE}org/cao>' in nt and f'<{BASE}org/cas>' in nt and '"corporate-number"' in nt
    assert (data / FOLDER / GRAPH_FILE).read_text(encoding="utf-8") == nt


GROUP_LEADS = """PREFIX kg: <https://kg.example.jp/def/kg#>
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dct: <http://purl.org/dc/terms/>
SELECT DISTINCT ?name ?org WHERE {
  ?measure kg:groupCode "04" ; kg:ledBy ?org .
  ?dataset a dcat:Dataset ; dct:publisher ?org ; dct:identifier ?id ; dct:title ?name .
  FILTER(STRSTARTS(STR(?dataset), "http://127.0.0.1"))
} ORDER BY ?name"""


def harvested_build(tmp_path: Path, built: Path) -> Path:
    """A copy of the session build with the local catalog harvested into it (graph egov)."""
    data = tmp_path / "data"
    _prefix_table(data)
    build = tmp_path / "build"
    shutil.copytree(built, build)
    with ckan_server(catalog()) as url:
        harvest_egov(url, data, build, BASE, rows=10, delay=0)
    return build


#: The datasets of the group-04 leads (cas, cao, ppc, da, mic) in the local catalog: 20 of デジタル庁.
GROUP_04_DATASETS = 24


def test_harvest_build_query_datasets_of_the_group_04_leads(tmp_path: Path, built: Path) -> None:
    """e-Gov datasets of the ministries that lead measures of group 04 (cas, cao, ppc, da, mic)."""
    build = harvested_build(tmp_path, built)
    rows = EmbeddedStore.open(build).select(GROUP_LEADS)["results"]["bindings"]
    found = {(r["name"]["value"], r["org"]["value"].rsplit("/", 1)[-1]) for r in rows}
    assert ("「国民の祝日」について", "cao") in found  # the real record
    assert ("内閣官房のデータ", "cas") in found  # by its 法人番号 tag
    assert ("情報通信白書データ", "mic") in found  # by the organisation's name
    assert ("個人情報保護に関する統計", "ppc") in found  # by the dataset-name prefix
    assert len([o for _, o in found if o == "da"]) == 20  # by e-Gov's publisher field
    assert not any(o == "meti" for _, o in found)  # 経産省 leads no measure of group 04
    assert len(found) == GROUP_04_DATASETS
    # the build with the harvested graph still validates, and its manifest's hashes hold
    verify(read(build))
    _register()
    checked = CliRunner().invoke(cli, ["validate", "--build-dir", str(build)])
    assert checked.exit_code == 0 and "0 violation(s)" in checked.output, checked.output[-500:]


def test_cli_harvest_then_offline_remap(tmp_path: Path, built: Path) -> None:
    build = tmp_path / "build"
    shutil.copytree(built, build)
    _register()
    runner = CliRunner()
    with ckan_server(catalog()) as url:
        args = ["harvest", "egov", "--url", url, "--delay", "0", "--rows", "10",
                "--data-dir", str(tmp_path / "data"), "--build-dir", str(build)]
        result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "harvest: 3 pages, 29 records (run 1)" in result.output
    assert "[egov-unknown-organization]" in result.output and "xx_2024_0001" in result.output
    assert f"added graph egov to {build}" in result.output
    again = runner.invoke(cli, [*args, "--offline"])
    assert again.exit_code == 0, again.output
    assert "graph egov: 26 datasets" in again.output


def test_candidates_are_for_review_and_only_a_confirmation_links(tmp_path: Path, built: Path) -> None:
    build = harvested_build(tmp_path, built)
    review = (build / "egov-review.csv").read_text(encoding="utf-8")
    assert "ppc_2024_0001" in review and ",2023-06-09,04-04," in review
    measure = f"<{BASE}plan/2023-06-09/measure/04-04>"
    nt = (build / GRAPH_FILE).read_text(encoding="utf-8")
    relation = "<http://purl.org/dc/terms/relation>"
    ppc = "<http://127.0.0.1:"  # the local server's dataset IRIs
    assert any(relation in line and measure in line and "#candidate/" in line for line in nt.splitlines())
    assert not any(line.startswith(ppc) and f"> {relation} {measure}" in line and "#candidate" not in
                   line.split(" ")[0] for line in nt.splitlines())
    assert "egov_review_csv" in json.loads((build / "manifest.json").read_text(encoding="utf-8"))["dataset"]
    # a person confirms it: a plain dct:relation, after an offline remap
    links = tmp_path / "data" / "curated" / "egov-links.csv"
    links.parent.mkdir(parents=True)
    links.write_text("dataset,edition,measure_id,confirmed,note\nppc_2024_0001,2023-06-09,04-04,yes,checked\n"
                     "mic_2024_0001,2023-06-09,03-01,,not this one\n", encoding="utf-8")
    result = harvest_egov("(the stored site)", tmp_path / "data", build, BASE, offline=True)  # no server
    assert result.confirmed == 1
    lines = (build / GRAPH_FILE).read_text(encoding="utf-8").splitlines()
    plain = [line for line in lines if f"> {relation} {measure}" in line and "#candidate" not in line]
    assert len(plain) == 1 and plain[0].startswith(ppc)
    links.write_text("dataset,edition,measure_id,confirmed,note\nppc_2024_0001,2023-06-09,99-99,yes,\n",
                     encoding="utf-8")
    with pytest.raises(InputError, match="99-99"):
        harvest_egov("(the stored site)", tmp_path / "data", build, BASE, offline=True)


def test_a_rebuild_keeps_the_harvested_catalog(tmp_path: Path, built: Path) -> None:
    """Harvest, then `kg build` again (as after editing the curated table): the graph egov is still there."""
    harvested_build(tmp_path, built)
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data" / "editions", data / "editions")
    out = tmp_path / "rebuilt"
    _register()
    res = CliRunner().invoke(cli, ["build", "-q", "--data-dir", str(data), "--out", str(out)])
    assert res.exit_code == 0, res.output
    [egov] = [g for g in read(out).graphs if g.name == "egov"]
    expected = (data / FOLDER / GRAPH_FILE).read_text(encoding="utf-8")
    assert (out / egov.files["ntriples"]).read_text(encoding="utf-8") == expected
    assert egov.triples == expected.count("\n")
    # harvest → build → query: the same answer as on the build the harvest was added to
    rows = EmbeddedStore.open(out).select(GROUP_LEADS)["results"]["bindings"]
    assert len({(r["name"]["value"], r["org"]["value"]) for r in rows}) == GROUP_04_DATASETS


def test_a_damaged_harvested_graph_stops_the_build(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data" / "editions", data / "editions")
    (data / FOLDER).mkdir(parents=True)
    (data / FOLDER / GRAPH_FILE).write_text("<a> <b> .\n", encoding="utf-8")
    _register()
    res = CliRunner().invoke(cli, ["build", "-q", "--data-dir", str(data), "--out", str(tmp_path / "b")])
    assert res.exit_code == 3, res.output
    assert f"{data / FOLDER / GRAPH_FILE}: the harvested catalog graph is not valid N-Triples" in res.output
    assert not (tmp_path / "b").exists()

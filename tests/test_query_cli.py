"""``kg query`` on the command line: listing, help, formats, errors, and the remote endpoint."""

from __future__ import annotations

import base64
import csv
import io
import json
import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kg.cli import _register, cli
from kg.errors import ConfigError, QueryError, StoreError
from kg.query import bundled_queries
from kg.query.output import width
from tests.oxigraph_server import (  # noqa: F401  (fixtures)
    OxigraphServer,
    Proxy,
    fixture_oxigraph_with_build,
    fixture_proxies,
)
from tests.test_queries import DECEMBER, JUNE, build_two_editions


def kg_query(*args: str) -> Result:
    """``kg query ARGS`` through the ``kg`` group, whose settings (``-h``) the command inherits."""
    _register()
    return CliRunner().invoke(cli, ["query", *args])


@pytest.fixture
def on(built: Path) -> Callable[..., Result]:
    """``kg query … --build-dir <the bundled build>``."""
    return lambda *args: kg_query(*args, "--build-dir", str(built))


def test_list_shows_every_bundled_query_with_titles_and_parameters() -> None:
    result = kg_query("--list")
    assert result.exit_code == 0
    for doc in bundled_queries():
        assert doc.name in result.output and doc.title_ja in result.output and doc.title_en in result.output
    assert "measures-by-ministry  [ministry=総務省, edition=latest]" in result.output
    assert "search-measures  [text, edition=latest]" in result.output  # required: no default
    assert "measures-changed  [old, new=latest]" in result.output
    assert kg_query().output == result.output  # no NAME: the list


def test_every_bundled_query_is_in_the_documented_table() -> None:
    """docs/stores.md lists the bundled queries, one row each; a query added without its row fails."""
    text = (Path(__file__).resolve().parents[1] / "docs" / "stores.md").read_text(encoding="utf-8")
    rows = {line.split("`")[1] for line in text.splitlines() if line.startswith("| `")}
    assert {doc.name for doc in bundled_queries()} <= rows


def test_query_help_lists_its_parameters() -> None:
    result = kg_query("measures-by-ministry", "--help")
    assert result.exit_code == 0
    out = result.output
    assert out.startswith("measures-by-ministry: 府省庁が担当する施策")
    assert "ministry  (string, default 総務省)" in out and "edition  (edition, default latest)" in out
    assert "Cabinet decision date (2023-06-09), or its year" in out
    assert "kg query measures-by-ministry --param ministry=総務省 --param edition=latest" in out
    assert "Usage:" in out and "--endpoint URL" in out  # followed by the command's own options
    assert kg_query("--format", "csv", "search-measures", "-h").output.count("text  (string, required)") == 1


def test_help_for_an_unknown_query_says_so() -> None:
    result = kg_query("no-such-query", "--help")
    assert result.exit_code == 0 and "no bundled query or query file named 'no-such-query'" in result.output


def test_table_is_the_default(on: Callable[..., Result]) -> None:
    result = on("measures-without-kpi")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["id", "group", "name"]
    assert set(lines[1]) <= {"-", " "}
    assert lines[2].startswith("03-01  03     民主主義的な価値に基づいた")
    assert lines[-1] == "(3 rows)"


def test_table_shortens_iris_and_aligns_wide_characters(on: Callable[..., Result]) -> None:
    lines = on("measures-by-ministry", "-p", "ministry=消防庁").output.splitlines()
    assert lines[0].split() == ["id", "name", "role", "via", "viaName"]
    assert "kg:LeadRole" in lines[2] and "base:org/fdma" in lines[2]
    # Aligned in display cells: a Japanese character takes two.
    assert width(lines[2][: lines[2].index("kg:LeadRole")]) == width(lines[0][: lines[0].index("role")])


def test_csv(on: Callable[..., Result]) -> None:
    result = on("measures-without-kpi", "--format", "csv")
    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows[0] == ["id", "group", "name"]
    assert [r[0] for r in rows[1:]] == ["03-01", "04-04", "08-02"]


def test_tsv(on: Callable[..., Result]) -> None:
    result = on("measures-without-kpi", "-f", "tsv")
    lines = result.output.splitlines()
    assert lines[0] == "?id\t?group\t?name"
    assert lines[1].startswith('"03-01"\t"03"\t"民主主義的な価値に基づいた') and lines[1].endswith('"@ja')


def test_json_is_sparql_results_json(on: Callable[..., Result]) -> None:
    data = json.loads(on("measures-without-kpi", "-f", "json").output)
    assert data["head"]["vars"] == ["id", "group", "name"]
    first = data["results"]["bindings"][0]
    assert first["id"] == {"type": "literal", "value": "03-01"}
    assert first["name"]["xml:lang"] == "ja"


def test_a_query_file_with_its_own_header(on: Callable[..., Result], tmp_path: Path) -> None:
    query = tmp_path / "count.rq"
    query.write_text(
        "# title@en: Measures of a group\n# param group: string = 07\n#   The group code.\n"
        "PREFIX kg: <https://kg.example.jp/def/kg#>\n"
        "SELECT (COUNT(?m) AS ?n) WHERE { ?m kg:groupCode ?group }\n",
        encoding="utf-8",
    )
    assert on(str(query), "-f", "csv").output.splitlines() == ["n", "1"]
    assert on(str(query), "-f", "csv", "-p", "group=06").output.splitlines() == ["n", "21"]


def test_injection_is_harmless(on: Callable[..., Result]) -> None:
    result = on("measures-by-ministry", "--param", 'ministry=" } ; DROP ALL ; #')
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "(0 rows)"
    assert on("measures-without-kpi").output.splitlines()[-1] == "(3 rows)"


# --- editions ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def two_editions(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A build of the editions of 2021-06-18 and 2021-12-24 (see tests/test_queries.py)."""
    return build_two_editions(tmp_path_factory.mktemp("two-editions"))


def test_an_edition_by_its_date_or_its_year(on: Callable[..., Result]) -> None:
    by_date = on("measures-by-ministry", "--param", "edition=2023-06-09")
    assert by_date.exit_code == 0, by_date.output
    assert by_date.output.splitlines()[-1] == "(20 rows)"
    assert on("measures-by-ministry", "--param", "edition=2023").output == by_date.output
    assert on("measures-by-ministry", "--param", "edition=latest").output == by_date.output
    assert on("measures-by-ministry").output == by_date.output


def test_edition_summary_shows_the_key(on: Callable[..., Result]) -> None:
    rows = list(csv.reader(io.StringIO(on("edition-summary", "-f", "csv").output)))
    assert rows[0][:3] == ["edition", "year", "file"]
    assert rows[1][:3] == ["2023-06-09", "2023", "000_12dec0b774bbd4f2.txt"]


@pytest.mark.parametrize("value", ["2022", "2023-06-10"])
def test_an_edition_not_in_the_build(on: Callable[..., Result], value: str) -> None:
    result = on("measures-without-kpi", "-p", f"edition={value}")
    assert result.exit_code == QueryError.exit_code
    assert f"parameter edition: no edition {value} in the graph (editions: 2023-06-09)" in result.output


def test_not_an_edition(on: Callable[..., Result]) -> None:
    result = on("measures-without-kpi", "-p", "edition=令和5")
    assert result.exit_code == QueryError.exit_code
    assert "parameter edition: '令和5' is not a valid edition (not a decision date" in result.output


def test_a_year_with_two_editions(two_editions: Path) -> None:
    result = kg_query("measures-without-kpi", "-p", "edition=2021", "--build-dir", str(two_editions))
    assert result.exit_code == QueryError.exit_code
    assert (
        "parameter edition: 2021 names more than one edition (2021-06-18, 2021-12-24): give the decision date"
        in result.output
    )
    june = kg_query("measures-without-kpi", "-p", f"edition={JUNE}", "--build-dir", str(two_editions))
    assert june.exit_code == 0 and june.output.splitlines()[-1] == "(3 rows)"
    changed = kg_query("measures-changed", "-p", f"old={JUNE}", "-f", "csv", "--build-dir", str(two_editions))
    assert [r[:3] for r in csv.reader(io.StringIO(changed.output))] == [
        ["change", "edition", "id"],
        ["added", DECEMBER, "04-01"],
        ["removed", JUNE, "04-01"],
    ]


# --- errors -----------------------------------------------------------------------------------


def test_missing_parameter(on: Callable[..., Result]) -> None:
    result = on("search-measures")
    assert result.exit_code == QueryError.exit_code
    assert "missing required parameter(s): text (give --param text=VALUE)" in result.output


def test_bad_parameter_value(on: Callable[..., Result]) -> None:
    result = on("kpis-by-deadline", "-p", "fy=令和7")
    assert result.exit_code == QueryError.exit_code
    assert "parameter fy: '令和7' is not a valid integer" in result.output
    assert "expected NAME=VALUE" in on("kpis-by-deadline", "-p", "fy").output


def test_syntax_error_with_its_line(on: Callable[..., Result], tmp_path: Path) -> None:
    bad = tmp_path / "bad.rq"
    bad.write_text("# title@en: Broken\nSELECT ?s WHERE {\n  ?s ?p ?o\n  ?s ?p\n}\n", encoding="utf-8")
    result = on(str(bad))
    assert result.exit_code == QueryError.exit_code
    assert f"{bad}: syntax error at line 4, column 3 ('?s ?p')" in result.output


def test_unknown_query(on: Callable[..., Result]) -> None:
    result = on("measures-by-minister")
    assert result.exit_code == QueryError.exit_code
    assert "no bundled query or query file named 'measures-by-minister'; bundled: " in result.output


def test_not_a_build_directory(tmp_path: Path) -> None:
    result = kg_query("measures-without-kpi", "--build-dir", str(tmp_path))
    assert result.exit_code == ConfigError.exit_code
    assert "is not a build directory (no manifest.json); run `kg build` first" in result.output


def test_unreachable_endpoint(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    endpoint = f"http://127.0.0.1:{port}/query"
    result = kg_query("measures-without-kpi", "--endpoint", endpoint, "--build-dir", str(tmp_path))
    assert result.exit_code == StoreError.exit_code
    assert f"SPARQL endpoint http://127.0.0.1:{port}/query: cannot connect:" in result.output


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never answers."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(8)
        yield s.getsockname()[1]


def test_endpoint_timeout(silent_port: int) -> None:
    url = f"http://127.0.0.1:{silent_port}/query"
    result = kg_query("measures-without-kpi", "--endpoint", url, "--timeout", "1")
    assert result.exit_code == StoreError.exit_code
    assert f"SPARQL endpoint {url}: no answer within 1 s (timeout)" in result.output


def test_credentials_in_the_endpoint_url_are_refused() -> None:
    result = kg_query("measures-without-kpi", "--endpoint", "http://kg:hunter2@127.0.0.1:9/query")
    assert result.exit_code == ConfigError.exit_code
    assert "do not put credentials in the URL" in result.output and "hunter2" not in result.output


# --- on the server ------------------------------------------------------------------------------


@pytest.mark.server
@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json"])
def test_the_endpoint_gives_the_same_output(
    on: Callable[..., Result], oxigraph_with_build: OxigraphServer, fmt: str
) -> None:
    args = ("ministry-summary", "-f", fmt)
    served = on(*args, "--endpoint", oxigraph_with_build.query_url)
    assert served.exit_code == 0, served.output
    assert served.output == on(*args).output


@pytest.mark.server
def test_editions_on_the_endpoint(on: Callable[..., Result], oxigraph_with_build: OxigraphServer) -> None:
    endpoint = ("--endpoint", oxigraph_with_build.query_url)
    by_year = on("measures-by-ministry", "-p", "edition=2023", *endpoint)
    assert by_year.exit_code == 0, by_year.output
    assert by_year.output == on("measures-by-ministry", "-p", "edition=2023-06-09").output
    unknown = on("measures-by-ministry", "-p", "edition=2022", *endpoint)
    assert unknown.exit_code == QueryError.exit_code
    assert "parameter edition: no edition 2022 in the graph (editions: 2023-06-09)" in unknown.output


@pytest.mark.server
def test_endpoint_rejecting_a_query(oxigraph_with_build: OxigraphServer, tmp_path: Path) -> None:
    # Valid SPARQL that Oxigraph refuses at evaluation: a SERVICE call is not allowed to go out.
    query = tmp_path / "service.rq"
    query.write_text("SELECT * WHERE { SERVICE <http://127.0.0.1:9/q> { ?s ?p ?o } }\n", encoding="utf-8")
    result = kg_query(str(query), "--endpoint", oxigraph_with_build.query_url, "--timeout", "5")
    assert result.exit_code in (QueryError.exit_code, StoreError.exit_code)
    assert f"SPARQL endpoint {oxigraph_with_build.query_url}" in result.output


@pytest.mark.server
def test_endpoint_credentials(
    built: Path,
    oxigraph_with_build: OxigraphServer,
    proxies: Callable[..., Proxy],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    proxy = proxies(oxigraph_with_build.url, auth="Basic " + base64.b64encode(b"reader:open-sesame").decode())
    args = ("measures-without-kpi", "--endpoint", f"{proxy.url}/query", "--build-dir", str(built))
    monkeypatch.setenv("KG_ENDPOINT_USER", "reader")
    monkeypatch.setenv("KG_ENDPOINT_PASSWORD", "wrong-sesame")
    refused = kg_query(*args)
    assert refused.exit_code == StoreError.exit_code
    assert "authentication failed (HTTP 401)" in refused.output and "sesame" not in refused.output
    monkeypatch.setenv("KG_ENDPOINT_PASSWORD", "open-sesame")
    accepted = kg_query(*args)
    assert accepted.exit_code == 0 and accepted.output.splitlines()[-1] == "(3 rows)"

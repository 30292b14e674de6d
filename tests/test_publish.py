"""``kg publish`` against a real Oxigraph server, and against one that misbehaves.

Misbehaviour comes from a small loopback proxy in front of the real server:
it can answer 500 once, demand a password, or kill the server when a chosen
request arrives. Everything listens on 127.0.0.1 only.
"""

from __future__ import annotations

import json
import shutil
import socket
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from pyoxigraph import CanonicalizationAlgorithm, Dataset, NamedNode, RdfFormat, Store, parse

from kg.cli.publish import command as publish_command
from kg.errors import ConfigError, StoreError
from kg.manifest import sha256_file
from kg.publish import STAGING_SUFFIX, Endpoints, RetryPolicy, publish
from kg.store import read_manifest
from tests.oxigraph_server import OxigraphServer, Proxy, fixture_oxigraph_server, fixture_proxies  # noqa: F401
from tests.paths import SEED_GRAPH

pytestmark = pytest.mark.server

FAST = RetryPolicy(attempts=3, first_delay=0.01)

# --- helpers --------------------------------------------------------------------------------------


def endpoints(base: str, gsp: bool = True) -> Endpoints:
    return Endpoints.from_options(f"{base}/query", gsp=f"{base}/store" if gsp else None)


def store_dataset(server: OxigraphServer) -> Dataset:
    request = urllib.request.Request(server.store_url, headers={"Accept": "application/n-quads"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        data = Dataset(parse(answer.read(), format=RdfFormat.N_QUADS))
    data.canonicalize(CanonicalizationAlgorithm.UNSTABLE)
    return data


def build_dataset(build: Path) -> Dataset:
    """The build's quads as an Oxigraph store holds them.

    Oxigraph keeps numbers by value: "100.0"^^xsd:decimal comes back as "100".
    Passing the build through a pyoxigraph store does the same to it.
    """
    store = Store()
    manifest = read_manifest(build)
    for g in manifest.graphs:
        store.bulk_load(path=manifest.ntriples(g), format=RdfFormat.N_TRIPLES, to_graph=NamedNode(g.iri))
    data = Dataset(store)
    data.canonicalize(CanonicalizationAlgorithm.UNSTABLE)
    return data


def graph_lines(server: OxigraphServer, graph: str) -> list[str]:
    url = f"{server.store_url}?graph={urllib.parse.quote(graph, safe='')}"
    request = urllib.request.Request(url, headers={"Accept": "application/n-triples"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return sorted(answer.read().decode("utf-8").splitlines())


@pytest.fixture
def smaller_build(built: Path, tmp_path: Path) -> Path:
    """A copy of the build whose plan graph lacks its last 100 triples: a different, valid build."""
    copy = tmp_path / "smaller"
    shutil.copytree(built, copy)
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    plan = next(g for g in manifest["graphs"] if g["name"].startswith("plan-"))
    lines = (copy / plan["ntriples"]).read_text(encoding="utf-8").splitlines(keepends=True)
    (copy / plan["ntriples"]).write_text("".join(lines[:-100]), encoding="utf-8")
    plan["triples"] -= 100
    manifest["sha256"][plan["ntriples"]] = sha256_file(copy / plan["ntriples"])
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return copy


def _uploads(proxy: Proxy) -> int:
    return sum(1 for method, path in proxy.seen if method == "POST" and path.startswith("/store"))


def _updates_after_uploads(proxy: Proxy, uploads: int) -> list[str]:
    """The update requests sent after the ``uploads``-th upload (the swap, then nothing else)."""
    seen, after = 0, []
    for method, path in proxy.seen:
        if method == "POST" and path.startswith("/store"):
            seen += 1
        elif seen >= uploads and method == "POST" and path.startswith("/update"):
            after.append(path)
    return after


# --- tests ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gsp", "disguise"),
    [(True, False), (True, True), (False, False)],
    ids=["gsp+move-oxigraph-bulk", "gsp+move-any-store", "single-update"],
)
def test_publish_to_a_fresh_store(
    built: Path, oxigraph_server: OxigraphServer, proxies: Callable[..., Proxy], gsp: bool, disguise: bool
) -> None:
    proxy = proxies(oxigraph_server.url, disguise=disguise)
    report = publish(built, endpoints(proxy.url, gsp), retry=FAST)
    assert [g.name for g in report.graphs] == [g.name for g in read_manifest(built).graphs]
    assert [g.name for g in report.graphs] == ["ontology", "reference", SEED_GRAPH, "lineage"]
    assert report.retries == 0
    uploads = [path for method, path in proxy.seen if method == "POST" and path.startswith("/store")]
    assert len(uploads) == (len(report.graphs) if gsp else 0)  # ontology, reference, plan, lineage
    assert all(("no_transaction" in path) == (not disguise) for path in uploads)
    assert store_dataset(oxigraph_server) == build_dataset(built)  # same quads, nothing else (no staging)


def test_republishing_leaves_the_store_the_same(built: Path, oxigraph_server: OxigraphServer) -> None:
    publish(built, endpoints(oxigraph_server.url), retry=FAST)
    first = store_dataset(oxigraph_server)
    publish(built, endpoints(oxigraph_server.url), retry=FAST)
    publish(built, endpoints(oxigraph_server.url, gsp=False), retry=FAST)
    assert store_dataset(oxigraph_server) == first == build_dataset(built)


def test_publish_replaces_rather_than_adds(
    built: Path, smaller_build: Path, oxigraph_server: OxigraphServer
) -> None:
    publish(built, endpoints(oxigraph_server.url), retry=FAST)
    publish(smaller_build, endpoints(oxigraph_server.url), retry=FAST)
    assert store_dataset(oxigraph_server) == build_dataset(smaller_build)


def test_a_500_is_retried(
    built: Path, oxigraph_server: OxigraphServer, proxies: Callable[..., Proxy]
) -> None:
    failed: list[str] = []

    def once(method: str, path: str) -> int | None:
        if method == "POST" and path.startswith("/store") and not failed:
            failed.append(path)
            return 500
        return None

    proxy = proxies(oxigraph_server.url, once)
    report = publish(built, endpoints(proxy.url), retry=FAST)
    assert failed and report.retries == 1
    assert store_dataset(oxigraph_server) == build_dataset(built)


def test_a_store_that_keeps_failing_is_reported(
    built: Path, oxigraph_server: OxigraphServer, proxies: Callable[..., Proxy]
) -> None:
    proxy = proxies(oxigraph_server.url, lambda m, p: 503 if p.startswith("/store") else None)
    with pytest.raises(StoreError, match=r"HTTP 503 injected failure \(gave up after 3 attempts\)"):
        publish(built, endpoints(proxy.url), retry=FAST)
    assert store_dataset(oxigraph_server) == Dataset()  # nothing was swapped in


@pytest.mark.parametrize("moment", ["upload", "swap"])
def test_a_store_that_dies_mid_publish_keeps_the_previous_graph_whole(
    built: Path,
    smaller_build: Path,
    oxigraph_server: OxigraphServer,
    proxies: Callable[..., Proxy],
    moment: str,
) -> None:
    plan = next(g for g in read_manifest(built).graphs if g.name.startswith("plan-"))
    publish(built, endpoints(oxigraph_server.url), retry=FAST)
    before = graph_lines(oxigraph_server, plan.iri)
    staging = urllib.parse.quote(plan.iri + STAGING_SUFFIX, safe="")

    graphs = len(read_manifest(built).graphs)

    def kill_at(method: str, path: str) -> str | None:
        upload = method == "POST" and path.startswith("/store")
        # The swap: the first update once every graph is staged (one MOVE per graph, one request).
        swap = method == "POST" and path.startswith("/update") and len(uploaded) == graphs
        if upload:
            uploaded.append(path)
        if (moment == "upload" and upload and staging in path) or (moment == "swap" and swap):
            oxigraph_server.kill()
            return "drop"
        return None

    uploaded: list[str] = []
    proxy = proxies(oxigraph_server.url, kill_at)
    expected = "gave up after 3 attempts" if moment == "upload" else r"the swap \(one "
    with pytest.raises(StoreError, match=expected) as info:
        publish(smaller_build, endpoints(proxy.url), retry=FAST, settle=0.5)
    if moment == "upload":
        assert "nothing was swapped: every published graph is as it was" in str(info.value)
    else:
        assert "the store did not answer the count queries either" in str(info.value)
    oxigraph_server.start()
    assert graph_lines(oxigraph_server, plan.iri) == before  # the old graph, whole
    assert len(before) == plan.triples
    publish(smaller_build, endpoints(oxigraph_server.url), retry=FAST)  # and the next run cleans up
    assert store_dataset(oxigraph_server) == build_dataset(smaller_build)


def test_wrong_password_is_a_clear_error_without_the_password(
    built: Path,
    oxigraph_server: OxigraphServer,
    proxies: Callable[..., Proxy],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import base64

    secret = "s3cret-Pa55word"
    wrong = "wr0ng-Pa55word"
    token = base64.b64encode(f"kg:{secret}".encode()).decode()
    proxy = proxies(oxigraph_server.url, auth=f"Basic {token}")
    args = ["--endpoint", f"{proxy.url}/query", "--gsp", f"{proxy.url}/store", "--build-dir", str(built)]
    monkeypatch.setenv("KG_ENDPOINT_USER", "kg")
    monkeypatch.setenv("KG_ENDPOINT_PASSWORD", wrong)
    result = CliRunner().invoke(publish_command, args)
    assert result.exit_code == StoreError.exit_code
    assert "authentication failed (HTTP 401)" in result.output
    assert wrong not in result.output and secret not in result.output
    assert len(proxy.seen) == 1  # refused at once, not retried

    monkeypatch.setenv("KG_ENDPOINT_PASSWORD", secret)
    result = CliRunner().invoke(publish_command, args)
    assert result.exit_code == 0, result.output
    assert secret not in result.output
    assert store_dataset(oxigraph_server) == build_dataset(built)


def test_digest_authentication(
    built: Path,
    oxigraph_server: OxigraphServer,
    proxies: Callable[..., Proxy],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Virtuoso's /sparql-auth and /sparql-graph-crud-auth challenge for Digest, refusing Basic.
    proxy = proxies(oxigraph_server.url, auth=("dba", "digest-Secret"))
    monkeypatch.setenv("KG_ENDPOINT_USER", "dba")
    monkeypatch.setenv("KG_ENDPOINT_PASSWORD", "not-the-Secret")
    with pytest.raises(StoreError, match=r"authentication failed \(HTTP 401\)") as info:
        publish(built, endpoints(proxy.url), retry=FAST)
    assert "Secret" not in str(info.value)
    monkeypatch.setenv("KG_ENDPOINT_PASSWORD", "digest-Secret")
    publish(built, endpoints(proxy.url), retry=FAST)
    assert store_dataset(oxigraph_server) == build_dataset(built)


def test_credentials_from_netrc(
    built: Path,
    oxigraph_server: OxigraphServer,
    proxies: Callable[..., Proxy],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    import base64

    proxy = proxies(oxigraph_server.url, auth="Basic " + base64.b64encode(b"ana:from-netrc").decode())
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login ana password from-netrc\n", encoding="utf-8")
    netrc.chmod(0o600)
    monkeypatch.delenv("KG_ENDPOINT_USER", raising=False)
    monkeypatch.delenv("KG_ENDPOINT_PASSWORD", raising=False)
    monkeypatch.setenv("NETRC", str(netrc))
    publish(built, endpoints(proxy.url), retry=FAST)
    assert store_dataset(oxigraph_server) == build_dataset(built)


def test_a_count_that_differs_fails_loudly_and_leaves_the_graph(
    built: Path, smaller_build: Path, oxigraph_server: OxigraphServer
) -> None:
    publish(built, endpoints(oxigraph_server.url), retry=FAST)
    before = store_dataset(oxigraph_server)
    manifest = json.loads((smaller_build / "manifest.json").read_text(encoding="utf-8"))
    plan = next(g for g in manifest["graphs"] if g["name"].startswith("plan-"))
    plan["triples"] += 7  # the build claims more than its file holds
    (smaller_build / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    for gsp in (True, False):  # caught by verifying the build, before anything is sent
        with pytest.raises(ConfigError, match=r"triples, the manifest .* says"):
            publish(smaller_build, endpoints(oxigraph_server.url, gsp), retry=FAST)
    assert store_dataset(oxigraph_server) == before


def test_a_staging_graph_that_lacks_triples_stops_before_the_swap(
    built: Path, smaller_build: Path, oxigraph_server: OxigraphServer, proxies: Callable[..., Proxy]
) -> None:
    """The store lost an upload (answered it, kept nothing): no graph is swapped."""
    publish(built, endpoints(oxigraph_server.url), retry=FAST)
    before = store_dataset(oxigraph_server)
    proxy = proxies(
        oxigraph_server.url, lambda m, p: 204 if m == "POST" and "plan" in p and "/store" in p else None
    )
    with pytest.raises(StoreError, match=r"staging graph .* holds 0 triples, the build has \d+") as info:
        publish(smaller_build, endpoints(proxy.url), retry=FAST)
    assert "nothing was swapped" in str(info.value)
    assert store_dataset(oxigraph_server) == before


# --- issue 13: truthful reports --------------------------------------------------------------------


@pytest.mark.parametrize("gsp", [True, False], ids=["gsp", "single-update"])
def test_a_damaged_build_is_refused_before_anything_is_sent(
    built: Path, tmp_path: Path, oxigraph_server: OxigraphServer, proxies: Callable[..., Proxy], gsp: bool
) -> None:
    """Point 3: a truncated plan .nt replaced the store's graph with 1000 of its 2191 triples."""
    publish(built, endpoints(oxigraph_server.url), retry=FAST)
    before = store_dataset(oxigraph_server)
    damaged = tmp_path / "damaged"
    shutil.copytree(built, damaged)
    nt = damaged / f"{SEED_GRAPH}.nt"
    nt.write_bytes(b"".join(nt.read_bytes().splitlines(keepends=True)[:1000]))
    proxy = proxies(oxigraph_server.url)
    damage = rf"^{nt}: differs from the build's manifest .*run `kg build` again"
    with pytest.raises(ConfigError, match=damage):
        publish(damaged, endpoints(proxy.url, gsp), retry=FAST)
    assert proxy.seen == []  # nothing was sent
    assert store_dataset(oxigraph_server) == before


@pytest.mark.parametrize("disguise", [False, True], ids=["oxigraph-difference", "any-store-move"])
def test_a_swap_whose_answer_is_lost_is_reported_done(
    built: Path,
    smaller_build: Path,
    oxigraph_server: OxigraphServer,
    proxies: Callable[..., Proxy],
    disguise: bool,
) -> None:
    """Point 2: kg re-sent a MOVE whose answer it had not waited for, then reported failure.

    The swap (a MOVE elsewhere, a difference on Oxigraph) is sent once; the store shows it done.
    """
    publish(built, endpoints(oxigraph_server.url), retry=FAST)
    graphs = len(read_manifest(built).graphs)
    uploads: list[str] = []

    def lose_the_swap_answer(method: str, path: str) -> str | None:
        if method == "POST" and path.startswith("/store"):
            uploads.append(path)
        elif method == "POST" and path.startswith("/update") and len(uploads) == graphs:
            uploads.append("swap")  # only the first update after the uploads
            return "forward-then-drop"
        return None

    proxy = proxies(oxigraph_server.url, lose_the_swap_answer, disguise=disguise)
    report = publish(smaller_build, endpoints(proxy.url), retry=FAST, settle=10)
    assert report.swap_answer_lost and report.retries == 0
    # The swap, sent once; after a swap by difference, each staging graph is dropped.
    assert len(_updates_after_uploads(proxy, graphs)) == (1 if disguise else 1 + graphs)
    assert store_dataset(oxigraph_server) == build_dataset(smaller_build)


@pytest.mark.parametrize("disguise", [False, True], ids=["oxigraph-difference", "any-store-move"])
def test_a_swap_that_times_out_reports_what_the_store_holds(
    built: Path,
    smaller_build: Path,
    oxigraph_server: OxigraphServer,
    proxies: Callable[..., Proxy],
    disguise: bool,
) -> None:
    """A swap that never reaches the store: not sent again (the store may still be making it), and the
    report says the old graphs stay, staged copies beside them."""
    publish(built, endpoints(oxigraph_server.url), retry=FAST)
    graphs = read_manifest(smaller_build).graphs
    old_plan = graph_lines(oxigraph_server, next(g.iri for g in graphs if g.name == SEED_GRAPH))
    uploads: list[str] = []

    def swallow_the_swap(method: str, path: str) -> str | None:
        if method == "POST" and path.startswith("/store"):
            uploads.append(path)
        elif method == "POST" and path.startswith("/update") and len(uploads) >= len(graphs):
            uploads.append("swap")
            return "hang"
        return None

    proxy = proxies(oxigraph_server.url, swallow_the_swap, disguise=disguise)
    proxy.hang_seconds = 8
    with pytest.raises(StoreError) as info:
        publish(smaller_build, endpoints(proxy.url), timeout=0.5, retry=FAST, settle=1)
    message = str(info.value)
    assert "got no answer: no answer within" in message and "it was not sent again" in message
    assert len(_updates_after_uploads(proxy, len(graphs))) == 1
    plan = next(g for g in graphs if g.name == SEED_GRAPH)
    old = next(g for g in read_manifest(built).graphs if g.name == SEED_GRAPH)
    assert (
        f"{plan.name} <{plan.iri}>: {old.triples} triples published (the build has {plan.triples}),"
        f" {plan.triples} staged" in message
    )
    assert "The previous graphs are still published" in message
    # The store holds the old graphs, and the staged copies beside them (dropped by the next run).
    assert graph_lines(oxigraph_server, plan.iri) == old_plan
    assert len(graph_lines(oxigraph_server, plan.iri + STAGING_SUFFIX)) == plan.triples
    publish(smaller_build, endpoints(oxigraph_server.url), retry=FAST)
    assert store_dataset(oxigraph_server) == build_dataset(smaller_build)


@pytest.mark.parametrize("disguise", [False, True], ids=["oxigraph-difference", "any-store-move"])
def test_all_graphs_are_swapped_by_one_request(
    built: Path, oxigraph_server: OxigraphServer, proxies: Callable[..., Proxy], disguise: bool
) -> None:
    proxy = proxies(oxigraph_server.url, disguise=disguise)
    report = publish(built, endpoints(proxy.url), retry=FAST)
    graphs = len(report.graphs)
    after = _updates_after_uploads(proxy, graphs)
    # The swap of every graph is one request; after a swap by difference, each staging graph is dropped.
    assert _uploads(proxy) == graphs and len(after) == (1 if disguise else 1 + graphs)
    assert report.swap_seconds is not None and not report.swap_answer_lost
    assert {g.method for g in report.graphs} == {"staged+move" if disguise else "staged+difference"}


def test_unreachable_store(built: Path) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(StoreError, match=r"cannot connect: .*refused.*gave up after 3 attempts"):
        publish(built, endpoints(f"http://127.0.0.1:{port}"), retry=FAST)


def test_a_store_that_never_answers_times_out(built: Path) -> None:
    with socket.socket() as s:  # accepts connections, never answers
        s.bind(("127.0.0.1", 0))
        s.listen(16)
        port = s.getsockname()[1]
        with pytest.raises(StoreError, match=r"no answer within 0.3 s \(gave up after 3 attempts\)"):
            publish(built, endpoints(f"http://127.0.0.1:{port}"), timeout=0.3, retry=FAST)


def test_credentials_in_the_url_are_refused(built: Path) -> None:
    with pytest.raises(ConfigError, match="do not put credentials in the URL") as info:
        publish(built, Endpoints.from_options("http://kg:secret@127.0.0.1:9/query"), retry=FAST)
    assert "secret" not in str(info.value)

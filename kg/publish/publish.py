"""Publish a build to a triple store: each named graph replaced atomically, then checked.

With a Graph Store Protocol endpoint, each graph is uploaded into a staging
graph (``<graph IRI>/_kg-staging``; on Oxigraph with its bulk loader), its
triple count checked there, and then swapped in by one SPARQL Update
``MOVE``: one request, so one transaction on stores that run an update
request atomically (Oxigraph does; so does Fuseki). A reader sees the old
graph or the new one, never a half-loaded one; a failure before the MOVE
leaves the published graph as it was. Oxigraph's GSP ``PUT``, by contrast,
clears the graph and loads the new triples in two separate transactions (see
its server's source), so a store that dies between the two has lost the
graph; docs/stores.md has the measurements behind the choice.

Without GSP, each graph is replaced by one update request
``DROP SILENT GRAPH …; INSERT DATA { GRAPH … { <the N-Triples> } }``.

Afterwards every graph's triple count on the store must equal the
manifest's. Running publish twice leaves the store the same: each graph is
replaced, not added to, and a staging graph left by an interrupted run is
dropped by the next.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import StoreError
from kg.manifest import GraphEntry, read
from kg.publish.http import HttpClient, Payload, RetryPolicy
from kg.publish.store import Endpoints, StoreClient, iri_ref
from kg.store.credentials import Credentials, find_credentials, safe_url

STAGING_SUFFIX = "/_kg-staging"


@dataclass(frozen=True)
class GraphPublished:
    name: str
    iri: str
    triples: int
    seconds: float
    method: str


@dataclass
class PublishReport:
    """What was published where, how, and how many requests had to be retried."""

    endpoint: str
    graphs: list[GraphPublished] = field(default_factory=list)
    retries: int = 0
    seconds: float = 0.0


def publish(
    build_dir: Path,
    endpoints: Endpoints,
    *,
    credentials: Credentials | None = None,
    timeout: float = 60.0,
    retry: RetryPolicy | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> PublishReport:
    """Replace each named graph of ``build_dir``'s manifest on the store, then verify the counts.

    ``credentials`` default to the environment or netrc (see :mod:`kg.store.credentials`).
    """
    manifest = read(build_dir)
    creds = credentials if credentials is not None else find_credentials(endpoints.update)
    http = HttpClient(creds, timeout=timeout, retry=retry, sleep=sleep)
    client = StoreClient(endpoints, http)
    report = PublishReport(safe_url(endpoints.update))
    start = time.monotonic()
    for graph in manifest.graphs:
        t0 = time.monotonic()
        method = _replace(client, graph, manifest.ntriples(graph))
        seconds = time.monotonic() - t0
        report.graphs.append(GraphPublished(graph.name, graph.iri, graph.triples, seconds, method))
    _verify(client, manifest.graphs)
    report.retries = http.retries_done
    report.seconds = time.monotonic() - start
    return report


def _replace(client: StoreClient, graph: GraphEntry, ntriples: Path) -> str:
    target = iri_ref(graph.iri)
    if graph.triples == 0:
        client.update(f"DROP SILENT GRAPH {target}")
        return "drop"
    if client.endpoints.gsp is None:
        client.update_payload(
            Payload(
                f"DROP SILENT GRAPH {target} ;\nINSERT DATA {{ GRAPH {target} {{\n".encode(),
                ntriples,
                b"\n} }\n",
            )
        )
        return "update"
    _via_staging(client, graph, ntriples)
    return "gsp+move"


def _via_staging(client: StoreClient, graph: GraphEntry, ntriples: Path) -> None:
    staging_iri = graph.iri + STAGING_SUFFIX
    staging, target = iri_ref(staging_iri), iri_ref(graph.iri)
    client.update(f"DROP SILENT GRAPH {staging}")
    # Nobody reads the staging graph, so Oxigraph may fill it with its faster,
    # non-transactional bulk loader; the swap below is still one transaction.
    client.post_graph(staging_iri, ntriples, bulk=client.is_oxigraph)
    loaded = client.count(staging_iri)
    if loaded != graph.triples:
        client.update(f"DROP SILENT GRAPH {staging}")
        raise StoreError(
            f"graph {graph.name}: the staging graph {staging_iri} holds {loaded} triples, the build has "
            f"{graph.triples}; {graph.iri} was left as it was"
        )
    try:
        client.update(f"MOVE GRAPH {staging} TO GRAPH {target}")
    except StoreError:
        if not _moved(client, graph, staging_iri):
            raise


def _moved(client: StoreClient, graph: GraphEntry, staging_iri: str) -> bool:
    """Whether a MOVE whose answer was lost went through (a retried MOVE then finds no staging graph)."""
    try:
        return client.count(staging_iri) == 0 and client.count(graph.iri) == graph.triples
    except StoreError:
        return False


def _verify(client: StoreClient, graphs: tuple[GraphEntry, ...]) -> None:
    wrong = []
    for graph in graphs:
        found = client.count(graph.iri)
        if found != graph.triples:
            wrong.append(f"{graph.name} <{graph.iri}>: "
                         f"{found} triples on the store, {graph.triples} in the build")
    if wrong:
        raise StoreError("after publishing, the store differs from the build: " + "; ".join(wrong))

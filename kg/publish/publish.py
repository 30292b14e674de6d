"""Publish a build to a triple store: verified first, every graph replaced atomically, then checked.

Before anything is sent, the build is verified against its manifest (the
SHA-256 of every file, each graph's triple count): a truncated or edited
file must not replace a published graph, with or without GSP.

With a Graph Store Protocol endpoint, each graph is uploaded into a staging
graph (``<graph IRI>/_kg-staging``; on Oxigraph with its bulk loader), and
its triple count checked there. Only when every graph is staged are they
swapped in, all of them by **one** SPARQL Update request: one request, so one
transaction on stores that run an update request atomically (Oxigraph does;
so does Fuseki with TDB2). A reader sees the old build or the new one, never a
half-loaded graph nor a new ontology beside an old plan; a failure before the
swap leaves every published graph as it was. The swap is each store's fastest
atomic path, measured (docs/stores.md, bench/publish.py):

- on Oxigraph, a difference: per graph ``DELETE`` the triples the staging graph
  lacks and ``INSERT`` those it adds, then the staging graphs are dropped.
  Oxigraph holds a transaction's writes in memory, so writing only what
  differs is what lets a large graph be swapped at all. The request is
  repeatable, so a later run completes an interrupted swap; but it is not
  re-sent at once after a lost answer (the store may still be making it),
  it is checked, as a MOVE is;
- elsewhere, ``MOVE GRAPH <staging> TO GRAPH <graph>`` per graph. A ``MOVE``
  is not idempotent: sent twice, the second finds no staging graph. So it is
  never re-sent after a timeout or a dropped connection. kg instead asks the
  store what it now holds (the graphs' and the staging graphs' triple
  counts), for up to ``settle`` seconds while the store may still be
  committing, and reports what actually happened: swapped, or the previous
  graphs still published with the new ones staged beside them.

Without GSP, each graph is replaced by one update request
``DROP SILENT GRAPH …; INSERT DATA { GRAPH … { <the N-Triples> } }``:
replaying it gives the same graph, so it may be retried.

Requests that carry or swap a graph get the ``timeout`` plus one second per
:data:`TRIPLES_PER_SECOND` triples: swapping 600k triples takes minutes on
Oxigraph, and a fixed timeout would report a failure for a swap that the
store then commits. Afterwards every graph's triple count on the store must
equal the manifest's.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import StoreError
from kg.manifest import GraphEntry, Manifest, read, verify
from kg.publish.http import HttpClient, NoAnswer, Payload, RetryPolicy
from kg.publish.store import Endpoints, StoreClient, iri_ref
from kg.store.credentials import Credentials, find_credentials, safe_url

STAGING_SUFFIX = "/_kg-staging"
#: A pessimistic rate at which a store loads or swaps triples (Oxigraph swapped a 100k-measure build,
#: 6.6 M triples, in about 2,500 s here: ~2,600/s; a quarter of the measured MOVE rate at 10k).
TRIPLES_PER_SECOND = 1000

#: Told what publishing is doing, for a progress display: a short description of the step.
Progress = Callable[[str], None]


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
    swap_seconds: float | None = None  # the one swap request (GSP), if any
    swap_answer_lost: bool = False  # the swap's answer was lost, the store's counts showed it done


def publish(
    build_dir: Path,
    endpoints: Endpoints,
    *,
    credentials: Credentials | None = None,
    timeout: float = 60.0,
    retry: RetryPolicy | None = None,
    sleep: Callable[[float], None] = time.sleep,
    settle: float | None = None,
    progress: Progress | None = None,
) -> PublishReport:
    """Verify the build, replace each named graph of its manifest on the store, verify the counts.

    ``credentials`` default to the environment or netrc (see :mod:`kg.store.credentials`).
    ``settle``: how long to keep checking the store's counts after the swap got
    no answer (default: ``timeout``).
    """
    say = progress or (lambda _: None)
    manifest = read(build_dir)
    verify(manifest, lambda name: say(f"verifying {name}"))
    creds = credentials if credentials is not None else find_credentials(endpoints.update)
    http = HttpClient(creds, timeout=timeout, retry=retry, sleep=sleep, on_retry=say)
    client = StoreClient(endpoints, http)
    report = PublishReport(safe_url(endpoints.update))
    start = time.monotonic()
    if endpoints.gsp is None:
        _by_update(client, manifest, report, say)
    else:
        _via_staging(client, manifest, report, say, timeout if settle is None else settle, sleep)
    say("checking the store's counts")
    _verify(client, manifest.graphs)
    report.retries = http.retries_done
    report.seconds = time.monotonic() - start
    return report


def _time_for(triples: int, timeout: float) -> float:
    """The timeout of a request that carries or moves ``triples`` triples."""
    return timeout + triples / TRIPLES_PER_SECOND


def _by_update(client: StoreClient, manifest: Manifest, report: PublishReport, say: Progress) -> None:
    done: list[str] = []
    for graph in manifest.graphs:
        say(f"replacing {graph.name} ({graph.triples} triples) by one update request")
        t0 = time.monotonic()
        target = iri_ref(graph.iri)
        try:
            if graph.triples == 0:
                client.update(f"DROP SILENT GRAPH {target}")
            else:
                body = Payload(
                    f"DROP SILENT GRAPH {target} ;\nINSERT DATA {{ GRAPH {target} {{\n".encode(),
                    manifest.ntriples(graph),
                    b"\n} }\n",
                )
                client.update_payload(body, timeout=_time_for(graph.triples, client.http.timeout))
        except StoreError as exc:
            # Virtuoso refuses blank nodes in INSERT DATA (SP031), and a template (INSERT … WHERE {})
            # of a whole graph exceeds its compiler's limits: its path is the Graph Store Protocol.
            hint = "\nthis store refuses blank nodes in INSERT DATA: publish with --gsp" if (
                "Blank node" in str(exc)) else ""
            raise StoreError(f"{exc}\n{_state(client, manifest, graph, done)}{hint}") from None
        done.append(graph.name)
        report.graphs.append(
            GraphPublished(graph.name, graph.iri, graph.triples, time.monotonic() - t0,
                           "drop" if graph.triples == 0 else "update")
        )


def _via_staging(
    client: StoreClient,
    manifest: Manifest,
    report: PublishReport,
    say: Progress,
    settle: float,
    sleep: Callable[[float], None],
) -> None:
    staged: list[GraphEntry] = []
    seconds: list[float] = []
    try:
        for graph in manifest.graphs:
            say(f"staging {graph.name} ({graph.triples} triples)")
            t0 = time.monotonic()
            _stage(client, graph, manifest.ntriples(graph))
            staged.append(graph)
            seconds.append(time.monotonic() - t0)
    except StoreError as exc:
        _drop_staging(client, staged)
        raise StoreError(f"{exc}\nnothing was swapped: every published graph is as it was") from None
    # Per store, its fastest atomic swap (docs/stores.md): by difference on Oxigraph, MOVE elsewhere.
    by_difference = client.is_oxigraph
    method = "staged+difference" if by_difference else "staged+move"
    report.graphs.extend(
        GraphPublished(g.name, g.iri, g.triples, t, method) for g, t in zip(staged, seconds, strict=True)
    )
    t0 = time.monotonic()
    _swap(client, staged, report, say, settle, sleep, by_difference)
    report.swap_seconds = time.monotonic() - t0


def _swap(
    client: StoreClient,
    staged: list[GraphEntry],
    report: PublishReport,
    say: Progress,
    settle: float,
    sleep: Callable[[float], None],
    by_difference: bool,
) -> None:
    """Swap every staged graph in by one update request, sent once; then drop what is left staged.

    By difference (Oxigraph, which holds a transaction's writes in memory:
    docs/stores.md): each graph is made equal to its staging graph by deleting
    and inserting only the triples that differ. A ``MOVE`` wrote every triple
    three times (drop the graph, insert, drop the staging graph) and needed
    3.4 GB for a 660k-triple build; the difference writes nothing for an
    unchanged graph but its blank-node triples (a staging graph's blank nodes
    are new ones: the ontology's few are rewritten every time). Elsewhere,
    ``MOVE``, the standard operation. Either is one transaction, so readers see
    every old graph or every new one. Neither is re-sent after it may have
    reached the store: a second ``MOVE`` finds no staging graph, and a second
    difference would run beside the first and double the memory it holds; a
    lost answer is checked instead (:func:`_after_lost_swap`).
    """
    if by_difference:
        say(f"swapping {len(staged)} graphs in, in one update request (the triples that differ)")
        operations = difference_swap(staged)
    else:
        say(f"swapping {len(staged)} graphs in, in one update request")
        operations = " ;\n".join(
            f"MOVE GRAPH {iri_ref(g.iri + STAGING_SUFFIX)} TO GRAPH {iri_ref(g.iri)}" if g.triples
            else f"DROP SILENT GRAPH {iri_ref(g.iri)}"
            for g in staged
        )
    total = sum(g.triples for g in staged)
    try:
        client.update(operations, timeout=_time_for(total, client.http.timeout), idempotent=False)
    except NoAnswer as exc:
        say(f"the swap got no answer ({exc.reason}); checking what the store holds")
        _after_lost_swap(client, staged, exc, settle, sleep, by_difference)
        report.swap_answer_lost = True
    if by_difference:
        say("dropping the staging graphs")
        _drop_staging(client, staged)


def difference_swap(graphs: list[GraphEntry]) -> str:
    """The update that makes each graph equal to its staging graph (an empty build graph: dropped)."""
    operations = []
    for g in graphs:
        target, staging = iri_ref(g.iri), iri_ref(g.iri + STAGING_SUFFIX)
        if not g.triples:
            operations.append(f"DROP SILENT GRAPH {target}")
            continue
        operations.append(
            f"DELETE {{ GRAPH {target} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {target} {{ ?s ?p ?o }}"
            f" FILTER NOT EXISTS {{ GRAPH {staging} {{ ?s ?p ?o }} }} }}"
        )
        operations.append(
            f"INSERT {{ GRAPH {target} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {staging} {{ ?s ?p ?o }}"
            f" FILTER NOT EXISTS {{ GRAPH {target} {{ ?s ?p ?o }} }} }}"
        )
    return " ;\n".join(operations)


def _drop_staging(client: StoreClient, graphs: list[GraphEntry]) -> None:
    """Best effort, after a failure or a swap by difference: leave no staging graph behind (the next
    run drops any left)."""
    for graph in graphs:
        try:
            client.update(f"DROP SILENT GRAPH {iri_ref(graph.iri + STAGING_SUFFIX)}")
        except StoreError:
            return


def _stage(client: StoreClient, graph: GraphEntry, ntriples: Path) -> None:
    staging_iri = graph.iri + STAGING_SUFFIX
    staging = iri_ref(staging_iri)
    client.update(f"DROP SILENT GRAPH {staging}")
    if graph.triples == 0:
        return
    # Nobody reads the staging graph, so Oxigraph may fill it with its faster,
    # non-transactional bulk loader; the swap is still one transaction. POST
    # merges, so a re-sent upload gives the same set of triples.
    client.post_graph(staging_iri, ntriples, bulk=client.is_oxigraph,
                      timeout=_time_for(graph.triples, client.http.timeout))
    loaded = client.count(staging_iri)
    if loaded != graph.triples:
        client.update(f"DROP SILENT GRAPH {staging}")
        raise StoreError(
            f"graph {graph.name}: the staging graph {staging_iri} holds {loaded} triples, the build has "
            f"{graph.triples}; {graph.iri} was left as it was"
        )


def _after_lost_swap(
    client: StoreClient,
    graphs: list[GraphEntry],
    lost: NoAnswer,
    settle: float,
    sleep: Callable[[float], None],
    by_difference: bool,
) -> None:
    """The swap got no answer: watch the store until it shows the swap done, or say what it holds.

    Done means, by difference, every graph equal to its staging graph; by MOVE,
    the new counts in place and the staging graphs gone.
    """
    deadline = time.monotonic() + settle
    while True:
        if _swapped(client, graphs, by_difference):
            return  # swapped: the answer was lost, not the swap
        if time.monotonic() >= deadline:
            break
        sleep(min(5.0, max(0.5, settle / 20)))
    counts = _counts(client, graphs)
    if counts is None:
        held = "the store did not answer the count queries either: what it holds is unknown"
    else:
        held = "; ".join(
            f"{g.name} <{g.iri}>: {published} triples published (the build has {g.triples}), {staged} staged"
            for g, (published, staged) in zip(graphs, counts, strict=True)
        )
    how = "one update request by difference" if by_difference else "one MOVE per graph, one request"
    raise StoreError(
        f"the swap ({how}) got no answer: {lost.reason}; it was not sent again (the store may still be"
        f" making it). After {settle:g} s the store holds: {held}. The previous graphs are still"
        " published; the store may still be committing the swap: run kg publish again later (it"
        " checks first and re-stages), or raise --timeout"
    )


def _swapped(client: StoreClient, graphs: list[GraphEntry], by_difference: bool) -> bool:
    """Whether the store shows the swap done (False when it does not answer)."""
    try:
        if by_difference:
            return not any(
                client.differ(g.iri, g.iri + STAGING_SUFFIX) if g.triples else client.count(g.iri)
                for g in graphs
            )
        return all(client.count(g.iri + STAGING_SUFFIX) == 0 and client.count(g.iri) == g.triples
                   for g in graphs)
    except StoreError:
        return False


def _counts(client: StoreClient, graphs: list[GraphEntry]) -> list[tuple[int, int]] | None:
    try:
        return [(client.count(g.iri), client.count(g.iri + STAGING_SUFFIX)) for g in graphs]
    except StoreError:
        return None


def _state(client: StoreClient, manifest: Manifest, failed: GraphEntry, done: list[str]) -> str:
    """What the store holds after a graph's replacement failed: said, not guessed."""
    pending = [g.name for g in manifest.graphs if g.name not in done and g.name != failed.name]
    try:
        held = f"holds {client.count(failed.iri)} triples (the build has {failed.triples})"
    except StoreError:
        held = "could not be counted"
    return (
        f"replaced: {', '.join(done) or 'none'}; {failed.name} <{failed.iri}> {held};"
        f" not sent: {', '.join(pending) or 'none'}"
    )


def _verify(client: StoreClient, graphs: tuple[GraphEntry, ...]) -> None:
    wrong = []
    for graph in graphs:
        found = client.count(graph.iri)
        if found != graph.triples:
            wrong.append(f"{graph.name} <{graph.iri}>: "
                         f"{found} triples on the store, {graph.triples} in the build")
    if wrong:
        raise StoreError("after publishing, the store differs from the build: " + "; ".join(wrong))

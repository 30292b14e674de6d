"""The few operations publishing needs from a store, over SPARQL 1.1 Protocol and Graph Store Protocol."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote, urlencode

from pyoxigraph import NamedNode

from kg.errors import StoreError
from kg.publish.http import HttpClient, Payload
from kg.store.credentials import check_url, safe_url

T = TypeVar("T")


@dataclass(frozen=True)
class Endpoints:
    """Where a store answers queries, takes updates, and (optionally) takes graphs by GSP."""

    query: str
    update: str
    gsp: str | None = None

    @classmethod
    def from_options(cls, endpoint: str, update: str | None = None, gsp: str | None = None) -> Endpoints:
        """``update`` defaults to ``endpoint`` with a final ``/query`` turned into ``/update``
        (Oxigraph, Fuseki), else to ``endpoint`` itself (Virtuoso, stores with one endpoint)."""
        for what, url in (("--endpoint", endpoint), ("--update", update), ("--gsp", gsp)):
            if url is not None:
                check_url(url, what)
        if update is None:
            update = endpoint[: -len("/query")] + "/update" if endpoint.endswith("/query") else endpoint
        return cls(endpoint, update, gsp)


def iri_ref(iri: str) -> str:
    """``<iri>`` for SPARQL text, after checking it is an IRI (so it cannot break out of the brackets)."""
    try:
        return str(NamedNode(iri))
    except ValueError as exc:
        raise StoreError(f"not a valid graph IRI {iri!r}: {exc}") from None


_UPDATE = {"Content-Type": "application/sparql-update; charset=utf-8"}
#: Queries go form-encoded (``query=…``), the one POST form every store takes: Virtuoso 7.2 does not
#: read an ``application/sparql-query`` body (the request then hangs until the timeout).
_QUERY = {
    "Content-Type": "application/x-www-form-urlencoded",
    "Accept": "application/sparql-results+json",
}


class StoreClient:
    """Updates, triple counts and graph uploads against one store."""

    def __init__(self, endpoints: Endpoints, http: HttpClient) -> None:
        self.endpoints = endpoints
        self.http = http
        self.server = ""  # the store software, from the Server header of its first answer

    def update(self, text: str, *, timeout: float | None = None, idempotent: bool = True) -> None:
        self.update_payload(Payload(text.encode("utf-8")), timeout=timeout, idempotent=idempotent)

    def update_payload(
        self, payload: Payload, *, timeout: float | None = None, idempotent: bool = True
    ) -> None:
        answer = self.http.send(
            "POST", self.endpoints.update, payload, _UPDATE, timeout=timeout, idempotent=idempotent
        )
        self.server = self.server or answer.server

    @property
    def is_oxigraph(self) -> bool:
        return self.server.lower().startswith("oxigraph/")

    def count(self, graph: str) -> int:
        """Triples in named graph ``graph`` (0 if it does not exist)."""
        query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {iri_ref(graph)} {{ ?s ?p ?o }} }}"

        def read(results: Any) -> int:
            bindings = results["results"]["bindings"]
            return int(bindings[0]["n"]["value"]) if bindings else 0

        return self._results("COUNT", query, read)

    def differ(self, graph: str, other: str) -> bool:
        """Whether two named graphs hold different triples (blank nodes compared as stored)."""
        a, b = iri_ref(graph), iri_ref(other)
        query = (
            f"ASK {{ {{ GRAPH {a} {{ ?s ?p ?o }} FILTER NOT EXISTS {{ GRAPH {b} {{ ?s ?p ?o }} }} }}"
            f" UNION {{ GRAPH {b} {{ ?s ?p ?o }} FILTER NOT EXISTS {{ GRAPH {a} {{ ?s ?p ?o }} }} }} }}"
        )

        def read(results: Any) -> bool:
            value = results["boolean"]
            if value not in (True, False, 1, 0):  # Virtuoso writes JSON booleans as 1/0
                raise ValueError(f"not a boolean: {value!r}")
            return bool(value)

        return self._results("ASK", query, read)

    def _results(self, what: str, query: str, read: Callable[[Any], T]) -> T:
        """``read`` applied to the SPARQL JSON results of ``query``; a StoreError if they are not that."""
        body = urlencode({"query": query}).encode("ascii")
        answer = self.http.send("POST", self.endpoints.query, Payload(body), _QUERY)
        where = safe_url(self.endpoints.query)
        if "json" not in answer.content_type.lower():
            kind = answer.content_type.split(";")[0].strip() or "no content type"
            raise StoreError(
                f"{where}: the answer to {what} is {kind}, not SPARQL results JSON;"
                " is this the store's SPARQL query endpoint (Oxigraph …/query, Virtuoso …/sparql)?"
            )
        try:
            return read(json.loads(answer.body))
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise StoreError(f"{where}: unexpected answer to {what} ({exc.__class__.__name__})") from None

    def post_graph(
        self, graph: str, ntriples: Path, *, bulk: bool = False, timeout: float | None = None
    ) -> None:
        """Add an N-Triples file to ``graph`` through the Graph Store Protocol (POST = merge).

        ``bulk`` asks Oxigraph for its bulk loader (``no_transaction``): faster,
        but readers may see the graph half-loaded, so only for a staging graph.
        """
        if self.endpoints.gsp is None:
            raise StoreError("no Graph Store Protocol endpoint configured")
        iri_ref(graph)
        sep = "&" if "?" in self.endpoints.gsp else "?"
        url = f"{self.endpoints.gsp}{sep}graph={quote(graph, safe='')}"
        if bulk:
            url += "&no_transaction"
        self.http.send(
            "POST", url, Payload(path=ntriples), {"Content-Type": "application/n-triples"}, timeout=timeout
        )

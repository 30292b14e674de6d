"""A remote SPARQL 1.1 Protocol endpoint, queried through SPARQLWrapper.

The build's graph IRIs go out as ``default-graph-uri`` parameters, so the
endpoint evaluates the query on their merge, exactly as the embedded store
does (Oxigraph, Fuseki and Virtuoso honour the parameter). Results come back
as SPARQL 1.1 results JSON. Network failures and HTTP errors become
StoreError (QueryError when the endpoint rejects the query text), with the
URL stripped of credentials.
"""

from __future__ import annotations

import ast
import http.client
import socket
import urllib.error
from collections.abc import Sequence

from SPARQLWrapper import JSON, POST, SELECT, URLENCODED, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import (
    EndPointInternalError,
    EndPointNotFound,
    QueryBadFormed,
    SPARQLWrapperException,
    Unauthorized,
)

from kg.errors import QueryError, StoreError
from kg.store.credentials import USER_VAR, Credentials, check_url, redact, safe_url
from kg.store.target import DEFAULT_TIMEOUT, Results
from kg.vocabulary import XSD_BOOLEAN

__all__ = ["DEFAULT_TIMEOUT", "RemoteEndpoint"]


class RemoteEndpoint:
    """A SPARQL query endpoint, e.g. ``http://localhost:7878/query`` for Oxigraph."""

    def __init__(
        self,
        url: str,
        default_graphs: Sequence[str] = (),
        *,
        credentials: Credentials | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        check_url(url, "--endpoint")
        self.url = url
        self.default_graphs = list(default_graphs)
        self.credentials = credentials
        self.timeout = timeout

    def describe(self) -> str:
        return f"SPARQL endpoint {safe_url(self.url)}"

    def _client(self, query: str) -> SPARQLWrapper:
        client = SPARQLWrapper(self.url)
        client.setMethod(POST)
        client.setRequestMethod(URLENCODED)
        client.setReturnFormat(JSON)
        client.setOnlyConneg(True)  # no format=/output= parameters: some stores reject them
        client.setTimeout(max(1, round(self.timeout)))
        for iri in self.default_graphs:
            client.addParameter("default-graph-uri", iri)
        if self.credentials is not None:
            client.setCredentials(self.credentials.user, self.credentials.password)
        client.setQuery(query)
        # SPARQLWrapper guesses the form from the text and can take a query for an update;
        # only SELECT and ASK come here, and both want SPARQL results.
        client.queryType = SELECT
        return client

    def select(self, query: str) -> Results:
        """Run ``query``; every message is redacted (the store's error page may echo the password)."""
        secrets = [self.credentials.password] if self.credentials is not None else []
        try:
            return self._select(query)
        except (QueryError, StoreError) as exc:
            raise type(exc)(redact(str(exc), secrets)) from None

    def _select(self, query: str) -> Results:
        where = self.describe()
        content_type = ""
        try:
            result = self._client(query).query()
            content_type = result.info().get("content-type", "") or ""
            if "json" not in content_type.lower():
                raise StoreError(_not_results(where, content_type, result.response.read(200)))
            answer = result.convert()
        except QueryBadFormed as exc:
            raise QueryError(f"{where} rejected the query: {_server_message(exc)}") from None
        except Unauthorized:
            raise StoreError(
                f"{where}: authentication failed (HTTP 401); check {USER_VAR}/… or netrc"
            ) from None
        except EndPointNotFound:
            raise StoreError(f"{where}: no SPARQL endpoint at this URL (HTTP 404)") from None
        except EndPointInternalError as exc:
            raise StoreError(f"{where}: server error (HTTP 500): {_server_message(exc)}") from None
        except SPARQLWrapperException as exc:
            raise StoreError(f"{where}: {exc}") from None
        except urllib.error.HTTPError as exc:
            raise StoreError(f"{where}: HTTP {exc.code} {exc.reason}") from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError | socket.timeout):
                raise StoreError(f"{where}: no answer within {self.timeout:g} s (timeout)") from None
            raise StoreError(f"{where}: cannot connect: {exc.reason}") from None
        except TimeoutError:
            raise StoreError(f"{where}: no answer within {self.timeout:g} s (timeout)") from None
        except (ConnectionError, http.client.HTTPException) as exc:
            raise StoreError(f"{where}: connection failed: {exc.__class__.__name__}: {exc}") from None
        except ValueError:
            raise StoreError(_not_results(where, content_type, b"")) from None
        if not isinstance(answer, dict) or "head" not in answer:
            raise StoreError(f"{where}: the answer is not SPARQL results JSON")
        _canonical_booleans(answer)
        return answer


_BOOLEAN_CANONICAL = {"1": "true", "0": "false"}


def _canonical_booleans(answer: Results) -> None:
    """Write xsd:boolean values in their canonical form, in place.

    ``1`` and ``0`` are valid lexical forms of xsd:boolean, and Virtuoso writes
    every boolean so; the embedded store and Oxigraph write ``true``/``false``.
    The same query then prints the same table whatever the store.
    """
    for row in answer.get("results", {}).get("bindings", []):
        for term in row.values():
            if term.get("datatype") == XSD_BOOLEAN and term.get("value") in _BOOLEAN_CANONICAL:
                term["value"] = _BOOLEAN_CANONICAL[term["value"]]


def _not_results(where: str, content_type: str, head: bytes) -> str:
    """Say what came back instead of SPARQL results JSON: a web page, usually the wrong URL."""
    kind = content_type.split(";")[0].strip() or "no content type"
    start = head.decode("utf-8", "replace").strip().splitlines()[0][:60] if head.strip() else ""
    shown = f", starting {start!r}" if start else ""
    return (
        f"{where}: the answer is not SPARQL results JSON ({kind}{shown}); is this the store's SPARQL"
        " query endpoint (Oxigraph …/query, Fuseki …/ds/sparql, Virtuoso …/sparql)?"
    )


def _server_message(exc: SPARQLWrapperException) -> str:
    """The server's own error text, which SPARQLWrapper only keeps inside its message."""
    text = str(exc)
    _, sep, raw = text.partition("Response:\n")
    if not sep:
        return text
    try:
        body = ast.literal_eval(raw)
    except (ValueError, SyntaxError):
        return raw.strip()
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    return str(body).strip()

"""``kg serve`` over real HTTP on 127.0.0.1: every negotiation rule, the headers, /sparql and 404s.

The server runs in a thread of the test process (kg.serve.server.start) and
is asked with urllib, a real HTTP client; the README's ``kg serve`` command is
also started as a process once.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.serve.server import Running, start

MEASURE = "plan/2023-06-09/measure/06-22"
IRI = "https://kg.example.jp/" + MEASURE
CHROME = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


@pytest.fixture(scope="module")
def server(built: Path) -> Iterator[Running]:
    running = start(built, time_limit=5.0, max_bytes=200_000)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def server_303(built: Path) -> Iterator[Running]:
    running = start(built, redirect_303=True)
    yield running
    running.stop()


def _ask(url: str, accept: str | None = None, method: str = "GET", data: bytes | None = None,
         headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    all_headers = {**({"Accept": accept} if accept is not None else {}), **(headers or {})}
    request = urllib.request.Request(url, method=method, data=data, headers=all_headers)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()


@pytest.mark.parametrize(("accept", "media", "fmt"), [
    (None, "text/html", None),
    ("*/*", "text/html", None),
    (CHROME, "text/html", None),
    ("text/turtle", "text/turtle", ox.RdfFormat.TURTLE),
    ("application/n-triples", "application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/ld+json", "application/ld+json", ox.RdfFormat.JSON_LD),
    ("application/rdf+xml", "application/rdf+xml", ox.RdfFormat.RDF_XML),
    ("text/turtle;q=0.2, application/ld+json;q=0.9", "application/ld+json", ox.RdfFormat.JSON_LD),
    ("text/html;q=0.1, application/rdf+xml", "application/rdf+xml", ox.RdfFormat.RDF_XML),
    ("text/*", "text/html", None),  # text/html and text/turtle tie: HTML, the last offer, wins ties
])
def test_the_iri_negotiates(
    server: Running, accept: str | None, media: str, fmt: ox.RdfFormat | None
) -> None:
    status, headers, body = _ask(server.url + MEASURE, accept)
    assert status == 200
    assert headers["content-type"].split(";")[0] == media
    assert headers["vary"] == "Accept"
    suffix = {"text/html": "html", "text/turtle": "ttl", "application/n-triples": "nt",
              "application/ld+json": "jsonld", "application/rdf+xml": "rdf"}[media]
    assert headers["content-location"] == f"/{MEASURE}.{suffix}"
    assert 'rel="alternate"; type="text/turtle"' in headers["link"]
    assert headers["etag"].startswith('"') and len(headers["etag"]) == 34
    if fmt is None:
        assert b'<html lang="ja">' in body
    else:
        assert {q.subject for q in ox.parse(body, format=fmt)} == {ox.NamedNode(IRI)}
        assert headers["access-control-allow-origin"] == "*"


def test_an_unacceptable_type_is_406_with_the_list(server: Running) -> None:
    status, _, body = _ask(server.url + MEASURE, "image/png")
    assert status == 406
    text = body.decode()
    for media in ("text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml",
                  "text/html"):
        assert media in text


def test_a_suffix_url_answers_its_own_type(server: Running) -> None:
    status, headers, _ = _ask(server.url + MEASURE + ".nt", "text/html")
    assert status == 200 and headers["content-type"].startswith("application/n-triples")
    status, headers, _ = _ask(server.url + MEASURE + ".html", "text/turtle")
    assert status == 200 and headers["content-type"].startswith("text/html")


def test_head_etag_and_not_modified(server: Running) -> None:
    status, headers, body = _ask(server.url + MEASURE, "text/turtle", method="HEAD")
    assert status == 200 and body == b"" and int(headers["content-length"]) > 100
    status, again, body = _ask(server.url + MEASURE, "text/turtle",
                               headers={"If-None-Match": headers["etag"]})
    assert status == 304 and body == b"" and again["etag"] == headers["etag"]


def test_303_redirects_when_asked(server_303: Running) -> None:
    status, headers, _ = _ask(server_303.url + MEASURE, "text/turtle")
    assert status == 303 and headers["location"] == f"/{MEASURE}.ttl" and headers["vary"] == "Accept"
    status, headers, _ = _ask(server_303.url + MEASURE, None)
    assert status == 303 and headers["location"] == f"/{MEASURE}.html"


def test_unknown_iris_are_404_pages_and_other_editions_are_named(server: Running, tmp_path: Path) -> None:
    status, headers, body = _ask(server.url + "plan/2023-06-09/measure/99-99")
    assert status == 404 and headers["content-type"].startswith("text/html")
    assert "見つかりません".encode() in body
    # a measure ID the edition lacks but another has: put a page of another edition in the served site
    other = server.folder / "site" / "plan" / "2022-06-07" / "measure"
    other.mkdir(parents=True, exist_ok=True)
    (other / "2-4.html").write_text('<!DOCTYPE html><html lang="ja"><title>2-4</title></html>',
                                    encoding="utf-8")
    status, _, body = _ask(server.url + "plan/2023-06-09/measure/2-4")
    assert status == 404
    assert b'href="/plan/2022-06-07/measure/2-4.html"' in body and "別の版にあります".encode() in body


def test_well_known_void_and_the_index(server: Running) -> None:
    status, headers, body = _ask(server.url + ".well-known/void")
    assert status == 200 and headers["content-type"].startswith("text/turtle")
    status, headers, body = _ask(server.url)
    assert status == 200 and b'<html lang="ja">' in body


def _sparql(
    server: Running, query: str, accept: str | None, post: bool = False
) -> tuple[int, dict[str, str], bytes]:
    if post:
        return _ask(server.url + "sparql", accept, method="POST", data=query.encode(),
                    headers={"Content-Type": "application/sparql-query"})
    return _ask(server.url + "sparql?" + urllib.parse.urlencode({"query": query}), accept)


COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?m a <https://kg.example.jp/def/kg#Measure> }"


def test_sparql_select_in_each_format(server: Running) -> None:
    status, headers, body = _sparql(server, COUNT, None)
    assert status == 200 and headers["content-type"].startswith("application/sparql-results+json")
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == "48"
    status, headers, body = _sparql(server, COUNT, "text/csv", post=True)
    assert status == 200 and body.decode().splitlines() == ["n", "48"]
    status, headers, body = _sparql(server, COUNT, "application/sparql-results+xml")
    assert status == 200 and b"<sparql" in body
    status, headers, body = _sparql(server, f"CONSTRUCT {{ <{IRI}> ?p ?o }} WHERE {{ <{IRI}> ?p ?o }}",
                                    "text/turtle")
    assert status == 200 and headers["content-type"].startswith("text/turtle")
    assert {q.subject for q in ox.parse(body, format=ox.RdfFormat.TURTLE)} == {ox.NamedNode(IRI)}


def test_sparql_is_read_only_and_limited(server: Running) -> None:
    status, _, body = _sparql(server, "INSERT DATA { <urn:a> <urn:b> <urn:c> }", None)
    assert status == 400 and b"syntax" in body.lower()
    status, _, _ = _ask(server.url + "sparql", None, method="POST",
                        data=b"INSERT DATA { <urn:a> <urn:b> <urn:c> }",
                        headers={"Content-Type": "application/sparql-update"})
    assert status == 403
    status, _, body = _sparql(server, "SELECT * WHERE { ?s ?p ?o }", None)  # larger than 200,000 bytes
    assert status == 400 and b"larger than 200000 bytes" in body
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    start = time.monotonic()
    status, _, body = _sparql(server, slow, None)
    assert status == 503 and b"longer than 5 s" in body and time.monotonic() - start < 15


def test_the_query_page_lists_the_bundled_queries(server: Running) -> None:
    status, headers, body = _ask(server.url + "sparql", CHROME)
    assert status == 200 and headers["content-type"].startswith("text/html")
    text = body.decode()
    assert 'id="q-measures-by-ministry"' in text and "府省庁" in text and '<form action="/sparql"' in text


def test_the_command_serves(built: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    kg = str(Path(sys.executable).with_name("kg"))
    process = subprocess.Popen([kg, "serve", "--build-dir", str(built), "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(200):
            try:
                status, headers, _ = _ask(f"http://127.0.0.1:{port}/{MEASURE}", "text/turtle")
                break
            except OSError:
                time.sleep(0.1)
        assert status == 200 and headers["content-type"].startswith("text/turtle")
    finally:
        process.terminate()
        out, _ = process.communicate(timeout=20)
    assert f"at http://127.0.0.1:{port}/" in out

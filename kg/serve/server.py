"""The HTTP server of ``kg serve``: the site's files, content negotiation on IRIs, and ``/sparql``.

At start the site is written (with :func:`kg.site.write_site`) into a
temporary folder and the build loaded into an embedded pyoxigraph store; the
server then answers from both, on the standard library's threading HTTP
server (no framework: a preview and test server for one build, not a
production host, for which the static site and its nginx/Apache rules are
meant). The base IRI's path is served at ``/``: ``{base}plan/…/06-22`` is
``http://HOST:PORT/plan/…/06-22``.

On an IRI (a path with a page and no suffix) the ``Accept`` header chooses
the format (q-values, :mod:`kg.serve.negotiate`): the answer carries
``Vary: Accept``, ``Content-Location`` (the suffixed file), ``Link``
(rel=alternate for each format), an ``ETag`` (the content's SHA-256) and
CORS; an unacceptable type is 406 with the list; with ``redirect_303`` the IRI
answers ``303 See Other`` to the chosen document instead (httpRange-14 style).
A suffixed URL always answers its own type. An unknown IRI is 404 with a page,
which names the same measure in other editions where there is one.
"""

from __future__ import annotations

import hashlib
import http.server
import multiprocessing as mp
import re
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

from pyoxigraph import QueryBoolean, QueryResultsFormat, QuerySolutions, QueryTriples, RdfFormat, serialize

from kg import vocabulary as v
from kg.errors import ConfigError
from kg.query.catalogue import QueryDoc, bundled_queries
from kg.serve.negotiate import OFFERS, choose, sparql_results
from kg.site import write_site
from kg.site.conneg import MEDIA_TYPES
from kg.site.paths import FORMAT_NAMES, FORMATS
from kg.site.write import render_page
from kg.store.embedded import EmbeddedStore

_TEXT = ("text/", "application/ld+json", "application/n-triples", "application/rdf+xml", "application/json",
         "application/sparql-results", "application/xml", "application/trig")
_RESULTS = {
    "application/sparql-results+json": QueryResultsFormat.JSON,
    "application/sparql-results+xml": QueryResultsFormat.XML,
    "text/csv": QueryResultsFormat.CSV,
    "text/tab-separated-values": QueryResultsFormat.TSV,
}
_GRAPHS = {"text/turtle": RdfFormat.TURTLE, "application/n-triples": RdfFormat.N_TRIPLES}
_EXAMPLE = (f"PREFIX kg: <{v.KG}>\nPREFIX rdfs: <{v.RDFS}>\n"
            "SELECT ?measure ?name WHERE {\n  ?measure a kg:Measure ; rdfs:label ?name .\n} LIMIT 10")
_EDITION_PATH = re.compile(r"^plan/([^/]+)/(measure|kpi|mark|participation)/([^/]+)$")


@dataclass
class Server:
    """One build served: the written site, the loaded store, and the limits of ``/sparql``."""

    site: Path
    store: EmbeddedStore
    redirect_303: bool = False
    time_limit: float = 10.0
    max_bytes: int = 10_000_000
    queries: list[QueryDoc] = field(default_factory=list)

    def http(self, host: str, port: int) -> http.server.ThreadingHTTPServer:
        """The HTTP server (not started): ``serve_forever()`` it, ``shutdown()`` to stop."""
        handler = type("Handler", (_Handler,), {"kg": self})
        try:
            return http.server.ThreadingHTTPServer((host, port), handler)
        except OSError as exc:
            raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror}") from exc

    def run_query(self, text: str, accept: str | None) -> tuple[int, str, bytes]:
        """Status, media type and body of a SPARQL query, within the time and size limits."""

        def work() -> tuple[int, str, bytes]:
            try:
                answer = self.store.store.query(text, default_graph=self.store.default_graph)
            except SyntaxError as exc:
                return 400, "text/plain", f"SPARQL syntax error: {exc}\n".encode()
            construct = isinstance(answer, QueryTriples)
            media = sparql_results(accept, construct)
            if media is None:
                offers = "text/turtle, application/n-triples" if construct else ", ".join(_RESULTS)
                return 406, "text/plain", f"not acceptable; this query can give: {offers}\n".encode()
            try:
                if isinstance(answer, QuerySolutions | QueryBoolean):
                    body = answer.serialize(format=_RESULTS[media]) or b""
                else:
                    body = serialize(answer, format=_GRAPHS[media]) or b""
            except OSError as exc:
                return 400, "text/plain", f"query failed: {exc}\n".encode()
            if len(body) > self.max_bytes:
                return 400, "text/plain", (f"the result is larger than {self.max_bytes} bytes; "
                                           "narrow the query or add LIMIT\n").encode()
            return 200, media, body

        if "fork" not in mp.get_all_start_methods():  # no fork: no enforceable limit, run it here
            return work()
        # pyoxigraph cannot cancel a query, so each runs in a forked child (sharing the loaded store),
        # which is killed at the time limit: a runaway query costs nothing once it is refused.
        context = mp.get_context("fork")
        reader, writer = context.Pipe(duplex=False)
        child = context.Process(target=_answer, args=(work, writer), daemon=True)
        child.start()
        writer.close()
        try:
            if reader.poll(self.time_limit):
                answer: tuple[int, str, bytes] = reader.recv()
                return answer
            return 503, "text/plain", f"the query ran longer than {self.time_limit:g} s\n".encode()
        except EOFError:
            return 500, "text/plain", b"the query process ended without an answer\n"
        finally:
            if child.is_alive():
                child.kill()
            child.join()
            reader.close()


def _answer(work: Callable[[], tuple[int, str, bytes]], pipe: Connection) -> None:
    """In the query's child process: run it and send the answer back."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the CLI's handler, which raises
    pipe.send(work())
    pipe.close()


@dataclass
class Running:
    """A started server: its root URL; ``stop()`` ends it and removes the written site."""

    url: str
    server: http.server.ThreadingHTTPServer
    thread: threading.Thread
    folder: Path

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)
        shutil.rmtree(self.folder, ignore_errors=True)


def prepare(build_dir: Path, **options: Any) -> tuple[Server, Path]:
    """Write the site into a temporary folder and load the build; the server and that folder."""
    folder = Path(tempfile.mkdtemp(prefix="kg-serve-"))
    try:
        write_site(build_dir, folder / "site")
        return Server(folder / "site", EmbeddedStore.open(build_dir), queries=bundled_queries(),
                      **options), folder
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def start(build_dir: Path, host: str = "127.0.0.1", port: int = 0, **options: Any) -> Running:
    """Serve ``build_dir`` in a background thread (port 0: a free one); for tests and embedding."""
    kg, folder = prepare(build_dir, **options)
    server = kg.http(host, port)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return Running(f"http://{host}:{server.server_address[1]}/", server, thread, folder)


def serve(
    build_dir: Path, host: str, port: int, **options: Any
) -> tuple[Server, http.server.ThreadingHTTPServer, Path]:
    """The server of ``build_dir``, ready to ``serve_forever()``; remove the folder when done."""
    kg, folder = prepare(build_dir, **options)
    try:
        return kg, kg.http(host, port), folder
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


class _Handler(http.server.BaseHTTPRequestHandler):
    kg: Server
    server_version = "kg-serve"

    def log_message(self, format: str, *args: Any) -> None:
        pass  # library code does not print; the CLI says where it serves

    def do_GET(self) -> None:
        self._handle(head=False)

    def do_HEAD(self) -> None:
        self._handle(head=True)

    def do_OPTIONS(self) -> None:
        self.send_response(204)
        self._cors()
        self.send_header("Access-Control-Allow-Methods", "GET, HEAD, POST, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Accept, Content-Type")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_POST(self) -> None:
        if urlsplit(self.path).path != "/sparql":
            self._plain(405, "only /sparql takes POST\n", head=False)
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace")
        kind = (self.headers.get("Content-Type") or "").split(";")[0].strip()
        if kind == "application/sparql-query":
            self._sparql(body, self.headers.get("Accept"), head=False)
        elif kind == "application/x-www-form-urlencoded":
            form = parse_qs(body)
            accept = (form.get("format") or [self.headers.get("Accept") or ""])[0]
            self._sparql((form.get("query") or [""])[0], accept, head=False)
        elif kind == "application/sparql-update" or "update" in parse_qs(body):
            self._plain(403, "this endpoint is read-only: SPARQL Update is refused\n", head=False)
        else:
            self._plain(415, "send application/sparql-query or a form with query=\n", head=False)

    # --- answers ---------------------------------------------------------------------------------

    def _handle(self, head: bool) -> None:
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        if path == "/sparql":
            query = parse_qs(parts.query).get("query")
            if query:
                self._sparql(query[0], self.headers.get("Accept"), head)
            else:
                self._query_page(head)
            return
        rel = "index.html" if path == "/" else path.lstrip("/")
        if any(s in ("..", ".") for s in rel.split("/")) or "\\" in rel:
            self._not_found(rel, head)
            return
        site = self.kg.site
        file = site / rel
        if file.is_file():
            suffix = "ttl" if rel == ".well-known/void" else file.suffix.lstrip(".")
            self._file(file, MEDIA_TYPES.get(suffix, "application/octet-stream"), head,
                       data=suffix in FORMATS)
            return
        if not (site / f"{rel}.html").is_file():
            self._not_found(rel, head)
            return
        chosen = choose(self.headers.get("Accept"))
        name = quote(rel.rsplit("/", 1)[-1])
        if chosen is None:
            offers = ", ".join(OFFERS.values())
            self._plain(406, f"not acceptable; {path} is available as: {offers}\n", head,
                        extra={"Vary": "Accept", "Link": self._alternates(name)})
            return
        target = f"/{quote(rel)}.{chosen}"
        if self.kg.redirect_303:
            self.send_response(303)
            self.send_header("Location", target)
            self.send_header("Vary", "Accept")
            self.send_header("Content-Length", "0")
            self._cors()
            self.end_headers()
            return
        self._file(site / f"{rel}.{chosen}", OFFERS[chosen], head, data=chosen != "html",
                   extra={"Vary": "Accept", "Content-Location": target, "Link": self._alternates(name)})

    def _alternates(self, name: str) -> str:
        links = [f'<{name}.{s}>; rel="alternate"; type="{m}"; title="{FORMAT_NAMES.get(s, "HTML")}"'
                 for s, m in OFFERS.items()]
        return ", ".join(links)

    def _file(self, file: Path, media: str, head: bool, data: bool,
              extra: dict[str, str] | None = None) -> None:
        body = file.read_bytes()
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        if etag in [t.strip() for t in (self.headers.get("If-None-Match") or "").split(",")]:
            self.send_response(304)
            self.send_header("ETag", etag)
            for key, value in (extra or {}).items():
                self.send_header(key, value)
            self.end_headers()
            return
        self._send(200, media, body, head, {**(extra or {}), "ETag": etag}, cors=data)

    def _send(self, status: int, media: str, body: bytes, head: bool, extra: dict[str, str] | None = None,
              cors: bool = True) -> None:
        self.send_response(status)
        charset = "; charset=utf-8" if media.startswith(_TEXT) else ""
        self.send_header("Content-Type", media + charset)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        if cors:
            self._cors()
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _plain(self, status: int, text: str, head: bool, extra: dict[str, str] | None = None) -> None:
        self._send(status, "text/plain", text.encode(), head, extra)

    def _cors(self) -> None:
        self.send_header("Access-Control-Allow-Origin", "*")

    def _not_found(self, rel: str, head: bool) -> None:
        """404 with the site's page; for a per-edition resource, the same ID in the other editions."""
        elsewhere = []
        match = _EDITION_PATH.match(rel)
        if match:
            edition, kind, ident = match.groups()
            for page in sorted(self.kg.site.glob(f"plan/*/{kind}/{ident}.html")):
                other = page.parent.parent.name
                if other != edition:
                    elsewhere.append({"href": f"/plan/{quote(other)}/{kind}/{quote(ident)}.html",
                                      "label": f"{other} の {ident}"})
        html = render_page("notfound.html", root="/", title="見つかりません", elsewhere=elsewhere)
        self._send(404, "text/html", html.encode(), head)

    def _query_page(self, head: bool) -> None:
        html = render_page("sparql.html", root="/", title="SPARQL", endpoint="/sparql",
                           time_limit=f"{self.kg.time_limit:g}", max_bytes=self.kg.max_bytes,
                           queries=self.kg.queries, example=_EXAMPLE)
        self._send(200, "text/html", html.encode(), head)

    def _sparql(self, query: str, accept: str | None, head: bool) -> None:
        status, media, body = self.kg.run_query(query, accept)
        self._send(status, media, body, head, {"Vary": "Accept"})

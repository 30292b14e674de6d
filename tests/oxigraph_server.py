"""A real Oxigraph server for tests, and a loopback proxy that can make it misbehave.

The server is started on a free loopback port and stopped afterwards.

Test modules import the fixtures they need (``from tests.oxigraph_server import
fixture_oxigraph_server``; the fixture is named ``oxigraph_server``); only the
root conftest may declare plugins. The server
binary comes from the ``oxigraph`` PyPI package of the dev extra; without it
the tests that need it are skipped with a clear reason.
"""

from __future__ import annotations

import hashlib
import http.client
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest


def oxigraph_binary() -> str | None:
    """The ``oxigraph`` executable next to this interpreter, else on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.is_file() else shutil.which("oxigraph")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class OxigraphServer:
    """``oxigraph serve`` on 127.0.0.1 over a data directory that outlives restarts."""

    def __init__(self, location: Path, port: int | None = None) -> None:
        binary = oxigraph_binary()
        if binary is None:
            pytest.skip("the oxigraph server binary is not installed (pip install oxigraph)")
        self.binary = binary
        self.location = location
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.log = location.parent / f"{location.name}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def query_url(self) -> str:
        return f"{self.url}/query"

    @property
    def update_url(self) -> str:
        return f"{self.url}/update"

    @property
    def store_url(self) -> str:
        return f"{self.url}/store"

    def load(self, dataset: Path) -> None:
        """Bulk-load a TriG/N-Quads file offline (the server must be stopped)."""
        assert self.process is None, "stop the server before an offline load"
        subprocess.run(
            [self.binary, "load", "--location", str(self.location), "--file", str(dataset)],
            check=True,
            capture_output=True,
        )

    def start(self, timeout: float = 30.0) -> OxigraphServer:
        self.location.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [self.binary, "serve", "--location", str(self.location), "--bind", f"127.0.0.1:{self.port}"],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"oxigraph serve exited: {self.log.read_text(errors='replace')[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/", timeout=1):
                    return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"oxigraph serve did not answer on {self.url} within {timeout} s")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def kill(self) -> None:
        """Die at once, as a crashed store would (SIGKILL: no clean shutdown)."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    def restart(self) -> OxigraphServer:
        self.stop()
        return self.start()


@pytest.fixture(name="oxigraph_server")
def fixture_oxigraph_server(tmp_path: Path) -> Iterator[OxigraphServer]:
    """A fresh, empty Oxigraph server for one test."""
    server = OxigraphServer(tmp_path / "oxigraph").start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(name="oxigraph_with_build", scope="session")
def fixture_oxigraph_with_build(
    tmp_path_factory: pytest.TempPathFactory, built: Path
) -> Iterator[OxigraphServer]:
    """An Oxigraph server holding the bundled build, loaded offline from its dataset.trig.

    Loaded with Oxigraph's own loader rather than ``kg publish`` so that the
    query comparison does not depend on the code that publish tests check.
    """
    server = OxigraphServer(tmp_path_factory.mktemp("oxigraph-build") / "store")
    server.location.mkdir(parents=True, exist_ok=True)
    server.load(built / "dataset.trig")
    server.start()
    try:
        yield server
    finally:
        server.stop()


# --- a loopback proxy that can misbehave --------------------------------------------------------

#: Decides what to do with a request (method, path with query): None forwards it,
#: an int answers that status without forwarding, "drop" closes the connection,
#: "forward-then-drop" forwards it and closes the connection instead of answering
#: (an answer lost on the way back), "hang" neither forwards nor answers for
#: ``Proxy.hang_seconds`` and then closes.
Rule = Callable[[str, str], int | str | None]


def digest_ok(header: str, method: str, user: str, password: str, realm: str = "kg") -> bool:
    """Whether an ``Authorization: Digest …`` header proves ``password`` (RFC 7616, MD5, qop=auth)."""
    if not header.startswith("Digest "):
        return False
    f = urllib.request.parse_keqv_list(urllib.request.parse_http_list(header[len("Digest "):]))

    def md5(text: str) -> str:
        return hashlib.md5(text.encode()).hexdigest()

    ha1 = md5(f"{user}:{realm}:{password}")
    ha2 = md5(f"{method}:{f.get('uri', '')}")
    expected = md5(f"{ha1}:{f.get('nonce')}:{f.get('nc')}:{f.get('cnonce')}:{f.get('qop')}:{ha2}")
    return f.get("username") == user and f.get("response") == expected


class Proxy:
    """Forwards to ``upstream`` unless ``rule`` says otherwise; optionally demands authentication.

    ``auth`` is the exact ``Authorization`` header to demand (Basic), or a
    ``(user, password)`` pair to demand by HTTP Digest, as Virtuoso does.
    ``disguise`` hides the upstream's ``Server`` header: the client then cannot
    tell it is talking to Oxigraph.
    """

    def __init__(
        self,
        upstream: str,
        rule: Rule | None = None,
        auth: str | tuple[str, str] | None = None,
        disguise: bool = False,
    ) -> None:
        self.upstream = upstream.removeprefix("http://")
        self.rule = rule
        self.auth = auth
        self.disguise = disguise
        self.seen: list[tuple[str, str]] = []
        self.hang_seconds = 5.0
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def _handle(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                proxy.seen.append((self.command, self.path))
                if not proxy.authorised(self.command, self.headers.get("Authorization") or ""):
                    self._answer(401, b"Unauthorized", {"WWW-Authenticate": proxy.challenge()})
                    return
                verdict = proxy.rule(self.command, self.path) if proxy.rule else None
                if verdict == "hang":
                    time.sleep(proxy.hang_seconds)
                if verdict in ("drop", "hang"):
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if isinstance(verdict, int):
                    self._answer(verdict, b"injected failure")
                    return
                try:
                    conn = http.client.HTTPConnection(proxy.upstream, timeout=30)
                    drop = ("host", "authorization")
                    headers = {k: v for k, v in self.headers.items() if k.lower() not in drop}
                    conn.request(self.command, self.path, body=body, headers=headers)
                    answer = conn.getresponse()
                    data = answer.read()
                except OSError:  # the store is gone: so is our connection
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if verdict == "forward-then-drop":
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                passed = ("content-type",) if proxy.disguise else ("content-type", "server")
                keep = {k: v for k, v in answer.getheaders() if k.lower() in passed}
                self._answer(answer.status, data, keep)

            def _answer(self, status: int, data: bytes, headers: dict[str, str] | None = None) -> None:
                self.send_response_only(status)
                if "server" not in {k.lower() for k in headers or {}}:
                    self.send_header("Server", self.version_string())
                self.send_header("Date", self.date_time_string())
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def authorised(self, method: str, header: str) -> bool:
        if self.auth is None:
            return True
        if isinstance(self.auth, str):
            return header == self.auth
        return digest_ok(header, method, *self.auth)

    def challenge(self) -> str:
        if isinstance(self.auth, tuple):
            return f'Digest realm="kg", nonce="{secrets.token_hex(8)}", qop="auth", algorithm="MD5"'
        return 'Basic realm="kg"'

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(name="proxies")
def fixture_proxies() -> Iterator[Callable[..., Proxy]]:
    made: list[Proxy] = []

    def make(upstream: str, rule: Rule | None = None, **options: Any) -> Proxy:
        made.append(Proxy(upstream, rule, **options))
        return made[-1]

    yield make
    for p in made:
        p.close()

"""A real Virtuoso Open Source server for tests: Debian's ``virtuoso-opensource`` package, started on
127.0.0.1 with a database in a temporary folder, stopped afterwards.

The configuration is Debian's own ``/etc/virtuoso-opensource-7/virtuoso.ini`` with the database
files, the ports (free ones, on 127.0.0.1 only) and the folders the bulk loader may read changed.
A user ``kg`` in the ``SPARQL_UPDATE`` role publishes through the Digest-authenticated endpoints
``/sparql-auth`` and ``/sparql-graph-crud-auth``; queries go to the public ``/sparql``.
Without ``virtuoso-t`` (``apt-get install virtuoso-opensource``) the tests that need it are skipped.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.oxigraph_server import free_port

DEBIAN_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
USER, PASSWORD = "kg", "kg-Virtuoso-Secret-1"


class VirtuosoServer:
    """``virtuoso-t`` in the foreground over a database in ``location``."""

    def __init__(self, location: Path) -> None:
        binary = shutil.which("virtuoso-t")
        if binary is None or shutil.which("isql-vt") is None or not DEBIAN_INI.is_file():
            pytest.skip("Virtuoso is not installed (apt-get install virtuoso-opensource)")
        self.binary = binary
        self.location = location
        self.sql_port = free_port()
        self.http_port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.log = location / "virtuoso.out"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def query_url(self) -> str:
        return f"{self.url}/sparql"

    @property
    def update_url(self) -> str:
        return f"{self.url}/sparql-auth"

    @property
    def gsp_url(self) -> str:
        return f"{self.url}/sparql-graph-crud-auth"

    def _ini(self) -> str:
        text = DEBIAN_INI.read_text(encoding="utf-8")
        text = text.replace("/var/lib/virtuoso-opensource-7/db/", f"{self.location}/")
        text = re.sub(r"(?m)^ServerPort\s*=\s*1111\b.*$", f"ServerPort = 127.0.0.1:{self.sql_port}", text)
        text = re.sub(r"(?m)^ServerPort\s*=\s*8890\b.*$", f"ServerPort = 127.0.0.1:{self.http_port}", text)
        return re.sub(r"(?m)^DirsAllowed\s*=.*$",
                      f"DirsAllowed = ., {self.location}, /usr/share/virtuoso-opensource-7/vad", text)

    def start(self, timeout: float = 180.0) -> VirtuosoServer:
        self.location.mkdir(parents=True, exist_ok=True)
        ini = self.location / "virtuoso.ini"
        ini.write_text(self._ini(), encoding="utf-8")
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [self.binary, "-f", "-c", str(ini)], cwd=self.location, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"virtuoso-t exited: {self.log.read_text(errors='replace')[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.query_url}?query=ASK%7B%7D", timeout=2):
                    return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"Virtuoso did not answer on {self.url} within {timeout} s")

    def sql(self, statements: str) -> str:
        """Run SQL as dba (the fresh database's default password) through isql-vt."""
        done = subprocess.run(
            ["isql-vt", f"127.0.0.1:{self.sql_port}", "dba", "dba", f"exec={statements}"],
            capture_output=True, text=True, timeout=120, check=True,
        )
        return done.stdout

    def add_publisher(self, user: str = USER, password: str = PASSWORD) -> None:
        self.sql(f"DB.DBA.USER_CREATE('{user}', '{password}'); GRANT SPARQL_UPDATE TO \"{user}\";")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None


@pytest.fixture(name="virtuoso", scope="session")
def fixture_virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoServer]:
    """One Virtuoso server for the session (it takes seconds to start), with the publisher user."""
    server = VirtuosoServer(tmp_path_factory.mktemp("virtuoso")).start()
    try:
        server.add_publisher()
        yield server
    finally:
        server.stop()

"""Messages, not tracebacks (issue 13, points 6 and 7): each case a one-line message, the right exit
code, and no secret in it, whether from a URL or echoed back by a store."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kg.cli import _register, cli
from kg.store.credentials import redact, safe_url

PASSWORD = "hunter2-very-secret"


def kg(*args: str, env: dict[str, str] | None = None) -> Result:
    _register()
    return CliRunner().invoke(cli, list(args), env=env)


def _no_traceback(res: Result) -> None:
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    assert "Traceback" not in res.output


class _Page(BaseHTTPRequestHandler):
    """Answers every request with what the test set on the server: status, type, body."""

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        status, ctype, body = self.server.answer  # type: ignore[attr-defined]
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def page() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    server.answer = (200, "text/html; charset=utf-8", b"<!DOCTYPE html><html><body>Welcome</body></html>")  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _url(server: ThreadingHTTPServer, path: str = "/") -> str:
    return f"http://127.0.0.1:{server.server_address[1]}{path}"


# --- point 6 ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["http://[::1/query", "http://127.0.0.1:99999/query", "http://127.0.0.1:8o8o/query", "http:///query",
     "ftp://127.0.0.1/query", "http://exa mple/query"],
    ids=["ipv6-unclosed", "port-range", "port-letters", "no-host", "ftp", "space"],
)
def test_a_malformed_endpoint_url_is_a_usage_error(url: str, built: Path) -> None:
    for args in (
        ("query", "edition-summary", "--endpoint", url, "--build-dir", str(built)),
        ("publish", "--endpoint", url, "--build-dir", str(built)),
    ):
        res = kg(*args)
        _no_traceback(res)
        assert res.exit_code == 2, (args, res.output)
        assert res.stderr.startswith("kg: error: ") and res.stderr.count("\n") == 1, res.stderr


def test_validate_into_a_missing_folder_is_a_usage_error(built: Path, tmp_path: Path) -> None:
    res = kg("validate", "--build-dir", str(built), "-o", str(tmp_path / "missing" / "report.txt"))
    _no_traceback(res)
    assert res.exit_code == 2, res.output
    assert f"no folder {tmp_path / 'missing'}" in res.stderr


# --- point 7: an endpoint that answers a web page ----------------------------------------------------


def test_an_endpoint_answering_html_is_named_as_such_by_query(page: ThreadingHTTPServer, built: Path) -> None:
    res = kg("query", "edition-summary", "--endpoint", _url(page, "/"), "--build-dir", str(built))
    _no_traceback(res)
    assert res.exit_code == 5, res.output
    assert "JSONDecodeError" not in res.stderr
    assert "the answer is not SPARQL results JSON (text/html, starting '<!DOCTYPE html>" in res.stderr
    assert "is this the store's SPARQL query endpoint" in res.stderr


def test_an_endpoint_answering_html_is_named_as_such_by_publish(
    page: ThreadingHTTPServer, built: Path
) -> None:
    res = kg("publish", "--endpoint", _url(page, "/"), "--build-dir", str(built), "--retries", "0")
    _no_traceback(res)
    assert res.exit_code == 5, res.output
    assert "JSONDecodeError" not in res.stderr
    assert "the answer to COUNT is text/html, not SPARQL results JSON" in res.stderr


# --- point 7: secrets --------------------------------------------------------------------------------


def test_a_password_in_the_query_string_is_not_printed(built: Path) -> None:
    url = f"http://127.0.0.1:9/query?user=kg&password={PASSWORD}&access_token=abc123"
    for args in (
        ("query", "edition-summary", "--endpoint", url, "--build-dir", str(built), "--timeout", "2"),
        ("publish", "--endpoint", url, "--build-dir", str(built), "--retries", "0", "--timeout", "2"),
    ):
        res = kg(*args)
        _no_traceback(res)
        assert res.exit_code == 5, res.output
        assert PASSWORD not in res.output and "abc123" not in res.output
        assert "password=***" in res.stderr


def test_a_password_echoed_by_the_store_is_not_printed(page: ThreadingHTTPServer, built: Path) -> None:
    page.answer = (  # type: ignore[attr-defined]
        400, "text/plain", f"bad request from user kg with password {PASSWORD} (token=xyz)".encode()
    )
    env = {"KG_ENDPOINT_USER": "kg", "KG_ENDPOINT_PASSWORD": PASSWORD}
    for args in (
        ("query", "edition-summary", "--endpoint", _url(page, "/q"), "--build-dir", str(built)),
        ("publish", "--endpoint", _url(page, "/q"), "--build-dir", str(built), "--retries", "0"),
    ):
        res = kg(*args, env=env)
        _no_traceback(res)
        assert res.exit_code in (5, 6), res.output
        assert "bad request from user kg with password ***" in res.stderr, res.stderr
        assert PASSWORD not in res.output and "xyz" not in res.output


def test_redaction_rules() -> None:
    assert redact("x?password=a:b: oops") == "x?password=***: oops"
    assert redact("https://h/q?api_key=1&db_passwd=2&sessionid=3&x=4") == (
        "https://h/q?api_key=***&db_passwd=***&sessionid=***&x=4"
    )
    assert redact("the author's passage=1") == "the author's passage=1"  # words that only look alike
    assert redact("echo: s3cr3t-pw!", ["s3cr3t-pw!"]) == "echo: ***"
    assert safe_url("http://kg:pw@h:99999/q?token=t") == "http://h:99999/q?token=***"

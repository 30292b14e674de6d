"""Content negotiation for the static site, over real HTTP.

The rules of :mod:`kg.site.conneg` are applied twice: by a Python server that
follows them (the reference the snippets are generated from), and by a real
nginx running the generated snippets unchanged (skipped only where nginx is
not installed; .ci/run installs it). Both must answer every case alike.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.site import conneg, write_site
from tests.site_support import serve

MEASURE = "plan/2023-06-09/measure/06-22"
IRI = "https://kg.example.jp/" + MEASURE
CHROME = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
#: (Accept header, expected media type, a parser check) for the extensionless IRI.
CASES = [
    (None, "text/html", None),
    ("*/*", "text/html", None),
    (CHROME, "text/html", None),
    ("text/turtle", "text/turtle", ox.RdfFormat.TURTLE),
    ("application/n-triples", "application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/ld+json", "application/ld+json", ox.RdfFormat.JSON_LD),
    ("application/rdf+xml", "application/rdf+xml", ox.RdfFormat.RDF_XML),
    ("text/turtle;q=0.9, text/html;q=0.1", "text/turtle", ox.RdfFormat.TURTLE),
    ("image/png", "text/html", None),
]


@pytest.fixture(scope="module")
def site(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("conneg") / "site"
    write_site(built, out)
    return out


def _get(url: str, accept: str | None, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, method=method, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()


def _check(root: str) -> None:
    for accept, media, fmt in CASES:
        status, headers, body = _get(root + MEASURE, accept)
        assert status == 200, accept
        assert headers["content-type"].split(";")[0].strip() == media, accept
        assert "Accept" in headers.get("vary", ""), accept
        if fmt is None:
            assert b'<html lang="ja">' in body and "医療高度化".encode() in body
        else:
            subjects = {q.subject for q in ox.parse(body, format=fmt)}
            assert subjects == {ox.NamedNode(IRI)}, accept
    # a suffix URL answers its own type whatever the Accept header says
    status, headers, body = _get(root + MEASURE + ".nt", "text/html")
    assert status == 200 and headers["content-type"].startswith("application/n-triples")
    status, headers, _ = _get(root + MEASURE + ".html", "text/turtle")
    assert status == 200 and headers["content-type"].startswith("text/html")
    # VoID at the well-known address, as Turtle
    status, headers, body = _get(root + ".well-known/void", None)
    assert status == 200 and headers["content-type"].startswith("text/turtle")
    assert any(q.subject == ox.NamedNode("https://kg.example.jp/dataset")
               for q in ox.parse(body, format=ox.RdfFormat.TURTLE))
    # an edition IRI, and the ontology's hash IRIs (the document without the fragment)
    status, headers, _ = _get(root + "plan/2023-06-09", "text/turtle")
    assert status == 200 and headers["content-type"].startswith("text/turtle")
    status, headers, body = _get(root + "def/kg", None)
    assert status == 200 and b'id="Measure"' in body
    # an unknown IRI: 404 with the site's page
    status, headers, body = _get(root + "plan/2023-06-09/measure/99-99", None)
    assert status == 404 and "見つかりません".encode() in body


def test_the_rules_pick_rdf_first_then_html() -> None:
    assert conneg.choose(None) == "html"
    assert conneg.choose(CHROME) == "html"
    assert conneg.choose("application/ld+json, text/html;q=0.1") == "jsonld"
    assert conneg.choose("TEXT/TURTLE") == "ttl"


def test_a_python_server_with_the_rules(site: Path) -> None:
    with serve(site) as root:
        _check(root)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _nginx(site: Path, work: Path) -> Iterator[str]:
    binary = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if binary is None:
        pytest.skip("nginx is not installed (apt-get install nginx-light; .ci/run does)")
    port = _free_port()
    work.mkdir()
    conf = work / "nginx.conf"
    # Started as root, nginx's workers would drop to nobody, who cannot read pytest's private tmp folders.
    user = "user root;" if os.geteuid() == 0 else ""
    conf.write_text(f"""
{user}
daemon off;
worker_processes 1;
error_log {work}/error.log;
pid {work}/nginx.pid;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {work}/body; proxy_temp_path {work}/proxy; fastcgi_temp_path {work}/fcgi;
    uwsgi_temp_path {work}/uwsgi; scgi_temp_path {work}/scgi;
    include {site}/conneg/nginx-http.conf;
    server {{
        listen 127.0.0.1:{port};
        root {site};
        include {site}/conneg/nginx-server.conf;
    }}
}}
""", encoding="utf-8")
    check = subprocess.run([binary, "-t", "-c", str(conf), "-p", str(work)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen([binary, "-c", str(conf), "-p", str(work)], stderr=subprocess.PIPE)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}/"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_nginx_with_the_generated_snippets(site: Path, tmp_path: Path) -> None:
    with _nginx(site, tmp_path / "nginx") as root:
        _check(root)


def test_the_apache_snippet_names_every_rule(site: Path) -> None:
    """No Apache here to run it: its rules are checked against the same table instead."""
    text = (site / "conneg" / "apache.htaccess").read_text(encoding="utf-8")
    for pattern, suffix in conneg.RULES:
        assert f'RewriteCond %{{HTTP_ACCEPT}} "{pattern}" [NC]' in text
        assert f"RewriteRule ^(.+)$ $1.{suffix} [END]" in text
    assert text.index("text/turtle") < text.index('"text/html"')
    assert "Header merge Vary Accept" in text and "ErrorDocument 404 /404.html" in text

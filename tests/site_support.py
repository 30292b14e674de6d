"""Helpers of the site tests: walking a written site, resolving its links, serving it over HTTP."""

from __future__ import annotations

import hashlib
import http.server
import os
import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import html as lxml_html

from kg.site import conneg

#: Cells of measure 06-22 made hostile for the escaping tests (a name, a KPI, a description, a ministry).
HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>{{ 7*7 }} javascript:alert(3)'
HOSTILE_ORG = "<svg/onload=alert(4)>{{7*7}}悪庁"


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def links(page: Path) -> list[tuple[str, str]]:
    """Every (element, address) of a page: a/link/script/img and SVG ``a`` (href or xlink:href)."""
    tree = lxml_html.fromstring(page.read_bytes())
    out = []
    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue
        tag = el.tag.rsplit("}", 1)[-1]
        for attr in ("href", "src", "{http://www.w3.org/1999/xlink}href"):
            value = el.get(attr)
            if value is not None and tag in ("a", "link", "script", "img"):
                out.append((tag, value))
    return out


def resolve(site: Path, page: Path, address: str) -> tuple[Path, str] | None:
    """The file a relative address leads to and its fragment; ``None`` for an external address."""
    parts = urlsplit(address)
    if parts.scheme or parts.netloc:
        return None
    target = page if not parts.path else Path(os.path.normpath(page.parent / unquote(parts.path)))
    return target, unquote(parts.fragment)


def ids(page: Path) -> set[str]:
    tree = lxml_html.fromstring(page.read_bytes())
    return {el.get("id") for el in tree.iter() if isinstance(el.tag, str) and el.get("id")}


def hostile_data(root: Path, source: Path) -> Path:
    """A copy of ``data/`` whose measure 06-22 carries markup in its name, KPI, description and ministries,
    with a gazetteer row of the user's own for the hostile ministry (as the README allows)."""
    data = root / "data"
    shutil.copytree(source, data)
    extract = data / "editions" / "2023" / "000_12dec0b774bbd4f2.txt"
    lines = extract.read_text(encoding="utf-8").split("\n")
    index = next(i for i, line in enumerate(lines) if line.startswith("06-22\t"))
    cells = lines[index].split("\t")
    cells[1] += HOSTILE
    cells[2] += HOSTILE
    cells[3] += " " + HOSTILE
    ministry = max(i for i, c in enumerate(cells) if "総務省" in c)
    cells[ministry] += "・" + HOSTILE_ORG
    lines[index] = "\t".join(cells)
    extract.write_text("\n".join(lines), encoding="utf-8")
    toml = extract.parent / "edition.toml"
    digest = hashlib.sha256(extract.read_bytes()).hexdigest()
    toml.write_text(re.sub(r'sha256 = "[0-9a-f]+"', f'sha256 = "{digest}"', toml.read_text(encoding="utf-8")),
                    encoding="utf-8")
    gazetteer = data / "reference" / "organizations.csv"
    header = (source / "reference" / "organizations.csv").read_text(encoding="utf-8").splitlines()[0]
    gazetteer.parent.mkdir(parents=True, exist_ok=True)
    row = f'evil,"{HOSTILE_ORG}",Evil Agency,EVL,agency,mic,,,,https://example.org/source,test row'
    gazetteer.write_text(f"{header}\n{row}\n", encoding="utf-8")
    return data


class ConnegHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a site folder with the rules of the generated snippets (kg.site.conneg): the file itself,
    else the IRI plus the negotiated suffix, else 404.html with status 404."""

    def send_head(self):  # type: ignore[no-untyped-def]
        path = urlsplit(self.path).path
        local = Path(self.directory) / unquote(path).lstrip("/")
        if not local.is_file() and not path.endswith("/"):
            suffix = conneg.choose(self.headers.get("Accept"))
            for candidate in (f"{path}.{suffix}", f"{path}.html"):
                if (Path(self.directory) / unquote(candidate).lstrip("/")).is_file():
                    self.path = candidate
                    self._negotiated = True
                    break
        return super().send_head()

    def end_headers(self) -> None:
        if getattr(self, "_negotiated", False):
            self.send_header("Vary", "Accept")
        super().end_headers()

    def guess_type(self, path):  # type: ignore[no-untyped-def]
        suffix = str(path).rsplit(".", 1)[-1]
        if str(path).endswith("/.well-known/void"):
            return "text/turtle"
        return conneg.MEDIA_TYPES.get(suffix, super().guess_type(path))

    def send_error(self, code, message=None, explain=None):  # type: ignore[no-untyped-def]
        page = Path(self.directory) / "404.html"
        if code == 404 and page.is_file():
            body = page.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return
        super().send_error(code, message, explain)

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def serve(site: Path, handler: type[http.server.SimpleHTTPRequestHandler] = ConnegHandler) -> Iterator[str]:
    """The site served on 127.0.0.1 (a free port) for the duration; yields its root URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()

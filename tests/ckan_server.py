"""A local HTTP server that follows the CKAN 2.9 Action API's contract, for the harvest tests.

Not a mock of kg: a real server on 127.0.0.1 that kg's harvester (through
ckanapi and requests) talks to over HTTP. It serves ``package_search``,
``package_show`` and ``organization_list`` under ``/api/3/action/`` as CKAN
2.9 does: the ``{help, success, result}`` envelope; ``package_search``'s
``count``/``results`` with ``rows``/``start`` paging, ``sort`` on
``metadata_modified`` and an ``fq`` window ``metadata_modified:[FROM TO *]``;
``rows`` above 1000 refused with the Validation Error envelope (HTTP 409); an
unknown action or dataset with the Not Found envelope (404).

Faults are queued per action (:meth:`CkanState.fail`): an HTTP 500, an HTML
page, a ``success: false`` 409, or a delay longer than the client's timeout;
``delete_after`` removes a record once a given number of search pages were served.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

ROWS_MAX = 1000  # ckan.search.rows_max, CKAN 2.9's default
_WINDOW = re.compile(r"^metadata_modified:\[(\S+) TO (\S+)\]$")


@dataclass
class CkanState:
    packages: list[dict[str, Any]]
    organizations: list[dict[str, Any]]
    faults: dict[str, list[str]] = field(default_factory=dict)  # action -> queued faults
    delete_after: tuple[int, str] | None = None  # (search pages served, name of the record to delete)
    calls: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    pages_served: int = 0

    def fail(self, action: str, *faults: str) -> None:
        """Queue faults for the next calls of ``action``: "500", "html", "409", "slow"."""
        self.faults.setdefault(action, []).extend(faults)


def _envelope(action: str, result: Any) -> dict[str, Any]:
    return {"help": f"http://127.0.0.1/api/3/action/help_show?name={action}", "success": True,
            "result": result}


def _error(action: str, kind: str, message: str) -> dict[str, Any]:
    return {"help": f"http://127.0.0.1/api/3/action/help_show?name={action}", "success": False,
            "error": {"__type": kind, "message": message}}


def _search(state: CkanState, params: dict[str, str]) -> tuple[int, dict[str, Any]]:
    try:
        rows = int(params.get("rows", "10"))
        start = int(params.get("start", "0"))
    except ValueError:
        return 409, _error("package_search", "Validation Error", "rows/start: Invalid integer")
    if rows > ROWS_MAX:
        message = f"rows: Must be less than or equal to {ROWS_MAX}"
        return 409, _error("package_search", "Validation Error", message)
    found = [p for p in state.packages if p.get("state", "active") == "active"]
    fq = params.get("fq", "")
    if fq:
        match = _WINDOW.match(fq)
        if not match:
            return 409, _error("package_search", "Search Query Error", f"cannot parse fq {fq!r}")
        low, high = match.groups()
        found = [p for p in found if (low == "*" or p["metadata_modified"] >= low.rstrip("Z"))
                 and (high == "*" or p["metadata_modified"] <= high.rstrip("Z"))]
    sort = params.get("sort", "score desc, metadata_modified desc")
    if sort.startswith("metadata_modified"):
        found.sort(key=lambda p: (p["metadata_modified"], p["name"]), reverse=sort.endswith("desc"))
    page = found[start:start + rows]
    state.pages_served += 1
    if state.delete_after and state.pages_served == state.delete_after[0]:
        state.packages = [p for p in state.packages if p["name"] != state.delete_after[1]]
    return 200, _envelope("package_search", {"count": len(found), "results": page, "sort": sort,
                                             "facets": {}, "search_facets": {}})


class _Handler(BaseHTTPRequestHandler):
    state: CkanState

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _send(self, status: int, body: str, content_type: str = "application/json;charset=utf-8") -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        match = re.fullmatch(r"/api/3/action/(\w+)", url.path)
        if not match:
            self._send(404, "<html><body>Not Found</body></html>", "text/html")
            return
        action = match.group(1)
        params = {k: v[-1] for k, v in parse_qs(url.query).items()}
        state = self.state
        state.calls.append((action, params))
        queued = state.faults.get(action)
        if queued:
            fault = queued.pop(0)
            if fault == "500":
                self._send(500, "<html><body><h1>Internal Server Error</h1></body></html>", "text/html")
                return
            if fault == "html":
                self._send(200, "<!DOCTYPE html><html><body>メンテナンス中です</body></html>", "text/html")
                return
            if fault == "409":
                self._send(409, json.dumps(_error(action, "Validation Error", "conflict")))
                return
            if fault == "slow":
                time.sleep(1.0)
        if action == "package_search":
            status, body = _search(state, params)
        elif action == "package_show":
            found = [p for p in state.packages if params.get("id") in (p["id"], p["name"])]
            status, body = (200, _envelope(action, found[0])) if found else (
                404, _error(action, "Not Found Error", "Not found"))
        elif action == "organization_list":
            orgs = state.organizations if params.get("all_fields") in ("true", "True") else [
                o["name"] for o in state.organizations]
            status, body = 200, _envelope(action, orgs)
        else:
            status, body = 400, _error(action, "Bad request", f"Action name not known: {action}")
        self._send(status, json.dumps(body, ensure_ascii=False))


@contextmanager
def ckan_server(state: CkanState) -> Iterator[str]:
    """Serve ``state`` on 127.0.0.1 (a free port); yields the site address (the API is under it)."""
    handler = type("Handler", (_Handler,), {"state": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()

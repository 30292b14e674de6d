"""One harvest of the e-Gov data portal's catalog: paging, resuming, and the raw source file.

What the portal says is kept as said: every answer is appended, raw, to
``responses.jsonl`` (one JSON object a line: run, action, parameters, HTTP
status, body) before anything is read from it, like the 施策集 extract is kept
unchanged. ``state.json`` beside it is the cursor: the window of this harvest,
the next offset, and, once a harvest is complete, the newest
``metadata_modified`` seen and the SHA-256 of the responses file.

Paging: ``package_search`` sorted by ``metadata_modified asc`` in ``rows``-sized
pages. Each page starts ``overlap`` rows before where the last one ended, so a
record deleted between two pages shifts the rest without one being skipped;
the overlap's repeats, and the pages a resumed harvest fetches again, are
removed when the records are read (one record per dataset id, the newest).
Sorting ascending means a dataset modified during the harvest moves to the
end, where the harvest still reaches it.

Incremental: a harvest after a complete one asks only for datasets modified
since that one's newest (``fq=metadata_modified:[… TO *]``); the responses
file keeps growing, so the graph, made from all of it, is always whole.
Interrupted (Ctrl-C, a timeout after every retry, a bad page), the state
stays where the last stored page ended: the same command resumes there.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import ConfigError, Position
from kg.files import write_text_atomic
from kg.findings import Finding, finding
from kg.harvest.client import CkanClient, Exchange

RESPONSES = "responses.jsonl"
STATE = "state.json"
#: CKAN 2.9's default ckan.search.rows_max: a larger page is refused.
ROWS_MAX = 1000


@dataclass
class State:
    address: str
    run: int = 0
    window_from: str | None = None  # metadata_modified lower bound of the current run (None: all)
    next_start: int = 0
    done: bool = True  # the last run finished (a new command starts a new run)
    newest: str | None = None  # newest metadata_modified of the finished runs
    count: int | None = None  # the portal's count in the current run's window
    sha256: str | None = None  # of responses.jsonl when the last run finished

    @classmethod
    def load(cls, path: Path, address: str | None) -> State:
        """The saved state; ``address`` (None: any) must be the one it harvested."""
        if not path.is_file():
            if address is None:
                raise ConfigError(f"{path}: nothing harvested yet")
            return cls(address)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            state = cls(**data)
        except (ValueError, TypeError) as exc:
            raise ConfigError(f"{path}: not a harvest state file ({exc})") from exc
        if address is not None and state.address != address:
            raise ConfigError(f"{path} belongs to a harvest of {state.address}, not {address}: use another"
                              " folder, or --full to start again")
        return state

    def save(self, path: Path) -> None:
        write_text_atomic(path, json.dumps(asdict(self), ensure_ascii=False, indent=1, sort_keys=True) + "\n")


@dataclass
class HarvestResult:
    folder: Path
    state: State
    complete: bool
    pages: int = 0
    records: int = 0  # dataset records received in this run (repeats included)
    findings: list[Finding] = field(default_factory=list)


def window_query(since: str | None) -> str | None:
    """The Solr filter of a window from ``since`` (CKAN's ``2022-08-17T02:14:55.463035``), milliseconds."""
    if since is None:
        return None
    return f"metadata_modified:[{since[:23]}Z TO *]"


def harvest(
    client: CkanClient,
    folder: Path,
    *,
    rows: int = 100,
    full: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> HarvestResult:
    """Harvest (or resume harvesting) ``client``'s catalog into ``folder``."""
    if not 1 <= rows <= ROWS_MAX:
        raise ConfigError(f"rows must be between 1 and {ROWS_MAX} (CKAN refuses larger pages), not {rows}")
    folder.mkdir(parents=True, exist_ok=True)
    state_path, responses = folder / STATE, folder / RESPONSES
    if full:
        responses.unlink(missing_ok=True)
        state_path.unlink(missing_ok=True)
    state = State.load(state_path, client.address)
    result = HarvestResult(folder, state, complete=False)
    if state.done:  # a new run: everything (first or --full) or what changed since the last
        state.run += 1
        state.window_from = state.newest
        state.next_start, state.count, state.done = 0, None, False
        state.save(state_path)
        orgs = client.call("organization_list", all_fields=True)
        _append(responses, state.run, orgs)
        if not orgs.ok:
            result.findings.append(_bad_page(orgs, 0, responses))
            return result
    overlap = max(1, rows // 10) if rows > 1 else 0
    fq = window_query(state.window_from)
    while True:
        start = max(0, state.next_start - overlap) if state.next_start else 0
        params: dict[str, Any] = {"q": "*:*", "sort": "metadata_modified asc", "rows": rows, "start": start}
        if fq:
            params["fq"] = fq
        page = client.call("package_search", **params)
        line = _append(responses, state.run, page)
        result.pages += 1
        if not page.ok or not isinstance(page.result, dict) or "results" not in page.result:
            result.findings.append(_bad_page(page, start, responses, line))
            state.save(state_path)
            return result
        found = page.result["results"]
        state.count = int(page.result.get("count", 0))
        result.records += len(found)
        state.next_start = start + len(found)
        state.save(state_path)
        if progress is not None:
            progress(min(state.next_start, state.count), state.count)
        if not found or state.next_start >= state.count:
            break
    held = len(run_ids(responses, state.run))
    if state.count is not None and held != state.count:
        result.findings.append(finding("egov-count-mismatch", Position(file=str(responses)),
                                       count=state.count, held=held))
    state.done = True
    state.newest = max((r["metadata_modified"] for r in read_packages(responses)[0].values()),
                       default=state.newest)
    state.sha256 = sha256_of(responses)
    state.save(state_path)
    result.complete = True
    return result


def _append(path: Path, run: int, exchange: Exchange) -> int:
    """Append one exchange to the responses file (flushed to disk); its line number."""
    record = {"run": run, "action": exchange.action, "params": exchange.params, "status": exchange.status,
              "body": exchange.body}
    line = 1
    if path.exists():
        with path.open("rb") as fh:
            line = sum(1 for _ in fh) + 1
    with path.open("a", encoding="utf-8", newline="\n") as fh:
        fh.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    return line


def _bad_page(exchange: Exchange, start: int, path: Path, line: int | None = None) -> Finding:
    return finding("egov-bad-response", Position(file=str(path), line=line), raw=exchange.body[:200],
                   action=exchange.action, start=start, reason=exchange.error or "no results in the answer")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def run_ids(path: Path, run: int) -> set[str]:
    """The dataset ids that the answers of one run (resumed or not) hold."""
    ids: set[str] = set()
    with path.open(encoding="utf-8") as fh:
        for text in fh:
            try:
                entry = json.loads(text)
                if entry.get("run") != run or entry.get("action") != "package_search":
                    continue
                body = json.loads(entry["body"])
                ids.update(r["id"] for r in body["result"]["results"])
            except (ValueError, KeyError, TypeError):
                continue
    return ids


@dataclass(frozen=True)
class Stored:
    """A dataset record as the responses file holds it, with the line it was read from."""

    record: dict[str, Any]
    line: int


def read_packages(path: Path) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    """The dataset records (newest per id) and the organisations of a responses file."""
    stored, orgs = read_stored(path)
    return {k: v.record for k, v in stored.items()}, orgs


def read_stored(path: Path) -> tuple[dict[str, Stored], list[dict[str, Any]]]:
    """Every dataset of the responses file, one per id (the newest ``metadata_modified``, then the
    latest line), and the organisations of the newest ``organization_list``."""
    packages: dict[str, Stored] = {}
    orgs: list[dict[str, Any]] = []
    if not path.is_file():
        return packages, orgs
    with path.open(encoding="utf-8") as fh:
        for number, text in enumerate(fh, start=1):
            try:
                entry = json.loads(text)
                body = json.loads(entry["body"])
            except (ValueError, KeyError, TypeError):
                continue  # a bad page: reported when it was fetched
            if not isinstance(body, dict) or body.get("success") is not True:
                continue
            result = body.get("result")
            if entry.get("action") == "organization_list" and isinstance(result, list):
                orgs = [o for o in result if isinstance(o, dict)]
                continue
            records = (result.get("results", []) if entry.get("action") == "package_search"
                       and isinstance(result, dict) else [result] if isinstance(result, dict) else [])
            for record in records:
                if not isinstance(record, dict) or not isinstance(record.get("id"), str):
                    continue
                old = packages.get(record["id"])
                if old is None or str(record.get("metadata_modified", "")) >= str(
                        old.record.get("metadata_modified", "")):
                    packages[record["id"]] = Stored(record, number)
    return packages, orgs

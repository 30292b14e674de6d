"""Benchmark the ways of replacing a published graph on Oxigraph (and Virtuoso), per size.

For each size (default 1k and 3k measures; ``--sizes 10k,30k,100k`` when you have the minutes and
the gigabytes) this generates a synthetic edition (bench/generate.py) and builds it (N-Triples
only). Every method then runs on its own fresh ``oxigraph serve`` (127.0.0.1, a new folder), so that
one method's background compaction does not slow the next; the server's peak resident memory is
sampled while it runs. The replacing methods first bulk-load the plan graph they replace (untimed):

  put          GSP PUT into the graph (Oxigraph: clear and load, two transactions: not atomic)
  move         bulk POST into a staging graph, then MOVE GRAPH staging TO graph (one transaction)
  difference   the same staging, then one update deleting and inserting only the triples that differ
               (one transaction), then DROP of the staging graph: what kg publish --gsp does on Oxigraph
  update       one request DROP SILENT GRAPH g ; INSERT DATA { GRAPH g { … } } (kg publish without --gsp)
  fresh-bulk   bulk POST into a graph that does not exist yet (the load alone, no swap: the floor)
  kg-first     kg publish --gsp of the whole build into an empty store
  kg-same      kg publish --gsp of the same build again (a republish: nothing changed)
  kg-change    kg publish --gsp of the build with 1 % of the plan graph's triples gone (a correction)

``--methods`` picks some (at 100k only the difference-based ones fit in memory: a MOVE of 6 M
triples needs ~5 KB of server memory per triple). With ``--virtuoso`` (Debian's virtuoso-opensource,
started like the tests start it), kg publish --gsp through Digest, replacing the same build. Prints a
Markdown table (seconds, server peak MiB) and writes bench/out/publish.json. The machine and its load
matter: say both when quoting figures.

Usage (from the repository root, in the project venv)::

    python bench/publish.py                    # 1k, 3k, every method
    python bench/publish.py --sizes 100k --methods fresh-bulk,kg-first,kg-same,kg-change
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import generate  # noqa: E402  (bench/generate.py)
from cache import parse_size  # noqa: E402  (bench/cache.py)

from kg.manifest import Manifest, read, sha256_file  # noqa: E402
from kg.publish import Endpoints, HttpClient, Payload, RetryPolicy, StoreClient, publish  # noqa: E402
from kg.publish.publish import STAGING_SUFFIX, difference_swap  # noqa: E402
from kg.publish.store import iri_ref  # noqa: E402

OUT = ROOT / "bench" / "out"
NT = {"Content-Type": "application/n-triples"}


def build(n: int, work: Path) -> Manifest:
    data = work / "data"
    generate.generate(n, 42, data / "editions" / "bench")
    out = work / "build"
    subprocess.run(
        [
            sys.executable,
            "-c",
            "from kg.cli import main; main()",
            "build",
            "--data-dir",
            str(data),
            "--out",
            str(out),
            "--formats",
            "nt",
            "--no-validate",
            "-q",
        ],
        check=True,
        cwd=work,
    )
    return read(out)


class Oxigraph:
    """A fresh ``oxigraph serve`` whose peak resident memory is sampled while it runs."""

    def __init__(self, work: Path) -> None:
        from tests.oxigraph_server import OxigraphServer

        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        self.server = OxigraphServer(work / "oxigraph").start()
        self.peak_kib = 0
        self._watching = True
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        assert self.server.process is not None
        status = Path(f"/proc/{self.server.process.pid}/status")
        while self._watching:
            try:
                for line in status.read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        self.peak_kib = max(self.peak_kib, int(line.split()[1]))
            except OSError:
                return
            time.sleep(0.2)

    def endpoints(self) -> Endpoints:
        s = self.server
        return Endpoints(s.query_url, s.update_url, s.store_url)

    def client(self, timeout: float = 7200) -> StoreClient:
        return StoreClient(self.endpoints(), HttpClient(None, timeout=timeout, retry=RetryPolicy(attempts=1)))

    def stop(self) -> None:
        self._watching = False
        self._thread.join()
        self.server.stop()


def timed(step: Callable[[], object]) -> float:
    t0 = time.monotonic()
    step()
    return time.monotonic() - t0


def changed_build(build: Path, work: Path) -> Path:
    """A copy of the build whose plan graph lacks 1 % of its triples (spread over it), re-hashed."""
    copy = work / "changed"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(build, copy)
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    plan = next(g for g in manifest["graphs"] if g["name"].startswith("plan-"))
    path = copy / plan["ntriples"]
    kept = 0
    with (build / plan["ntriples"]).open("rb") as src, path.open("wb") as dst:
        for i, line in enumerate(src):
            if i % 100 != 99:
                dst.write(line)
                kept += 1
    plan["triples"] = kept
    manifest["sha256"][plan["ntriples"]] = sha256_file(path)
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return copy


METHODS = ("put", "move", "difference", "update", "fresh-bulk", "kg-first", "kg-same", "kg-change")


def oxigraph_method(name: str, manifest: Manifest, work: Path) -> tuple[float, float] | None:
    """Seconds and the server's peak MiB for one method on a fresh server; None if it cannot run."""
    build = manifest.directory or Path()
    plan = next(g for g in manifest.graphs if g.name.startswith("plan-"))
    nt = manifest.ntriples(plan)
    if name == "update" and nt.stat().st_size > 120 << 20:
        print(f"  {name}: skipped (body over Oxigraph's 128 MB update limit)", flush=True)
        return None
    changed = changed_build(build, work) if name == "kg-change" else None
    ox = Oxigraph(work / f"server-{name}")
    try:
        client = ox.client()
        g, staging = plan.iri, plan.iri + STAGING_SUFFIX
        if name in ("put", "move", "difference", "update"):
            client.post_graph(g, nt, bulk=True)  # the graph to replace
        elif name in ("kg-same", "kg-change"):
            publish(build, ox.endpoints())  # the build to replace
        ox.peak_kib = 0

        def put() -> None:
            url = f"{ox.server.store_url}?graph={urllib.parse.quote(g, safe='')}"
            client.http.send("PUT", url, Payload(path=nt), NT)

        def move() -> None:
            client.post_graph(staging, nt, bulk=True)
            client.update(f"MOVE GRAPH {iri_ref(staging)} TO GRAPH {iri_ref(g)}")

        def difference() -> None:
            client.post_graph(staging, nt, bulk=True)
            client.update(difference_swap([plan]))
            client.update(f"DROP SILENT GRAPH {iri_ref(staging)}")

        def update() -> None:
            target = iri_ref(g)
            client.update_payload(
                Payload(f"DROP SILENT GRAPH {target} ;\nINSERT DATA {{ GRAPH {target} {{\n".encode(), nt,
                        b"\n} }\n")
            )

        steps: dict[str, Callable[[], object]] = {
            "put": put,
            "move": move,
            "difference": difference,
            "update": update,
            "fresh-bulk": lambda: client.post_graph(g, nt, bulk=True),
            # kg publish as a user runs it: its default timeout and retries.
            "kg-first": lambda: publish(build, ox.endpoints()),
            "kg-same": lambda: publish(build, ox.endpoints()),
            "kg-change": lambda: publish(changed or build, ox.endpoints()),
        }
        seconds = timed(steps[name])
        expected = read(changed).graphs if changed else manifest.graphs
        want = next(x.triples for x in expected if x.name == plan.name)
        assert client.count(g) == want, (name, client.count(g), want)
        assert client.count(staging) == 0, (name, "staging left")
        mib = ox.peak_kib / 1024
        print(f"  {name}: {seconds:.2f} s, server peak {mib:,.0f} MiB", flush=True)
        return seconds, mib
    finally:
        ox.stop()
        shutil.rmtree(work / f"server-{name}", ignore_errors=True)


def virtuoso_publish(manifest: Manifest, work: Path) -> float | None:
    from tests.virtuoso_server import PASSWORD, USER, VirtuosoServer

    if shutil.which("virtuoso-t") is None:
        return None
    from kg.store.credentials import Credentials

    server = VirtuosoServer(work / "virtuoso").start()
    try:
        server.add_publisher()
        endpoints = Endpoints(server.query_url, server.update_url, server.gsp_url)
        creds = Credentials(USER, PASSWORD)
        publish(manifest.directory or Path(), endpoints, credentials=creds, timeout=600)  # first load
        seconds = timed(
            lambda: publish(manifest.directory or Path(), endpoints, credentials=creds, timeout=600)
        )
        print(f"  virtuoso kg publish --gsp (replace): {seconds:.2f} s", flush=True)
        return seconds
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="1k,3k", help="comma-separated measure counts (1k, 3k, 10k …)")
    p.add_argument("--methods", default=",".join(METHODS), help=f"comma-separated, of {', '.join(METHODS)}")
    p.add_argument("--virtuoso", action="store_true", help="also time kg publish --gsp on Virtuoso")
    p.add_argument("--work", type=Path, help="a folder for builds and servers (default: a temporary one)")
    args = p.parse_args(argv)
    methods = [m for m in args.methods.split(",") if m]
    unknown = sorted(set(methods) - set(METHODS))
    if unknown:
        p.error(f"unknown methods: {', '.join(unknown)}")
    rows = []
    for label in args.sizes.split(","):
        n = parse_size(label)
        with tempfile.TemporaryDirectory(prefix=f"kg-publish-bench-{label}-", dir=args.work) as tmp:
            work = Path(tmp)
            print(f"{label}: generating and building …", flush=True)
            manifest = build(n, work)
            plan = next(g for g in manifest.graphs if g.name.startswith("plan-"))
            row: dict[str, object] = {
                "size": label,
                "plan_triples": plan.triples,
                "build_triples": sum(g.triples for g in manifest.graphs),
                "load_before": os.getloadavg()[0],
            }
            for method in methods:
                result = oxigraph_method(method, manifest, work)
                if result is not None:
                    row[method], row[f"{method} MiB"] = result
            if args.virtuoso:
                row["virtuoso"] = virtuoso_publish(manifest, work)
            rows.append(row)
            _write(rows)
    columns = methods + (["virtuoso"] if args.virtuoso else [])
    print("\n| size | plan triples | " + " | ".join(columns) + " |")
    print("|---|---:|" + "---:|" * len(columns))
    for row in rows:
        cells = []
        for c in columns:
            v = row.get(c)
            mib = row.get(f"{c} MiB")
            if not isinstance(v, float):
                cells.append("–")
            else:
                cells.append(f"{v:.1f} s" + (f", {mib:,.0f} MiB" if isinstance(mib, float) else ""))
        print(f"| {row['size']} | {row['plan_triples']:,} | " + " | ".join(cells) + " |")
    return 0


def _write(rows: list[dict[str, object]]) -> None:
    """The figures so far (written after each size, so a long run that stops keeps what it measured)."""
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "publish.json").write_text(
        json.dumps(
            {
                "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "load": os.getloadavg()},
                "rows": rows,
            },
            indent=1,
        ),
        encoding="utf-8",
    )


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark the ways of replacing a published graph on Oxigraph (and Virtuoso), per size.

For each size (default 1k and 3k measures; ``--sizes 10k`` when you have minutes and gigabytes)
this generates a synthetic edition (bench/generate.py), builds it (N-Triples only) and starts
``oxigraph serve`` on 127.0.0.1 over a fresh folder. The plan graph is first loaded, then
*replaced* by each method in turn, timed, and its triple count checked afterwards:

  put          GSP PUT into the graph (Oxigraph: clear and load, two transactions)
  stage+move   bulk POST into a staging graph, then MOVE GRAPH staging TO graph (what kg does)
  multi-op     the same staging, then one update request with every graph's MOVE (kg publish --gsp:
               all graphs of the build swapped in one transaction); timed for the whole build
  update       one request DROP SILENT GRAPH g ; INSERT DATA { GRAPH g { … } } (kg publish without --gsp)
  fresh-bulk   bulk POST into a graph that does not exist yet (the load alone, no swap: the floor)

and, with ``--virtuoso`` (Debian's virtuoso-opensource, started like the tests start it), kg publish
--gsp through Digest. Prints a Markdown table (seconds; triples per second in brackets) and writes
bench/out/publish.json. The machine and its load matter: say both when quoting figures.

Usage (from the repository root, in the project venv)::

    python bench/publish.py                    # 1k, 3k
    python bench/publish.py --sizes 1k,3k,10k --virtuoso
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.manifest import Manifest, read  # noqa: E402
from kg.publish import Endpoints, HttpClient, Payload, RetryPolicy, StoreClient, publish  # noqa: E402
from kg.publish.publish import STAGING_SUFFIX  # noqa: E402
from kg.publish.store import iri_ref  # noqa: E402

OUT = ROOT / "bench" / "out"
NT = {"Content-Type": "application/n-triples"}


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def size(text: str) -> int:
    return int(text[:-1]) * 1000 if text.endswith("k") else int(text)


def build(n: int, work: Path) -> Manifest:
    data = work / "data"
    _generator().generate(n, 42, data / "editions" / "bench")
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
    def __init__(self, work: Path) -> None:
        sys.path.insert(0, str(ROOT))
        from tests.oxigraph_server import OxigraphServer

        self.server = OxigraphServer(work / "oxigraph").start()

    def client(self, timeout: float = 3600) -> StoreClient:
        s = self.server
        return StoreClient(
            Endpoints(s.query_url, s.update_url, s.store_url),
            HttpClient(None, timeout=timeout, retry=RetryPolicy(attempts=1)),
        )

    def stop(self) -> None:
        self.server.stop()


def timed(step: Callable[[], object]) -> float:
    t0 = time.monotonic()
    step()
    return time.monotonic() - t0


def oxigraph_methods(manifest: Manifest, work: Path) -> dict[str, float]:
    ox = Oxigraph(work)
    try:
        client = ox.client()
        plan = next(g for g in manifest.graphs if g.name.startswith("plan-"))
        nt = manifest.ntriples(plan)
        g, staging = plan.iri, plan.iri + STAGING_SUFFIX
        client.post_graph(g, nt, bulk=True)  # the graph to replace
        assert client.count(g) == plan.triples
        gsp = ox.server.store_url
        results: dict[str, float] = {}

        def put() -> None:
            url = f"{gsp}?graph={urllib.parse.quote(g, safe='')}"
            client.http.send("PUT", url, Payload(path=nt), NT)

        def stage_move() -> None:
            client.update(f"DROP SILENT GRAPH {iri_ref(staging)}")
            client.post_graph(staging, nt, bulk=True)
            client.update(f"MOVE GRAPH {iri_ref(staging)} TO GRAPH {iri_ref(g)}")

        def update() -> None:
            target = iri_ref(g)
            client.update_payload(
                Payload(
                    f"DROP SILENT GRAPH {target} ;\nINSERT DATA {{ GRAPH {target} {{\n".encode(),
                    nt,
                    b"\n} }\n",
                )
            )

        def fresh() -> None:
            client.post_graph(g + "/fresh", nt, bulk=True)

        for name, step in (
            ("put", put),
            ("stage+move", stage_move),
            ("update", update),
            ("fresh-bulk", fresh),
        ):
            if name == "update" and nt.stat().st_size > 120 << 20:
                print(f"  {name}: skipped (body over Oxigraph's 128 MB update limit)", flush=True)
                continue
            results[name] = timed(step)
            check = g + "/fresh" if name == "fresh-bulk" else g
            assert client.count(check) == plan.triples, (name, client.count(check), plan.triples)
            print(f"  {name}: {results[name]:.2f} s", flush=True)
        client.update(f"DROP SILENT GRAPH {iri_ref(g + '/fresh')}")
        results["multi-op"] = timed(
            lambda: publish(
                manifest.directory or Path(),
                Endpoints(ox.server.query_url, ox.server.update_url, ox.server.store_url),
                timeout=600,
            )
        )
        print(f"  multi-op (kg publish --gsp, whole build): {results['multi-op']:.2f} s", flush=True)
        return results
    finally:
        ox.stop()


def virtuoso_publish(manifest: Manifest, work: Path) -> float | None:
    sys.path.insert(0, str(ROOT))
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
    p.add_argument("--virtuoso", action="store_true", help="also time kg publish --gsp on Virtuoso")
    args = p.parse_args(argv)
    rows = []
    for label in args.sizes.split(","):
        n = size(label)
        with tempfile.TemporaryDirectory(prefix=f"kg-publish-bench-{label}-") as tmp:
            work = Path(tmp)
            print(f"{label}: generating and building …", flush=True)
            manifest = build(n, work)
            plan = next(g for g in manifest.graphs if g.name.startswith("plan-"))
            row: dict[str, object] = {
                "size": label,
                "plan_triples": plan.triples,
                "build_triples": sum(g.triples for g in manifest.graphs),
            }
            row.update(oxigraph_methods(manifest, work))
            if args.virtuoso:
                row["virtuoso"] = virtuoso_publish(manifest, work)
            rows.append(row)
    columns = ["put", "stage+move", "multi-op", "update", "fresh-bulk"] + (
        ["virtuoso"] if args.virtuoso else []
    )
    print("\n| size | plan triples | " + " | ".join(columns) + " |")
    print("|---|---:|" + "---:|" * len(columns))
    for row in rows:
        cells = []
        for c in columns:
            v = row.get(c)
            if not isinstance(v, float):
                cells.append("–")
                continue
            triples = row["build_triples"] if c in ("multi-op", "virtuoso") else row["plan_triples"]
            assert isinstance(triples, int)
            cells.append(f"{v:.2f} s ({triples / v:,.0f}/s)")
        print(f"| {row['size']} | {row['plan_triples']:,} | " + " | ".join(cells) + " |")
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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

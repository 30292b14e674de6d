"""Benchmark what users run: the default ``kg build`` (every format, SHACL on), its stages, and peers.

For each size (default 1k, 10k, 100k measures) this generates a synthetic
edition with bench/generate.py (cached under bench/out/data/), then runs, each
in a fresh child process, interleaved (every tool once, then again for
``--repeat``), so that ratios hold on a noisy machine:

  kg            kg build --data-dir <dir> --out <tmp>            (the default build)
  kg-nt         kg build … --formats nt --no-validate            (read, normalise, map, N-Triples)
  stages        kg's Turtle, TriG and JSON-LD writers, each alone, on the default build's
                N-Triples (bench/stages.py), and ``kg validate`` of that build
  floor         pyoxigraph parsing and re-writing kg's own output, per format (bench/stages.py)
  morph         Morph-KGC writing kg's plan graph from long, normalised CSV tables with a
                generated RML mapping (bench/tables.py); its output is compared with kg's
                graph for isomorphism at 1k
  morph-rows    Morph-KGC on the flat rows.csv with bench/mapping.rml.ttl (the earlier baseline)

and once the bundled edition (``kg build``) and start-up (``kg --help``,
``kg query --list``).

Wall time is measured around the command; peak memory is the larger of the
child's ``ru_maxrss`` and the peak of the process tree's summed PSS, sampled
from /proc (kg's and Morph-KGC's worker processes count). The 1-minute load
average before each run is recorded: the machine may be shared.

Prints a Markdown table and PASS/FAIL lines for the targets (bench/report.py),
and writes bench/out/results.json. The targets are checked here, never in a timed test.

    python bench/run.py                       # 1k, 10k, 100k, every tool
    python bench/run.py --sizes 1k,10k --tools kg,stages,floor
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402  (bench/generate.py)
import tables  # noqa: E402  (bench/tables.py)
from cache import count_triples, dataset, parse_size, sha256  # noqa: E402
from jena import jena_classpath, jena_counts, jena_heap_mib  # noqa: E402
from measure import measure_main  # noqa: E402
from report import FLOORS, Run, add_growth, check_targets, label, table  # noqa: E402

DEFAULT_SIZES = "1k,10k,100k"
TOOLS = ("kg", "kg-nt", "stages", "floor", "jena", "morph", "morph-rows", "bundled", "startup")
WRITERS = ("ttl", "trig", "jsonld")
MIB = 2**20
ISOMORPHISM_AT = 1000


# --------------------------------------------------------------------------
# Runs


@dataclass
class Job:
    """One command to time: which tool, at which size, what it writes, whether to count its triples."""

    size: str
    tool: str
    command: list[str]
    run_dir: Path
    output: Path | None
    count: bool = False
    measures: int | None = None


def measure(cmd: list[str], run_dir: Path, timeout: float, cwd: Path = REPO) -> dict[str, Any]:
    result = run_dir / "measure.json"
    log = run_dir / "log.txt"
    wrapper = [
        sys.executable,
        str(Path(__file__).resolve()),
        "_measure",
        str(result),
        str(log),
        str(timeout),
        "--",
    ]
    subprocess.run(wrapper + cmd, cwd=cwd, check=True)
    measured: dict[str, Any] = json.loads(result.read_text())
    return measured


def once(job: Job, timeout: float) -> dict[str, Any]:
    job.run_dir.mkdir(parents=True, exist_ok=True)
    if job.output is not None and job.output.exists():
        shutil.rmtree(job.output) if job.output.is_dir() else job.output.unlink()
    load = os.getloadavg()[0]
    m = measure(job.command, job.run_dir, timeout)
    m["load"] = load
    if m["returncode"] == 0 and not m["timed_out"] and job.count and job.output is not None:
        files = sorted(job.output.rglob("*.nt")) if job.output.is_dir() else [job.output]
        m["triples"] = count_triples([f for f in files if f.is_file()])
    return m


def summarise(job: Job, results: list[dict[str, Any]]) -> Run:
    run = Run(
        size=job.size,
        tool=job.tool,
        status="ok",
        measures=job.measures,
        command=job.command,
        log=str(job.run_dir / "log.txt"),
    )
    bad = [r for r in results if r["timed_out"] or r["returncode"] != 0]
    if bad:
        run.status = "timeout" if bad[0]["timed_out"] else "failed"
        run.note = f"exit {bad[0]['returncode']}; see {run.log}"
    walls = [r["wall_s"] for r in results]
    run.walls_s = [round(w, 3) for w in walls]
    run.wall_s = statistics.median(walls)
    run.maxrss_mib = max(r["maxrss_kib"] for r in results) / 1024
    run.tree_peak_mib = max(r["tree_peak_kib"] for r in results) / 1024
    run.peak_mib = max(run.maxrss_mib, run.tree_peak_mib)
    run.cpu_s = statistics.median(r["user_s"] + r["sys_s"] for r in results)
    run.load = [round(r["load"], 2) for r in results]
    counted = [r["triples"] for r in results if "triples" in r]
    if counted:
        run.triples = counted[-1]
        run.triples_per_s = run.triples / run.wall_s if run.wall_s else None
    return run


def kg_command(args: argparse.Namespace) -> list[str] | None:
    """The kg command, or None when ``kg build`` is not available."""
    if args.kg:
        cmd: list[str] = args.kg.split()
    else:
        beside = Path(sys.executable).parent / "kg"
        found = str(beside) if beside.exists() else shutil.which("kg")
        if not found:
            return None
        cmd = [found]
    try:
        probe = subprocess.run([*cmd, "build", "--help"], capture_output=True, cwd=REPO, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return cmd if probe.returncode == 0 else None


def morph_available(python: str) -> str | None:
    """Morph-KGC's version, or None."""
    try:
        probe = subprocess.run(
            [python, "-c", "import morph_kgc, importlib.metadata as m; print(m.version('morph-kgc'))"],
            capture_output=True,
            text=True,
            timeout=120,
        )
    except OSError:
        return None
    return probe.stdout.strip() if probe.returncode == 0 else None


def long_tables(n: int, seed: int, out: Path, kg: list[str], data: Path, timeout: float) -> Path:
    """The long tables and mapping for size n (cached): from a kg N-Triples build of the same edition."""
    root = out / "tables" / f"n{n}-s{seed}"
    mapping = root / "mapping.rml.ttl"
    stamp = {
        "edition": sha256(data / "editions" / str(generate.YEAR) / generate.EDITION_TXT),
        "tables": sha256(BENCH / "tables.py"),
    }
    stamp_path = root / "stamp.json"
    if stamp_path.exists() and mapping.exists() and json.loads(stamp_path.read_text()) == stamp:
        return mapping
    shutil.rmtree(root, ignore_errors=True)
    build = root / "build"
    job = Job(
        str(n),
        "tables",
        [*kg, "build", "--data-dir", str(data), "--out", str(build), "--formats", "nt", "--no-validate"],
        root / "kg",
        build,
    )
    m = once(job, timeout)
    if m["returncode"] != 0:
        raise SystemExit(f"kg build for the long tables failed: see {job.run_dir / 'log.txt'}")
    tables.export(plan_graph(build), root / "csv")
    shutil.copy(root / "csv" / "mapping.rml.ttl", mapping)
    shutil.copy(plan_graph(build), root / "kg-plan.nt")
    shutil.rmtree(build)
    stamp_path.write_text(json.dumps(stamp, indent=2))
    return mapping


def plan_graph(build: Path) -> Path:
    [plan] = sorted(build.glob("plan-*.nt"))
    return plan


def isomorphism(kg_plan: Path, morph_output: Path) -> dict[str, Any]:
    a, b = tables.triples(kg_plan), tables.triples(morph_output)
    return {
        "isomorphic": a == b,
        "detail": f"kg {len(a):,} triples, Morph-KGC {len(b):,}, "
        f"{len(a - b):,} only in kg, {len(b - a):,} only in Morph-KGC",
    }


def jobs_for(
    n: int,
    data: Path,
    tools: list[str],
    kg: list[str] | None,
    morph: str | None,
    a: argparse.Namespace,
    runs_dir: Path,
) -> list[Job]:
    """The commands to time at size n, in the order they run (the stages read the default build)."""
    size, jobs = str(n), []
    edition = data / "editions" / str(generate.YEAR)
    build = runs_dir / f"kg-{label(n)}" / "build"
    py = sys.executable
    if kg and ("kg" in tools or "stages" in tools or "floor" in tools):
        jobs.append(
            Job(
                size,
                "kg",
                [*kg, "build", "--data-dir", str(data), "--out", str(build)],
                build.parent,
                build,
                count=True,
                measures=n,
            )
        )
    if kg and "kg-nt" in tools:
        out = runs_dir / f"kg-nt-{label(n)}" / "build"
        jobs.append(
            Job(
                size,
                "kg-nt",
                [
                    *kg,
                    "build",
                    "--data-dir",
                    str(data),
                    "--out",
                    str(out),
                    "--formats",
                    "nt",
                    "--no-validate",
                ],
                out.parent,
                out,
                True,
                n,
            )
        )
    if kg and "stages" in tools:
        for stage in WRITERS:
            d = runs_dir / f"{stage}-{label(n)}"
            jobs.append(
                Job(
                    size,
                    f"kg {stage}",
                    [py, str(BENCH / "stages.py"), stage, str(build), str(d / "out")],
                    d,
                    d / "out",
                    measures=n,
                )
            )
        d = runs_dir / f"validate-{label(n)}"
        jobs.append(
            Job(
                size,
                "kg validate",
                [*kg, "validate", str(build), "--format", "json", "-o", str(d / "report.json")],
                d,
                None,
                measures=n,
            )
        )
    if kg and "jena" in tools and jena_classpath(a.out.resolve()):
        d = runs_dir / f"jena-{label(n)}"
        shapes = " ".join(str(f) for f in sorted((REPO / "shapes").glob("*.ttl")))
        java = f"java -Xmx{jena_heap_mib()}m -cp {jena_classpath(a.out.resolve())} shacl.shacl validate"
        script = (
            f"cat {shapes} > {d}/shapes.ttl && cat {build}/*.nt > {d}/data.nt && "
            f"exec {java} --shapes {d}/shapes.ttl --data {d}/data.nt"
        )
        jobs.append(Job(size, "jena shacl", ["sh", "-c", script], d, None, measures=n))
    if kg and "floor" in tools:
        for stage in FLOORS:
            d = runs_dir / f"{stage}-{label(n)}"
            jobs.append(
                Job(
                    size,
                    stage,
                    [py, str(BENCH / "stages.py"), stage, str(build), str(d / "out")],
                    d,
                    d / "out",
                    measures=n,
                )
            )
    if morph and kg and "morph" in tools:
        d = runs_dir / f"morph-{label(n)}"
        mapping = long_tables(n, a.seed, a.out.resolve(), kg, data, a.timeout)
        config = tables.morph_config(
            mapping, d / "morph-kgc.nt", a.morph_processes, mapping.parent / "config.ini"
        )
        jobs.append(
            Job(
                size,
                "morph",
                [a.morph_python, "-m", "morph_kgc", str(config)],
                d,
                d / "morph-kgc.nt",
                True,
                n,
            )
        )
    if morph and "morph-rows" in tools:
        d = runs_dir / f"morph-rows-{label(n)}"
        config = tables.rows_config(d, edition / generate.ROWS_CSV, d / "morph-kgc.nt", a.morph_processes)
        jobs.append(
            Job(
                size,
                "morph-rows",
                [a.morph_python, "-m", "morph_kgc", str(config)],
                d,
                d / "morph-kgc.nt",
                True,
                n,
            )
        )
    return jobs


def validate_counts(report: Path) -> dict[str, int]:
    counts: dict[str, int] = json.loads(report.read_text(encoding="utf-8"))["counts"]
    return counts


def run_jobs(jobs: list[Job], repeat: int, timeout: float) -> dict[int, list[dict[str, Any]]]:
    """Every job once, in order, then again (``repeat`` rounds): interleaved, so ratios hold."""
    results: dict[int, list[dict[str, Any]]] = {i: [] for i in range(len(jobs))}
    for _round in range(repeat):
        for i, job in enumerate(jobs):
            m = once(job, timeout)
            results[i].append(m)
            status = "ok" if m["returncode"] == 0 and not m["timed_out"] else f"exit {m['returncode']}"
            print(
                f"  {job.tool:14} {status:8} wall {m['wall_s']:8.2f} s  peak "
                f"{max(m['maxrss_kib'], m['tree_peak_kib']) / 1024:7.0f} MiB  load {m['load']:.1f}",
                flush=True,
            )
    return results


# --------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_measure"]:
        return measure_main(argv[1:])
    p = argparse.ArgumentParser(description="Benchmark the default kg build, its stages and its peers.")
    p.add_argument(
        "--sizes", default=DEFAULT_SIZES, help=f"comma-separated measure counts (default {DEFAULT_SIZES})"
    )
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--tools", default=",".join(TOOLS), help=f"subset of {','.join(TOOLS)}")
    p.add_argument("--out", type=Path, default=BENCH / "out", help="cache and results directory (bench/out)")
    p.add_argument("--kg", help="kg command (default: kg beside this Python, else on PATH)")
    p.add_argument("--morph-python", default=sys.executable, help="Python with morph_kgc installed")
    p.add_argument("--morph-processes", type=int, help="Morph-KGC number_of_processes (default: its own)")
    p.add_argument("--repeat", type=int, default=1, help="rounds of runs; the median wall time is kept")
    p.add_argument("--timeout", type=float, default=3600, help="seconds per run before it is killed")
    p.add_argument("--regenerate", action="store_true", help="regenerate cached synthetic editions")
    p.add_argument("--keep-output", action="store_true", help="keep the builds and outputs of the runs")
    p.add_argument("--strict", action="store_true", help="exit 1 when a target FAILs")
    a = p.parse_args(argv)

    sizes = sorted({parse_size(s) for s in a.sizes.split(",") if s.strip()})
    tools = [t.strip() for t in a.tools.split(",") if t.strip()]
    unknown = set(tools) - set(TOOLS)
    if unknown:
        p.error(f"unknown tools: {', '.join(sorted(unknown))}")
    out: Path = a.out.resolve()
    runs_dir = out / "runs"
    out.mkdir(parents=True, exist_ok=True)
    kg = kg_command(a)
    morph = morph_available(a.morph_python) if {"morph", "morph-rows"} & set(tools) else None
    if not kg:
        print("kg build not available: kg runs are skipped", flush=True)
    if {"morph", "morph-rows"} & set(tools) and not morph:
        print(f"Morph-KGC not importable with {a.morph_python}: morph runs are skipped", flush=True)

    runs: list[Run] = []
    isomorphic: dict[str, Any] = {}
    same: dict[str, Any] = {}  # results per severity: kg validate and Jena
    for n in sizes:
        print(f"== {label(n)} measures", flush=True)
        data = dataset(n, a.seed, out, a.regenerate)
        jobs = jobs_for(n, data, tools, kg, morph, a, runs_dir)
        results = run_jobs(jobs, a.repeat, a.timeout)
        for i, job in enumerate(jobs):
            if job.tool == "kg" and "kg" not in tools:
                continue  # built only for the stages
            runs.append(summarise(job, results[i]))
        jena_job = next((j for j in jobs if j.tool == "jena shacl"), None)
        validate_job = next((j for j in jobs if j.tool == "kg validate"), None)
        if jena_job and validate_job and (validate_job.run_dir / "report.json").exists():
            same[label(n)] = {
                "kg validate": validate_counts(validate_job.run_dir / "report.json"),
                "jena": jena_counts(jena_job.run_dir / "log.txt"),
            }
            print(f"  results at {label(n)}: {same[label(n)]}", flush=True)
            for name in ("data.nt", "shapes.ttl"):
                (jena_job.run_dir / name).unlink(missing_ok=True)
        morph_job = next((j for j in jobs if j.tool == "morph"), None)
        if n == ISOMORPHISM_AT and morph_job and morph_job.output and morph_job.output.exists():
            kg_plan = out / "tables" / f"n{n}-s{a.seed}" / "kg-plan.nt"
            isomorphic[label(n)] = isomorphism(kg_plan, morph_job.output)
            print(f"  isomorphism at {label(n)}: {isomorphic[label(n)]}", flush=True)
        if not a.keep_output:
            for job in jobs:
                if job.output is not None and job.output.exists():
                    shutil.rmtree(job.output) if job.output.is_dir() else job.output.unlink()
    if kg and "bundled" in tools:
        print("== bundled edition", flush=True)
        d = runs_dir / "bundled"
        job = Job("bundled", "kg (bundled)", [*kg, "build", "--out", str(d / "build")], d, d / "build", True)
        runs.append(summarise(job, run_jobs([job], a.repeat, a.timeout)[0]))
    if kg and "startup" in tools:
        print("== start-up", flush=True)
        jobs = [
            Job("startup", f"kg {' '.join(args)}", [*kg, *args], runs_dir / f"startup-{i}", None)
            for i, args in enumerate((["--help"], ["query", "--list"]))
        ]
        results = run_jobs(jobs, max(3, a.repeat), a.timeout)
        runs += [summarise(job, results[i]) for i, job in enumerate(jobs)]

    add_growth(runs)
    targets = check_targets(runs, sizes, isomorphic, same)
    print()
    print(table(runs))
    print()
    for t in targets:
        print(f"{t['result']}: {t['target']} — {t['detail']}")
    results_doc = {
        "meta": {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_at_end": os.getloadavg(),
            "seed": a.seed,
            "sizes": sizes,
            "kg_command": kg,
            "morph_kgc_version": morph,
            "morph_processes": a.morph_processes,
            "repeat": a.repeat,
            "peak_memory": "max(ru_maxrss of the child, sampled summed PSS of its process tree)",
        },
        "runs": [asdict(r) for r in runs],
        "isomorphism": isomorphic,
        "validation_results": same,
        "targets": targets,
    }
    path = out / "results.json"
    path.write_text(json.dumps(results_doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwrote {path}")
    return 1 if a.strict and any(t["result"] == "FAIL" for t in targets) else 0


if __name__ == "__main__":
    raise SystemExit(main())

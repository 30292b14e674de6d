"""Benchmark ``kg build`` against Morph-KGC on synthetic editions.

For each size (default 1k, 10k, 100k measures) this generates a synthetic
edition with bench/generate.py (cached under bench/out/data/), then times
in a fresh child process per run:

  kg       kg build --data-dir <dir> --out <tmp> --formats nt --no-validate
  morph    python -m morph_kgc <config>   (bench/mapping.rml.ttl over rows.csv)

and once the bundled edition (``kg build --out <tmp>``, default data).

Wall time is measured around the command; peak memory is the larger of the
child's ``ru_maxrss`` (getrusage RUSAGE_CHILDREN in a fresh wrapper process,
so runs do not pollute each other) and the peak of the process tree's
summed proportional set size (PSS), sampled from /proc: Morph-KGC forks
worker processes, whose memory ru_maxrss would not add up.

Prints a Markdown table and PASS/FAIL lines for the targets, and writes
bench/out/results.json. The targets are checked here, never in a timed test.

Usage (from the repository root, in a venv with kg and morph-kgc)::

    python bench/run.py                       # 1k, 10k, 100k
    python bench/run.py --sizes 1k,10k --tools kg,morph
"""

from __future__ import annotations

import argparse
import configparser
import contextlib
import hashlib
import itertools
import json
import os
import platform
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402  (bench/generate.py)

DEFAULT_SIZES = "1k,10k,100k"
TOOLS = ("kg", "morph", "bundled")
MIB = 2**20

# Targets (checked by this script only).
TARGET_PEAK_MIB = 1024.0
TARGET_GROWTH = 11.0
TARGET_BUNDLED_S = 2.0
GROWTH_FROM, GROWTH_TO = 10_000, 100_000


# --------------------------------------------------------------------------
# The measuring wrapper: ``run.py _measure RESULT LOG TIMEOUT -- CMD...``
# runs CMD in a new session, samples the tree's PSS, writes RESULT (JSON).


def _tree_pss_kib(root: int) -> int:
    """Summed proportional set size (KiB) of ``root`` and all its descendants.

    PSS, not RSS: Morph-KGC's forked workers share copy-on-write pages with
    their parent, which a sum of RSS would count several times. Falls back
    to VmRSS where smaps_rollup is missing.
    """
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        # the command name may contain spaces or parentheses: split after the last ')'
        fields = stat[stat.rfind(b")") + 2 :].split()
        parents[int(entry.name)] = int(fields[1])
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid and child not in tree:
                tree.add(child)
                frontier.append(child)
    total = 0
    for pid in tree:
        for name, key in (("smaps_rollup", b"Pss:"), ("status", b"VmRSS:")):
            try:
                with open(f"/proc/{pid}/{name}", "rb") as f:
                    value = next((int(line.split()[1]) for line in f if line.startswith(key)), None)
            except OSError:
                continue
            if value is not None:
                total += value
                break
    return total


def _measure_main(argv: list[str]) -> int:
    result_path, log_path, timeout_s = argv[0], argv[1], float(argv[2])
    cmd = argv[argv.index("--") + 1 :]
    timed_out = False
    peak_tree = 0
    with open(log_path, "wb") as log:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        interval = 0.01
        while proc.poll() is None:
            with contextlib.suppress(OSError, ValueError, IndexError):  # a process that just exited
                peak_tree = max(peak_tree, _tree_pss_kib(proc.pid))
            if time.perf_counter() - t0 > timeout_s:
                timed_out = True
                os.killpg(proc.pid, signal.SIGKILL)  # the session we started, nothing else
                proc.wait()
                break
            time.sleep(interval)
            interval = min(0.1, interval * 1.5)
        wall = time.perf_counter() - t0
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    Path(result_path).write_text(
        json.dumps(
            {
                "returncode": proc.returncode,
                "timed_out": timed_out,
                "wall_s": wall,
                "maxrss_kib": ru.ru_maxrss,  # KiB on Linux
                "tree_peak_kib": peak_tree,
                "user_s": ru.ru_utime,
                "sys_s": ru.ru_stime,
            }
        )
    )
    return 0


# --------------------------------------------------------------------------
# Runs


@dataclass
class Run:
    size: str  # "1000", "10000", … or "bundled"
    tool: str
    status: str  # ok | failed | timeout | not available
    measures: int | None = None
    wall_s: float | None = None
    walls_s: list[float] = field(default_factory=list)
    peak_mib: float | None = None
    maxrss_mib: float | None = None
    tree_peak_mib: float | None = None
    cpu_s: float | None = None
    triples: int | None = None
    triples_per_s: float | None = None
    growth: float | None = None
    growth_from: str | None = None
    command: list[str] = field(default_factory=list)
    log: str | None = None
    note: str | None = None


def parse_size(text: str) -> int:
    t = text.strip().lower().replace("_", "")
    mult = 1
    if t.endswith("k"):
        mult, t = 1000, t[:-1]
    elif t.endswith("m"):
        mult, t = 1_000_000, t[:-1]
    return int(float(t) * mult)


def label(n: int) -> str:
    return f"{n // 1000}k" if n >= 1000 and n % 1000 == 0 else str(n)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def dataset(n: int, seed: int, out: Path, regenerate: bool) -> Path:
    """The cached data dir for n measures: <cache>/data with editions/2099/ and links to the rest."""
    root = out / "data" / f"n{n}-s{seed}"
    data = root / "data"
    edition = data / "editions" / str(generate.YEAR)
    stamp = {
        "measures": n,
        "seed": seed,
        "generator": _sha256(Path(generate.__file__)),
        "source": _sha256(generate.DEFAULT_SOURCE),
        "layout": _sha256(generate.layout_toml(generate.DEFAULT_SOURCE)),
    }
    stamp_path = root / "stamp.json"
    fresh = (
        not regenerate
        and stamp_path.exists()
        and json.loads(stamp_path.read_text()) == stamp
        and (edition / generate.EDITION_TXT).exists()
    )
    if not fresh:
        if root.exists():
            shutil.rmtree(root)
        t0 = time.perf_counter()
        generate.generate(n, seed, edition)
        print(f"  generated {label(n)} measures in {time.perf_counter() - t0:.1f} s -> {edition}", flush=True)
        # everything else kg may read (reference tables, curated fixes) comes from the repo
        for entry in sorted((REPO / "data").iterdir()):
            if entry.name != "editions":
                (data / entry.name).symlink_to(entry.resolve(), target_is_directory=entry.is_dir())
        stamp_path.write_text(json.dumps(stamp, indent=2))
    return data


def count_triples(paths: list[Path]) -> int:
    n = 0
    for p in paths:
        with p.open("rb") as f:
            for line in f:
                s = line.strip()
                if s and not s.startswith(b"#"):
                    n += 1
    return n


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


def execute(
    tool: str,
    size: str,
    cmd: list[str],
    run_dir: Path,
    outputs: Path,
    args: argparse.Namespace,
    measures: int | None,
) -> Run:
    run = Run(size=size, tool=tool, status="ok", measures=measures, command=cmd, log=str(run_dir / "log.txt"))
    results = []
    for _ in range(args.repeat):
        if outputs.exists():
            shutil.rmtree(outputs) if outputs.is_dir() else outputs.unlink()
        m = measure(cmd, run_dir, args.timeout)
        results.append(m)
        if m["timed_out"] or m["returncode"] != 0:
            break
    last = results[-1]
    if last["timed_out"]:
        run.status = "timeout"
    elif last["returncode"] != 0:
        run.status = "failed"
        run.note = f"exit {last['returncode']}; see {run.log}"
    walls = [r["wall_s"] for r in results]
    run.walls_s = [round(w, 3) for w in walls]
    run.wall_s = statistics.median(walls)
    run.maxrss_mib = max(r["maxrss_kib"] for r in results) / 1024
    run.tree_peak_mib = max(r["tree_peak_kib"] for r in results) / 1024
    run.peak_mib = max(run.maxrss_mib, run.tree_peak_mib)
    run.cpu_s = statistics.median(r["user_s"] + r["sys_s"] for r in results)
    if run.status == "ok":
        files = sorted(outputs.rglob("*.nt")) if outputs.is_dir() else [outputs]
        run.triples = count_triples([f for f in files if f.is_file()])
        run.triples_per_s = run.triples / run.wall_s if run.wall_s else None
        if not args.keep_output:
            shutil.rmtree(outputs) if outputs.is_dir() else outputs.unlink()
    return run


def kg_command(args: argparse.Namespace) -> list[str] | None:
    """The kg command, or None when ``kg build`` is not available."""
    if args.kg:
        cmd = args.kg.split()
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


def morph_config(run_dir: Path, rows_csv: Path, output: Path, processes: int | None) -> Path:
    cfg = configparser.ConfigParser(interpolation=None)
    cfg.optionxform = str  # type: ignore[assignment,method-assign]
    cfg.read(BENCH / "morph-kgc.ini", encoding="utf-8")
    cfg["DEFAULT"]["rows_csv"] = str(rows_csv)
    cfg["DEFAULT"]["output"] = str(output)
    cfg["DEFAULT"]["mapping"] = str(BENCH / "mapping.rml.ttl")
    if processes:
        cfg["CONFIGURATION"]["number_of_processes"] = str(processes)
    path = run_dir / "config.ini"
    with path.open("w", encoding="utf-8") as f:
        cfg.write(f)
    return path


# --------------------------------------------------------------------------
# Report


def _fmt(x: float | int | None, spec: str) -> str:
    return "—" if x is None else format(x, spec)


def table(runs: list[Run], inputs: dict[str, float]) -> str:
    lines = [
        "| size | tool | input MiB | wall s | peak MiB | triples | triples/s | growth × | status |",
        "|---|---|--:|--:|--:|--:|--:|--:|---|",
    ]
    for r in runs:
        size = label(int(r.size)) if r.size.isdigit() else r.size
        growth = f"{r.growth:.2f} ({r.growth_from}→{size})" if r.growth is not None else "—"
        mib = inputs.get(f"{r.size}:{r.tool}")
        lines.append(
            f"| {size} | {r.tool} | {_fmt(mib, '.1f')} | {_fmt(r.wall_s, '.2f')} "
            f"| {_fmt(r.peak_mib, '.0f')} | {_fmt(r.triples, ',')} | {_fmt(r.triples_per_s, ',.0f')} "
            f"| {growth} | {r.status}{' (' + r.note + ')' if r.note and r.status != 'ok' else ''} |"
        )
    return "\n".join(lines)


def add_growth(runs: list[Run]) -> None:
    for tool in ("kg", "morph"):
        sized = sorted(
            (int(r.size), r) for r in runs if r.tool == tool and r.size.isdigit() and r.status == "ok"
        )
        for (n0, r0), (_, r1) in itertools.pairwise(sized):
            if r0.wall_s and r1.wall_s:
                r1.growth = r1.wall_s / r0.wall_s
                r1.growth_from = label(n0)


def check_targets(runs: list[Run], sizes: list[int]) -> list[dict[str, Any]]:
    def get(tool: str, n: int) -> Run | None:
        return next((r for r in runs if r.tool == tool and r.size == str(n)), None)

    def ok(r: Run | None) -> bool:
        return r is not None and r.status == "ok" and r.wall_s is not None

    def why(r: Run | None, what: str) -> str:
        return f"not measured: {what} {'not run' if r is None else r.status}"

    big = GROWTH_TO if GROWTH_TO in sizes else max(sizes)
    out: list[dict[str, Any]] = []

    def add(name: str, passed: bool, detail: str) -> None:
        out.append({"target": name, "result": "PASS" if passed else "FAIL", "detail": detail})

    kg_big, morph_big = get("kg", big), get("morph", big)
    name = f"at {label(big)} kg N-Triples faster than Morph-KGC"
    if ok(kg_big) and ok(morph_big):
        assert kg_big and morph_big and kg_big.wall_s and morph_big.wall_s
        add(
            name,
            kg_big.wall_s < morph_big.wall_s,
            f"kg {kg_big.wall_s:.2f} s vs Morph-KGC {morph_big.wall_s:.2f} s",
        )
    else:
        add(name, False, why(kg_big, "kg") if not ok(kg_big) else why(morph_big, "Morph-KGC"))

    name = f"at {label(big)} kg peak memory < {TARGET_PEAK_MIB:.0f} MiB"
    if ok(kg_big):
        assert kg_big and kg_big.peak_mib is not None
        add(name, kg_big.peak_mib < TARGET_PEAK_MIB, f"{kg_big.peak_mib:.0f} MiB")
    else:
        add(name, False, why(kg_big, "kg"))

    name = f"kg growth {label(GROWTH_FROM)}→{label(GROWTH_TO)} ≤ {TARGET_GROWTH:g}×"
    a, b = get("kg", GROWTH_FROM), get("kg", GROWTH_TO)
    if ok(a) and ok(b):
        assert a and b and a.wall_s and b.wall_s
        g = b.wall_s / a.wall_s
        add(name, g <= TARGET_GROWTH, f"{g:.2f}× ({a.wall_s:.2f} s → {b.wall_s:.2f} s)")
    else:
        add(name, False, why(a, "kg 10k") if not ok(a) else why(b, "kg 100k"))

    name = f"bundled edition kg build < {TARGET_BUNDLED_S:g} s"
    c = next((r for r in runs if r.size == "bundled"), None)
    if ok(c):
        assert c and c.wall_s is not None
        add(name, c.wall_s < TARGET_BUNDLED_S, f"{c.wall_s:.2f} s")
    else:
        add(name, False, why(c, "bundled build"))
    return out


# --------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_measure"]:
        return _measure_main(argv[1:])
    p = argparse.ArgumentParser(description="Benchmark kg build against Morph-KGC.")
    p.add_argument(
        "--sizes", default=DEFAULT_SIZES, help=f"comma-separated measure counts (default {DEFAULT_SIZES})"
    )
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--tools", default=",".join(TOOLS), help="subset of kg,morph,bundled")
    p.add_argument("--out", type=Path, default=BENCH / "out", help="cache and results directory (bench/out)")
    p.add_argument("--kg", help="kg command (default: kg beside this Python, else on PATH)")
    p.add_argument(
        "--kg-args",
        default="--formats nt --no-validate",
        help="extra kg build args for synthetic sizes (write --kg-args=..., with '=')",
    )
    p.add_argument(
        "--bundled-args",
        default="",
        help="extra kg build args for the bundled edition (--bundled-args=--no-validate)",
    )
    p.add_argument("--morph-python", default=sys.executable, help="Python with morph_kgc installed")
    p.add_argument("--morph-processes", type=int, help="Morph-KGC number_of_processes (default: its own)")
    p.add_argument("--repeat", type=int, default=1, help="runs per measurement; the median wall time is kept")
    p.add_argument("--timeout", type=float, default=3600, help="seconds per run before it is killed")
    p.add_argument("--regenerate", action="store_true", help="regenerate cached synthetic editions")
    p.add_argument("--keep-output", action="store_true", help="keep the generated N-Triples")
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

    kg = kg_command(a) if {"kg", "bundled"} & set(tools) else None
    morph_version = morph_available(a.morph_python) if "morph" in tools else None
    if not kg and {"kg", "bundled"} & set(tools):
        print("kg build not available: kg runs are skipped", flush=True)
    if "morph" in tools and not morph_version:
        print(f"Morph-KGC not importable with {a.morph_python}: morph runs are skipped", flush=True)

    runs: list[Run] = []
    inputs: dict[str, float] = {}
    for n in sizes if {"kg", "morph"} & set(tools) else []:
        print(f"== {label(n)} measures", flush=True)
        data = dataset(n, a.seed, out, a.regenerate)
        edition = data / "editions" / str(generate.YEAR)
        for tool in tools:
            if tool == "bundled":
                continue
            run_dir = runs_dir / f"{tool}-{label(n)}"
            run_dir.mkdir(parents=True, exist_ok=True)
            if tool == "kg":
                inputs[f"{n}:kg"] = (edition / generate.EDITION_TXT).stat().st_size / MIB
                if not kg:
                    runs.append(Run(str(n), "kg", "not available", n, note="kg build not available"))
                    continue
                target = run_dir / "build"
                cmd = [*kg, "build", "--data-dir", str(data), "--out", str(target), *a.kg_args.split()]
            else:
                rows = edition / generate.ROWS_CSV
                inputs[f"{n}:morph"] = rows.stat().st_size / MIB
                if not morph_version:
                    runs.append(Run(str(n), "morph", "not available", n, note="morph_kgc not importable"))
                    continue
                target = run_dir / "morph-kgc.nt"
                config = morph_config(run_dir, rows, target, a.morph_processes)
                cmd = [a.morph_python, "-m", "morph_kgc", str(config)]
            run = execute(tool, str(n), cmd, run_dir, target, a, n)
            runs.append(run)
            print(
                f"  {tool:6} {run.status:8} wall {_fmt(run.wall_s, '.2f')} s"
                f"  peak {_fmt(run.peak_mib, '.0f')} MiB  triples {_fmt(run.triples, ',')}",
                flush=True,
            )
    if "bundled" in tools:
        print("== bundled edition", flush=True)
        if not kg:
            runs.append(Run("bundled", "kg (bundled)", "not available", note="kg build not available"))
        else:
            run_dir = runs_dir / "bundled"
            run_dir.mkdir(parents=True, exist_ok=True)
            target = run_dir / "build"
            cmd = [*kg, "build", "--out", str(target), *a.bundled_args.split()]
            run = execute("kg (bundled)", "bundled", cmd, run_dir, target, a, None)
            runs.append(run)
            print(f"  kg     {run.status:8} wall {_fmt(run.wall_s, '.2f')} s", flush=True)

    add_growth(runs)
    targets = check_targets(runs, sizes)
    print()
    print(table(runs, inputs))
    print()
    for t in targets:
        print(f"{t['result']}: {t['target']} — {t['detail']}")

    results = {
        "meta": {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "seed": a.seed,
            "sizes": sizes,
            "kg_command": kg,
            "morph_kgc_version": morph_version,
            "morph_processes": a.morph_processes,
            "repeat": a.repeat,
            "input_mib": inputs,
            "peak_memory": "max(ru_maxrss of the child, sampled summed PSS of its process tree)",
        },
        "runs": [asdict(r) for r in runs],
        "targets": targets,
    }
    (out / "results.json").write_text(
        json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(f"\nwrote {out / 'results.json'}")
    return 1 if a.strict and any(t["result"] == "FAIL" for t in targets) else 0


if __name__ == "__main__":
    raise SystemExit(main())

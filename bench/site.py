"""Time ``kg site`` on synthetic editions and record its peak memory (issue 9).

One edition of N measures is generated with ``bench/generate.py``, built
(``kg build --formats nt,ttl,jsonld --no-validate``), then ``kg site`` runs in a
child process whose wall time and peak RSS (``resource.getrusage`` in a wrapper
process; with worker processes, the largest single process) are printed with
the number of pages and files. The claim to check: time and memory grow
linearly with N.

    .venv/bin/python bench/site.py --measures 1000,10000 --out bench/out/site
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (bench/generate.py)

_WRAPPER = (
    "import resource, subprocess, sys; code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL,"
    " stderr=subprocess.DEVNULL).returncode;"
    " print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(code)"
)


def run(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one command, measured in a wrapper process of its own."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _WRAPPER, *cmd], check=True, capture_output=True, text=True)
    return time.perf_counter() - start, int(done.stdout.split()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measures", default="1000,10000")
    parser.add_argument("--out", type=Path, default=HERE / "out" / "site")
    parser.add_argument("--jobs", default="", help="kg site --jobs (default: kg's own choice)")
    parser.add_argument("--kg", default=str(Path(sys.executable).with_name("kg")),
                        help="the kg command (split as a shell would)")
    args = parser.parse_args()
    kg = shlex.split(args.kg)
    for n in (int(x) for x in args.measures.split(",")):
        root = args.out / str(n)
        shutil.rmtree(root, ignore_errors=True)
        generate.generate(n, 42, root / "data" / "editions" / "synthetic")
        build = root / "build"
        bw, bp = run([*kg, "build", "--data-dir", str(root / "data"), "--out", str(build),
                      "--formats", "nt,ttl,jsonld", "--no-validate"])
        jobs = ["--jobs", args.jobs] if args.jobs else []
        sw, sp = run([*kg, "site", "--build-dir", str(build), "--out", str(root / "site"), *jobs])
        marker = json.loads((root / "site" / "kg-site.json").read_text(encoding="utf-8"))
        print(f"{n} measures: build {bw:.1f} s, {bp:.0f} MiB; site {sw:.1f} s, peak {sp:.0f} MiB;"
              f" {marker['pages']} pages, {marker['files']} files", flush=True)


if __name__ == "__main__":
    main()

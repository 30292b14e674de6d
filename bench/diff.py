"""Time ``kg diff`` on two synthetic editions and record its peak memory (issue 11).

Two editions of N measures are generated with ``bench/generate.py`` (the same
seed, so the measures continue from one to the other through the lineage:
same ID, same name), the second decided on 2023-06-09 and with every tenth
measure's KPI and description cells edited; both are built into one dataset
(``kg build --formats nt --no-validate``), then ``kg diff`` runs in a child
process whose wall time and peak RSS (``resource.getrusage`` in a wrapper process per command) are printed.
The claim to check: the peak does not grow with N (the plan graphs are spooled
to an index on disk, the patch is a merge of the sorted dumps).

    .venv/bin/python bench/diff.py --measures 10000,100000 --out bench/out/diff
"""

from __future__ import annotations

import argparse
import hashlib
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (bench/generate.py)

_ROW = re.compile(r"^\d{2}-\d{2,4}\t")


def editions(n: int, data: Path) -> None:
    """Write the two editions (and an empty crosswalk) into ``data``."""
    a, b = data / "editions" / "a", data / "editions" / "b"
    generate.generate(n, 42, a)
    shutil.copytree(a, b)
    toml = (b / "edition.toml").read_text(encoding="utf-8")
    toml = "\n".join(
        "decided = 2023-06-09" if line.startswith("decided =") else line for line in toml.splitlines()
    )
    src = b / "edition.txt"
    rows = 0
    with src.open(encoding="utf-8") as fin, (b / "edited.txt").open("w", encoding="utf-8") as fout:
        for line in fin:
            if _ROW.match(line):
                rows += 1
                if rows % 10 == 0:
                    cells = line.split("\t")
                    cells[2] = cells[2].replace("年度", "年度末", 1) or "2030年度までに10件"
                    cells[3] = cells[3] + "（改訂）"
                    line = "\t".join(cells)
            fout.write(line)
    (b / "edited.txt").replace(src)
    digest = hashlib.sha256(src.read_bytes()).hexdigest()  # kg builds only a pinned source
    toml = re.sub(r'(?m)^sha256 = "[0-9a-f]*"', f'sha256 = "{digest}"', toml)
    (b / "edition.toml").write_text(toml + "\n", encoding="utf-8")
    (data / "lineage.csv").write_text("from_edition,from_id,to_edition,to_id,note,source\n", encoding="utf-8")


_WRAPPER = (
    "import resource, subprocess, sys; code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL,"
    " stderr=subprocess.DEVNULL).returncode;"
    " print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(code)"
)


def run(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one command, measured in a wrapper process of its own."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _WRAPPER, *cmd], check=True, capture_output=True, text=True)
    wall = time.perf_counter() - start
    return wall, int(done.stdout.split()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measures", default="10000")
    parser.add_argument("--out", type=Path, default=HERE / "out" / "diff")
    parser.add_argument("--kg", default=str(Path(sys.executable).with_name("kg")),
                        help="the kg command (split as a shell would)")
    args = parser.parse_args()
    for n in (int(x) for x in args.measures.split(",")):
        root = args.out / str(n)
        shutil.rmtree(root, ignore_errors=True)
        editions(n, root / "data")
        build = root / "build"
        kg = shlex.split(args.kg)
        bw, bp = run([*kg, "build", "--data-dir", str(root / "data"), "--out", str(build),
                      "--formats", "nt", "--no-validate"])
        dw, dp = run([*kg, "diff", "2022-06-07", "2023-06-09", "--build-dir", str(build),
                      "--out", str(root / "diff")])
        size = sum(p.stat().st_size for p in (root / "diff").iterdir())
        print(f"{n} measures: build {bw:.1f} s, {bp:.0f} MiB; diff {dw:.1f} s, peak {dp:.0f} MiB;"
              f" diff folder {size / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()

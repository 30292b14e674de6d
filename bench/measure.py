"""The measuring wrapper: ``run.py _measure RESULT LOG TIMEOUT -- CMD...``.

Runs CMD in a new session, samples the summed PSS of its process tree, and
writes RESULT (JSON: return code, wall time, ru_maxrss, tree peak, CPU times).
A fresh wrapper process per run, so that ``RUSAGE_CHILDREN`` is that run's alone.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import signal
import subprocess
import time
from pathlib import Path


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


def measure_main(argv: list[str]) -> int:
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

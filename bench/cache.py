"""The benchmark's synthetic editions, generated once per size and seed and cached under bench/out/data/."""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from pathlib import Path

import generate  # bench/generate.py (run.py puts bench/ on sys.path)
from report import label

REPO = Path(__file__).resolve().parent.parent


def parse_size(text: str) -> int:
    t = text.strip().lower().replace("_", "")
    mult = 1
    if t.endswith("k"):
        mult, t = 1000, t[:-1]
    elif t.endswith("m"):
        mult, t = 1_000_000, t[:-1]
    return int(float(t) * mult)


def sha256(path: Path) -> str:
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
        "generator": sha256(Path(generate.__file__)),
        "source": sha256(generate.DEFAULT_SOURCE),
        "layout": sha256(generate.layout_toml(generate.DEFAULT_SOURCE)),
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

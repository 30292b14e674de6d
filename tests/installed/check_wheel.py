"""The installed-wheel test: kg works from a wheel, with nothing of the checkout but the editions.

Run by ``.ci/wheel-test`` (so by ``.ci/run``) with the development venv's
Python, which also provides the ``oxigraph`` server binary. It

1. copies the source (the files git tracks or would track) to a temporary
   folder and builds the wheel there (``pip wheel --no-deps``): setuptools
   writes ``build/lib`` into the tree it builds, and ``build/`` is kg's output;
2. checks the wheel: every file of ``ontology/``, ``shapes/``, ``queries/`` and
   ``data/reference/`` is in it under ``kg/_bundled/`` with the same bytes and
   nothing else is, every module and ``kg/py.typed`` is there, the metadata
   has the version of ``kg/__init__.py``; and building it printed no warning;
3. installs it into a fresh venv outside the checkout (dependencies from the
   package index) and checks that ``kg`` and its resources load from there;
4. copies ``data/editions`` (only the editions: the reference data must come
   from the wheel) into a user folder and runs there ``kg --version``,
   ``kg build``, ``kg validate``, ``kg query --list`` (every bundled query),
   one query in each output format, ``kg export``, ``kg catalog``, ``kg diff``
   (on the test editions, in a folder of their own), and ``kg publish`` to a
   real Oxigraph server (twice: with and without ``--gsp``), checking each
   command's output, not only its exit status;
5. builds with the editable install (``.venv/bin/kg build --out TMP`` in the
   checkout) and checks that every ``*.nt`` file is byte-identical.

Any failure prints the command, its output and the temporary folder (kept
for a look; removed after a success) and exits 1.

Usage: ``python tests/installed/check_wheel.py [--keep]``.
"""

from __future__ import annotations

import argparse
import ast
import csv
import io
import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
#: Top-level folder -> its name under kg/_bundled/ (see kg/resources.py).
BUNDLED = {"ontology": "ontology", "shapes": "shapes", "queries": "queries", "data/reference": "reference"}
#: The bundled queries there are today: fewer would mean some went missing from the wheel.
MIN_QUERIES = 17
#: One query run in every output format (it has defaults for all its parameters).
FORMAT_QUERY = "measures-by-ministry"
MEASURE_ID = re.compile(r"\b\d\d-\d\d\b")


class Failed(Exception):
    """A check failed: the message says what and shows the evidence."""


def check(condition: object, message: str) -> None:
    if not condition:
        raise Failed(message)


def run(
    cmd: Sequence[str | Path],
    *,
    cwd: Path,
    env: dict[str, str] | None = None,
    expect: int = 0,
    timeout: float = 900,
) -> subprocess.CompletedProcess[str]:
    """Run ``cmd``; fail unless it exits with ``expect``."""
    args = [str(c) for c in cmd]
    print(f"    $ {shlex.join(args)}", flush=True)
    try:
        proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        raise Failed(f"{shlex.join(args)} did not finish in {timeout:.0f} s") from exc
    if proc.returncode != expect:
        raise Failed(
            f"{shlex.join(args)} (in {cwd}) exited {proc.returncode}, expected {expect}\n"
            f"--- stdout\n{proc.stdout[-8000:]}\n--- stderr\n{proc.stderr[-8000:]}"
        )
    return proc


@contextmanager
def step(title: str) -> Iterator[None]:
    print(f"--- {title}", flush=True)
    start = time.monotonic()
    yield
    print(f"    ok ({time.monotonic() - start:.1f} s)", flush=True)


# -- 1, 2: the wheel ------------------------------------------------------------------------------


#: What a copy of the source leaves out when git cannot say (kept in step with .gitignore).
IGNORED_NAMES = (".git", ".venv*", "*.egg-info", "__pycache__", ".*_cache")
IGNORED_PATHS = ("build", "bench/out")


def source_files(root: Path) -> list[Path]:
    """The files git tracks or would track (not ignored), as paths relative to ``root``.

    Without git (a source archive), every file but those IGNORED_NAMES and IGNORED_PATHS name.
    """
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            capture_output=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return sorted(_walk(root, root))
    names = sorted({name for name in out.decode().split("\0") if name})
    return [Path(name) for name in names if (root / name).is_symlink() or (root / name).exists()]


def _walk(root: Path, folder: Path) -> Iterator[Path]:
    for path in folder.iterdir():
        rel = path.relative_to(root)
        if rel.as_posix() in IGNORED_PATHS or any(path.match(name) for name in IGNORED_NAMES):
            continue
        if path.is_dir() and not path.is_symlink():
            yield from _walk(root, path)
        else:
            yield rel


def copy_source(root: Path, target: Path) -> None:
    for rel in source_files(root):
        src, dst = root / rel, target / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_symlink():
            os.symlink(os.readlink(src), dst)  # kg/_bundled/*: relative links, valid in the copy
        elif src.is_file():
            shutil.copy2(src, dst)
    check((target / "pyproject.toml").is_file(), f"no pyproject.toml copied from {root}")


def version_of(src: Path) -> str:
    tree = ast.parse((src / "kg" / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__version__" for t in node.targets
        ):
            value = ast.literal_eval(node.value)
            check(isinstance(value, str), "kg.__version__ is not a string")
            return str(value)
    raise Failed("kg/__init__.py has no __version__")


def build_wheel(src: Path, dist: Path) -> Path:
    proc = run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--wheel-dir", dist, src], cwd=src)
    output = proc.stdout + proc.stderr
    warnings = sorted(set(re.findall(r"\b[A-Z]\w*Warning\b.*", output)))
    check(not warnings, "building the wheel printed warnings:\n" + "\n".join(warnings))
    wheels = sorted(dist.glob("kg-*.whl"))
    check(len(wheels) == 1, f"expected one kg wheel in {dist}, found {[w.name for w in wheels]}")
    return wheels[0]


def check_wheel(wheel: Path, src: Path, version: str) -> None:
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        expected: dict[str, bytes] = {}
        for top, bundled in BUNDLED.items():
            folder = src / top
            files = [p for p in sorted(folder.rglob("*")) if p.is_file()]
            check(files, f"{folder} has no files")
            for path in files:
                expected[f"kg/_bundled/{bundled}/{path.relative_to(folder).as_posix()}"] = path.read_bytes()
        in_wheel = {n for n in names if n.startswith("kg/_bundled/") and not n.endswith("/")}
        check(
            in_wheel == set(expected),
            f"kg/_bundled in the wheel differs from the source: missing {sorted(set(expected) - in_wheel)}, "
            f"extra {sorted(in_wheel - set(expected))}",
        )
        changed = sorted(n for n, data in expected.items() if zf.read(n) != data)
        check(not changed, f"bundled files differ from the source: {changed}")
        modules = {p.relative_to(src).as_posix() for p in (src / "kg").rglob("*.py")}
        packaged = {n for n in names if n.startswith("kg/") and n.endswith(".py")}
        check(
            packaged == modules,
            f"modules: missing {sorted(modules - packaged)}, extra {sorted(packaged - modules)}",
        )
        check("kg/py.typed" in names, "kg/py.typed is not in the wheel")
        site_data = {p.relative_to(src).as_posix() for folder in ("templates", "assets")
                     for p in (src / "kg" / "site" / folder).iterdir() if p.is_file()}
        check(site_data and site_data <= names,
              f"kg site's templates/assets are missing: {sorted(site_data - names)}")
        info = f"kg-{version}.dist-info"
        metadata = zf.read(f"{info}/METADATA").decode()
        check(f"\nVersion: {version}\n" in metadata, f"METADATA does not say Version: {version}")
        check("\nLicense-Expression: MIT\n" in metadata, "METADATA has no License-Expression: MIT")
        entry_points = zf.read(f"{info}/entry_points.txt").decode()
        check(re.search(r"^kg = kg\.cli:main$", entry_points, re.M), f"no kg console script: {entry_points}")
    print(f"    {wheel.name}: {len(expected)} bundled files, {len(modules)} modules")


# -- 3: the installation -------------------------------------------------------------------------


def clean_env(venv: Path) -> dict[str, str]:
    """The environment for the installed kg: its venv first on PATH, nothing pointing at the checkout."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP")}
    env["VIRTUAL_ENV"] = str(venv)
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONNOUSERSITE"] = "1"
    return env


def install(wheel: Path, venv: Path, work: Path) -> None:
    run([sys.executable, "-m", "venv", venv], cwd=work)
    run(
        [venv / "bin" / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check", wheel],
        cwd=work,
        env=clean_env(venv),
    )


def check_installation(venv: Path, user: Path) -> None:
    probe = (
        "import json, kg, kg.resources as r\n"
        "print(json.dumps({'kg': kg.__file__, 'ontology': str(r.ontology_file()),"
        " 'shapes': str(r.shapes_dir()), 'queries': str(r.queries_dir()),"
        " 'reference': str(r.reference_dir())}))"
    )
    proc = run([venv / "bin" / "python", "-c", probe], cwd=user, env=clean_env(venv))
    paths = {k: Path(v) for k, v in json.loads(proc.stdout).items()}
    site = venv.resolve()
    for what, path in paths.items():
        check(path.resolve().is_relative_to(site), f"{what} is loaded from {path}, not from the venv {venv}")
        check(not path.resolve().is_relative_to(ROOT), f"{what} comes from the checkout: {path}")
    for what in ("shapes", "queries", "reference"):
        check(paths[what].is_dir() and not paths[what].is_symlink(), f"{what}: {paths[what]} is not a folder")
        check(any(paths[what].iterdir()), f"{what}: {paths[what]} is empty")
    check(paths["ontology"].is_file(), f"{paths['ontology']} is missing")


# -- 4: kg in a user folder ----------------------------------------------------------------------


class Kg:
    """The installed ``kg`` run in the user folder."""

    def __init__(self, venv: Path, user: Path) -> None:
        self.exe = venv / "bin" / "kg"
        self.user = user
        self.env = clean_env(venv)

    def __call__(self, *args: str | Path, expect: int = 0) -> subprocess.CompletedProcess[str]:
        return run([self.exe, *args], cwd=self.user, env=self.env, expect=expect)


def manifest_graphs(build: Path) -> dict[str, dict[str, Any]]:
    manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    graphs: dict[str, dict[str, Any]] = {g["name"]: g for g in manifest["graphs"]}
    return graphs


def check_build(kg: Kg, editions: list[str]) -> dict[str, int]:
    """``kg build`` with validation; returns measures per edition as the summary prints them."""
    proc = kg("build")
    out = proc.stdout
    check("validation: SHACL passed" in out, f"kg build did not report a passed validation:\n{out}")
    found = {m[1]: int(m[3]) for m in re.finditer(r"^edition (\S+) \((\S+)\): (\d+) measures", out, re.M)}
    check(
        len(found) == len(editions),
        f"kg build summarised {len(found)} edition(s), expected {len(editions)}:\n{out}",
    )
    check(all(n > 0 for n in found.values()), f"an edition without measures:\n{out}")
    build = kg.user / "build"
    graphs = manifest_graphs(build)
    check({"ontology", "reference"} <= set(graphs), f"manifest graphs: {sorted(graphs)}")
    plans = [name for name in graphs if name.startswith("plan-")]
    check(len(plans) == len(editions), f"manifest graphs: {sorted(graphs)}, editions {editions}")
    for name, graph in graphs.items():
        nt = build / f"{name}.nt"
        check(nt.is_file(), f"{nt} is missing")
        lines = nt.read_bytes().splitlines()
        check(
            len(lines) == graph["triples"] > 0, f"{nt}: {len(lines)} lines, manifest says {graph['triples']}"
        )
    for name in ("dataset.trig", "dataset.jsonld", "review.md", "review.csv"):
        check((build / name).is_file(), f"{build / name} is missing")
    return found


def check_validate(kg: Kg) -> None:
    out = kg("validate").stdout
    check(
        re.search(r"^conforms: 0 violation\(s\)", out, re.M), f"kg validate did not conform:\n{out[-3000:]}"
    )


def check_query_list(kg: Kg, src: Path) -> None:
    out = kg("query", "--list").stdout
    listed = [line.split()[0] for line in out.splitlines() if line.strip() and not line[0].isspace()]
    bundled = sorted(p.stem for p in (src / "queries").glob("*.rq"))
    check(
        sorted(listed) == bundled,
        f"kg query --list shows {sorted(listed)}, the bundled queries are {bundled}",
    )
    check(len(listed) >= MIN_QUERIES, f"only {len(listed)} queries listed, expected at least {MIN_QUERIES}")
    print(f"    {len(listed)} queries listed")


def query_rows(kg: Kg, fmt: str, *extra: str) -> list[list[str]]:
    """Rows (header first) of FORMAT_QUERY in format ``fmt``, checked for that format's shape."""
    out = kg("query", FORMAT_QUERY, "--format", fmt, *extra).stdout
    if fmt == "json":
        data = json.loads(out)
        head: list[str] = data["head"]["vars"]
        bindings: list[dict[str, dict[str, str]]] = data["results"]["bindings"]
        return [head] + [[b[v]["value"] if v in b else "" for v in head] for b in bindings]
    if fmt in ("csv", "tsv"):
        rows = list(csv.reader(io.StringIO(out), delimiter="," if fmt == "csv" else "\t"))
        check(rows and all(len(r) == len(rows[0]) for r in rows), f"{fmt}: ragged rows:\n{out[:2000]}")
        if fmt == "tsv":  # SPARQL TSV: ?var headers, terms in N-Triples syntax
            check(all(h.startswith("?") for h in rows[0]), f"tsv header: {rows[0]}")
        return rows
    lines = [line for line in out.splitlines() if line.strip()]
    check(len(lines) >= 3 and set(lines[1]) <= {"-", " "}, f"table: no header and rule:\n{out[:2000]}")
    body = lines[2:]
    footer = re.fullmatch(r"\((\d+) rows?\)", body[-1].strip()) if body else None
    if footer is not None:
        body = body[:-1]
        check(int(footer[1]) == len(body), f"table: the footer says {footer[0]}, {len(body)} rows shown")
    return [lines[0].split()] + [[line] for line in body]


def check_query_formats(kg: Kg) -> int:
    counts = {}
    for fmt in ("table", "csv", "tsv", "json"):
        rows = query_rows(kg, fmt)
        check(len(rows) > 1, f"{FORMAT_QUERY} --format {fmt}: no rows")
        check(all(MEASURE_ID.search(" ".join(r)) for r in rows[1:]), f"{fmt}: a row without a measure ID")
        counts[fmt] = len(rows) - 1
    check(len(set(counts.values())) == 1, f"{FORMAT_QUERY}: row counts differ by format: {counts}")
    print(f"    {FORMAT_QUERY}: {counts['json']} rows in each of table, csv, tsv, json")
    return counts["json"]


def check_export(kg: Kg, measures: dict[str, int]) -> None:
    proc = kg("export")
    curated = sorted((kg.user / "data" / "curated").glob("*.csv"))
    check(len(curated) == len(measures), f"kg export wrote {[p.name for p in curated]}:\n{proc.stdout}")
    for path in curated:
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        ids = [cell for row in rows[1:] for cell in row[:1] if MEASURE_ID.fullmatch(cell)]
        check(len(ids) == len(rows) - 1 > 0, f"{path}: rows without a measure ID")
        check(len(ids) in measures.values(), f"{path}: {len(ids)} measures, the build had {measures}")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def oxigraph(location: Path) -> Iterator[str]:
    """``oxigraph serve`` on a free loopback port; yields its base URL."""
    binary = Path(sys.executable).parent / "oxigraph"
    found = str(binary) if binary.is_file() else shutil.which("oxigraph")
    check(found, "no oxigraph binary beside this Python or on PATH (pip install oxigraph)")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = location.parent / "oxigraph.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(found), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            check(
                proc.poll() is None, f"oxigraph exited {proc.returncode}: {log.read_text(errors='replace')}"
            )
            try:
                select(url, "ASK {}")
                break
            except (OSError, urllib.error.URLError):
                check(time.monotonic() < deadline, f"oxigraph did not answer on {url} in 30 s")
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def select(url: str, query: str) -> dict[str, Any]:
    request = urllib.request.Request(
        f"{url}/query?{urllib.parse.urlencode({'query': query})}",
        headers={"Accept": "application/sparql-results+json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        result: dict[str, Any] = json.load(response)
        return result


def store_counts(url: str) -> dict[str, int]:
    result = select(url, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    return {b["g"]["value"]: int(b["n"]["value"]) for b in result["results"]["bindings"]}


def check_catalog(kg: Kg) -> None:
    """kg catalog from the wheel: the DCAT-AP 3.0.1 shapes and the licence table come from the wheel."""
    out = kg("catalog", "--endpoint", "https://kg.example.jp/sparql").stdout
    check(re.search(r"^DCAT-AP 3\.0\.1: 0 violations", out, re.M), f"kg catalog said:\n{out}")
    folder = kg.user / "catalog"
    for name in ("dcat-ap.ttl", "dcat-ap.jsonld", "ckan-package.json", "schema-org.jsonld",
                 "csv/codes.csv", "csv/definitions.csv"):
        check((folder / name).is_file(), f"{folder / name} is missing:\n{out}")


def check_site(kg: Kg) -> None:
    """kg site from the wheel: its templates, style sheet and search script come from the wheel."""
    out = kg("site").stdout
    check(re.search(r"^wrote \d+ pages for \d+ resources", out, re.M), f"kg site said:\n{out}")
    site = kg.user / "site"
    for name in ("index.html", "plan/2023-06-09/measure/06-22.html", "plan/2023-06-09/measure/06-22.ttl",
                 "plan/2023-06-09/measure/06-22.jsonld", "def/kg.html", "search.html", "search-index.js",
                 "assets/style.css", "assets/search.js", ".well-known/void", "sitemap.xml", "404.html",
                 "conneg/nginx-server.conf", "conneg/apache.htaccess"):
        check((site / name).is_file(), f"{site / name} is missing:\n{out}")
    page = (site / "plan/2023-06-09/measure/06-22.html").read_text(encoding="utf-8")
    check('<html lang="ja">' in page and "医療高度化に資するPHRデータ流通基盤の構築" in page,
          "the page of 06-22 does not show its name")
    port = free_port()
    server = subprocess.Popen([kg.exe, "serve", "--port", str(port)], cwd=kg.user, env=kg.env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        url = f"http://127.0.0.1:{port}/plan/2023-06-09/measure/06-22"
        answer = None
        for _ in range(300):
            try:
                request = urllib.request.Request(url, headers={"Accept": "text/turtle"})
                with urllib.request.urlopen(request, timeout=5) as response:
                    answer = (response.headers.get("Content-Type", ""), response.read().decode())
                break
            except OSError:
                errors = server.stderr.read() if server.stderr and server.poll() is not None else ""
                check(server.poll() is None, f"kg serve stopped: {errors}")
                time.sleep(0.1)
        check(answer is not None and answer[0].startswith("text/turtle") and "06-22" in answer[1],
              f"kg serve did not answer {url} with Turtle: {answer}")
    finally:
        server.terminate()
        server.wait(timeout=20)


def check_diff(venv: Path, work: Path) -> None:
    """kg diff from the wheel on kg's two test editions: shapes and queries come from the wheel."""
    user = work / "diff-user"
    for key in ("2023-06-09", "2025-06-13"):
        shutil.copytree(ROOT / "tests" / "fixtures" / "diff" / key, user / "data" / "editions" / key)
    shutil.copy(ROOT / "tests" / "fixtures" / "diff" / "lineage.csv", user / "data" / "lineage.csv")
    kg = Kg(venv, user)
    kg("build")
    out = kg("diff", "2023-06-09", "2025-06-13").stdout
    check(out.startswith("2023-06-09 から 2025-06-13 への変更：施策 6 → 7"), f"kg diff said:\n{out}")
    folder = user / "diff-2023-06-09-2025-06-13"
    for name in ("changes.md", "changes.csv", "changes.json", "changes.nt", "plan.rdfp", "manifest.json"):
        check((folder / name).is_file(), f"{folder / name} is missing")
    check("`mark-renumbered`" in (folder / "changes.md").read_text(encoding="utf-8"), "no mark-renumbered")
    valid = kg("validate", "--build-dir", folder).stdout
    check(re.search(r"^conforms: 0 violation\(s\)", valid, re.M), f"the change graph:\n{valid}")
    moved = kg("query", "marks-moved", "--build-dir", folder, "--format", "csv").stdout
    check("mark-renumbered,false,34条,35条" in moved, f"kg query marks-moved said:\n{moved}")


def check_publish(kg: Kg, work: Path, rows: int) -> None:
    graphs = manifest_graphs(kg.user / "build")
    expected = {g["iri"]: g["triples"] for g in graphs.values()}
    with oxigraph(work / "oxigraph") as url:
        for gsp in (["--gsp", f"{url}/store"], []):
            out = kg("publish", "--endpoint", f"{url}/query", *gsp).stdout
            check("published to" in out and "checked:" in out, f"kg publish {' '.join(gsp)} said:\n{out}")
            for name in graphs:
                check(
                    re.search(rf"^\s*{re.escape(name)}\s+\d+ triples", out, re.M),
                    f"{name} not published:\n{out}",
                )
            counts = store_counts(url)
            check(counts == expected, f"store graphs {counts} differ from the build's {expected}")
        remote = query_rows(kg, "json", "--endpoint", f"{url}/query")
        embedded = query_rows(kg, "json")
        check(
            len(remote) - 1 == rows, f"{FORMAT_QUERY} on the store: {len(remote) - 1} rows, embedded {rows}"
        )
        check(sorted(remote[1:]) == sorted(embedded[1:]), f"{FORMAT_QUERY}: the store answers differently")


# -- 5: the same bytes as the editable install ---------------------------------------------------


def check_same_as_editable(user_build: Path, work: Path) -> None:
    editable_kg = Path(sys.executable).parent / "kg"
    check(editable_kg.is_file(), f"{editable_kg} is missing: run make .venv/.installed")
    out = work / "editable-build"
    run([editable_kg, "build", "--out", out], cwd=ROOT)
    mine = sorted(p.name for p in user_build.glob("*.nt"))
    theirs = sorted(p.name for p in out.glob("*.nt"))
    check(mine and mine == theirs, f"N-Triples files: installed {mine}, editable {theirs}")
    for name in mine:
        a, b = (user_build / name).read_bytes(), (out / name).read_bytes()
        if a != b:
            la, lb = a.splitlines(), b.splitlines()
            first = next(
                (i for i, (x, y) in enumerate(zip(la, lb, strict=False)) if x != y), min(len(la), len(lb))
            )
            raise Failed(
                f"{name} differs between the installed and the editable build "
                f"({len(la)} vs {len(lb)} lines; first difference at line {first + 1}):\n"
                f"  installed: {la[first] if first < len(la) else b'<end>'!r}\n"
                f"  editable:  {lb[first] if first < len(lb) else b'<end>'!r}"
            )
    print(f"    byte-identical: {', '.join(mine)}")


# -- main ----------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder after a success")
    args = parser.parse_args(argv)
    base = Path(tempfile.gettempdir()).resolve()
    if base.is_relative_to(ROOT):
        base = Path("/tmp")
    work = Path(tempfile.mkdtemp(prefix="kg-wheel-test.", dir=base))
    check(not work.is_relative_to(ROOT), f"{work} is inside the checkout")
    print(f"kg wheel test in {work}", flush=True)
    start = time.monotonic()
    try:
        src, venv, user = work / "src", work / "venv", work / "user"
        with step("wheel: build from a copy of the source"):
            copy_source(ROOT, src)
            version = version_of(src)
            wheel = build_wheel(src, work / "dist")
        with step("wheel: contents"):
            check_wheel(wheel, src, version)
        with step("install into a fresh venv"):
            install(wheel, venv, work)
            editions = sorted(p.name for p in (src / "data" / "editions").iterdir() if p.is_dir())
            check(editions, "no editions in data/editions")
            shutil.copytree(src / "data" / "editions", user / "data" / "editions")
            check(not (user / "data" / "reference").exists(), "the user folder must not hold reference data")
            check_installation(venv, user)
        kg = Kg(venv, user)
        with step("kg --version"):
            out = kg("--version").stdout
            check(out == f"kg {version}\n", f"kg --version printed {out!r}, expected 'kg {version}'")
        with step("kg build (validating)"):
            measures = check_build(kg, editions)
        with step("kg validate"):
            check_validate(kg)
        with step("kg query --list"):
            check_query_list(kg, src)
        with step("kg query in every output format"):
            rows = check_query_formats(kg)
        with step("kg export"):
            check_export(kg, measures)
        with step("kg catalog"):
            check_catalog(kg)
        with step("kg site"):
            check_site(kg)
        with step("kg diff on two test editions"):
            check_diff(venv, work)
        with step("kg publish to an Oxigraph server"):
            check_publish(kg, work, rows)
        with step("the same N-Triples as the editable install"):
            check_same_as_editable(user / "build", work)
    except Failed as failure:
        print(f"\nFAILED: {failure}\n(temporary folder kept: {work})", file=sys.stderr, flush=True)
        return 1
    except BaseException:
        print(f"(temporary folder kept: {work})", file=sys.stderr, flush=True)
        raise
    print(f"wheel test passed in {time.monotonic() - start:.0f} s", flush=True)
    if args.keep:
        print(f"(kept {work})")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The README, run: its correction loop (validation on) and what `make demo` prints.

The loop's commands and its edit are read from the README's *Review and
correction* block and run as written, with defaults (SHACL validation on), in a
temporary folder holding a copy of ``data/``; the demo's summary is compared,
count by count, with the README's *What `make demo` prints* block.
"""

from __future__ import annotations

import csv
import re
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result

from kg.cli import _register, cli
from tests.paths import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
KG = "https://kg.example.jp/def/kg#"
PREFIXES = f"PREFIX kg: <{KG}>\nPREFIX dcterms: <http://purl.org/dc/terms/>\n"
#: Art. 34 of デジタル社会形成基本法 as in force on the 2023 edition's decision date.
ART34 = "https://kg.example.jp/law/503AC0000000035/2023-06-09/article/34"


def _block(heading: str) -> str:
    """The first fenced block after ``heading`` in the README."""
    section = README[README.index(heading) :]
    match = re.search(r"```[a-z]*\n(.*?)```", section, re.S)
    assert match, heading
    return match.group(1)


@dataclass(frozen=True)
class Loop:
    before: list[list[str]]  # the commands before the edit
    after: list[list[str]]  # and after it
    measure: str
    old: str  # the mark as exported
    new: str  # as the person writes it


def _loop() -> Loop:
    before: list[list[str]] = []
    after: list[list[str]] = []
    edit = None
    for line in _block("## Review and correction").splitlines():
        if line.startswith("# edit"):
            edit = re.search(r"measure (\d\d-\d\d), change (\S+) to (\S+)$", line)
        elif line.strip():
            (after if edit else before).append(shlex.split(line, comments=True))
    assert edit, "the README's loop names its edit"
    return Loop(before, after, edit[1], edit[2], edit[3])


LOOP = _loop()


@pytest.fixture()
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder like a checkout's: a copy of data/ (no curated table yet), no configuration: the defaults."""
    shutil.copytree(ROOT / "data", tmp_path / "data", ignore=shutil.ignore_patterns("curated"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _run(argv: list[str]) -> Result:
    assert argv[0] == "kg", argv
    _register()
    res = CliRunner().invoke(cli, argv[1:])
    assert res.exit_code == 0, f"{shlex.join(argv)} exited {res.exit_code}:\n{res.output}"
    if argv[1] == "build":
        assert "validation: SHACL passed" in res.stdout, res.stdout
    return res


def _plan(build: Path) -> set[ox.Triple]:
    [path] = build.glob("plan-*.nt")
    return set(ox.parse(path=path, format=ox.RdfFormat.N_TRIPLES))


def _store(triples: set[ox.Triple]) -> ox.Store:
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    return store


def _mark(store: ox.Store, measure: str, line: int, cell: int) -> dict[str, str]:
    """The mark of ``measure`` read from source ``line``/``cell``: confidence, reviewed, provisions."""
    solutions = list(
        store.query(
            PREFIXES
            + f"""SELECT ?mark ?confidence ?reviewed ?provision WHERE {{
                ?m dcterms:identifier "{measure}" ; kg:hasMark ?mark .
                ?mark kg:sourceLine {line} ; kg:sourceColumn {cell} ; kg:confidence ?confidence .
                OPTIONAL {{ ?mark kg:reviewed ?reviewed }}
                OPTIONAL {{ ?mark kg:provision ?provision }}
            }}"""
        )
    )
    assert len(solutions) == 1, solutions
    s = solutions[0]
    return {
        k: s[k].value if s[k] is not None else ""
        for k in ("mark", "confidence", "reviewed", "provision")
    }


def _basis(store: ox.Store, measure: str) -> set[str]:
    query = PREFIXES + f'SELECT ?p WHERE {{ ?m dcterms:identifier "{measure}" ; kg:primaryLegalBasis ?p }}'
    return {s["p"].value for s in store.query(query)}


def _curated_table(res: Result) -> Path:
    match = re.search(r"wrote (\S+\.csv)", res.stdout)
    assert match, res.stdout
    return Path(match[1])


def _edit(path: Path, measure: str, old: str, new: str) -> None:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    column = rows[0].index("根拠条文")
    [row] = [r for r in rows if r[0] == measure]
    assert old in row[column].split(";"), row[column]
    row[column] = ";".join(new if token == old else token for token in row[column].split(";"))
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def _review(build: Path) -> list[tuple[str, str, str]]:
    with (build / "review.csv").open(encoding="utf-8", newline="") as fh:
        return [(r["measure_id"], r["line"], r["column"]) for r in csv.DictReader(fh)]


def test_the_readme_loop_is_build_export_edit_build() -> None:
    assert [c[:2] for c in LOOP.before] == [["kg", "build"], ["kg", "export"]]
    assert [c[:2] for c in LOOP.after] == [["kg", "build"]]
    assert (LOOP.measure, LOOP.old, LOOP.new) == ("06-22", "◎34条(low|35条|33条)", "◎34条")


def test_the_readme_correction_loop(workdir: Path) -> None:
    """build → export → edit one mark → build: the edited mark is a person's statement, and published."""
    results = [_run(argv) for argv in LOOP.before]
    table = _curated_table(results[-1])
    assert table.resolve().parent == (workdir / "data" / "curated").resolve()
    assert f"`data/curated/{table.name}`" in README  # the README names the file kg export writes
    before = _store(_plan(workdir / "build"))  # the build before the export: the extract alone
    mark = _mark(before, LOOP.measure, 35, 30)
    assert mark["confidence"] == KG + "LowConfidence" and not mark["reviewed"]
    assert ART34 not in _basis(before, LOOP.measure)  # a guess is never published as a fact

    _edit(table, LOOP.measure, LOOP.old, LOOP.new)
    for argv in LOOP.after:
        _run(argv)

    after = _store(_plan(workdir / "build"))
    edited = _mark(after, LOOP.measure, 35, 30)
    assert edited == {
        "mark": mark["mark"],  # the same mark, at its source cell
        "confidence": KG + "HighConfidence",
        "reviewed": "true",
        "provision": ART34,
    }
    assert ART34 in _basis(after, LOOP.measure)
    assert (LOOP.measure, "35", "30") not in _review(workdir / "build")


def test_export_then_build_adds_only_the_curated_files_provenance(workdir: Path) -> None:
    """As the README says: extract → export → build is the same graph plus the curated file's provenance."""
    _run(["kg", "build"])
    plain = _plan(workdir / "build")
    review = (workdir / "build" / "review.csv").read_bytes()
    _run(["kg", "export"])
    _run(["kg", "build"])
    curated = _plan(workdir / "build")
    assert plain - curated == set()
    added = curated - plain
    [node] = {t.subject for t in added if t.predicate == ox.NamedNode(KG + "sha256")}
    assert isinstance(node, ox.NamedNode) and node.value.endswith("/curated")
    assert all(node in (t.subject, t.object) for t in added), added
    source = {t.object for t in plain if t.predicate == ox.NamedNode(KG + "sourceFile")}
    derived = ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")
    assert {(t.predicate, t.object) for t in added if t.subject == node and t.predicate == derived} == {
        (derived, s) for s in source
    }, "the curated table is derived from the extract"
    assert {t.predicate.value for t in added} == {
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
        "http://purl.org/dc/terms/identifier",
        KG + "sha256",
        derived.value,
    }
    assert (workdir / "build" / "review.csv").read_bytes() == review


# ---------------------------------------------------------------- make demo

COUNTED = re.compile(
    r"(\d+) (measures|KPIs|marks|participations|organisations|errors|warnings|info|graphs|inferences)\b"
    r"|\b(high|medium|low) (\d+)"
)


def _counts(text: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for m in COUNTED.finditer(text):
        label, number = (m[2], m[1]) if m[1] else (m[3], m[4])
        assert label not in counts, label
        counts[label] = int(number)
    return counts


def test_make_demo_prints_what_the_readme_shows(workdir: Path) -> None:
    """`make demo` runs `kg build` in the checkout: the same command on a copy of its data."""
    make_demo = re.search(r"^demo:.*\n(?:\t.*\n)*", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M)
    assert make_demo and "\t$(BIN)/kg build\n" in make_demo[0]
    shown = _block("## What `make demo` prints")
    printed = _run(["kg", "build"]).stdout
    assert _counts(printed) == _counts(shown)
    assert set(_counts(shown)) >= {"measures", "KPIs", "marks", "high", "medium", "low", "warnings"}
    # Line by line, as shown: "…" stands for anything, and the build folder is printed as a full path.
    lines = printed.splitlines()
    assert len(lines) == len(shown.splitlines())
    for expected, actual in zip(shown.splitlines(), lines, strict=True):
        pattern = re.escape(expected).replace("…", ".+?").replace(" build", r" \S*build")
        assert re.fullmatch(pattern, actual), (expected, actual)

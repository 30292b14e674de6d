"""The finding registry against the code: codes unique, templates and call sites agree, no dead codes.

The checks read kg/ with :mod:`ast`: every call ``finding("<code>", position,
**fields)`` must name a registered code and pass exactly the fields of its
template (``raw``, ``inferred`` and ``confidence`` are a finding's own
attributes, not template fields). A code given as an f-string
(``finding(f"shacl-{severity}", …)``) stands for every registered code it can
spell, and each of them must then fit the call.
"""

from __future__ import annotations

import ast
import csv
import json
import pickle
import re
import shutil
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from string import Formatter

import pytest
from click.testing import CliRunner, Result

from kg.cli import _register, cli
from kg.errors import Position
from kg.findings import FINDING_TYPES, Finding, Report, Severity, finding, template_fields
from kg.findings_io import COLUMNS, write_findings
from kg.review import REVIEW_CODES
from tests.paths import ROOT

KG = ROOT / "kg"
OWN = frozenset({"raw", "inferred", "confidence"})  # attributes of a Finding, not template fields


@dataclass(frozen=True)
class Call:
    where: str  # file:line
    codes: tuple[str, ...]  # the registered codes the call can make
    spelled: str  # the code as written (a regex for an f-string)
    keywords: frozenset[str]
    splat: bool  # passes **fields: cannot be checked
    positional: int


def _code_pattern(node: ast.expr) -> str | None:
    """A regex for the code a call passes: the string itself, or an f-string's literal parts."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return re.escape(node.value)
    if isinstance(node, ast.JoinedStr):
        return "".join(
            re.escape(v.value) if isinstance(v, ast.Constant) else "[a-z-]+" for v in node.values
        )
    return None


def _is_finding(func: ast.expr) -> bool:
    return (isinstance(func, ast.Name) and func.id == "finding") or (
        isinstance(func, ast.Attribute) and func.attr == "finding"
    )


def _calls() -> list[Call]:
    calls = []
    for path in sorted(KG.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and _is_finding(node.func)):
                continue
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            pattern = _code_pattern(node.args[0]) if node.args else None
            assert pattern is not None, f"{where}: finding() needs its code as a string (or f-string)"
            codes = tuple(c for c in FINDING_TYPES if re.fullmatch(pattern, c))
            calls.append(
                Call(
                    where,
                    codes,
                    pattern,
                    frozenset(k.arg for k in node.keywords if k.arg is not None) - OWN,
                    any(k.arg is None for k in node.keywords),
                    len(node.args),
                )
            )
    return calls


CALLS = _calls()


def test_the_walk_finds_the_call_sites() -> None:
    assert len(CALLS) > 20
    assert any(c.where.startswith("kg/validate/") and len(c.codes) == 3 for c in CALLS), "shacl-*"


def test_codes_are_unique_and_well_formed() -> None:
    """The registry is a dict built from a list: a repeated code would silently replace the first."""
    tree = ast.parse((KG / "findings.py").read_text(encoding="utf-8"))
    listed = [
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "_t"
        and isinstance(node.args[0], ast.Constant)
    ]
    assert len(listed) == len(set(listed)), sorted(c for c in listed if listed.count(c) > 1)
    assert set(listed) == set(FINDING_TYPES)
    for code, ftype in FINDING_TYPES.items():
        assert ftype.code == code
        assert re.fullmatch(r"[a-z]+(-[a-z0-9]+)*", code), code
        assert isinstance(ftype.severity, Severity)
        assert ftype.description.strip(), code


def test_templates_name_plain_fields() -> None:
    """Fields are bare names (no ``{0}``, ``{a.b}`` or ``{a[0]}``), so call sites can pass them by keyword."""
    for code, ftype in FINDING_TYPES.items():
        for _text, name, _spec, _conv in Formatter().parse(ftype.template):
            if name is not None:
                assert name.isidentifier(), (code, name)
                assert name not in OWN, (code, name)


@pytest.mark.parametrize("call", CALLS, ids=lambda c: c.where)
def test_each_call_passes_exactly_its_template_fields(call: Call) -> None:
    assert call.codes, f"{call.where}: no registered code matches {call.spelled!r}"
    assert not call.splat, f"{call.where}: **fields cannot be checked; pass each field by name"
    assert call.positional <= 2, f"{call.where}: only the code and the position are positional"
    for code in call.codes:
        wanted = set(template_fields(FINDING_TYPES[code].template))
        assert set(call.keywords) == wanted, (
            f"{call.where}: {code} takes {sorted(wanted)}, the call passes {sorted(call.keywords)}"
        )


def test_every_registered_code_is_used() -> None:
    used = {code for c in CALLS for code in c.codes}
    assert set(FINDING_TYPES) - used == set()


# ---------------------------------------------------------------- the fields a finding keeps


class Strength(StrEnum):
    PRIMARY = "◎"


def test_a_finding_keeps_its_fields_in_template_order() -> None:
    f = finding(
        "uncertain-mark-column",
        Position("x.txt", 3, 30, None, "06-22"),
        raw="◎",
        inferred="34条",
        confidence="low",
        readings="left=-, right=34条, header=-",
        level="low",
        label="34条",
        column=30,
        strength=Strength.PRIMARY,
    )
    assert f.fields == (
        ("strength", "◎"),
        ("column", 30),
        ("label", "34条"),
        ("level", "low"),
        ("readings", "left=-, right=34条, header=-"),
    )
    assert type(f.fields[0][1]) is str  # the enum's value, not the enum
    assert f.values["column"] == 30
    assert f.message == (
        "◎ mark in cell 30: column read as 34条 with low confidence (readings: left=-, right=34条, header=-)"
    )
    assert pickle.loads(pickle.dumps(f)) == f  # findings travel between worker processes
    assert hash(f) == hash(pickle.loads(pickle.dumps(f)))


def test_a_finding_pickles_with_every_part() -> None:
    """Findings and positions pickle as their constructors' arguments: none may be dropped."""
    where = Position("edition.txt", 12, 31, "府省庁名", "06-22")
    values = {name: f"value of {name}" for name in FINDING_TYPES["aliased-organization"].fields}
    f = finding(
        "aliased-organization", where, raw="総務省消防庁", inferred="消防庁", confidence="high", **values
    )
    back = pickle.loads(pickle.dumps(f))
    assert back == f  # every field compared
    assert back.position == where and back.severity is f.severity and back.fields == f.fields != ()


def test_a_repr_field_is_kept_as_the_value_not_its_repr() -> None:
    f = finding("unknown-organization", raw="未来省", value="未来省")
    assert f.message == "unknown organisation name '未来省'"
    assert f.fields == (("value", "未来省"),)


def test_finding_refuses_fields_its_template_lacks_or_needs() -> None:
    with pytest.raises(TypeError, match="takes the fields value"):
        finding("unknown-organization", value="x", name="y")
    with pytest.raises(TypeError, match="takes the fields value"):
        finding("unknown-organization")
    with pytest.raises(TypeError, match=r"\(none\)"):
        finding("missing-name", value="x")


def test_a_finding_made_directly_still_works() -> None:
    f = Finding("missing-name", Severity.ERROR, "measure has no name", Position("a.txt", 2))
    assert f.fields == () and f.values == {}
    assert str(f) == "error: a.txt:2: measure has no name [missing-name]"


# ---------------------------------------------------------------- kg build --findings FILE


@pytest.fixture()
def data(tmp_path: Path) -> Path:
    d = tmp_path / "data"
    shutil.copytree(ROOT / "data" / "editions", d / "editions")
    return d


def _kg(*args: str) -> Result:
    _register()
    return CliRunner().invoke(cli, list(args))


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_build_writes_every_finding_as_json(tmp_path: Path) -> None:
    out, path = tmp_path / "build", tmp_path / "reports" / "findings.json"
    res = _kg("build", "--data-dir", str(ROOT / "data"), "--out", str(out), "--findings", str(path))
    assert res.exit_code == 0, res.output
    assert f"findings: all 86 written to {path}" in res.stdout
    records = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(records, list) and len(records) == 86  # 82 warnings and 4 notes: every severity
    assert Counter(r["severity"] for r in records) == {"warning": 82, "info": 4}
    assert all(list(r) == list(COLUMNS) for r in records)
    [mark] = [r for r in records if r["measure_id"] == "06-22" and r["column"] == 30]
    assert mark == {
        "code": "uncertain-mark-column",
        "severity": "warning",
        "message": "◎ mark in cell 30: column read as 34条 with low confidence"
        " (readings: left=34条, right=35条, header=33条)",
        "file": "000_12dec0b774bbd4f2.txt",
        "line": 35,
        "column": 30,
        "column_name": "33条",
        "measure_id": "06-22",
        "raw": "◎",
        "inferred": "34条",
        "confidence": "low",
        "fields": {
            "strength": "◎",
            "column": 30,
            "label": "34条",
            "level": "low",
            "readings": "left=34条, right=35条, header=33条",
        },
    }
    # The same findings as the review report lists, where they overlap.
    review = _csv(out / "review.csv")
    assert len(review) == len([r for r in records if r["code"] in REVIEW_CODES])
    assert [p.name for p in path.parent.iterdir()] == ["findings.json"]  # no temp file left behind


def test_build_writes_csv_with_fields_as_json_text(tmp_path: Path) -> None:
    path = tmp_path / "findings.csv"
    res = _kg("build", "-q", "--no-validate", "--data-dir", str(ROOT / "data"), "--out",
              str(tmp_path / "b"), "--findings", str(path))
    assert res.exit_code == 0, res.output
    assert path.read_text(encoding="utf-8").splitlines()[0] == ",".join(COLUMNS)
    rows = _csv(path)
    assert len(rows) == 86
    split = next(r for r in rows if r["code"] == "split-organization")
    assert json.loads(split["fields"]) == {"value": "内閣官房デジタル庁", "names": "内閣官房 + デジタル庁"}
    place = (split["line"], split["column"], split["measure_id"], split["confidence"])
    assert place == ("7", "32", "04-01", "")
    # Every finding carries its template's fields (no-marks has none: its message is fixed).
    assert all(list(json.loads(r["fields"])) == list(FINDING_TYPES[r["code"]].fields) for r in rows)
    assert any(json.loads(r["fields"]) for r in rows)


def test_findings_format_option_overrides_the_suffix(tmp_path: Path) -> None:
    path = tmp_path / "findings.txt"
    res = _kg("build", "-q", "--no-validate", "--data-dir", str(ROOT / "data"), "--out", str(tmp_path / "b"),
              "--findings", str(path), "--findings-format", "json")
    assert res.exit_code == 0, res.output
    assert len(json.loads(path.read_text(encoding="utf-8"))) == 86


@pytest.mark.parametrize(
    ("name", "extra", "message"),
    [
        ("findings.txt", (), "name the file .json or .csv"),
        ("b/findings.json", (), "inside the output folder"),
        ("findings.json", ("--findings-format", "xml"), "'xml' is not one of"),
    ],
)
def test_bad_findings_targets_are_usage_errors(tmp_path: Path, name: str, extra: tuple[str, ...],
                                               message: str) -> None:
    out = tmp_path / "b"
    res = _kg("build", "--no-validate", "--data-dir", str(ROOT / "data"), "--out", str(out),
              "--findings", str(tmp_path / name), *extra)
    assert res.exit_code == 2 and message in res.stderr, res.output
    assert not out.exists() and not (tmp_path / name).exists()  # refused before building


def test_findings_are_written_when_the_build_fails(data: Path, tmp_path: Path) -> None:
    """An error stops the build (exit 3, nothing built) but the findings file says why, with the rest."""
    assert _kg("export", "--data-dir", str(data)).exit_code == 0
    [table] = (data / "curated").glob("*.csv")
    with table.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    column = rows[0].index("府省庁名")
    [row] = [r for r in rows if r[0] == "06-22"]
    assert row[column] == "◎総務省;デジタル庁;厚生労働省;経済産業省"
    row[column] = "◎総務省;未来省;厚生労働省;経済産業省"
    with table.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    out, path = tmp_path / "b", tmp_path / "findings.json"
    path.write_text("stale", encoding="utf-8")
    res = _kg("build", "--data-dir", str(data), "--out", str(out), "--findings", str(path))
    assert res.exit_code == 3, res.output
    assert not out.exists()
    records = json.loads(path.read_text(encoding="utf-8"))
    [error] = [r for r in records if r["severity"] == "error"]
    assert error["code"] == "unknown-organization"
    assert (error["measure_id"], error["column_name"]) == ("06-22", "府省庁名")
    assert error["file"] == str(table)
    assert error["fields"] == {"value": "未来省"} and error["line"] is not None
    assert len(records) > 1  # the warnings too


def test_unreadable_input_is_one_input_error_finding(tmp_path: Path) -> None:
    empty = tmp_path / "data"
    (empty / "editions").mkdir(parents=True)
    path = tmp_path / "findings.csv"
    res = _kg("build", "--data-dir", str(empty), "--out", str(tmp_path / "b"), "--findings", str(path))
    assert res.exit_code == 3, res.output
    [row] = _csv(path)
    assert row["code"] == "input-error" and row["severity"] == "error"
    assert row["message"] in res.stderr
    assert json.loads(row["fields"]) == {"message": row["message"]}


def test_write_findings_replaces_atomically(tmp_path: Path) -> None:
    path = tmp_path / "f.json"
    path.write_text("old", encoding="utf-8")
    f = finding("missing-name", Position("a.txt", 3, 2, "施策名", "03-01"))
    assert write_findings(path, [f]) == 1
    assert json.loads(path.read_text(encoding="utf-8"))[0]["fields"] == {}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.json"]


def test_findings_are_written_when_shacl_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A SHACL violation stops the build (exit 4); the findings file holds it and the other findings."""
    import kg.validate

    def failing(**_options: object) -> Callable[[Path, object, Report], None]:
        def run(_stage: Path, _graphs: object, report: Report) -> None:
            report.add(finding("shacl-violation", Position("x.txt", 7, 3, None, "04-01"), message="broken"))

        return run

    monkeypatch.setattr(kg.validate, "build_validator", failing)
    out, path = tmp_path / "b", tmp_path / "findings.csv"
    res = _kg("build", "--data-dir", str(ROOT / "data"), "--out", str(out), "--findings", str(path))
    assert res.exit_code == 4, res.output
    assert not out.exists()
    rows = _csv(path)
    assert len(rows) == 87
    [row] = [r for r in rows if r["severity"] == "error"]
    assert (row["code"], row["message"], row["measure_id"], row["fields"]) == (
        "shacl-violation", "broken", "04-01", '{"message": "broken"}'
    )


def test_csv_for_people_never_carries_a_live_formula(tmp_path: Path) -> None:
    """A source cell like =HYPERLINK(…) is written with a leading ' to review.csv and findings CSV (OWASP)."""
    from kg.review import write_review

    hostile = "=HYPERLINK(\"http://example.invalid\",\"x\")"
    where = Position("s.txt", 7, 32, "府省庁名", "04-01")
    found = [finding("unknown-organization", where, raw=hostile, value="@evil")]
    write_findings(tmp_path / "findings.csv", found)
    [row] = _csv(tmp_path / "findings.csv")
    assert row["raw"] == "'" + hostile and row["message"].startswith("'") is False
    assert json.loads(row["fields"]) == {"value": "@evil"}  # JSON text, read by programs, left as is
    write_review(tmp_path, found)
    [review] = _csv(tmp_path / "review.csv")
    assert review["raw"] == "'" + hostile
    assert review["line"] == "7" and review["measure_id"] == "04-01"  # ordinary cells untouched

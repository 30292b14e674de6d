"""The bundled change queries: measures-changed on builds of two and three editions (through the
lineage), and kpis-changed, ministries-changed, marks-moved on the change graph kg diff writes.

The editions are kg diff's test editions (tests/fixtures/diff/, see tests/test_diff.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.diff import diff_build
from kg.query import find_query, run_query
from kg.store import EmbeddedStore
from tests.test_diff import FIRST, NEW, OLD, make_build


def answer(store: EmbeddedStore, name: str, *columns: str, **params: str) -> list[tuple[str, ...]]:
    bindings = run_query(find_query(name), params, store)["results"]["bindings"]
    return [tuple(b.get(c, {}).get("value", "") for c in columns) for b in bindings]


@pytest.fixture(scope="module")
def two(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_build(tmp_path_factory.mktemp("queries-two"), (OLD, NEW))


@pytest.fixture(scope="module")
def three(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_build(tmp_path_factory.mktemp("queries-three"), (FIRST, OLD, NEW))


@pytest.fixture(scope="module")
def changes(two: Path) -> EmbeddedStore:
    return EmbeddedStore.open(diff_build(two, OLD, NEW, two.parent / "diff").out_dir)


COLUMNS = ("change", "edition", "id", "otherId")


def test_measures_changed_on_two_editions(two: Path) -> None:
    got = answer(EmbeddedStore.open(two), "measures-changed", *COLUMNS, old=OLD)
    assert got == [
        ("added", NEW, "03-01", ""),
        ("removed", OLD, "01-04", ""),
        ("renamed", NEW, "01-06", "01-06"),
        ("renumbered", NEW, "02-01", "01-03"),
        ("split", NEW, "02-02", "01-05"),
        ("split", NEW, "02-03", "01-05"),
    ]


def test_measures_changed_on_three_editions(three: Path) -> None:
    store = EmbeddedStore.open(three)
    # 2022 → 2023: both 2022 measures renumbered (crosswalk), four measures new in 2023.
    assert answer(store, "measures-changed", *COLUMNS, old=FIRST, new=OLD) == [
        ("added", OLD, "01-03", ""), ("added", OLD, "01-04", ""), ("added", OLD, "01-05", ""),
        ("added", OLD, "01-06", ""),
        ("renumbered", OLD, "01-01", "1-1"), ("renumbered", OLD, "01-02", "1-2"),
    ]
    # 2022 → 2025 (latest), across 2023: the lineage carries 1-1 and 1-2 through.
    across = answer(store, "measures-changed", *COLUMNS, old="2022")
    assert [r for r in across if r[0] == "renumbered"] == [
        ("renumbered", NEW, "01-01", "1-1"), ("renumbered", NEW, "01-02", "1-2"),
    ]
    assert {r[2] for r in across if r[0] == "added"} == {"01-06", "02-01", "02-02", "02-03", "03-01"}
    # The same editions as on two: the same answer as in a build of those two alone.
    two_of_three = answer(store, "measures-changed", *COLUMNS, old=OLD, new=NEW)
    assert ("renumbered", NEW, "02-01", "01-03") in two_of_three
    assert len(two_of_three) == 6


def test_kpis_changed(changes: EmbeddedStore) -> None:
    got = answer(changes, "kpis-changed", "changes", "newId", "change", "kpi")
    assert got == [
        (f"{OLD}/{NEW}", "01-01", "kpi-rewritten", "KPI 1"),
        (f"{OLD}/{NEW}", "01-01", "kpi-deadline-moved", "KPI 1"),
        (f"{OLD}/{NEW}", "01-02", "kpi-rewritten", "KPI 1"),
        (f"{OLD}/{NEW}", "01-02", "kpi-target-changed", "KPI 1"),
        (f"{OLD}/{NEW}", "01-02", "kpi-status-changed", "KPI 1"),
        (f"{OLD}/{NEW}", "01-02", "kpi-removed", "KPI 2"),
        (f"{OLD}/{NEW}", "01-02", "kpi-added", "KPI 2"),
    ]


def test_ministries_changed(changes: EmbeddedStore) -> None:
    got = answer(changes, "ministries-changed", "oldId", "newId", "change", "organisation")
    # 総務省消防庁 → 消防庁 (01-02) is the same organisation: not listed.
    assert got == [
        ("01-01", "01-01", "organization-added", "デジタル庁"),
        ("01-03", "02-01", "lead-added", "内閣府"),
        ("01-03", "02-01", "organization-added", "デジタル庁"),
    ]


def test_marks_moved(changes: EmbeddedStore) -> None:
    got = answer(changes, "marks-moved", "newId", "change", "moved", "old", "new")
    assert got == [
        ("01-01", "mark-strength-changed", "true", "○21条", "◎21条"),
        ("01-01", "mark-renumbered", "false", "34条", "35条"),
        ("01-01", "mark-removed", "true", "○22条", ""),
    ]

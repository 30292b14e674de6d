"""Editions as data: three editions in three layouts built into one dataset, validation on.

The 2022-layout and post-2024 editions are written for these tests in the
extract format (tests/fixtures/editions/); the 2023 one is the bundled extract.
Each is read from its own header and edition.toml; each article column is
resolved against the law as in force on its decision date, so the 2024
renumbering of デジタル社会形成基本法 shows up as data: the 2025 ``34条`` is
another provision than the 2023 one, which the 2025 ``35条`` is.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from pyoxigraph import NamedNode, RdfFormat, Store

from kg.build import BuildResult, build
from kg.cli import _register, cli
from kg.config import Settings
from kg.errors import InputError
from kg.read.edition import load_editions, select_edition
from tests.paths import ROOT

FIXTURES = Path(__file__).parent / "fixtures" / "editions"
BASE = "https://kg.example.jp/"
KG = "https://kg.example.jp/def/kg#"
L428, L503 = "428AC1000000103", "503AC0000000035"
AI = "民主主義的な価値に基づいた人間中心のAI原則の実践の支援"


def _data(tmp: Path, crosswalk: str = "") -> Path:
    data = tmp / "data"
    (data / "editions").mkdir(parents=True)
    shutil.copytree(ROOT / "data" / "editions" / "2023", data / "editions" / "2023")
    for name in ("2022-06-07", "2025-06-13"):
        shutil.copytree(FIXTURES / name, data / "editions" / name)
    header = "from_edition,from_id,to_edition,to_id,note,source\n"
    (data / "lineage.csv").write_text(header + crosswalk, encoding="utf-8")
    return data


CROSSWALK = (
    "2022-06-07,2-4,2023-06-09,03-01,AI原則の施策（2022年は2-4、2023年は03-01）,shared/docs/domain.md §1\n"
)


@pytest.fixture(scope="module")
def three(tmp_path_factory: pytest.TempPathFactory) -> tuple[BuildResult, Store]:
    tmp = tmp_path_factory.mktemp("editions")
    data = _data(tmp, CROSSWALK)
    out = tmp / "build"
    _register()
    # The documented command, with its defaults (SHACL validation on).
    res = CliRunner().invoke(cli, ["build", "--data-dir", str(data), "--out", str(out)])
    assert res.exit_code == 0, res.output
    result = build(Settings(data_dir=data, build_dir=tmp / "again"))
    assert result.written
    store = Store()
    for nt in sorted(out.glob("*.nt")):
        graph = NamedNode(BASE + "graph/" + nt.stem.replace("plan-", "plan/"))
        store.bulk_load(path=str(nt), format=RdfFormat.N_TRIPLES, to_graph=graph)
    return result, store


def _objects(store: Store, s: str, p: str) -> set[str]:
    return {q.object.value for q in store.quads_for_pattern(NamedNode(s), NamedNode(p), None, None)}


def _provisions(store: Store, edition: str, mark: str) -> set[str]:
    return _objects(store, f"{BASE}plan/{edition}/mark/{mark}", KG + "provision")


def _article(law: str, when: str, number: int) -> str:
    return f"{BASE}law/{law}/{when}/article/{number}"


def test_three_plan_graphs_each_read_from_its_own_header(three: tuple[BuildResult, Store]) -> None:
    result, _ = three
    names = [g.name for g in result.graphs]
    plans = [n for n in names if n.startswith("plan-")]
    assert plans == ["plan-2022-06-07", "plan-2023-06-09", "plan-2025-06-13"]
    counts = {e.key: (e.measures, e.kpis) for e in result.editions}
    assert counts["2023-06-09"] == (48, 98)
    # 2-5 has no progress KPI (—) and one effect KPI; 3-1 one progress KPI and an empty effect cell.
    assert counts["2022-06-07"] == (3, 4)
    assert counts["2025-06-13"] == (3, 2)  # 03-02's KPI cell is —


def test_2022_layout_two_kpi_columns_keep_their_kind(three: tuple[BuildResult, Store]) -> None:
    _, store = three
    kinds = {
        k: _objects(store, f"{BASE}plan/2022-06-07/kpi/2-4-{k}", KG + "kpiKind") for k in (1, 2)
    }
    assert kinds == {1: {KG + "ProgressKPI"}, 2: {KG + "EffectKPI"}}
    text = _objects(store, f"{BASE}plan/2022-06-07/kpi/2-4-2", KG + "text")
    assert text == {"2025年度までに原則に沿った取組を行う国を10か国"}
    # The 2023 edition has one KPI column: no kind.
    assert not _objects(store, f"{BASE}plan/2023-06-09/kpi/04-01-1", KG + "kpiKind")


def test_2022_marks_resolve_to_the_2022_text(three: tuple[BuildResult, Store]) -> None:
    _, store = three
    when = "2022-06-07"
    assert _provisions(store, when, "2-4-1") == {
        f"{_article(L428, when, 11)}/paragraph/1",
        f"{_article(L428, when, 11)}/paragraph/2",
    }
    assert _provisions(store, when, "2-4-2") == {_article(L503, when, 34)}
    assert _provisions(store, when, "2-5-1") == {_article(L428, when, 10)}
    # In 2022, Art. 34 is the original one (international cooperation).
    assert _objects(store, _article(L503, when, 34), KG + "asProvision") == {f"{BASE}law/{L503}/provision/34"}


def test_2023_marks_resolve_as_before(three: tuple[BuildResult, Store]) -> None:
    _, store = three
    when = "2023-06-09"
    assert _provisions(store, when, "06-16-2") == {_article(L503, when, 35)}
    assert _provisions(store, when, "06-18-1") == {f"{_article(L428, when, 15)}/paragraph/1"}
    assert _provisions(store, when, "09-27-1") == {_article(L428, when, 10)}
    art34 = _article(L503, when, 34)
    assert _objects(store, art34, KG + "asProvision") == {f"{BASE}law/{L503}/provision/34"}
    assert _objects(store, art34, KG + "currentArticleNumber") == {"35"}


def test_2025_marks_resolve_after_the_renumbering(three: tuple[BuildResult, Store]) -> None:
    _, store = three
    when = "2025-06-13"
    # Marks are numbered left to right: 03-01 has 21条 ○, 34条 ◎, 35条 ○.
    assert _provisions(store, when, "03-01-1") == {_article(L503, when, 21)}
    # 34条 in 2025 is the article inserted in 2024: another provision than the 2023 34条.
    assert _provisions(store, when, "03-01-2") == {_article(L503, when, 34)}
    inserted = f"{BASE}law/{L503}/provision/34-2024"
    assert _objects(store, _article(L503, when, 34), KG + "asProvision") == {inserted}
    # 35条 in 2025 is the 2023 34条 (international cooperation), renumbered.
    assert _provisions(store, when, "03-01-3") == {_article(L503, when, 35)}
    assert _objects(store, _article(L503, when, 35), KG + "asProvision") == {f"{BASE}law/{L503}/provision/34"}
    assert _objects(store, _article(L503, when, 36), KG + "asProvision") == {f"{BASE}law/{L503}/provision/35"}
    assert _provisions(store, when, "04-01-2") == {_article(L503, when, 36)}


def test_a_number_no_source_covers_on_the_date_links_to_nothing(three: tuple[BuildResult, Store]) -> None:
    result, store = three
    # The 官民データ法 numbering is checked up to 2023-06-09 only: the 2025 10条 mark keeps its
    # column label but is linked to no article, and the build says why.
    assert _provisions(store, "2025-06-13", "04-01-1") == set()
    assert _objects(store, f"{BASE}plan/2025-06-13/mark/04-01-1", KG + "columnLabel") == {"10条"}
    unverified = [f for f in result.report if f.code == "unverified-numbering"]
    assert {f.position.column_name for f in unverified if "2025-06-13" in (f.position.file or "")} >= {"10条"}
    assert not [f for f in unverified if "/2023/" in (f.position.file or "")]


def test_lineage_links_measures_across_editions(three: tuple[BuildResult, Store]) -> None:
    result, store = three
    lineage = f"{BASE}lineage/2022-06-07/2-4"
    # 2-4 (2022) → 03-01 (2023) by the crosswalk; 03-01 (2023) → 03-01 (2025) by same ID and name.
    for edition, measure in (("2022-06-07", "2-4"), ("2023-06-09", "03-01"), ("2025-06-13", "03-01")):
        assert _objects(store, f"{BASE}plan/{edition}/measure/{measure}", KG + "lineage") == {lineage}
    assert _objects(store, lineage, KG + "firstEdition") == {f"{BASE}plan/2022-06-07"}
    # 03-02 and 04-01 of 2025 have IDs of 2023 measures but other names: own lineages, review notes.
    assert _objects(store, f"{BASE}plan/2025-06-13/measure/03-02", KG + "lineage") == {
        f"{BASE}lineage/2025-06-13/03-02"
    }
    notes = [f for f in result.report if f.code == "lineage-unconfirmed"]
    assert [(f.position.measure_id, f.position.line) for f in notes] == [("03-02", 4), ("04-01", 5)]


def test_a_crosswalk_row_naming_a_missing_measure_stops_the_build(tmp_path: Path) -> None:
    data = _data(tmp_path, "2022-06-07,9-9,2023-06-09,03-01,typo,test\n")
    _register()
    res = CliRunner().invoke(cli, ["build", "--data-dir", str(data), "--out", str(tmp_path / "b")])
    assert res.exit_code == 3, res.output
    assert "lineage.csv:2" in res.output and "9-9" in res.output
    assert not (tmp_path / "b").exists()


def test_two_editions_with_one_decision_date_are_refused(tmp_path: Path) -> None:
    data = _data(tmp_path)
    shutil.copytree(data / "editions" / "2025-06-13", data / "editions" / "copy")
    with pytest.raises(InputError, match="2025-06-13"):
        load_editions(data)


def test_an_edition_is_named_by_date_or_by_a_unique_year(tmp_path: Path) -> None:
    metas = load_editions(_data(tmp_path))
    assert select_edition(metas, "2023-06-09").key == "2023-06-09"
    assert select_edition(metas, "2025").key == "2025-06-13"
    with pytest.raises(InputError, match="no edition 2024"):
        select_edition(metas, "2024")


def test_a_measure_linked_twice_in_the_crosswalk_is_refused(tmp_path: Path) -> None:
    from kg.read.crosswalk import read_crosswalk

    data = _data(tmp_path, CROSSWALK + CROSSWALK.replace("2-4", "2-5"))
    with pytest.raises(InputError, match="already linked at line 2") as caught:
        read_crosswalk(data)
    assert caught.value.position.line == 3

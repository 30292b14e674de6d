"""Merges: the crosswalk states them, the lineage graph records them, ``kg diff`` reports them.

The editions are written here, in the extract format (tab-separated, the
two-row header of the 2023 and the 2025 layout), three of them: 2022 and 2023
have the same four measures (so each continues by the same ID and name), and
in 2025 two of them are merged into a renumbered one (2-1, continuing 1-2) and
a third into a measure that is kept (1-3). ``kg diff`` is run on the pair the
merges link and across the middle edition. Mistaken merges (a target the new
edition lacks, a measure both merged and kept, merged and continued) are
refused, each naming the crosswalk's file and line.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef

from kg.cli import _register, cli
from kg.diff.changes import TYPES
from kg.errors import InputError
from kg.read.crosswalk import read_crosswalk
from kg.validate import validate
from tests.paths import ROOT, pin

L428 = ["10条", "11条 1項 2項", "11条 3項", "12条", "13条", "14条", "15条 1項", "15条 2項", "16条", "17条",
        "18条", "19条"]
L503_2023 = [f"{n}条" for n in range(21, 36)]
L503_2025 = [f"{n}条" for n in range(21, 37)]
B = "https://kg.example.jp/"
MERGED_INTO = URIRef("https://kg.example.jp/def/kg#mergedInto")

#: Each edition by date: article labels of デジタル社会形成基本法, and measures (ID, name, description).
FOUR = [
    ("1-1", "テスト施策 統合される施策甲", "甲の取組を進める。"),
    ("1-2", "テスト施策 統合される施策乙", "乙の取組を進める。"),
    ("1-3", "テスト施策 存続する施策", "存続する取組を進める。"),
    ("1-4", "テスト施策 吸収される施策", "吸収される取組を進める。"),
]
EDITIONS = {
    "2022-06-07": (L503_2023, FOUR),
    "2023-06-09": (L503_2023, FOUR),
    "2025-06-13": (L503_2025, [
        ("1-3", "テスト施策 存続する施策", "存続する取組を進める。"),
        ("2-1", "テスト施策 統合後の施策", "乙の取組を進める。"),
    ]),
}
HEADER = "from_edition,from_id,to_edition,to_id,note,source,relation\n"
CROSSWALK = (
    "2023-06-09,1-2,2025-06-13,2-1,テスト：統合（2-1 は 1-2 の系譜を引き継ぐ）,tests/test_diff_merge.py,\n"
    "2023-06-09,1-1,2025-06-13,2-1,テスト：統合,tests/test_diff_merge.py,merged\n"
    "2023-06-09,1-4,2025-06-13,1-3,テスト：存続する施策への統合,tests/test_diff_merge.py,merged\n"
)


def _toml(key: str, articles: list[str]) -> str:
    labels = ", ".join(f'"{a}"' for a in articles)
    return (
        "# A test edition written for kg diff's merge tests (not a real plan's table).\n"
        f'decided = {key}\ntitle_ja = "統合のテスト用の版 {key}"\ntitle_en = "merge test edition {key}"\n'
        'source = "source.txt"\n\n[table]\nid = "施策番号"\nname = "施策名"\nkpi = ["KPI"]\n'
        'description = "課題・取組概要（スケジュール・効果）"\norganizations = "府省庁名"\n\n'
        f'[table.articles]\n428AC1000000103 = [{", ".join(f"{chr(34)}{a}{chr(34)}" for a in L428)}]\n'
        f"503AC0000000035 = [{labels}]\n"
    )


def _source(articles: list[str], measures: list[tuple[str, str, str]]) -> str:
    marks = len(L428) + len(articles)
    groups = ["官民データ活用推進基本法第3章基本的施策の条"] + [""] * (len(L428) - 1)
    groups += ["デジタル社会形成基本法第4章の条"] + [""] * (len(articles) - 1)
    lines = [
        "\t".join(["施策番号", "施策名", "KPI", "課題・取組概要（スケジュール・効果）", *groups, "府省庁名"]),
        "\t".join(["", "", "", "", *L428, *articles, ""]),
    ]
    for measure_id, name, description in measures:
        lines.append("\t".join([measure_id, name, "—", description, *([""] * marks), "デジタル庁"]))
    return "\n".join(lines) + "\n"


def write_data(root: Path, crosswalk: str = CROSSWALK, editions: tuple[str, ...] = tuple(EDITIONS)) -> Path:
    data = root / "data"
    for key in editions:
        articles, measures = EDITIONS[key]
        folder = data / "editions" / key
        folder.mkdir(parents=True)
        (folder / "edition.toml").write_text(_toml(key, articles), encoding="utf-8")
        (folder / "source.txt").write_text(_source(articles, measures), encoding="utf-8")
        pin(folder)
    (data / "lineage.csv").write_text(HEADER + crosswalk, encoding="utf-8")
    return data


def run(*args: str) -> tuple[int, str]:
    _register()
    res = CliRunner().invoke(cli, list(args))
    return res.exit_code, res.output


def build_merge_editions(root: Path, *options: str) -> Path:
    """The three merge test editions written under ``root`` and built into ``root/build``."""
    code, output = run("build", "--data-dir", str(write_data(root)), "--out", str(root / "build"), *options)
    assert code == 0, output
    return root / "build"


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_merge_editions(tmp_path_factory.mktemp("merge"))


def rows(folder: Path) -> list[tuple[str, ...]]:
    with (folder / "changes.csv").open(encoding="utf-8", newline="") as fh:
        return [(r["old_id"], r["new_id"], r["change"], r["aspect"], r["old"], r["new"], r["note"])
                for r in csv.DictReader(fh)]


MERGED = [
    ("1-4", "1-3", "measure-merged", "", "1-4", "1-3", "1-3（テスト施策 存続する施策）に統合された施策"),
    ("1-1", "2-1", "measure-merged", "", "1-1", "2-1", "2-1（テスト施策 統合後の施策）に統合された施策"),
    ("1-2", "2-1", "measure-renumbered", "", "1-2", "2-1", ""),
    ("1-2", "2-1", "measure-renamed", "", "テスト施策 統合される施策乙", "テスト施策 統合後の施策", ""),
]


def test_the_lineage_graph_records_each_merge(build: Path) -> None:
    graph = Graph().parse(build / "lineage.nt", format="nt")
    assert sorted((str(s), str(o)) for s, _, o in graph.triples((None, MERGED_INTO, None))) == [
        (f"{B}plan/2023-06-09/measure/1-1", f"{B}plan/2025-06-13/measure/2-1"),
        (f"{B}plan/2023-06-09/measure/1-4", f"{B}plan/2025-06-13/measure/1-3"),
    ]
    # 2-1 continues 1-2's lineage (the plain row); the merged lineages end in 2023.
    plan = (build / "plan-2025-06-13.nt").read_text(encoding="utf-8")
    lineage = "<https://kg.example.jp/def/kg#lineage>"
    assert f"<{B}plan/2025-06-13/measure/2-1> {lineage} <{B}lineage/2022-06-07/1-2>" in plan


def test_kg_diff_reports_the_merges(build: Path, tmp_path: Path) -> None:
    code, output = run("diff", "2023", "2025", "--build-dir", str(build), "--out", str(tmp_path / "d"))
    assert code == 0, output
    assert rows(tmp_path / "d") == MERGED
    assert output.splitlines()[-1] == (
        f"version notes of 2025-06-13: kg catalog and kg site look for them in"
        f" {build.parent / 'diff-2023-06-09-2025-06-13'}, not here")
    assert output.splitlines()[0] == (
        "2023-06-09 から 2025-06-13 への変更：施策 4 → 2、変更のある施策 3"
        "（施策番号の変更 1、施策名の変更 1、施策の統合 2）。"
    )
    md = (tmp_path / "d" / "changes.md").read_text(encoding="utf-8")
    assert "| 施策の統合 | measure-merged | 2 |" in md
    assert ("### 1-1（2-1 に統合） テスト施策 統合される施策甲\n\n"
            "- 施策の統合：「1-1」 → 「2-1」 — 2-1（テスト施策 統合後の施策）に統合された施策"
            " `measure-merged`\n") in md
    data = json.loads((tmp_path / "d" / "changes.json").read_text(encoding="utf-8"))
    assert data["summary"]["changes"]["measure-merged"] == 2
    assert [(m["old_id"], m["new_id"], [c["change"] for c in m["changes"]]) for m in data["measures"]] == [
        ("1-4", "1-3", ["measure-merged"]), ("1-1", "2-1", ["measure-merged"]),
        ("1-2", "2-1", ["measure-renumbered", "measure-renamed"]),
    ]
    # The change graph: from the merged measure to the one it went into, typed kg:MeasureMerged, and shaped.
    graph = Graph().parse(tmp_path / "d" / "changes.nt", format="nt")
    merged = {
        (str(graph.value(m, URIRef("https://kg.example.jp/def/kg#fromMeasure"))),
         str(graph.value(m, URIRef("https://kg.example.jp/def/kg#toMeasure"))))
        for c in graph.subjects(URIRef("https://kg.example.jp/def/kg#changeType"),
                                URIRef("https://kg.example.jp/def/kg#MeasureMerged"))
        for m in graph.subjects(URIRef("https://kg.example.jp/def/kg#hasChange"), c)
    }
    assert merged == {(f"{B}plan/2023-06-09/measure/1-1", f"{B}plan/2025-06-13/measure/2-1"),
                      (f"{B}plan/2023-06-09/measure/1-4", f"{B}plan/2025-06-13/measure/1-3")}
    report = validate(tmp_path / "d")
    assert report.conforms and not report.results, [r.message_en for r in report.results]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("2023-06-09", "2025-06-13", [
            ("merged", "2023-06-09", "1-1", "2-1"), ("merged", "2023-06-09", "1-4", "1-3"),
            ("renamed", "2025-06-13", "2-1", "1-2"), ("renumbered", "2025-06-13", "2-1", "1-2"),
        ]),
        ("2022-06-07", "2025-06-13", [  # the merge is stated from the edition between
            ("merged", "2022-06-07", "1-1", "2-1"), ("merged", "2022-06-07", "1-4", "1-3"),
            ("renamed", "2025-06-13", "2-1", "1-2"), ("renumbered", "2025-06-13", "2-1", "1-2"),
        ]),
        ("2022-06-07", "2023-06-09", []),  # before the merge: nothing changed
    ],
)
def test_the_measures_changed_query_lists_merges_not_removals(
    build: Path, old: str, new: str, expected: list[tuple[str, ...]]
) -> None:
    from kg.query import find_query
    from kg.query.run import run_query
    from kg.store import EmbeddedStore

    results = run_query(find_query("measures-changed"), {"old": old, "new": new}, EmbeddedStore.open(build))
    got = [tuple(r[k]["value"] for k in ("change", "edition", "id", "otherId"))
           for r in results["results"]["bindings"]]
    assert sorted(got) == sorted(expected)


def test_a_merge_shows_across_an_edition_between(build: Path, tmp_path: Path) -> None:
    """2022 → 2025: the merges were stated from 2023, whose measures continue the 2022 ones."""
    code, output = run("diff", "2022", "2025", "--build-dir", str(build), "--out", str(tmp_path / "d"))
    assert code == 0, output
    assert rows(tmp_path / "d") == MERGED
    assert output.splitlines()[-1] == (
        "not version notes: 2022-06-07 is not the edition just before 2025-06-13 in the build")


def test_before_the_merge_nothing_is_merged(build: Path, tmp_path: Path) -> None:
    code, output = run("diff", "2022", "2023", "--build-dir", str(build), "--out", str(tmp_path / "d"))
    assert code == 0, output
    assert rows(tmp_path / "d") == []


def test_measure_merged_is_a_change_type_of_the_ontology() -> None:
    from kg.resources import ontology_file

    ontology = Graph().parse(ontology_file(), format="turtle")
    concept = URIRef("https://kg.example.jp/def/kg#" + TYPES["measure-merged"].concept)
    notation = ontology.value(concept, URIRef("http://www.w3.org/2004/02/skos/core#notation"))
    assert str(notation) == "measure-merged"


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        # A merge into a measure the new edition does not have.
        ("2023-06-09,1-1,2025-06-13,9-9,typo,test,merged\n",
         "lineage.csv:2: data/lineage.csv names measure 9-9 of edition 2025-06-13"),
        # 1-3 goes on in 2025 under its ID and name: it cannot also be merged.
        ("2023-06-09,1-3,2025-06-13,2-1,wrong,test,merged\n",
         "lineage.csv:2: data/lineage.csv says measure 1-3 of 2023-06-09 was merged into 2-1 of 2025-06-13,"
         " but it is also continued, by 1-3 of 2025-06-13"),
        # 1-1 of 2022 goes on in 2023 (same ID and name): merging the 2022 measure into 2025 is a mistake.
        ("2022-06-07,1-1,2025-06-13,2-1,wrong,test,merged\n",
         "lineage.csv:2: data/lineage.csv says measure 1-1 of 2022-06-07 was merged into 2-1 of 2025-06-13,"
         " but it is also continued, by 1-1 of 2023-06-09"),
    ],
)
def test_a_mistaken_merge_stops_the_build(tmp_path: Path, row: str, expected: str) -> None:
    data = write_data(tmp_path, row)
    code, output = run("build", "--data-dir", str(data), "--out", str(tmp_path / "b"))
    assert code == 3, output
    assert expected in output, output
    assert not (tmp_path / "b").exists()


@pytest.mark.parametrize(
    ("crosswalk", "line", "message"),
    [
        # Merged into 2-1 and also continued by 1-3: it cannot both end and go on.
        ("2023-06-09,1-1,2025-06-13,2-1,a,t,merged\n2023-06-09,1-1,2025-06-13,1-3,b,t,\n", 3,
         "measure 1-1 of 2023-06-09 is merged into 2-1 of 2025-06-13 at line 2"),
        # Merged into two measures.
        ("2023-06-09,1-1,2025-06-13,2-1,a,t,merged\n2023-06-09,1-1,2025-06-13,1-3,b,t,merged\n", 3,
         "is merged into 2-1 of 2025-06-13 at line 2"),
        # Two plain rows into one measure: the message says how to state a merge.
        ("2023-06-09,1-1,2025-06-13,2-1,a,t,\n2023-06-09,1-2,2025-06-13,2-1,b,t,\n", 3,
         "already linked at line 2 (a measure continues one measure; to say that others were merged into it,"
         " give their rows relation merged)"),
        ("2023-06-09,1-1,2025-06-13,2-1,a,t,joined\n", 2, "relation 'joined' is not one of"),
    ],
)
def test_the_crosswalk_refuses_a_mistaken_merge(
    tmp_path: Path, crosswalk: str, line: int, message: str
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "lineage.csv").write_text(HEADER + crosswalk, encoding="utf-8")
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")) as caught:
        read_crosswalk(data)
    assert caught.value.position.file == str(data / "lineage.csv")
    assert caught.value.position.line == line


def test_a_crosswalk_without_the_relation_column_still_reads(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "lineage.csv").write_text(
        "from_edition,from_id,to_edition,to_id,note,source\n2023-06-09,1-1,2025-06-13,2-1,a,t\n",
        encoding="utf-8",
    )
    (row,) = read_crosswalk(data)
    assert (row.from_id, row.to_id, row.merged) == ("1-1", "2-1", False)


def test_a_merge_chain_is_followed_and_a_kept_sibling_is_not_merged() -> None:
    from kg.diff.merges import Merges

    # L1's measure a went into L2 (no measure in the new edition: merged again, into L3, which has n3).
    merges = Merges({"L1": [("a", "L2")], "L2": [("b", "L3")], "L4": [("d2", "L3")]})
    members = {"L2": [], "L3": ["n3"]}
    assert merges.targets("L1", ["a"], [], members) == {"a": ["n3"]}
    # L4 goes on (a split sibling of d2 is kept, n4): only d2, the measure merged, went into L3.
    assert merges.targets("L4", ["d1", "d2"], ["n4"], members) == {"d2": ["n3"]}
    assert merges.targets("L5", ["e"], [], members) == {}
    # A lineage split in the old edition whose two measures were merged into two others: each its own.
    split = Merges({"L6": [("f1", "L3"), ("f2", "L7")]})
    assert split.targets("L6", ["f1", "f2"], [], {"L3": ["n3"], "L7": ["n7"]}) == {"f1": ["n3"], "f2": ["n7"]}


def test_the_readme_crosswalk_example_states_a_merge(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("**Merges.**"):]
    example = section[section.index("```csv\n") + 7:section.index("```", section.index("```csv\n") + 7)]
    (tmp_path / "lineage.csv").write_text(example, encoding="utf-8")
    got = [(r.from_id, r.to_id, r.relation) for r in read_crosswalk(tmp_path)]
    assert got == [("01-02", "02-01", "same"), ("01-01", "02-01", "merged")]

"""Version notes: ``kg diff`` leaves the summary of an edition's changes; catalog and site show it.

The editions are those of tests/test_diff_merge.py (written there in the
extract format): 2022, 2023 and 2025, with merges into 2025. The rule
(kg.diff.notes): the notes of edition E are the summary of the diff from the
edition before E in the build, found in ``diff-PREV-E`` beside the build
folder, made from this very build. Without such a diff, nothing is said —
neither in the catalog record nor on the site.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from lxml import html as lxml_html
from rdflib import Graph, Literal, URIRef

from kg.catalog import DCAT_TURTLE, write_catalog
from kg.catalog.config import load_catalog_config
from kg.diff import diff_build
from kg.diff.notes import version_notes
from kg.manifest import read
from kg.site import write_site
from kg.validate import validate
from tests.paths import ROOT
from tests.test_diff_merge import CROSSWALK, build_merge_editions, run, write_data

B = "https://kg.example.jp/"
VERSION_NOTES = URIRef("http://www.w3.org/ns/adms#versionNotes")
JA = ("2023-06-09 から 2025-06-13 への変更：施策 4 → 2、変更のある施策 3"
      "（施策番号の変更 1、施策名の変更 1、施策の統合 2）。")
EN = ("Changes from 2023-06-09 to 2025-06-13: measures 4 → 2, measures changed 3"
      " (measure renumbered 1, measure renamed 1, measure merged 2).")


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_merge_editions(tmp_path_factory.mktemp("notes"))


def catalog_notes(build: Path, out: Path) -> dict[str, set[Literal]]:
    """The adms:versionNotes of each edition's dcat:Dataset in the catalog record, by edition key."""
    write_catalog(build, load_catalog_config(B, ROOT / "data"), ROOT / "data", out)
    graph = Graph().parse(out / DCAT_TURTLE, format="turtle")
    found: dict[str, set[Literal]] = {}
    for s, _, o in graph.triples((None, VERSION_NOTES, None)):
        assert isinstance(o, Literal)
        found.setdefault(str(s).rsplit("/", 1)[-1], set()).add(o)
    return found


def site_notes(build: Path, out: Path, key: str) -> list[str]:
    """The version-notes block of an edition's page, as its paragraphs' text (none: no block)."""
    write_site(build, out)
    page = lxml_html.fromstring((out / "plan" / f"{key}.html").read_bytes())
    return [" ".join(p.text_content().split()) for block in page.find_class("version-notes")
            for p in block.iter("p")]


def test_without_a_diff_no_version_notes_are_made_up(build: Path, tmp_path: Path) -> None:
    assert version_notes(read(build)).notes == {}
    assert catalog_notes(build, tmp_path / "catalog") == {}
    for key in ("2022-06-07", "2023-06-09", "2025-06-13"):
        assert site_notes(build, tmp_path / "site", key) == []
    assert "versionNotes" not in (tmp_path / "site" / "plan" / "2025-06-13.ttl").read_text(encoding="utf-8")


def test_kg_diff_gives_the_new_edition_its_version_notes(build: Path, tmp_path: Path) -> None:
    # Where kg diff writes by default: beside the build, diff-OLD-NEW.
    result = diff_build(build, "2023", "2025")
    try:
        assert result.out_dir == build.parent / "diff-2023-06-09-2025-06-13"
        summary = json.loads((result.out_dir / "summary.json").read_text(encoding="utf-8"))
        assert (summary["text"], summary["text_en"], summary["version_notes"]) == (JA, EN, True)
        # The change graph: the summary on the new edition (and on the change set), ja and en, shaped.
        changes = Graph().parse(result.out_dir / "changes.nt", format="nt")
        assert set(changes.objects(URIRef(f"{B}plan/2025-06-13"), VERSION_NOTES)) == {
            Literal(JA, lang="ja"), Literal(EN, lang="en")}
        report = validate(result.out_dir)
        assert report.conforms and not report.results, [r.message_en for r in report.results]

        assert catalog_notes(build, tmp_path / "catalog") == {
            "2025-06-13": {Literal(JA, lang="ja"), Literal(EN, lang="en")}}
        assert site_notes(build, tmp_path / "site", "2025-06-13") == [JA, EN]
        for key in ("2022-06-07", "2023-06-09"):
            assert site_notes(build, tmp_path / "site", key) == []
        # The edition's own RDF on the site carries them too.
        ttl = Graph().parse(tmp_path / "site" / "plan" / "2025-06-13.ttl", format="turtle")
        assert set(ttl.objects(URIRef(f"{B}plan/2025-06-13"), VERSION_NOTES)) == {
            Literal(JA, lang="ja"), Literal(EN, lang="en")}
    finally:
        shutil.rmtree(result.out_dir)


def test_a_diff_across_an_edition_between_gives_no_version_notes(build: Path, tmp_path: Path) -> None:
    out = tmp_path / "d"
    diff_build(build, "2022", "2025", out)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["version_notes"] is False
    changes = Graph().parse(out / "changes.nt", format="nt")
    assert not list(changes.triples((None, VERSION_NOTES, None)))
    # The change set still has its description, in both languages.
    described = changes.objects(URIRef(f"{B}changes/2022-06-07/2025-06-13"),
                                URIRef("http://purl.org/dc/terms/description"))
    assert {o.language for o in described if isinstance(o, Literal)} == {"ja", "en"}


def test_a_diff_of_another_build_is_left_out(build: Path, tmp_path: Path) -> None:
    """A diff beside a build that was rebuilt since (other data) describes other graphs: not used."""
    root = tmp_path / "other"
    data = write_data(root, CROSSWALK.replace("テスト：統合,", "テスト：統合（注記を変えた）,"))
    shutil.rmtree(data / "editions" / "2022-06-07")
    code, output = run("build", "--data-dir", str(data), "--out", str(root / "build"))
    assert code == 0, output
    diff_build(root / "build", "2023", "2025")
    assert version_notes(read(root / "build")).notes["2025-06-13"].ja == JA
    # Rebuilt with the first edition back: 2025's lineage links (and so its plan graph) change.
    first = write_data(tmp_path / "again") / "editions" / "2022-06-07"
    shutil.copytree(first, data / "editions" / "2022-06-07")
    code, output = run("build", "--data-dir", str(data), "--out", str(root / "build"))
    assert code == 0, output
    lookup = version_notes(read(root / "build"))
    assert lookup.notes == {} and lookup.stale == (root / "diff-2023-06-09-2025-06-13",)
    assert catalog_notes(root / "build", root / "catalog") == {}
    # Both commands say so.
    left_out = (f"version notes: left out {root / 'diff-2023-06-09-2025-06-13'}: not made from this build"
                " (run kg diff again)")
    for command in (["catalog", "--data-dir", str(data)], ["site", "--out", str(root / "site")]):
        code, output = run(*command, "--build-dir", str(root / "build"))
        assert code == 0 and left_out in output.splitlines(), output

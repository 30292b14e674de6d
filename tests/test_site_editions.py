"""``kg site`` on three editions under a base IRI of another host with a path.

The bundled 2023 edition and the two test editions (2022, a 2022-layout table;
2025, decided after the 2024 renumbering) built together with the crosswalk
that links 2022's 2-4 to 2023's 03-01, under ``https://data.example.org/kg/``:
every page's links resolve, each edition has its summary, a measure names
the same measure in the other editions, and the ontology (whose namespace is
fixed, not under this base) still has its page.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lxml import html as lxml_html

from kg.build.pipeline import build
from kg.config import Settings
from kg.manifest import read
from kg.site import write_site
from tests.paths import ROOT
from tests.site_support import ids, links, pages, resolve

BASE = "https://data.example.org/kg/"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("editions")
    data = root / "data"
    shutil.copytree(ROOT / "data" / "editions" / "2023", data / "editions" / "2023")
    for name in ("2022-06-07", "2025-06-13"):
        shutil.copytree(ROOT / "tests" / "fixtures" / "editions" / name, data / "editions" / name)
    (data / "lineage.csv").write_text(
        "from_edition,from_id,to_edition,to_id,note,source\n"
        "2022-06-07,2-4,2023-06-09,03-01,AI原則の施策,shared/docs/domain.md §1\n", encoding="utf-8")
    result = build(Settings(base_iri=BASE, data_dir=data, build_dir=root / "build"))
    assert result.written, [str(f) for f in result.report.errors]
    assert read(root / "build").base_iri == BASE
    write_site(root / "build", root / "site")
    return root / "site"


def test_every_link_resolves(site: Path) -> None:
    broken = []
    anchors: dict[Path, set[str]] = {}
    for page in pages(site):
        for tag, address in links(page):
            target = resolve(site, page, address)
            if target is None:
                assert not address.startswith(BASE), (page, address)  # minted IRIs are linked as pages
                continue
            path, fragment = target
            if not path.is_file():
                broken.append(f"{page.relative_to(site)}: {tag} {address}")
            elif fragment and path.suffix == ".html":
                if path not in anchors:
                    anchors[path] = ids(path)
                if fragment not in anchors[path]:
                    broken.append(f"{page.relative_to(site)}: {tag} {address}")
    assert broken == []


def test_each_edition_has_its_summary_and_the_lineage_is_shown(site: Path) -> None:
    for key in ("2022-06-07", "2023-06-09", "2025-06-13"):
        assert (site / "plan" / f"{key}.html").is_file()
    page = site / "plan" / "2023-06-09" / "measure" / "03-01.html"
    section = lxml_html.fromstring(page.read_bytes()).find_class("lineage")[0]
    text = " ".join(section.text_content().split())
    assert "2022（令和4年6月7日閣議決定） 2-4" in text
    hrefs = [a.get("href") for a in section.iter("a")]
    assert "../../2022-06-07/measure/2-4.html" in hrefs
    assert (site / "def" / "kg.html").is_file() and "Measure" in ids(site / "def" / "kg.html")

"""The site in a real browser: Debian's Chromium driven by Playwright (``pytest -m browser`` runs them).

Playwright's own browser download cannot work here, so Chromium is the system
one (``apt-get install chromium fonts-ipafont-gothic``; .ci/run installs it),
launched by path. The site is served over HTTP with the conneg rules. The
tests follow links as a reader would (index → edition → measure →
organisation, article, and back), check titles and ``lang``, that the
coverage matrix is drawn and its cells lead to the right measures, that the
search page finds 06-22 by a word of its name, and that the 06-22 page shows
Japanese glyphs rather than empty boxes.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kg.site import write_site
from tests.site_support import serve

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
MEASURE = "plan/2023-06-09/measure/06-22"


@pytest.fixture(scope="module")
def root(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = tmp_path_factory.mktemp("browser") / "site"
    write_site(built, site)
    with serve(site) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    playwright_api = pytest.importorskip("playwright.sync_api",
                                         reason="playwright is not installed (the dev extra has it)")
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium fonts-ipafont-gothic)")
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="ja-JP")
    pg = context.new_page()
    yield pg
    context.close()


def test_follow_links_from_the_index_to_a_measure_an_organisation_an_article_and_back(
    page: Any, root: str
) -> None:
    page.goto(root)
    assert page.locator("html").get_attribute("lang") == "ja"
    assert "重点計画" in page.title()
    page.get_by_role("link", name=re.compile("施策集（2023年）")).first.click()
    assert page.url.endswith("plan/2023-06-09.html")
    assert "施策集（2023年）" in page.title()
    name = "医療高度化に資するPHRデータ流通基盤の構築"
    page.locator("section.measures").get_by_role("link", name=name).click()
    assert page.url.endswith(MEASURE + ".html")
    assert page.title().startswith("医療高度化に資するPHRデータ流通基盤の構築")
    assert page.locator("h1").inner_text().startswith("06-22")
    page.locator("section.ministries li.lead").get_by_role("link", name="総務省").click()
    assert page.url.endswith("org/mic.html") and page.title().startswith("総務省")
    assert page.locator("section.citing").get_by_text("06-22").count() >= 1
    page.go_back()
    assert page.url.endswith(MEASURE + ".html")
    page.locator("section.marks").get_by_role("link", name="デジタル社会形成基本法 第34条").first.click()
    assert "/article/34.html" in page.url and page.title().startswith("デジタル社会形成基本法 第34条")
    assert page.locator("html").get_attribute("lang") == "ja"
    page.go_back()
    page.locator("nav.crumbs").get_by_role("link", name="グループ 06").click()
    assert page.url.endswith("plan/2023-06-09.html#group-06")


def test_the_coverage_matrix_is_drawn_and_its_cells_lead_to_their_measures(page: Any, root: str) -> None:
    page.goto(root + "plan/2023-06-09.html")
    matrix = page.locator("svg.matrix")
    box = matrix.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 500
    cells = page.locator("svg.matrix a.cell")
    assert cells.count() > 10
    for i in range(cells.count()):
        cell = cells.nth(i)
        measure = cell.locator("title").text_content().split(" × ")[0]
        assert (cell.get_attribute("href") or "").endswith(f"/measure/{measure}.html")
    target = page.locator("svg.matrix a.cell", has=page.locator("title", has_text="06-22 ×")).first
    target.click()
    assert page.url.endswith(MEASURE + ".html")
    assert page.locator("h1").inner_text().startswith("06-22")


def test_the_search_page_finds_a_measure_by_a_word_of_its_name(page: Any, root: str) -> None:
    page.goto(root + "search.html")
    page.fill("#q", "PHR")
    results = page.locator("#results li")
    results.first.wait_for()
    texts = [results.nth(i).inner_text() for i in range(results.count())]
    assert any("06-22" in t and "医療高度化" in t for t in texts)
    page.locator("#results a", has_text="06-22").first.click()
    assert page.url.endswith(MEASURE + ".html")
    page.goto(root + "search.html?q=経産省")  # an organisation by its short form
    page.locator("#results li").first.wait_for()
    assert "経済産業省" in page.locator("#results").inner_text()


def test_a_screenshot_of_the_measure_page_shows_japanese_glyphs(page: Any, root: str, tmp_path: Path) -> None:
    page.goto(root + MEASURE + ".html")
    shot = tmp_path / "06-22.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 50_000
    # The heading's own characters, one at a time, in one box: with a Japanese font each kanji
    # draws differently; without one, each is the same empty box (tofu), so their pictures match.
    page.evaluate("""() => {
        const h = document.querySelector('h1');
        const probe = document.createElement('span');
        probe.id = 'probe';
        probe.style.cssText = 'display:inline-block;width:40px;height:40px;font-size:32px;line-height:40px;'
            + 'background:#fff;color:#000';
        h.appendChild(probe);
    }""")
    pictures = {}
    for char in ("医", "療", "基", " "):
        page.evaluate("c => { document.getElementById('probe').textContent = c; }", char)
        pictures[char] = page.locator("#probe").screenshot()
    assert len({pictures[c] for c in ("医", "療", "基")}) == 3, "kanji render as identical boxes (no font)"
    assert all(pictures[c] != pictures[" "] for c in ("医", "療", "基")), "kanji render as nothing"
    heading = page.locator("h1").inner_text()
    assert "医療高度化に資するPHRデータ流通基盤の構築" in heading

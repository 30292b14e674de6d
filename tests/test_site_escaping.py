"""Markup in the data shows as text everywhere the site puts it.

Measure 06-22's name, KPI and description cells carry ``<script>``, an
attribute break-out (``"><img onerror=…>``), a template expression
(``{{ 7*7 }}``) and a ``javascript:`` URL, and its ministry cell a
ministry of the user's own gazetteer named ``<svg/onload=…>``; the edition is
built for real (kg build, SHACL on) and its site written. Every page is then
parsed: no element, attribute or link comes from the data, the text is there
as written, and the embedded JSON-LD and the SVG titles carry it verbatim.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import html as lxml_html

from kg.build.pipeline import build
from kg.config import Settings
from kg.site import write_site
from tests.paths import ROOT
from tests.site_support import HOSTILE_ORG, hostile_data, pages

#: What must survive as text (the builder tidies the markup it reads: ``src=x`` becomes ``src="x"``).
FRAGMENTS = ("<script>alert(1)</script>", '"><img src=', "onerror=", "{{ 7*7 }}", "javascript:alert(3)")


def _has_all(text: str) -> bool:
    return all(f in text for f in FRAGMENTS)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    data = hostile_data(root, ROOT / "data")
    settings = Settings(data_dir=data, build_dir=root / "build")
    result = build(settings)
    assert result.written, [str(f) for f in result.report.errors]
    out = root / "site"
    write_site(root / "build", out)
    return out


def _trees(site: Path) -> list[tuple[Path, lxml_html.HtmlElement]]:
    return [(p, lxml_html.fromstring(p.read_bytes())) for p in pages(site)]


def test_no_element_or_attribute_comes_from_the_data(site: Path) -> None:
    for page, tree in _trees(site):
        for el in tree.iter():
            if not isinstance(el.tag, str):
                continue
            tag = el.tag.rsplit("}", 1)[-1]
            assert tag != "img", page
            assert not any(name.lower().startswith("on") for name in el.attrib), (page, el.attrib)
            if tag == "script":
                src = el.get("src")
                assert src is None or src.rsplit("/", 1)[-1] in {"search-index.js", "search.js"}, page
                assert src is not None or el.get("type") == "application/ld+json", page
            for attr in ("href", "src"):
                assert not (el.get(attr) or "").strip().lower().startswith("javascript:"), page
            if tag == "svg" and el.getparent() is not None and el.getparent().tag != "div":
                pytest.fail(f"{page}: an svg element outside the pictures")


def test_the_hostile_text_is_shown_as_written(site: Path) -> None:
    page = site / "plan" / "2023-06-09" / "measure" / "06-22.html"
    tree = lxml_html.fromstring(page.read_bytes())
    assert _has_all(tree.find(".//h1").text_content())
    text = tree.text_content()
    assert text.count("{{ 7*7 }}") >= 3 and "javascript:alert(3)" in text
    assert HOSTILE_ORG in text
    raw = page.read_text(encoding="utf-8")
    assert "<script>alert(1)" not in raw and "&lt;script&gt;alert(1)&lt;/script&gt;" in raw


def test_the_embedded_json_ld_carries_the_text_and_cannot_close_its_script(site: Path) -> None:
    page = site / "plan" / "2023-06-09" / "measure" / "06-22.html"
    raw = page.read_text(encoding="utf-8")
    start = raw.index('<script type="application/ld+json">') + len('<script type="application/ld+json">')
    body = raw[start:raw.index("</script>", start)]
    assert "<" not in body and ">" not in body
    doc = json.loads(body)
    labels = [v["@value"] for node in doc["@graph"] for v in node.get("rdfs:label", [])]
    assert any(_has_all(label) for label in labels)


def test_svg_titles_and_labels_carry_the_text(site: Path) -> None:
    tree = lxml_html.fromstring((site / "plan" / "2023-06-09.html").read_bytes())
    svg_text = [el.text_content() for el in tree.iter() if isinstance(el.tag, str)
                and el.tag.rsplit("}", 1)[-1] in ("title", "text")]
    assert any(HOSTILE_ORG in t for t in svg_text)


def test_the_search_index_holds_the_text_as_data(site: Path) -> None:
    index = (site / "search-index.js").read_text(encoding="utf-8")
    entries = json.loads(index[index.index("=") + 1:].strip().rstrip(";"))
    assert any(_has_all(e[1]) for e in entries)
    assert "</script>" not in index or index.count("window.KG_SEARCH_INDEX") == 1

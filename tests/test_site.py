"""``kg site``: the static linked-data site of the bundled build, read back file by file.

Every minted IRI has a page and four RDF files that parse and describe it;
every internal link of every page resolves (a link checker over the whole
site); every page parses as HTML without a single parse error (html5lib,
strict); the site is byte-identical when written twice and replaced
atomically; the measure, organisation, article and ontology pages say what
the issue asks of them; VoID and the sitemap point at files that exist.
"""

from __future__ import annotations

import filecmp
import json
import re
import shutil
from pathlib import Path

import html5lib
import pyoxigraph as ox
import pytest
import rdflib
from lxml import etree
from lxml import html as lxml_html

from kg import vocabulary as v
from kg.errors import ConfigError
from kg.manifest import read
from kg.site import pictures, write_site
from kg.site.paths import resource_stem
from tests.site_support import ids, links, pages, resolve

BASE = "https://kg.example.jp/"
MEASURE = BASE + "plan/2023-06-09/measure/06-22"
FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "rdf": "xml"}


@pytest.fixture(scope="session")
def site(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    write_site(built, out)
    return out


def _build_subjects(built: Path) -> dict[str, set[str]]:
    """The build's statements (as N-Triples lines) by IRI subject, all graphs merged."""
    manifest = read(built)
    out: dict[str, set[str]] = {}
    for g in manifest.graphs:
        for q in ox.parse(path=manifest.ntriples(g), format=ox.RdfFormat.N_TRIPLES):
            if isinstance(q.subject, ox.NamedNode):
                out.setdefault(q.subject.value, set()).add(str(q.triple))
    return out


@pytest.fixture(scope="session")
def subjects(built: Path) -> dict[str, set[str]]:
    return _build_subjects(built)


def _minted(subjects: dict[str, set[str]]) -> dict[str, str]:
    """Minted IRIs (under the base, outside the ontology) and their page stems."""
    out = {}
    for iri in subjects:
        stem = resource_stem(iri, BASE)
        if stem is not None and stem != "def/kg":
            out[iri] = stem
    return out


# --- every IRI dereferences -------------------------------------------------------------------


def test_every_minted_iri_has_a_page_and_four_data_files(site: Path, subjects: dict[str, set[str]]) -> None:
    minted = _minted(subjects)
    assert len(minted) > 400
    missing = [f"{stem}.{ext}" for stem in minted.values() for ext in ("html", *FORMATS)
               if not (site / f"{stem}.{ext}").is_file()]
    assert missing == []
    kinds = {stem.split("/")[0] for stem in minted.values()}
    assert {"plan", "org", "law", "lineage"} <= kinds


def test_every_rdf_file_parses_and_describes_exactly_its_iri(
    site: Path, subjects: dict[str, set[str]]
) -> None:
    """Each of the four files holds the build's statements about the page's IRI, no more, no less
    (read with pyoxigraph, every file; and with rdflib, an independent parser, one resource of each kind)."""
    formats = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD,
               "rdf": ox.RdfFormat.RDF_XML}
    kinds: dict[str, str] = {}
    for iri, stem in _minted(subjects).items():
        kinds.setdefault(re.sub(r"/[^/]+$", "", stem), iri)
        for ext, fmt in formats.items():
            got = {str(q.triple) for q in ox.parse(path=site / f"{stem}.{ext}", format=fmt)}
            assert got == subjects[iri], f"{stem}.{ext}"
    assert len(kinds) >= 10
    for iri in kinds.values():
        stem = _minted(subjects)[iri]
        graphs = [rdflib.Graph().parse(site / f"{stem}.{ext}", format=fmt) for ext, fmt in FORMATS.items()]
        assert all(set(g) == set(graphs[0]) for g in graphs), stem
        assert set(graphs[0].subjects()) == {rdflib.URIRef(iri)}, stem


def test_the_ontology_page_has_an_anchor_per_term_and_its_data(
    site: Path, subjects: dict[str, set[str]]
) -> None:
    page = site / "def" / "kg.html"
    anchors = ids(page)
    terms = [iri for iri in subjects if iri.startswith(v.KG)]
    typed = [t for t in terms if any(f"<{v.RDF_TYPE}>" in line for line in subjects[t])]
    assert len(typed) > 90
    assert [t for t in typed if t[len(v.KG):] not in anchors] == []
    text = page.read_text(encoding="utf-8")
    assert "施策" in text and "kgsh:" not in text  # shapes shown by name, not as raw IRIs
    assert "sh:minCount 1" in text and "施策番号は群-連番の形" in text
    onto = rdflib.Graph().parse(site / "def" / "kg.ttl", format="turtle")
    assert (rdflib.URIRef(v.KG + "Measure"), rdflib.RDF.type, rdflib.OWL.Class) in onto


# --- the link checker ------------------------------------------------------------------------


def test_every_internal_link_and_alternate_resolves(site: Path) -> None:
    """All pages: every a/link/script href or src (SVG links too) leads to a file; a fragment to an id."""
    broken: list[str] = []
    anchors: dict[Path, set[str]] = {}
    checked = 0
    for page in pages(site):
        for tag, address in links(page):
            assert not address.lower().startswith("javascript:"), (page, address)
            target = resolve(site, page, address)
            if target is None:
                continue
            path, fragment = target
            checked += 1
            if site not in path.parents or not path.is_file():
                broken.append(f"{page.relative_to(site)}: {tag} {address}")
            elif fragment and path.suffix == ".html":
                if path not in anchors:
                    anchors[path] = ids(path)
                if fragment not in anchors[path]:
                    broken.append(f"{page.relative_to(site)}: {tag} {address} (no id {fragment})")
    assert broken == []
    assert checked > 10_000


def test_every_page_names_its_alternates(site: Path) -> None:
    page = site / "plan" / "2023-06-09" / "measure" / "06-22.html"
    tree = lxml_html.fromstring(page.read_bytes())
    alternates = {el.get("type"): el.get("href") for el in tree.iter("link") if el.get("rel") == "alternate"}
    assert alternates == {"text/turtle": "06-22.ttl", "application/n-triples": "06-22.nt",
                          "application/ld+json": "06-22.jsonld", "application/rdf+xml": "06-22.rdf"}
    visible = {a.get("href") for a in tree.iter("a")}
    assert set(alternates.values()) <= visible


def test_every_page_is_valid_html(site: Path) -> None:
    """html5lib in strict mode raises on the first parse error of a page."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    for page in pages(site):
        try:
            doc = parser.parse(page.read_bytes())
        except html5lib.html5parser.ParseError as exc:
            pytest.fail(f"{page.relative_to(site)}: {exc}")
        assert doc.get("lang") == "ja", page
        title = doc.find("head/title")
        assert title is not None and title.text and title.text.strip(), page


# --- what the pages say ----------------------------------------------------------------------


def _text(page: Path) -> str:
    return " ".join(lxml_html.fromstring(page.read_bytes()).text_content().split())


def _select(built: Path, query: str) -> list[tuple[str, ...]]:
    store = ox.Store()
    manifest = read(built)
    for g in manifest.graphs:
        store.bulk_load(path=manifest.ntriples(g), format=ox.RdfFormat.N_TRIPLES)
    prefixes = f"PREFIX kg: <{v.KG}>\nPREFIX eli: <http://data.europa.eu/eli/ontology#>\n"
    answer = store.query(prefixes + query)
    assert isinstance(answer, ox.QuerySolutions)
    return [tuple(t.value if t is not None else "" for t in row) for row in answer]


def _mark_levels(built: Path, measure: str) -> list[str]:
    rows = _select(built, f"""SELECT ?order ?c WHERE {{ <{measure}> kg:hasMark ?m . ?m kg:order ?order ;
        kg:confidence ?c }} ORDER BY ?order""")
    return [c.rsplit("#", 1)[1].removesuffix("Confidence").lower() for _, c in rows]


def test_the_measure_page(site: Path, built: Path) -> None:
    page = site / "plan" / "2023-06-09" / "measure" / "06-22.html"
    tree = lxml_html.fromstring(page.read_bytes())
    text = _text(page)
    assert tree.find(".//h1").text_content().split() == ["06-22", "医療高度化に資するPHRデータ流通基盤の構築"]
    assert "2023（令和5年6月9日閣議決定）" in text
    crumbs = [li.text_content() for li in tree.find_class("crumbs")[0].iter("li")]
    assert crumbs[0] == "トップ" and crumbs[1] == "版の一覧" and crumbs[-2] == "グループ 06"
    assert crumbs[-1] == "医療高度化に資するPHRデータ流通基盤の構築"
    # KPI with its deadline; ministries with the lead marked and the alias visible
    assert "2024年度" in text and "データ流通基盤を開発" in text
    lead = tree.find_class("lead")
    assert len(lead) == 1 and "総務省" in lead[0].text_content() and "◎" in lead[0].text_content()
    assert "表記「厚労省」から" in text
    # marks: a guess looks like a guess — confidence, alternatives, 推定・要確認
    rows = [r for r in tree.iter("tr") if (r.get("class") or "").startswith("conf-")]
    levels = _mark_levels(built, MEASURE)
    assert [r.get("class") for r in rows] == [f"conf-{level}" for level in levels]
    last = rows[-1].text_content()
    assert "◎" in last and "34条" in last and "33条" in last and "35条" in last and "推定・要確認" in last
    assert {"high": "高", "medium": "中", "low": "低"}[levels[-1]] in last
    # provenance and lineage, the report link text naming the curated row
    assert "a3e4a72fc4239d4d1821d369219309031f78820413c1c7934d6725ea78a8bbd9" in text
    assert "000_12dec0b774bbd4f2.txt" in text and "35 行目" in text
    assert "data/curated/2023-06-09.csv の施策番号 06-22 の行" in text
    # property names by their labels, never as bare IRIs
    headers = [th.text_content().strip() for th in tree.iter("th") if th.get("scope") == "row"]
    assert headers and not any(h.startswith("http") for h in headers)
    assert any(h.startswith("課題・取組概要") for h in headers)
    assert any(h.startswith("実施府省庁") for h in headers)


def test_the_embedded_json_ld_is_the_jsonld_file(site: Path) -> None:
    page = site / "plan" / "2023-06-09" / "measure" / "06-22.html"
    tree = lxml_html.fromstring(page.read_bytes())
    scripts = [s for s in tree.iter("script") if s.get("type") == "application/ld+json"]
    assert len(scripts) == 1
    embedded = json.loads(scripts[0].text)
    assert embedded == json.loads((page.with_suffix(".jsonld")).read_text(encoding="utf-8"))
    assert embedded["@context"]["kg"] == v.KG


def test_the_organisation_page_counts_its_measures(site: Path, built: Path) -> None:
    text = _text(site / "org" / "mic.html")
    assert text.count("総務省") >= 1 and "担当する施策" in text
    count = int(re.search(r"(\d+) 施策", text.split("担当する施策", 1)[1]).group(1))
    measures = {s for s, p, _ in rdflib.Graph().parse(built / "plan-2023-06-09.nt", format="nt")
                .triples((None, rdflib.URIRef(v.KG + "implementedBy"), rdflib.URIRef(BASE + "org/mic")))}
    assert count == len(measures) > 5
    assert "houjin-bangou.nta.go.jp" in (site / "org" / "mic.html").read_text(encoding="utf-8")
    assert "消防庁" in _text(site / "org" / "mic.html")  # its agency, linked as a sub-organisation


def test_the_article_page_lists_its_marks_and_links_to_egov(site: Path) -> None:
    page = site / "law" / "503AC0000000035" / "2023-06-09" / "article" / "34.html"
    html = page.read_text(encoding="utf-8")
    # Art. 34 of 2023 is Art. 35 today: e-Gov's current text is linked at the current number
    assert "https://laws.e-gov.go.jp/law/503AC0000000035#Mp-At_35" in html
    text = _text(page)
    assert "06-22" in text and "推定・要確認" in text


def test_the_edition_page_and_its_pictures(site: Path, built: Path) -> None:
    page = site / "plan" / "2023-06-09.html"
    tree = lxml_html.fromstring(page.read_bytes())
    text = _text(page)
    assert "48 施策" in text and "98 KPI" in text
    svgs = [el for el in tree.iter() if isinstance(el.tag, str) and el.tag.endswith("svg")]
    assert len(svgs) == 4  # matrix, network, groups, ministries
    matrix = svgs[0]
    cells = [a for a in matrix.iter()
             if isinstance(a.tag, str) and a.tag.endswith("a") and a.get("class") == "cell"]
    placed = _select(built, """SELECT DISTINCT ?measure ?article WHERE {
        ?measure kg:hasMark/kg:provision ?p .
        { ?p a kg:Article BIND(?p AS ?article) } UNION { ?p a kg:Paragraph ; eli:is_part_of ?article } }""")
    assert len(cells) == len(placed) > 10  # one per measure and article marked
    hrefs = {a.get("href") for a in cells}
    assert "2023-06-09/measure/06-22.html" in hrefs
    assert ids(page) >= {f"group-{g}" for g in ("03", "04", "06", "07", "08", "09")}
    # the edition says it is an excerpt, in Japanese and English, as the graph states it (issue 8)
    [scope] = tree.find_class("scope")
    assert "抜粋" in scope.text_content()
    said = scope.text_content()
    assert "2023年の施策集の一部" in said and "Part of the 2023 施策集" in said


def test_indexes_search_sitemap_void_and_dumps(site: Path, built: Path) -> None:
    law_index = _text(site / "law" / "index.html")
    assert "デジタル社会形成基本法 第34条" in law_index
    org_index = _text(site / "org" / "index.html")
    assert "総務省" in org_index and "デジタル庁" in org_index
    index = (site / "search-index.js").read_text(encoding="utf-8")
    entries = json.loads(index[index.index("=") + 1:].strip().rstrip(";"))
    assert [e[0] for e in entries if e[3] == "06-22"] == ["plan/2023-06-09/measure/06-22.html"]
    # sitemap: every location is an IRI or page the site serves
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [el.text for el in etree.parse(str(site / "sitemap.xml")).getroot().findall("s:url/s:loc", ns)]
    assert MEASURE in locs
    for loc in locs:
        rel = loc[len(BASE):] or "index.html"
        assert (site / rel).is_file() or (site / f"{rel}.html").is_file(), loc
    # VoID at /.well-known/void and at the dataset IRI; its dumps are in the site
    void = rdflib.Graph().parse(site / ".well-known" / "void", format="turtle")
    ds = rdflib.URIRef(BASE + "dataset")
    vd = rdflib.Namespace(v.VOID)
    assert (ds, rdflib.RDF.type, vd.Dataset) in void
    manifest = read(built)
    assert int(void.value(ds, vd.triples)) == sum(g.triples for g in manifest.graphs)
    dumps = [str(o) for o in void.objects(None, vd.dataDump)]
    assert len(dumps) >= 2 * len(manifest.graphs)
    for dump in dumps:
        assert (site / dump[len(BASE):]).is_file(), dump
    for g in manifest.graphs:
        assert (site / "dumps" / g.files["ntriples"]).read_bytes() == manifest.ntriples(g).read_bytes()
    described = rdflib.Graph().parse(site / "dataset.ttl", format="turtle")
    assert (ds, vd.triples, None) in described
    assert (site / "404.html").is_file() and "見つかりません" in _text(site / "404.html")


# --- written as a whole, the same every time ---------------------------------------------------


def test_the_site_is_byte_identical_when_written_again(site: Path, built: Path, tmp_path: Path) -> None:
    """Written again, by two worker processes this time: the same files, byte for byte."""
    again = tmp_path / "again"
    write_site(built, again, jobs=2)
    left = sorted(p.relative_to(site) for p in site.rglob("*") if p.is_file())
    right = sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    assert left == right
    _, mismatch, errors = filecmp.cmpfiles(site, again, [str(p) for p in left], shallow=False)
    assert mismatch == [] and errors == []


def test_a_failed_write_leaves_the_previous_site(built: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site(built, out)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    broken = tmp_path / "broken"
    shutil.copytree(built, broken)
    manifest = read(broken)
    plan = manifest.ntriples(manifest.graphs[2])
    plan.write_text("this is not N-Triples\n", encoding="utf-8")  # unreadable after the manifest check
    with pytest.raises(ConfigError):
        write_site(broken, out)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site")] == []


def test_refuses_to_replace_a_folder_that_is_not_a_site(built: Path, tmp_path: Path) -> None:
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(ConfigError, match="not an earlier kg site"):
        write_site(built, precious)
    assert (precious / "notes.txt").read_text(encoding="utf-8") == "mine"
    with pytest.raises(ConfigError, match="replace the working or build folder"):
        write_site(built, built)


def test_the_coverage_matrix_stays_readable_from_48_to_2000_measures() -> None:
    """Up to 200 measures a row per measure; beyond, a row per group, so 2,000 measures fit a screen."""
    columns = [(f"a{i}", f"条{i}", f"a{i}.html") for i in range(30)]

    def draw(n: int) -> pictures.Matrix:
        rows = [(f"{i // 40:02d}-{i:04d}", f"{i // 40:02d}-{i:04d}", f"m{i}.html") for i in range(n)]
        marks = [pictures.MarkCell(key, f"a{i % 30}", "◎", "low") for i, (key, _, _) in enumerate(rows)]
        groups = {key: key[:2] for key, _, _ in rows}
        return pictures.matrix(rows, columns, marks, groups, {g: f"#group-{g}" for g in groups.values()})

    small, large = draw(48), draw(2000)
    assert not small.grouped and len(small.rows) == 48 and len(small.cells) == 48
    assert large.grouped and len(large.rows) == 50 and large.height < 1300
    assert sum(int(c.glyph) for c in large.cells) == 2000  # every mark counted in its group's cell
    assert all(c.href and c.href.startswith("#group-") for c in large.cells)

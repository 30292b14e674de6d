"""``kg site``: write the static linked-data site of a build folder, atomically and deterministically.

Every IRI the build mints gets a page and its description in four RDF
formats beside it; the ontology gets one page with an anchor per term; the
site also holds the index pages, a search page with its prebuilt index, a
sitemap, a 404 page, the VoID description (at the dataset IRI and at
``/.well-known/void``), the build's dumps, and the nginx and Apache snippets
that negotiate content for it. The site is staged in a temporary folder
beside the target and renamed into place, as ``kg build`` does: a reader sees
the old site or the new one, never half of one. Nothing depends on the clock
or on dictionary order of anything but the build, so the same build gives
byte-identical files.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import shutil
import signal
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError
from pyoxigraph import Literal, NamedNode, Triple

from kg import resources
from kg import vocabulary as v
from kg.diff.notes import VersionNotes, version_notes
from kg.errors import ConfigError
from kg.files import make_shareable, replace_folder
from kg.manifest import Manifest, read
from kg.rdf.terms import Minter
from kg.site import conneg, paths, rdfout
from kg.site.edition import Indexes
from kg.site.graph import SiteGraph
from kg.site.labels import Namer
from kg.site.links import Linker, safe_href
from kg.site.ontology import OntologyPage, load_shapes
from kg.site.resource import ARTICLE, EDITION, LAW, MEASURE, ORG, PARAGRAPH, ResourcePages
from kg.site.void import DATASET_PATH, dataset_iri, void_triples

MARKER = "kg-site.json"
DEFAULT_LICENSE = "https://creativecommons.org/licenses/by/4.0/"
_LICENSE_NAMES = {DEFAULT_LICENSE: "CC BY 4.0（政府標準利用規約 第2.0版・公共データ利用規約 PDL1.0 と互換）"}
#: Sitemaps hold at most 50,000 URLs each (sitemaps.org protocol).
SITEMAP_LIMIT = 50_000
#: From this many resources a site is written by worker processes (forking costs more for fewer).
PARALLEL_FROM = 5_000
_INDEX_PAGES = ("index", "plan/index", "org/index", "law/index", "search", "404")


@dataclass(frozen=True)
class SiteResult:
    """What ``kg site`` wrote: where, how many pages (HTML) and files in all."""

    out_dir: Path
    resources: int
    pages: int
    files: int
    stale_notes: tuple[Path, ...] = ()  # diff folders beside the build not made from it (kg.diff.notes)


def write_site(
    build_dir: Path, out_dir: Path, *, license_iri: str = DEFAULT_LICENSE, report_to: str | None = None,
    jobs: int | None = None,
) -> SiteResult:
    """Write the site of the build in ``build_dir`` to ``out_dir`` (replaced whole, atomically).

    ``jobs`` worker processes write the resource pages (default: one for a small site, one per
    core up to four from :data:`PARALLEL_FROM` resources; the output does not depend on it).
    """
    manifest = read(build_dir)
    if safe_href(license_iri) is None:
        raise ConfigError(f"licence {license_iri!r} must be an http(s) IRI")
    target = out_dir.resolve()
    _check_target(target, build_dir.resolve())
    target.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    make_shareable(stage)
    try:
        writer = _Writer(manifest, stage, license_iri, report_to)
        result = writer.write(jobs)
        replace_folder(stage, target)
        return SiteResult(target, *result, writer.stale_notes)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


class _Writer:
    def __init__(self, manifest: Manifest, out: Path, license_iri: str, report_to: str | None) -> None:
        self.m, self.out, self.base = manifest, out, manifest.base_iri
        self.license = {"iri": license_iri, "name": _LICENSE_NAMES.get(license_iri, license_iri)}
        self.graph = SiteGraph.load(manifest)
        notes = version_notes(manifest)
        self.graph.add(_version_notes(manifest.base_iri, notes.notes), "changes")
        self.stale_notes = notes.stale
        editions = sorted(self.graph.of_type(EDITION), key=str)
        measures = self.graph.of_type(MEASURE)
        self.void = void_triples(manifest, license_iri, [m.value for m in sorted(measures, key=str)[:1]],
                                 [e.value for e in editions])
        self.graph.add(self.void, "void")
        self.context = self._context()
        self.compactor = rdfout.Compactor(self.context)
        self.prefixes = {p: ns for p, ns in self.context.items() if isinstance(ns, str)}
        self.resources: dict[str, NamedNode] = {}
        for s in self.graph.out:
            if isinstance(s, NamedNode):
                stem = paths.resource_stem(s.value, self.base)
                if stem is not None and stem != paths.ONTOLOGY_PAGE:
                    if stem in self.resources:
                        other = self.resources[stem].value
                        raise ConfigError(f"{s.value} and {other} would share the page {stem}")
                    self.resources[stem] = s
        clash = set(self.resources) & set(_INDEX_PAGES)
        if clash:
            raise ConfigError(f"resources would overwrite the site's own pages: {sorted(clash)}")
        self.stems = frozenset({*self.resources, paths.ONTOLOGY_PAGE, *_INDEX_PAGES})
        self.namer = Namer(self.graph)
        self.linker = Linker(self.graph, self.namer, self.base, self.stems)
        self.pages = ResourcePages(self.graph, self.namer, self.linker, report_to)
        self.indexes = Indexes(self.graph, self.namer, self.linker, self.pages)
        self.env = _environment(str(resources.site_templates_dir()))
        self.files = 0
        self.html = 0
        self._made: set[Path] = set()

    def _context(self) -> dict[str, Any]:
        name = self.m.dataset.get("jsonld_context")
        if name:
            data = json.loads(self.m.path(name).read_text(encoding="utf-8"))
            ctx = data.get("@context") if isinstance(data, dict) else None
            if isinstance(ctx, dict):
                return dict(sorted(ctx.items()))
        return dict(sorted(v.PREFIXES.items()))

    # --- files -------------------------------------------------------------------------------

    def _bytes(self, rel: str, data: bytes) -> None:
        path = self.out / rel
        if path.parent not in self._made:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._made.add(path.parent)
        path.write_bytes(data)
        self.files += 1

    def _render(self, stem: str, template: str, **context: Any) -> None:
        page = stem + ".html"
        root = paths.href(page, "index.html")[: -len("index.html")]
        try:
            html = self.env.get_template(template).render(
                root=root, license={"href": self.license["iri"], "name": self.license["name"]},
                alternates=context.pop("alternates", []), jsonld=context.pop("jsonld", None),
                breadcrumbs=context.pop("breadcrumbs", []), **context,
            )
        except TemplateError as exc:  # a template bug, not the user's: say which page
            raise ConfigError(f"cannot render {page} with {template}: {exc}") from exc
        self._bytes(page, html.encode())
        self.html += 1

    def _data(self, stem: str, triples: list[Triple]) -> tuple[list[dict[str, str]], str]:
        """Write the four formats of ``stem``; the alternates to link and the JSON-LD to embed."""
        triples = rdfout.sort_triples(triples)
        doc = self.compactor.document(triples)
        self._bytes(stem + ".nt", rdfout.ntriples(triples))
        self._bytes(stem + ".ttl", rdfout.turtle(triples, self.prefixes))
        self._bytes(stem + ".jsonld", rdfout.jsonld(doc))
        self._bytes(stem + ".rdf", rdfout.rdfxml(triples, self.prefixes))
        alternates = [{"href": paths.href(stem + ".html", f"{stem}.{ext}"), "media": media,
                       "name": paths.FORMAT_NAMES[ext]} for ext, media in paths.FORMATS.items()]
        return alternates, rdfout.script_json(doc)

    # --- the site ----------------------------------------------------------------------------

    def write(self, jobs: int | None) -> tuple[int, int, int]:
        stems = sorted(self.resources)
        if jobs is None:
            jobs = min(4, os.cpu_count() or 1) if len(stems) >= PARALLEL_FROM else 1
        if jobs <= 1 or len(stems) < 2 * jobs or "fork" not in mp.get_all_start_methods():
            for stem in stems:
                self._resource(stem, self.resources[stem])
        else:
            # Forked workers share the loaded graph (copy on write) and each writes a contiguous
            # slice of the pages; every file's bytes depend only on the build, not on who wrote it.
            global _WORKER
            _WORKER = self
            size = -(-len(stems) // jobs)
            slices = [stems[i:i + size] for i in range(0, len(stems), size)]
            try:
                with mp.get_context("fork").Pool(jobs, initializer=_worker_signals) as pool:
                    for files, html in pool.map(_write_slice, slices):
                        self.files += files
                        self.html += html
                    pool.close()
                    pool.join()
            finally:
                _WORKER = None
        self._ontology()
        self._indexes()
        self._search()
        self._sitemap()
        self._extras()
        marker = {"generator": self.m.generator, "base_iri": self.base, "resources": len(self.resources),
                  "pages": self.html, "files": self.files + 1}
        self._bytes(MARKER, (json.dumps(marker, indent=1, sort_keys=True) + "\n").encode())
        return len(self.resources), self.html, self.files

    def _resource(self, stem: str, node: NamedNode) -> None:
        alternates, jsonld = self._data(stem, self.graph.description(node))
        page = stem
        r = self.pages.common(node, page)
        g = self.graph
        extra: dict[str, Any]
        if g.has_type(node, MEASURE):
            template, extra = "measure.html", {"m": self.pages.measure(node, page)}
        elif g.has_type(node, EDITION):
            template, extra = "edition.html", {"e": self.indexes.edition(node, page)}
        elif g.has_type(node, ORG):
            template, extra = "organization.html", {"o": self.pages.organization(node, page)}
        elif g.has_type(node, ARTICLE) or g.has_type(node, PARAGRAPH):
            template, extra = "article.html", {"a": self.pages.article(node, page)}
        else:
            template, extra = "resource.html", {}
        self._render(stem, template, title=r["name"].main, r=r, alternates=alternates, jsonld=jsonld,
                     breadcrumbs=r["breadcrumbs"], **extra)

    def _ontology(self) -> None:
        stem = paths.ONTOLOGY_PAGE
        onto = [e for e in self.m.graphs if e.name == "ontology"]
        triples = [Triple(s, p, o) for s, pos in self.graph.out.items() for p, o in pos
                   if self.graph.graph_of.get(s) == "ontology"] if onto else []
        alternates, _ = self._data(stem, triples)
        page = OntologyPage(self.graph, self.namer, self.linker, load_shapes(resources.shapes_dir()))
        ctx = page.context(stem)
        self._render(stem, "ontology.html", title=ctx["name"].main, o=ctx, alternates=alternates,
                     breadcrumbs=[{"label": "トップ", "href": "../index.html"},
                                  {"label": "語彙", "href": None}])

    def _indexes(self) -> None:
        ix = self.indexes
        graphs = []
        for g in self.m.graphs:
            stem = paths.resource_stem(g.iri, self.base)
            graphs.append({
                "name": g.name, "iri": g.iri, "triples": g.triples,
                "href": f"{stem}.html" if stem in self.resources else f"dumps/{g.files['ntriples']}",
                "files": [{"name": n, "href": f"dumps/{n}"} for _, n in sorted(g.files.items())],
            })
        dataset_files = [{"name": n, "href": f"dumps/{n}"} for k, n in sorted(self.m.dataset.items())
                         if k in ("trig", "jsonld", "jsonld_context")]
        self._render("index", "index.html", title="トップ", editions=ix.plan_index("index")["editions"],
                     graphs=graphs, total=sum(g.triples for g in self.m.graphs), dataset_files=dataset_files)
        crumbs = [{"label": "トップ", "href": "../index.html"}]
        self._render("plan/index", "plan_index.html", title="版の一覧", **ix.plan_index("plan/index"),
                     breadcrumbs=[*crumbs, {"label": "版の一覧", "href": None}])
        self._render("org/index", "org_index.html", title="府省庁の一覧", **ix.org_index("org/index"),
                     breadcrumbs=[*crumbs, {"label": "府省庁の一覧", "href": None}])
        self._render("law/index", "law_index.html", title="法令と条項の一覧", **ix.law_index("law/index"),
                     breadcrumbs=[*crumbs, {"label": "法令と条項の一覧", "href": None}])
        self._render("404", "notfound.html", title="見つかりません", elsewhere=[])

    def _search(self) -> None:
        g = self.graph
        entries: list[list[str]] = []
        kinds = ((MEASURE, "施策"), (EDITION, "版"), (ORG, "府省庁"), (LAW, "法令"), (ARTICLE, "条"),
                 (PARAGRAPH, "項"))
        for cls, kind in kinds:
            for node in sorted(g.of_type(cls), key=str):
                stem = paths.resource_stem(node.value, self.base)
                if stem not in self.resources:
                    continue
                name = self.namer(node)
                ident = g.text(node, v.DCTERMS_IDENTIFIER) or ""
                alt = g.objects(node, v.SKOS + "altLabel")
                extra = " ".join(o.value for o in alt if isinstance(o, Literal))
                badge = self.pages.badge(self.pages.edition_of(node)) if cls == MEASURE else None
                label = f"{name.main}（{badge}）" if badge else name.main
                entries.append([f"{stem}.html", label, (name.en or "") + (" " + extra if extra else ""),
                                ident if cls == MEASURE else "", kind])
        text = json.dumps(entries, ensure_ascii=False, separators=(",", ":"))
        self._bytes("search-index.js", f"window.KG_SEARCH_INDEX = {text};\n".encode())
        self._render("search", "search.html", title="検索")

    def _sitemap(self) -> None:
        urls = [self.base, *(self.base + p + ".html" for p in _INDEX_PAGES[1:-1]), self.base + "def/kg"]
        urls += [self.base + stem for stem in sorted(self.resources)]
        chunks = [urls[i:i + SITEMAP_LIMIT] for i in range(0, len(urls), SITEMAP_LIMIT)]
        head = '<?xml version="1.0" encoding="UTF-8"?>\n'
        ns = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
        if len(chunks) == 1:
            body = "".join(f"<url><loc>{escape(u)}</loc></url>\n" for u in urls)
            self._bytes("sitemap.xml", f"{head}<urlset {ns}>\n{body}</urlset>\n".encode())
            return
        for i, chunk in enumerate(chunks, 1):
            body = "".join(f"<url><loc>{escape(u)}</loc></url>\n" for u in chunk)
            self._bytes(f"sitemap-{i}.xml", f"{head}<urlset {ns}>\n{body}</urlset>\n".encode())
        body = "".join(f"<sitemap><loc>{escape(self.base)}sitemap-{i}.xml</loc></sitemap>\n"
                       for i in range(1, len(chunks) + 1))
        self._bytes("sitemap.xml", f"{head}<sitemapindex {ns}>\n{body}</sitemapindex>\n".encode())

    def _extras(self) -> None:
        void = rdfout.sort_triples(self.void)
        self._bytes(".well-known/void", rdfout.turtle(void, {**self.prefixes, "void": v.VOID}))
        for name in sorted({n for g in self.m.graphs for n in g.files.values()} | {
                n for k, n in self.m.dataset.items() if k in ("trig", "jsonld", "jsonld_context")}):
            self._bytes(f"dumps/{name}", self.m.path(name).read_bytes())
        self._bytes("conneg/nginx-server.conf", conneg.nginx().encode())
        self._bytes("conneg/nginx-http.conf", conneg.nginx_map().encode())
        self._bytes("conneg/apache.htaccess", conneg.apache().encode())
        assets = resources.site_assets_dir()
        for path in sorted(assets.iterdir()):
            if path.is_file():
                self._bytes(f"assets/{path.name}", path.read_bytes())
        self._bytes("robots.txt", f"User-agent: *\nAllow: /\nSitemap: {self.base}sitemap.xml\n".encode())


def _version_notes(base: str, notes: Mapping[str, VersionNotes]) -> list[Triple]:
    """Each edition's ``adms:versionNotes`` where ``kg diff`` left a summary for it (:mod:`kg.diff.notes`).

    They become part of the edition's description (its page and its RDF), as
    they are in the change graph; without a diff of this build, nothing is said.
    """
    minter = Minter(base)
    prop = NamedNode(v.ADMS + "versionNotes")
    return [
        Triple(minter.edition(key), prop, Literal(text, language=lang))
        for key, note in sorted(notes.items())
        for lang, text in (("ja", note.ja), ("en", note.en))
    ]


@lru_cache(maxsize=2)
def _environment(folder: str) -> Environment:
    """The templates, autoescaping everything; compiled once per process (a third of a small site's time)."""
    return Environment(
        loader=FileSystemLoader(folder), autoescape=True, undefined=StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    )


def render_page(
    template: str, root: str, title: str, license_iri: str = DEFAULT_LICENSE, **context: Any
) -> str:
    """A page of the site's templates outside a site build (``kg serve``'s 404 and query pages).

    ``root`` is the address of the site's root as seen from the page (``/`` when served).
    """
    try:
        return _environment(str(resources.site_templates_dir())).get_template(template).render(
            root=root, title=title, alternates=[], jsonld=None, breadcrumbs=[],
            license={"href": license_iri, "name": _LICENSE_NAMES.get(license_iri, license_iri)}, **context)
    except TemplateError as exc:
        raise ConfigError(f"cannot render {template}: {exc}") from exc


_WORKER: _Writer | None = None


def _worker_signals() -> None:
    """A worker dies quietly when the pool ends it: it must not inherit a handler of the parent's
    (the CLI turns SIGTERM into an exception, which a worker would print as a traceback)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _write_slice(stems: list[str]) -> tuple[int, int]:
    """In a worker: write the pages of ``stems``; how many files and pages it wrote."""
    writer = _WORKER
    assert writer is not None
    writer.files = writer.html = 0
    for stem in stems:
        writer._resource(stem, writer.resources[stem])
    return writer.files, writer.html


def _check_target(target: Path, build: Path) -> None:
    """Refuse to replace a folder that is not an earlier site (the working folder, the build, others)."""
    cwd = Path.cwd().resolve()
    if target in (cwd, build) or target in cwd.parents or target in build.parents or build in target.parents:
        raise ConfigError(f"{target}: the site folder would replace the working or build folder")
    if target.exists() and (
        not target.is_dir() or (any(target.iterdir()) and not (target / MARKER).exists())
    ):
        raise ConfigError(f"{target} exists and is not an earlier kg site (no {MARKER}): not replacing it")



__all__ = ["DATASET_PATH", "SiteResult", "dataset_iri", "write_site"]

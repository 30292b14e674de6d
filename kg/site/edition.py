"""The summary page of an edition and the site's index pages (editions, organisations, laws).

An edition page is where an analyst starts: counts, the measures by group,
and the three pictures (coverage matrix, ministry network, bars). The index
pages list every organisation and every article with the number of measures
that cite them, so that "which articles have no measure?" is answered by
reading a column of zeros.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from itertools import combinations
from typing import Any

from pyoxigraph import Literal, NamedNode

from kg import vocabulary as v
from kg.site import pictures
from kg.site.graph import SiteGraph
from kg.site.labels import Namer
from kg.site.links import Linker
from kg.site.resource import (
    ARTICLE,
    EDITION,
    LAW,
    MEASURE,
    ORG,
    PARAGRAPH,
    PART_OF,
    SUB_ORG,
    VERSION,
    K,
    ResourcePages,
    _int,
)

_LEVEL = {K + "HighConfidence": "high", K + "MediumConfidence": "medium", K + "LowConfidence": "low"}


def _id(g: SiteGraph, node: NamedNode) -> str:
    return g.text(node, v.DCTERMS_IDENTIFIER) or node.value


class Indexes:
    """Contexts of the edition pages and the index pages."""

    def __init__(self, graph: SiteGraph, namer: Namer, linker: Linker, pages: ResourcePages) -> None:
        self.g, self.namer, self.ln, self.pages = graph, namer, linker, pages

    def editions(self) -> list[NamedNode]:
        return sorted(self.g.of_type(EDITION), key=lambda e: _id(self.g, e))

    def measures(self, edition: NamedNode) -> list[NamedNode]:
        found = [s for s in self.g.subjects(K + "inEdition", edition)
                 if isinstance(s, NamedNode) and self.g.has_type(s, MEASURE)]
        return sorted(found, key=lambda m: _measure_key(_id(self.g, m)))

    def edition(self, node: NamedNode, page: str) -> dict[str, Any]:
        g, ln = self.g, self.ln
        measures = self.measures(node)
        groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
        counts: Counter[str] = Counter()
        led: Counter[NamedNode] = Counter()
        took: Counter[NamedNode] = Counter()
        pairs: Counter[tuple[NamedNode, NamedNode]] = Counter()
        lead_pairs: set[tuple[NamedNode, NamedNode]] = set()
        marks: list[pictures.MarkCell] = []
        articles: set[NamedNode] = set()
        group_of: dict[str, str] = {}
        for m in measures:
            ident = _id(g, m)
            group = g.text(m, K + "groupCode") or ""
            group_of[ident] = group
            leads = g.iris(m, K + "ledBy")
            orgs = sorted(set(g.iris(m, K + "implementedBy")), key=str)
            led.update(leads)
            took.update(orgs)
            for a, b in combinations(orgs, 2):
                pairs[(a, b)] += 1
                if a in leads or b in leads:
                    lead_pairs.add((a, b))
            mark_nodes = g.iris(m, K + "hasMark")
            counts["kpis"] += len(g.iris(m, K + "hasKPI"))
            counts["marks"] += len(mark_nodes)
            counts["participations"] += len(g.iris(m, K + "hasParticipation"))
            for mark in mark_nodes:
                conf = g.iris(mark, K + "confidence")
                level = _LEVEL.get(conf[0].value, "low") if conf else "low"
                counts[level] += 1
                for target in g.iris(mark, K + "provision"):
                    article = self._article(target)
                    articles.add(article)
                    marks.append(pictures.MarkCell(ident, article.value, g.text(mark, K + "rawValue") or "?",
                                                   level))
            groups[group].append({
                "link": ln.link(m, page), "id": ident,
                "leads": [ln.link(o, page) for o in leads],
                "kpis": len(g.iris(m, K + "hasKPI")), "marks": len(mark_nodes),
            })
        day = g.text(node, v.DCTERMS + "issued") or ""
        articles.update(self._articles_in_force(day))
        columns = sorted(articles, key=self._article_key)
        anchor = ln.to(page, page)
        matrix = pictures.matrix(
            [(_id(g, m), _id(g, m), ln.link(m, page).href) for m in measures],
            [(a.value, self._short(a), ln.link(a, page).href) for a in columns],
            marks, group_of, {grp: f"{anchor}#group-{grp}" for grp in groups},
        )
        group_bars = pictures.bars([(f"グループ {grp}", f"{anchor}#group-{grp}", 0, len(items))
                                    for grp, items in sorted(groups.items())])
        orgs = sorted(took, key=lambda o: (-took[o], str(o)))
        org_bars = pictures.bars([(self.namer(o).main, ln.link(o, page).href, led[o], took[o] - led[o])
                                  for o in orgs])
        net = pictures.network(
            [(o.value, self.namer(o).main, ln.link(o, page).href, took[o], led[o]) for o in orgs],
            [(a.value, b.value, n, (a, b) in lead_pairs,
              f"{self.namer(a).main}・{self.namer(b).main}: 共通の施策 {n} 件")
             for (a, b), n in sorted(pairs.items(), key=lambda kv: (str(kv[0][0]), str(kv[0][1])))],
        )
        return {
            "measure_count": len(measures), "counts": counts, "organizations": len(took),
            "groups": sorted(groups.items()), "matrix": matrix, "group_bars": group_bars,
            "org_bars": org_bars, "network": net,
            "sources": [ln.link(s, page) for s in g.iris(node, v.PROV_WAS_DERIVED_FROM)],
            "excerpt": g.text(node, K + "excerpt") == "true",
            "scope": self._by_language(node, v.SKOS + "scopeNote"),
            # What changed since the previous edition, where kg diff left it (kg.site.write adds it).
            "notes": self._by_language(node, v.ADMS + "versionNotes"),
        }

    def _by_language(self, node: NamedNode, prop: str) -> dict[str, str]:
        """A property's Japanese and English texts, by language."""
        return {
            o.language: o.value
            for o in self.g.objects(node, prop)
            if isinstance(o, Literal) and o.language in ("ja", "en")
        }

    def _article(self, target: NamedNode) -> NamedNode:
        """A mark's target as a matrix column: a paragraph counts for its article."""
        if self.g.has_type(target, PARAGRAPH):
            up = self.g.iris(target, PART_OF)
            if up:
                return up[0]
        return target

    def _articles_in_force(self, day: str) -> list[NamedNode]:
        out: list[NamedNode] = []
        for version in self.g.of_type(VERSION):
            if self.g.text(version, K + "pointInTime") == day:
                out += [s for s in self.g.subjects(PART_OF, version)
                        if isinstance(s, NamedNode) and self.g.has_type(s, ARTICLE)]
        return out

    def _article_key(self, a: NamedNode) -> tuple[str, int, str]:
        versions = self.g.iris(a, PART_OF)
        laws = self.g.iris(versions[0], K + "versionOf") if versions else []
        law = self.g.text(laws[0], "http://data.europa.eu/eli/ontology#date_document") if laws else ""
        return (law or "", _int(self.g, a, K + "articleNumber"), a.value)

    def _short(self, a: NamedNode) -> str:
        n = self.g.text(a, K + "articleNumber")
        versions = self.g.iris(a, PART_OF)
        laws = self.g.iris(versions[0], K + "versionOf") if versions else []
        law = self.namer(laws[0]).main if laws else ""
        short = {"官民データ活用推進基本法": "官", "デジタル社会形成基本法": "デ"}.get(law, law[:1])
        return f"{short}{n}" if n else self.namer(a).main

    # --- index pages -------------------------------------------------------------------------

    def plan_index(self, page: str) -> dict[str, Any]:
        return {"editions": [{"link": self.ln.link(e, page), "badge": self.pages.badge(e),
                              "measures": len(self.measures(e))} for e in self.editions()]}

    def org_index(self, page: str) -> dict[str, Any]:
        g = self.g
        orgs = sorted(g.of_type(ORG), key=str)
        editions = self.editions()
        rows: list[dict[str, Any]] = []
        totals: dict[str, int] = {}
        for o in orgs:
            per = []
            for e in editions:
                ms = {s for s in g.subjects(K + "implementedBy", o) if self.pages.edition_of(s) == e}
                leads = {s for s in g.subjects(K + "ledBy", o) if self.pages.edition_of(s) == e}
                per.append((len(ms), len(leads)))
            parents = g.iris(o, SUB_ORG)
            rows.append({"link": self.ln.link(o, page), "per": per,
                         "parent": self.ln.link(parents[0], page) if parents else None,
                         "kind": [self.namer(k) for k in g.iris(o, K + "organizationKind")],
                         })
            totals[o.value] = sum(n for n, _ in per)
        rows.sort(key=lambda r: (-totals[r["link"].iri], r["link"].iri))
        return {"rows": rows, "editions": [{"link": self.ln.link(e, page), "badge": self.pages.badge(e)}
                                           for e in editions]}

    def law_index(self, page: str) -> dict[str, Any]:
        g = self.g
        laws = []
        for law in sorted(g.of_type(LAW), key=str):
            versions = []
            for version in sorted((s for s in g.subjects(K + "versionOf", law) if isinstance(s, NamedNode)),
                                  key=str):
                arts = sorted((s for s in g.subjects(PART_OF, version)
                               if isinstance(s, NamedNode) and g.has_type(s, ARTICLE)),
                              key=lambda a: _int(g, a, K + "articleNumber"))
                items = []
                for a in arts:
                    targets = [a, *(p for p in g.subjects(PART_OF, a) if isinstance(p, NamedNode))]
                    marks = [m for t in targets for m in g.subjects(K + "provision", t)]
                    measures = {self.pages.measure_of(m) for m in marks} - {None}
                    items.append({"link": self.ln.link(a, page), "marks": len(marks),
                                  "measures": len(measures),
                                  "heading": g.text(a, v.DCTERMS + "title")
                                  or g.text(a, K + "descriptiveHeading"),
                                  "verified": g.text(a, K + "headingVerified") != "false"})
                versions.append({"link": self.ln.link(version, page), "articles": items})
            laws.append({"link": self.ln.link(law, page), "versions": versions})
        return {"laws": laws}


def _measure_key(ident: str) -> tuple[tuple[int, ...], str]:
    """Measures in ID order: 2-4 before 2-10, numerically per part."""
    parts = tuple(int(p) if p.isdigit() else 0 for p in ident.split("-"))
    return parts, ident

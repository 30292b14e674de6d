"""What the page of one resource shows: its name, kind, edition, place in the hierarchy, and links.

One :class:`ResourcePages` per site turns a resource into the context a
template renders: the parts every page has (name, type badges, edition badge,
breadcrumbs, statements, incoming links) and, for the kinds a person reads
most, the parts that answer their questions: a measure's KPIs, ministries and
legal-basis marks (a guess shown as a guess), an organisation's or an
article's measures with counts, links out to e-Gov and the 法人番号 record.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import quote

from pyoxigraph import Literal, NamedNode

from kg import vocabulary as v
from kg.site.graph import SiteGraph, Subject
from kg.site.labels import Namer, edition_badge
from kg.site.links import Link, Linker

K = v.KG
MEASURE, EDITION, ORG, ARTICLE, PARAGRAPH = K + "Measure", K + "PlanEdition", K + "GovernmentOrganization", \
    K + "Article", K + "Paragraph"
LAW, VERSION, PROVISION, LINEAGE = K + "Law", K + "LawVersion", K + "Provision", K + "MeasureLineage"
SUB_ORG = v.ORG + "subOrganizationOf"
PART_OF = "http://data.europa.eu/eli/ontology#is_part_of"
#: The statements that attach a per-edition resource to its measure.
_OF_MEASURE = (K + "hasKPI", K + "hasMark", K + "hasParticipation", v.PROV_WAS_DERIVED_FROM)
_CONFIDENCE = {K + "HighConfidence": "high", K + "MediumConfidence": "medium", K + "LowConfidence": "low"}
HOUJIN = "https://www.houjin-bangou.nta.go.jp/henkorireki-johoto.html?selHouzinNo="


@dataclass
class Crumb:
    label: str
    href: str | None


@dataclass
class Counted:
    """A resource with how many measures cite it, and the citing measures themselves."""

    link: Link
    count: int
    items: list[dict[str, Any]] = field(default_factory=list)


def _int(graph: SiteGraph, node: Subject, prop: str) -> int:
    text = graph.text(node, prop)
    try:
        return int(text) if text is not None else 0
    except ValueError:
        return 0


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


class ResourcePages:
    """The page contexts of one site: everything is looked up in the :class:`SiteGraph` indexes."""

    def __init__(self, graph: SiteGraph, namer: Namer, linker: Linker, report_to: str | None) -> None:
        self.g = graph
        self.namer = namer
        self.linker = linker
        self.report_to = report_to

    # --- shared parts -------------------------------------------------------------------------

    def edition_of(self, node: Subject) -> NamedNode | None:
        """The edition a per-edition resource belongs to (through its measure where it has one)."""
        g = self.g
        if g.has_type(node, EDITION) and isinstance(node, NamedNode):
            return node
        measure = node if g.has_type(node, MEASURE) else self.measure_of(node)
        if measure is not None:
            found = g.iris(measure, K + "inEdition")
            return found[0] if found else None
        for s in g.subjects(v.PROV_WAS_DERIVED_FROM, node) if isinstance(node, NamedNode) else ():
            if g.has_type(s, EDITION) and isinstance(s, NamedNode):
                return s
        return None

    def measure_of(self, node: Subject) -> Subject | None:
        if not isinstance(node, NamedNode):
            return None
        for prop in _OF_MEASURE:
            for s in self.g.subjects(prop, node):
                if self.g.has_type(s, MEASURE):
                    return s
        return None

    def badge(self, edition: NamedNode | None) -> str | None:
        if edition is None:
            return None
        day = _day(self.g.text(edition, v.DCTERMS + "issued") or self.g.text(edition, v.DCTERMS_IDENTIFIER))
        return edition_badge(day) if day else None

    def parent(self, node: Subject) -> tuple[Subject | None, str]:
        """The resource above ``node`` in the breadcrumbs, and the fragment of its page to land on."""
        g = self.g
        if g.has_type(node, MEASURE):
            return self.edition_of(node), f"group-{g.text(node, K + 'groupCode') or ''}"
        for prop in (PART_OF, K + "versionOf", SUB_ORG):
            found = g.iris(node, prop)
            if found:
                return found[0], ""
        if g.has_type(node, PROVISION) and isinstance(node, NamedNode):
            law = node.value.split("/provision/", 1)[0]
            return (NamedNode(law), "") if NamedNode(law) in g.out else (None, "")
        measure = self.measure_of(node)
        if measure is not None:
            return measure, ""
        if g.has_type(node, K + "SourceFile"):
            return self.edition_of(node), ""
        return None, ""

    def breadcrumbs(self, node: Subject, page: str) -> list[Crumb]:
        chain: list[tuple[Subject, str]] = []
        current: Subject | None = node
        while current is not None and len(chain) < 12:
            above, fragment = self.parent(current)
            if above is None or any(above == c for c, _ in chain):
                break
            chain.insert(0, (above, fragment))
            current = above
        top = chain[0][0] if chain else node
        crumbs = [Crumb("トップ", self.linker.to(page, "index"))]
        index = self._index_of(top)
        if index:
            crumbs.append(Crumb(index[1], self.linker.to(page, index[0])))
        for above, fragment in chain:
            link = self.linker.link(above, page)
            if fragment.startswith("group-") and self.g.has_type(node, MEASURE):
                crumbs.append(Crumb(link.name.main, link.href))
                href = link.href.split("#")[0] + "#" + fragment if link.href else None
                crumbs.append(Crumb(f"グループ {fragment[6:]}", href))
            else:
                crumbs.append(Crumb(link.name.main, link.href))
        crumbs.append(Crumb(self.namer(node).main, None))
        return crumbs

    def _index_of(self, top: Subject) -> tuple[str, str] | None:
        g = self.g
        if g.has_type(top, EDITION) or g.has_type(top, LINEAGE):
            return "plan/index", "版の一覧"
        if g.has_type(top, ORG):
            return "org/index", "府省庁の一覧"
        if g.has_type(top, LAW) or g.has_type(top, VERSION) or g.has_type(top, PROVISION):
            return "law/index", "法令と条項の一覧"
        return None

    def common(self, node: NamedNode, page: str) -> dict[str, Any]:
        """What every resource page has."""
        edition = self.edition_of(node)
        types = [self.linker.prop(t, page) for t in self.g.types(node)]
        types.sort(key=lambda t: (not t.iri.startswith(K), t.iri))
        return {
            "iri": node.value,
            "name": self.namer(node),
            "identifier": self.g.text(node, v.DCTERMS_IDENTIFIER),
            "types": types,
            "edition": self.linker.link(edition, page) if edition is not None and edition != node else None,
            "badge": self.badge(edition),
            "breadcrumbs": self.breadcrumbs(node, page),
            "rows": self.linker.rows(node, page),
            "incoming": self.linker.incoming(node, page),
        }

    # --- kinds ---------------------------------------------------------------------------------

    def measure(self, node: NamedNode, page: str) -> dict[str, Any]:
        g, ln = self.g, self.linker
        kpis = []
        for k in sorted(g.iris(node, K + "hasKPI"), key=lambda k: _int(g, k, K + "order")):
            comparator = g.iris(k, K + "targetComparator")
            split = g.iris(k, K + "splitMethod")
            kinds = g.iris(k, K + "kpiKind")
            kpis.append({
                "link": ln.link(k, page), "order": _int(g, k, K + "order"), "text": g.text(k, K + "text"),
                "deadline": g.text(k, K + "deadlineFiscalYear"),
                "deadline_text": g.text(k, K + "deadlineText"),
                "target": g.text(k, K + "targetValue"), "unit": g.text(k, K + "targetUnit"),
                "comparator": self.namer(comparator[0]) if comparator else None,
                "kind": self.namer(kinds[0]) if kinds else None,
                "split": self.namer(split[0]) if split else None,
                "split_guess": bool(split) and split[0].value == K + "SplitSpace",
            })
        ministries = []
        for p in sorted(g.iris(node, K + "hasParticipation"), key=lambda p: _int(g, p, K + "order")):
            orgs = g.iris(p, K + "organization")
            role = g.iris(p, K + "role")
            match = g.iris(p, K + "matchMethod")
            org = orgs[0] if orgs else None
            ministries.append({
                "link": ln.link(p, page),
                "org": ln.link(org, page) if org else None,
                "parents": [ln.link(o, page) for o in self._ancestors(org)] if org else [],
                "lead": bool(role) and role[0].value == K + "LeadRole",
                "role": self.namer(role[0]) if role else None,
                "raw": g.text(p, K + "rawName"),
                "match": self.namer(match[0]) if match else None,
                "loose": bool(match) and match[0].value != K + "MatchExact",
            })
        marks = []
        for m in sorted(g.iris(node, K + "hasMark"), key=lambda m: _int(g, m, K + "order")):
            strength = g.iris(m, K + "strength")
            conf = g.iris(m, K + "confidence")
            marks.append({
                "link": ln.link(m, page),
                "raw": g.text(m, K + "rawValue"),
                "strength": self.namer(strength[0]) if strength else None,
                "column": g.text(m, K + "columnLabel"),
                "provisions": [ln.link(a, page) for a in g.iris(m, K + "provision")],
                "confidence": self.namer(conf[0]) if conf else None,
                "level": _CONFIDENCE.get(conf[0].value, "low") if conf else "low",
                "alternatives": sorted(o.value for o in g.objects(m, K + "alternativeColumnLabel")
                                       if isinstance(o, Literal)),
                "reviewed": g.text(m, K + "reviewed") == "true",
                "line": g.text(m, K + "sourceLine"), "column_index": g.text(m, K + "sourceColumn"),
            })
        rows = g.iris(node, v.PROV_WAS_DERIVED_FROM)
        row = rows[0] if rows else None
        files = g.iris(row, K + "sourceFile") if row else []
        edition = self.edition_of(node)
        sources = g.iris(edition, v.PROV_WAS_DERIVED_FROM) if edition else []
        lineage = g.iris(node, K + "lineage")
        others = []
        if lineage:
            for s in sorted(g.subjects(K + "lineage", lineage[0]), key=str):
                if s != node and isinstance(s, NamedNode):
                    ed = self.edition_of(s)
                    others.append({"link": ln.link(s, page), "badge": self.badge(ed),
                                   "identifier": g.text(s, v.DCTERMS_IDENTIFIER)})
        return {
            "description": g.text(node, v.DCTERMS + "description"),
            "kpis": kpis, "ministries": ministries, "marks": marks,
            "concerned": g.text(node, K + "concernedMinistries") == "true",
            "primary": [ln.link(a, page) for a in g.iris(node, K + "primaryLegalBasis")],
            "linked": [ln.link(a, page) for a in g.iris(node, K + "linkedLegalBasis")],
            "row": ln.link(row, page) if row else None,
            "line": g.text(row, K + "lineNumber") if row else None,
            "file": ln.link(files[0], page) if files else None,
            "file_name": g.text(files[0], v.DCTERMS_IDENTIFIER) if files else None,
            "sha256": g.text(files[0], K + "sha256") if files else None,
            "curated": [ln.link(f, page) for f in sources if f.value.endswith("/curated")],
            "lineage": ln.link(lineage[0], page) if lineage else None,
            "other_editions": others,
            "report": self.report(node, edition),
        }

    def _ancestors(self, org: NamedNode) -> list[NamedNode]:
        chain: list[NamedNode] = []
        current = org
        while len(chain) < 8:
            parents = self.g.iris(current, SUB_ORG)
            if not parents or parents[0] in chain or parents[0] == org:
                break
            chain.append(parents[0])
            current = parents[0]
        return chain

    def report(self, measure: NamedNode, edition: NamedNode | None) -> dict[str, str | None]:
        """The "report an error" text and link: the measure, and the curated-table row to fix."""
        ident = self.g.text(measure, v.DCTERMS_IDENTIFIER) or ""
        key = self.g.text(edition, v.DCTERMS_IDENTIFIER) if edition is not None else None
        table = f"data/curated/{key}.csv" if key else "data/curated/<版>.csv"
        text = (f"施策 {ident}（{measure.value}）の誤り。直す箇所: {table} の施策番号 {ident} の行"
                f" / Error in measure {ident}; fix the row of measure {ident} in {table}")
        href = None
        if self.report_to:
            subject = quote(f"[kg] 施策 {ident} の誤り / error in measure {ident}", safe="")
            body = quote(text, safe="")
            joiner = "&" if "?" in self.report_to else "?"
            href = f"{self.report_to}{joiner}subject={subject}&body={body}"
        return {"text": text, "table": table, "href": href}

    def citing(self, node: NamedNode, page: str, props: tuple[str, ...]) -> list[dict[str, Any]]:
        """Measures citing ``node`` through ``props``, grouped by edition, with counts."""
        by_edition: dict[str, list[dict[str, Any]]] = {}
        seen: set[tuple[str, Subject]] = set()
        for p, s in self.g.into.get(node, ()):
            if p.value in props and (p.value, s) not in seen:
                seen.add((p.value, s))
                ed = self.edition_of(s)
                by_edition.setdefault(ed.value if ed else "", []).append(
                    {"link": self.linker.link(s, page), "role": self.namer.term(p.value),
                     "id": self.g.text(s, v.DCTERMS_IDENTIFIER) or ""})
        out = []
        for key in sorted(by_edition):
            items = sorted(by_edition[key], key=lambda i: (i["id"], i["role"].main))
            ed_node = NamedNode(key) if key else None
            out.append({"edition": self.linker.link(ed_node, page) if ed_node else None,
                        "badge": self.badge(ed_node), "items": items,
                        "count": len({i["link"].iri for i in items})})
        return out

    def organization(self, node: NamedNode, page: str) -> dict[str, Any]:
        g = self.g
        number = g.text(node, K + "corporateNumber")
        subs = sorted((s for s in g.subjects(SUB_ORG, node) if isinstance(s, NamedNode)), key=str)
        return {
            "citing": self.citing(node, page, (K + "ledBy", K + "implementedBy")),
            "parents": [self.linker.link(o, page) for o in self._ancestors(node)],
            "subs": [self.linker.link(s, page) for s in subs],
            "houjin": HOUJIN + number if number and number.isdigit() else None,
            "number": number,
        }

    def article(self, node: NamedNode, page: str) -> dict[str, Any]:
        g, ln = self.g, self.linker
        marks = []
        for m in sorted(g.subjects(K + "provision", node), key=str):
            measure = self.measure_of(m)
            conf = g.iris(m, K + "confidence")
            marks.append({
                "measure": ln.link(measure, page) if measure else None,
                "id": g.text(measure, v.DCTERMS_IDENTIFIER) if measure else "",
                "mark": ln.link(m, page), "raw": g.text(m, K + "rawValue"),
                "confidence": self.namer(conf[0]) if conf else None,
                "level": _CONFIDENCE.get(conf[0].value, "low") if conf else "low",
                "reviewed": g.text(m, K + "reviewed") == "true",
            })
        marks.sort(key=lambda m: str(m["id"] or ""))
        counts = Counter(m["raw"] for m in marks)
        return {
            "citing": self.citing(node, page, (K + "primaryLegalBasis", K + "linkedLegalBasis")),
            "marks": marks, "mark_counts": sorted(counts.items(), key=lambda kv: str(kv[0])),
            "egov": self.egov(node),
        }

    def egov(self, node: NamedNode) -> str | None:
        """The e-Gov 法令検索 address of an article (its current number), or of a paragraph's article."""
        g = self.g
        article = node
        if g.has_type(node, PARAGRAPH):
            up = g.iris(node, PART_OF)
            if not up:
                return None
            article = up[0]
        number = g.text(article, K + "currentArticleNumber") or g.text(article, K + "articleNumber")
        versions = g.iris(article, PART_OF)
        laws = g.iris(versions[0], K + "versionOf") if versions else []
        pages = [o.value for o in g.iris(laws[0], v.RDFS + "seeAlso")] if laws else []
        egov = [p for p in pages if p.startswith("https://laws.e-gov.go.jp/")]
        if not egov or not number:
            return None
        return f"{egov[0]}#Mp-At_{number}"


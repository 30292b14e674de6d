"""Where each IRI's page lives in the site, and relative links between pages.

An IRI under the base, ``{base}plan/2023-06-09/measure/06-22``, is served from
``plan/2023-06-09/measure/06-22.html`` with its data beside it (``.ttl``, ``.nt``,
``.jsonld``, ``.rdf``): the IRI path plus a suffix, so that a static host's
rewrite rule (``try_files $uri.html``) or content negotiation on the suffix
maps the IRI to the right file without a lookup table. Links between pages
are relative, so the site works from any folder, on any host, and as files.
The ontology's hash IRIs (``…/def/kg#Term``) are anchors of one page,
``def/kg.html``, wherever the base is.
"""

from __future__ import annotations

import posixpath
from functools import lru_cache
from urllib.parse import quote

from kg import vocabulary as v

#: The data formats written beside every page: suffix → media type.
FORMATS: dict[str, str] = {
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdf": "application/rdf+xml",
}
FORMAT_NAMES = {"ttl": "Turtle", "nt": "N-Triples", "jsonld": "JSON-LD", "rdf": "RDF/XML"}
#: The ontology page (without suffix): every kg: term is an anchor on it.
ONTOLOGY_PAGE = "def/kg"
#: Stems the site writes itself, which no resource may take.
RESERVED_FOLDERS = frozenset({".well-known", "dumps", "assets", "conneg"})
RESERVED = frozenset({"index", "404", "search", "search-index", "sitemap", "style", "robots", "kg-site"})


def resource_stem(iri: str, base: str) -> str | None:
    """The page stem (site path without suffix) of a minted IRI, or ``None`` if the IRI is not under the base.

    An IRI with a segment that is no file name (``.``, ``..``, empty, a
    backslash) gets no page: a page can never land outside the site; nor does
    an IRI that names one of the site's own files (``{base}dumps/…``).
    """
    if iri.startswith(v.KG) or iri == v.ONTOLOGY_IRI:
        return ONTOLOGY_PAGE
    if not iri.startswith(base) or len(iri) == len(base) or "#" in iri or "?" in iri:
        return None
    segments = iri[len(base):].split("/")
    if any(s in ("", ".", "..") or "\\" in s or "\0" in s for s in segments):
        return None
    stem = "/".join(segments)
    if stem in RESERVED or segments[0] in RESERVED_FOLDERS:
        return None  # the site's own files (a dump, the VoID document) are served as they are
    return stem


def site_file(iri: str, base: str) -> str | None:
    """The site's own file an IRI under the base names (``{base}dumps/reference.nt``), if any."""
    if not iri.startswith(base):
        return None
    rest = iri[len(base):]
    return rest if rest.split("/", 1)[0] in RESERVED_FOLDERS and ".." not in rest.split("/") else None


def anchor(iri: str) -> str:
    """The anchor of an ontology term on the ontology page (``Measure`` for ``kg:Measure``)."""
    return iri[len(v.KG):] if iri.startswith(v.KG) else ""


@lru_cache(maxsize=65536)
def _relative(start: str, target: str) -> str:
    """``target`` relative to the folder ``start`` (both site paths without leading slash), URL-quoted.

    posixpath.relpath would do, but it resolves against the working folder
    and costs a third of the site's build time at 10k measures.
    """
    a = start.split("/") if start else []
    b = target.split("/")
    common = 0
    while common < len(a) and common < len(b) - 1 and a[common] == b[common]:
        common += 1
    rel = "/".join([".."] * (len(a) - common) + b[common:])
    return quote(rel, safe="/-._~")


def href(from_page: str, to_file: str, fragment: str = "") -> str:
    """A relative link from the page file ``from_page`` to ``to_file`` (both site paths), URL-quoted."""
    rel = _relative(posixpath.dirname(from_page), to_file)
    return rel + (f"#{quote(fragment, safe='-._~')}" if fragment else "")

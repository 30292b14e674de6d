"""What a request for an IRI gets: the choice of format by ``Accept``, with q-values.

The header is parsed by python-mimeparse (RFC 9110 media ranges and
q-values), not by hand. No ``Accept`` or ``*/*`` gets the page; a type the
site cannot give gets ``None`` (the server answers 406 with the list).
"""

from __future__ import annotations

import mimeparse

from kg.site.paths import FORMATS

#: What an IRI can be had as: suffix → media type. HTML last, so that it wins ties (``*/*``).
OFFERS: dict[str, str] = {**FORMATS, "html": "text/html"}
_BY_TYPE = {media: suffix for suffix, media in OFFERS.items()}


def choose(accept: str | None) -> str | None:
    """The suffix to serve for ``accept``; ``None`` when none of :data:`OFFERS` is acceptable."""
    if accept is None or not accept.strip():
        return "html"
    try:
        best = mimeparse.best_match(list(OFFERS.values()), accept)
    except (ValueError, IndexError):  # a header mimeparse cannot read: treat it as no preference
        return "html"
    return _BY_TYPE.get(best) if best else None


def sparql_results(accept: str | None, construct: bool) -> str | None:
    """The media type of a SPARQL result for ``accept`` (JSON or Turtle by default); ``None``: 406."""
    offers = (["application/n-triples", "text/turtle"] if construct else
              ["text/csv", "text/tab-separated-values", "application/sparql-results+xml",
               "application/sparql-results+json"])
    if accept is None or not accept.strip():
        return offers[-1]
    try:
        best = mimeparse.best_match(offers, accept)
    except (ValueError, IndexError):
        return offers[-1]
    return best or None

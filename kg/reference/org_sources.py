"""The sources cited for the gazetteer's facts: ``data/reference/organization_sources.csv``.

Issue 8 found 法人番号 published with no source in the graph and source links
that speak of another body. So every source the gazetteer cites is a row here,
recording what a reader of the page saw: its title as the page gives it and the
name it gives the body. Loading checks that the name is the body's own (its
Japanese or English name, abbreviation or a short form): a page about another
body is refused, not published.

Columns: ``id`` (the organisation), ``url``, ``title`` (the page or record
title as it appears), ``name`` (the body's name as the source writes it),
``scope`` (``body`` — a page about the body, whose title names it; ``record``
— a registry or data record whose name field is ``name``; ``list`` — a page or
law that names the body among others), ``facts`` (``;``-separated:
``corporate-number`` when the source states the 法人番号, ``organization`` when
it states the body's name and place: its kind and host), ``note``.

A list page cannot source a 法人番号: a number is published only from a page
about the body or a record of it. Rows are keyed by ``id`` + ``url``; a user's
``<data_dir>/reference/organization_sources.csv`` replaces or adds rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import StrEnum

from kg.errors import InputError, Position
from kg.reference._csv import ReferenceFile, Row, merge_rows, split_list

COLUMNS = ("id", "url", "title", "name", "scope", "facts", "note")

_URL = re.compile(r"https?://\S+")


class Scope(StrEnum):
    """What a cited source is, which decides what it may source."""

    BODY = "body"
    RECORD = "record"
    LIST = "list"


class Fact(StrEnum):
    """The facts of a gazetteer row a source is cited for."""

    CORPORATE_NUMBER = "corporate-number"
    ORGANIZATION = "organization"


@dataclass(frozen=True)
class Citation:
    """One source cited for one organisation, with what a reader saw on it."""

    url: str
    title: str
    name: str
    scope: Scope
    facts: frozenset[Fact]
    note: str | None


@dataclass(frozen=True)
class CitationRow:
    """A citation as read, with the organisation it is for and where it was read."""

    org_id: str
    citation: Citation
    position: Position


def read_citations(files: tuple[ReferenceFile, ...]) -> list[CitationRow]:
    """The citation rows of ``files`` merged by (id, url), each checked on its own (not against its body)."""
    present = tuple(f for f in files if f.stamp != (-1, -1))
    rows = merge_rows(present, COLUMNS, lambda c: (c["id"], c["url"]), "id", exact=True)
    return [_citation(row) for row in rows]


def _citation(row: Row) -> CitationRow:
    cell = row.cells

    def fail(column: str, message: str) -> InputError:
        return InputError(message, replace(row.position, column_name=column))

    if not _URL.fullmatch(cell["url"]):
        raise fail("url", f"{cell['url']!r} is not an http(s) URL")
    for column in ("title", "name"):
        if not cell[column]:
            raise fail(column, f"{column} is empty: record it as the source gives it")
    try:
        scope = Scope(cell["scope"])
    except ValueError:
        raise fail("scope", f"bad scope {cell['scope']!r} (one of: {', '.join(Scope)})") from None
    try:
        facts = frozenset(Fact(f) for f in split_list(cell["facts"]))
    except ValueError as exc:
        raise fail("facts", f"bad fact ({exc}; known: {', '.join(Fact)})") from None
    if not facts:
        raise fail("facts", "a source is cited for at least one fact")
    if Fact.CORPORATE_NUMBER in facts and scope is Scope.LIST:
        raise fail("facts", "a list that names several bodies cannot source a 法人番号")
    citation = Citation(cell["url"], cell["title"], cell["name"], scope, facts, cell["note"] or None)
    return CitationRow(cell["id"], citation, row.position)


def names_the_body(citation: Citation, names: tuple[str, ...]) -> str | None:
    """Why the citation does not speak of the body known by ``names``, or None when it does.

    Its name must be one of the body's names exactly; a page about the body
    must also carry that name in its title (a redirect is recorded with the
    title of the page it shows).
    """
    if citation.name not in names:
        return f"the source names {citation.name!r}, which is none of {', '.join(names)}"
    if citation.scope is Scope.BODY and citation.name.casefold() not in citation.title.casefold():
        return f"the title {citation.title!r} of a page about the body does not name {citation.name!r}"
    return None

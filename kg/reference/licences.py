"""Licences a catalog record can name: the one module that opens ``data/reference/licences.csv``.

A licence is a fact with sources like any other reference row: its title, the
page of its text, its date, what it is compatible with, and the ``license_id``
the e-Gov portal's CKAN gives it where a source shows that id (empty otherwise,
so the CKAN payload leaves it for the registrar instead of guessing).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

from kg.errors import ConfigError, InputError
from kg.reference._csv import ReferenceFile, merge_rows, reference_files, split_list

COLUMNS = (
    "id", "title_ja", "title_en", "url", "url_en", "issued", "compatible_with", "ckan_license_id",
    "sources", "note",
)


@dataclass(frozen=True)
class Licence:
    id: str
    title_ja: str
    title_en: str
    url: str  # the licence text (its IRI in the catalog)
    url_en: str | None
    issued: date
    compatible_with: tuple[str, ...]
    ckan_license_id: str | None  # None: no source gives e-Gov's id
    sources: tuple[str, ...]


def load_licence(licence_id: str) -> Licence:
    """The bundled licence ``licence_id``; :class:`ConfigError` naming the known ones otherwise."""
    licences = _load(reference_files("licences.csv"))
    if licence_id not in licences:
        raise ConfigError(f"unknown licence {licence_id!r} (known: {', '.join(sorted(licences))})")
    return licences[licence_id]


@cache
def _load(files: tuple[ReferenceFile, ...]) -> dict[str, Licence]:
    licences: dict[str, Licence] = {}
    for row in merge_rows(files, COLUMNS, lambda cells: cells["id"], "id"):
        c = row.cells
        try:
            issued = date.fromisoformat(c["issued"])
        except ValueError as exc:
            raise InputError(f"bad issued date {c['issued']!r}", row.position) from exc
        if not c["sources"]:
            raise InputError("a licence needs at least one source", row.position)
        licences[c["id"]] = Licence(
            c["id"], c["title_ja"], c["title_en"], c["url"], c["url_en"] or None, issued,
            split_list(c["compatible_with"]), c["ckan_license_id"] or None, split_list(c["sources"]),
        )
    return licences

"""The table's column headers of each edition, for reports that point back at the source."""

from __future__ import annotations

from kg.config import Settings
from kg.errors import KgError
from kg.rdf.terms import Minter
from kg.read.edition import load_editions


def column_headers(settings: Settings) -> dict[str, dict[str, str]]:
    """Plan graph IRI → column role → header text, from every ``edition.toml`` of the data folder.

    Validation uses it to name a result's column in the edition's own words. A
    data folder that cannot be read gives no headers (reports then name the
    column by its role); reading the editions reports that problem elsewhere.
    """
    minter = Minter(settings.base_iri)
    try:
        metas = load_editions(settings.data_dir)
    except KgError:
        return {}
    return {
        minter.plan_graph(m.key).value: {
            "id": m.layout.id,
            "name": m.layout.name,
            "kpi": " / ".join(k.header for k in m.layout.kpis),
            "description": m.layout.description,
            "organizations": m.layout.organizations,
        }
        for m in metas
    }

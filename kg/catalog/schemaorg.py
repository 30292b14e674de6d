"""schema.org ``Dataset`` JSON-LD for the landing page (the LOD site embeds it in a script element).

Search engines read schema.org, not DCAT: the same facts as the DCAT-AP
record (titles, licence, publisher with its 法人番号, editions, files with size
and SHA-256), in the shape Google's dataset documentation describes: a
``Dataset`` with ``distribution`` as ``DataDownload`` and ``hasPart`` for the
editions.
"""

from __future__ import annotations

import json
from typing import Any

from kg.catalog.dcat import KEYWORDS_EN, KEYWORDS_JA, coverage, download_url, edition_iri, graph_dataset_iri
from kg.catalog.facts import CatalogFacts, FileFacts


def schema_dataset(facts: CatalogFacts) -> dict[str, Any]:
    cfg, org = facts.config, facts.publisher
    publisher: dict[str, Any] = {
        "@type": "GovernmentOrganization",
        "@id": f"{cfg.base_iri}org/{org.id}",
        "name": org.name_ja,
        "alternateName": org.name_en,
    }
    if org.corporate_number:
        publisher["identifier"] = {"@type": "PropertyValue", "propertyID": "法人番号",
                                   "value": org.corporate_number}
    licence = facts.licence.url
    data: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": str(graph_dataset_iri(cfg.base_iri)),
        "name": "デジタル社会の実現に向けた重点計画 施策集の知識グラフ",
        "alternateName": "Knowledge graph of the Priority Policy Program for Realizing Digital Society",
        "description": "「デジタル社会の実現に向けた重点計画」の施策集"
                       "（施策、KPI、担当府省庁、根拠条項の印）を知識グラフ（RDF）と"
                       "機械可読なCSVにしたもの。 "
                       "The lists of measures of Japan's Priority Policy Program for Realizing Digital "
                       "Society as a knowledge graph and machine-readable CSV.",
        "url": cfg.landing_page,
        "inLanguage": ["ja", "en"],
        "keywords": [*KEYWORDS_JA, *KEYWORDS_EN],
        "license": licence,
        "isAccessibleForFree": True,
        "publisher": publisher,
        "creator": publisher,
        "version": facts.latest.key,
        "spatialCoverage": {"@type": "Country", "name": "日本"},
        "distribution": [_download(facts, f) for f in facts.whole],
        "hasPart": [
            {
                "@type": "Dataset",
                "@id": str(edition_iri(cfg.base_iri, e.key)),
                "name": e.title_ja,
                "alternateName": e.title_en,
                "description": " ".join(coverage(e)),
                "datePublished": e.key,
                "version": e.key,
                "license": licence,
                "creator": publisher,
                "distribution": [_download(facts, f) for f in (*e.files, *facts.shared)],
            }
            for e in facts.editions
        ],
    }
    if cfg.endpoint:
        data["subjectOf"] = {"@type": "WebAPI", "name": "SPARQL endpoint", "url": cfg.endpoint,
                             "documentation": cfg.service_description}
    return data


def _download(facts: CatalogFacts, file: FileFacts) -> dict[str, Any]:
    return {
        "@type": "DataDownload",
        "name": file.title_ja,
        "contentUrl": download_url(facts, file),
        "encodingFormat": file.format.media_type,
        "contentSize": f"{file.size} B",
        "sha256": file.sha256,
    }


def render(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"

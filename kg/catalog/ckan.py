"""A CKAN ``package_create`` payload in the e-Gov data portal's own field names.

e-Gov (data.e-gov.go.jp) runs CKAN 2.9 with a schema of its own: DCAT-shaped
package fields (``publisher``, ``contactPoint``, ``landingPage``,
``frequency_of_update``, ``history_information``, ``related_documents`` …)
and the licence on each resource, not on the package. The field names and
JSON types here are the ones its records carry (``shared/reference/egov/``:
the field inventory and a real ``package_show``); a test holds the payload to
them. A registrar submits it with ``ckanapi action package_create -I
ckan-package.json`` under their own credentials; kg never needs any.

What the portal assigns itself (``id``, ``metadata_created``/``_modified``,
``num_resources``, ``num_tags``, ``state``, ``organization``, a resource's
``id``, ``package_id``, ``position``, ``created`` …) is left out, and so is
what no source of ours states: the licence's CKAN ``license_id`` where
``licences.csv`` has none (the licence is still named, with its URL, in each
resource's ``terms_and_conditions``), and ``owner_org`` unless configured.

Like the portal's own records, the tags carry the publisher's 法人番号 (the
real record is tagged ``2000012010019``), only where the gazetteer states it.
"""

from __future__ import annotations

import json
from typing import Any

from kg.catalog.dcat import KEYWORDS_JA, coverage, download_url
from kg.catalog.facts import CatalogFacts, EditionFacts, FileFacts

#: Package fields the portal assigns or derives itself: a payload does not set them.
PORTAL_FIELDS = frozenset({
    "id", "metadata_created", "metadata_modified", "num_resources", "num_tags", "state", "organization",
    "creator_user_id", "isopen", "relationships_as_subject", "relationships_as_object",
    "provider_last_modified_date", "provider_metadata_modified", "private",
})
#: Package fields whose meaning on e-Gov none of our sources states (or that were null in every record
#: the inventory saw): left for the registrar rather than filled with a guess.
UNSTATED_FIELDS = frozenset({
    "index_id", "opendata_id", "local_government", "etc", "distribution", "subtitle", "compliant_standard",
    "extras", "groups", "url", "author_email", "maintainer", "maintainer_email", "license_id",
    "license_title",
    "contactPoint_etc", "contactPoint_ext", "contactPoint_tel",
})
#: Resource fields the portal assigns itself.
RESOURCE_PORTAL_FIELDS = frozenset({
    "id", "package_id", "position", "created", "metadata_modified", "cache_url", "cache_last_updated",
    "datastore_active", "datastore_contains_all_records_of_source_file", "state", "url_type", "resource_id",
    "last_modified", "mimetype_inner", "resource_type", "docanlys", "private", "provider_last_modified_date",
    "provider_metadata_modified",
})
#: Resource fields none of our sources explains: left out.
RESOURCE_UNSTATED_FIELDS = frozenset({"copyright", "access_url", "related_documents"})
#: e-Gov's code for Japanese, as its resources write it.
LANGUAGE = "jpn"
#: 作成頻度: the plan is decided once a year (shared/docs/domain.md §1).
FREQUENCY = "年1回"


def ckan_payload(facts: CatalogFacts) -> dict[str, Any]:
    """The package_create payload: one CKAN dataset for the whole plan, a resource per file."""
    cfg, org, latest = facts.config, facts.publisher, facts.latest
    tags = [*([org.corporate_number] if org.corporate_number else []), *KEYWORDS_JA]
    payload: dict[str, Any] = {
        "name": cfg.package_name,
        "title": "デジタル社会の実現に向けた重点計画 施策集（知識グラフ）",
        "notes": _notes(facts),
        "type": "dataset",
        "tags": [{"name": t} for t in tags],
        "author": org.name_ja,
        "publisher": org.name_ja,
        "landingPage": cfg.landing_page,
        "language": LANGUAGE,
        "frequency_of_update": FREQUENCY,
        "version": latest.key,
        "history_information": "\n".join(
            f"{e.key}: {e.title_ja}（施策{e.measures}件）" for e in reversed(facts.editions)),
        "related_documents": "\n".join(
            [facts.ontology_iri, *(law.egov_url for law in facts.laws), facts.licence.url]),
        "spatial": "日本",
        "temporal": f"{facts.editions[0].decided.year}年度～{latest.decided.year}年度",
        "resources": _resources(facts),
    }
    if cfg.owner_org:
        payload["owner_org"] = cfg.owner_org
    if cfg.contact_name or cfg.contact_email or cfg.contact_url:
        payload["contactPoint"] = cfg.contact_name or org.name_ja
        if cfg.contact_email:
            payload["contactPoint_email"] = cfg.contact_email
        if cfg.contact_url:
            payload["contactPoint_formUrl"] = cfg.contact_url
    return payload


def _notes(facts: CatalogFacts) -> str:
    parts = [
        "「デジタル社会の実現に向けた重点計画」の施策集（施策、KPI、担当府省庁、官民データ活用推進基本法・"
        "デジタル社会形成基本法の条項との対応）を知識グラフ（RDF）と機械可読なCSVにしたもの。",
        *(f"{e.key}版: {coverage(e)[0]}" for e in facts.editions),
        f"ライセンス: {facts.licence.title_ja}（{facts.licence.url}）。",
    ]
    if facts.config.endpoint:
        parts.append(f"SPARQLエンドポイント: {facts.config.endpoint}")
    return "\n\n".join(parts)


def _resources(facts: CatalogFacts) -> list[dict[str, Any]]:
    files: list[tuple[FileFacts, EditionFacts | None]] = [
        (f, e) for e in reversed(facts.editions) for f in e.files]
    files += [(f, None) for f in (*facts.whole, *facts.shared)]
    resources = []
    for file, edition in files:
        url = download_url(facts, file)
        resource: dict[str, Any] = {
            "name": file.title_ja,
            "description": file.title_en,
            "format": file.format.ckan_format,
            "mimetype": file.format.media_type,
            "size": file.size,
            "hash": file.sha256,
            "url": url,
            "download_url": url,
            "language": LANGUAGE,
            "terms_and_conditions": f"{facts.licence.title_ja} {facts.licence.url}",
            "compliant_standard": facts.ontology_iri if file.rdf else download_url(facts, facts.definitions),
        }
        # Always present, as in the portal's records; empty when no source gives the portal's id for
        # the licence (gaps() says so, for the registrar to fill in).
        resource["license_id"] = license_id(facts)
        # The month of the newest edition the file holds (e-Gov writes YYYY-MM); builds keep no clock.
        resource["last_modified_date"] = (edition or facts.latest).decided.strftime("%Y-%m")
        resources.append(resource)
    return resources


def license_id(facts: CatalogFacts) -> str:
    return facts.config.ckan_license_id or facts.licence.ckan_license_id or ""


def gaps(facts: CatalogFacts) -> list[str]:
    """What the payload leaves for the registrar to fill in, and why."""
    out = []
    if not license_id(facts):
        out.append(f"license_id is empty: e-Gov's id for {facts.licence.id} is in none of our sources "
                   "(set ckan_license_id in catalog.toml)")
    if not facts.config.owner_org:
        out.append("owner_org is not set: the e-Gov organisation the registrar submits under (catalog.toml)")
    if not (facts.config.contact_email or facts.config.contact_url):
        out.append("no contact point: set contact_email or contact_url in catalog.toml")
    return out


def render(payload: dict[str, Any]) -> str:
    return json.dumps(payload, ensure_ascii=False, indent=1) + "\n"

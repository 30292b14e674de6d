"""What a catalog record needs that a build does not know: where things are served, who publishes.

Read from ``catalog.toml`` in the data folder (optional; every key optional),
then overridden by ``kg catalog``'s options. Nothing here is a fact about the
plan: it is the publisher's own configuration, so it is never guessed. A
missing SPARQL endpoint leaves the data service out; a missing CKAN
organisation leaves ``owner_org`` for the registrar.

Keys (flat, all strings)::

    endpoint = "https://example.jp/sparql"        # the store's SPARQL endpoint (dcat:endpointURL)
    endpoint_description = "https://…"            # its service description (default: the endpoint,
                                                  # which answers a GET with one, SPARQL 1.1 SD §2)
    download_base = "https://example.jp/dl/"      # where the build folder is served (default <base>download/)
    landing_page = "https://example.jp/"          # the dataset's web page (default: the base IRI)
    publisher = "da"                              # gazetteer id of the publisher
    licence = "PDL-1.0"                           # id in data/reference/licences.csv
    contact_email = "…"  contact_name = "…"  contact_url = "…"   # the publisher's contact point
    ckan_name = "…"                               # the CKAN dataset name (default kg-<publisher>-plan)
    owner_org = "…"                               # the e-Gov organisation the registrar submits under
    ckan_license_id = "…"                         # e-Gov's license_id for the licence, if known
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from urllib.parse import urlsplit

from kg.errors import ConfigError

FILE_NAME = "catalog.toml"


@dataclass(frozen=True)
class CatalogConfig:
    base_iri: str
    download_base: str
    landing_page: str
    endpoint: str | None = None
    endpoint_description: str | None = None
    publisher: str = "da"
    licence: str = "PDL-1.0"
    contact_email: str | None = None
    contact_name: str | None = None
    contact_url: str | None = None
    ckan_name: str | None = None
    owner_org: str | None = None
    ckan_license_id: str | None = None

    @property
    def service_description(self) -> str | None:
        return self.endpoint_description or self.endpoint

    @property
    def package_name(self) -> str:
        return self.ckan_name or f"kg-{self.publisher}-digital-priority-plan"


_URL_KEYS = ("download_base", "landing_page", "endpoint", "endpoint_description", "contact_url")


def load_catalog_config(base_iri: str, data_dir: Path, **overrides: str | None) -> CatalogConfig:
    """The configuration of ``data_dir/catalog.toml`` (if any), with ``overrides`` that are not None."""
    values: dict[str, str] = {}
    path = data_dir / FILE_NAME
    if path.is_file():
        try:
            with path.open("rb") as fh:
                table = tomllib.load(fh)
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: {exc}") from exc
        known = {f.name for f in fields(CatalogConfig)} - {"base_iri"}
        unknown = sorted(set(table) - known)
        if unknown:
            names = ", ".join(sorted(known))
            raise ConfigError(f"{path}: unknown key(s) {', '.join(unknown)}; known: {names}")
        for key, value in table.items():
            if not isinstance(value, str):
                raise ConfigError(f"{path}: {key} must be a string")
            values[key] = value
    values.update({k: v for k, v in overrides.items() if v is not None})
    config = CatalogConfig(
        base_iri=base_iri,
        download_base=values.pop("download_base", f"{base_iri}download/"),
        landing_page=values.pop("landing_page", base_iri),
    )
    config = replace(config, **values)
    for key in _URL_KEYS:
        value = getattr(config, key)
        if value is not None:
            parts = urlsplit(value)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise ConfigError(f"{key} {value!r} must be an absolute http(s) URL")
    if not config.download_base.endswith("/"):
        raise ConfigError(f"download_base {config.download_base!r} must end with '/'")
    return config

"""The harvested catalog as RDF: CKAN records → DCAT, each publisher linked to the gazetteer or reported.

The mapping follows ckanext-dcat's CKAN → DCAT field mapping (its ``euro_dcat_ap``
profile): the dataset ``{site}/dataset/{id}`` is a ``dcat:Dataset`` with
``dct:identifier``, ``dct:title`` (title), ``dct:description`` (notes),
``dcat:keyword`` (tags), ``dct:issued``/``dct:modified`` (metadata_created /
_modified), ``dcat:version``, ``dcat:landingPage`` (e-Gov's ``landingPage``,
else the dataset page) and one ``dcat:Distribution``
``{site}/dataset/{id}/resource/{rid}`` per resource (``dct:title``,
``dct:description``, ``dcat:accessURL`` url, ``dcat:downloadURL``,
``dct:format``, ``dcat:mediaType``, ``dcat:byteSize``, ``spdx:checksum``
hash, ``dct:issued``/``dct:modified``; the portal's ``license_id`` as
``dct:rights`` text, since it is a code, not a licence IRI).

The publisher is linked to the gazetteer by three keys, in order, and the key
that matched is recorded (``prov:qualifiedAttribution`` →
``prov:Attribution`` with ``prov:agent`` and ``skos:notation`` the key):
``corporate-number`` (a tag that is a valid 法人番号 the gazetteer states),
``organization-name`` (the CKAN organisation's title, or e-Gov's ``publisher``
field, as a name or short form of the gazetteer), ``name-prefix`` (the
dataset name's prefix, through ``egov_prefixes.csv``). Linked, ``dct:publisher``
is the gazetteer's organisation (``{base}org/{id}``), so queries join datasets
to the ministries of measures; unlinked, it is the portal's organisation, and
a review finding says so. Nothing is guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyoxigraph import Literal, NamedNode, RdfFormat, Triple, serialize

from kg.errors import Position
from kg.findings import Finding, finding
from kg.harvest import GRAPH_NAME
from kg.harvest.candidates import Candidate, MeasureText, candidates, confirmed_links, score_literal
from kg.harvest.run import read_stored, sha256_of
from kg.reference.egov_prefixes import load_prefixes
from kg.reference.organizations import Gazetteer, Organization, corporate_number_valid, load_gazetteer
from kg.vocabulary import DCAT, DCTERMS, FOAF, KG, PROV, RDF, RDF_TYPE, SKOS, SPDX, XSD

#: The named graph of the harvested catalog, under the base IRI.
_MEDIA_TYPE = re.compile(r"^[\w.+-]+/[\w.+-]+$")
#: The role of a candidate link (IANA link relation "related": DCAT 3's examples take roles from there).
RELATED = "http://www.iana.org/assignments/relation/related"
_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?$")


@dataclass(frozen=True)
class PublisherLink:
    organization: Organization
    key: str  # corporate-number, organization-name, name-prefix
    value: str  # what matched


@dataclass(frozen=True)
class Mapped:
    ntriples: str
    datasets: int
    linked: dict[str, int]  # key -> datasets linked by it
    findings: tuple[Finding, ...]
    candidates: tuple[Candidate, ...] = ()
    confirmed: int = 0  # dct:relation links a person confirmed


def link_publisher(record: dict[str, Any], gazetteer: Gazetteer, prefixes: dict[str, str],
                   by_number: dict[str, Organization]) -> PublisherLink | None:
    """The gazetteer organisation that publishes ``record``, by the first of the three keys that matches."""
    for tag in record.get("tags") or []:
        name = tag.get("name") if isinstance(tag, dict) else None
        if isinstance(name, str) and corporate_number_valid(name) and name in by_number:
            return PublisherLink(by_number[name], "corporate-number", name)
    for name in _organization_names(record):
        found = gazetteer.lookup(name)
        if found is not None:
            return PublisherLink(found[0], "organization-name", name)
    prefix = str(record.get("name", "")).split("_", 1)[0]
    org_id = prefixes.get(prefix)
    org = gazetteer.get(org_id) if org_id else None
    if org is not None:
        return PublisherLink(org, "name-prefix", prefix)
    return None


def _organization_names(record: dict[str, Any]) -> list[str]:
    names = []
    org = record.get("organization")
    if isinstance(org, dict):
        names += [str(org[k]) for k in ("title", "name") if org.get(k)]
    if isinstance(record.get("publisher"), str) and record["publisher"]:
        names.append(record["publisher"])
    return names


def map_harvest(folder: Path, responses: Path, site: str, base: str, data_dir: Path | None,
                all_measures: list[MeasureText] | None = None) -> Mapped:
    """Map the responses file of a harvest of ``site`` to N-Triples (sorted), with its findings, and,
    given the build's measures, the datasets' candidate measures and the links a person confirmed."""
    user = data_dir / "reference" if data_dir else None
    gazetteer = load_gazetteer(user)
    prefixes = load_prefixes(user)
    by_number = {o.corporate_number: o for o in gazetteer if o.corporate_number}
    stored, _orgs = read_stored(responses)
    site = site.rstrip("/")
    triples: list[Triple] = []
    findings: list[Finding] = []
    linked: dict[str, int] = {}
    catalog = NamedNode(site)
    source = NamedNode(f"{base}harvest/{GRAPH_NAME}/source")

    def add(s: NamedNode, p: str, o: NamedNode | Literal) -> None:
        triples.append(Triple(s, NamedNode(p), o))

    add(catalog, RDF_TYPE, NamedNode(DCAT + "Catalog"))
    add(source, RDF_TYPE, NamedNode(KG + "SourceFile"))
    add(source, DCTERMS + "identifier", Literal(responses.name))
    add(source, KG + "sha256", Literal(sha256_of(responses)))
    count = 0
    publishers: list[tuple[str, str, dict[str, Any], str]] = []
    by_name: dict[str, str] = {}
    for pid in sorted(stored):
        item = stored[pid]
        record = item.record
        name = str(record.get("name") or pid)
        where = Position(file=str(responses), line=item.line)
        missing = [k for k in ("name", "title", "metadata_modified") if not record.get(k)]
        if missing:
            findings.append(finding("egov-bad-record", where, name=name,
                                    reason=f"no {', '.join(missing)}"))
            continue
        count += 1
        ds = NamedNode(f"{site}/dataset/{pid}")
        by_name[name] = ds.value
        add(catalog, DCAT + "dataset", ds)
        add(ds, RDF_TYPE, NamedNode(DCAT + "Dataset"))
        add(ds, DCTERMS + "identifier", Literal(pid))
        add(ds, DCTERMS + "title", Literal(str(record["title"])))
        add(ds, PROV + "wasDerivedFrom", source)
        if record.get("notes"):
            add(ds, DCTERMS + "description", Literal(str(record["notes"])))
        for tag in record.get("tags") or []:
            if isinstance(tag, dict) and tag.get("name"):
                add(ds, DCAT + "keyword", Literal(str(tag["name"])))
        for key, prop in (("metadata_created", "issued"), ("metadata_modified", "modified")):
            _date(add, ds, DCTERMS + prop, record.get(key))
        if record.get("version"):
            add(ds, DCAT + "version", Literal(str(record["version"])))
        landing = record.get("landingPage") or record.get("url")
        add(ds, DCAT + "landingPage", NamedNode(str(landing)) if _is_http(landing)
            else NamedNode(f"{site}/dataset/{name}"))
        link = link_publisher(record, gazetteer, prefixes, by_number)
        if link is not None:
            org = NamedNode(f"{base}org/{link.organization.id}")
            add(ds, DCTERMS + "publisher", org)
            attribution = NamedNode(f"{ds.value}#publisher")
            add(ds, PROV + "qualifiedAttribution", attribution)
            add(attribution, RDF_TYPE, NamedNode(PROV + "Attribution"))
            add(attribution, PROV + "agent", org)
            add(attribution, SKOS + "notation", Literal(link.key))
            add(attribution, SKOS + "note", Literal(link.value))
            linked[link.key] = linked.get(link.key, 0) + 1
            publishers.append((name, ds.value, record, org.value))
        else:
            names = _organization_names(record)
            findings.append(finding("egov-unknown-organization", where, raw=names[0] if names else None,
                                    name=name, organization=names[0] if names else "(none)"))
            org_record = record.get("organization")
            if isinstance(org_record, dict) and org_record.get("name"):
                agent = NamedNode(f"{site}/organization/{org_record['name']}")
                add(ds, DCTERMS + "publisher", agent)
                add(agent, RDF_TYPE, NamedNode(FOAF + "Agent"))
                add(agent, FOAF + "name", Literal(str(org_record.get("title") or org_record["name"])))
        for resource in record.get("resources") or []:
            if isinstance(resource, dict) and resource.get("id"):
                _distribution(add, site, pid, ds, resource)
    found: list[Candidate] = []
    confirmed: list[tuple[str, str]] = []
    if all_measures is not None:
        found = candidates(publishers, all_measures)
        for c in found:
            node = NamedNode(f"{c.dataset_iri}#candidate/{c.measure.edition}/{c.measure.id}")
            add(NamedNode(c.dataset_iri), DCAT + "qualifiedRelation", node)
            add(node, RDF_TYPE, NamedNode(DCAT + "Relationship"))
            add(node, DCTERMS + "relation", NamedNode(c.measure.iri))
            add(node, DCAT + "hadRole", NamedNode(RELATED))
            add(node, RDF + "value", score_literal(c.score))
            add(node, SKOS + "note", Literal(c.reasons))
        confirmed = confirmed_links(data_dir, by_name, all_measures) if data_dir else []
        for dataset, measure in confirmed:
            add(NamedNode(dataset), DCTERMS + "relation", NamedNode(measure))
    data = serialize(triples, format=RdfFormat.N_TRIPLES) or b""
    lines = sorted(set(data.decode("utf-8").splitlines()))
    text = "".join(f"{line}\n" for line in lines if line)
    return Mapped(text, count, linked, tuple(findings), tuple(found), len(confirmed))


def _is_http(value: object) -> bool:
    return isinstance(value, str) and value.startswith(("http://", "https://")) and " " not in value


def _date(add: Any, node: NamedNode, prop: str, value: object) -> None:
    if isinstance(value, str) and _DATETIME.match(value):
        add(node, prop, Literal(value, datatype=NamedNode(XSD + "dateTime")))


def _distribution(add: Any, site: str, pid: str, ds: NamedNode, resource: dict[str, Any]) -> None:
    dist = NamedNode(f"{site}/dataset/{pid}/resource/{resource['id']}")
    add(ds, DCAT + "distribution", dist)
    add(dist, RDF_TYPE, NamedNode(DCAT + "Distribution"))
    for key, prop in (("name", "title"), ("description", "description")):
        if resource.get(key):
            add(dist, DCTERMS + prop, Literal(str(resource[key])))
    if _is_http(resource.get("url")):
        add(dist, DCAT + "accessURL", NamedNode(resource["url"]))
    download = resource.get("download_url") or resource.get("url")
    if _is_http(download):
        add(dist, DCAT + "downloadURL", NamedNode(str(download)))
    if resource.get("format"):
        add(dist, DCTERMS + "format", Literal(str(resource["format"])))
    mimetype = resource.get("mimetype")
    if isinstance(mimetype, str) and _MEDIA_TYPE.match(mimetype):
        add(dist, DCAT + "mediaType", NamedNode(f"http://www.iana.org/assignments/media-types/{mimetype}"))
    size = resource.get("size")
    if isinstance(size, int) and not isinstance(size, bool) and size >= 0:
        add(dist, DCAT + "byteSize", Literal(str(size), datatype=NamedNode(XSD + "nonNegativeInteger")))
    digest = resource.get("hash")
    if isinstance(digest, str) and digest:
        checksum = NamedNode(f"{dist.value}#checksum")
        add(dist, SPDX + "checksum", checksum)
        add(checksum, RDF_TYPE, NamedNode(SPDX + "Checksum"))
        add(checksum, SPDX + "checksumValue", Literal(digest))
    if resource.get("license_id"):
        add(dist, DCTERMS + "rights", Literal(str(resource["license_id"])))
    _date(add, dist, DCTERMS + "issued", resource.get("created"))
    _date(add, dist, DCTERMS + "modified", resource.get("last_modified"))

"""The gazetteer of Japan's central government: ``data/reference/organizations.csv``.

This is the only module that opens that file (and a user's
``<data_dir>/reference/organizations.csv``, whose rows replace or extend the
bundled ones by ``id``). Each row is one organisation of the central government
as of 2023–2026, with its sources; loading validates the whole (merged) file and
raises :class:`kg.errors.InputError` at the first bad row, naming its file and line.

Columns: ``id`` (short stable ASCII slug, used in IRIs), ``name_ja``,
``name_en``, ``abbreviation_en`` (only where a source gives one), ``kind``,
``parent_id`` (``org:subOrganizationOf``), ``variants_ja`` (``;``-separated
short forms and variants), ``corporate_number`` (法人番号, only where a source
states it) and ``corporate_number_source``, ``sources`` (``;``-separated URLs,
at least one), ``note`` (caveats, and what could not be sourced).

What each source is — its title, the name it gives the body, the facts it is
cited for — is recorded in ``organization_sources.csv`` (:mod:`kg.reference.org_sources`).
A 法人番号 is accepted only when its ``corporate_number_source`` is such a row
cited for ``corporate-number`` from a page about the body or a record of it,
and every recorded source must name the body it is cited for.

Kinds follow the type of organ its establishing law makes it, and each has a
rule (:data:`KIND_RULES`) that loading enforces, so a kind that contradicts its
definition in the ontology (``kg:OrganizationKindScheme``) is an input error:

* ``ministry`` — a 省 of 国家行政組織法 別表第一 (総務省 … 防衛省); no host;
* ``fu`` — the 府, 内閣府 (内閣府設置法第2条): placed in the Cabinet, not a 省; no host;
* ``agency`` — a 庁: the external agencies (外局) of a 府 or 省, the agencies
  placed in the Cabinet (デジタル庁, 復興庁, no host), and 宮内庁 and 警察庁,
  which are organs of the Cabinet Office and of the National Public Safety
  Commission rather than 外局;
* ``commission`` — a 委員会 set up as an external body (a "3条" or 内閣府設置法
  第49条 commission) of a 府 or 省, which hosts it;
* ``cabinet-body`` — the Cabinet's own auxiliary organs, 内閣官房 and 内閣法制局; no host;
* ``independent-body`` — a body independent of the Cabinet that nothing hosts:
  会計検査院 (日本国憲法第90条, 会計検査院法第1条) and 人事院 (under the
  Cabinet's jurisdiction, 国家公務員法第3条);
* ``office`` — a 本部, 室 or 事務局 placed inside a host body; it always has one.

Organisations placed directly in the Cabinet have no ``parent_id``: the Cabinet
itself is not a row, and the ``note`` says so.

Names are matched after NFKC normalisation and removal of all whitespace
(:func:`match_key`); the stored names are never changed. A name matches
``EXACT`` when it is an organisation's ``name_ja``, ``ALIAS`` when it is one of
its ``variants_ja`` or its name qualified by its parent's (``総務省消防庁``,
``国土交通省観光庁``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cache
from pathlib import Path

from kg.errors import InputError, Position
from kg.records import MatchMethod
from kg.reference._csv import REFERENCE_DIR, ReferenceFile, Row, merge_rows, reference_files, split_list
from kg.reference.org_sources import Citation, CitationRow, Fact, names_the_body, read_citations

#: The bundled gazetteer (a user's ``<data_dir>/reference/organizations.csv`` is merged over it).
DEFAULT_PATH = REFERENCE_DIR / "organizations.csv"
#: What the gazetteer's sources are (title, the name they give the body, the facts they are cited for).
SOURCES_PATH = REFERENCE_DIR / "organization_sources.csv"

COLUMNS = (
    "id",
    "name_ja",
    "name_en",
    "abbreviation_en",
    "kind",
    "parent_id",
    "variants_ja",
    "corporate_number",
    "corporate_number_source",
    "sources",
    "note",
)

_ID = re.compile(r"[a-z][a-z0-9-]*")
_URL = re.compile(r"https?://\S+")


class OrganizationKind(StrEnum):
    """What kind of organ an organisation is (see the module docstring)."""

    MINISTRY = "ministry"
    AGENCY = "agency"
    COMMISSION = "commission"
    CABINET_BODY = "cabinet-body"
    FU = "fu"
    INDEPENDENT_BODY = "independent-body"
    OFFICE = "office"


class Host(StrEnum):
    """Whether a kind of organ is placed in another body (``parent_id``)."""

    NEVER = "never"
    OPTIONAL = "optional"
    ALWAYS = "always"


@dataclass(frozen=True)
class KindRule:
    """What the ontology's definition of a kind requires of a body of that kind.

    ``suffix``: the name (``name_ja``) ends with it, where the kind is an organ
    type the name carries (省, 府, 庁, 委員会); ``host``: whether it has a
    ``parent_id``; ``host_kinds``: the kinds its host may be.
    """

    suffix: str | None
    host: Host
    host_kinds: frozenset[OrganizationKind] = frozenset()


_FU_OR_MINISTRY = frozenset({OrganizationKind.FU, OrganizationKind.MINISTRY})

#: One rule per kind, checked for every row (tests check every kind of the ontology has one).
KIND_RULES: dict[OrganizationKind, KindRule] = {
    OrganizationKind.MINISTRY: KindRule("省", Host.NEVER),
    OrganizationKind.FU: KindRule("府", Host.NEVER),
    OrganizationKind.AGENCY: KindRule("庁", Host.OPTIONAL, _FU_OR_MINISTRY | {OrganizationKind.COMMISSION}),
    OrganizationKind.COMMISSION: KindRule("委員会", Host.ALWAYS, _FU_OR_MINISTRY),
    OrganizationKind.CABINET_BODY: KindRule(None, Host.NEVER),
    OrganizationKind.INDEPENDENT_BODY: KindRule(None, Host.NEVER),
    OrganizationKind.OFFICE: KindRule(None, Host.ALWAYS, frozenset(OrganizationKind)),
}


def kind_violation(org: Organization, parent: Organization | None) -> str | None:
    """Why ``org``'s kind contradicts its rule (name, host, host's kind), or None when it does not."""
    rule = KIND_RULES[org.kind]
    if rule.suffix is not None and not org.name_ja.endswith(rule.suffix):
        return f"a {org.kind} is named …{rule.suffix}, not {org.name_ja!r}"
    if rule.host is Host.NEVER and org.parent_id is not None:
        return f"a {org.kind} has no host, but {org.id!r} has parent_id {org.parent_id!r}"
    if rule.host is Host.ALWAYS and org.parent_id is None:
        return f"a {org.kind} is placed in a host body, but {org.id!r} has no parent_id"
    if parent is not None and parent.kind not in rule.host_kinds:
        return f"a {org.kind} is not placed in a {parent.kind} ({parent.id!r})"
    return None


@dataclass(frozen=True)
class Organization:
    """One organisation of the central government, as the gazetteer records it."""

    id: str
    name_ja: str
    name_en: str
    abbreviation_en: str | None
    kind: OrganizationKind
    parent_id: str | None
    variants_ja: tuple[str, ...]
    corporate_number: str | None
    corporate_number_source: str | None
    sources: tuple[str, ...]
    note: str | None
    citations: tuple[Citation, ...] = ()

    def names(self) -> tuple[str, ...]:
        """Every name a source may give this body: Japanese, English, abbreviation, short forms."""
        extra = (self.abbreviation_en,) if self.abbreviation_en else ()
        return (self.name_ja, self.name_en, *extra, *self.variants_ja)


def match_key(name: str) -> str:
    """The form a name is compared in: NFKC, with every whitespace character removed."""
    return "".join(unicodedata.normalize("NFKC", name).split())


def corporate_number_valid(number: str) -> bool:
    """Whether ``number`` is a 13-digit 法人番号 whose check digit is right.

    The check digit is the first digit: 9 − (Σ Pn × Qn mod 9) over the 12 base
    digits, where Pn is the n-th base digit counted from the right and Qn is 1
    for odd n and 2 for even n (国税庁's rule).
    """
    if len(number) != 13 or not number.isascii() or not number.isdigit():
        return False
    base = number[1:]
    total = sum(int(digit) * (1 if n % 2 else 2) for n, digit in enumerate(reversed(base), start=1))
    return int(number[0]) == 9 - total % 9


class Gazetteer:
    """All organisations, by id and by every name they are known under."""

    def __init__(self, organizations: list[Organization]) -> None:
        self.by_id: dict[str, Organization] = {org.id: org for org in organizations}
        self._exact: dict[str, Organization] = {match_key(org.name_ja): org for org in organizations}
        self._alias: dict[str, Organization] = {}
        for org in organizations:
            for variant in org.variants_ja:
                self._alias[match_key(variant)] = org
        # A name qualified by its parent's (総務省消防庁, 国土交通省観光庁) is the organisation.
        for org in organizations:
            if org.parent_id is not None:
                qualified = match_key(self.by_id[org.parent_id].name_ja + org.name_ja)
                if qualified not in self._exact:
                    self._alias.setdefault(qualified, org)

    def __len__(self) -> int:
        return len(self.by_id)

    def __iter__(self) -> Iterator[Organization]:
        return iter(self.by_id.values())

    def get(self, org_id: str) -> Organization | None:
        """The organisation with this id, or None."""
        return self.by_id.get(org_id)

    def children(self, org_id: str) -> tuple[Organization, ...]:
        """The organisations whose parent is ``org_id``, in file order."""
        return tuple(org for org in self.by_id.values() if org.parent_id == org_id)

    def lookup(self, name: str) -> tuple[Organization, MatchMethod] | None:
        """Match a name as written: EXACT for an official name, ALIAS for a variant, else None."""
        key = match_key(name)
        if not key:
            return None
        if key in self._exact:
            return self._exact[key], MatchMethod.EXACT
        if key in self._alias:
            return self._alias[key], MatchMethod.ALIAS
        return None


def load_gazetteer(user_dir: Path | None = None) -> Gazetteer:
    """The bundled gazetteer, with ``user_dir / "organizations.csv"`` (if there) merged in by ``id``.

    A user row with a bundled id replaces that organisation, one with a new id
    adds an organisation; the merged whole is validated (names unique, parents
    known, no cycles), and an error names the file and line of the row at fault.
    Cached by the files' paths, modification times and sizes.
    """
    return _load(
        reference_files("organizations.csv", user_dir), reference_files("organization_sources.csv", user_dir)
    )


def read_gazetteer(*paths: Path, sources: tuple[Path, ...] = ()) -> Gazetteer:
    """Read and validate gazetteer (and source) files, later rows replacing or extending earlier ones."""
    return _load(tuple(ReferenceFile.of(path) for path in paths), tuple(ReferenceFile.of(p) for p in sources))


@cache
def _load(files: tuple[ReferenceFile, ...], source_files: tuple[ReferenceFile, ...] = ()) -> Gazetteer:
    rows = merge_rows(files, COLUMNS, lambda cells: cells["id"], "id", exact=True)
    organizations = [_organization(row.cells, row.position) for row in rows]
    row_of = {org.id: row for org, row in zip(organizations, rows, strict=True)}
    names: dict[str, tuple[str, Row]] = {}  # match key -> (id, row) of every name and variant
    for org, row in zip(organizations, rows, strict=True):
        for name in (org.name_ja, *org.variants_ja):
            key = match_key(name)
            if key in names:
                other_id, other = names[key]
                # Reported at the row from the later (the user's) file, else at this, the later, row.
                if other.source > row.source:
                    at, also_id, also = other, org.id, row
                else:
                    at, also_id, also = row, other_id, other
                raise InputError(
                    f"duplicate name {name!r} (also {also_id!r} at {also.position})",
                    replace(at.position, column_name="name_ja"),
                )
            names[key] = (org.id, row)
    by_id = {org.id: org for org in organizations}
    for org in organizations:
        _check_parent(org, by_id, replace(row_of[org.id].position, column_name="parent_id"))
    for org in organizations:
        problem = kind_violation(org, by_id.get(org.parent_id) if org.parent_id else None)
        if problem is not None:
            raise InputError(problem, replace(row_of[org.id].position, column_name="kind"))
    cited = _cite(by_id, read_citations(source_files))
    for org in cited:
        _check_number_source(org, replace(row_of[org.id].position, column_name="corporate_number_source"))
    return Gazetteer(cited)


def _cite(by_id: dict[str, Organization], rows: list[CitationRow]) -> list[Organization]:
    """The organisations with their citations, each citation checked to name the body it is cited for."""
    citations: dict[str, list[Citation]] = {org_id: [] for org_id in by_id}
    for row in rows:
        org = by_id.get(row.org_id)
        if org is None:
            where = replace(row.position, column_name="id")
            raise InputError(f"unknown organisation id {row.org_id!r}", where)
        problem = names_the_body(row.citation, org.names())
        if problem is not None:
            raise InputError(f"{problem}: a source that speaks of another body is not cited for {org.id!r}",
                             replace(row.position, column_name="name"))
        citations[org.id].append(row.citation)
    return [replace(org, citations=tuple(citations[org.id])) for org in by_id.values()]


def _check_number_source(org: Organization, position: Position) -> None:
    # A number is published only with a recorded source (title and the body's name) that states it.
    if org.corporate_number is None:
        return
    stated = (c for c in org.citations if Fact.CORPORATE_NUMBER in c.facts)
    if org.corporate_number_source not in {c.url for c in stated}:
        raise InputError(
            f"the 法人番号 of {org.id!r} needs its source ({org.corporate_number_source}) recorded in "
            "organization_sources.csv for corporate-number, with the page's title and the body's name there",
            position,
        )


def _organization(row: dict[str, str], position: Position) -> Organization:
    cell = {key: (value or "").strip() for key, value in row.items()}

    def fail(column: str, message: str) -> InputError:
        return InputError(message, Position(file=position.file, line=position.line, column_name=column))

    org_id = cell["id"]
    if not _ID.fullmatch(org_id):
        raise fail("id", f"bad id {org_id!r}: use lowercase ASCII letters, digits and '-'")
    for column in ("name_ja", "name_en"):
        if not cell[column]:
            raise fail(column, f"{column} is empty")
    try:
        kind = OrganizationKind(cell["kind"])
    except ValueError:
        known = ", ".join(k.value for k in OrganizationKind)
        raise fail("kind", f"bad kind {cell['kind']!r} (one of: {known})") from None
    number = cell["corporate_number"] or None
    number_source = cell["corporate_number_source"] or None
    if number is not None and not corporate_number_valid(number):
        raise fail("corporate_number", f"{number!r} is not a valid 法人番号 (13 digits, check digit first)")
    if number is not None and number_source is None:
        raise fail("corporate_number_source", "a corporate number needs the source that states it")
    if number is None and number_source is not None:
        raise fail("corporate_number_source", "a corporate number source is given without a number")
    sources = split_list(cell["sources"])
    if not sources:
        raise fail("sources", "every organisation needs at least one source")
    for source in sources:
        if not _URL.fullmatch(source):
            raise fail("sources", f"{source!r} is not an http(s) URL")
    return Organization(
        id=org_id,
        name_ja=cell["name_ja"],
        name_en=cell["name_en"],
        abbreviation_en=cell["abbreviation_en"] or None,
        kind=kind,
        parent_id=cell["parent_id"] or None,
        variants_ja=split_list(cell["variants_ja"]),
        corporate_number=number,
        corporate_number_source=number_source,
        sources=sources,
        note=cell["note"] or None,
    )


def _check_parent(org: Organization, by_id: dict[str, Organization], position: Position) -> None:
    seen = {org.id}
    parent_id = org.parent_id
    while parent_id is not None:
        parent = by_id.get(parent_id)
        if parent is None:
            raise InputError(f"unknown parent_id {parent_id!r} of {org.id!r}", position)
        if parent.id in seen:
            raise InputError(f"parent_id of {org.id!r} leads round in a cycle", position)
        seen.add(parent.id)
        parent_id = parent.parent_id

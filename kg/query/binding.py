"""Bind query parameters as RDF terms, through a VALUES block, never as pasted text.

A value given on the command line becomes a pyoxigraph term of the
parameter's declared type (a string literal, an xsd:integer, an IRI …). The
term is written into the query only in its N-Triples form, which escapes
quotes, backslashes and line breaks, inside a ``VALUES`` block inserted at the
start of the query's outermost ``WHERE`` group. So ``" } ; DROP ALL ; #`` is
one string literal, whatever it contains; and an IRI with a space or ``>``
is refused before it gets near the text.

The block goes on the same line as the group's ``{``: line numbers in error
messages stay those of the query file. Convention for query authors: use
parameters in the outermost group (its FILTERs, OPTIONALs, EXISTS); a
sub-SELECT or MINUS does not see them, as SPARQL scoping says.

A parameter of type ``edition`` names a plan edition the way a person does:
by its key, the Cabinet decision date (``2023-06-09``), by its year (``2023``)
where that year has exactly one edition in the graph, or ``latest``. It is
resolved against the editions the queried graph holds (one small query to
the same store, embedded or remote) and bound as the edition's key, a string
literal that the query matches with ``?plan dcterms:identifier ?edition``.
An edition the graph does not hold, or a year with two editions (2021), is an
error that lists the editions there are.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from pyoxigraph import Literal, NamedNode

from kg.errors import QueryError
from kg.query.lexer import where_group
from kg.vocabulary import DCTERMS, KG, XSD

if TYPE_CHECKING:
    from kg.store.target import SparqlTarget

Term = Literal | NamedNode


def _typed(datatype: str, check: Callable[[str], object]) -> Callable[[str], Term]:
    def make(value: str) -> Term:
        check(value)
        return Literal(value, datatype=NamedNode(XSD + datatype))

    return make


def _integer(value: str) -> None:
    if not re.fullmatch(r"[+-]?\d+", value):
        raise ValueError("not an integer")


def _decimal(value: str) -> None:
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", value):
        raise ValueError("not a decimal number")
    Decimal(value)


def _boolean(value: str) -> None:
    if value not in ("true", "false"):
        raise ValueError("not true or false")


def _gyear(value: str) -> None:
    if not re.fullmatch(r"-?\d{4,}", value):
        raise ValueError("not a year such as 2025")


def _date(value: str) -> None:
    date.fromisoformat(value)
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("not a date such as 2023-06-09")


def _iri(value: str) -> Term:
    return NamedNode(value)  # pyoxigraph validates: no spaces, <, >, " …


#: The value of an edition parameter that stands for the most recent edition in the graph.
LATEST = "latest"
_YEAR = re.compile(r"\d{4}")
_KEY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _edition(value: str) -> Term:
    """The form of an edition value only; :func:`resolve_values` looks it up in the graph."""
    if value == LATEST or _YEAR.fullmatch(value):
        return Literal(value)
    try:
        if _KEY.fullmatch(value) and date.fromisoformat(value):
            return Literal(value)
    except ValueError:
        pass
    raise ValueError("not a decision date such as 2023-06-09, a year such as 2023, or latest")


#: Declared parameter types and how a command-line value becomes a term.
PARAM_TYPES: dict[str, Callable[[str], Term]] = {
    "string": Literal,
    "integer": _typed("integer", _integer),
    "decimal": _typed("decimal", _decimal),
    "boolean": _typed("boolean", _boolean),
    "gYear": _typed("gYear", _gyear),
    "date": _typed("date", _date),
    "iri": _iri,
    "edition": _edition,
}


@dataclass(frozen=True, order=True)
class Edition:
    """A plan edition in the graph: its key (the decision date, ``2023-06-09``) and year."""

    key: str
    year: str


#: The editions a graph holds.
EDITIONS_QUERY = f"""PREFIX kg: <{KG}>
PREFIX dcterms: <{DCTERMS}>
SELECT DISTINCT ?key (STR(?editionYear) AS ?year)
WHERE {{ ?plan a kg:PlanEdition ; dcterms:identifier ?key ; kg:editionYear ?editionYear . }}
"""


def list_editions(target: SparqlTarget) -> tuple[Edition, ...]:
    """The plan editions in ``target``'s default graph, oldest first (keys are ISO dates)."""
    bindings = target.select(EDITIONS_QUERY)["results"]["bindings"]
    return tuple(sorted({Edition(b["key"]["value"], b["year"]["value"]) for b in bindings}))


def resolve_edition(name: str, value: str, editions: Sequence[Edition]) -> str:
    """The key of the edition ``value`` names (a key, a year with one edition, ``latest``), or QueryError."""
    if not editions:
        raise QueryError(f"parameter {name}: the graph holds no plan edition (kg:PlanEdition)")
    if value == LATEST:
        return max(editions).key
    if _YEAR.fullmatch(value):
        found = [e.key for e in editions if e.year == value]
        if len(found) > 1:
            raise QueryError(
                f"parameter {name}: {value} names more than one edition ({', '.join(found)}): "
                "give the decision date"
            )
    else:
        found = [e.key for e in editions if e.key == value]
    if not found:
        known = ", ".join(e.key for e in editions)
        raise QueryError(f"parameter {name}: no edition {value} in the graph (editions: {known})")
    return found[0]


@dataclass(frozen=True)
class Parameter:
    """A declared query parameter: bound to the variable ``?name``."""

    name: str
    type: str
    default: str | None
    description: str = ""

    @property
    def required(self) -> bool:
        return self.default is None

    def term(self, value: str) -> Term:
        """``value`` as an RDF term of this parameter's type, or QueryError."""
        try:
            return PARAM_TYPES[self.type](value)
        except (ValueError, InvalidOperation) as exc:
            raise QueryError(f"parameter {self.name}: {value!r} is not a valid {self.type} ({exc})") from None


def check_values(parameters: tuple[Parameter, ...], given: Mapping[str, str]) -> dict[str, Term]:
    """The term for every declared parameter, given on the command line, else its default.

    No store is needed: unknown, missing and ill-formed values are refused
    here. An edition value is still as written (``2023``, ``latest``).
    """
    declared = {p.name for p in parameters}
    unknown = sorted(set(given) - declared)
    if unknown:
        known = ", ".join(sorted(declared)) or "none"
        raise QueryError(f"unknown parameter(s) {', '.join(unknown)}; this query's parameters: {known}")
    terms: dict[str, Term] = {}
    missing: list[str] = []
    for p in parameters:
        value = given.get(p.name, p.default)
        if value is None:
            missing.append(p.name)
            continue
        terms[p.name] = p.term(value)
    if missing:
        raise QueryError(
            "missing required parameter(s): "
            + ", ".join(f"{m} (give --param {m}=VALUE)" for m in missing)
        )
    return terms


def resolve_values(
    parameters: tuple[Parameter, ...],
    given: Mapping[str, str],
    editions: Callable[[], Sequence[Edition]] | None = None,
) -> dict[str, Term]:
    """The terms to bind: :func:`check_values`, with each edition value resolved to its key.

    ``editions()`` is asked once, and only if the query has an edition
    parameter, for the editions in the graph the query will run on.
    """
    terms = check_values(parameters, given)
    named = [p for p in parameters if p.type == "edition"]
    if named:
        if editions is None:
            raise ValueError("edition parameters are resolved against a graph: pass editions")
        held = editions()
        for p in named:
            terms[p.name] = Literal(resolve_edition(p.name, terms[p.name].value, held))
    return terms


def bind(query: str, terms: Mapping[str, Term]) -> str:
    """``query`` with a VALUES block for ``terms`` opening its outermost WHERE group."""
    if not terms:
        return query
    names = sorted(terms)
    variables = " ".join(f"?{n}" for n in names)
    row = " ".join(str(terms[n]) for n in names)  # N-Triples form: escaped, never raw
    at = where_group(query) + 1
    return f"{query[:at]} VALUES ({variables}) {{ ({row}) }} {query[at:]}"

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
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from pyoxigraph import Literal, NamedNode

from kg.errors import QueryError
from kg.query.lexer import where_group
from kg.vocabulary import XSD

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


#: Declared parameter types and how a command-line value becomes a term.
PARAM_TYPES: dict[str, Callable[[str], Term]] = {
    "string": Literal,
    "integer": _typed("integer", _integer),
    "decimal": _typed("decimal", _decimal),
    "boolean": _typed("boolean", _boolean),
    "gYear": _typed("gYear", _gyear),
    "date": _typed("date", _date),
    "iri": _iri,
}


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


def resolve_values(parameters: tuple[Parameter, ...], given: Mapping[str, str]) -> dict[str, Term]:
    """The term for every declared parameter: given on the command line, else its default."""
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


def bind(query: str, terms: Mapping[str, Term]) -> str:
    """``query`` with a VALUES block for ``terms`` opening its outermost WHERE group."""
    if not terms:
        return query
    names = sorted(terms)
    variables = " ".join(f"?{n}" for n in names)
    row = " ".join(str(terms[n]) for n in names)  # N-Triples form: escaped, never raw
    at = where_group(query) + 1
    return f"{query[:at]} VALUES ({variables}) {{ ({row}) }} {query[at:]}"

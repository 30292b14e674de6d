"""The changes as RDF: a change graph of its own, declared in the ontology and shaped.

IRIs (under the build's base, see docs/diff.md)::

    {base}graph/changes/{old}/{new}              the named graph
    {base}changes/{old}/{new}                    kg:ChangeSet
    {base}changes/{old}/{new}/measure/{n}        kg:MeasureChange, n = position in the report (6 digits)
    {base}changes/{old}/{new}/change/{n}-{j}     kg:Change, j = its order among the measure's changes
    {base}plan/{new}                             the new edition: adms:versionNotes (the summary), when
                                                 old is the edition just before it in the build

Positions are zero-padded so that subjects arrive in sorted order and the
graph's N-Triples are written by :class:`kg.rdf.write.GraphSink` without a
sort in memory. Each measure change carries the IDs and name, so the graph
can be read and queried on its own (``kg query … --build-dir`` the diff
folder); ``kg:fromMeasure``/``kg:toMeasure`` link it to the plan graphs for
queries over a store that holds both.
"""

from __future__ import annotations

from collections.abc import Sequence

from pyoxigraph import Literal, NamedNode, Triple

from kg.diff.changes import TYPES, Change
from kg.rdf.terms import RDF_TYPE, RDFS_LABEL, Minter, integer, ja, kg
from kg.vocabulary import ADMS, DCTERMS, RDFS

_IDENTIFIER = NamedNode(DCTERMS + "identifier")
#: The new edition's version notes (ADMS, as DCAT-AP uses it on a dataset's version).
VERSION_NOTES = NamedNode(ADMS + "versionNotes")
_DESCRIPTION = NamedNode(DCTERMS + "description")
_COMMENT = NamedNode(RDFS + "comment")


def change_set_iri(base: str, old: str, new: str) -> str:
    return f"{base}changes/{old}/{new}"


def graph_iri(base: str, old: str, new: str) -> str:
    return f"{base}graph/changes/{old}/{new}"


def change_set_triples(
    base: str, old: str, new: str, summary: tuple[str, str], version_notes: bool
) -> list[Triple]:
    """The change set: which editions, and the summary of the changes (its description, ja and en).

    With ``version_notes`` (``old`` is the edition just before ``new`` in the
    build, :func:`kg.diff.notes.is_previous`) the summary is also the new
    edition's ``adms:versionNotes``: what changed in it since the one before.
    A diff across editions between says nothing about the edition itself.
    """
    minter = Minter(base)
    s = NamedNode(change_set_iri(base, old, new))
    text_ja, text_en = summary
    out = [
        Triple(s, RDF_TYPE, kg("ChangeSet")),
        Triple(s, _IDENTIFIER, Literal(f"{old}/{new}")),
        Triple(s, RDFS_LABEL, ja(f"重点計画 {old} から {new} への変更")),
        Triple(s, kg("fromEdition"), minter.edition(old)),
        Triple(s, kg("toEdition"), minter.edition(new)),
        Triple(s, _DESCRIPTION, ja(text_ja)),
        Triple(s, _DESCRIPTION, Literal(text_en, language="en")),
    ]
    if version_notes:
        edition = minter.edition(new)
        out += [Triple(edition, VERSION_NOTES, ja(text_ja)),
                Triple(edition, VERSION_NOTES, Literal(text_en, language="en"))]
    return out


def measure_change_triples(
    base: str, old: str, new: str, position: int, changes: Sequence[Change]
) -> list[Triple]:
    """One measure's changes (all of one lineage and old/new pair), as a kg:MeasureChange."""
    minter = Minter(base)
    cs = change_set_iri(base, old, new)
    first = changes[0]
    m = NamedNode(f"{cs}/measure/{position:06d}")
    out = [
        Triple(m, RDF_TYPE, kg("MeasureChange")),
        Triple(m, kg("inChangeSet"), NamedNode(cs)),
        Triple(m, kg("changedLineage"), NamedNode(first.lineage)),
        Triple(m, RDFS_LABEL, ja(first.name)),
    ]
    for measure_id in filter(None, first.old_id.split("・")):
        out.append(Triple(m, kg("fromMeasure"), minter.measure(old, measure_id)))
    if first.old_id:
        out.append(Triple(m, kg("fromIdentifier"), Literal(first.old_id)))
    if first.new_id:
        out += [
            Triple(m, kg("toMeasure"), minter.measure(new, first.new_id)),
            Triple(m, kg("toIdentifier"), Literal(first.new_id)),
        ]
    for j, c in enumerate(changes, 1):
        ch = NamedNode(f"{cs}/change/{position:06d}-{j}")
        out += [
            Triple(m, kg("hasChange"), ch),
            Triple(ch, RDF_TYPE, kg("Change")),
            Triple(ch, kg("changeType"), kg(TYPES[c.change].concept)),
            Triple(ch, kg("changeOrder"), integer(j)),
        ]
        for prop, value in (("aspect", c.aspect), ("oldValue", c.old), ("newValue", c.new),
                            ("textDiff", c.detail)):
            if value:
                out.append(Triple(ch, kg(prop), Literal(value)))
        if c.note:
            out.append(Triple(ch, _COMMENT, ja(c.note)))
    return out

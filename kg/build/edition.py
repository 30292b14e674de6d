"""Read one edition into model records: the extract, checked, with the curated table over it.

Shared by ``kg build`` (which maps the records to RDF) and ``kg export``
(which writes them as the curated table), so both see the same measures.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kg.assemble import assemble, draft_row, unique_rows
from kg.curated.overlay import Overlay, overlay_rows
from kg.curated.table import CuratedRow, curated_path, read_curated
from kg.errors import InputError, Position
from kg.findings import Finding, Report, finding
from kg.read.edition import EditionMeta
from kg.read.source import read_source
from kg.read.table import TableReading, read_table
from kg.records import Assembled, Draft, Edition
from kg.reference.laws import LawReference
from kg.reference.organizations import Gazetteer


@dataclass
class EditionReading:
    """An edition, its table (rows read lazily), and the curated table over it, if any."""

    edition: Edition
    table: TableReading
    overlay: Overlay  # how curated rows are read, and how a measure is written as one
    curated_rows: list[CuratedRow] | None = None

    def drafts(self) -> Iterator[Draft | Finding]:
        """The extract's drafts, in source order (a finding for a row unread, or repeating an ID).

        The streaming build reads ``table.rows()`` and tells repeated IDs where
        the results come back (:class:`~kg.assemble.FirstSeen`), wherever the rows were read.
        """
        layout, sha256 = self.edition.layout, self.edition.sha256
        for row in unique_rows(self.table.rows()):
            yield row if isinstance(row, Finding) else draft_row(row, layout, sha256)

    def items(self) -> Iterator[Assembled]:
        """The measures of the edition: the extract's drafts, the curated table read over them."""
        if self.curated_rows is None:
            gazetteer = self.overlay.gazetteer
            return (
                Assembled(None, (d,)) if isinstance(d, Finding) else assemble(d, gazetteer)
                for d in self.drafts()
            )
        return overlay_rows(self.drafts(), self.curated_rows, self.edition.curated_sha256 or "", self.overlay)


def read_edition(
    meta: EditionMeta,
    data_dir: Path,
    gazetteer: Gazetteer,
    laws: LawReference,
    report: Report,
    *,
    encoding: str | None = None,
    use_curated: bool = True,
) -> EditionReading:
    """Read the edition's source (and its curated table, if any); findings go to ``report``."""
    source = read_source(meta.source, encoding or meta.encoding)
    if meta.sha256 is None:
        # Refused, not warned about: the digest is what ties the published graph to
        # one file, and a build from a file nobody pinned could be from any file.
        raise InputError(
            f"records no sha256 of its source {source.name}, so a changed or replaced file would go"
            f' unnoticed; if {source.name} is the file you mean, add the line: sha256 = "{source.sha256}"',
            Position(str(meta.directory / "edition.toml")),
        )
    if meta.sha256 != source.sha256:
        raise InputError(
            f"SHA-256 {source.sha256} differs from the one recorded in edition.toml ({meta.sha256}):"
            " the source file was changed",
            Position(str(meta.source)),
        )
    table = read_table(source, meta.layout)
    report.extend(table.findings)
    _check_labels(meta, source.name, table, laws, report)
    curated = curated_path(data_dir, meta.key)
    rows: list[CuratedRow] | None = None
    curated_name = curated_sha = None
    if use_curated and curated.is_file():
        rows, curated_sha = read_curated(curated)  # always UTF-8 (kg export writes it)
        curated_name = curated.name
    edition = Edition(
        meta.key,
        meta.title_ja,
        meta.title_en,
        meta.decided,
        source.name,
        source.sha256,
        meta.layout,
        curated_name,
        curated_sha,
        meta.scope,
    )
    return EditionReading(edition, table, Overlay(gazetteer, meta.layout), rows)


def _check_labels(
    meta: EditionMeta, file: str, table: TableReading, laws: LawReference, report: Report
) -> None:
    """Check the edition's article columns against its headers and the law reference data.

    A label a header prints that edition.toml does not list is an error (once, at
    the first header naming it: headers repeat in every block); a law edition.toml
    names that the reference data lacks is an error; a column whose number the
    reference data does not cover on the decision date is a warning (its marks
    are kept, linked to no article).
    """
    toml = str(meta.directory / "edition.toml")
    layout = meta.layout
    seen: set[str] = set()
    for header in table.headers:
        for article in header.articles:
            if layout.article(article.label) is None and article.label not in seen:
                seen.add(article.label)
                report.add(
                    finding(
                        "unknown-article-label",
                        Position(file, header.line + 1, article.column),
                        raw=article.raw,
                        label=article.raw,
                    )
                )
    for column in layout.articles:
        law = laws.laws.get(column.law_id)
        if law is None:
            message = f"[table.articles] names a law the reference data lacks: {column.law_id}"
            raise InputError(message, Position(toml))
        if laws.resolve(column.law_id, column.article, meta.decided) is None:
            report.add(
                finding(
                    "unverified-numbering",
                    Position(toml, column_name=column.raw),
                    law=law.title_ja,
                    number=column.article,
                    date=meta.key,
                    coverage=laws.coverage(column.law_id),
                    label=column.raw,
                )
            )

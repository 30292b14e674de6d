"""``kg export``: write each edition's measures as the curated table a person can edit."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kg.build.edition import read_edition
from kg.config import Settings
from kg.curated.table import curated_path, read_curated, write_curated
from kg.errors import ConfigError
from kg.findings import Report
from kg.read.edition import load_editions
from kg.reference.laws import load_laws
from kg.reference.organizations import load_gazetteer


@dataclass
class ExportResult:
    report: Report
    written: list[Path] = field(default_factory=list)


def export_curated(settings: Settings, *, force: bool = False, encoding: str | None = None) -> ExportResult:
    """Write ``data/curated/<edition>.csv`` for every edition; nothing is written if one has errors.

    An existing table is a person's work: it is rewritten (with its edits and
    確認済 flags carried over) only with ``force``.
    """
    user_reference = settings.data_dir / "reference"
    gazetteer, laws = load_gazetteer(user_reference), load_laws(user_reference)
    report = Report()
    pending: list[tuple[Path, list[dict[str, str]]]] = []
    for meta in load_editions(settings.data_dir):
        target = curated_path(settings.data_dir, meta.key)
        if target.exists() and not force:
            raise ConfigError(f"{target} exists (a person's edits?); use --force to rewrite it")
        reviewed: set[str] = set()
        if target.exists():
            rows, _ = read_curated(target)
            reviewed = {r.measure_id for r in rows if r.reviewed}
        reading = read_edition(meta, settings.data_dir, gazetteer, laws, report, encoding=encoding)
        out: list[dict[str, str]] = []
        for item in reading.items():
            report.extend(item.findings)
            if item.measure is not None:
                out.append(reading.overlay.export_row(item.measure, item.measure.id in reviewed))
        pending.append((target, out))
    if report.valid:
        for target, out in pending:
            write_curated(target, out)
    return ExportResult(report, [t for t, _ in pending] if report.valid else [])

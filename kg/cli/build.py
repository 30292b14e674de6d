"""``kg build``: read data/, write build/ (all formats), print a summary."""

from __future__ import annotations

from pathlib import Path

import click

from kg.build.pipeline import BuildResult, build
from kg.cli._common import reports_errors, settings_options
from kg.config import Settings
from kg.errors import InputError, ValidationFailed
from kg.findings import Severity
from kg.rdf.write import FORMATS


@click.command("build")
@reports_errors
@settings_options
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), help="Output folder.")
@click.option(
    "--formats",
    default=",".join(FORMATS),
    show_default=True,
    help="Comma-separated output formats (nt is always written).",
)
@click.option("--encoding", help="Encoding of the source files (default: UTF-8, else detected).")
@click.option("--validate/--no-validate", default=True, show_default=True, help="Validate with SHACL first.")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    help="Worker processes (default: 1 for small editions, else one per core).",
)
@click.option(
    "--max-notes",
    type=click.IntRange(min=0),
    default=50,
    show_default=True,
    help="Print at most this many warnings and notes (all are in review.md).",
)
def command(
    settings: Settings,
    out_dir: Path | None,
    formats: str,
    encoding: str | None,
    validate: bool,
    quiet: bool,
    jobs: int | None,
    max_notes: int,
) -> None:
    """Build the knowledge graph of every edition under the data folder."""
    wanted = {f.strip() for f in formats.split(",") if f.strip()} | {"nt"}
    validator = None
    if validate:
        from kg.validate import build_validator

        validator = build_validator()
    result = build(
        settings, out_dir=out_dir, formats=sorted(wanted), encoding=encoding, validator=validator, jobs=jobs
    )
    notes = [f for f in result.report if f.severity is not Severity.ERROR]
    for f in result.report.errors:
        click.echo(str(f), err=True)
    if not quiet:
        for f in notes[:max_notes]:
            click.echo(str(f), err=True)
        if len(notes) > max_notes:
            click.echo(f"… and {len(notes) - max_notes} more warnings and notes (see review.md)", err=True)
    if not quiet or not result.written:
        click.echo(render_summary(result, validate))
    if not result.written:
        shacl_only = all(f.code == "shacl-violation" for f in result.report.errors)
        raise SystemExit(ValidationFailed.exit_code if shacl_only else InputError.exit_code)


def render_summary(result: BuildResult, validate: bool) -> str:
    """The short summary printed after a build."""
    lines = []
    for e in result.editions:
        marks = ", ".join(f"{k} {e.marks.get(k, 0)}" for k in ("high", "medium", "low"))
        lines.append(
            f"edition {e.year} ({e.source}): {e.measures} measures, {e.kpis} KPIs, "
            f"{sum(e.marks.values())} marks ({marks}), {e.participations} participations "
            f"of {len(e.organizations)} organisations"
        )
    counts = result.report.counts()
    lines.append(
        f"findings: {counts.get('error', 0)} errors, {counts.get('warning', 0)} warnings,"
        f" {counts.get('info', 0)} info"
    )
    lines.append(
        "validation: "
        + (
            "SHACL passed"
            if result.validated
            else "SHACL violations (listed above)"
            if result.validated is False
            else "skipped (--no-validate)"
            if not validate
            else "not run (errors found first)"
        )
    )
    if result.written:
        total = sum(g.triples for g in result.graphs)
        lines.append(f"wrote {total} triples in {len(result.graphs)} graphs to {result.out_dir}")
        lines.append(f"review: {result.reviews} inferences to check in {result.out_dir / 'review.md'}")
    else:
        lines.append(f"nothing written: fix the errors above ({result.out_dir} is unchanged)")
    return "\n".join(lines)

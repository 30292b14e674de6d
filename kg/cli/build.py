"""``kg build``: read data/, write build/ (all formats), print a summary."""

from __future__ import annotations

from pathlib import Path

import click

from kg.build.pipeline import BuildResult, build
from kg.cli._common import BarProgress, progress_option, reports_errors, settings_options
from kg.config import Settings
from kg.errors import ConfigError, InputError, ValidationFailed
from kg.findings import Severity
from kg.findings_io import FINDINGS_FORMATS, findings_format, input_error_finding, write_findings
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
@click.option(
    "--findings",
    "findings_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write every finding (all severities, with their fields) to this file, even when the"
    " build fails; .json or .csv.",
)
@click.option(
    "--findings-format",
    "findings_as",
    type=click.Choice(FINDINGS_FORMATS),
    help="Format of --findings (default: from its suffix).",
)
@progress_option
def command(
    settings: Settings,
    out_dir: Path | None,
    formats: str,
    encoding: str | None,
    validate: bool,
    quiet: bool,
    jobs: int | None,
    max_notes: int,
    findings_path: Path | None,
    findings_as: str | None,
    progress: bool | None,
) -> None:
    """Build the knowledge graph of every edition under the data folder."""
    wanted = {f.strip() for f in formats.split(",") if f.strip()} | {"nt"}
    findings_fmt = None
    if findings_path is not None:
        findings_fmt = _findings_target(findings_path, findings_as, out_dir or settings.build_dir)
    validator = None
    if validate:
        from kg.build.headers import column_headers
        from kg.validate import build_validator

        validator = build_validator(headers=column_headers(settings))
    try:
        with BarProgress(progress) as bar:
            result = build(
                settings,
                out_dir=out_dir,
                formats=sorted(wanted),
                encoding=encoding,
                validator=validator,
                jobs=jobs,
                progress=bar,
            )
    except InputError as exc:
        if findings_path is not None:  # the one finding there is: why nothing could be read
            write_findings(findings_path, [input_error_finding(exc)], findings_fmt)
        raise
    count = None if findings_path is None else write_findings(findings_path, result.report, findings_fmt)
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
        if count is not None:
            click.echo(f"findings: all {count} written to {findings_path}")
    if not result.written:
        shacl_only = all(f.code == "shacl-violation" for f in result.report.errors)
        raise SystemExit(ValidationFailed.exit_code if shacl_only else InputError.exit_code)


def _findings_target(path: Path, fmt: str | None, out_dir: Path) -> str:
    """The format of the findings file; refuse a file inside the output folder (a build replaces it whole)."""
    chosen = findings_format(path, fmt)
    if path.resolve().is_relative_to(out_dir.resolve()):
        raise ConfigError(
            f"{path}: the findings file cannot be inside the output folder {out_dir}"
            " (a build replaces that folder whole, and a failed build leaves it untouched)"
        )
    return chosen


def render_summary(result: BuildResult, validate: bool) -> str:
    """The short summary printed after a build."""
    lines = []
    for e in result.editions:
        marks = ", ".join(f"{k} {e.marks.get(k, 0)}" for k in ("high", "medium", "low"))
        lines.append(
            f"edition {e.key} ({e.source}): {e.measures} measures, {e.kpis} KPIs, "
            f"{sum(e.marks.values())} marks ({marks}; measures without a mark: {e.unmarked}), "
            f"{e.participations} participations "
            f"of {len(e.organizations)} organisations"
        )
        if e.scope.excerpt:
            lines.append(f"  an excerpt: {e.scope.note_ja}")
            lines.append(f"  {e.scope.note_en}")
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

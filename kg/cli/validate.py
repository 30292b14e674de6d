"""``kg validate``: check the built graph (or RDF files) against the SHACL shapes."""

from __future__ import annotations

from pathlib import Path

import click

from kg import manifest
from kg.build.headers import column_headers
from kg.cli._common import reports_errors, settings_options
from kg.config import Settings
from kg.errors import ConfigError, InputError, Position, ValidationFailed
from kg.files import write_text_atomic
from kg.validate import validate
from kg.validate.render import FORMATS, LANGS, render
from kg.validate.shapes import shape_files


@click.command("validate")
@reports_errors
@settings_options
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--lang", type=click.Choice(LANGS), default="en", show_default=True,
              help="Language of the messages.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="Report format (turtle: the SHACL validation report graph).")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option("--shapes", "shapes_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Folder of shapes (*.ttl) instead of shapes/.")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the report to this file instead of stdout.")
def command(
    settings: Settings,
    files: tuple[Path, ...],
    lang: str,
    fmt: str,
    strict: bool,
    shapes_dir: Path | None,
    output: Path | None,
) -> None:
    """Validate FILE… (Turtle, N-Triples, TriG, N-Quads; or one build folder) against the shapes.

    Without FILE, validates every graph of the build folder's manifest.json.
    Each result names the measure, source file:line and column it comes from.
    Exit status: 0 conforms, 4 violations (or warnings with --strict),
    3 unreadable input, 2 unusable shapes or options.
    """
    if output is not None and not output.parent.is_dir():
        raise ConfigError(f"{output}: cannot write the report there: no folder {output.parent}")
    source: Path | list[Path]
    if not files:
        source = settings.build_dir
        if not (source / manifest.FILE_NAME).is_file():
            where = Position(file=str(source))
            raise InputError("no build to validate (run kg build first, or name files)", where)
    elif len(files) == 1 and files[0].is_dir():
        source = files[0]
    else:
        folders = [str(f) for f in files if f.is_dir()]
        if folders:
            raise InputError("name one build folder or RDF files, not both", Position(file=folders[0]))
        source = list(files)
    shapes = shape_files(shapes_dir) if shapes_dir else None
    report = validate(source, shapes=shapes, strict=strict, headers=column_headers(settings))
    text = render(report, fmt, lang)
    if output is not None:
        try:
            write_text_atomic(output, text)
        except OSError as exc:
            raise ConfigError(f"{output}: cannot write the report: {exc.strerror}") from None
    else:
        click.echo(text, nl=False)
    if fmt != "text" or output is not None:
        click.echo(report.summary(), err=True)
    if not report.conforms:
        raise SystemExit(ValidationFailed.exit_code)

"""Orchestration: the one place where the stages meet.

``read → normalise → assemble → rdf → validate → outputs``: every stage
package is imported from here (and from the CLI), never the other way round.
:func:`build` writes a build folder; :func:`export_curated` writes the curated
table; both read an edition through :func:`read_edition` and assemble its
measures with the same assembler.
"""

from kg.build.export import ExportResult, export_curated
from kg.build.pipeline import BuildResult, EditionSummary, build

__all__ = ["BuildResult", "EditionSummary", "ExportResult", "build", "export_curated"]

"""What changed between two editions of the plan: ``kg diff`` (see docs/diff.md).

Reads one build holding both editions (measures are matched through their
lineage, which only a build of both assigns), and writes a per-measure change
report (Markdown, CSV, JSON), the RDF Patch between the two plan graphs, and
the changes as a graph of their own. Stage rank 6: it reads builds, as
:mod:`kg.query` and :mod:`kg.publish` do, and uses :mod:`kg.rdf` to write.
"""

from kg.diff.run import DiffResult, diff_build

__all__ = ["DiffResult", "diff_build"]

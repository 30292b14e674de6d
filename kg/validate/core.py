"""pyshacl on the core shapes: the shapes prepared once per process, and one run on one rdflib graph.

Shared by the whole-graph run (:func:`kg.validate.validate`) and the partitioned
one (:mod:`kg.validate.partition`), whose worker processes call :func:`run_pyshacl`
on their own part of the data. The pyshacl options are explained in
:mod:`kg.validate`.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path

import pyshacl
from rdflib import Graph

from kg.errors import ConfigError
from kg.validate.shapes import SparqlCheck, load_shapes, split_shapes


@functools.lru_cache(maxsize=4)
def prepared_shapes(paths: tuple[Path, ...]) -> tuple[Graph, tuple[SparqlCheck, ...]]:
    """Shapes parsed and split once per process (pyshacl only reads the shapes graph)."""
    core, checks = split_shapes(load_shapes(paths))
    return core, tuple(checks)


def run_pyshacl(data: Graph, shapes: Graph) -> Graph:
    """pyshacl's report graph for ``data`` (validated in place: it must be a graph of our own)."""
    # pyshacl logs each shape it cannot use as a warning; our shapes are checked by tests.
    logging.getLogger("pyshacl").setLevel(logging.ERROR)
    try:
        _conforms, report, _text = pyshacl.validate(
            data,
            shacl_graph=shapes,
            ont_graph=None,
            inference=None,
            abort_on_first=False,
            allow_infos=True,
            allow_warnings=True,
            advanced=False,
            js=False,
            meta_shacl=False,
            inplace=True,
        )
    except (pyshacl.errors.ShapeLoadError, pyshacl.errors.ConstraintLoadError,
            pyshacl.errors.ReportableRuntimeError) as exc:
        raise ConfigError(f"the shapes cannot be used: {exc}") from exc
    if not isinstance(report, Graph):
        raise ConfigError(f"pyshacl gave no report graph: {report!r}")
    return report

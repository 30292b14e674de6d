"""Shared fixtures: the bundled edition built once per test session."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from kg.config import load_settings
from tests.paths import ROOT

if TYPE_CHECKING:
    from kg.build.pipeline import BuildResult


@pytest.fixture(scope="session")
def build_result(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The bundled 2023 edition built (without SHACL, which has its own tests) into a temp folder."""
    from kg.build.pipeline import build  # imported late: most test modules don't need the whole pipeline

    out = tmp_path_factory.mktemp("build") / "build"
    result = build(load_settings(ROOT), out_dir=out)
    assert result.written, [str(f) for f in result.report.errors]
    return result


@pytest.fixture(scope="session")
def built(build_result: BuildResult) -> Path:
    """The folder of the bundled build (manifest.json, per-graph .nt/.ttl, dataset.trig, dataset.jsonld)."""
    return build_result.out_dir

"""Shared fixtures: the bundled edition built once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.config import load_settings
from kg.pipeline import BuildResult, build

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "editions" / "2023" / "000_12dec0b774bbd4f2.txt"


@pytest.fixture(scope="session")
def build_result(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The bundled 2023 edition built (without SHACL, which has its own tests) into a temp folder."""
    out = tmp_path_factory.mktemp("build") / "build"
    result = build(load_settings(ROOT), out_dir=out)
    assert result.written, [str(f) for f in result.report.errors]
    return result


@pytest.fixture(scope="session")
def built(build_result: BuildResult) -> Path:
    """The folder of the bundled build (manifest.json, per-graph .nt/.ttl, dataset.trig, dataset.jsonld)."""
    return build_result.out_dir

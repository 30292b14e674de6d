"""Bundled resources are found through kg/resources.py only, and the version is written in one place."""

from __future__ import annotations

import ast
import importlib.metadata
import inspect
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

import kg
import kg.resources
from kg.cli import _register, cli
from tests.paths import ROOT

PACKAGE = Path(kg.__file__).parent


def _locators() -> list[tuple[str, Callable[[], Path]]]:
    return [
        (name, fn)
        for name, fn in inspect.getmembers(kg.resources, inspect.isfunction)
        if not name.startswith("_") and fn.__module__ == kg.resources.__name__
    ]


def test_there_are_locators() -> None:
    names = {name for name, _ in _locators()}
    assert names >= {"ontology_file", "shapes_dir", "queries_dir", "reference_dir"}


@pytest.mark.parametrize(("name", "locate"), _locators(), ids=[name for name, _ in _locators()])
def test_every_locator_returns_an_existing_path(name: str, locate: Callable[[], Path]) -> None:
    path = locate()
    assert isinstance(path, Path) and path.exists(), name
    if path.is_dir():
        assert any(path.iterdir()), f"{name}: {path} is empty"


def test_the_bundled_links_point_at_the_top_level_folders() -> None:
    """In a checkout the resources are the files people edit (kg/_bundled/* are links)."""
    expected = {
        kg.resources.ontology_file(): ROOT / "ontology" / "kg.ttl",
        kg.resources.shapes_dir(): ROOT / "shapes",
        kg.resources.queries_dir(): ROOT / "queries",
        kg.resources.reference_dir(): ROOT / "data" / "reference",
    }
    for found, source in expected.items():
        assert found.resolve() == source.resolve()


def _uses_of_file(path: Path) -> list[int]:
    """Lines where a module names ``__file__`` (as a name, or as an attribute: ``module.__file__``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return sorted(
        node.lineno
        for node in ast.walk(tree)
        if (isinstance(node, ast.Name) and node.id == "__file__")
        or (isinstance(node, ast.Attribute) and node.attr == "__file__")
    )


def test_the_check_finds_a_use_of_file(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("from pathlib import Path\nimport json\nX = Path(__file__)\nY = json.__file__\n")
    assert _uses_of_file(sample) == [3, 4]


def test_only_kg_resources_locates_files_from_its_own_source() -> None:
    offenders = {
        str(path.relative_to(PACKAGE.parent)): lines
        for path in sorted(PACKAGE.rglob("*.py"))
        if "_bundled" not in path.parts
        and path != Path(kg.resources.__file__)
        and (lines := _uses_of_file(path))
    }
    assert offenders == {}, "use kg.resources (importlib.resources) to find bundled files"


def test_version_is_written_once_and_printed_by_the_cli() -> None:
    assert importlib.metadata.version("kg") == kg.__version__
    _register()
    for option in ("--version", "-V"):
        result = CliRunner().invoke(cli, [option])
        assert result.exit_code == 0, result.output
        assert result.output == f"kg {kg.__version__}\n"
    with (ROOT / "pyproject.toml").open("rb") as fh:
        pyproject = tomllib.load(fh)
    assert "version" not in pyproject["project"] and "version" in pyproject["project"]["dynamic"]
    assert pyproject["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "kg.__version__"}

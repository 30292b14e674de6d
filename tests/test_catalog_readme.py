"""The README's catalog examples, run as written: their commands, and what ``kg catalog`` and
``kg harvest egov`` print (the harvest against a local CKAN server instead of the portal).

The commands are read from the first fenced block after the README's *Catalog*
heading and run in order in a temporary folder holding a copy of ``data/editions/``;
the output of the last one is compared line by line with the block after it
(``…`` matches anything).
"""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import _register, cli
from tests.paths import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
HEADING = "## Catalog: DCAT-AP 3"


def _blocks() -> tuple[str, str]:
    section = README[README.index(HEADING):]
    blocks = re.findall(r"```[a-z]*\n(.*?)```", section, re.S)
    return blocks[0], blocks[1]


def _matches(expected: str, actual: str) -> bool:
    pattern = "".join(".*" if part == "…" else re.escape(part) for part in re.split("(…)", expected))
    return re.fullmatch(pattern, actual) is not None


def test_readme_catalog_flow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    commands, printed = _blocks()
    shutil.copytree(ROOT / "data" / "editions", tmp_path / "data" / "editions")
    monkeypatch.chdir(tmp_path)
    _register()
    output = ""
    lines = [shlex.split(line, comments=True) for line in commands.splitlines() if line.strip()]
    assert lines and all(args[0] == "kg" for args in lines)
    for args in lines:
        result = CliRunner().invoke(cli, args[1:])
        assert result.exit_code == 0, f"{' '.join(args)}: {result.output}"
        output = result.output
    expected = printed.splitlines()
    actual = output.splitlines()
    assert len(actual) == len(expected), output
    for want, got in zip(expected, actual, strict=True):
        assert _matches(want, got), f"README says {want!r}, kg printed {got!r}"
    assert (tmp_path / "catalog" / "ckan-package.json").is_file()


HARVEST = "### Reading the e-Gov data portal's catalog in"
PORTAL = "https://data.e-gov.go.jp/data"


def _console(heading: str) -> list[tuple[list[str], list[str]]]:
    """The commands of the first console block after ``heading``, each with the lines shown after it."""
    section = README[README.index(heading):]
    match = re.search(r"```console\n(.*?)```", section, re.S)
    assert match, heading
    steps: list[tuple[list[str], list[str]]] = []
    for line in match.group(1).splitlines():
        if line.startswith("$ "):
            steps.append((shlex.split(line[2:], comments=True), []))
        else:
            steps[-1][1].append(line)
    return steps


def _matches_lines(expected: list[str], actual: str) -> bool:
    """``…`` alone on a line stands for any lines; within a line, for any text."""
    parts = []
    for line in expected:
        if line == "…":
            parts.append(r"(?:[^\n]*\n)*?")
        else:
            pieces = ("[^\n]*" if p == "…" else re.escape(p) for p in re.split("(…)", line))
            parts.append("".join(pieces) + "\n")
    return re.fullmatch("".join(parts), actual) is not None


def test_readme_harvest_flow_against_a_local_portal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's harvest example, with the portal's URL replaced by a local CKAN server's."""
    from tests.ckan_server import ckan_server
    from tests.test_harvest import catalog

    shutil.copytree(ROOT / "data" / "editions", tmp_path / "data" / "editions")
    monkeypatch.chdir(tmp_path)
    _register()
    steps = _console(HARVEST)
    assert [args[:3] for args, _ in steps] == [["kg", "build"], ["kg", "harvest", "egov"],
                                                ["kg", "query", "egov-datasets-by-group-leads"]]
    with ckan_server(catalog()) as url:
        for args, shown in steps:
            if PORTAL in args:
                args = [url if a == PORTAL else a for a in args] + ["--delay", "0"]
            result = CliRunner().invoke(cli, args[1:])
            assert result.exit_code == 0, f"{' '.join(args)}: {result.output}"
            if shown:
                assert _matches_lines(shown, result.output), f"README: {shown}, kg printed:\n{result.output}"

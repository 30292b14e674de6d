"""The README's catalog example, run as written: its commands, and what ``kg catalog`` prints.

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

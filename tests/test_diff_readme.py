"""The README's kg diff example, run as written: its commands, what kg diff prints, the report excerpt.

The commands are the first fenced block after the README's *What changed between
two editions* heading, run in order in a temporary folder whose ``data/`` holds
kg diff's test editions (tests/fixtures/diff/2023-06-09, 2025-06-13) and their
crosswalk, as the README says. The output of the last command is compared line
by line with the next block, and each line of the Markdown excerpt (the third
block) must be a line of the report (``…`` matches anything).
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
HEADING = "## What changed between two editions: `kg diff`"
FIXTURES = ROOT / "tests" / "fixtures" / "diff"


def _blocks() -> list[str]:
    section = README[README.index(HEADING):]
    section = section[: section.index("\n## ", 1)]
    return re.findall(r"```[a-z]*\n(.*?)```", section, re.S)


def _matches(expected: str, actual: str) -> bool:
    pattern = "".join(".*" if part == "…" else re.escape(part) for part in re.split("(…)", expected))
    return re.fullmatch(pattern, actual) is not None


def test_readme_diff_flow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    commands, printed, excerpt = _blocks()
    for key in ("2023-06-09", "2025-06-13"):
        shutil.copytree(FIXTURES / key, tmp_path / "data" / "editions" / key)
    shutil.copy(FIXTURES / "lineage.csv", tmp_path / "data" / "lineage.csv")
    monkeypatch.chdir(tmp_path)
    _register()
    output = ""
    lines = [shlex.split(line, comments=True) for line in commands.splitlines() if line.strip()]
    assert lines and all(args[0] == "kg" for args in lines)
    for args in lines:
        result = CliRunner().invoke(cli, args[1:])
        assert result.exit_code == 0, f"{' '.join(args)}: {result.output}"
        output = result.output
    expected, actual = printed.splitlines(), output.splitlines()
    assert len(actual) == len(expected), output
    for want, got in zip(expected, actual, strict=True):
        assert _matches(want, got), f"README says {want!r}, kg printed {got!r}"
    report = (tmp_path / "diff-2023-06-09-2025-06-13" / "changes.md").read_text(encoding="utf-8").splitlines()
    for want in excerpt.splitlines():
        assert want == "…" or any(_matches(want, line) for line in report), f"not in changes.md: {want!r}"

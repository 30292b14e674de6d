"""The README's *Linked open data site* flow, run line by line as written.

In a temporary folder holding a copy of ``data/``: ``kg build`` and ``kg site``
through the real command line (click), then the documented
``python3 -m http.server -d site 8000`` as a process, and the page of
measure 06-22 fetched from it. Port 8000 is used as written unless something
else holds it, in which case a free port stands in (the only change).
"""

from __future__ import annotations

import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import _register, cli
from tests.paths import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _lines() -> list[list[str]]:
    section = README[README.index("## Linked open data site"):]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, "the README's site section has a sh block"
    return [shlex.split(line, comments=True) for line in block[1].splitlines() if line.strip()]


def _free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def test_the_documented_site_flow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    _register()
    lines = _lines()
    assert [line[:2] for line in lines] == [["kg", "build"], ["kg", "site"], ["python3", "-m"]]
    for args in lines[:2]:
        result = CliRunner().invoke(cli, args[1:], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    assert "wrote" in result.output and "serve it: python3 -m http.server -d site 8000" in result.output
    assert (tmp_path / "site" / "plan" / "2023-06-09" / "measure" / "06-22.html").is_file()
    server = lines[2]
    port = int(server[-1])
    if not _free(port):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = [*server[:-1], str(port)]
    python = shutil.which(server[0]) or sys.executable
    process = subprocess.Popen([python, *server[1:], "--bind", "127.0.0.1"], cwd=tmp_path,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        body = b""
        for _ in range(100):
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/plan/2023-06-09/measure/06-22.html", timeout=2
                ) as response:
                    body = response.read()
                break
            except OSError:
                time.sleep(0.1)
        assert "医療高度化に資するPHRデータ流通基盤の構築".encode() in body
    finally:
        process.terminate()
        process.wait(timeout=10)

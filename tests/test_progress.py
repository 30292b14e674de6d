"""Progress on stderr (issue 13, point 5): every long step says what it does, when asked or on a
terminal; never in a pipe or log unless asked (--progress), so scripted output stays clean."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import _register, cli
from tests.oxigraph_server import OxigraphServer, fixture_oxigraph_server  # noqa: F401


def _kg(*args: str) -> tuple[int, str, str]:
    _register()
    res = CliRunner().invoke(cli, list(args))
    return res.exit_code, res.stdout, res.stderr


def test_build_says_each_step_when_asked(tmp_path: Path) -> None:
    code, out, err = _kg("build", "--out", str(tmp_path / "o"), "--progress", "-q")
    assert code == 0, err
    steps = [line for line in err.splitlines() if line.startswith("kg: ")]
    assert steps[0].startswith("kg: edition 2023-06-09: reading and mapping rows")
    assert steps[1:] == [
        "kg: writing plan-2023-06-09 (nt)",
        "kg: writing the review",
        "kg: validating with SHACL",
        "kg: writing jsonld, trig, ttl",
    ], steps
    assert "kg: " not in out  # progress never goes to stdout


def test_build_is_quiet_off_a_terminal(tmp_path: Path) -> None:
    code, _, err = _kg("build", "--out", str(tmp_path / "o"), "-q")
    assert code == 0, err
    assert err == ""


@pytest.mark.server
def test_publish_says_each_step_when_asked(built: Path, oxigraph_server: OxigraphServer) -> None:
    code, out, err = _kg(
        "publish", "--endpoint", oxigraph_server.query_url, "--gsp", oxigraph_server.store_url,
        "--build-dir", str(built), "--progress",
    )
    assert code == 0, err
    for step in ("verifying plan-2023-06-09.nt", "staging ontology (", "staging plan-2023-06-09 (",
                 "swapping 4 graphs in, in one update request", "checking the store's counts"):
        assert any(step in line for line in err.splitlines()), (step, err)
    assert "swapped in by one update request" in out


@pytest.mark.server
def test_publish_is_quiet_off_a_terminal(built: Path, oxigraph_server: OxigraphServer) -> None:
    code, _, err = _kg("publish", "--endpoint", oxigraph_server.query_url, "--build-dir", str(built))
    assert code == 0, err
    assert err == ""


def test_publish_to_a_store_that_never_answers_says_so_while_it_waits(built: Path) -> None:
    """Point 5: a server that accepts and never answers left kg silent for minutes."""
    import socket

    with socket.socket() as s:  # accepts connections, never answers
        s.bind(("127.0.0.1", 0))
        s.listen(16)
        url = f"http://127.0.0.1:{s.getsockname()[1]}/query"
        code, _, err = _kg("publish", "--endpoint", url, "--build-dir", str(built), "--timeout", "0.3",
                           "--retries", "1", "--progress")
    assert code == 5, err
    retrying = rf"POST {re.escape(url[:-6])}/update: no answer within [0-9.]+ s; retrying in 0.5 s"
    assert re.search(retrying, err)
    assert "kg: error: " in err and "Traceback" not in err


def test_a_build_of_n_triples_only_names_no_other_format(tmp_path: Path) -> None:
    code, _, err = _kg("build", "--out", str(tmp_path / "o"), "--formats", "nt", "--progress", "-q")
    assert code == 0, err
    steps = [line for line in err.splitlines() if line.startswith("kg: ")]
    assert steps[1:] == [
        "kg: writing plan-2023-06-09 (nt)",
        "kg: writing the review",
        "kg: validating with SHACL",
    ], steps

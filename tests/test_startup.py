"""Start-up stays light: ``kg --help`` and ``kg query --list`` import no heavy library.

The time target (< 0.3 s) is bench's; here the cause is checked: which modules
a fresh interpreter has loaded after each command.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import click
import pytest

from kg.cli import COMMANDS

HEAVY = ("rdflib", "pyshacl", "pyld", "SPARQLWrapper", "jinja2", "requests", "lxml", "kg.build",
         "kg.validate", "kg.store.embedded", "kg.store.remote", "kg.site", "kg.catalog", "kg.harvest")

_PROBE = """
import contextlib, io, json, sys
from kg.cli import cli
with contextlib.redirect_stdout(io.StringIO()):
    try:
        cli.main(sys.argv[1:], prog_name="kg")
    except SystemExit:
        pass
print(json.dumps(sorted(sys.modules)))
"""


def _modules_after(*args: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout.splitlines()[-1]))


@pytest.mark.parametrize("args", [("--help",), ("query", "--list"), ("--version",)])
def test_no_heavy_import(args: tuple[str, ...]) -> None:
    loaded = _modules_after(*args)
    heavy = sorted(m for m in loaded if any(m == h or m.startswith(h + ".") for h in HEAVY))
    assert not heavy, heavy


def test_the_command_list_matches_the_commands() -> None:
    for name, (module, first_paragraph) in COMMANDS.items():
        command = importlib.import_module(module).command
        assert isinstance(command, click.Command) and command.name == name
        assert (command.help or "").split("\n\n")[0].replace("\n", " ") == first_paragraph, name


def test_help_lists_every_command_lazily_as_when_loaded() -> None:
    from kg.cli import LazyGroup

    lazy = LazyGroup(name="kg", help="x")
    loaded = LazyGroup(name="kg", help="x")
    for name in COMMANDS:
        loaded.get_command(click.Context(loaded), name)
    assert lazy.get_help(click.Context(lazy)) == loaded.get_help(click.Context(loaded))

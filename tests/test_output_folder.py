"""Output folders are safe (issue 13, points 1 and 4): only kg's own builds are replaced, one build
writes a folder at a time, and a signal mid-build leaves no worker process and no staging folder."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.build.pipeline import build
from kg.cli import _register, cli
from kg.config import Settings, load_settings
from kg.errors import ConfigError
from kg.files import FolderLock
from tests.paths import ROOT
from tests.processes import alive, children, descendants, parent_of
from tests.test_scale import _generator

KG = [sys.executable, "-c", "from kg.cli import main; main()"]


def _settings() -> Settings:
    return load_settings(ROOT)


def _run(*args: str) -> tuple[int, str]:
    _register()
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


# --- what may be replaced -------------------------------------------------------------------------


def test_a_web_app_folder_with_its_own_manifest_is_not_replaced(tmp_path: Path) -> None:
    """Point 1: a folder holding a manifest.json that is not kg's was replaced, src/ and README lost."""
    app = tmp_path / "app"
    (app / "src").mkdir(parents=True)
    (app / "src" / "main.js").write_text("console.log(1)\n", encoding="utf-8")
    (app / "README.md").write_text("my app\n", encoding="utf-8")
    (app / "manifest.json").write_text(json.dumps({"name": "app", "start_url": "/"}), encoding="utf-8")
    before = sorted(str(p.relative_to(app)) for p in app.rglob("*"))
    code, out = _run("build", "--out", str(app), "-q")
    assert code == 2, out
    assert f"{app} exists and is not an earlier kg build" in out
    assert "no format marker" in out and "Traceback" not in out
    assert sorted(str(p.relative_to(app)) for p in app.rglob("*")) == before
    assert (app / "src" / "main.js").read_text(encoding="utf-8") == "console.log(1)\n"


def test_a_build_with_files_beside_it_that_kg_did_not_write_is_not_replaced(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert build(_settings(), out_dir=out, formats=("nt",)).written
    (out / "notes.txt").write_text("mine\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"holds files its kg manifest does not list \(notes.txt\)"):
        build(_settings(), out_dir=out, formats=("nt",))
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine\n"


def test_an_earlier_build_and_an_empty_folder_are_replaced(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    assert build(_settings(), out_dir=out, formats=("nt",)).written
    assert build(_settings(), out_dir=out, formats=("nt", "ttl")).written
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no lock, stage or old folder left


def test_output_under_an_unwritable_parent_is_a_message(tmp_path: Path) -> None:
    """Point 6: --out under a parent kg may not write was a PermissionError traceback."""
    if os.geteuid() == 0:
        pytest.skip("root may write anywhere")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        code, out = _run("build", "--out", str(locked / "sub" / "out"), "-q")
    finally:
        locked.chmod(0o700)
    assert code == 2, out
    assert "Traceback" not in out and str(locked) in out and "Permission denied" in out


def test_output_under_a_file_is_a_message(tmp_path: Path) -> None:
    """Point 6 (the same failure for root, whom permissions do not stop): a parent that is a file."""
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    code, out = _run("build", "--out", str(blocker / "out"), "-q")
    assert code == 2, out
    assert "Traceback" not in out and str(blocker) in out


# --- one build at a time --------------------------------------------------------------------------


def test_a_second_build_into_a_locked_folder_fails_with_a_message(tmp_path: Path) -> None:
    """Point 7: two builds into one folder at once were not locked."""
    out = tmp_path / "out"
    with FolderLock(out):
        code, text = _run("build", "--out", str(out), "-q")
        assert code == 2, text
        assert f"{out}: another kg build (PID {os.getpid()}) is writing this folder" in text
        assert not out.exists()
    assert not (tmp_path / ".out.lock").exists()
    code, text = _run("build", "--out", str(out), "-q")
    assert code == 0, text


def test_the_lock_is_held_by_another_process(tmp_path: Path) -> None:
    """flock, so across processes: a build in another process is refused while the lock is held."""
    out = tmp_path / "out"
    with FolderLock(out):
        done = subprocess.run(
            [*KG, "build", "--out", str(out), "-q"], cwd=ROOT, capture_output=True, text=True, timeout=120
        )
    assert done.returncode == 2, done.stderr
    assert "another kg build" in done.stderr and "Traceback" not in done.stderr


# --- signals --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def big_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic edition large enough that a build runs for seconds with worker processes."""
    data = tmp_path_factory.mktemp("signals") / "data"
    _generator().generate(12000, 3, data / "editions" / "2099")
    return data


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to find the worker processes")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP], ids=lambda s: s.name)
def test_a_signal_mid_build_ends_workers_and_removes_staging(
    big_data: Path, tmp_path: Path, signum: signal.Signals
) -> None:
    """Point 4: kill -TERM mid-build left two workers alive for good and a 40 MB temporary folder."""
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [*KG, "build", "--data-dir", str(big_data), "--out", str(out), "--no-validate", "--jobs", "2", "-q"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    workers: list[int] = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        workers = [c for c in children(proc.pid) if alive(c)]
        staged = list(tmp_path.glob(".out.tmp-*/.chunks/chunk-*"))
        if len(workers) >= 2 and staged:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the build ended before it could be interrupted"
    assert workers, "no worker processes seen"
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signum, err
    assert f"kg: error: interrupted by {signum.name}" in err
    assert "Traceback" not in err
    time.sleep(0.2)
    assert [w for w in workers if alive(w)] == []
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no stage, no lock, no output


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc")
def test_timeout_command_mid_build_leaves_nothing(big_data: Path, tmp_path: Path) -> None:
    """Point 4: `timeout 6 kg build` left the staging folder (timeout signals the whole group).

    1.5 s: the build of this edition has read it and is mapping it by then (it takes twice
    that and more), and builds got faster since the 3 s this once waited.
    """
    out = tmp_path / "out"
    done = subprocess.run(
        ["timeout", "1.5", *KG, "build", "--data-dir", str(big_data), "--out", str(out), "--no-validate",
         "--jobs", "2", "-q"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    if done.returncode == 0:
        pytest.skip("the build finished within the timeout on this machine")
    assert done.returncode == 124, done.stderr
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_manifest_that_names_kg_as_generator_without_the_format_marker_is_not_replaced(
    tmp_path: Path,
) -> None:
    """A ``generator`` anyone can write does not make a folder kg's: without the format marker and the
    hashes the folder is refused (exit 2) and kept, even when it is a build of a kg from before them."""
    out = tmp_path / "out"
    assert build(_settings(), out_dir=out, formats=("nt",)).written
    path = out / "manifest.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    del data["format"], data["sha256"]
    path.write_text(json.dumps(data), encoding="utf-8")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    code, output = _run("build", "--out", str(out), "--formats", "nt", "-q")
    assert code == 2, output
    assert f"{out} exists and is not an earlier kg build" in output and "no format marker" in output
    assert "remove it yourself" in output and "Traceback" not in output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to find the worker processes")
@pytest.mark.parametrize("which", ["mapping", "server"])
def test_a_worker_killed_mid_build_is_a_clear_error_and_leaves_nothing(
    big_data: Path, tmp_path: Path, which: str
) -> None:
    """A worker the system kills (the out-of-memory killer) ends the build with a message, not a traceback.

    ``mapping``: a worker forked from the build to map rows. ``server``: a worker of the
    fresh server process, which writes the derived formats or validates a partition
    (the build validates, as by default).
    """
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [*KG, "build", "--data-dir", str(big_data), "--out", str(out), "-q"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    own = Path(f"/proc/{proc.pid}/cmdline").read_bytes()
    killed = None
    deadline = time.monotonic() + 240
    while killed is None and time.monotonic() < deadline and proc.poll() is None:
        for pid in descendants(proc.pid):
            parent = parent_of(pid)
            try:
                forked = Path(f"/proc/{pid}/cmdline").read_bytes() == own
            except OSError:
                continue
            mapping = parent == proc.pid and forked
            if alive(pid) and (mapping if which == "mapping" else parent not in (None, proc.pid)):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    continue  # it ended meanwhile (its pool was done): look for another
                killed = pid
                break
        time.sleep(0.02)
    assert killed is not None, f"no {which} worker seen"
    _, err = proc.communicate(timeout=240)
    assert proc.returncode == 1, err
    assert "kg: error: a worker process" in err and "died before it finished" in err, err
    doing = ["mapping rows"] if which == "mapping" else ["writing Turtle", "validating a partition"]
    assert any(d in err for d in doing), err
    assert "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == []

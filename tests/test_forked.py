"""kg.processes.Forked: a task in a forked child (the review), its result, its error, its death."""

from __future__ import annotations

import errno
import os
import signal
import sys
import threading
import time

import pytest

from kg.errors import WorkerDied
from kg.processes import Forked
from tests.processes import alive, children

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forks on Linux only")


def _running() -> set[int]:
    """This process's running children: a forked task, and whatever earlier tests left on purpose
    (multiprocessing's fork server, which the build's writers start, lives as long as this process)."""
    return {c for c in children(os.getpid()) if alive(c)}


@pytest.fixture
def before() -> set[int]:
    """The children running before the test: the ones it started are the others."""
    return _running()


def _child(before: set[int]) -> int:
    """The one child of this process started since ``before`` that is running (the forked task)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        running = _running() - before
        if running:
            (child,) = running
            return child
        time.sleep(0.01)
    raise AssertionError("no child process seen")


def test_the_task_runs_in_a_child_that_shares_this_process_memory(before: set[int]) -> None:
    findings = list(range(100_000))  # made before the fork: the child reads them, nothing is sent

    def task() -> tuple[int, int]:
        return os.getpid(), sum(findings)

    pid, total = Forked(task, "summing").wait()
    assert pid != os.getpid() and total == sum(findings)
    assert not alive(pid) and _running() <= before


def test_the_tasks_error_is_raised_here() -> None:
    def task() -> None:
        raise OSError(errno.ENOSPC, "No space left on device", "review.csv")

    with pytest.raises(OSError, match="No space left") as caught:
        Forked(task, "writing the review").wait()
    assert caught.value.errno == errno.ENOSPC and caught.value.filename == "review.csv"


def test_an_error_that_does_not_pickle_is_named() -> None:
    class Local(Exception):  # a class pickle cannot find by name
        pass

    def task() -> None:
        raise Local("the detail")

    with pytest.raises(RuntimeError, match="Local: the detail"):
        Forked(task, "writing the review").wait()


def test_a_child_killed_by_the_system_is_worker_died(before: set[int]) -> None:
    forked = Forked(lambda: time.sleep(30), "writing the review")
    os.kill(_child(before), signal.SIGKILL)
    with pytest.raises(WorkerDied, match="a worker process writing the review died before it finished"):
        forked.wait()


def test_cancel_ends_the_child_now(before: set[int]) -> None:
    forked = Forked(lambda: time.sleep(30), "writing the review")
    child = _child(before)
    started = time.monotonic()
    forked.cancel()
    assert not alive(child) and time.monotonic() - started < 5
    forked.cancel()  # twice is harmless


def test_where_fork_is_not_safe_the_task_runs_here_when_waited_for(
    monkeypatch: pytest.MonkeyPatch, before: set[int]
) -> None:
    monkeypatch.setattr(sys, "platform", "darwin")
    ran: list[int] = []
    forked = Forked(lambda: ran.append(threading.get_ident()) or 7, "writing the review")
    assert ran == [] and _running() <= before
    assert forked.wait() == 7 and ran == [threading.get_ident()]


def test_a_task_not_worth_a_process_runs_here_when_waited_for(before: set[int]) -> None:
    ran: list[int] = []
    forked = Forked(lambda: ran.append(os.getpid()) or 7, "writing the review", background=False)
    assert ran == [] and _running() <= before
    assert forked.wait() == 7 and ran == [os.getpid()]

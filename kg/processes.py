"""Worker processes, the one way kg starts and stops them.

The build maps rows in forked workers (they need the edition's context and
start at once); validation and the writers of the derived formats use workers
forked from a fresh server process (:func:`fresh_context`), which keeps them
small; a task over the build's findings (the review) runs in a forked child
(:class:`Forked`), which shares them rather than being sent them. Either way a
worker must never outlive the build: :func:`kill_pool` ends
a pool's workers now, and :func:`quiet_worker` (a pool's initializer) makes a
worker leave interruptions to the build process and die with it. A worker that
dies itself (killed by the system) becomes :class:`~kg.errors.WorkerDied`
through :func:`worker_deaths`.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import multiprocessing.context
import os
import signal
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from multiprocessing.connection import Connection
from typing import Any, Generic, TypeVar

from kg.errors import WorkerDied

_PRELOAD: list[str] = []
T = TypeVar("T")


def fresh_context(preload: str) -> multiprocessing.context.BaseContext:
    """Workers forked from a fresh server process that has loaded ``preload``, not from the caller.

    A forked worker shares the caller's pages until it writes to them, and
    Python's allocator writes new objects into the free slots of the caller's
    pages: under a 100k-measure build (750 MiB) each validation worker grew by
    ~200 MiB of such copies. The server is started once per process
    (``forkserver``; where there is none, ``spawn``), loading the modules
    asked for until then; a module asked for later is imported by each worker.
    """
    if preload not in _PRELOAD:
        _PRELOAD.append(preload)
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(list(_PRELOAD))
        return context
    return multiprocessing.get_context("spawn")


def quiet_worker() -> None:
    """A pool initializer: leave SIGINT/SIGHUP to the build process, end quietly on SIGTERM, die with it.

    A terminal sends SIGINT and SIGHUP to the whole process group: the build
    process decides what an interruption means. A forked worker inherited the
    CLI's SIGTERM handler, which raises (a traceback in a worker); a worker ends
    on SIGTERM silently, as by default.
    """
    for signum in (signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent()


def _die_with_parent() -> None:
    """On Linux, have the kernel send SIGKILL to this worker when the build process dies."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent died before the request took effect
        os._exit(1)


@contextmanager
def worker_deaths(what: str) -> Iterator[None]:
    """Turn a pool whose worker died (its task never finished) into :class:`WorkerDied` naming ``what``.

    The executor raises ``BrokenProcessPool``, which says nothing a user can act
    on; the likeliest cause of a worker's death here is the out-of-memory killer.
    """
    try:
        yield
    except BrokenProcessPool as exc:
        raise _died(what) from exc


def _died(what: str) -> WorkerDied:
    return WorkerDied(
        f"a worker process {what} died before it finished (killed, perhaps for want of memory);"
        " nothing was written"
    )


def kill_pool(pool: ProcessPoolExecutor) -> None:
    """End the workers now (not after their tasks) and wait for them, so none outlives the build.

    The executor offers no kill, so this reaches into it. A worker killed while
    sending leaves half a message in the result pipe, and the call pipe may be
    full with no one left to read it: the executor's threads would then wait
    for ever, and the interpreter waits for them at exit. Closing this process's
    own writing end of the result pipe gives the executor's thread an end of
    file: it finds the pool broken, closes the call pipe (so that its feeder
    meets a broken pipe rather than a full one) and stops.
    """
    processes = list((pool._processes or {}).values())
    for process in processes:
        if process.is_alive():
            process.kill()
    for process in processes:
        process.join(5)
    inside: Any = pool
    inside._call_queue.cancel_join_thread()
    with contextlib.suppress(OSError):
        inside._result_queue._writer.close()
    manager = inside._executor_manager_thread
    pool.shutdown(wait=False, cancel_futures=True)
    if manager is not None:
        manager.join(5)


class Forked(Generic[T]):
    """``task()`` run in a forked child process while this one goes on; :meth:`wait` gives its result.

    The child shares this process's memory (copy on write), so a task over a
    large build's data (the review over its findings) needs nothing pickled but
    its outcome. Fork only where it is safe: on Linux, and with no other thread
    running (the caller's duty: start threads after this). Elsewhere, or when
    not ``background`` (a task too small to be worth a process), the task runs
    in this process when waited for.
    """

    def __init__(self, task: Callable[[], T], what: str, *, background: bool = True) -> None:
        self._task, self._what = task, what
        self._process: multiprocessing.process.BaseProcess | None = None
        self._reader: Connection | None = None
        if background and sys.platform.startswith("linux"):
            context = multiprocessing.get_context("fork")
            self._reader, writer = context.Pipe(duplex=False)
            self._process = context.Process(target=_run_forked, args=(task, writer), daemon=True)
            self._process.start()
            writer.close()

    def wait(self) -> T:
        """The task's result; its exception is raised here, and a child that died is :class:`WorkerDied`."""
        if self._process is None or self._reader is None:
            return self._task()
        try:
            ok, value = self._reader.recv()
            self._process.join(5)  # it ends as soon as it has sent
        except EOFError:
            raise _died(self._what) from None
        finally:
            self.cancel()
        if not ok:
            raise value
        result: T = value
        return result

    def cancel(self) -> None:
        """End the child now if it still runs (a no-op after :meth:`wait`)."""
        if self._process is not None:
            if self._process.is_alive():
                self._process.kill()
            self._process.join()
            self._process = None
        if self._reader is not None:
            self._reader.close()
            self._reader = None


def _run_forked(task: Callable[[], object], conn: Connection) -> None:
    quiet_worker()
    try:
        outcome: tuple[bool, object] = (True, task())
    except BaseException as exc:  # raised again in the parent
        outcome = (False, exc)
    try:
        conn.send(outcome)
    except Exception as exc:  # an outcome that does not pickle: say what it was
        conn.send((False, RuntimeError(f"{type(outcome[1]).__name__}: {outcome[1]} ({exc})")))
    conn.close()

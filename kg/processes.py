"""Worker processes, the one way kg starts and stops them.

The build maps rows in forked workers (they need the edition's context and
start at once); validation and the writers of the derived formats use workers
forked from a fresh server process (:func:`fresh_context`), which keeps them
small. Either way a worker must never outlive the build: :func:`kill_pool` ends
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
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any

from kg.errors import WorkerDied

_PRELOAD: list[str] = []


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
        raise WorkerDied(
            f"a worker process {what} died before it finished (killed, perhaps for want of memory);"
            " nothing was written"
        ) from exc


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

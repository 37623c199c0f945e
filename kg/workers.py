"""Worker processes on this machine: forked where that is safe, ended with the build.

The workers of :mod:`kg.parallel` (parsing and extracting) and of :mod:`kg.validate`
(SHACL validation of graph parts) are forked under :func:`forking` and start with
:func:`start_worker`, so a worker never outlives the build and never takes its Ctrl-C;
a pool runs inside :func:`ended`, so a worker that died is a
:class:`kg.errors.WorkerError` with a hint.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager

from kg.errors import WorkerError


def can_fork() -> bool:
    """Whether worker processes may be forked from this one: on Linux. (macOS offers fork,
    but its system libraries are not safe in a forked child once they have started threads;
    Python itself spawns there.)"""
    return sys.platform.startswith("linux")


def start_worker(parent: int) -> None:
    """What every worker process does first: leave Ctrl-C to the build (which ends the
    pool), write through streams of its own, and end when the build is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    fresh_stdio()
    exit_with_parent(parent)


def fresh_stdio() -> None:
    """In a forked child: write through new stream objects on the same descriptors. The
    parent's may be locked by one of its threads (the progress bar) at the fork, and the
    child would wait on that lock for ever at its first write or at exit."""
    sys.stdout = os.fdopen(os.dup(1), "w")
    sys.stderr = os.fdopen(os.dup(2), "w")


def exit_with_parent(parent: int, every: float = 0.5) -> None:
    """End this worker when ``parent``, the build that started it, is gone (killed, with no
    chance to end its pool): a forked worker holds both ends of its queue's pipe, so it would
    wait for work for ever, and hold the build's stdout and stderr open. (The parent's id
    comes from the parent: asked here, it would be that of whoever adopted an orphan.)"""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        os._exit(1)

    threading.Thread(target=watch, name="kg-exit-with-parent", daemon=True).start()


@contextmanager
def forking() -> Iterator[None]:
    """Around forks: this process's objects are kept from the children's garbage collector.
    A child collecting garbage it inherited would run the finalizers of objects that are
    this process's (an ended pool's queues, a store's handles), and one that waits on a lock
    a thread here held at the fork waits for ever. (``gc.freeze``, as Python's documentation
    advises before a fork; it also spares the children copying the pages of what they only
    inherit.)"""
    frozen = gc.get_freeze_count()  # objects someone froze before: left frozen
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        if not frozen:
            gc.unfreeze()


def fork_workers(pool: ProcessPoolExecutor) -> None:
    """Fork every worker of ``pool`` now (Python forks them all at its first task), under
    :func:`forking`."""
    with forking():
        pool.submit(int).result()


@contextmanager
def ended(pool: ProcessPoolExecutor, died: str, hint: str) -> Iterator[None]:
    """Shut ``pool`` down however the block ends; a worker that died is a :class:`WorkerError`
    saying ``died``, with ``hint``."""
    try:
        yield
    except BrokenProcessPool:
        error = WorkerError(died)
        error.hint = hint
        raise error from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)

"""Parsing and extracting on a Dask cluster: ``kg build --cluster tcp://SCHEDULER:8786``.

The client (the machine running ``kg build``) reads the articles, sends them out in
partitions, and resolves entities, builds, validates and writes the graph itself; the
workers run :func:`kg.parallel.extract_partition`, the function ``kg build -j N`` runs in
its processes, so the outputs are the same bytes. ``--cluster local:N`` starts a
``distributed.LocalCluster`` of N worker processes on this machine for the build.

Each worker loads the spaCy model once: a worker plugin starts the load as soon as the
worker joins, and every partition after that finds it loaded. Workers need kg and the
model installed (the same versions as the client: a worker running other kg code is
refused); they download nothing.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager

from kg import parallel
from kg.articles import Article
from kg.errors import ClusterError, ModelError
from kg.parallel import Outcome, Setup, extract_partition, extraction_key, worker_state

try:
    from distributed import WorkerPlugin
except ImportError:  # Dask is an optional extra; open_cluster says how to install it
    WorkerPlugin = object

CONNECT_TIMEOUT = 10.0  # seconds to reach the scheduler, and for a first worker to join it
PLUGIN = "kg-model"
_LOCAL = re.compile(r"local:(\d+)")


def local_workers(address: str) -> int | None:
    """N for ``"local:N"``, None for a scheduler's address.

    >>> local_workers("local:2"), local_workers("tcp://10.0.0.5:8786")
    (2, None)

    Raises:
        ClusterError: ``local:`` without a positive number of workers.
    """
    if not address.startswith("local"):
        return None
    match = _LOCAL.fullmatch(address)
    if match is None or int(match.group(1)) < 1:
        raise ClusterError(f"--cluster {address}: expected local:N with N workers, 1 or more (local:2)")
    return int(match.group(1))


@contextmanager
def open_cluster(address: str, *, timeout: float | None = None) -> Iterator[DaskCluster]:
    """Connect to the Dask scheduler at ``address`` (or start ``local:N``) for one build;
    closes the client, and a local cluster, when the block ends.

    Raises:
        ClusterError: Dask is not installed, the scheduler cannot be reached within
            ``timeout`` seconds (default :data:`CONNECT_TIMEOUT`), no worker joins it, or
            the workers run other kg code.
    """
    try:
        import distributed
    except ImportError:
        raise ClusterError("--cluster needs Dask, which is not installed",
                           hint="pip install 'kg-news[dask]' (dask and distributed)") from None
    timeout = CONNECT_TIMEOUT if timeout is None else timeout
    workers = local_workers(address)
    with ExitStack() as stack:
        stack.enter_context(_quiet("distributed"))  # its workers' comings and goings are no news to a build
        if workers is not None:
            cluster = stack.enter_context(distributed.LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                dashboard_address="127.0.0.1:0",  # loopback only: workers run the code they are sent
                silence_logs=logging.ERROR))
            address = cluster.scheduler_address
        try:
            client = stack.enter_context(distributed.Client(address, timeout=timeout, set_as_default=False))
        except (OSError, TimeoutError, ValueError) as err:
            raise ClusterError(f"cannot reach a Dask scheduler at {address} ({err})", hint=(
                f"start one with `dask scheduler` and workers with `dask worker {address}`, "
                "or build on this machine with --cluster local:2")) from None
        try:
            client.wait_for_workers(1, timeout=timeout)
        except TimeoutError:
            raise ClusterError(f"the Dask scheduler at {address} has no worker (none joined in {timeout:.0f} s)",
                               hint=f"start workers with `dask worker {address}`") from None
        _check_workers(client, address)
        yield DaskCluster(client)


@contextmanager
def _quiet(name: str) -> Iterator[None]:
    """Errors only from the logger ``name`` and its children, for the block."""
    logger = logging.getLogger(name)
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _check_workers(client, address: str) -> None:
    """Refuse workers that lack kg or run other kg code: their facts could differ."""
    try:
        digests = client.run(_worker_digest)
    except (ImportError, AttributeError) as err:
        raise ClusterError(f"the Dask workers at {address} cannot run kg ({err!r})",
                           hint="install the same kg on every worker as on this machine") from None
    other = sorted(worker for worker, digest in digests.items() if digest != parallel.source_digest())
    if other:
        raise ClusterError(f"{len(other)} of {len(digests)} Dask workers run other kg code than this "
                           f"machine ({', '.join(other[:3])})",
                           hint="install the same kg version on the workers and the client")


def _worker_digest() -> str:
    return parallel.source_digest()  # the worker's own kg


class DaskCluster:
    """Partitions parsed on the workers of a Dask cluster (the same methods as
    :class:`kg.parallel.Processes`)."""

    def __init__(self, client):
        self.client = client
        self._setups: dict[str, object] = {}

    def _setup(self, setup: Setup):
        """The setup, sent once to every worker (a future tasks take), its model loading."""
        if setup.key not in self._setups:
            self.client.register_plugin(ModelPlugin(setup), name=PLUGIN)
            self._setups[setup.key] = self.client.scatter(setup, broadcast=True, hash=False)
        return self._setups[setup.key]

    def extraction_key(self, setup: Setup) -> dict:
        """:func:`kg.parallel.extraction_key`, computed on a worker, whose model parses."""
        return self.client.submit(_on_worker, extraction_key, self._setup(setup), pure=False).result()

    def extract(self, setup: Setup, parts: Iterable[Sequence[Article]]) -> Iterator[Outcome]:
        """The outcomes of every partition, in order; a few partitions per worker thread in
        flight, so the client's memory does not grow with the corpus."""
        remote = self._setup(setup)
        window: deque = deque()
        limit = 2 * max(1, sum(self.client.nthreads().values())) + 2
        try:
            for part in parts:
                window.append(self.client.submit(_on_worker, extract_partition, remote, list(part), pure=False))
                if len(window) >= limit:
                    yield from window.popleft().result()
            while window:
                yield from window.popleft().result()
        finally:
            if window:
                self.client.cancel(list(window))


def _on_worker(function, setup: Setup, *args):
    """Run ``function(setup, *args)`` on a worker; a missing model names the worker."""
    try:
        return function(setup, *args)
    except ModelError as err:
        from distributed import get_worker

        raise ModelError(f"on Dask worker {get_worker().address}: {err}") from None


class ModelPlugin(WorkerPlugin):
    """Loads the model of a build on each worker as it joins, in a thread of its own so the
    worker keeps answering the scheduler meanwhile; partitions wait for it to be loaded
    (:func:`kg.parallel.worker_state`). A load that fails here fails again, with its
    message, in the first partition."""

    idempotent = False  # a later build's setup replaces an earlier one's

    def __init__(self, build_setup: Setup):
        self.build_setup = build_setup

    def _load(self) -> None:
        try:
            worker_state(self.build_setup)
        except Exception:  # reported by the partitions, which load again
            logging.getLogger(__name__).debug("model load failed on a worker", exc_info=True)

    def setup(self, worker) -> None:
        threading.Thread(target=self._load, name="kg-model-load", daemon=True).start()

    def teardown(self, worker) -> None:
        pass

"""Engines that simulate the chunks of a batch: in this process, in a process pool, or on Dask.

All give the same rows, since each chunk carries its own seed (``sim.batch.chunks``).

An engine is a context manager whose ``map`` yields ``ChunkResult``s as chunks finish, in any
order. Workers receive the validated scenario and a chunk description, never random state.
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.connection
import os
import select
import signal
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sim.errors import BatchFailed, UsageError, describe_os_error

if TYPE_CHECKING:  # imported lazily: the command line builds its parser without the simulator
    from sim.batch.plan import Chunk, ChunkResult
    from sim.scenario.schema import Scenario

ENGINES = ("auto", "process", "inprocess", "dask")
LOCAL_HOST = "127.0.0.1"
SPAWN_ENVIRON = "distributed.nanny.pre-spawn-environ"
ATTEMPTS = 3
"""Times a chunk is tried on the process pool when the worker simulating it dies."""
CONNECT_TIMEOUT = 5.0
"""Seconds a Dask scheduler has to answer."""
WORKER_WAIT = 30.0
"""Seconds a Dask scheduler has to show at least one worker."""
ORPHAN_EXIT = 70
"""Exit status of a worker that stops because the process that started it is gone."""
WATCH_INTERVAL = 1.0
"""Seconds between two checks for a dead worker that the pool has not noticed."""

log = logging.getLogger(__name__)


def default_workers() -> int:
    """One worker per core this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class InProcessEngine:
    """Simulate chunk after chunk in this process."""

    name = "inprocess"
    workers = 1

    def __enter__(self) -> InProcessEngine:
        return self

    def __exit__(self, *exc_info) -> None:
        return None

    def map(self, task, chunks: Iterable[Chunk]) -> Iterator[ChunkResult]:
        """Run ``task(chunk)`` for each chunk, yielding results as they finish."""
        for chunk in chunks:
            yield task(chunk)


class ProcessPoolEngine:
    """A local pool of worker processes (one per core by default).

    Workers start with the ``forkserver`` method and a preloaded simulator, so each starts by a
    cheap fork of a process that has already imported it, rather than re-importing everything as
    the ``spawn`` method (which ``import mesa`` makes the default) would. At most two chunks per
    worker are in flight, so memory does not grow with the number of chunks.

    Workers ignore Ctrl-C (the parent stops them) and exit within a second of the parent's end,
    however it ends (``kill -9`` or the out-of-memory killer included), so none is left holding
    memory or the terminal. If a worker dies (killed, out of memory), the pool is started afresh
    and its chunks are simulated again, each at most ``ATTEMPTS`` times in all.
    """

    name = "process"

    def __init__(self, workers: int | None = None, start_method: str = "forkserver"):
        self.workers = workers or default_workers()
        self.start_method = start_method

    def __enter__(self) -> ProcessPoolEngine:
        self.pool = self._start()
        return self

    def __exit__(self, *exc_info) -> None:
        if exc_info[0] is not None:  # stopped: end the workers now, even those still starting
            self._break()
        self.pool.shutdown(wait=True, cancel_futures=True)

    def _break(self) -> None:
        """End every worker now, in a way the pool cannot miss.

        A worker killed while it sends a result leaves half a message in the result pipe. The
        pool's manager thread then waits for the rest in a blocking read, which never ends, since
        this process holds a writing end of that pipe too: shutting the pool down would hang.
        Closing that end once the workers are gone turns the half message into an end of file,
        which the pool takes for a dead worker, as it is.
        """
        for process in self._workers():
            process.kill()
        results = getattr(self.pool, "_result_queue", None)  # None once the pool is shut down
        if results is not None:
            results._writer.close()

    def _first_done(self, running: dict[Future, Chunk]) -> set[Future]:
        """The first of ``running`` to finish; a worker dead unnoticed breaks the pool first."""
        while True:
            done = wait(running, timeout=WATCH_INTERVAL, return_when=FIRST_COMPLETED)[0]
            if done:
                return done
            if multiprocessing.connection.wait([p.sentinel for p in self._workers()], timeout=0):
                self._break()

    def _workers(self) -> list[multiprocessing.process.BaseProcess]:
        """The pool's worker processes (none before they start or once it is shut down)."""
        return list((getattr(self.pool, "_processes", None) or {}).values())

    def warm(self) -> None:
        """Start the forkserver now, so it loads the simulator while this process goes on.

        ``negsim run`` calls it before importing what it needs to store and chart a batch, so
        the two imports overlap (about a second each). Starting the pool later reuses it.
        """
        if self.start_method != "forkserver":
            return
        from multiprocessing import forkserver, resource_tracker

        multiprocessing.get_context("forkserver").set_forkserver_preload(
            ["sim.batch.forkserver_setup"]
        )
        resource_tracker.ensure_running()  # first: it unblocks SIGINT when it starts
        with _interrupts_held():  # its helper processes start with Ctrl-C held back
            forkserver.ensure_running()

    def _start(self) -> ProcessPoolExecutor:
        """A new pool; its helper processes start with Ctrl-C held back (no traceback of theirs)."""
        self.warm()
        with _interrupts_held():
            return ProcessPoolExecutor(
                self.workers,
                mp_context=multiprocessing.get_context(self.start_method),
                initializer=start_worker,
                initargs=(os.getpid(),),
            )

    def map(self, task, chunks: Iterable[Chunk]) -> Iterator[ChunkResult]:
        """Run ``task(chunk)`` for each chunk in the pool, yielding results as they finish.

        Raises:
            BatchFailed: A chunk's worker died ``ATTEMPTS`` times.
        """
        waiting, running = deque(chunks), {}
        attempts: dict[int, int] = {}
        while waiting or running:
            broken = self._submit(task, waiting, running)
            lost = []
            if running:
                lost = yield from _finished(self._first_done(running), running)
            if lost or broken:  # the pool is broken: every chunk in flight is lost with it
                lost += yield from _finished(wait(running)[0], running)
                _count_attempts(lost or [None], attempts)
                log.warning(
                    "a worker process died; simulating %d chunk%s again on new workers",
                    len(lost),
                    "" if len(lost) == 1 else "s",
                )
                self.pool.shutdown(wait=True, cancel_futures=True)
                self.pool = self._start()
                waiting.extendleft(reversed(lost))

    def _submit(self, task, waiting: deque[Chunk], running: dict[Future, Chunk]) -> bool:
        """Keep two chunks per worker in flight; return whether the pool is broken."""
        while waiting and len(running) < 2 * self.workers:
            chunk = waiting.popleft()
            try:
                with _interrupts_deferred():  # the first submit starts the workers
                    running[self.pool.submit(task, chunk)] = chunk
            except BrokenProcessPool:
                waiting.appendleft(chunk)
                return True
        return False


def _count_attempts(lost: list[Chunk | None], attempts: dict[int | None, int]) -> None:
    """Count one more attempt of each lost chunk (``None``: the pool broke with none in flight).

    Raises:
        BatchFailed: A chunk (or the start of the workers) has failed ``ATTEMPTS`` times.
    """
    for chunk in lost:
        key = None if chunk is None else chunk.index
        attempts[key] = attempts.get(key, 0) + 1
        if attempts[key] >= ATTEMPTS:
            doing = "starting" if chunk is None else f"simulating chunk {chunk.index}"
            raise BatchFailed(
                f"a worker process died (killed, or out of memory) {ATTEMPTS} times while {doing}"
            )


def _finished(done: set[Future], running: dict[Future, Chunk]):
    """Yield the results of ``done`` (removed from ``running``); return the chunks lost."""
    lost = []
    for future in done:
        chunk = running.pop(future)
        if isinstance(future.exception(), BrokenProcessPool):
            lost.append(chunk)
        else:
            yield future.result()
    return lost


@contextmanager
def _interrupts_held():
    """Hold a Ctrl-C back while helper processes start, and deliver it once they have.

    SIGINT is blocked in this thread, so the helpers it starts (forkserver, workers) inherit it
    blocked and never see a Ctrl-C during their start-up (they ignore it afterwards). A Ctrl-C
    that lands on another thread of this process meanwhile (a native thread of a numerical
    library) is only noted; it is raised here when the block ends, so it is never dropped.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    noted = []
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    previous = signal.signal(signal.SIGINT, lambda number, frame: noted.append(number))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # a pending one lands now
        if noted:
            signal.raise_signal(signal.SIGINT)


@contextmanager
def _interrupts_deferred():
    """Deliver a Ctrl-C only after the block, so that no worker is left half started."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def start_worker(parent: int) -> None:
    """Set up a pool worker: Ctrl-C is the parent's business, and the parent's end is its end."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    watch_parent(parent)


def watch_parent(parent: int) -> None:
    """Exit this process (status ``ORPHAN_EXIT``) as soon as process ``parent`` ends."""
    watcher = threading.Thread(
        target=_exit_when_gone, args=(parent,), name="parent-watch", daemon=True
    )
    watcher.start()


def _exit_when_gone(parent: int) -> None:
    try:
        descriptor = os.pidfd_open(parent)  # Linux: readable once the process has ended
    except (AttributeError, OSError):
        descriptor = None
    if descriptor is not None:
        select.select([descriptor], [], [])
        os._exit(ORPHAN_EXIT)
    while True:
        try:
            os.kill(parent, 0)
        except ProcessLookupError:
            os._exit(ORPHAN_EXIT)
        except PermissionError:
            pass
        time.sleep(1)


class DaskEngine:
    """Chunks as tasks on a Dask cluster: an existing one (``scheduler``), or a local one.

    An existing scheduler must answer as one within ``connect_timeout`` seconds and have a worker
    within ``worker_wait`` seconds; otherwise entering the engine fails at once with a
    ``UsageError`` saying which. A scheduler lost mid-batch ends the batch with ``BatchFailed``
    (the chunks finished so far stay staged). The local cluster listens on 127.0.0.1 only and
    has no dashboard unless ``dashboard_address`` is given (its scheduler's small HTTP server
    listens on a free loopback port); it is closed afterwards. Its nanny normally sets
    ``MALLOC_TRIM_THRESHOLD_=65536`` in the workers, which slows numpy-heavy chunks; it is unset
    here unless ``malloc_trim`` is true. To use other machines, start ``dask scheduler`` on one
    and ``dask worker tcp://HOST:8786`` on each (with negsim installed), then pass
    ``scheduler="tcp://HOST:8786"``.
    """

    name = "dask"

    def __init__(
        self,
        workers: int | None = None,
        scheduler: str | None = None,
        malloc_trim: bool = False,
        connect_timeout: float = CONNECT_TIMEOUT,
        worker_wait: float = WORKER_WAIT,
        dashboard_address: str | None = None,
    ):
        self.workers = None if scheduler else workers or default_workers()
        """Workers: a local cluster's; a scheduler's once connected (``None`` before)."""
        self.scheduler = scheduler
        self.malloc_trim = malloc_trim
        self.connect_timeout = connect_timeout
        self.worker_wait = worker_wait
        self.dashboard_address = dashboard_address
        self.cluster = None
        self.client = None

    def __enter__(self) -> DaskEngine:
        if self.scheduler:
            self._connect(self.scheduler)
        else:
            self._start_local_cluster()
        return self

    def _connect(self, address: str) -> None:
        import dask
        from distributed import Client

        probe_scheduler(address, self.connect_timeout)
        timeout = f"{self.connect_timeout}s"
        try:
            with dask.config.set({"distributed.comm.timeouts.connect": timeout}):
                self.client = Client(address, timeout=timeout)
            self.client.wait_for_workers(1, timeout=self.worker_wait)
            self.workers = len(self.client.nthreads())
        except OSError as error:  # TimeoutError included
            connected = self.client is not None
            self._close()
            if connected and isinstance(error, TimeoutError):
                raise UsageError(
                    f"the Dask scheduler {address} has no workers (waited "
                    f"{self.worker_wait:g} s); start one with: dask worker {address}"
                ) from None
            raise UsageError(f"cannot reach the Dask scheduler {address}: {error}") from None

    def _start_local_cluster(self) -> None:
        import dask
        from distributed import Client, LocalCluster

        unset = {f"{SPAWN_ENVIRON}.MALLOC_TRIM_THRESHOLD_": None}
        settings = {} if self.malloc_trim else unset
        if self.dashboard_address is None:  # its HTTP server then serves nothing at all
            settings["distributed.scheduler.http.routes"] = []
        try:
            with dask.config.set(settings):
                self.cluster = LocalCluster(
                    n_workers=self.workers,
                    threads_per_worker=1,
                    processes=True,
                    host=LOCAL_HOST,
                    dashboard_address=self.dashboard_address or f"{LOCAL_HOST}:0",
                    scheduler_kwargs={"dashboard": self.dashboard_address is not None},
                    silence_logs=logging.ERROR,
                )
            self.client = Client(self.cluster)
        except Exception as error:  # e.g. "Nanny failed to start" when a worker is killed
            self._close()
            raise UsageError(f"the local Dask cluster did not start: {error}") from None

    def __exit__(self, *exc_info) -> None:
        self._close()

    def _close(self) -> None:
        """Close the client and the local cluster, if any; a lost scheduler is not waited for."""
        try:
            if self.client is not None:
                self.client.close(timeout=self.connect_timeout)
            if self.cluster is not None:
                self.cluster.close(timeout=self.connect_timeout)
        except Exception:  # closing after a failure: the first error is the news
            pass
        self.client = self.cluster = None

    def map(self, task, chunks: Iterable[Chunk]) -> Iterator[ChunkResult]:
        """Run ``task(chunk)`` for each chunk on the cluster, yielding results as they finish.

        Raises:
            BatchFailed: The scheduler was lost (or stopped answering) mid-batch.
        """
        from concurrent.futures import CancelledError

        limit = 2 * max(1, len(self.client.nthreads()))
        try:
            yield from _bounded(
                lambda f, c: self.client.submit(f, c, pure=False), task, chunks, limit, _dask_wait
            )
        except (OSError, TimeoutError, CancelledError) as error:
            where = self.scheduler or "of the local cluster"
            raise BatchFailed(
                f"lost the Dask scheduler {where} mid-batch ({type(error).__name__})"
            ) from None


def probe_scheduler(address: str, timeout: float) -> None:
    """Check, within ``timeout`` seconds, that a Dask scheduler answers at ``address``.

    Raises:
        UsageError: The address is malformed, nothing answers in time, or what answers is not
            a Dask scheduler (an HTTP server, say).
    """
    import asyncio

    from distributed.comm import connect

    async def identity():
        _listening(address, timeout)  # a refused connection is final: Dask would retry it
        comm = await asyncio.wait_for(connect(address, timeout=timeout), timeout)
        try:
            await asyncio.wait_for(comm.write({"op": "identity"}), timeout)
            return await asyncio.wait_for(comm.read(), timeout)
        finally:
            comm.abort()

    try:
        reply = asyncio.run(identity())
    except ValueError as error:
        raise UsageError(
            f"{address!r} is not a Dask scheduler address like tcp://HOST:8786 ({error})"
        ) from None
    except OSError as error:  # TimeoutError included
        timed_out = isinstance(error, TimeoutError) or not str(error)
        reason = f"no answer within {timeout:g} s" if timed_out else describe_os_error(error)
        raise UsageError(f"cannot reach the Dask scheduler {address} ({reason})") from None
    except Exception:  # whatever it said, it was not the Dask protocol
        reply = None
    if not isinstance(reply, dict) or reply.get("type") != "Scheduler":
        raise UsageError(f"{address} does not answer as a Dask scheduler (another kind of server?)")


def _listening(address: str, timeout: float) -> None:
    """Open and close a TCP connection to ``address``; raises the ``OSError`` if that fails."""
    import socket

    from distributed.comm.addressing import parse_address, parse_host_port

    scheme, location = parse_address(address)
    if scheme in ("tcp", "tls"):
        socket.create_connection(parse_host_port(location), timeout=timeout).close()


def _dask_wait(futures):
    from distributed import wait as dask_wait

    return dask_wait(futures, return_when="FIRST_COMPLETED").done


def _bounded(submit, task, chunks: Iterable[Chunk], limit: int, wait_any) -> Iterator[ChunkResult]:
    """Keep at most ``limit`` chunks in flight; yield each result as soon as it is ready."""
    pending = set()
    for chunk in chunks:
        pending.add(submit(task, chunk))
        if len(pending) >= limit:
            done = wait_any(pending)
            pending -= done
            yield from (future.result() for future in done)
    while pending:
        done = wait_any(pending)
        pending -= done
        yield from (future.result() for future in done)


def engine_record(engine) -> dict[str, Any]:
    """What a manifest records of the engine that ran a batch: its name and its workers.

    The workers are the pool's processes, the local cluster's workers, or the workers a Dask
    scheduler had when the engine connected (``"unknown"`` before it has).
    """
    return {"engine": engine.name, "workers": engine.workers or "unknown"}


def make_engine(
    name: str, workers: int | None = None, scheduler: str | None = None, chunks: int = 2
):
    """The engine called ``name`` (one of ``ENGINES``).

    ``auto`` is the process pool, except for a batch of one chunk (``chunks``), which runs in
    this process because starting workers would take longer than the work.
    """
    if name == "auto":
        name = "dask" if scheduler else "process" if chunks > 1 else "inprocess"
    if scheduler and name != "dask":
        raise UsageError(f"a scheduler address needs the dask engine, not {name!r}")
    if workers is not None and workers < 1:
        raise UsageError(f"workers must be at least 1, got {workers}")
    if name == "inprocess":
        return InProcessEngine()
    if name == "process":
        return ProcessPoolEngine(workers)
    if name == "dask":
        return DaskEngine(workers, scheduler)
    raise UsageError(f"unknown engine {name!r}; expected one of: {', '.join(ENGINES)}")


@dataclass(frozen=True)
class ChunkTask:
    """What an engine applies to each chunk: its simulation (``sim.batch.chunks.run_chunk``).

    It loads the simulator only when called, in the process that simulates, so the process that
    hands out chunks and collects their rows never imports the model (about a second of start-up
    that the forkserver spends anyway).
    """

    scenario: Scenario
    seed: int
    trace_rounds: int
    columns: str = "all"

    def __call__(self, chunk: Chunk) -> ChunkResult:
        """The rows of ``chunk``."""
        from sim.batch.chunks import run_chunk

        return run_chunk(
            self.scenario, self.seed, chunk, trace_rounds=self.trace_rounds, columns=self.columns
        )

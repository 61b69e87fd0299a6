"""Engines that simulate the chunks of a batch: in this process, in a process pool, or on Dask.

All give the same rows, since each chunk carries its own seed (``sim.batch.chunks``).

An engine is a context manager whose ``map`` yields ``ChunkResult``s as chunks finish, in any
order. Workers receive the validated scenario and a chunk description, never random state.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from functools import partial
from typing import TYPE_CHECKING

from sim.errors import UsageError

if TYPE_CHECKING:  # imported lazily: the command line builds its parser without the simulator
    from sim.batch.chunks import Chunk, ChunkResult
    from sim.scenario.schema import Scenario

ENGINES = ("auto", "process", "inprocess", "dask")
LOCAL_HOST = "127.0.0.1"
SPAWN_ENVIRON = "distributed.nanny.pre-spawn-environ"


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
    """

    name = "process"

    def __init__(self, workers: int | None = None, start_method: str = "forkserver"):
        self.workers = workers or default_workers()
        self.start_method = start_method

    def __enter__(self) -> ProcessPoolEngine:
        context = multiprocessing.get_context(self.start_method)
        if self.start_method == "forkserver":
            context.set_forkserver_preload(["sim.batch.chunks"])
        self.pool = ProcessPoolExecutor(
            self.workers, mp_context=context, initializer=_leave_interrupts_to_the_parent
        )
        return self

    def __exit__(self, *exc_info) -> None:
        self.pool.shutdown(wait=exc_info[0] is None, cancel_futures=True)

    def map(self, task, chunks: Iterable[Chunk]) -> Iterator[ChunkResult]:
        """Run ``task(chunk)`` for each chunk in the pool, yielding results as they finish."""
        yield from _bounded(self.pool.submit, task, chunks, 2 * self.workers, _futures_wait)


class DaskEngine:
    """Chunks as tasks on a Dask cluster: an existing one (``scheduler``), or a local one.

    The local cluster listens on 127.0.0.1 only and has no dashboard; it is closed afterwards.
    Its nanny normally sets ``MALLOC_TRIM_THRESHOLD_=65536`` in the workers, which slows
    numpy-heavy chunks; it is unset here unless ``malloc_trim`` is true. To use other machines,
    start ``dask scheduler`` on one and ``dask worker tcp://HOST:8786`` on each (with negsim
    installed), then pass ``scheduler="tcp://HOST:8786"``.
    """

    name = "dask"

    def __init__(
        self,
        workers: int | None = None,
        scheduler: str | None = None,
        malloc_trim: bool = False,
        connect_timeout: float = 20.0,
    ):
        self.workers = workers or default_workers()
        self.scheduler = scheduler
        self.malloc_trim = malloc_trim
        self.connect_timeout = connect_timeout

    def __enter__(self) -> DaskEngine:
        import dask
        from distributed import Client, LocalCluster

        self.cluster = None
        try:
            if self.scheduler:
                timeout = f"{self.connect_timeout}s"
                with dask.config.set({"distributed.comm.timeouts.connect": timeout}):
                    self.client = Client(self.scheduler, timeout=timeout)
            else:
                unset = {f"{SPAWN_ENVIRON}.MALLOC_TRIM_THRESHOLD_": None}
                trim = {} if self.malloc_trim else unset
                with dask.config.set(trim):
                    self.cluster = LocalCluster(
                        n_workers=self.workers,
                        threads_per_worker=1,
                        processes=True,
                        host=LOCAL_HOST,
                        dashboard_address=None,
                        silence_logs=logging.ERROR,
                    )
                self.client = Client(self.cluster)
        except OSError as error:
            raise UsageError(f"cannot reach the Dask scheduler {self.scheduler}: {error}") from None
        return self

    def __exit__(self, *exc_info) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()

    def map(self, task, chunks: Iterable[Chunk]) -> Iterator[ChunkResult]:
        """Run ``task(chunk)`` for each chunk on the cluster, yielding results as they finish."""
        limit = 2 * max(1, len(self.client.nthreads()))
        yield from _bounded(
            lambda f, c: self.client.submit(f, c, pure=False), task, chunks, limit, _dask_wait
        )


def _leave_interrupts_to_the_parent() -> None:
    """Workers ignore Ctrl-C; the parent stops them cleanly."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _futures_wait(futures):
    return wait(futures, return_when=FIRST_COMPLETED)[0]


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


def chunk_task(scenario: Scenario, seed: int, trace_rounds: int):
    """The picklable function an engine applies to each chunk."""
    from sim.batch.chunks import run_chunk

    return partial(run_chunk, scenario, seed, trace_rounds=trace_rounds)

"""What the forkserver of a process pool loads before it forks workers (and only it).

``ProcessPoolEngine`` names this module in ``set_forkserver_preload``; importing it installs
:func:`quiet_start_up_failure` as the excepthook that the forked workers inherit, and loads
``sim.batch.chunks`` so that every worker starts with the simulator imported. Nothing else
imports it.
"""

from __future__ import annotations

import sys
import traceback

import sim.batch.chunks  # noqa: F401  (loaded once here, shared by every forked worker)

START_UP_FILES = ("multiprocessing/spawn.py", "multiprocessing/synchronize.py")
"""Where a worker reads what its parent sent it when it starts."""


def quiet_start_up_failure(kind, error, trace) -> None:
    """Say nothing when a worker could not start because its batch had already stopped.

    A Ctrl-C while the pool starts its workers can end the parent before a worker has read the
    queues it was sent; the worker then finds them gone (``FileNotFoundError`` on a semaphore,
    ``EOFError`` or a broken connection on its pipe). That is the batch stopping, which the
    parent reports; any other error is printed as usual.
    """
    files = [frame.f_code.co_filename for frame, _ in traceback.walk_tb(trace)]
    gone = issubclass(kind, FileNotFoundError | EOFError | ConnectionError)
    if gone and any(name.endswith(START_UP_FILES) for name in files):
        return
    sys.__excepthook__(kind, error, trace)


sys.excepthook = quiet_start_up_failure

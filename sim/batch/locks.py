"""One writer per output folder: an exclusive ``flock`` on a lock file beside it.

The lock file ``.NAME.lock`` says who holds it (process, host, start, command). The kernel drops
the lock when its holder exits, however it exits, so a crashed run never blocks the next one.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import socket
import sys
from pathlib import Path

from sim.errors import FolderBusy


def lock_path(directory: Path) -> Path:
    """The lock file of an output folder."""
    return directory.parent / f".{directory.name}.lock"


class FolderLock:
    """An exclusive lock on an output folder, held by one negsim process at a time.

    Args:
        directory: The output folder (absolute).
    """

    def __init__(self, directory: Path):
        self.directory = directory
        self.path = lock_path(directory)
        self.descriptor: int | None = None

    def acquire(self) -> None:
        """Take the lock, or refuse at once if another process holds it.

        Raises:
            FolderBusy: Another process holds the lock (the message says which).
            OSError: The lock file cannot be created.
        """
        while self.descriptor is None:
            descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.read(descriptor, 1000).decode("utf-8", "replace").strip()
                os.close(descriptor)
                raise FolderBusy(
                    f"output folder {self.directory} is being written "
                    f"by another negsim run ({holder or 'unknown process'})"
                ) from None
            if _same_file(descriptor, self.path):
                self.descriptor = descriptor
            else:  # its last holder removed it as we opened it: lock a fresh one
                os.close(descriptor)
        os.ftruncate(self.descriptor, 0)
        os.write(self.descriptor, _holder().encode("utf-8"))

    def release(self) -> None:
        """Remove the lock file and drop the lock."""
        if self.descriptor is None:
            return
        self.path.unlink(missing_ok=True)
        os.close(self.descriptor)
        self.descriptor = None


def _same_file(descriptor: int, path: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(descriptor), os.stat(path))
    except FileNotFoundError:
        return False


def _holder() -> str:
    started = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    command = " ".join(["negsim", *sys.argv[1:]])[:200]
    return f"process {os.getpid()} on {socket.gethostname()}, since {started}: {command}\n"

"""Writing a batch's outputs: every file lands complete or not at all.

All files are written into a fresh staging folder beside the destination, which is renamed into
place only when everything is written. An existing result folder is replaced only when asked
(``force``); until the rename, it stays as it was.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shutil
import tempfile
from pathlib import Path
from typing import Any

import mesa
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from sim.errors import UsageError


def manifest(
    loaded, runs: int, seed: int, chunk_runs: int, engine: str, version: str
) -> dict[str, Any]:
    """What is needed to rerun a batch exactly, and what ran it."""
    return {
        "negsim_version": version,
        "scenario_files": [str(path) for path in loaded.files],
        "scenario_sha256": loaded.sha256,
        "scenario": json.loads(json.dumps(loaded.resolved, default=str)),
        "seed": seed,
        "runs": runs,
        "chunk_runs": chunk_runs,
        "seeding": "chunk i uses numpy.random.SeedSequence(seed, spawn_key=(i,)); "
        "each parameter draws from its own stream keyed by its dotted path",
        "engine": engine,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "mesa": mesa.__version__,
        "completed": True,
    }


def check_destination(directory: Path, force: bool) -> None:
    """Refuse a destination that exists (unless ``force``) or cannot be written."""
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"output path {directory} exists and is not a folder")
    if directory.exists() and not force:
        raise UsageError(
            f"output folder {directory} already exists; pass --force to replace it, "
            "or --out to write elsewhere"
        )
    parent = _existing_parent(directory)
    if not parent.is_dir():
        raise UsageError(f"cannot create {directory}: {parent} is a file, not a folder")
    if not os.access(parent, os.W_OK):
        raise UsageError(f"cannot write to {parent} (permission denied)")


def _existing_parent(directory: Path) -> Path:
    parent = directory.absolute().parent
    while not parent.exists():
        parent = parent.parent
    return parent


class Staging:
    """A staging folder whose contents replace ``directory`` on ``commit``.

    Use as a context manager; leaving it without ``commit`` (an error, Ctrl-C) removes the staging
    folder and leaves ``directory`` untouched.
    """

    def __init__(self, directory: Path):
        self.directory = directory

    def __enter__(self) -> Staging:
        self.directory.parent.mkdir(parents=True, exist_ok=True)
        self.path = Path(
            tempfile.mkdtemp(prefix=f".{self.directory.name}.partial-", dir=self.directory.parent)
        )
        umask = os.umask(0)
        os.umask(umask)
        self.path.chmod(0o777 & ~umask)  # mkdtemp makes it private; results are ordinary files
        return self

    def __exit__(self, *exc_info) -> None:
        shutil.rmtree(self.path, ignore_errors=True)

    def write_json(self, name: str, data: dict[str, Any]) -> None:
        """Write ``data`` as indented JSON."""
        (self.path / name).write_text(json.dumps(data, indent=2, default=str) + "\n")

    def commit(self) -> None:
        """Move the staged files into place, replacing what was there."""
        old = None
        if self.directory.exists():
            old = Path(
                tempfile.mkdtemp(prefix=f".{self.directory.name}.old-", dir=self.directory.parent)
            )
            os.replace(self.directory, old / "previous")
        os.replace(self.path, self.directory)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


class ParquetStream:
    """Append tables chunk by chunk to one Parquet file."""

    def __init__(self, path: Path):
        self.path = path
        self.writer: pq.ParquetWriter | None = None

    def write(self, table) -> None:
        """Append a pandas DataFrame."""
        arrow = pa.Table.from_pandas(table, preserve_index=False)
        if self.writer is None:
            self.writer = pq.ParquetWriter(self.path, arrow.schema, compression="zstd")
        self.writer.write_table(arrow)

    def close(self) -> None:
        """Finish the file."""
        if self.writer is not None:
            self.writer.close()

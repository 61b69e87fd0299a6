"""Writing a batch's outputs: every file lands complete or not at all.

A batch writes into a staging folder beside its destination (``.NAME.partial``): a
``manifest.json`` saying it has not completed, then one Parquet file per finished chunk, each
written under a temporary name and renamed. Only when every chunk is there are the chunk files
joined into ``runs.parquet``, the summary and charts written, the manifest marked complete, and the
folder renamed into place. An interrupted batch therefore leaves its destination untouched and a
staging folder of complete chunk files, from which a resumed batch continues.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.errors import OutputExists, ResumeMismatch, UsageError
from sim.seeds import SCHEME

if TYPE_CHECKING:
    from sim.batch.chunks import ChunkResult
    from sim.scenario.loading import LoadedScenario

JOB_KEYS = ("scenario_sha256", "seed", "runs", "chunk_runs", "trace_rounds")
"""What must match for a batch to resume a staging folder."""


def provenance() -> dict[str, Any]:
    """Versions and time of whatever negsim writes, for its manifest."""
    import mesa
    import scipy

    from sim import __version__

    return {
        "negsim_version": __version__,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "scipy": scipy.__version__,
        "mesa": mesa.__version__,
    }


def scenario_record(loaded: LoadedScenario, resolved: bool = True) -> dict[str, Any]:
    """Where a scenario came from, for a manifest.

    Its files, their hash and, if ``resolved``, the merged scenario data with dates as text.
    """
    record = {
        "scenario_files": [str(path) for path in loaded.files],
        "scenario_sha256": loaded.sha256,
    }
    if resolved:
        record["scenario"] = json.loads(json.dumps(loaded.resolved, default=str))
    return record


def manifest(loaded: LoadedScenario, job: dict[str, Any], engine) -> dict[str, Any]:
    """What is needed to rerun a batch exactly, and what ran it (``completed`` is False)."""
    return {
        **provenance(),
        **scenario_record(loaded),
        **job,
        "seeding": SCHEME,
        "engine": engine.name,
        "workers": engine.workers,
        "completed": False,
    }


def check_destination(directory: Path, force: bool) -> None:
    """Refuse a destination that exists (unless ``force``) or cannot be written."""
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"output path {directory} exists and is not a folder")
    if directory.exists() and not force:
        raise OutputExists(f"output folder {directory} already exists")
    parent = directory.absolute().parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise UsageError(f"cannot create {directory}: {parent} is a file, not a folder")
    if not os.access(parent, os.W_OK):
        raise UsageError(f"cannot write to {parent} (permission denied)")


def write_text(path: Path, text: str) -> None:
    """Write a text file under a temporary name, then rename it into place."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Write indented JSON under a temporary name, then rename it into place."""
    write_text(path, json.dumps(data, indent=2, default=str) + "\n")


@contextmanager
def staged_folder(directory: Path, manifest: dict[str, Any], force: bool) -> Iterator[Path]:
    """Yield a staging folder whose files replace ``directory`` when the block succeeds.

    For outputs other than batches (comparisons, sweeps, traces): until the block ends without
    an error, ``directory`` stays as it was; on an error the staging folder is removed.

    Args:
        directory: Final destination.
        manifest: Written as ``manifest.json`` (marked ``completed`` on success).
        force: Replace ``directory`` if it exists (otherwise refuse).

    Raises:
        UsageError: ``directory`` exists (without ``force``) or cannot be written.
    """
    check_destination(directory, force)
    staging = Staging(directory, manifest)
    try:
        yield staging.path
    except BaseException:
        shutil.rmtree(staging.path, ignore_errors=True)
        raise
    staging.commit()


class Staging:
    """The staging folder of a batch bound for ``directory``.

    Args:
        directory: Final destination.
        manifest: The batch's manifest; its ``JOB_KEYS`` identify the batch for ``resume``.
        resume: Continue the staging folder of an interrupted batch with the same job, if any;
            otherwise an old staging folder is discarded.
    """

    def __init__(self, directory: Path, manifest: dict[str, Any], resume: bool = False):
        self.directory = directory
        self.path = self.path_for(directory)
        self.chunks = self.path / "chunks"
        self.manifest = manifest
        self.resumed = False
        if self.path.exists() and resume:
            self._check_same_job()
            self.resumed = True
        elif self.path.exists():
            shutil.rmtree(self.path)
        self.path.mkdir(parents=True, exist_ok=True)
        write_json(self.path / "manifest.json", manifest)

    @staticmethod
    def path_for(directory: Path) -> Path:
        """The staging folder of a batch bound for ``directory``."""
        return directory.parent / f".{directory.name}.partial"

    def _check_same_job(self) -> None:
        try:
            previous = json.loads((self.path / "manifest.json").read_text())
        except (OSError, ValueError):
            previous = {}
        differences = [key for key in JOB_KEYS if previous.get(key) != self.manifest[key]]
        if differences:
            raise ResumeMismatch(
                f"cannot resume from {self.path}: it was started with different "
                f"{', '.join(differences)}"
            )

    def done(self) -> set[int]:
        """Indices of the chunks already written."""
        return {int(path.stem.split("-")[1]) for path in self.chunks.glob("runs-*.parquet")}

    def write_chunk(self, result: ChunkResult) -> None:
        """Store one finished chunk (its trace first, so a stored chunk is always whole)."""
        self.chunks.mkdir(exist_ok=True)
        if result.rounds is not None:
            _write_parquet(result.rounds, self.chunks / f"rounds-{result.chunk.index:06d}.parquet")
        _write_parquet(result.runs, self.chunks / f"runs-{result.chunk.index:06d}.parquet")

    def join_chunks(self, count: int) -> None:
        """Join the chunk files, in chunk order, into ``runs.parquet`` (and ``rounds.parquet``)."""
        for kind in ("runs", "rounds"):
            paths = [self.chunks / f"{kind}-{index:06d}.parquet" for index in range(count)]
            paths = [path for path in paths if path.exists()]
            if paths:
                _join(paths, self.path / f"{kind}.parquet")
        shutil.rmtree(self.chunks, ignore_errors=True)

    def commit(self) -> None:
        """Mark the manifest complete and move the staged folder into place."""
        write_json(self.path / "manifest.json", {**self.manifest, "completed": True})
        if self.directory.exists():
            old = self.directory.parent / f".{self.directory.name}.old"
            shutil.rmtree(old, ignore_errors=True)
            os.replace(self.directory, old)
            os.replace(self.path, self.directory)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(self.path, self.directory)


def _dictionary_columns(schema: pa.Schema) -> list[str]:
    """Columns worth dictionary encoding: the categorical ones.

    Trying it on the float columns (almost all values distinct) makes writing four times slower.
    """
    return [field.name for field in schema if pa.types.is_dictionary(field.type)]


def _write_parquet(table: pd.DataFrame, path: Path) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    arrow = pa.Table.from_pandas(table, preserve_index=False)
    pq.write_table(arrow, temporary, use_dictionary=_dictionary_columns(arrow.schema))
    os.replace(temporary, path)


def _join(paths: list[Path], destination: Path) -> None:
    """Concatenate Parquet files with one schema, one at a time (memory: one chunk)."""
    temporary = destination.with_name(f".{destination.name}.tmp")
    writer = None
    for path in paths:
        table = pq.read_table(path)
        if writer is None:
            writer = pq.ParquetWriter(
                temporary,
                table.schema,
                compression="zstd",
                use_dictionary=_dictionary_columns(table.schema),
            )
        writer.write_table(table)
    writer.close()
    os.replace(temporary, destination)


def read_head(path: Path, rows: int) -> pd.DataFrame:
    """The first ``rows`` rows of a Parquet file, reading no more row groups than needed."""
    file = pq.ParquetFile(path)
    tables, count = [], 0
    for group in range(file.num_row_groups):
        if count >= rows:
            break
        tables.append(file.read_row_group(group))
        count += tables[-1].num_rows
    return pa.concat_tables(tables).slice(0, rows).to_pandas()

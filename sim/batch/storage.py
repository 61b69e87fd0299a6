"""Writing a batch's outputs: every file lands complete or not at all, and nothing is lost.

A batch writes into a staging folder beside its destination (``.NAME.partial``), under an
exclusive lock on the destination (``sim.batch.locks``): a ``manifest.json`` saying it has not
completed, then one Parquet file per finished chunk, each written under a temporary name, flushed
to disk and renamed; only then is the chunk recorded in the manifest with its row count and
SHA-256. A resumed batch keeps the recorded chunks whose files still match their record and
simulates the others again. Only when every planned chunk is there with its planned rows are the
chunk files joined into ``runs.parquet``, the summary and charts written, the manifest marked
complete (with the SHA-256 of every file) and the folder moved into place
(``sim.batch.destinations``). An interrupted batch therefore leaves its destination untouched and
a staging folder of verified chunks, from which a resumed batch continues.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
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

from sim.batch.destinations import (
    check_destination,
    check_parent,
    read_manifest,
    recover,
    staging_path,
)
from sim.batch.destinations import commit as move_into_place
from sim.batch.engines import engine_record
from sim.batch.files import file_sha256, settle, sync_file, temporary_for, write_json, write_text
from sim.batch.locks import FolderLock
from sim.errors import BatchFailed, ResumeMismatch, UsageError, describe_os_error
from sim.seeds import SCHEME

if TYPE_CHECKING:
    from sim.batch.plan import Chunk, ChunkResult
    from sim.scenario.loading import LoadedScenario

JOB_KEYS = ("scenario_sha256", "seed", "runs", "chunk_runs", "trace_rounds", "columns")
"""What must match for a batch to resume a staging folder."""
__all__ = ["Staging", "check_destination", "staged_folder", "write_json", "write_text"]

log = logging.getLogger(__name__)


def provenance() -> dict[str, Any]:
    """Versions and time of whatever negsim writes, for its manifest.

    Versions are read from the installed packages' metadata, so that writing a manifest does not
    load Mesa and SciPy in a process that does not simulate.
    """
    from importlib.metadata import version

    from sim import __version__

    return {
        "negsim_version": __version__,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "scipy": version("scipy"),
        "mesa": version("mesa"),
    }


def scenario_record(loaded: LoadedScenario, resolved: bool = True) -> dict[str, Any]:
    """Where a scenario came from, for a manifest.

    Its files, their hash and, if ``resolved``, the merged scenario data with dates as text.
    """
    record = {
        "scenario_file": str(Path(loaded.files[0]).resolve()),
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
        **engine_record(engine),
        "completed": False,
    }


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
        UsageError: ``directory`` exists (without ``force``), may not be replaced, is being
            written by another process, or cannot be written.
    """
    with Staging(directory, manifest, force=force) as staging:
        try:
            yield staging.path
        except BaseException:
            shutil.rmtree(staging.path, ignore_errors=True)
            raise
        staging.commit()


class Staging:
    """The staging folder of a batch bound for ``directory``, locked while this object is open.

    Opening it takes the destination's lock, finishes or undoes a replacement a crash cut short,
    checks the destination and creates (or, to resume, verifies) the staging folder. Use it as a
    context manager: the lock is released at the end of the block.

    Args:
        directory: Final destination.
        manifest: The batch's manifest; its ``JOB_KEYS`` identify the batch for ``resume``.
        resume: Continue the staging folder of an interrupted batch with the same job, if any;
            otherwise an old staging folder is discarded.
        force: Replace ``directory`` if it exists.
        source: The scenario file, when ``directory`` is the default folder named after it.

    Raises:
        FolderBusy: Another process is writing to ``directory``.
        ResumeMismatch: ``resume`` found the staging folder of another batch.
        UsageError: The destination may not be written (``check_destination``), or the staging
            folder cannot be created (the message names it and says why).
    """

    def __init__(
        self,
        directory: Path,
        manifest: dict[str, Any],
        resume: bool = False,
        force: bool = False,
        source: Path | None = None,
    ):
        self.directory = directory
        self.path = staging_path(directory)
        self.chunks = self.path / "chunks"
        self.manifest = {**manifest, "chunks": {}}
        self.resumed = False
        self.joined = False
        self.finished = False
        self.lock = FolderLock(Path(os.path.abspath(directory)))
        try:
            check_parent(directory)
            self.lock.path.parent.mkdir(parents=True, exist_ok=True)
            self.lock.acquire()
            recover(directory)
            check_destination(directory, force or (resume and self.path.exists()), source)
            self._prepare(resume)
        except OSError as error:
            self.lock.release()
            raise UsageError(
                f"cannot prepare the output folder {directory}: {describe_os_error(error)}"
            ) from None
        except BaseException:
            self.lock.release()
            raise

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *exc_info) -> None:
        self.lock.release()

    @staticmethod
    def path_for(directory: Path) -> Path:
        """The staging folder of a batch bound for ``directory``."""
        return staging_path(directory)

    def _prepare(self, resume: bool) -> None:
        if self.path.exists() and resume:
            previous = self._check_same_job()
            if previous.get("completed") is True:
                self.manifest = previous
                self.finished = True
                log.warning("%s was complete but not yet moved into place", self.path)
                return
            self.manifest["chunks"] = self._verified(previous.get("chunks"))
            self.joined = self._joined(previous.get("joined"))
            if self.joined:
                self.manifest["joined"] = previous["joined"]
            self.resumed = True
        elif self.path.exists():
            shutil.rmtree(self.path)
        self.path.mkdir(parents=True, exist_ok=True)
        write_json(self.path / "manifest.json", self.manifest)

    def _check_same_job(self) -> dict[str, Any]:
        previous = read_manifest(self.path) or {}
        differences = [key for key in JOB_KEYS if previous.get(key) != self.manifest.get(key)]
        if differences:
            raise ResumeMismatch(
                f"cannot resume from {self.path}: it was started with different "
                f"{', '.join(differences)}"
            )
        return previous

    def _verified(self, records: Any) -> dict[str, dict[str, Any]]:
        """The chunk records whose files still match; the files of the others are removed."""
        records = records if isinstance(records, dict) else {}
        kept = {key: record for key, record in records.items() if self._matches(key, record)}
        for path in self.chunks.glob("*") if self.chunks.is_dir() else ():
            if path.suffix != ".parquet" or _chunk_key(path) not in kept:
                path.unlink()
        dropped = len(records) - len(kept)
        if dropped:
            log.warning(
                "%d finished chunk%s in %s did not match %s record (damaged or missing) and "
                "will be simulated again",
                dropped,
                "s" if dropped > 1 else "",
                self.path,
                "their" if dropped > 1 else "its",
            )
        return kept

    def _joined(self, record: Any) -> bool:
        """Whether the chunks were joined into files that still match their checksums."""
        if not isinstance(record, dict) or not record:
            return False
        try:
            return all(file_sha256(self.path / name) == digest for name, digest in record.items())
        except OSError:
            return False

    def _matches(self, key: str, record: Any) -> bool:
        if not isinstance(record, dict) or not key.isdigit():
            return False
        for kind in ("runs", "rounds"):
            digest = record.get(f"{kind}_sha256")
            path = self.chunks / f"{kind}-{int(key):06d}.parquet"
            if digest is None and kind == "rounds":
                continue
            try:
                if digest is None or file_sha256(path) != digest:
                    return False
            except OSError:
                return False
        return True

    def done(self) -> set[int]:
        """Indices of the chunks already written and recorded."""
        return {int(key) for key in self.manifest["chunks"]}

    def write_chunk(self, result: ChunkResult) -> None:
        """Store one finished chunk durably, then record it (with its checksums) as done."""
        self.chunks.mkdir(exist_ok=True)
        index = result.chunk.index
        record: dict[str, Any] = {"rows": len(result.runs)}
        if result.rounds is not None:
            path = self.chunks / f"rounds-{index:06d}.parquet"
            record["rounds_sha256"] = _write_parquet(result.rounds, path)
        path = self.chunks / f"runs-{index:06d}.parquet"
        record["runs_sha256"] = _write_parquet(result.runs, path)
        self.manifest["chunks"][str(index)] = record
        write_json(self.path / "manifest.json", self.manifest)

    def join_chunks(self, planned: list[Chunk]) -> None:
        """Join the chunk files, in chunk order, into ``runs.parquet`` (and ``rounds.parquet``).

        Raises:
            BatchFailed: A planned chunk is not recorded, or has not its planned number of rows.
        """
        records = self.manifest["chunks"]
        for chunk in planned:
            record = records.get(str(chunk.index))
            rows = _parquet_rows(self.chunks / f"runs-{chunk.index:06d}.parquet")
            if record is None or record.get("rows") != chunk.runs or rows != chunk.runs:
                raise BatchFailed(
                    f"chunk {chunk.index} in {self.chunks} is missing or has {rows} rows "
                    f"instead of {chunk.runs}"
                )
        joined = {}
        for kind in ("runs", "rounds"):
            paths = [
                self.chunks / f"{kind}-{chunk.index:06d}.parquet"
                for chunk in planned
                if f"{kind}_sha256" in records[str(chunk.index)]
            ]
            if paths:
                _join(paths, self.path / f"{kind}.parquet")
                joined[f"{kind}.parquet"] = file_sha256(self.path / f"{kind}.parquet")
        self.manifest["chunks"] = {}
        self.manifest["joined"] = joined
        self.joined = True
        write_json(self.path / "manifest.json", self.manifest)
        shutil.rmtree(self.chunks, ignore_errors=True)

    def commit(self) -> None:
        """Mark the manifest complete (with each file's SHA-256) and move the folder into place."""
        if not self.finished:
            staged = ("chunks", "joined")
            manifest = {key: value for key, value in self.manifest.items() if key not in staged}
            for path in self.path.iterdir():
                if path.is_file():
                    sync_file(path)
            files = {
                path.name: file_sha256(path)
                for path in sorted(self.path.iterdir())
                if path.is_file() and path.name != "manifest.json"
            }
            write_json(self.path / "manifest.json", {**manifest, "files": files, "completed": True})
        move_into_place(self.path, self.directory)


def _dictionary_columns(schema: pa.Schema) -> list[str]:
    """Columns worth dictionary encoding: the categorical ones.

    Trying it on the float columns (almost all values distinct) makes writing four times slower.
    """
    return [field.name for field in schema if pa.types.is_dictionary(field.type)]


def _write_parquet(table: pd.DataFrame, path: Path) -> str:
    """Write a table durably to ``path``; return the file's SHA-256."""
    temporary = temporary_for(path)
    arrow = pa.Table.from_pandas(table, preserve_index=False)
    try:
        pq.write_table(arrow, temporary, use_dictionary=_dictionary_columns(arrow.schema))
        digest = file_sha256(temporary)
        settle(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return digest


def _chunk_key(path: Path) -> str:
    """The manifest key of a chunk file (``runs-000012.parquet`` -> ``"12"``)."""
    number = path.stem.rpartition("-")[2]
    return str(int(number)) if number.isdigit() else ""


def _parquet_rows(path: Path) -> int | None:
    """Rows of a Parquet file according to its footer, or ``None`` if it cannot be read."""
    try:
        return pq.ParquetFile(path).metadata.num_rows
    except (OSError, ValueError):
        return None


def _join(paths: list[Path], destination: Path) -> None:
    """Concatenate Parquet files with one schema, one at a time (memory: one chunk)."""
    temporary = temporary_for(destination)
    writer = None
    try:
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
        settle(temporary, destination)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


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

"""Output folders: which ones may be written or replaced, and how a replacement is made safe.

A finished folder replaces its destination in two renames: the old folder to ``.NAME.old``, then
the staged folder (``.NAME.partial``, its manifest already marked complete) to ``NAME``. A crash
between the two leaves no ``NAME``; ``recover`` (run under the folder's lock before anything
else) finishes the replacement if the staged folder is complete, or puts the old folder back.

``--force`` replaces only a folder that negsim wrote: one whose ``manifest.json`` carries a
negsim version and, if it lists the files written, holds no others.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from pathlib import Path
from typing import Any

from sim.batch.files import sync_folder
from sim.errors import ForeignFolder, OutputExists, UsageError

log = logging.getLogger(__name__)

ADDED_LATER = frozenset({"report.html"})
"""Files that negsim commands add to a finished folder (``negsim report``)."""
NAME_MAX = 255
"""Longest file name, in bytes, on the file systems negsim writes to."""


def staging_path(directory: Path) -> Path:
    """The staging folder of an output bound for ``directory``."""
    directory = Path(os.path.abspath(directory))
    return directory.parent / f".{directory.name}.partial"


def old_path(directory: Path) -> Path:
    """Where the folder being replaced waits while its replacement moves in."""
    directory = Path(os.path.abspath(directory))
    return directory.parent / f".{directory.name}.old"


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """A folder's ``manifest.json`` as a mapping, or ``None`` if it has none that reads."""
    try:
        data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def check_destination(directory: Path, force: bool, source: Path | None = None) -> None:
    """Refuse a destination that must not be written or replaced.

    Args:
        directory: The output folder.
        force: Replacing an existing folder was asked for.
        source: The scenario file, when ``directory`` is the default folder named after the
            scenario: a folder written from another file is then never replaced.

    Raises:
        OutputExists: ``directory`` exists and ``force`` is false.
        ForeignFolder: ``force`` would replace a folder negsim did not write, or one written
            from another scenario file.
        UsageError: ``directory`` is a symbolic link, a file, the current folder, or its
            parent cannot be written.
    """
    check_parent(directory)
    absolute = Path(os.path.abspath(directory))
    if absolute.exists() and not absolute.is_dir():
        raise UsageError(f"output path {directory} exists and is not a folder")
    if Path(os.path.realpath(Path.cwd())).is_relative_to(os.path.realpath(absolute)):
        raise UsageError(f"output folder {directory} is the current folder or holds it")
    if absolute.exists():
        if not force:
            raise OutputExists(f"output folder {directory} already exists")
        _check_replaceable(directory, absolute, source)


def check_parent(directory: Path) -> None:
    """Refuse an output path that cannot be a new folder: a link, too long a name, no parent.

    Raises:
        UsageError: What is wrong, naming the path.
    """
    absolute = Path(os.path.abspath(directory))
    longest = len(os.fsencode(staging_path(absolute).name))
    if longest > NAME_MAX:
        length = len(os.fsencode(absolute.name))
        most = NAME_MAX - longest + length
        raise UsageError(
            f"cannot create {directory}: its name is too long ({length} bytes; at most {most})"
        )
    if absolute.is_symlink():
        raise UsageError(
            f"output path {directory} is a symbolic link (to {os.readlink(absolute)}); "
            "give the folder itself"
        )
    parent = absolute.parent
    while not parent.exists():
        if parent.is_symlink():
            raise UsageError(
                f"cannot create {directory}: {parent} is a symbolic link that leads nowhere "
                "(dangling, or a loop)"
            )
        parent = parent.parent
    if not parent.is_dir():
        raise UsageError(f"cannot create {directory}: {parent} is a file, not a folder")
    if not os.access(parent, os.W_OK):
        raise UsageError(f"cannot write to {parent} (permission denied)")


def _check_replaceable(directory: Path, absolute: Path, source: Path | None) -> None:
    manifest = read_manifest(absolute)
    if manifest is None or "negsim_version" not in manifest:
        raise ForeignFolder(
            f"{directory} was not written by negsim (it has no negsim manifest.json); "
            "--force replaces only negsim result folders"
        )
    written = manifest.get("files")
    if isinstance(written, dict):
        present = {path.name for path in absolute.iterdir()}
        others = sorted(present - set(written) - ADDED_LATER - {"manifest.json"})
        if others:
            shown = ", ".join(others[:5]) + (", ..." if len(others) > 5 else "")
            raise ForeignFolder(
                f"{directory} holds files negsim did not write ({shown}); "
                "--force replaces only what negsim wrote"
            )
    if source is not None:
        theirs = _source_of(manifest)
        if theirs is not None and theirs != Path(source).resolve():
            raise ForeignFolder(
                f"{directory} holds the results of {theirs}, not of {source}; "
                "--force does not replace another scenario file's results"
            )


def _source_of(manifest: dict[str, Any]) -> Path | None:
    """The scenario file a result folder was written from, if its manifest says."""
    recorded = manifest.get("scenario_file")
    if not recorded:
        files = manifest.get("scenario_files")
        recorded = files[0] if isinstance(files, list) and files else None
    return Path(str(recorded)).resolve() if recorded else None


def recover(directory: Path) -> None:
    """Finish or undo a replacement of ``directory`` that a crash cut short (under its lock)."""
    absolute = Path(os.path.abspath(directory))
    old, staged = old_path(absolute), staging_path(absolute)
    if not old.exists():
        return
    if absolute.exists():
        shutil.rmtree(old)
        return
    manifest = read_manifest(staged) if staged.is_dir() else None
    if manifest is not None and manifest.get("completed") is True:
        os.replace(staged, absolute)
        sync_folder(absolute.parent)
        shutil.rmtree(old)
        log.warning("finished replacing %s, which an interrupted run had left half done", directory)
    else:
        os.replace(old, absolute)
        sync_folder(absolute.parent)
        log.warning("restored %s from %s, where an interrupted run had left it", directory, old)


def commit(staged: Path, directory: Path) -> None:
    """Move a complete staged folder to ``directory``, replacing what is there.

    The staged folder's manifest must already be marked complete: it is what ``recover`` goes by.
    """
    absolute = Path(os.path.abspath(directory))
    if absolute.exists():
        old = old_path(absolute)
        os.replace(absolute, old)
        sync_folder(absolute.parent)
        os.replace(staged, absolute)
        sync_folder(absolute.parent)
        shutil.rmtree(old)
    else:
        os.replace(staged, absolute)
        sync_folder(absolute.parent)

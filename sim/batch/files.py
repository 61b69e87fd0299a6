"""Files that are whole once they have their name: written aside, flushed to disk, renamed.

A file is written under a temporary name in its folder, ``fsync``-ed, renamed into place, and the
folder is ``fsync``-ed, so that after a crash or a power cut a name points to complete contents
or to nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

HASH_BLOCK = 1 << 20


def temporary_for(path: Path) -> Path:
    """The name ``path`` is written under before it is renamed into place."""
    return path.with_name(f".{path.name}.tmp")


def sync_file(path: Path) -> None:
    """Flush a file's contents to disk."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def sync_folder(folder: Path) -> None:
    """Flush a folder's entries (new names, renames) to disk."""
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def settle(temporary: Path, path: Path) -> None:
    """Flush ``temporary`` to disk and rename it to ``path``, durably."""
    sync_file(temporary)
    os.replace(temporary, path)
    sync_folder(path.parent)


def write_text(path: Path, text: str) -> None:
    """Write a text file under a temporary name, flush it, then rename it into place."""
    temporary = temporary_for(path)
    try:
        temporary.write_text(text, encoding="utf-8")
        settle(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Write indented JSON under a temporary name, flush it, then rename it into place."""
    write_text(path, json.dumps(data, indent=2, default=str) + "\n")


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, read a block at a time."""
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while block := file.read(HASH_BLOCK):
            digest.update(block)
    return digest.hexdigest()

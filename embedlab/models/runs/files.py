"""Files that a crash, or a reader in another process, never sees half written.

``write_durably`` and ``copy_durably`` flush a new file to the disk (not only to the OS's cache);
``replace_durably`` swaps a file for a new one in one step, through a temporary file of its own
beside it; ``folder_lock`` makes processes that change one folder's files take turns; ``sync_path``
puts a folder's names on disk too. The runs layer's other modules (``writing``, ``pending``) build on these.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path

LOCK_FILE = ".lock"  # in a run folder: taken (flock) by a process changing the run's files


def write_durably(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` and flush it to the disk (not only to the OS's cache)."""
    with open(path, "w", encoding="utf-8", newline="") as file:
        file.write(text)
        file.flush()
        os.fsync(file.fileno())


def copy_durably(source: Path, target: Path) -> None:
    """Copy the file ``source`` to ``target`` and flush the copy to the disk."""
    shutil.copyfile(source, target)
    with open(target, "rb+") as file:
        os.fsync(file.fileno())


def replace_durably(path: Path, text: str) -> None:
    """Replace the file ``path`` by one holding ``text`` in one step: a reader sees the old file or the new one.

    ``text`` is written and synced under a temporary name of its own beside ``path`` (hidden, unique:
    two writers never share one), keeps ``path``'s permissions, and is renamed over ``path``.
    """
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
            file.write(text)
            file.flush()
            os.fchmod(file.fileno(), _mode_of(path))
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    sync_path(path.parent)


def _mode_of(path: Path) -> int:
    """``path``'s permission bits, or rw-r--r-- if it does not exist."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return 0o644


@contextmanager
def folder_lock(folder: Path):
    """Hold an exclusive lock on ``folder`` among processes (``flock`` on its hidden ``.lock`` file) while inside.

    Where ``fcntl`` is missing (Windows) this waits for nothing: ``replace_durably`` still keeps each file whole.
    """
    try:
        import fcntl
    except ImportError:
        yield
        return
    with open(folder / LOCK_FILE, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def sync_path(path: Path) -> None:
    """fsync a file, or a folder (so the names in it are on disk too)."""
    flags = os.O_RDONLY | (getattr(os, "O_DIRECTORY", 0) if path.is_dir() else 0)
    try:
        handle = os.open(path, flags)
    except OSError:
        return  # some systems (Windows) cannot open a folder; the rename is still atomic
    try:
        os.fsync(handle)
    except OSError:
        pass  # file systems that cannot sync a folder
    finally:
        os.close(handle)

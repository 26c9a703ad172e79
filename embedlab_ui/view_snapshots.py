"""Read-only snapshots of word vectors, for view links that do not share the workspace.

A map of a run's learned embedding (or of an uploaded vector set) cannot be drawn from a link
alone: the run stays in its owner's workspace. A read-only link names a snapshot instead: the
source's words and vectors (the most frequent ``SNAPSHOT_WORDS`` of them at most), stored once
under the snapshot's own content fingerprint (``WordVectors.fingerprint``, 32 hexadecimal digits)
beside the workspaces in the run storage, so every replica of the server reads it::

    <runs folder>/.views/<fingerprint>.npz     words, vectors and the source's name; no pickles

The name in the link is the content's hash, never a name a visitor chose; a visitor cannot write
under a name of their choosing, and a file whose content does not hash to its name is refused
when read. ``.views`` is not a valid workspace name (no dots), so no workspace lands on it. The
folder holds at most ``EMBEDLAB_VIEW_SNAPSHOTS_MB`` (default 500): past that a new snapshot is
refused with a message, and snapshots already linked keep working. No Streamlit here.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import numpy as np

import embedlab.models.runs.storage as run_storage
from embedlab.errors import EmbedLabError
from embedlab.models.runs.catalog import default_runs_dir
from embedlab.vectors.word_vectors import WordVectors
from embedlab.settings import megabytes_setting

FOLDER = ".views"
FINGERPRINT = re.compile(r"[0-9a-f]{32}")  # WordVectors.fingerprint: blake2b, 16 bytes
SNAPSHOT_WORDS = 100_000  # the most frequent words a snapshot keeps (a map draws at most this many)
SNAPSHOT_BYTES = 64_000_000  # one snapshot's numbers at most: fewer words for wide vectors
BUDGET_ENV, DEFAULT_BUDGET_MB = "EMBEDLAB_VIEW_SNAPSHOTS_MB", 500


class SnapshotError(EmbedLabError):
    """A snapshot cannot be made or read back; the message says which, and what to do."""


def snapshot_of(vectors: WordVectors) -> WordVectors:
    """What a read-only link keeps of ``vectors``: its most frequent words, as many as fit ``SNAPSHOT_BYTES``."""
    fit = max(1, SNAPSHOT_BYTES // (4 * max(vectors.dim, 1)))
    count = min(len(vectors), SNAPSHOT_WORDS, fit)
    if count == len(vectors):
        return WordVectors(list(vectors.words), np.asarray(vectors.vectors, dtype=np.float32), name=vectors.name)
    return WordVectors(list(vectors.words[:count]), np.asarray(vectors.vectors[:count], dtype=np.float32),
                       name=vectors.name)


def _path(fingerprint: str, root: Path | str | None) -> str:
    if not isinstance(fingerprint, str) or not FINGERPRINT.fullmatch(fingerprint):
        raise SnapshotError(f"{fingerprint!r:.60} is not a snapshot's name (32 hexadecimal digits); check the link")
    return f"{str(root or default_runs_dir()).rstrip('/')}/{FOLDER}/{fingerprint}.npz"


def save_snapshot(vectors: WordVectors, root: Path | str | None = None) -> str:
    """Store ``snapshot_of(vectors)`` once, under its fingerprint; the fingerprint, for the link.

    Raises:
        SnapshotError: the snapshots folder is full, or the storage refused the write.
    """
    snapshot = snapshot_of(vectors)
    fingerprint = snapshot.fingerprint
    path = _path(fingerprint, root)
    if _size(path) is not None:
        return fingerprint  # the same content is already there: content-addressed, written once
    buffer = io.BytesIO()
    np.savez(buffer, words=np.array(snapshot.words, dtype=str), vectors=snapshot.vectors,
             name=np.array(snapshot.name, dtype=str))
    data = buffer.getvalue()
    used, budget = _used(root), _budget()
    if used + len(data) > budget:
        raise SnapshotError(f"the server keeps {budget / 1e6:,.0f} MB of read-only view snapshots and "
                            f"{used / 1e6:,.0f} MB are used, so this one ({len(data) / 1e6:,.1f} MB) is not kept; "
                            "share a link with your workspace instead, or ask whoever runs the server to raise "
                            f"{BUDGET_ENV}")
    _write(path, data)
    return fingerprint


def load_snapshot(fingerprint: str, root: Path | str | None = None) -> WordVectors:
    """The snapshot stored under ``fingerprint``, checked: its content must hash to its name."""
    path = _path(fingerprint, root)
    size = _size(path)
    if size is None:
        raise SnapshotError("this link's shared map is not on this server (its snapshot was removed, or the link "
                            "comes from another server); ask whoever sent it for a new read-only link")
    if size > 2 * SNAPSHOT_BYTES:
        raise SnapshotError("this link's snapshot is larger than any this server writes; it was not read")
    try:
        with np.load(io.BytesIO(_read(path)), allow_pickle=False) as stored:
            words = [str(word) for word in stored["words"]]
            snapshot = WordVectors(words, np.asarray(stored["vectors"], dtype=np.float32), name=str(stored["name"]))
    except (OSError, KeyError, ValueError) as error:
        raise SnapshotError(f"this link's snapshot cannot be read ({type(error).__name__}); ask for a new link") \
            from None
    if snapshot.fingerprint != fingerprint:
        raise SnapshotError("this link's snapshot does not match its name (it was changed after it was written); "
                            "it was not used — ask for a new read-only link")
    return snapshot


def _budget() -> int:
    try:
        return megabytes_setting(BUDGET_ENV, DEFAULT_BUDGET_MB, "read-only links are not made")
    except EmbedLabError as error:
        raise SnapshotError(str(error)) from None


def _size(path: str) -> int | None:
    try:
        if not run_storage.is_remote(path):
            return Path(path).stat().st_size
        filesystem, remote = run_storage.remote_filesystem(path)
        return int(filesystem.info(remote)["size"])
    except FileNotFoundError:
        return None
    except Exception as error:  # OSError locally; botocore, aiohttp and fsspec each raise their own types
        raise _storage_error(error) from None


def _used(root: Path | str | None) -> int:
    folder = f"{str(root or default_runs_dir()).rstrip('/')}/{FOLDER}"
    try:
        if not run_storage.is_remote(folder):
            return sum(file.stat().st_size for file in Path(folder).glob("*.npz")) if Path(folder).is_dir() else 0
        filesystem, remote = run_storage.remote_filesystem(folder)
        return sum(int(info["size"]) for info in filesystem.find(remote, detail=True).values())
    except Exception as error:
        raise _storage_error(error) from None


def _read(path: str) -> bytes:
    try:
        if not run_storage.is_remote(path):
            return Path(path).read_bytes()
        filesystem, remote = run_storage.remote_filesystem(path)
        return filesystem.cat_file(remote)
    except Exception as error:
        raise _storage_error(error) from None


def _write(path: str, data: bytes) -> None:
    """Whole or not at all: a temporary file renamed over the name locally, one PUT on S3."""
    try:
        if not run_storage.is_remote(path):
            target = Path(path)
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            temporary.write_bytes(data)
            os.replace(temporary, target)
            return
        filesystem, remote = run_storage.remote_filesystem(path)
        filesystem.pipe(remote, data)
    except Exception as error:
        raise _storage_error(error) from None


def _storage_error(error: Exception) -> SnapshotError:
    return SnapshotError(f"the run storage did not answer as expected ({type(error).__name__}) while keeping a "
                         "read-only view; try again, or share a link with your workspace")

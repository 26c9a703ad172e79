"""Kept study files in a workspace's run storage: listed with a version each, read, written, removed.

A local folder, or an ``s3://`` prefix through the runs' storage layer (``runs.storage``). A
file's version is what changes whenever its content does: a local file's inode, size and times
(one ``os.stat``), an object's ETag and size (from the listing itself, or one HEAD). ``ParsedFiles``
keeps what a reader made of a file under its full path and that version, so a listing of files
that did not change reads none of them again (``embedlab.models.study.keeping``). Nothing here
knows what a study is.

    versions = listed_versions(folder)       # {"<id>.json": version or None}, sorted by name
    text = read(folder, name)
    parsed.remember(full_path(folder, name), version_read(folder, versions[name], text), made)
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
import time
from collections import OrderedDict
from pathlib import Path

from embedlab.errors import EmbedLabError
from embedlab.models.runs.files import replace_durably
from embedlab.models.runs.storage import is_remote, remote_filesystem

STUDIES_FOLDER = ".studies"
RECENT_SECONDS = 2.0  # a local file written this recently has no version yet: see _local_version
_MD5 = re.compile(r"[0-9a-f]{32}")


class ParsedFiles:
    """What was made of each file, by full path, kept while the file stays at the version it was made from.

    Bounded (least recently used goes first) and safe to share between threads: Streamlit runs each
    session in a thread of its own. What it holds is shared by every caller, so it must be read-only.
    """

    def __init__(self, size: int) -> None:
        self.size, self._made, self._lock = size, OrderedDict(), threading.Lock()

    def get(self, path: str, version: tuple | None):
        """What was made of ``path`` at ``version``, or None (never made, another version, or no version)."""
        if version is None:
            return None
        with self._lock:
            entry = self._made.get(path)
            if entry is None or entry[0] != version:
                return None
            self._made.move_to_end(path)
            return entry[1]

    def remember(self, path: str, version: tuple | None, made) -> None:
        """Keep ``made`` for ``path`` at ``version`` (a file without a version is not kept)."""
        if version is None:
            return
        with self._lock:
            self._made[path] = (version, made)  # one version per path: an older one is never asked for again
            self._made.move_to_end(path)
            while len(self._made) > self.size:
                self._made.popitem(last=False)


def full_path(folder, name: str) -> str:
    """The file ``name``'s full address: what tells the same name in two workspaces apart."""
    if is_remote(folder):
        return f"{str(folder).rstrip('/')}/{STUDIES_FOLDER}/{name}"
    return str(Path(folder).absolute() / STUDIES_FOLDER / name)  # absolute: a relative one moves with the cwd


def listed_versions(folder) -> dict[str, tuple | None]:
    """Each kept study file's name, sorted, with its version (None: read it every time)."""
    if is_remote(folder):
        filesystem, root = remote_filesystem(str(folder))
        try:
            filesystem.invalidate_cache()  # else s3fs answers from its own last listing and new files go unseen
            found = filesystem.glob(f"{root}/{STUDIES_FOLDER}/*.json", detail=True)
        except FileNotFoundError:
            return {}
        except Exception as error:  # noqa: BLE001 - botocore and aiohttp raise their own types
            # The error's type only: its text names the storage's address, which visitors are not shown.
            raise EmbedLabError(f"the kept studies could not be listed ({type(error).__name__}); check the run "
                                "storage") from None
        return {path.rsplit("/", 1)[-1]: _remote_version(info) for path, info in sorted(found.items())
                if info.get("type", "file") == "file"}
    try:
        entries = sorted(os.scandir(Path(folder) / STUDIES_FOLDER), key=lambda entry: entry.name)
    except (FileNotFoundError, NotADirectoryError):
        return {}
    versions = {}
    for entry in entries:
        try:
            if entry.name.endswith(".json") and entry.is_file():
                versions[entry.name] = _local_version(entry.stat())
        except FileNotFoundError:
            continue  # deleted meanwhile
    return versions


def version(folder, name: str) -> tuple | None:
    """The version of the one file ``name`` (a stat, or a HEAD); FileNotFoundError when there is none."""
    if not is_remote(folder):
        return _local_version(os.stat(Path(folder) / STUDIES_FOLDER / name))
    filesystem, root = remote_filesystem(str(folder))
    path = f"{root}/{STUDIES_FOLDER}/{name}"
    try:
        filesystem.invalidate_cache(path)  # a HEAD, not an answer from an earlier listing
        info = filesystem.info(path)
    except FileNotFoundError:
        raise
    except Exception as error:  # noqa: BLE001
        raise EmbedLabError(f"the kept study {name} could not be read from {folder} ({type(error).__name__}); "
                            "check the run storage") from None
    if info.get("type") != "file":
        raise FileNotFoundError(path)
    return _remote_version(info)


def _local_version(status: os.stat_result) -> tuple | None:
    # A rewrite within one tick of the file system's clock (milliseconds; seconds on some network
    # disks) can leave size and times as they were, so a file that new has no version and is read
    # every time, as git treats "racily clean" files. The change time cannot be set back by anyone,
    # so a version never comes back to a file after it changed.
    if time.time_ns() - status.st_mtime_ns < RECENT_SECONDS * 1e9:
        return None
    return status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns


def _remote_version(info: dict) -> tuple | None:
    etag = str(info.get("ETag") or "").strip('"')
    return (etag, info.get("size")) if etag else None  # an ETag changes with every upload of other content


def version_read(folder, listed: tuple | None, text: str) -> tuple | None:
    """The version to keep what was made of ``text`` under: the listed one, unless the file changed meanwhile.

    A local version is taken before the read, and any later write changes it. An object's can
    go stale between the listing and the GET; a single PUT's ETag is its content's MD5, so the
    text read is kept under its own (else a rewrite back to the listed content would find it).
    """
    if listed is None or not is_remote(folder) or not _MD5.fullmatch(listed[0]):
        return listed  # a non-MD5 ETag (encrypted, multipart) is new with every upload: it never comes back
    content = text.encode("utf-8")
    return hashlib.md5(content).hexdigest(), len(content)  # noqa: S324 - S3's checksum, not a secret


def read(folder, name: str) -> str:
    """The text of the kept study file ``name``; FileNotFoundError when it is gone."""
    if is_remote(folder):
        filesystem, root = remote_filesystem(str(folder))
        try:
            return filesystem.cat_file(f"{root}/{STUDIES_FOLDER}/{name}").decode("utf-8", "replace")
        except FileNotFoundError:
            raise
        except Exception as error:  # noqa: BLE001
            raise EmbedLabError(f"the kept study {name} could not be read from {folder} ({type(error).__name__}: "
                                f"{error}); check the run storage") from None
    return (Path(folder) / STUDIES_FOLDER / name).read_text(encoding="utf-8", errors="replace")


def write(folder, name: str, text: str) -> None:
    """Write the kept study file ``name`` in one step (a reader sees the old file or the new one)."""
    if is_remote(folder):
        filesystem, root = remote_filesystem(str(folder))
        try:
            filesystem.pipe(f"{root}/{STUDIES_FOLDER}/{name}", text.encode("utf-8"))
        except Exception as error:  # noqa: BLE001
            raise EmbedLabError(f"the study could not be kept in {folder} ({type(error).__name__}: {error}); "
                                "check the run storage") from None
        return
    local = Path(folder) / STUDIES_FOLDER
    try:
        local.mkdir(parents=True, exist_ok=True)
        replace_durably(local / name, text)
    except OSError as error:
        raise EmbedLabError(f"the study could not be kept in {local} ({error.strerror or error}); free some space "
                            "or make the runs folder writable") from None


def remove(folder, name: str) -> None:
    """Remove the kept study file ``name``; one not there is no error."""
    if is_remote(folder):
        filesystem, root = remote_filesystem(str(folder))
        try:
            filesystem.rm(f"{root}/{STUDIES_FOLDER}/{name}")
        except FileNotFoundError:
            pass
        return
    (Path(folder) / STUDIES_FOLDER / name).unlink(missing_ok=True)

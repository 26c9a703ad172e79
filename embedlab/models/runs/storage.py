"""Runs in object storage: an ``s3://bucket/prefix`` runs folder (S3 or MinIO), through fsspec.

Object stores have no atomic rename, so a run becomes visible by a manifest written
last: ``<root>/<run id>/manifest.json`` lists every file of the run with its size and
SHA-256. A listing only shows folders that have a manifest, and a reader only trusts
files whose size and hash match it, so a save cut short is never listed and a half
uploaded file is never loaded.

A rename replaces config.json, and must not break the run for readers if it is cut
short, so the config is never overwritten in place: each version is an object named by
its hash (``config-<sha256>.json``, recorded as the entry's ``object``), and a rename
uploads the new one, then the manifest that names it (``publish_file``). Until that
manifest lands, readers follow the old one to the old object; a reader whose manifest
was replaced while it fetched reads the new manifest and follows that.

Everything else in EmbedLab reads runs from local folders. A remote run is saved
locally first (with every check of ``run_writing``: fsync, load-back), then published;
reading a remote run fetches it once into a local folder named by the manifest's hash
(content, not a name a visitor chose), so the Runs tab, downloads, ``predict`` and
``evaluate`` work on it unchanged. Credentials come from the standard AWS variables
(``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``, ``AWS_ENDPOINT_URL`` for MinIO or a
local endpoint), as s3fs reads them.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
from pathlib import Path

from embedlab.cache import cache_dir
from embedlab.errors import EmbedLabError

MANIFEST = "manifest.json"
CHUNK = 1 << 20
VERSIONED = ("config.json",)  # files a rename replaces: each version is an object of its own, named by its hash
_VERSION_PREFIXES = tuple(name.rpartition(".")[0] + "-" for name in VERSIONED)
STALE_VERSION_SECONDS = 3600  # a version no manifest names is removed once this old (a reader may hold the last one)
FETCH_ATTEMPTS = 3  # manifests followed by one fetch while renames replace them


def is_remote(location) -> bool:
    """True for an fsspec URL such as ``s3://bucket/runs`` (not for a local path or ``file://``)."""
    text = str(location)
    return "://" in text and not text.startswith("file://")


def remote_filesystem(url: str):
    """``(filesystem, path without the scheme)`` for ``url``; EmbedLabError naming what is missing."""
    try:
        import fsspec

        filesystem, path = fsspec.core.url_to_fs(url)
    except ImportError as error:
        raise EmbedLabError(f"runs at {url} need {error.name}: pip install -r requirements.txt") from None
    except ValueError as error:
        raise EmbedLabError(f"cannot use {url} as a runs folder ({error}); write s3://bucket/prefix") from None
    _quiet(filesystem)
    return filesystem, path.rstrip("/")


class RunStorageError(EmbedLabError):
    """The run storage did not answer as expected; ``cause`` names the error's type (no address in it)."""

    def __init__(self, message: str, cause: str = "") -> None:
        super().__init__(message)
        self.cause = cause


def _storage_error(url: str, error: Exception) -> RunStorageError:
    return RunStorageError(
        f"the run storage at {url} did not answer as expected ({type(error).__name__}: {error}); check the bucket "
        "exists and the AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_ENDPOINT_URL variables", type(error).__name__)


_LOG = logging.getLogger(__name__)
# Loggers of the libraries under s3fs: with no logging configured, Python prints their records with tracebacks.
_LIBRARY_LOGGERS = ("s3fs", "aiobotocore", "aiohttp", "fsspec.asyn")
_quiet_loggers: list[str] = []


def _quiet(filesystem) -> None:
    """Keep the storage libraries' own tracebacks off stderr; the operation that failed raises one line.

    When an endpoint dies mid-upload, aiohttp leaves request tasks whose errors nobody awaits, and asyncio
    prints each with its traceback (dozens per upload). The loop fsspec runs them on passes them to
    ``_LOG.debug`` instead, and the libraries' loggers get a NullHandler: a program that configures logging
    still sees their records, one that does not is not shown them.
    """
    if not _quiet_loggers:
        for name in _LIBRARY_LOGGERS:
            logging.getLogger(name).addHandler(logging.NullHandler())
        _quiet_loggers.extend(_LIBRARY_LOGGERS)
    loop = getattr(filesystem, "loop", None)
    if loop is not None and loop.get_exception_handler() is None:
        loop.set_exception_handler(_log_quietly)


def _log_quietly(loop, context: dict) -> None:
    _LOG.debug("run storage: %s", context.get("message"), exc_info=context.get("exception"))


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def ensure_writable_remote(url: str) -> str:
    """Check before a training that a run can be published under ``url``: the bucket answers and takes a write."""
    filesystem, root = remote_filesystem(url)
    probe = f"{root}/.embedlab-write-test"
    try:
        filesystem.pipe(probe, b"ok")
        filesystem.rm(probe)
    except Exception as error:  # botocore, aiohttp and fsspec each raise their own types
        raise _storage_error(url, error) from None
    return url


def publish_run(local_folder: Path, url: str) -> str:
    """Upload a complete local run folder to ``url/<folder name>``, manifest last; return the run's URL."""
    filesystem, root = remote_filesystem(url)
    target = f"{root}/{local_folder.name}"
    files = sorted(path for path in local_folder.iterdir()
                   if path.is_file() and path.name != MANIFEST and not path.name.startswith("."))
    manifest = {"files": {path.name: _entry(path.name, path.stat().st_size, _file_digest(path)) for path in files}}
    try:
        for path in files:
            filesystem.put_file(str(path), f"{target}/{manifest['files'][path.name].get('object', path.name)}")
        filesystem.pipe(f"{target}/{MANIFEST}", json.dumps(manifest, indent=2).encode("utf-8"))
    except Exception as error:
        raise _storage_error(url, error) from None
    return f"{url.rstrip('/')}/{local_folder.name}"


def _entry(name: str, size: int, digest: str) -> dict:
    """A manifest's line for a file: size, SHA-256 and, for a file a rename replaces, the object that holds it."""
    entry = {"size": size, "sha256": digest}
    if name in VERSIONED:
        stem, dot, extension = name.rpartition(".")
        entry["object"] = f"{stem}-{digest[:16]}{dot}{extension}"
    return entry


def publish_file(run_url: str, name: str, content: bytes) -> None:
    """Replace one file of the published run at ``run_url`` (config.json, on a rename) in one step for readers.

    The new content is uploaded under a name of its own (``config-<sha256>.json``), then the manifest that
    names it: cut short in between, the run reads as before (its manifest still names the old object, which
    stays). Versions no manifest names are removed once ``STALE_VERSION_SECONDS`` old (a reader may still
    hold the manifest before).
    """
    filesystem, path = remote_filesystem(run_url)
    try:
        manifest = json.loads(_manifest_bytes(filesystem, path, run_url))
        entry = _entry(name, len(content), hashlib.sha256(content).hexdigest())
        filesystem.pipe(f"{path}/{entry.get('object', name)}", content)
        manifest["files"][name] = entry
        filesystem.pipe(f"{path}/{MANIFEST}", json.dumps(manifest, indent=2).encode("utf-8"))
    except EmbedLabError:
        raise
    except (ValueError, KeyError, TypeError):
        raise EmbedLabError(f"the {MANIFEST} of {run_url} is damaged; delete the run and train it again") from None
    except Exception as error:
        raise _storage_error(run_url, error) from None
    _remove_old_versions(filesystem, path, {entry.get("object", name) for entry in manifest["files"].values()})


def _remove_old_versions(filesystem, path: str, named: set[str]) -> None:
    """Remove the replaced versions of files (``config-*.json``) that no manifest names and that are old."""
    now = time.time()
    try:
        for info in filesystem.ls(path, detail=True):
            name = info["name"].rstrip("/").rsplit("/", 1)[-1]
            modified = info.get("LastModified")
            if (name in named or not any(name.startswith(stem) for stem in _VERSION_PREFIXES)
                    or modified is None or now - modified.timestamp() < STALE_VERSION_SECONDS):
                continue
            filesystem.rm(f"{path}/{name}")
    except Exception:  # noqa: BLE001 - tidying only: a version left behind costs a few hundred bytes
        pass


def list_remote_runs(url: str) -> list[str]:
    """URLs of the complete runs under ``url`` (those with a manifest), newest id first."""
    filesystem, root = remote_filesystem(url)
    try:
        filesystem.invalidate_cache()
        manifests = filesystem.glob(f"{root}/*/{MANIFEST}")
    except FileNotFoundError:
        return []
    except Exception as error:
        raise _storage_error(url, error) from None
    names = sorted((manifest.rsplit("/", 2)[-2] for manifest in manifests), reverse=True)
    return [f"{url.rstrip('/')}/{name}" for name in names]


def _manifest_bytes(filesystem, path: str, run_url: str) -> bytes:
    try:
        return filesystem.cat_file(f"{path}/{MANIFEST}")
    except FileNotFoundError:
        raise EmbedLabError(f"{run_url} is not a complete run (it has no {MANIFEST}); save it again") from None
    except Exception as error:
        raise _storage_error(run_url, error) from None


class _Replaced(Exception):
    """A file the manifest names is gone or different: a writer may have published a new manifest meanwhile."""


def fetch_run(run_url: str) -> Path:
    """A local, checked copy of the remote run at ``run_url``, fetched once per manifest content.

    Every file is fetched from the object the manifest names and checked against its size and hash. When
    one is missing or different, the manifest is read again: if a writer replaced it meanwhile (a rename),
    the new one is followed; if not, the run is damaged.
    """
    filesystem, path = remote_filesystem(run_url)
    manifest_bytes = _manifest_bytes(filesystem, path, run_url)
    for attempt in range(FETCH_ATTEMPTS):
        try:
            files = json.loads(manifest_bytes)["files"]
            objects = {name: expected.get("object", name) for name, expected in files.items()}
        except (ValueError, KeyError, TypeError, AttributeError):
            raise EmbedLabError(f"the {MANIFEST} of {run_url} is damaged; delete the run and train it again") from None
        for name in (*files, *objects.values()):
            if "/" in name or "\\" in name or name.startswith("."):
                raise EmbedLabError(f"the {MANIFEST} of {run_url} names a file outside the run ({name!r}); "
                                    "delete the run")
        key = hashlib.sha256(run_url.encode("utf-8") + b"\0" + manifest_bytes).hexdigest()[:32]
        local = cache_dir("remote-runs") / key / path.rsplit("/", 1)[-1]
        if local.is_dir():
            return local
        try:
            _download(filesystem, path, run_url, files, objects, local)
            return local
        except _Replaced as replaced:
            newer = _manifest_bytes(filesystem, path, run_url)
            if newer == manifest_bytes or attempt == FETCH_ATTEMPTS - 1:
                raise EmbedLabError(f"{run_url}/{replaced} does not match its manifest (changed or cut short); "
                                    "delete the run and train it again") from None
            manifest_bytes = newer
    raise AssertionError("unreachable")


def _download(filesystem, path: str, run_url: str, files: dict, objects: dict, local: Path) -> None:
    staging = local.parent / (local.name + f".partial-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        for name, expected in files.items():
            try:
                filesystem.get_file(f"{path}/{objects[name]}", str(staging / name))
            except FileNotFoundError:
                raise _Replaced(name) from None
            if ((staging / name).stat().st_size != expected["size"]
                    or _file_digest(staging / name) != expected["sha256"]):
                raise _Replaced(name)
        staging.rename(local)
    except (EmbedLabError, _Replaced):
        shutil.rmtree(staging, ignore_errors=True)
        raise
    except Exception as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise _storage_error(run_url, error) from None


def delete_remote_run(run_url: str) -> None:
    """Remove the manifest first (the run stops being listed), then the files."""
    filesystem, path = remote_filesystem(run_url)
    try:
        filesystem.rm(f"{path}/{MANIFEST}")
        filesystem.rm(path, recursive=True)
    except FileNotFoundError:
        pass
    except Exception as error:
        raise _storage_error(run_url, error) from None

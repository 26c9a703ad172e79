"""A workspace's uploaded datasets, kept beside its runs so its address brings them back.

Layout, in the workspace's folder of the run storage (a local folder or ``s3://…``, as ``workspace_dir`` gives)::

    <workspace>/.datasets/<fingerprint>.json   one dataset: texts, labels, class names, its display name
                          index.json           the kept datasets (name, rows, size) and the one in use

A dataset is stored under its content fingerprint (``LabelledDataset.fingerprint``), never under the
name of the file it came from: that name is only a label inside. The folder is hidden, so neither
listing of runs sees it (local listings skip hidden folders; remote ones look for ``*/manifest.json``).

Each file is written whole or not at all: locally through a temporary file renamed over it
(``replace_durably``), on S3 by one PUT (an object appears complete or not). The dataset is written
before the index that names it, so a write cut short leaves an unlisted file, never a listed gap.
Reading back checks everything: a missing or damaged file, or one whose content does not hash to its
name, is a KeptDatasetError saying so. Local index changes take turns (``folder_lock``); on S3 two tabs of
one workspace saving at the same instant may lose one index entry (its file stays, unlisted).
"""

from __future__ import annotations

import json
import re
import time
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

import embedlab.models.runs.files as run_files
import embedlab.models.runs.storage as run_storage
from embedlab.data.builtins import BUILTIN_DATASETS
from embedlab.data.labelled import LabelledDataset
from embedlab.errors import EmbedLabError
from embedlab.settings import whole_number_setting, megabytes_setting

FOLDER = ".datasets"
INDEX = "index.json"
FORMAT = "embedlab-kept-dataset-1"
COUNT_ENV, MEGABYTES_ENV = "EMBEDLAB_KEPT_DATASETS", "EMBEDLAB_KEPT_DATASETS_MB"
DEFAULT_COUNT, DEFAULT_MEGABYTES = 10, 100
_FINGERPRINT = re.compile(r"[0-9a-f]{20}")  # LabelledDataset.fingerprint: 20 hex digits, safe as a file name
BUILTIN_PREFIX = "builtin:"  # an index's "current" naming a built-in dataset rather than a kept upload


class KeptDatasetError(EmbedLabError):
    """A kept dataset cannot be kept, found or read back; the message says which, and what to do."""


class KeptStorageError(KeptDatasetError):
    """The run storage did not answer as expected; ``cause`` names the error's type (no address or path in it)."""

    def __init__(self, message: str, cause: str = "") -> None:
        super().__init__(message)
        self.cause = cause


class KeptLimitError(KeptDatasetError):
    """Keeping one more dataset would pass the workspace's limits; the message says them and how to make room."""


@dataclass(frozen=True)
class KeptDataset:
    """One line of a workspace's index: a kept dataset, by content, with the name it was uploaded under."""

    fingerprint: str
    name: str  # the uploaded file's name: a display label only, shown as text
    rows: int
    classes: int
    size: int  # bytes in storage
    saved: float  # seconds since the epoch


@dataclass
class KeptIndex:
    """What a workspace keeps: its datasets (newest first) and its current choice.

    ``current`` is a kept dataset's fingerprint, ``"builtin:<key>"`` for a built-in, or None (the default).
    ``problem`` says why the stored index could not be read (it then reads as empty).
    """

    datasets: list[KeptDataset] = field(default_factory=list)
    current: str | None = None
    problem: str | None = None

    def find(self, fingerprint: str) -> KeptDataset | None:
        return next((kept for kept in self.datasets if kept.fingerprint == fingerprint), None)


def limits() -> tuple[int, int]:
    """``(datasets, bytes)`` one workspace may keep: ``EMBEDLAB_KEPT_DATASETS`` and ``EMBEDLAB_KEPT_DATASETS_MB``."""
    try:
        return (whole_number_setting(COUNT_ENV, DEFAULT_COUNT, "the uploaded datasets one workspace keeps", low=0),
                megabytes_setting(MEGABYTES_ENV, DEFAULT_MEGABYTES, "uploads are not kept"))
    except EmbedLabError as error:
        raise KeptDatasetError(str(error)) from None


def _folder(location: Path | str) -> str:
    return f"{str(location).rstrip('/')}/{FOLDER}"


def _checked(fingerprint: str) -> str:
    if not isinstance(fingerprint, str) or not _FINGERPRINT.fullmatch(fingerprint):
        raise KeptDatasetError(f"{fingerprint!r} is not a dataset fingerprint (20 hexadecimal digits)")
    return fingerprint


def _read(location: Path | str, name: str) -> bytes | None:
    """The bytes of ``name`` in the workspace's datasets folder, or None if it is not there."""
    path = f"{_folder(location)}/{name}"
    if not run_storage.is_remote(location):
        try:
            return Path(path).read_bytes()
        except FileNotFoundError:
            return None
        except OSError as error:
            raise KeptStorageError(f"{path} cannot be read ({error.strerror or error}); check the runs folder's "
                                   "permissions", type(error).__name__) from None
    filesystem, remote = run_storage.remote_filesystem(path)
    try:
        return filesystem.cat_file(remote)
    except FileNotFoundError:
        return None
    except Exception as error:  # botocore, aiohttp and fsspec each raise their own types
        raise _storage_error(location, error) from None


def _exists(location: Path | str, name: str) -> bool:
    path = f"{_folder(location)}/{name}"
    if not run_storage.is_remote(location):
        return Path(path).is_file()
    filesystem, remote = run_storage.remote_filesystem(path)
    try:
        filesystem.invalidate_cache()
        return filesystem.exists(remote)
    except Exception as error:
        raise _storage_error(location, error) from None


def _write(location: Path | str, name: str, text: str) -> None:
    """Write ``name`` whole or not at all (a rename locally, one PUT on S3)."""
    path = f"{_folder(location)}/{name}"
    if not run_storage.is_remote(location):
        try:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            run_files.replace_durably(Path(path), text)
        except OSError as error:
            raise KeptStorageError(f"{path} cannot be written ({error.strerror or error}); check the runs "
                                   "folder's permissions and free space", type(error).__name__) from None
        return
    filesystem, remote = run_storage.remote_filesystem(path)
    try:
        filesystem.pipe(remote, text.encode("utf-8"))
    except Exception as error:
        raise _storage_error(location, error) from None


def _remove(location: Path | str, name: str) -> None:
    path = f"{_folder(location)}/{name}"
    if not run_storage.is_remote(location):
        try:
            Path(path).unlink(missing_ok=True)
        except OSError as error:
            raise KeptStorageError(f"{path} cannot be removed ({error.strerror or error})",
                                       type(error).__name__) from None
        return
    filesystem, remote = run_storage.remote_filesystem(path)
    try:
        filesystem.rm(remote)
    except FileNotFoundError:
        pass
    except Exception as error:
        raise _storage_error(location, error) from None


def _storage_error(location, error: Exception) -> KeptStorageError:
    return KeptStorageError(f"the run storage at {location} did not answer as expected ({type(error).__name__}); "
                            "check the bucket exists and the AWS_* variables", type(error).__name__)


def _index_lock(location: Path | str):
    """Local index changes take turns among processes; S3 has no lock to take."""
    if run_storage.is_remote(location):
        return nullcontext()
    folder = Path(_folder(location))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / run_files.LOCK_FILE).touch()
    except OSError as error:
        raise KeptStorageError(f"{folder} cannot be written ({error.strerror or error}); check the runs folder "
                               "(EMBEDLAB_RUNS_DIR) is a folder you can write to", type(error).__name__) from None
    return run_files.folder_lock(folder)


def read_index(location: Path | str) -> KeptIndex:
    """The index of the workspace at ``location``: empty if none was written, with ``problem`` if it is damaged."""
    data = _read(location, INDEX)
    if data is None:
        return KeptIndex()
    try:
        stored = json.loads(data)
        datasets = [KeptDataset(_checked(entry["fingerprint"]), str(entry["name"]), int(entry["rows"]),
                                int(entry["classes"]), int(entry["size"]), float(entry["saved"]))
                    for entry in stored["datasets"]]
        current = stored["current"]
        if current is not None and not (isinstance(current, str) and (
                current.removeprefix(BUILTIN_PREFIX) in BUILTIN_DATASETS or _FINGERPRINT.fullmatch(current))):
            raise ValueError(current)
    except (ValueError, KeyError, TypeError, EmbedLabError):
        return KeptIndex(problem="the list of datasets kept for this workspace is damaged, so it starts again "
                                 "empty; upload your file again to keep it")
    return KeptIndex(datasets, current)


def _write_index(location: Path | str, index: KeptIndex) -> None:
    stored = {"current": index.current, "datasets": [asdict(kept) for kept in index.datasets]}
    _write(location, INDEX, json.dumps(stored, indent=1))


def dataset_text(dataset: LabelledDataset) -> str:
    """``dataset`` as the JSON text kept in storage (ASCII: lone surrogates in odd files survive as escapes)."""
    return json.dumps({
        "format": FORMAT, "fingerprint": dataset.fingerprint, "name": dataset.name, "texts": list(dataset.texts),
        "labels": np.asarray(dataset.labels, dtype=np.int64).tolist(), "class_names": list(dataset.class_names),
        "dropped": dict(dataset.dropped), "notes": list(dataset.notes),
    })


def keep_dataset(location: Path | str, dataset: LabelledDataset) -> KeptDataset:
    """Keep ``dataset`` in the workspace at ``location`` and make it the workspace's current dataset.

    The same content kept again is not stored twice: its entry takes the newest name and moves first.
    KeptDatasetError, with nothing kept, when it would pass the workspace's limits (``limits()``):
    what the workspace keeps and how to make room.
    """
    most, most_bytes = limits()
    fingerprint = dataset.fingerprint
    text = dataset_text(dataset)
    with _index_lock(location):
        index = read_index(location)
        others = [kept for kept in index.datasets if kept.fingerprint != fingerprint]
        held = sum(kept.size for kept in others)
        if len(others) + 1 > most or held + len(text) > most_bytes:
            raise KeptLimitError(
                f"{dataset.name} ({len(text) / 1e6:.1f} MB as kept) is in use on this page but not kept with the "
                f"address: this workspace keeps {len(others)} datasets ({held / 1e6:.1f} MB) and may keep at most "
                f"{most} datasets and {most_bytes / 1e6:g} MB; delete one under Data → Your datasets, then pick "
                "this file again")
        if index.find(fingerprint) is None or not _exists(location, f"{fingerprint}.json"):
            _write(location, f"{fingerprint}.json", text)  # before the index names it
        kept = KeptDataset(fingerprint, dataset.name, len(dataset), dataset.num_classes, len(text), time.time())
        _write_index(location, KeptIndex([kept, *others], fingerprint))
    return kept


def set_current(location: Path | str, current: str | None) -> None:
    """Record the workspace's current dataset: a kept fingerprint, ``"builtin:<key>"``, or None (the default)."""
    if read_index(location).current == current:
        return  # nothing to write (and no folder made for a visitor who never kept anything)
    with _index_lock(location):
        index = read_index(location)
        index.current = current
        _write_index(location, index)


def delete_kept(location: Path | str, fingerprint: str) -> None:
    """Remove a kept dataset: first from the index (it stops being listed), then its file."""
    _checked(fingerprint)
    with _index_lock(location):
        index = read_index(location)
        index.datasets = [kept for kept in index.datasets if kept.fingerprint != fingerprint]
        if index.current == fingerprint:
            index.current = None
        _write_index(location, index)
        _remove(location, f"{fingerprint}.json")


def load_kept(location: Path | str, fingerprint: str) -> LabelledDataset:
    """The dataset kept under ``fingerprint`` in the workspace at ``location``, checked against its fingerprint.

    Example: ``load_kept(workspace_dir("my-workspace"), dataset.fingerprint)``.

    Raises:
        KeptDatasetError: it is not kept there, or its file is damaged (then delete it and upload it again).
    """
    data = _read(location, f"{_checked(fingerprint)}.json")
    if data is None:
        raise KeptDatasetError(f"the dataset {fingerprint} is not kept in this workspace (deleted, or never "
                               "kept); upload the file again")
    try:
        stored = json.loads(data)
        if stored.get("format") != FORMAT:
            raise ValueError("format")
        labels = np.asarray(stored["labels"], dtype=np.int64)
        dataset = LabelledDataset(
            [str(text) for text in stored["texts"]], labels, [str(name) for name in stored["class_names"]],
            name=str(stored["name"]), dropped={str(reason): int(count) for reason, count in stored["dropped"].items()},
            notes=[str(note) for note in stored["notes"]])
        if len(dataset.texts) != len(labels) or labels.ndim != 1 or not len(labels) or (
                labels.min() < 0 or labels.max() >= dataset.num_classes) or dataset.fingerprint != fingerprint:
            raise ValueError("content")
    except (ValueError, KeyError, TypeError, AttributeError, OverflowError):
        raise KeptDatasetError(f"the kept dataset {fingerprint} is damaged (its file does not read back as the "
                               "dataset that was kept); delete it under Data → Your datasets and upload the file "
                               "again") from None
    return dataset


def builtin_choice(key: str) -> str:
    """The index's ``current`` for the built-in dataset ``key``."""
    return BUILTIN_PREFIX + key

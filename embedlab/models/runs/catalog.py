"""Runs on disk: one folder per trained model, written so a crash never lists half a run.

Layout of a runs folder (default ``./runs``, or ``$EMBEDLAB_RUNS_DIR``)::

    runs/<workspace>/<run_id>/model.keras     the model; takes raw strings
                              config.json     what was trained on, and how
                              history.json    per-epoch loss/accuracy (train and validation)
                              metrics.json    test-split metrics
                              test_split.csv  the held-out texts and labels (optional)

A run is written into a hidden ``.<run_id>.partial`` folder (every file synced to disk),
loaded back and checked to predict as the trained model does, and only then renamed into
place: ``os.rename`` of a folder is atomic on one file system, and listing skips hidden
folders (see ``run_writing`` for what happens when a save fails, and ``runs.pending`` for a
run kept aside when its folder or storage did not take it). A run folder that cannot
be read is not dropped silently: ``scan_runs`` reports it as a ``DamagedRun`` saying what
is wrong and how to remove it. The workspace level keeps one visitor's runs apart from
another's on a shared server (see ``embedlab_ui``).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import time
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from embedlab.data.spreadsheet import restored, spreadsheet_csv
from embedlab.errors import EmbedLabError
from embedlab.jsonable import jsonable
import embedlab.models.runs.pending as run_pending
import embedlab.models.runs.storage as run_storage
import embedlab.models.runs.writing as run_writing
from embedlab.models.runs.damage import (
    DamagedRun, damaged_message, looks_like_a_run, missing_files, problem_of, read_json_object,
)
from embedlab.models.runs.metrics import RunMetrics
from embedlab.models.runs.writing import ensure_writable_runs_folder  # noqa: F401 - part of this module's API

MODEL_FILE = "model.keras"
FILES = ("config.json", "history.json", "metrics.json")
_WORKSPACE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def default_runs_dir() -> Path | str:
    """``$EMBEDLAB_RUNS_DIR`` if set (a local folder or an ``s3://bucket/prefix`` URL), else ``./runs``."""
    location = os.environ.get("EMBEDLAB_RUNS_DIR", "runs")
    return location.rstrip("/") if run_storage.is_remote(location) else Path(location).expanduser()


def workspace_dir(workspace: str, runs_dir: Path | str | None = None) -> Path | str:
    """The folder (or URL) of one workspace's runs; the name is checked so it cannot escape the runs folder."""
    if not _WORKSPACE_PATTERN.fullmatch(workspace or ""):
        raise EmbedLabError(
            f"workspace name '{workspace}' is not valid; use 1-64 letters, digits, '-' or '_'"
        )
    root = runs_dir or default_runs_dir()
    if run_storage.is_remote(root):
        return f"{str(root).rstrip('/')}/{workspace}"
    return Path(root) / workspace


@dataclass
class Run:
    """A finished run on disk. ``load_model()`` gives the Keras model (safe mode).

    ``metrics`` is metrics.json as read; ``metrics_`` the same as typed fields (``RunMetrics``),
    built once when the run is made. Read metrics through ``metrics_``.
    """

    path: Path
    config: dict
    history: dict = field(default_factory=dict)
    metrics: dict = field(default_factory=dict)
    location: str | None = None  # the s3:// URL of a run in object storage; ``path`` is then its local copy
    metrics_: RunMetrics = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.metrics_ = RunMetrics.from_dict(self.metrics)

    @property
    def run_id(self) -> str:
        return self.path.name

    @property
    def name(self) -> str:
        return self.config.get("name") or self.run_id

    @property
    def model_path(self) -> Path:
        return self.path / MODEL_FILE

    @property
    def fingerprint(self) -> str:
        """The sha256 of the saved model file: the run's identity in every cache (renaming changes nothing)."""
        return model_file_fingerprint(self.model_path)

    def load_model(self):
        """The saved Keras model, loaded with Keras' safe mode."""
        from embedlab.models.model_files import load_embedlab_model

        return load_embedlab_model(self.model_path)

    def test_split(self):
        """The held-out texts and labels as a DataFrame, or None if the run did not keep them."""
        path = self.path / "test_split.csv"
        if not path.exists():
            return None
        import pandas as pd

        # Read back as written: the quotes that kept formulas inert in spreadsheets come off.
        return restored(pd.read_csv(path, keep_default_na=False))


_FINGERPRINTS: dict[tuple, str] = {}  # (path, size, mtime_ns) -> sha256 of the file: read-only facts


def model_file_fingerprint(path: Path) -> str:
    """The sha256 of a model file, read once per (path, size, modification time)."""
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    if key not in _FINGERPRINTS:
        digest = hashlib.sha256()
        with open(path, "rb") as file:
            for block in iter(lambda: file.read(1 << 20), b""):
                digest.update(block)
        if len(_FINGERPRINTS) > 256:
            _FINGERPRINTS.clear()
        _FINGERPRINTS[key] = digest.hexdigest()[:20]
    return _FINGERPRINTS[key]


def new_run_id(name: str = "") -> str:
    """A sortable, unique folder name: time stamp, a slug of ``name``, a short random tail."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40]
    stamp = time.strftime("%Y%m%d-%H%M%S")
    return "-".join(part for part in (stamp, slug, uuid.uuid4().hex[:6]) if part)


def save_run(
    directory: Path | str,
    model,
    config: dict,
    history: dict,
    metrics: dict,
    test_split=None,
    run_id: str | None = None,
) -> Run:
    """Write a complete run into ``directory`` atomically, check that it loads back, and return it.

    The model is loaded back from the hidden folder and must predict a handful of the test
    texts as the model in memory does before the folder is renamed into view; otherwise
    the files are kept aside and EmbedLabError says where. A write that fails (disk full,
    permission) keeps the run aside, listed with a retry (``runs.pending``), and EmbedLabError says so.

    Args:
        directory: a workspace folder (``workspace_dir(...)``) or any runs folder.
        model: the trained Keras model.
        config: JSON-able description (model config, data, training parameters, labels).
        history: per-epoch metrics, e.g. ``{"loss": [...], "val_loss": [...]}``.
        metrics: test-split metrics.
        test_split: optional DataFrame of held-out rows (columns ``text``, ``label``).
        run_id: folder name; a new one is made if not given.
    """
    if run_storage.is_remote(directory):
        return _save_remote_run(str(directory), model, config, history, metrics, test_split, run_id)
    return _save_local_run(Path(directory), model, config, history, metrics, test_split, run_id, Path(directory))


def _save_local_run(directory: Path, model, config, history, metrics, test_split, run_id, keep_for) -> Run:
    """``save_run`` into a folder; a write that fails keeps the run aside as not saved for ``keep_for``."""
    run_id = run_id or new_run_id(config.get("name", ""))
    config = {**config, "run_id": run_id}
    config.setdefault("created", time.strftime("%Y-%m-%dT%H:%M:%S"))

    def write_run(folder: Path) -> None:
        model.save(folder / MODEL_FILE)
        run_writing.add_class_names(folder / MODEL_FILE, config.get("class_names"))
        run_writing.sync_path(folder / MODEL_FILE)
        for filename, payload in zip(FILES, (config, history, metrics)):
            run_writing.write_durably(folder / filename, json.dumps(payload, indent=2, default=jsonable))
        if test_split is not None:
            run_writing.write_durably(folder / "test_split.csv", spreadsheet_csv(test_split))
        run_writing.sync_path(folder)

    final = directory / run_id
    partial = directory / f".{run_id}.partial"
    try:
        directory.mkdir(parents=True, exist_ok=True)
        run_writing.remove_stale_folders(directory)
        if final.exists():
            raise EmbedLabError(f"a run named '{run_id}' already exists in {directory}; pick another name")
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir()
        write_run(partial)
    except OSError as error:
        shutil.rmtree(partial, ignore_errors=True)
        raise run_pending.kept_unsaved(write_run, run_id, keep_for, error) from None
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    try:
        run_writing.check_loads_back(model, partial / MODEL_FILE, run_writing.probe_texts(test_split))
    except EmbedLabError as error:
        raise run_writing.keep_unloadable(partial, model, str(error)) from None
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    os.rename(partial, final)
    run_writing.sync_path(directory)
    return read_run(final)


def _save_remote_run(url, model, config, history, metrics, test_split, run_id) -> Run:
    """Save with every local check into a staging folder, then publish it to ``url`` (manifest last).

    A run the storage does not take is kept aside (``runs.pending``), listed as not uploaded with a retry.
    """
    import tempfile

    from embedlab.cache import cache_dir

    staging = Path(tempfile.mkdtemp(prefix="outbox-", dir=cache_dir("remote-runs")))
    try:
        local = _save_local_run(staging, model, config, history, metrics, test_split, run_id, url)
        try:
            run_url = run_storage.publish_run(local.path, url)
        except EmbedLabError as error:
            raise run_pending.kept_unsent(local.path, url, error) from None
    finally:
        if not list(staging.glob(".*.unloadable-*")):  # a run that failed its load-back: its message names it
            shutil.rmtree(staging, ignore_errors=True)
    return read_run(run_url)


def read_run(path: Path | str) -> Run:
    """Read one run folder; EmbedLabError if it is not a run, or a damaged one (what is wrong, how to remove it).

    An ``s3://`` run is fetched (once per content) into a local folder first; ``Run.location`` keeps its URL.
    """
    if run_storage.is_remote(path):
        run = read_run(run_storage.fetch_run(str(path)))
        return Run(run.path, run.config, run.history, run.metrics, location=str(path))
    path = Path(path)
    if not (path / MODEL_FILE).is_file() or not (path / "config.json").is_file():
        if path.is_dir() and looks_like_a_run(path):
            raise EmbedLabError(damaged_message(path, missing_files(path)))
        raise EmbedLabError(
            f"{path} is not an EmbedLab run (expected {MODEL_FILE} and config.json in it); "
            "pick a folder made by training"
        )
    payloads = []
    for filename in FILES:
        file = path / filename
        if not file.exists():
            payloads.append({})
            continue
        payload, problem = read_json_object(file)
        if problem:
            raise EmbedLabError(damaged_message(path, problem))
        payloads.append(payload)
    if not zipfile.is_zipfile(path / MODEL_FILE):
        raise EmbedLabError(damaged_message(path, f"{MODEL_FILE} is not a complete .keras file (cut short?)"))
    return Run(path, *payloads)


@dataclass(frozen=True)
class RunListing:
    """What a runs folder holds: the complete runs (newest first), the damaged ones, and the runs kept aside
    for it because a save could not put them there (``runs.pending``: each with a retry)."""

    runs: list[Run]
    damaged: list[DamagedRun]
    pending: list[run_pending.PendingRun] = field(default_factory=list)


def scan_runs(directory: Path | str) -> RunListing:
    """Every run folder in ``directory``: complete runs newest first, damaged ones with what is wrong, and the
    runs kept aside for it (not saved, not uploaded) with a retry.

    Hidden folders (a save in progress, a run kept aside) are skipped, and hidden ``.partial``
    folders an hour old are removed (a killed save left them). A folder with none of a run's
    files is not ours and is ignored.
    """
    pending = run_pending.pending_uploads(directory)
    if run_storage.is_remote(directory):
        return _scan_remote_runs(str(directory), pending)
    directory = Path(directory)
    if not directory.is_dir():
        return RunListing([], [], pending)
    run_writing.remove_stale_folders(directory)
    runs, damaged = [], []
    for child in sorted(directory.iterdir()):
        if child.name.startswith(".") or not child.is_dir():
            continue
        try:
            runs.append(read_run(child))
        except EmbedLabError as error:
            if looks_like_a_run(child):
                damaged.append(DamagedRun(child, problem_of(error)))
        except OSError as error:
            damaged.append(DamagedRun(child, f"it cannot be read ({error.strerror or error})"))
    runs.sort(key=lambda run: run.config.get("created", ""), reverse=True)
    return RunListing(runs, damaged, pending)


def _scan_remote_runs(url: str, pending: list) -> RunListing:
    runs, damaged = [], []
    for run_url in run_storage.list_remote_runs(url):
        try:
            runs.append(read_run(run_url))
        except EmbedLabError as error:
            damaged.append(DamagedRun(run_url, problem_of(error)))
    runs.sort(key=lambda run: run.config.get("created", ""), reverse=True)
    return RunListing(runs, damaged, pending)


def list_runs(directory: Path | str) -> list[Run]:
    """Complete runs in ``directory``, newest first; ``scan_runs`` also gives the damaged ones."""
    return scan_runs(directory).runs


def damaged_runs(directory: Path | str) -> list[DamagedRun]:
    """Run folders in ``directory`` that cannot be read, each with what is wrong and how to remove it."""
    return scan_runs(directory).damaged


def remove_damaged_run(damaged: DamagedRun) -> None:
    """Remove a damaged run's folder (hidden first, as ``delete_run`` does)."""
    if run_storage.is_remote(damaged.path):
        run_storage.delete_remote_run(str(damaged.path))
        return
    doomed = damaged.path.with_name(f".{damaged.run_id}.deleting")
    os.rename(damaged.path, doomed)
    shutil.rmtree(doomed, ignore_errors=True)


def delete_run(run: Run) -> None:
    """Remove a run's folder: renamed hidden first, so a crash mid-delete leaves nothing listed."""
    if run.location:
        run_storage.delete_remote_run(run.location)  # the manifest goes first: no longer listed
        shutil.rmtree(run.path, ignore_errors=True)
        return
    doomed = run.path.with_name(f".{run.run_id}.deleting")
    os.rename(run.path, doomed)
    shutil.rmtree(doomed, ignore_errors=True)


def rename_run(run: Run, name: str) -> Run:
    """Give a run a new display name (its folder keeps its id); config.json is replaced atomically.

    Renames of one run from several processes take turns (a lock in the run folder), each through a
    temporary file of its own, so none fails and no reader sees a half-written config.json.
    """
    name = " ".join(str(name).split())
    if not name:
        raise EmbedLabError("a run name cannot be empty; type a few words")
    if len(name) > 120:
        raise EmbedLabError(f"a run name of {len(name)} characters is too long; keep it under 120")
    config = {**run.config, "name": name}
    if run.location:  # the new config under a name of its own, then the manifest naming it
        run_storage.publish_file(run.location, "config.json",
                                 json.dumps(config, indent=2, default=jsonable).encode("utf-8"))
        return read_run(run.location)
    with run_writing.folder_lock(run.path):  # one rename at a time; each from the file as it is now
        current, problem = read_json_object(run.path / "config.json")
        config = {**(run.config if problem else current), "name": name}
        run_writing.replace_durably(run.path / "config.json", json.dumps(config, indent=2, default=jsonable))
    return read_run(run.path)


def zip_run(run: Run) -> bytes:
    """The run's folder as zip bytes, for download."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(run.path.rglob("*")):
            if file.is_file() and not file.name.startswith("."):  # not the lock file, nor a rename's temporary
                archive.write(file, f"{run.run_id}/{file.relative_to(run.path)}")
    return buffer.getvalue()


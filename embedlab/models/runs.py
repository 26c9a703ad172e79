"""Runs on disk: one folder per trained model, written so a crash never lists half a run.

Layout of a runs folder (default ``./runs``, or ``$EMBEDLAB_RUNS_DIR``)::

    runs/<workspace>/<run_id>/model.keras     the model; takes raw strings
                              config.json     what was trained on, and how
                              history.json    per-epoch loss/accuracy (train and validation)
                              metrics.json    test-split metrics
                              test_split.csv  the held-out texts and labels (optional)

A run is written into a hidden ``.<run_id>.partial`` folder and renamed into place
only when every file is complete: ``os.rename`` of a folder is atomic on one file
system, and listing skips hidden folders. The workspace level keeps one visitor's
runs apart from another's on a shared server (see ``embedlab_ui``).
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

from embedlab.errors import EmbedLabError

MODEL_FILE = "model.keras"
FILES = ("config.json", "history.json", "metrics.json")
_WORKSPACE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def default_runs_dir() -> Path:
    """``$EMBEDLAB_RUNS_DIR`` if set, else ``./runs``."""
    return Path(os.environ.get("EMBEDLAB_RUNS_DIR", "runs")).expanduser()


def workspace_dir(workspace: str, runs_dir: Path | str | None = None) -> Path:
    """The folder of one workspace's runs; the name is checked so it cannot escape the runs folder."""
    if not _WORKSPACE_PATTERN.match(workspace or ""):
        raise EmbedLabError(
            f"workspace name '{workspace}' is not valid; use 1-64 letters, digits, '-' or '_'"
        )
    return Path(runs_dir or default_runs_dir()) / workspace


@dataclass
class Run:
    """A finished run on disk. ``load_model()`` gives the Keras model (safe mode)."""

    path: Path
    config: dict
    history: dict = field(default_factory=dict)
    metrics: dict = field(default_factory=dict)

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

        return pd.read_csv(path, keep_default_na=False)


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
    """Write a complete run into ``directory`` atomically and return it.

    Args:
        directory: a workspace folder (``workspace_dir(...)``) or any runs folder.
        model: the trained Keras model.
        config: JSON-able description (model config, data, training parameters, labels).
        history: per-epoch metrics, e.g. ``{"loss": [...], "val_loss": [...]}``.
        metrics: test-split metrics.
        test_split: optional DataFrame of held-out rows (columns ``text``, ``label``).
        run_id: folder name; a new one is made if not given.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    run_id = run_id or new_run_id(config.get("name", ""))
    final = directory / run_id
    if final.exists():
        raise EmbedLabError(f"a run named '{run_id}' already exists in {directory}; pick another name")
    partial = directory / f".{run_id}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    try:
        config = {**config, "run_id": run_id}
        config.setdefault("created", time.strftime("%Y-%m-%dT%H:%M:%S"))
        model.save(partial / MODEL_FILE)
        for filename, payload in zip(FILES, (config, history, metrics)):
            (partial / filename).write_text(json.dumps(payload, indent=2, default=_jsonable))
        if test_split is not None:
            test_split.to_csv(partial / "test_split.csv", index=False)
        os.rename(partial, final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return read_run(final)


def read_run(path: Path | str) -> Run:
    """Read one run folder; EmbedLabError if it is not a complete run."""
    path = Path(path)
    if not (path / MODEL_FILE).is_file() or not (path / "config.json").is_file():
        raise EmbedLabError(
            f"{path} is not an EmbedLab run (expected {MODEL_FILE} and config.json in it); "
            "pick a folder made by training"
        )
    payloads = []
    for filename in FILES:
        file = path / filename
        payloads.append(json.loads(file.read_text()) if file.exists() else {})
    return Run(path, *payloads)


def list_runs(directory: Path | str) -> list[Run]:
    """Complete runs in ``directory``, newest first; hidden (partial) folders are skipped."""
    directory = Path(directory)
    if not directory.is_dir():
        return []
    runs = []
    for child in directory.iterdir():
        if child.name.startswith(".") or not child.is_dir():
            continue
        try:
            runs.append(read_run(child))
        except (EmbedLabError, json.JSONDecodeError, OSError):
            continue  # a folder someone else put here; not ours to list
    return sorted(runs, key=lambda run: run.config.get("created", ""), reverse=True)


def delete_run(run: Run) -> None:
    """Remove a run's folder: renamed hidden first, so a crash mid-delete leaves nothing listed."""
    doomed = run.path.with_name(f".{run.run_id}.deleting")
    os.rename(run.path, doomed)
    shutil.rmtree(doomed, ignore_errors=True)


def rename_run(run: Run, name: str) -> Run:
    """Give a run a new display name (its folder keeps its id); config.json is replaced atomically."""
    name = " ".join(str(name).split())
    if not name:
        raise EmbedLabError("a run name cannot be empty; type a few words")
    if len(name) > 120:
        raise EmbedLabError(f"a run name of {len(name)} characters is too long; keep it under 120")
    config = {**run.config, "name": name}
    temporary = run.path / ".config.json.tmp"
    temporary.write_text(json.dumps(config, indent=2, default=_jsonable))
    os.replace(temporary, run.path / "config.json")
    return read_run(run.path)


def zip_run(run: Run) -> bytes:
    """The run's folder as zip bytes, for download."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(run.path.rglob("*")):
            if file.is_file():
                archive.write(file, f"{run.run_id}/{file.relative_to(run.path)}")
    return buffer.getvalue()


def _jsonable(value):
    """json.dumps fallback for numpy scalars and arrays."""
    if hasattr(value, "tolist"):
        return value.tolist()
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")

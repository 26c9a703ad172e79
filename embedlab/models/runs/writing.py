"""Writing a run so that nothing trained is lost: durable files, a load-back check, a checked destination.

``embedlab.models.runs.catalog.save_run`` uses these steps:

* ``ensure_writable_runs_folder`` before training, so a bad ``--out`` fails in a second, not
  after the whole training;
* files written with ``fsync`` (and the folder too) before the atomic rename, so a power cut
  cannot leave a listed run with empty files (``runs.files``, named here too);
* ``check_loads_back``: the saved model is loaded as every reader will load it and must predict
  what the model in memory predicts, before the run is made visible;
* ``keep_unloadable``: when the check fails, the trained weights stay on disk and the error names
  where (a write that fails, say on a full disk, keeps the run aside instead: ``runs.pending``);
* ``replace_durably`` under ``folder_lock`` (``runs.files``): a file of a run (its config.json,
  on a rename) is replaced in one step through a temporary file of its own, one process at a
  time, so a reader sees the old file or the new one and two renames never share a temporary file;
* ``remove_stale_folders``: hidden ``.partial`` folders left by a killed save are removed once
  they are an hour old (a younger one may be a save in progress).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from embedlab.errors import EmbedLabError
from embedlab.models.runs.files import (  # noqa: F401 - part of this module's API (catalog, jobs.durable use them)
    LOCK_FILE, copy_durably, folder_lock, replace_durably, sync_path, write_durably,
)

# Free space a runs folder must have before a training starts: an EmbedLab model with a
# 20,000-word, 300-dimension embedding and Adam's two moment slots is about 75 MB.
MIN_FREE_BYTES = 200_000_000
STALE_SECONDS = 3600  # a hidden .partial folder this old is left by a killed save, not one in progress
LOAD_BACK_TOLERANCE = 1e-5
LOAD_BACK_TEXTS = 8
_PROBE_TEXTS = ["a good film", "a bad film", "the"]


def ensure_writable_runs_folder(folder: Path | str, needed_bytes: int = MIN_FREE_BYTES) -> Path:
    """Create ``folder`` if missing and make sure a run can be saved in it; return it.

    Refused with EmbedLabError, each with how to fix it: a path under a file, a folder that
    cannot be created or written, and a disk with less than ``needed_bytes`` free.

    Example::

        out = ensure_writable_runs_folder("runs/mine")   # before training, not after
    """
    folder = Path(folder).expanduser()
    for parent in [folder, *folder.parents]:
        if parent.exists() and not parent.is_dir():
            raise EmbedLabError(
                f"cannot save runs in {folder}: {parent} is a file, not a folder; "
                "choose a runs folder whose path has no file in it"
            )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise EmbedLabError(
            f"cannot create the runs folder {folder} ({error.strerror or error}); "
            "choose a folder you can write to, or create it with the right permissions"
        ) from None
    if not os.access(folder, os.W_OK | os.X_OK) or not _can_create_file(folder):
        raise EmbedLabError(
            f"the runs folder {folder} is read-only for this program; "
            "make it writable (chmod u+w) or choose another folder"
        )
    free = shutil.disk_usage(folder).free
    if free < needed_bytes:
        raise EmbedLabError(
            f"the disk of the runs folder {folder} has {free / 1e6:,.0f} MB free, and a run needs up to "
            f"{needed_bytes / 1e6:,.0f} MB; free some space (delete old runs) or choose a folder on another disk"
        )
    return folder


def _can_create_file(folder: Path) -> bool:
    try:
        handle, name = tempfile.mkstemp(prefix=".embedlab-write-test-", dir=folder)
    except OSError:
        return False
    os.close(handle)
    Path(name).unlink(missing_ok=True)
    return True


def add_class_names(model_path: Path, class_names) -> None:
    """Keep the class names inside the .keras file, so the file alone still names its classes."""
    import zipfile

    from embedlab.models.model_files import CLASS_NAMES_ENTRY

    if not class_names:
        return
    with zipfile.ZipFile(model_path, "a") as archive:
        archive.writestr(CLASS_NAMES_ENTRY, json.dumps({"class_names": [str(name) for name in class_names]}))


def probe_texts(test_split) -> list[str]:
    """A handful of the held-out texts (what the model will be asked), plus short fixed ones."""
    texts = []
    if test_split is not None and "text" in getattr(test_split, "columns", ()):
        texts = [str(text) for text in list(test_split["text"])[:LOAD_BACK_TEXTS]]
    return texts + _PROBE_TEXTS


def predictions_of(model, texts: list[str]) -> np.ndarray:
    """The model's outputs for ``texts`` (no data pipeline: a direct call)."""
    import tensorflow as tf

    return np.asarray(model(tf.constant(texts, dtype=tf.string), training=False))


def check_loads_back(model, model_path: Path, texts: list[str]) -> None:
    """Raise EmbedLabError unless ``model_path`` loads (safe mode) and predicts ``texts`` as ``model`` does."""
    from embedlab.models.model_files import load_embedlab_model

    expected = predictions_of(model, texts)
    try:
        reloaded = load_embedlab_model(model_path)
    except EmbedLabError as error:
        raise EmbedLabError(f"the saved model could not be loaded back: {error}") from None
    try:
        actual = predictions_of(reloaded, texts)
    except Exception as error:  # noqa: BLE001 - TensorFlow raises many types; all mean the same here
        first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise EmbedLabError(f"the saved model could not be loaded back: it fails on the test texts "
                            f"({first_line[:200]})") from None
    if actual.shape != expected.shape or not np.allclose(actual, expected, rtol=0, atol=LOAD_BACK_TOLERANCE,
                                                                 equal_nan=True):
        worst = float(np.nanmax(np.abs(actual - expected))) if actual.shape == expected.shape else float("inf")
        raise EmbedLabError(
            f"the saved model predicts differently from the trained one once loaded back "
            f"(largest difference {worst:.3g} on {len(texts)} texts)"
        )


def keep_unloadable(partial: Path, model, reason: str) -> EmbedLabError:
    """Move a run that failed its load-back check out of sight, keep its weights, and say where."""
    from embedlab.models.architecture import vectorizer_layer

    kept = partial.with_name(f"{partial.name.removesuffix('.partial')}.unloadable-{time.strftime('%Y%m%d-%H%M%S')}")
    try:
        model.save_weights(partial / "model.weights.h5")
    except Exception:  # noqa: BLE001 - the .keras file is still there; keep what can be kept
        pass
    try:
        vocabulary = list(vectorizer_layer(model).get_vocabulary())
        write_durably(partial / "vocabulary.json", json.dumps(vocabulary, ensure_ascii=False))
    except Exception:  # noqa: BLE001 - as above: keep what can be kept
        pass
    os.rename(partial, kept)
    return EmbedLabError(
        f"the run was trained but not listed: {reason}. Nothing was lost: the trained weights "
        f"(model.weights.h5), the vocabulary (vocabulary.json) and the run's files are kept in {kept}; "
        "report this with that folder, and delete it when done"
    )


def remove_stale_folders(directory: Path, older_than: float = STALE_SECONDS) -> list[Path]:
    """Remove hidden ``.partial`` and ``.deleting`` folders untouched for ``older_than`` seconds; return them."""
    removed = []
    try:
        children = list(directory.iterdir())
    except OSError:
        return removed
    now = time.time()
    for child in children:
        if not (child.name.startswith(".") and child.name.endswith((".partial", ".deleting"))):
            continue
        try:
            if not child.is_dir() or now - _last_change(child) < older_than:
                continue
        except OSError:
            continue  # removed meanwhile by another process
        shutil.rmtree(child, ignore_errors=True)
        removed.append(child)
    return removed


def _last_change(folder: Path) -> float:
    """The newest modification time of the folder and the files in it (a save writes into files)."""
    times = [folder.stat().st_mtime]
    for file in folder.rglob("*"):
        try:
            times.append(file.stat().st_mtime)
        except OSError:
            pass
    return max(times)

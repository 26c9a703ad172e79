"""The visitor's uploads kept with their address: the dataset in use comes back in a new tab, a reload, a restart.

An uploaded dataset the visitor uses is kept in their workspace's run storage, by content
(``embedlab.models.runs.kept_datasets``); the workspace's index also records which dataset is
current (a kept upload or a built-in). A new session on the same ``?workspace=`` address reads
the index once and brings that dataset back. What cannot come back (a damaged or missing file,
a full uploads budget) is said in a warning, and the visitor gets the built-in default.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

import embedlab.models.runs.kept_datasets as kept
from embedlab.data.builtins import BUILTIN_DATASETS, DEFAULT_DATASET
from embedlab.data.labelled import LabelledDataset
from embedlab.errors import EmbedLabError
from embedlab.models.runs.catalog import default_runs_dir
from embedlab_ui.session import literal, runs_folder
from embedlab_ui.uploads import hold

INDEX_KEY = "kept.index"  # st.session_state: this workspace's KeptIndex, read once per session, refreshed on changes
NOTICE_KEY = "kept.notice"  # st.session_state: why the workspace's last dataset did not come back
DELETED_KEY = "kept.deleted"  # st.session_state: the name of the kept dataset just deleted, said once
BUDGET_SLOT = "dataset"  # the uploads budget's slot of the current dataset (embedlab_ui.datasets.DATASET_KEY)
STORAGE_RECHECK_SECONDS = 30  # a storage that failed is asked again after this long, not by every new session
_STORAGE_FAILED: dict[tuple[str, str], tuple[float, str]] = {}  # (runs location, endpoint) → (when, problem)
_BUILTIN_KEYS = {title: key for key, title in BUILTIN_DATASETS.items()}  # a built-in dataset's name → its key


@dataclass(frozen=True)
class KeptUpload:
    """A kept dataset standing for the upload it came from (as ``set_current_dataset`` counts uploads)."""

    file_id: str
    size: int
    name: str


def kept_upload(entry: kept.KeptDataset) -> KeptUpload:
    return KeptUpload("kept:" + entry.fingerprint, entry.size, entry.name)


def kept_index(refresh: bool = False) -> kept.KeptIndex:
    """This workspace's kept datasets and current choice; a storage that does not answer reads as none, with why.

    A storage that failed is asked again only after ``STORAGE_RECHECK_SECONDS`` (a dead endpoint takes
    seconds to give up, and every new session asks), as ``embedlab_ui.runs`` does for the runs listing.
    """
    if refresh or INDEX_KEY not in st.session_state:
        where = (str(default_runs_dir()), os.environ.get("AWS_ENDPOINT_URL", ""))
        failed = _STORAGE_FAILED.get(where)
        if failed is not None and time.monotonic() - failed[0] < STORAGE_RECHECK_SECONDS:
            index = kept.KeptIndex(problem=failed[1])
        else:
            try:
                index = kept.read_index(runs_folder())
                _STORAGE_FAILED.pop(where, None)
            except EmbedLabError as error:
                index = kept.KeptIndex(problem=said(error))
                if isinstance(error, kept.KeptStorageError):
                    _STORAGE_FAILED[where] = (time.monotonic(), index.problem)
        st.session_state[INDEX_KEY] = index
    return st.session_state[INDEX_KEY]


def said(error: EmbedLabError) -> str:
    """What a visitor is told of ``error``: a storage failure in words and its type, never an address or a path."""
    if isinstance(error, kept.KeptStorageError):
        cause = f" ({error.cause})" if error.cause else ""
        return (f"the server's storage cannot be used now{cause}; try again in a minute, and if you run this "
                "server, check EMBEDLAB_RUNS_DIR")
    return str(error)


def load_kept(entry: kept.KeptDataset) -> LabelledDataset:
    """A kept dataset read back and checked, counted in the server's uploads budget as the current dataset."""
    dataset = kept.load_kept(runs_folder(), entry.fingerprint)
    upload = kept_upload(entry)
    hold(BUDGET_SLOT, upload.file_id, upload.size, upload.name)
    return dataset


def remembered_dataset(load_builtin: Callable[[str], LabelledDataset]) -> LabelledDataset | None:
    """The dataset this workspace used last (a kept upload or ``load_builtin(key)``), or None for the default.

    Called once per session. What cannot be brought back is shown in a warning (and kept for the
    Data page) and gives None: the visitor works on the built-in default, never on an error.
    """
    index = kept_index()
    if index.problem or index.current is None:
        if index.problem:
            _notice(f"The dataset you used last in this workspace could not be brought back, so this is the "
                    f"built-in one: {index.problem}")
        return None
    try:
        if index.current.startswith(kept.BUILTIN_PREFIX):
            return load_builtin(index.current.removeprefix(kept.BUILTIN_PREFIX))
        entry = index.find(index.current)
        if entry is None:
            raise kept.KeptDatasetError("it is not in the workspace's list of kept datasets")
        return load_kept(entry)
    except EmbedLabError as error:
        _notice(f"The dataset you used last in this workspace could not be brought back, so this is the built-in "
                f"one: {said(error)}")
        return None


def _notice(message: str) -> None:
    st.session_state[NOTICE_KEY] = message
    st.warning(literal(message), icon=":material/history:")


def remember(dataset: LabelledDataset, upload) -> None:
    """Keep ``dataset`` (uploaded as ``upload``; None for a built-in) as the workspace's current one.

    An upload is stored once per content; a built-in is recorded by its key. When the storage
    does not take it, a warning says the dataset is in use here but the address will not bring it back.
    """
    location = runs_folder()
    try:
        if upload is not None:
            kept.keep_dataset(location, dataset)
        else:
            key = _BUILTIN_KEYS.get(dataset.name)  # None (the default) for the default and for unknown sets
            kept.set_current(location, None if key in (None, DEFAULT_DATASET) else kept.builtin_choice(key))
    except kept.KeptLimitError as error:
        st.warning(literal(str(error)), icon=":material/inventory_2:")
    except EmbedLabError as error:
        st.warning(literal(f"{dataset.name} is in use on this page, but this page's address will not bring it "
                           f"back: {said(error)}"), icon=":material/cloud_off:")
    kept_index(refresh=True)


def forget(entry: kept.KeptDataset) -> None:
    """Delete a kept dataset from the workspace's storage (EmbedLabError when the storage does not answer).

    The next run of the Data page says it was deleted (``DELETED_KEY``).
    """
    try:
        kept.delete_kept(runs_folder(), entry.fingerprint)
        st.session_state[DELETED_KEY] = entry.name
    finally:
        kept_index(refresh=True)

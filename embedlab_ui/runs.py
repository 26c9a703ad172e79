"""This visitor's runs: choosing one on any page, and the models loaded for them.

A run's Keras model and its traced Predictor are loaded once per server for each model file's
content (``Run.fingerprint``, the file's sha256) and shared read-only (``st.cache_resource``):
a class that opens the same run, or thirty copies of one run, pays for one load and one trace,
not thirty. Sharing by content leaks nothing: only a visitor whose own workspace holds those
exact bytes can ask for that entry, and nothing shared carries a name a visitor chose (each
visitor gets a view of the shared Predictor named after their own run). What is built from a
visitor's own choices (their learned-vector view, word scores, an uploaded .keras file) stays in
their ``st.session_state``.
"""

from __future__ import annotations

import os
import time

import numpy as np
import streamlit as st

from embedlab.errors import EmbedLabError
from embedlab.models.runs.catalog import (
    DamagedRun, Run, RunListing, default_runs_dir, remove_damaged_run, scan_runs, zip_run,
)
from embedlab.models.runs.storage import is_remote, remote_filesystem
from embedlab_ui.numbers import percent
from embedlab_ui.session import literal, runs_folder, show_error

MODELS_KEY = "runs.models"  # st.session_state: {(kind, fingerprint, …): what this visitor built}, oldest first
MAX_MODELS = 4  # models kept per visitor (the chosen one plus three to compare); older ones are dropped
SHARED_MODELS = 16  # models (and their predictors) the server keeps loaded for all visitors, by content


STOPPED_MARK = "stopped early"


def stopped(run: Run) -> bool:
    """True for a run that the Stop button ended (its metrics say so): often near chance, never a default."""
    return bool(run.metrics_.stopped)


def forget_deleted_picks(key: str, runs: dict, offered) -> None:
    """Before the multiselect ``key`` is drawn: drop picked runs no longer listed, saying which, by name.

    ``runs`` is every run of the workspace (run id → Run), ``offered`` the ids the picker offers now.
    A run deleted in another tab leaves the picker with a note instead of vanishing unsaid; one that
    is only not offered (the page's own run, in Predict) leaves quietly.
    """
    names = st.session_state.setdefault(f"{key}.names", {})
    picked = st.session_state.get(key) or []
    gone = [run_id for run_id in picked if run_id not in runs]
    if gone:
        listed = ", ".join(f"“{literal(names.get(run_id, run_id))}”" for run_id in gone)
        st.warning(f"{listed} {'was' if len(gone) == 1 else 'were'} deleted (in another tab?), so no longer "
                   "compared here.", icon=":material/delete:")
    if key in st.session_state:
        offered = set(offered)
        st.session_state[key] = [run_id for run_id in picked if run_id in offered]
    names.update({run_id: run.name for run_id, run in runs.items()})


def run_label(run: Run) -> str:
    """One line that tells runs apart: name, embedding, encoder, test accuracy, and whether it was stopped."""
    model = run.config.get("model", {})
    accuracy = run.metrics_.accuracy
    score = f" · test acc {percent(accuracy)}" if isinstance(accuracy, (int, float)) else ""
    mark = f" · {STOPPED_MARK}" if stopped(run) else ""
    return f"{run.name} · {model.get('embedding', '?')} · {model.get('encoder', '?')}{score}{mark}"


def default_run_index(runs: list[Run]) -> int:
    """Where a picker over ``runs`` (newest first) starts: the newest run that finished normally."""
    return next((index for index, run in enumerate(runs) if not stopped(run)), 0)


def default_runs(runs: list[Run], count: int) -> list[Run]:
    """The first ``count`` runs a multi-picker starts with: newest first, runs that were stopped left out."""
    return [run for run in runs if not stopped(run)][:count]


STORAGE_RECHECK_SECONDS = 30  # a run storage that failed is asked again after this long, not on every rerun
_STORAGE_PROBLEMS: dict[tuple, tuple[float, str]] = {}  # (runs location, endpoint) → (when, message): per server
_BUCKETS_SEEN: dict[tuple, float] = {}  # (bucket URL, endpoint) → when it was last seen to exist
_ADMIN_FIX = {
    "unreachable": "check that the storage EMBEDLAB_RUNS_DIR names is up and that AWS_ENDPOINT_URL points at it",
    "credentials": "check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and that they may list and write the bucket)",
    "folder": "check that EMBEDLAB_RUNS_DIR is a folder this program can read and write",
    "other": "check EMBEDLAB_RUNS_DIR and the AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_ENDPOINT_URL variables",
}
RUNS_UNLISTED = "Runs cannot be listed now: see the message at the top of the page."


def workspace_runs() -> RunListing | None:
    """This visitor's runs; None after a message saying why they cannot be listed, and how that is fixed.

    A run storage that does not answer, refuses the server's credentials or has no such bucket
    is said as such on every page that lists runs, without the storage's address or a traceback.
    A storage that failed is asked again only after ``STORAGE_RECHECK_SECONDS`` (a dead endpoint
    takes seconds to give up), so the rest of the page stays quick meanwhile.
    """
    folder = runs_folder()
    where = (str(default_runs_dir()), os.environ.get("AWS_ENDPOINT_URL", ""))
    problem = _STORAGE_PROBLEMS.get(where)
    if problem is None or time.monotonic() - problem[0] > STORAGE_RECHECK_SECONDS:
        try:
            listing = scan_runs(folder)
            problem = None if listing.runs or listing.damaged else _missing_bucket(folder, where[1])
        except (EmbedLabError, OSError) as error:
            problem = _storage_message(error, is_remote(folder))
        if problem is None:
            _STORAGE_PROBLEMS.pop(where, None)
            return listing
        problem = _STORAGE_PROBLEMS[where] = (time.monotonic(), problem)
    st.error(problem[1], icon=":material/cloud_off:")
    return None


def storage_problem_said() -> bool:
    """Whether the run storage's problem is on this page already (``workspace_runs`` said it)."""
    return (str(default_runs_dir()), os.environ.get("AWS_ENDPOINT_URL", "")) in _STORAGE_PROBLEMS


def _missing_bucket(folder, endpoint: str) -> str | None:
    """The message for a remote runs folder whose bucket does not exist (it lists as empty), else None."""
    if not is_remote(folder):
        return None
    filesystem, path = remote_filesystem(str(folder))
    bucket = path.split("/", 1)[0]
    seen = _BUCKETS_SEEN.get((bucket, endpoint))
    if seen is not None and time.monotonic() - seen < STORAGE_RECHECK_SECONDS:
        return None
    try:
        exists = filesystem.exists(bucket)
    except Exception:  # noqa: BLE001 - botocore, aiohttp and fsspec each raise their own; the listing worked
        return None
    if exists:
        _BUCKETS_SEEN[(bucket, endpoint)] = time.monotonic()
        return None
    return (f"The run storage has no bucket named “{literal(bucket)}”, so no runs can be listed here and a "
            "training could not be saved. If you run this server, create the bucket or set EMBEDLAB_RUNS_DIR "
            "to one that exists; otherwise tell whoever runs it.")


def _storage_message(error: Exception, remote: bool) -> str:
    """What went wrong with the run storage, in words and the error's type, never its address or paths."""
    causes, cause = [], error
    while cause is not None and len(causes) < 5:
        causes.append(cause)
        cause = cause.__cause__ or cause.__context__
    names = {type(cause).__name__ for cause in causes}
    shown = next((type(cause).__name__ for cause in reversed(causes) if not isinstance(cause, EmbedLabError)), "")
    if not remote:
        kind, what = "folder", "the server's runs folder cannot be read"
    elif names & {"PermissionError", "NoCredentialsError", "PartialCredentialsError"}:
        kind, what = "credentials", "the server's run storage refused this server's credentials"
    elif names & {"EndpointConnectionError", "ConnectTimeoutError", "ReadTimeoutError", "ConnectionError",
                  "ClientConnectorError", "ServerTimeoutError", "TimeoutError", "ConnectionRefusedError", "gaierror",
                  "OSError"}:
        kind, what = "unreachable", "the server's run storage did not answer"
    else:
        kind, what = "other", "the server's run storage could not be used"
    return (f"Your runs cannot be listed: {what}{f' ({shown})' if shown else ''}. Until that is fixed, runs can "
            "be neither listed nor saved; the rest of this page works. Try again in a minute; if you run this "
            f"server, {_ADMIN_FIX[kind]}.")


def run_picker(label: str, key: str, help: str | None = None) -> Run | None:
    """A selectbox of this visitor's runs, newest first, starting on the newest that was not stopped.

    Damaged run folders are shown as a note under it (what is wrong, a button to remove them),
    never as a choice; None (with a hint) when there is no run to pick, or (with a message)
    when the runs cannot be listed.
    """
    listing = workspace_runs()
    if listing is None:
        return None
    show_damaged(listing.damaged, key)
    chosen = choose_run(label, listing.runs, key, help)
    if not listing.runs:
        st.info("No trained runs yet. Train one on the **Train** page, then come back.")
    return chosen


SHOWN_SUFFIX = ".shown"  # st.session_state[f"{picker key}.shown"]: (run id, name) the picker last showed


def choose_run(label: str, runs: list[Run], key: str, help: str | None = None) -> Run | None:
    """A selectbox over ``runs`` (newest first), starting on the newest that was not stopped; None if none.

    When the run this visitor last had here is gone (deleted in another tab), the page says so
    and the box starts empty, instead of quietly showing another run in its place.
    """
    by_id = {run.run_id: run for run in runs}
    shown = st.session_state.get(key + SHOWN_SUFFIX)
    gone = shown is not None and shown[0] not in by_id and st.session_state.get(key) not in by_id  # not re-picked
    if gone:
        st.warning(f"The run “{literal(shown[1])}” was deleted (in another tab?); pick another.",
                   icon=":material/delete_forever:")
    if not runs:
        return None
    # With a key the box's identity is the key: its stored choice, now not among the options, gives way to
    # ``index`` (None: empty), and once the visitor picks, the default index no longer matters.
    chosen = st.selectbox(label, list(by_id), index=None if gone else default_run_index(runs), key=key, help=help,
                          format_func=lambda run_id: run_label(by_id[run_id]), placeholder="Pick a run")
    if chosen is None:
        return None
    st.session_state[key + SHOWN_SUFFIX] = (chosen, by_id[chosen].name)
    return by_id[chosen]


def forget_run(run_id: str) -> None:
    """This visitor deleted ``run_id`` themselves: no picker is to report it as deleted elsewhere."""
    for key in [key for key in st.session_state if str(key).endswith(SHOWN_SUFFIX)]:
        if st.session_state[key][0] == run_id:
            del st.session_state[key]


def _still_there(run: Run) -> None:
    if not run.model_path.is_file():
        raise EmbedLabError(f"the run “{run.name}” was deleted (in another tab?); reload the page and pick another")


def run_zip(run: Run) -> bytes:
    """The run's folder as a zip, for a download button; refused (not an empty zip) once the run is deleted."""
    _still_there(run)
    data = zip_run(run)
    _still_there(run)  # deleted while it was zipped: the zip may be cut short
    return data


def run_model_bytes(run: Run) -> bytes:
    """The run's .keras file, for a download button; refused once the run is deleted."""
    _still_there(run)
    try:
        return run.model_path.read_bytes()
    except FileNotFoundError:
        _still_there(run)
        raise


def show_damaged(damaged: list[DamagedRun], key: str) -> None:
    """A note per damaged run folder: which one, what is wrong, and a button that removes it."""
    for item in damaged:
        note, button = st.columns([5, 1], vertical_alignment="center")
        note.warning(f"Run folder “{literal(item.run_id)}” is damaged and cannot be used: {literal(item.problem)}.",
                     icon=":material/broken_image:")
        if button.button("Remove it", key=f"{key}.remove_damaged.{item.run_id}"):
            try:
                remove_damaged_run(item)
            except OSError as error:
                show_error(EmbedLabError(f"could not remove {item.run_id} ({error.strerror or error}); "
                                         f"remove the folder {item.path} by hand"))
                return
            st.rerun()


def remembered(key: tuple, make):
    """``make()``'s result, kept for this visitor under ``key`` (kind, model fingerprint, …).

    Entries of at most ``MAX_MODELS`` models are kept: past that, everything of the model first
    seen longest ago is dropped (its learned vectors, word scores, an uploaded file's model).
    """
    cache = st.session_state.setdefault(MODELS_KEY, {})
    if key not in cache:
        cache[key] = make()
        fingerprints = list(dict.fromkeys(entry[1] for entry in cache))  # oldest first
        for stale in fingerprints[:-MAX_MODELS]:
            for entry in [entry for entry in cache if entry[1] == stale]:
                cache.pop(entry)
    return cache[key]


@st.cache_resource(max_entries=SHARED_MODELS, show_spinner=False)
def _shared_model(fingerprint: str, _run: Run):
    """The Keras model whose file has this content, loaded once per server (safe mode); never changed."""
    return _run.load_model()


@st.cache_resource(max_entries=SHARED_MODELS, show_spinner=False)
def _shared_predictor(fingerprint: str, class_names: tuple[str, ...] | None, _run: Run):
    """The traced Predictor of that model, once per server; visitors get ``named`` views of it."""
    from embedlab.models.prediction import Predictor

    return Predictor(_shared_model(fingerprint, _run), list(class_names) if class_names else None)


def run_model(run: Run):
    """The Keras model of ``run``: one load per server for each model file's content."""
    return _shared_model(run.fingerprint, run)


def run_predictor(run: Run):
    """A Predictor for ``run``, named after this visitor's run, on the server's one traced copy."""
    names = run.config.get("class_names")
    return _shared_predictor(run.fingerprint, tuple(names) if names else None, run).named(run.name)


def learned_vectors(run: Run):
    """The run's learned embedding as WordVectors, read from its one loaded model."""
    from embedlab.models.learned import learned_embedding

    return remembered(("learned", run.fingerprint),
                      lambda: learned_embedding(run_model(run), name=f"{run.name} (learned)"))


def run_word_scores(run: Run, words: list[str]) -> np.ndarray:
    """The run's model's probability of the positive class for each word read alone."""
    from embedlab.models.learned import word_scores

    from embedlab_ui.maps import words_key

    return remembered(("scores", run.fingerprint, words_key(words)), lambda: word_scores(run_predictor(run), words))


def run_scored_class(run: Run) -> str:
    """The class ``run_word_scores`` gives the probability of, as a reader sees it ("positive", "class 1")."""
    from embedlab.data.labelled import positive_class

    from embedlab_ui.numbers import class_label

    names = run.config.get("class_names") or run.metrics_.class_names or ["positive"]
    return class_label(positive_class([str(name) for name in names]))


def upload_class_names(data: bytes, model) -> str:
    """The class-names box's starting text for an uploaded .keras: the names kept in the file, else a guess."""
    from embedlab.models.model_files import stored_class_names

    width = int(model.output_shape[-1])
    names = stored_class_names(data)
    if names and len(names) == (2 if width == 1 else width):
        return ", ".join(names)
    return "negative, positive" if width == 1 else ", ".join(f"class {i}" for i in range(width))


def predictor_for_upload(file_digest: str, model, class_names: list[str], filename: str):
    """A Predictor for a .keras file this visitor uploaded, kept beside their runs' models."""
    from embedlab.models.prediction import Predictor

    remembered(("model", file_digest), lambda: model)
    return remembered(("predictor", file_digest, tuple(class_names)),
                      lambda: Predictor(model, class_names, name=filename))

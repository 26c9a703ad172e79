"""The Train page's Study tab: when do pre-trained embeddings pay, measured on this visitor's data.

A study is many small trainings (sizes × embeddings × seeds) that the core runs as
jobs (``embedlab.models.study.cells.run_study``), so on the process or Ray backend its
cells train in parallel. It runs in a background thread of this session; the tab
reads what has finished so far from a ``StudyWatch`` in ``st.session_state`` and
redraws every second while the study runs. Stop keeps the finished cells.

Every finished cell is also kept in the workspace's run storage (``embedlab.models.study.keeping``),
so the page's address brings a study back in a new tab or after a restart (``study_kept``), and a
study started again with the same data and settings resumes: only its missing cells are trained.
The form's defaults are the CLI's (``embedlab.models.study.cells``).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import streamlit as st

from embedlab.data.labelled import LabelledDataset
from embedlab.errors import EmbedLabError
from embedlab.models.architecture import EMBEDDING_KINDS, EMBEDDING_LABELS, ENCODER_LABELS, ENCODERS
from embedlab_ui import numbers
from embedlab_ui.session import literal, show_error

WATCH_KEY = "train.study"
SIZE_CHOICES = (100, 300, 1_000, 3_000, 10_000, 30_000)


@dataclass
class StudyWatch:
    """One study of this session: its thread, its stop switch and the latest partial result."""

    dataset_name: str
    planned_cells: int
    study_id: str = ""  # its kept file's id in the workspace
    stop_event: threading.Event = field(default_factory=threading.Event)
    result: object = None  # the latest StudyResult (partial while running)
    error: BaseException | None = None
    started: float = field(default_factory=time.monotonic)
    finished_at: float | None = None
    thread: threading.Thread | None = None
    keep_error: str | None = None  # why the study could not be kept (it still runs; only a reload loses it)

    @property
    def running(self) -> bool:
        return self.thread is not None and self.thread.is_alive()

    def update(self, result) -> None:
        self.result = result

    def kept_failed(self, error: BaseException) -> None:
        self.keep_error = str(error)


def start_study(dataset: LabelledDataset, sizes: list[int | None], embeddings: list[str], seeds: int,
                encoder: str, test_size: int, epochs: int) -> None:
    """Plan the study (EmbedLabError if the choices do not fit the data) and start it in the background."""
    from embedlab.models.study.cells import StudyPlan

    start_plan(dataset, StudyPlan(sizes=tuple(sizes), embeddings=tuple(embeddings), seeds=seeds, encoder=encoder,
                                  test_size=test_size, epochs=epochs))


def start_plan(dataset: LabelledDataset, plan) -> None:
    """Start ``plan`` on ``dataset`` in the background, kept in the workspace (resumed if it was kept unfinished)."""
    from embedlab.models.study.cells import plan_cells
    from embedlab.models.study.cells import run_study
    from embedlab.models.study.keeping import load_study, study_id
    from embedlab_ui.session import runs_folder
    from embedlab_ui.vectors import current_vectors

    cell_plan = plan_cells(dataset, plan)  # checks the plan against the data before anything starts
    vectors = current_vectors()  # the GloVe cells and the mean-vector baseline both read it
    folder = runs_folder()
    identifier = study_id(dataset.fingerprint, plan, getattr(vectors, "fingerprint", None))
    try:
        running = load_study(folder, identifier).running_now
    except EmbedLabError:
        running = False  # none kept (or a damaged file, which the new study replaces)
    if running:
        raise EmbedLabError("This study (same data and settings) is already running in another tab: pick it in the "
                            "list of kept studies below to watch it.")
    watch = StudyWatch(dataset_name=dataset.name, planned_cells=len(cell_plan.cells), study_id=identifier)

    def work() -> None:
        try:
            watch.result = run_study(dataset, plan, vectors, on_update=watch.update, keep_in=folder,
                                     stop_event=watch.stop_event, on_keep_error=watch.kept_failed)
        except Exception as error:  # shown in the tab; the server keeps running
            watch.error = error
        finally:
            watch.finished_at = time.monotonic()

    watch.thread = threading.Thread(target=work, name="embedlab-study", daemon=True)
    st.session_state[WATCH_KEY] = watch
    watch.thread.start()


def choose_and_start(dataset: LabelledDataset) -> None:
    """The study's choices and its Start button."""
    from embedlab.models.study.cells import (
        DEFAULT_ENCODER, DEFAULT_EPOCHS, DEFAULT_SEEDS, DEFAULT_SIZES, study_test_size,
    )

    rows = len(dataset)
    with st.form("study.form", border=True):
        left, middle, right = st.columns(3)
        sizes = left.multiselect("Training rows", SIZE_CHOICES, default=[size for size in DEFAULT_SIZES
                                                                           if size is not None and size < rows],
                                 format_func=numbers.count, key="study.sizes")
        use_all = left.toggle("Also all available rows", None in DEFAULT_SIZES, key="study.all")
        embeddings = middle.multiselect("Embeddings", EMBEDDING_KINDS, default=list(EMBEDDING_KINDS),
                                        format_func=EMBEDDING_LABELS.get, key="study.embeddings")
        encoder = middle.selectbox("Encoder", ENCODERS, index=ENCODERS.index(DEFAULT_ENCODER),
                                   format_func=ENCODER_LABELS.get, key="study.encoder",
                                   help="Average pooling trains in seconds; the recurrent encoders take minutes "
                                        "per cell on a large dataset.")
        seeds = right.number_input("Seeds per cell", 1, 10, DEFAULT_SEEDS, key="study.seeds",
                                   help="Each seed draws other training rows and other starting weights; the "
                                        "spread across seeds shows what is luck.")
        test_size = right.number_input("Test rows (one fixed set for every cell)", 10, 100_000,
                                       max(10, study_test_size(rows)), key="study.test_size",
                                       help="20% of the rows, at most 2,000: 2,000 test rows can tell a 3-point "
                                            "lead apart; a few dozen cannot tell anything.")
        epochs = right.number_input("Epochs at most (early stopping on)", 1, 200, DEFAULT_EPOCHS, key="study.epochs")
        started = st.form_submit_button("Start the study", type="primary")
    if started:
        chosen = sorted(set(sizes)) + ([None] if use_all else [])
        try:
            start_study(dataset, chosen, embeddings, int(seeds), encoder, int(test_size), int(epochs))
        except EmbedLabError as error:
            show_error(error)


def study_tab(dataset: LabelledDataset) -> None:
    """Everything in the Study tab."""
    from embedlab.models.jobs import queue_description
    from embedlab.models.jobs.durable import max_queued_per_workspace
    from embedlab.models.study.cells import max_study_cells

    st.markdown(
        "**When do pre-trained embeddings pay?** The study trains the same model on growing numbers of your "
        "examples with each embedding choice, several times, and tests every one on the same held-out rows. "
        "Two simple baselines on the same rows are drawn dashed: logistic regression on the mean GloVe vector "
        "and on TF-IDF word pairs.")
    try:  # a bad EMBEDLAB_EXECUTOR (or limit) is said here, not as a traceback
        st.caption(f"Each cell is a training like any other. {queue_description()} A study may have up to "
                   f"{max_study_cells()} cells here, and keeps at most {max_queued_per_workspace()} of them queued "
                   "or running at a time, so other visitors' trainings are not queued behind all of it.")
    except EmbedLabError as error:
        show_error(error)
    st.caption("Studies are kept in this workspace as their cells finish: this page's address brings them back. "
               "A study started again on the same data with the same settings resumes, training only what it lacks.")
    watch: StudyWatch | None = st.session_state.get(WATCH_KEY)
    if watch is None or not watch.running:
        choose_and_start(dataset)
        watch = st.session_state.get(WATCH_KEY)
    if watch is not None and (watch.running or watch.error is not None or watch.keep_error is not None):
        _study_panel(watch)  # live, or what only this session knows: an error, a study that could not be kept
        if watch.running:
            return
    from embedlab_ui.session import runs_folder
    from embedlab_ui.study_kept import kept_panel
    from embedlab_ui.vectors import current_vectors

    try:
        folder = runs_folder()
    except EmbedLabError as error:
        show_error(error)
        return
    kept_panel(folder, dataset, current_vectors(), watch.study_id if watch is not None else None, start_plan)


def _study_panel(watch: StudyWatch) -> None:
    if watch.running:
        if st.button("Stop the study", key="study.stop", help="Finished cells are kept; the study ends within "
                                                               "two seconds."):
            watch.stop_event.set()
        _live(watch)
    else:
        _show(watch)


@st.fragment(run_every=1.0)
def _live(watch: StudyWatch) -> None:
    if not watch.running:
        st.rerun()
    _show(watch)


def _show(watch: StudyWatch) -> None:
    from embedlab_ui.study_results import show_result

    result = watch.result
    done = len(result.cells) if result is not None else 0
    elapsed = (watch.finished_at or time.monotonic()) - watch.started
    stopping = watch.stop_event.is_set()
    state = ("stopping" if stopping else "running") if watch.running else ("stopped" if stopping else "finished")
    st.progress(min(1.0, done / max(1, watch.planned_cells)),
                text=f"Study on {literal(watch.dataset_name)}: {done} of {watch.planned_cells} cells, "
                     f"{numbers.seconds(elapsed)}, {state}")
    if watch.error is not None:
        show_error(watch.error)
    if watch.keep_error is not None:
        st.warning(literal(f"This study could not be kept in the workspace ({watch.keep_error}): it is shown here "
                           "until this tab closes."))
    if result is not None:
        show_result(result.to_json(), running=watch.running, key="live")  # never a kept study's keys

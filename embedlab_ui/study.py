"""The Train page's Study tab: when do pre-trained embeddings pay, measured on this visitor's data.

A study is many small trainings (sizes × embeddings × seeds) that the core runs as
jobs (``embedlab.models.study.cells.run_study``), so on the process or Ray backend its
cells train in parallel. It runs in a background thread of this session; the tab
reads what has finished so far from a ``StudyWatch`` in ``st.session_state`` and
redraws every second while the study runs. Stop keeps the finished cells.
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
    stop_event: threading.Event = field(default_factory=threading.Event)
    result: object = None  # the latest StudyResult (partial while running)
    error: BaseException | None = None
    started: float = field(default_factory=time.monotonic)
    finished_at: float | None = None
    thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self.thread is not None and self.thread.is_alive()

    def update(self, result) -> None:
        self.result = result


def start_study(dataset: LabelledDataset, sizes: list[int | None], embeddings: list[str], seeds: int,
                encoder: str, test_size: int, epochs: int) -> None:
    """Plan the study (EmbedLabError if the choices do not fit the data) and start it in the background."""
    from embedlab.models.study.cells import StudyPlan, plan_cells, run_study

    plan = StudyPlan(sizes=tuple(sizes), embeddings=tuple(embeddings), seeds=seeds, encoder=encoder,
                     test_size=test_size, epochs=epochs)
    cell_plan = plan_cells(dataset, plan)  # checks the plan against the data before anything starts
    from embedlab_ui.vectors import current_vectors

    vectors = current_vectors()  # the GloVe cells and the mean-vector baseline both read it
    watch = StudyWatch(dataset_name=dataset.name, planned_cells=len(cell_plan.cells))

    def work() -> None:
        try:
            watch.result = run_study(dataset, plan, vectors, on_update=watch.update, stop_event=watch.stop_event)
        except Exception as error:  # shown in the tab; the server keeps running
            watch.error = error
        finally:
            watch.finished_at = time.monotonic()

    watch.thread = threading.Thread(target=work, name="embedlab-study", daemon=True)
    st.session_state[WATCH_KEY] = watch
    watch.thread.start()


def choose_and_start(dataset: LabelledDataset) -> None:
    """The study's choices and its Start button."""
    rows = len(dataset)
    with st.form("study.form", border=True):
        left, middle, right = st.columns(3)
        sizes = left.multiselect("Training rows", SIZE_CHOICES, default=[s for s in (100, 300, 1_000, 3_000)
                                                                           if s < rows],
                                 format_func=numbers.count, key="study.sizes")
        use_all = left.toggle("Also all available rows", True, key="study.all")
        embeddings = middle.multiselect("Embeddings", EMBEDDING_KINDS, default=list(EMBEDDING_KINDS),
                                        format_func=EMBEDDING_LABELS.get, key="study.embeddings")
        encoder = middle.selectbox("Encoder", ENCODERS, index=ENCODERS.index("pooling"),
                                   format_func=ENCODER_LABELS.get, key="study.encoder",
                                   help="Average pooling trains in seconds; the recurrent encoders take minutes "
                                        "per cell on a large dataset.")
        seeds = right.number_input("Seeds per cell", 1, 10, 3, key="study.seeds",
                                   help="Each seed draws other training rows and other starting weights; the "
                                        "spread across seeds shows what is luck.")
        test_size = right.number_input("Test rows (one fixed set for every cell)", 20, 100_000,
                                       min(600, max(20, rows // 5)), key="study.test_size")
        epochs = right.number_input("Epochs at most (early stopping on)", 1, 200, 30, key="study.epochs")
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
    watch: StudyWatch | None = st.session_state.get(WATCH_KEY)
    if watch is None or not watch.running:
        choose_and_start(dataset)
        watch = st.session_state.get(WATCH_KEY)
    if watch is not None:
        _study_panel(watch)


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
    from embedlab_ui import study_charts as charts
    from embedlab_ui.maps import png_button

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
    if result is None:
        return
    for note in result.notes:
        st.caption(literal(note))
    for failure in result.failures:
        st.warning(literal(failure))
    if not result.cells:
        return
    figure = charts.study_figure(result)
    st.plotly_chart(figure, width="stretch", key=f"study.chart.{done}")
    from embedlab.models.study.cells import convergence, reading

    if not watch.running:
        st.markdown("**What the numbers say**")
        for sentence in reading(result):
            st.markdown(f"- {literal(sentence)}")
    table = charts.study_table(result)
    st.dataframe(table, hide_index=True, width="stretch",
                 column_config=charts.STUDY_TABLE_FORMATS)
    st.markdown("**Convergence** — how soon each embedding reached its best epoch, as measured here")
    st.dataframe(charts.convergence_table(convergence(result)), hide_index=True, width="stretch",
                 column_config=charts.CONVERGENCE_FORMATS)
    st.download_button("Download the cells (.csv)", charts.study_csv(result), "study.csv", "text/csv",
                       key="study.csv")
    if not watch.running:
        png_button(figure, "study", "study")

"""The class study in the browser: the instructor's Start form and chart, and a member's share of the cells.

A member's Class page runs ``member_panel`` every ``WORK_SECONDS`` while a study is on: with no cell
of theirs in training it claims the next one (``classes.study.claim_next``) and queues it as a job of
theirs; while it trains the claim is renewed; once trained, its numbers are published for the board.
The work stops when they leave the page (the claim then goes silent and is handed on).
"""

from __future__ import annotations

import time

import streamlit as st

from embedlab.classes.study import claim_next, current_study, finish_cell, renew_claim, start_class_study, study_json
from embedlab.errors import EmbedLabError
from embedlab.models.architecture import EMBEDDING_KINDS, EMBEDDING_LABELS
from embedlab_ui.session import literal, show_error

WORK_SECONDS = 2.0  # how often a member's page looks after its cell: claim, renew, publish
IDLE_SECONDS = 10.0  # with no cell left, how long before asking again (a silent claim may come free)
WORK_KEY = "class_study.work"  # {"claim", "job", "done": cells this visitor trained} of this member
SEEN_KEY = "class_study.seen"  # results read (they never change)


def start_form(record) -> None:
    """The instructor's study settings and Start button (replacing any earlier study of the class)."""
    with st.expander("Class study: when do pre-trained embeddings pay?", expanded=current_study(record) is None):
        st.caption("Every student's Class page trains the next cells nobody holds; the chart below fills as they "
                   "finish. A cell whose student leaves is handed to another after 90 s.")
        left, middle, right = st.columns(3)
        sizes = left.text_input("Training sizes (rows)", "40, 120", key="class_study.sizes")
        embeddings = middle.multiselect("Embeddings", EMBEDDING_KINDS, default=list(EMBEDDING_KINDS),
                                        format_func=EMBEDDING_LABELS.get, key="class_study.embeddings")
        seeds = right.number_input("Seeds", 1, 5, 1, key="class_study.seeds")
        epochs = right.number_input("Epochs per cell", 1, 60, 2, key="class_study.epochs")
        if st.button("Start the class study", key="class_study.start"):
            try:
                start(record, sizes, embeddings, int(seeds), int(epochs))
                st.rerun()
            except EmbedLabError as error:
                show_error(error)


def start(record, sizes_text: str, embeddings: list[str], seeds: int, epochs: int) -> dict:
    from embedlab.models.study.cells import StudyPlan
    from embedlab_ui.vectors import current_vectors

    try:
        sizes = tuple(int(part) for part in sizes_text.replace(";", ",").split(",") if part.strip())
    except ValueError:
        raise EmbedLabError(f"training sizes '{sizes_text}' are not whole numbers; type e.g. 40, 120") from None
    plan = StudyPlan(sizes=sizes, embeddings=tuple(embeddings), seeds=seeds, encoder="pooling", epochs=epochs)
    return start_class_study(record, plan, current_vectors())


def study_panel(record, presenter: bool = False) -> None:
    """The shared learning curve with its baselines, and the reading, as far as the class has got."""
    from embedlab.models.study.reading import reading
    from embedlab_ui.study_charts import study_figure

    data = study_json(record, seen=st.session_state.setdefault(SEEN_KEY, {}))
    if data is None:
        return
    st.subheader("Class study")
    st.caption(f"{len(data['cells'])} of {data['planned_cells']} cells finished · {data['training']} training now · "
               f"tested on {data['test_rows']:,} rows")
    if not data["cells"]:
        st.info("No cell has finished yet: students' Class pages are training them.", icon=":material/hourglass_top:")
        return
    st.plotly_chart(study_figure(data, height=560 if presenter else 420), key="class_study.chart")
    for sentence in reading(data):
        st.markdown(f"- {literal(sentence)}")


def member_panel(record, student: str) -> None:
    """A member's part in the class study; called every ``WORK_SECONDS`` while their Class page is open."""
    study = current_study(record)
    if study is None:
        return
    work = st.session_state.setdefault(WORK_KEY, {"claim": None, "job": None, "done": 0, "study": None})
    try:
        step(record, student, work, study)
    except EmbedLabError as error:
        show_error(error)
        return
    claim = work["claim"]
    if claim is None:
        st.caption(f"Class study: no cell left for you · you trained {work['done']}.")
        return
    cell = claim.cell
    st.info(f"Class study: training {EMBEDDING_LABELS.get(cell.embedding, cell.embedding)} on {cell.size:,} rows "
            f"(seed {cell.seed}) for the class · you trained {work['done']} so far. Keep this page open.",
            icon=":material/groups:")


def step(record, student: str, work: dict, study: dict) -> None:
    """Publish a finished cell, renew a running one, or claim and queue the next.

    The class dataset and the study's cells are read and planned once per study (kept in ``work``), and
    with no cell left the next ask waits ``IDLE_SECONDS``: a class of idle pages costs one small read each.
    """
    from embedlab.classes.records import class_dataset
    from embedlab.classes.study import plan_of, study_cells
    from embedlab.models.jobs import submit
    from embedlab.models.study.cells import cell_spec
    from embedlab_ui.vectors import current_vectors

    claim, job = work["claim"], work["job"]
    if job is not None:
        status = job.snapshot()
        if not status.finished:
            renew_claim(record, claim)
            return
        if status.metrics:
            finish_cell(record, claim, status.metrics, student)
            work["done"] += 1
        work["claim"] = work["job"] = None
    if work["study"] != study["id"]:
        work.update(study=study["id"], dataset=class_dataset(record), cells=study_cells(record, study), idle=0.0)
    if time.monotonic() < work["idle"]:
        return
    claim = claim_next(record, student, study=study, cells=work["cells"])
    if claim is None:
        work["idle"] = time.monotonic() + IDLE_SECONDS
        return
    vectors = current_vectors() if claim.cell.embedding != "random" else None
    spec = cell_spec(work["dataset"], claim.cell, plan_of(study), work["cells"].test_rows, vectors)
    work["claim"], work["job"] = claim, submit(spec)

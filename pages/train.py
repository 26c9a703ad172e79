"""Train: an embedding → encoder → Dense classifier on the current dataset, live curves, runs and comparisons."""

from __future__ import annotations

import streamlit as st

from embedlab.errors import EmbedLabError
from embedlab.models.jobs import queue_description
from embedlab.models.runs.catalog import delete_run, rename_run
from embedlab_ui import training as ui
from embedlab_ui.study import study_tab
from embedlab_ui.datasets import current_dataset
from embedlab_ui.numbers import count
from embedlab_ui.restart_notes import show_interrupted
from embedlab_ui.classes import train_banner
from embedlab_ui.runs import (RUNS_UNLISTED, choose_run, forget_run, run_model_bytes, run_zip, show_damaged,
                              workspace_runs)
from embedlab_ui.session import literal, route_through_app, show_error, workspace_name
from embedlab_ui.train_settings import choose_settings, estimate_caption
from embedlab_ui.welcome import where_your_work_is_kept

route_through_app()  # a deep link on a fresh server still gets app.py's frame

ui.init_state()
st.session_state.setdefault("train.confirm_delete", None)  # run id awaiting "really delete?"


def queue_note() -> str:
    """The Train button's help; EmbedLabError for a bad EMBEDLAB_EXECUTOR, shown as a message by the caller."""
    return f"{queue_description()} Training goes on while you look at other pages; come back here to see it."


def train_tab(dataset, runs) -> None:
    taken = [run.name for run in runs] + ui.job_names()
    ui.mark_page_drawn()  # before the live panel's first run: it reruns the page when a job finishes after this
    busy = bool(ui.active_jobs())
    if busy:  # the training under way comes first, on the first screen; the settings of the next one below it
        stop, note = st.columns([1, 6], vertical_alignment="center")
        stop.button("Stop", key="train.stop", on_click=ui.stop_all,
                    help="Ends after the current batch; the best epoch's weights are kept and the run is saved.")
        note.caption("Training goes on while you look at other pages; come back here to see it. The settings for "
                     "the next training are below.")
        st.fragment(ui.live_panel, run_every=1.0)()
    try:
        config, options, name = choose_settings(dataset, taken)
    except EmbedLabError as error:
        show_error(error)
        return
    left, right, note = st.columns([1, 2, 4], vertical_alignment="center")
    try:
        if left.button("Train", type="primary", key="train.start", disabled=busy or listing is None,
                       help="Stop the training under way, or let it finish, to start another." if busy
                       else queue_note()):
            ui.start_training(dataset, config, options, name)
            st.rerun()
        if right.button("Compare the three embedding choices", key="train.compare_three",
                        disabled=busy or listing is None,
                        help="Trains random, GloVe frozen and GloVe fine-tuned embeddings with these settings on "
                             "the same split, one after another, then compares them."):
            ui.start_series(dataset, config, options, taken)
            st.rerun()
    except EmbedLabError as error:
        show_error(error)
    note.caption(estimate_caption(config, options, len(dataset), runs))
    if not busy:
        ui.show_latest()


def runs_tab(runs) -> None:
    if listing is None:
        st.info(RUNS_UNLISTED, icon=":material/cloud_off:")
        return
    show_damaged(listing.damaged, "train.runs")  # listed with what is wrong, never silently left out
    ui.show_pending(listing.pending, "train.runs")  # runs a failed save kept aside, each with its retry button
    if runs:
        ui.show_metrics_table(runs, key="train.runs_table")
    run = choose_run("Run", runs, key="train.run_pick")  # a run deleted in another tab is said, not swapped
    if not runs:
        st.info("No runs yet: train one in the Train tab. " + where_your_work_is_kept(workspace_name())
                + " Runs survive a restart of the server.")
    if run is None:
        return
    left, middle, right = st.columns([3, 1, 1], vertical_alignment="bottom")
    new_name = left.text_input("Name", value=run.name, key=f"train.rename.{run.run_id}", max_chars=120)
    if middle.button("Rename", key="train.rename_button", disabled=new_name == run.name):
        try:
            rename_run(run, new_name)
            st.rerun()
        except EmbedLabError as error:
            show_error(error)
    # Files made when the button is pressed, not on every rerun of the page: a run's zip holds its
    # .keras file, 20 MB for a frozen-GloVe model with 100,000 words. A run deleted since is refused, not empty.
    right.download_button("Download .zip", lambda: run_zip(run), file_name=f"{run.run_id}.zip",
                          mime="application/zip", key="train.download")
    right.download_button("Download .keras", lambda: run_model_bytes(run), file_name=f"{run.run_id}.keras",
                          mime="application/octet-stream", key="train.download_keras",
                          help="The model alone (with its class names): load it on the Predict page or in Keras.")
    confirm_delete(run)
    ui.show_results(run, "runs")


def confirm_delete(run) -> None:
    """Delete… asks once more before the run's folder goes."""
    if st.session_state["train.confirm_delete"] != run.run_id:
        if st.button("Delete…", key="train.delete"):
            st.session_state["train.confirm_delete"] = run.run_id
            st.rerun()
        return
    st.warning(f"Delete run “{literal(run.name)}” and its model for good?", icon=":material/delete:")
    yes, no = st.columns(2)
    if yes.button("Yes, delete it", key="train.delete_yes", type="primary"):
        delete_run(run)
        forget_run(run.run_id)  # deleted here: not to be reported as deleted in another tab
        st.session_state["train.confirm_delete"] = None
        st.rerun()
    if no.button("Cancel", key="train.delete_no"):
        st.session_state["train.confirm_delete"] = None
        st.rerun()


def compare_tab(runs) -> None:
    if listing is None:
        st.info(RUNS_UNLISTED, icon=":material/cloud_off:")
        return
    if len(runs) < 2:
        st.info("Train two or more runs to compare them here.")
        return
    chosen = ui.compare_picker(runs)  # the newest runs, again each time one is added
    if chosen:
        ui.show_comparison(chosen, key="train.compare_view")


title, intro = st.columns([1, 4], vertical_alignment="center")  # one row: the live panel fits the first screen
title.title("Train")
intro.caption("Train a word-embedding classifier (raw text → vocabulary → embedding → encoder → class) on the "
              "current dataset, watch it learn, and compare random, GloVe-frozen and GloVe-fine-tuned embeddings.")
dataset = current_dataset()
counts = ", ".join(f"{name}: {count(int((dataset.labels == i).sum()))}" for i, name in enumerate(dataset.class_names))
st.markdown(f"Dataset: **{literal(dataset.name)}** — {count(len(dataset))} rows ({literal(counts)}). "
            "Change it on the Data page.")

listing = workspace_runs()  # None after a message saying why the runs cannot be listed (storage down, no bucket)
runs = listing.runs if listing else []
show_interrupted(dataset, runs)  # trainings a restart of the server ended, and what to do about each
train_banner(dataset)  # a class member: their runs go on the class board (embedlab_ui.classes)
TABS = {"Train": lambda: train_tab(dataset, runs), "Runs": lambda: runs_tab(runs), "Compare": lambda: compare_tab(runs),
        "Study": lambda: study_tab(dataset)}
for tab, show in zip(st.tabs(list(TABS)), TABS.values()):
    with tab:
        show()

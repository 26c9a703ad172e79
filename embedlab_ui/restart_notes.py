"""What a restart of the server ended, told on the Train page: each interrupted training, and Train again or Dismiss.

Trainings live in the server's memory; a server killed or restarted loses them. Every
submitted training keeps a note in its workspace (``embedlab.models.jobs.durable``) until
it ends, so the next visit finds the notes no live server owns and says, for each, what
happened. A note keeps the settings, not the data (an upload lives in the session the
restart ended), so nothing is queued again by itself: Train again queues it with the same
settings once the same dataset (and, for GloVe, the same vectors) is loaded.
"""

from __future__ import annotations

import time

import streamlit as st

from embedlab.errors import EmbedLabError
from embedlab.models.jobs.durable import Note, discard, interrupted, server_started_at
from embedlab_ui.session import literal, runs_folder, show_error


def clock(seconds: float) -> str:
    """A moment for a visitor anywhere: ``2026-12-07 14:05 UTC``."""
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(seconds))


def saved_since(note: Note, runs) -> bool:
    """A run of the note's name was saved after it was submitted (it finished just before the restart)."""
    submitted = time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(note.submitted))  # runs record local time
    return any(run.name == note.name and run.config.get("created", "") >= submitted for run in runs)


def interruption_message(note: Note, runs=()) -> str:
    """What happened to one training, in words: when the restart was, where the training was, what is left of it."""
    if note.started is not None:
        where = f"it was training (it had started at {clock(note.started)})"
    else:
        where = f"it was waiting in the queue (submitted at {clock(note.submitted)}) and had not started"
    if saved_since(note, runs):
        left = f"A run named '{note.name}' was saved since it was submitted: look for it in the Runs tab."
    else:
        left = ("No run of it was saved. Its settings were kept, not your data, so it was not queued again by "
                "itself.")
    return (f"Your training '{note.name}' was interrupted when the server restarted at "
            f"{clock(server_started_at())}: {where}. {left}")


def train_again_blocker(note: Note, dataset) -> str | None:
    """Why Train again cannot rebuild this training now (what to load first), or None when it can."""
    if dataset.fingerprint != note.dataset.get("fingerprint"):
        return (f"To train it again with the same settings, load the data it used ('{note.dataset.get('name')}', "
                f"{note.dataset.get('rows', 0):,} rows) on the Data page; Train again then appears here.")
    if note.model_config().embedding != "random" and note.vectors is not None:
        from embedlab_ui.vectors import current_vectors

        if current_vectors().fingerprint != note.vectors.get("fingerprint"):
            return (f"To train it again with the same settings, pick the word vectors it used "
                    f"('{note.vectors.get('name')}') in the sidebar; Train again then appears here.")
    return None


def show_interrupted(dataset, runs) -> None:
    """Every training of this workspace that a restart ended: what happened, then Train again or Dismiss."""
    for note in interrupted(runs_folder()):
        with st.container(border=True):
            st.warning(literal(interruption_message(note, runs)), icon=":material/restart_alt:")
            saved = saved_since(note, runs)  # then there is nothing to train again: only Dismiss
            blocker = None if saved else train_again_blocker(note, dataset)
            again, dismiss, caption = st.columns([1, 1, 4], vertical_alignment="center")
            if blocker is not None:
                caption.caption(literal(blocker))
            elif not saved and again.button("Train again", key=f"train.again.{note.id}", type="primary",
                              help="Queues it with the same settings on the same data."):
                _train_again(note, dataset)
            if dismiss.button("Dismiss", key=f"train.dismiss.{note.id}"):
                discard(note)
                st.rerun()


def _train_again(note: Note, dataset) -> None:
    from embedlab_ui.training import start_training

    try:
        start_training(dataset, note.model_config(), note.training_options(), note.name)
    except EmbedLabError as error:  # the workspace's limit, a runs folder that cannot take a run
        show_error(error)
        return
    discard(note)
    st.rerun()

"""Choosing one of this visitor's runs, on any page."""

from __future__ import annotations

import streamlit as st

from embedlab.runs import Run, list_runs
from embedlab_ui.session import runs_folder


def run_label(run: Run) -> str:
    """One line that tells runs apart: name, embedding, encoder, test accuracy."""
    model = run.config.get("model", {})
    accuracy = run.metrics.get("accuracy")
    score = f" · test acc {accuracy:.1%}" if isinstance(accuracy, (int, float)) else ""
    return f"{run.name} · {model.get('embedding', '?')} · {model.get('encoder', '?')}{score}"


def run_picker(label: str, key: str, help: str | None = None) -> Run | None:
    """A selectbox of this visitor's runs, newest first; None (with a hint) when there are none."""
    runs = list_runs(runs_folder())
    if not runs:
        st.info("No trained runs yet. Train one on the **Train** page, then come back.")
        return None
    by_id = {run.run_id: run for run in runs}
    chosen = st.selectbox(label, list(by_id), format_func=lambda run_id: run_label(by_id[run_id]), key=key, help=help)
    return by_id[chosen]

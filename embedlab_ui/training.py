"""Train page glue: this visitor's training jobs, and the table that compares their runs.

Jobs live in ``st.session_state`` (they hold the visitor's data and model); the
process-wide queue in ``embedlab.models.training`` decides when each runs.
"""

from __future__ import annotations

import streamlit as st

JOBS_KEY = "train.jobs"  # list of TrainingJob, oldest first; the page shows the newest ones
SERIES_KEY = "train.series"  # the TrainingSeries of "Compare the three embedding choices", or None

def init_state() -> None:
    st.session_state.setdefault(JOBS_KEY, [])
    st.session_state.setdefault(SERIES_KEY, None)


def add_jobs(jobs) -> None:
    """Keep this visitor's new jobs; older finished ones beyond the last few are dropped (their runs are on disk)."""
    kept = [job for job in st.session_state[JOBS_KEY] if not job.finished][-8:]
    st.session_state[JOBS_KEY] = kept + list(jobs)


def active_jobs() -> list:
    return [job for job in st.session_state.get(JOBS_KEY, []) if not job.finished]


def metrics_table(runs) -> "pd.DataFrame":  # noqa: F821
    """One row per run: what it was and how it scored on its test split."""
    import pandas as pd

    rows = []
    for run in runs:
        model, metrics, training = run.config.get("model", {}), run.metrics, run.config.get("training", {})
        rows.append({
            "run": run.name, "embedding": model.get("embedding"), "encoder": model.get("encoder"),
            "test accuracy": metrics.get("accuracy"), "precision": metrics.get("precision"),
            "recall": metrics.get("recall"), "F1": metrics.get("f1"), "AUC": metrics.get("auc"),
            "best epoch": metrics.get("best_epoch"), "epochs run": metrics.get("epochs_run", training.get("epochs")),
            "seconds": metrics.get("seconds"), "created": run.config.get("created", ""),
        })
    return pd.DataFrame(rows)

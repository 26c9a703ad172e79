"""Train page glue: this visitor's training jobs, and the Plotly charts of curves and metrics.

Jobs live in ``st.session_state`` (they hold the visitor's data and model); the
process-wide queue in ``embedlab.training`` decides when each runs.
"""

from __future__ import annotations

import streamlit as st

JOBS_KEY = "train.jobs"  # list of TrainingJob, oldest first; the page shows the newest ones
SERIES_KEY = "train.series"  # the TrainingSeries of "Compare the three embedding choices", or None

CURVE_COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"]


def init_state() -> None:
    st.session_state.setdefault(JOBS_KEY, [])
    st.session_state.setdefault(SERIES_KEY, None)


def add_jobs(jobs) -> None:
    """Keep this visitor's new jobs; older finished ones beyond the last few are dropped (their runs are on disk)."""
    kept = [job for job in st.session_state[JOBS_KEY] if not job.finished][-8:]
    st.session_state[JOBS_KEY] = kept + list(jobs)


def active_jobs() -> list:
    return [job for job in st.session_state.get(JOBS_KEY, []) if not job.finished]


def curves_figure(histories: dict[str, dict], metric: str, live: dict | None = None, height: int = 320):
    """One Plotly chart of ``metric`` per epoch: train (solid) and validation (dashed) for each history.

    Args:
        histories: ``{label: {"loss": [...], "val_loss": [...], ...}}``.
        metric: ``loss`` or ``accuracy``.
        live: ``{label: (fractional_epoch, value)}``, the running value of the epoch in progress.
    """
    import plotly.graph_objects as go

    figure = go.Figure()
    for index, (label, history) in enumerate(histories.items()):
        colour = CURVE_COLOURS[index % len(CURVE_COLOURS)]
        prefix = f"{label} · " if len(histories) > 1 else ""
        train = list(history.get(metric, []))
        epochs = list(range(1, len(train) + 1))
        if live and label in live and live[label][1] is not None:
            epochs.append(live[label][0])
            train.append(live[label][1])
        figure.add_trace(go.Scatter(x=epochs, y=train, mode="lines+markers", name=f"{prefix}train",
                                    line={"color": colour}))
        validation = history.get(f"val_{metric}", [])
        if validation:
            figure.add_trace(go.Scatter(x=list(range(1, len(validation) + 1)), y=validation, mode="lines+markers",
                                        name=f"{prefix}validation", line={"color": colour, "dash": "dash"}))
    figure.update_layout(title=metric, height=height, margin={"l": 10, "r": 10, "t": 40, "b": 10},
                         xaxis_title="epoch", yaxis_title=metric, legend={"orientation": "h", "y": -0.25})
    return figure


def confusion_figure(matrix: list[list[int]], class_names: list[str]):
    import plotly.graph_objects as go

    names = [str(name) for name in class_names]
    figure = go.Figure(go.Heatmap(
        z=matrix, x=names, y=names, colorscale="Blues", text=matrix, texttemplate="%{text}",
        hovertemplate="true %{y}, predicted %{x}: %{z}<extra></extra>"))
    figure.update_layout(title="Confusion matrix", height=320, margin={"l": 10, "r": 10, "t": 40, "b": 10},
                         xaxis_title="predicted", yaxis_title="true", yaxis_autorange="reversed")
    return figure


def roc_figure(roc: dict):
    import plotly.graph_objects as go

    figure = go.Figure()
    figure.add_trace(go.Scatter(x=roc["fpr"], y=roc["tpr"], mode="lines", name=f"AUC {roc['auc']:.3f}"))
    figure.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name="chance", line={"dash": "dot", "color": "grey"}))
    figure.update_layout(title="ROC curve (test split)", height=320, margin={"l": 10, "r": 10, "t": 40, "b": 10},
                         xaxis_title="false positive rate", yaxis_title="true positive rate",
                         legend={"orientation": "h", "y": -0.25})
    return figure


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

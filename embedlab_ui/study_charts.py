"""The Study tab's chart, table and CSV, drawn from a study's JSON form (``StudyResult.to_json()``).

Accuracy against training rows on a log axis: per embedding the mean over seeds with
a band of ± one standard deviation, every seed as a faint dot, and the two baselines
dashed. Built from the JSON form so a partial study (cells still running) draws the same way.
"""

from __future__ import annotations

import streamlit as st

from embedlab.models.architecture import EMBEDDING_LABELS
from embedlab.models.baselines import BASELINE_LABELS
from embedlab_ui import numbers
from embedlab_ui.colours import EMBEDDING_COLOURS  # the same colour per embedding on every chart

BASELINE_COLOURS = {"mean-vector-lr": "#17becf", "tfidf-lr": "#bcbd22"}
STUDY_TABLE_FORMATS = {
    "Best epoch (mean)": st.column_config.NumberColumn(format="%.1f"),
    "Seconds per cell": st.column_config.NumberColumn(format="%.1f s"),
    "Training rows": st.column_config.NumberColumn(format="localized"),
}
CONVERGENCE_FORMATS = {
    "Best epoch (mean)": st.column_config.NumberColumn(format="%.1f"),
    "Seconds to the best epoch (mean)": st.column_config.NumberColumn(format="%.1f s"),
    "Seconds per training (mean)": st.column_config.NumberColumn(format="%.1f s"),
}


CELL_COLUMNS = ["size", "embedding", "seed", "accuracy", "f1", "best_epoch", "epochs_run", "seconds"]


def as_json(result) -> dict:
    """A study's JSON form, from a StudyResult or a kept study's data."""
    return result if isinstance(result, dict) else result.to_json()


def _frames(result):
    import pandas as pd

    data = as_json(result)
    cells = pd.DataFrame(data["cells"], columns=CELL_COLUMNS)
    baselines = pd.DataFrame(data["baselines"], columns=["size", "name", "seed", "accuracy", "f1"])
    return cells, baselines


def _mean_and_spread(frame, by: list[str]):
    grouped = frame.groupby(by, as_index=False)["accuracy"].agg(["mean", "std", "count"])
    return grouped.fillna({"std": 0.0}).sort_values(by)


def study_figure(result, height: int = 420):
    import plotly.graph_objects as go

    cells, baselines = _frames(result)
    figure = go.Figure()
    for embedding, rows in _mean_and_spread(cells, ["embedding", "size"]).groupby("embedding"):
        colour, label = EMBEDDING_COLOURS.get(embedding, "#444"), EMBEDDING_LABELS.get(embedding, embedding)
        sizes = rows["size"].tolist()
        upper, lower = (rows["mean"] + rows["std"]).tolist(), (rows["mean"] - rows["std"]).tolist()
        figure.add_trace(go.Scatter(x=sizes + sizes[::-1], y=upper + lower[::-1], fill="toself", fillcolor=colour,
                                    opacity=0.15, line={"width": 0}, hoverinfo="skip", showlegend=False))
        figure.add_trace(go.Scatter(
            x=sizes, y=rows["mean"], mode="lines+markers", name=label, line={"color": colour, "width": 3},
            customdata=list(zip(rows["std"], rows["count"])),
            hovertemplate=f"{label}<br>%{{x:,}} rows: %{{y:.1%}} ± %{{customdata[0]:.1%}} "
                          "(%{customdata[1]} seeds)<extra></extra>"))
        seeds = cells[cells["embedding"] == embedding]
        figure.add_trace(go.Scatter(x=seeds["size"], y=seeds["accuracy"], mode="markers", showlegend=False,
                                    marker={"color": colour, "size": 5, "opacity": 0.45},
                                    hovertemplate=f"{label}, one seed: %{{y:.1%}}<extra></extra>"))
    for name, rows in _mean_and_spread(baselines, ["name", "size"]).groupby("name"):
        label = BASELINE_LABELS.get(name, name)
        figure.add_trace(go.Scatter(x=rows["size"], y=rows["mean"], mode="lines", name=label,
                                    line={"color": BASELINE_COLOURS.get(name, "#999"), "dash": "dash", "width": 2},
                                    hovertemplate=f"{label}<br>%{{x:,}} rows: %{{y:.1%}}<extra></extra>"))
    # Room on the left for "80.0%" (a 10-pixel margin cut the PNG's tick labels to a lone "%"), and ticks at
    # the sizes studied only: the log axis's own minor ticks (80, 90, 200, 400 …) crowded the PNG's axis.
    figure.update_layout(height=height, margin={"l": 80, "r": 20, "t": 50, "b": 40},
                         title="Test accuracy against training rows (mean ± one standard deviation over seeds)",
                         legend={"orientation": "h", "y": -0.2}, hovermode="closest")
    sizes = sorted({int(size) for size in cells["size"]})
    figure.update_xaxes(type="log", title="training rows (log scale)", tickvals=sizes,
                        ticktext=[numbers.count(size) for size in sizes], automargin=True)
    figure.update_yaxes(title={"text": "test accuracy", "standoff": 12}, tickformat=numbers.PERCENT_D3,
                        automargin=True)
    return figure


def study_table(result):
    """One row per training size × embedding: mean and spread of accuracy and F1, best epoch and seconds."""
    cells, _ = _frames(result)
    table = cells.groupby(["size", "embedding"], as_index=False).agg(
        accuracy=("accuracy", "mean"), spread=("accuracy", "std"), f1=("f1", "mean"),
        best_epoch=("best_epoch", "mean"), seconds=("seconds", "mean"), seeds=("seed", "count"))
    table["embedding"] = table["embedding"].map(lambda kind: EMBEDDING_LABELS.get(kind, kind))
    # Shares as percentages with one decimal everywhere; a spread needs two seeds, else a dash.
    for column in ("accuracy", "spread", "f1"):
        table[column] = [numbers.percent(None if value != value else value) for value in table[column]]
    return table.rename(columns={
        "size": "Training rows", "embedding": "Embedding", "accuracy": "Accuracy (mean)",
        "spread": "± (std over seeds)", "f1": "Macro-F1 (mean)", "best_epoch": "Best epoch (mean)",
        "seconds": "Seconds per cell", "seeds": "Seeds"})


def convergence_table(rows: list[dict]):
    """``study.convergence`` as a table with plain headers."""
    import pandas as pd

    table = pd.DataFrame(rows, columns=["embedding", "cells", "best_epoch", "seconds_to_best", "seconds"])
    table["embedding"] = table["embedding"].map(lambda kind: EMBEDDING_LABELS.get(kind, kind))
    return table.rename(columns={"embedding": "Embedding", "cells": "Cells", "best_epoch": "Best epoch (mean)",
                                 "seconds_to_best": "Seconds to the best epoch (mean)",
                                 "seconds": "Seconds per training (mean)"})


def study_csv(result) -> bytes:
    """What the CLI's ``study --json`` holds, as one table: the headline, the reading, the plan, every cell
    (epochs run included) and every baseline (with its seed and F1), each row with the test set's size.

    ``kind`` says what a row is: ``headline``, ``reading`` and ``plan`` rows carry their words in ``text``.
    """
    import json

    import pandas as pd

    from embedlab.data.spreadsheet import spreadsheet_csv  # run names like "=cmd|…" stay inert in a spreadsheet
    from embedlab.models.study.reading import headline, reading

    data = as_json(result)
    cells, baselines = _frames(data)
    cells.insert(0, "kind", "model")
    baselines = baselines.rename(columns={"name": "embedding"})
    baselines.insert(0, "kind", "baseline")
    plan = {**data["plan"], "planned_cells": data.get("planned_cells"), "dataset": data.get("dataset", {})}
    words = pd.DataFrame([{"kind": "headline", "text": headline(data)}]
                         + [{"kind": "reading", "text": sentence} for sentence in reading(data)]
                         + [{"kind": "plan", "text": json.dumps(plan, default=list)}])
    table = pd.concat([words, cells, baselines], ignore_index=True)
    table.insert(1, "test_rows", data["test_rows"])
    return spreadsheet_csv(table[["kind", "test_rows", *CELL_COLUMNS, "text"]]).encode("utf-8")

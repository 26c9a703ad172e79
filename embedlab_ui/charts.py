"""Every Plotly figure the pages draw, except word maps (``embedlab.maps.figures``, which the CLI draws too)
and the word-vector figures of the Analogies page (``embedlab_ui.vector_charts``).

Figures are built from plain numbers and tables, so each can be made and checked without a page.
Words a visitor chose are shown as plain text: Plotly reads a few HTML tags in labels, so labels
are escaped.
"""

from __future__ import annotations

CURVE_COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"]
MARGIN = {"l": 10, "r": 10, "t": 10, "b": 10}


def class_balance_figure(class_counts: dict[str, int]):
    """Texts per class, one bar each."""
    import plotly.graph_objects as go

    names = [str(name) for name in class_counts]
    figure = go.Figure(go.Bar(x=names, y=list(class_counts.values()), text=list(class_counts.values()),
                              hovertemplate="%{x}: %{y:,} texts<extra></extra>"))
    figure.update_layout(height=320, margin=MARGIN, xaxis_type="category", xaxis_title="class", yaxis_title="texts")
    return figure


def text_length_figure(edges, counts, suggested_length: int):
    """Histogram of tokens per text, with the suggested sequence length marked."""
    import plotly.graph_objects as go

    edges = list(edges)
    width = float(edges[1] - edges[0]) * 0.9 if len(edges) > 1 else 0.9
    figure = go.Figure(go.Bar(x=edges[:-1], y=list(counts), width=width,
                              hovertemplate="%{x} tokens: %{y:,} texts<extra></extra>"))
    figure.add_vline(x=suggested_length, line_dash="dash", line_color="#d62728",
                     annotation_text=f"suggested length {suggested_length}")
    figure.update_layout(height=320, margin=MARGIN, xaxis_title="tokens", yaxis_title="texts")
    return figure


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


def live_curves_figures(label: str, history: dict, progress=None) -> tuple:
    """Loss and accuracy of one training under way: its finished epochs, and where the running epoch is now.

    ``progress`` (an ``embedlab.models.callbacks.Progress``, or None) adds the running
    epoch's train loss and accuracy at the share of the epoch done, so the curves move
    between epoch ends.
    """
    live = {"loss": None, "accuracy": None}
    if progress is not None and progress.logs and progress.batch < progress.batches:
        at = progress.epoch - 1 + progress.batch / max(1, progress.batches)
        live = {metric: {label: (at, progress.logs.get(metric))} for metric in live}
    return tuple(curves_figure({label: history}, metric, live[metric]) for metric in ("loss", "accuracy"))


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

"""Every Plotly figure the pages draw, except word maps (``embedlab.maps.figures``, which the CLI draws too)
and the word-vector figures of the Analogies page (``embedlab_ui.vector_charts``).

Figures are built from plain numbers and tables, so each can be made and checked without a page.
Words a visitor chose are shown as plain text: Plotly reads a few HTML tags in labels, so labels
are escaped.
"""

from __future__ import annotations

import html
import time

from embedlab_ui.colours import run_colours
from embedlab_ui.numbers import COUNT_D3, PERCENT_D3, SCORE_D3, class_label, percent, score

# Curves that stand for no embedding (the class board's rows); runs take colours.run_colours.
CURVE_COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"]
MARGIN = {"l": 10, "r": 10, "t": 10, "b": 10}
# Plotly's toolbar floats over the top of a chart; a top margin this tall keeps it off labels drawn at the top.
TOOLBAR_MARGIN = {"l": 10, "r": 10, "t": 36, "b": 10}


def class_balance_figure(class_counts: dict[str, int]):
    """Texts per class, one bar each."""
    import plotly.graph_objects as go

    names = [html.escape(str(name)) for name in class_counts]
    figure = go.Figure(go.Bar(x=names, y=list(class_counts.values()), text=list(class_counts.values()),
                              texttemplate=f"%{{text:{COUNT_D3}}}",
                              hovertemplate=f"%{{x}}: %{{y:{COUNT_D3}}} texts<extra></extra>"))
    figure.update_layout(height=320, margin=MARGIN, xaxis_type="category", xaxis_title="class", yaxis_title="texts",
                         yaxis_tickformat=COUNT_D3)
    return figure


def text_length_figure(edges, counts, suggested_length: int):
    """Histogram of tokens per text, with the suggested sequence length marked."""
    import plotly.graph_objects as go

    edges = list(edges)
    width = float(edges[1] - edges[0]) * 0.9 if len(edges) > 1 else 0.9
    figure = go.Figure(go.Bar(x=edges[:-1], y=list(counts), width=width,
                              hovertemplate=f"%{{x}} tokens: %{{y:{COUNT_D3}}} texts<extra></extra>"))
    # The label sits inside the plot's top edge, below the toolbar's margin, on the side of the
    # line that has room: to the left when the line is in the right third of the axis.
    right_third = len(edges) > 1 and suggested_length > edges[0] + (edges[-1] - edges[0]) * 2 / 3
    figure.add_vline(x=suggested_length, line_dash="dash", line_color="#d62728",
                     annotation_text=f"suggested length {suggested_length:,}",
                     annotation_position="top left" if right_third else "top right")
    figure.update_layout(height=320, margin=TOOLBAR_MARGIN, xaxis_title="tokens", yaxis_title="texts",
                         yaxis_tickformat=COUNT_D3)
    return figure


def curves_figure(histories: dict[str, dict], metric: str, live: dict | None = None, height: int = 320,
                  epochs: int | None = None, embeddings: dict[str, str] | None = None,
                  test_value: float | None = None, compact: bool = False):
    """One Plotly chart of ``metric`` per epoch: training (solid) and validation (dashed) for each history.

    Args:
        histories: ``{label: {"loss": [...], "val_loss": [...], ...}}``.
        metric: ``loss`` or ``accuracy``.
        live: ``{label: (fractional_epoch, value)}``, the running value of the epoch in progress.
        epochs: the epochs planned, for a training under way: the axis then spans the whole
            training from its start (0) so the running point moves left to right.
        embeddings: ``{label: embedding kind}``: each run takes its embedding's colour (``colours``).
        test_value: one run's score on its held-out test rows, drawn as a dotted level line, so the
            training curve is read beside what the model does on rows it never saw.
        compact: a narrow chart (the live panel's): a short title, the legend naming training and validation.
    """
    import plotly.graph_objects as go

    value_format = PERCENT_D3 if metric == "accuracy" else SCORE_D3
    figure = go.Figure()
    last, any_validation = 1, False
    styles = run_colours([(embeddings or {}).get(label) for label in histories])
    for (label, history), (colour, marker) in zip(histories.items(), styles):
        prefix = f"{label} · " if len(histories) > 1 else ""
        train = list(history.get(metric, []))
        x = list(range(1, len(train) + 1))
        if live and label in live and live[label][1] is not None:
            x.append(live[label][0])
            train.append(live[label][1])
        validation = history.get(f"val_{metric}", [])
        any_validation = any_validation or bool(validation)
        last = max(last, len(train), len(validation))
        # Labels a visitor chose are shown as plain text; hover says "epoch 2", or "epoch 1.4" mid-epoch.
        hover = f"%{{fullData.name}}<br>epoch %{{x:.2~f}}: %{{y:{value_format}}}<extra></extra>"
        figure.add_trace(go.Scatter(x=x, y=train, mode="lines+markers", name=f"{html.escape(prefix)}training",
                                    line={"color": colour}, marker={"symbol": marker}, cliponaxis=False,
                                    hovertemplate=hover))
        if validation:
            figure.add_trace(go.Scatter(x=list(range(1, len(validation) + 1)), y=validation, mode="lines+markers",
                                        name=f"{html.escape(prefix)}validation", cliponaxis=False, hovertemplate=hover,
                                        line={"color": colour, "dash": "dash"}, marker={"symbol": marker}))
    if test_value is not None:
        figure.add_hline(y=test_value, line={"color": "#111827", "dash": "dot", "width": 1.5},
                         annotation_text=f"test (held out): {_format(test_value, metric)}",
                         annotation_position="bottom right")
    title = curves_title(metric, any_validation)
    if compact:
        title = metric.capitalize() if any_validation else f"{metric.capitalize()} (training rows)"
    figure.update_layout(title=title, height=height,
                         margin={"l": 10, "r": 10, "t": 40, "b": 10},
                         xaxis=epoch_axis(last, planned=epochs, ticks=6 if compact else 12), yaxis_title=metric,
                         yaxis_tickformat=".0%" if metric == "accuracy" else None,
                         legend={"orientation": "h", "y": -0.25})
    return figure


def curves_title(metric: str, validation: bool) -> str:
    """Says which rows the curves are measured on, so a 99% training curve is not read as the model's score."""
    name = metric.capitalize()
    if validation:
        return f"{name}: training rows (solid), validation rows (dashed)"
    return f"{name} on the training rows (no validation split)"


def _format(value: float, metric: str) -> str:
    return percent(value) if metric == "accuracy" else score(value)


def epoch_axis(last: int, planned: int | None = None, ticks: int = 12) -> dict:
    """An x axis of whole epochs: ticks on integers only, from epoch 1 (or 0, the start, while training).

    Plotly's automatic axis puts a lone point in the middle of −0.5…1.5 and ticks on
    half epochs; an epoch is a whole pass, so ticks say 1, 2, 3 (every 2nd or 5th on long runs).
    """
    first, last = (0, max(1, planned)) if planned else (1, max(2, last))
    step = next(step for step in (1, 2, 5, 10, 20, 50, 100, 200) if (last - first) / step <= ticks)
    return {"title": "epoch", "range": [first, last], "tick0": first if step == 1 else 0, "dtick": step,
            "tickformat": "d"}


def live_curves_figures(label: str, history: dict, progress=None, embedding: str | None = None,
                        height: int = 320) -> tuple:
    """Loss and accuracy of one training under way: its finished epochs, and where the running epoch is now.

    ``progress`` (an ``embedlab.models.training.callbacks.Progress``, or None) adds the running
    epoch's train loss and accuracy at the share of the epoch done, so the curves move
    between epoch ends; the axis spans the epochs planned.
    """
    live = {"loss": None, "accuracy": None}
    planned = progress.epochs if progress is not None else None
    if progress is not None and progress.logs and progress.batch < progress.batches:
        at = progress.epoch - 1 + progress.batch / max(1, progress.batches)
        live = {metric: {label: (at, progress.logs.get(metric))} for metric in live}
    return tuple(curves_figure({label: history}, metric, live[metric], epochs=planned, height=height,
                               embeddings={label: embedding} if embedding else None, compact=True)
                 for metric in ("loss", "accuracy"))


class LiveCurves:
    """The live curves of one training, made again at most every ``every`` seconds.

    The browser redraws a Plotly chart only when its figure changes. Made anew on each of
    the live panel's once-a-second reruns, the two charts cost the browser more CPU than the
    rest of the page, and on one machine that CPU is taken from the training being watched.
    Between redraws the same figures are handed back, and the browser leaves them alone; the
    progress bars above them still move every second. (TensorBoard refreshes every 30 s.)
    """

    def __init__(self, label: str, every: float = 3.0, embedding: str | None = None, height: int = 320) -> None:
        self.label, self.every, self.embedding, self.height = label, every, embedding, height
        self.made_at: float | None = None
        self.figures: tuple = ()

    def current(self, history: dict, progress=None, now: float | None = None) -> tuple:
        """``(loss, accuracy)`` figures: the kept ones, or new ones once ``every`` seconds have passed."""
        now = time.monotonic() if now is None else now
        if self.made_at is None or now - self.made_at >= self.every:
            self.figures = live_curves_figures(self.label, history, progress, self.embedding, self.height)
            self.made_at = now
        return self.figures


def confusion_figure(matrix: list[list[int]], class_names: list[str]):
    """Rows per (true, predicted) class pair. The axes are categories: labels 0/1 are class names, not values."""
    import plotly.graph_objects as go

    names = [html.escape(class_label(name)) for name in class_names]
    figure = go.Figure(go.Heatmap(
        z=matrix, x=names, y=names, colorscale="Blues", text=matrix, texttemplate=f"%{{text:{COUNT_D3}}}",
        colorbar={"title": {"text": "test rows"}, "tickformat": COUNT_D3},
        hovertemplate=f"true %{{y}}, predicted %{{x}}: %{{z:{COUNT_D3}}} rows<extra></extra>"))
    figure.update_layout(title="Confusion matrix (test rows)", height=320, margin={"l": 10, "r": 10, "t": 40, "b": 10},
                         xaxis={"title": "predicted", "type": "category"},
                         yaxis={"title": "true", "type": "category", "autorange": "reversed"})
    return figure


def roc_figure(roc: dict, positive: str | None = None):
    """The ROC curve of a binary classifier; ``positive`` names the class its rates are of."""
    import plotly.graph_objects as go

    of = f" of {html.escape(class_label(positive))}" if positive is not None else ""
    figure = go.Figure()
    figure.add_trace(go.Scatter(x=roc["fpr"], y=roc["tpr"], mode="lines", name=f"AUC {score(roc['auc'])}"))
    figure.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name="chance", line={"dash": "dot", "color": "grey"}))
    figure.update_layout(title=f"ROC curve{of} (test rows)", height=320, margin={"l": 10, "r": 10, "t": 40, "b": 10},
                         xaxis_title="false positive rate", yaxis_title="true positive rate",
                         legend={"orientation": "h", "y": -0.25})
    return figure

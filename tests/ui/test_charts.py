"""The Train page's and Data page's charts: whole-epoch axes, labels clear of the toolbar, one number style."""

from types import SimpleNamespace

import pytest

from embedlab_ui import charts

HISTORY = {"loss": [0.69, 0.52, 0.41], "val_loss": [0.66, 0.55, 0.50],
           "accuracy": [0.55, 0.74, 0.81], "val_accuracy": [0.58, 0.71, 0.73]}


def _ticks(axis) -> list[float]:
    """The tick positions Plotly draws inside the axis range (from tick0 and dtick)."""
    low, high = axis.range
    step, tick = axis.dtick, axis.tick0
    while tick > low:
        tick -= step
    ticks = []
    while tick <= high + 1e-9:
        if tick >= low - 1e-9:
            ticks.append(tick)
        tick += step
    return ticks


@pytest.mark.parametrize("epochs", [1, 2, 3, 12, 60, 200])
def test_a_finished_run_has_whole_epoch_ticks_from_epoch_one(epochs):
    history = {"loss": [0.5] * epochs, "val_loss": [0.6] * epochs}
    axis = charts.curves_figure({"run": history}, "loss").layout.xaxis
    assert axis.range[0] == 1 and axis.range[1] >= epochs
    ticks = _ticks(axis)
    assert ticks and all(float(tick).is_integer() for tick in ticks)
    assert 2 <= len(ticks) <= 13 or epochs == 1


def test_the_first_epochs_live_curves_span_the_planned_epochs_not_minus_half_to_one_and_a_half():
    progress = SimpleNamespace(epoch=1, epochs=2, batch=40, batches=100, logs={"loss": 0.68, "accuracy": 0.56})
    loss, accuracy = charts.live_curves_figures("my run", {}, progress)
    for figure in (loss, accuracy):
        axis = figure.layout.xaxis
        assert list(axis.range) == [0, 2]
        assert _ticks(axis) == [0, 1, 2]
        assert figure.data[0].x == (0.4,)  # 40% through the first epoch


def test_accuracy_reads_as_a_percentage_and_counts_get_separators():
    accuracy = charts.curves_figure({"run": HISTORY}, "accuracy")
    assert accuracy.layout.yaxis.tickformat.endswith("%")
    assert "%{y:.1%}" in accuracy.data[0].hovertemplate
    confusion = charts.confusion_figure([[1200, 34], [56, 1310]], ["neg", "pos"])
    assert confusion.data[0].texttemplate == "%{text:,d}"
    assert charts.roc_figure({"fpr": [0, 1], "tpr": [0, 1], "auc": 0.83412}).data[0].name == "AUC 0.834"


def test_class_names_are_shown_as_text_not_html():
    figure = charts.confusion_figure([[1, 0], [0, 1]], ["<b>bad</b>", "good"])
    assert figure.data[0].x[0] == "&lt;b&gt;bad&lt;/b&gt;"


@pytest.mark.parametrize("suggested, side", [(40, "left"), (190, "right")])
def test_the_suggested_length_label_sits_inside_the_plot_below_the_toolbar(suggested, side):
    edges = list(range(0, 201, 10))
    figure = charts.text_length_figure(edges, [5] * 20, suggested)
    label = figure.layout.annotations[0]
    assert label.text == f"suggested length {suggested}"
    # Inside the plot's top edge (not above it, where the 10-px margin clipped it) ...
    assert label.yref == "y domain" and label.y == 1 and label.yanchor == "top"
    # ... with a top margin tall enough for Plotly's toolbar (about 30 px) to sit above the plot, not on the label.
    assert figure.layout.margin.t >= 32
    # Near the right edge the label goes to the line's left, so it is not cut at the chart's edge.
    assert label.xanchor == ("left" if side == "left" else "right")


def _progress(batch, epoch=1):
    return SimpleNamespace(epoch=epoch, epochs=3, batch=batch, batches=100, logs={"loss": 0.7 - batch / 1000,
                                                                               "accuracy": 0.5 + batch / 1000})


def test_live_curves_hand_back_the_same_figures_between_redraws_so_the_browser_leaves_them_alone():
    curves = charts.LiveCurves("my run", every=3.0)
    first = curves.current({}, _progress(10), now=100.0)
    assert curves.current({}, _progress(20), now=101.0) is first
    assert curves.current({"loss": [0.6], "accuracy": [0.6]}, _progress(5, epoch=2), now=102.9) is first
    later = curves.current({"loss": [0.6], "accuracy": [0.6]}, _progress(30, epoch=2), now=103.0)
    assert later is not first
    assert later[0].data[0].x == (1, 1.3)  # the finished epoch, then where the running one is now

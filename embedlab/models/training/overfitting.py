"""Whether a training overfit: its accuracy on the rows it learns from ran ahead of rows it never saw.

The rule, from the numbers alone: the gap (training accuracy − held-out accuracy) is open when it
is at least ``MIN_GAP`` (10 points) and at least twice the held-out accuracy's standard error
(``2·√(p(1−p)/n)`` on ``n`` held-out rows), so a few rows of a tiny validation set cannot call it.
With validation curves, the gap is read epoch by epoch, and "opened at" is the first epoch of the
final stretch where it stays open; without them (too few rows for a validation split) the last
epoch's training accuracy is set against the test accuracy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MIN_GAP = 0.10  # ten points of accuracy: below this, training and held-out rows are read as level


@dataclass(frozen=True)
class FitGap:
    """Training accuracy against held-out accuracy at the training's last epoch.

    Example::

        gap = fit_gap({"accuracy": [0.6, 0.9, 0.99], "val_accuracy": [0.6, 0.7, 0.7]}, held_out_rows=200)
        gap.overfitting, gap.opened_at   # True, 2
    """

    training: float
    held_out: float
    against: str  # "validation" or "test": which held-out rows
    threshold: float  # the gap that counts as open here (MIN_GAP, or more on few held-out rows)
    opened_at: int | None = None  # epoch (from 1) the open gap began; None without validation curves

    @property
    def gap(self) -> float:
        return self.training - self.held_out

    @property
    def overfitting(self) -> bool:
        return self.gap >= self.threshold

    def sentence(self) -> str:
        """The finding in plain words, with its numbers and the rule applied."""
        numbers = (f"at the last epoch, training accuracy {_percent(self.training)} against {self.against} "
                   f"accuracy {_percent(self.held_out)}")
        if not self.overfitting:
            return (f"No sign of overfitting: {numbers}, a gap under {_points(self.threshold)} (the rule here: "
                    f"a gap of {_points(self.threshold)} or more is overfitting).")
        since = f" from epoch {self.opened_at} on" if self.opened_at else ""
        return (f"Overfitting{since}: {numbers}, a gap of {_points(self.gap)} (the rule here: "
                f"{_points(self.threshold)} or more). The model learns its training rows by heart rather than what "
                f"carries over to new text; more rows, more dropout, a frozen embedding or fewer epochs narrow it.")


def threshold(held_out: float, held_out_rows: int | None) -> float:
    """The gap that counts as open: ``MIN_GAP``, or twice the held-out accuracy's standard error if larger."""
    if not held_out_rows:
        return MIN_GAP
    standard_error = math.sqrt(max(held_out * (1 - held_out), 0.0) / held_out_rows)
    return max(MIN_GAP, 2 * standard_error)


def fit_gap(history: dict, test_accuracy: float | None = None, held_out_rows: int | None = None,
            test_rows: int | None = None) -> FitGap | None:
    """The training's gap, or None when the history has no training accuracy or nothing held out to compare.

    Args:
        history: Keras' history (``accuracy``, and ``val_accuracy`` when there was a validation split).
        test_accuracy: the run's accuracy on its test rows, used when there are no validation curves.
        held_out_rows: validation rows (for the threshold); ``test_rows`` likewise for the test rows.
    """
    training = [float(value) for value in history.get("accuracy") or []]
    validation = [float(value) for value in history.get("val_accuracy") or []]
    if not training:
        return None
    if validation:
        epochs = min(len(training), len(validation))
        limits = [threshold(validation[epoch], held_out_rows) for epoch in range(epochs)]
        open_epochs = [training[epoch] - validation[epoch] >= limits[epoch] for epoch in range(epochs)]
        opened_at = None
        if open_epochs[-1]:
            opened_at = epochs
            while opened_at > 1 and open_epochs[opened_at - 2]:
                opened_at -= 1
        return FitGap(training[epochs - 1], validation[epochs - 1], "validation", limits[-1], opened_at)
    if test_accuracy is None:
        return None
    return FitGap(training[-1], float(test_accuracy), "test", threshold(float(test_accuracy), test_rows))


def _percent(value: float) -> str:
    return f"{100 * value:.1f}%"


def _points(value: float) -> str:
    return f"{100 * value:.1f} points"

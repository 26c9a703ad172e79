"""How well a study can tell two embeddings apart: the test set's binomial error and the seeds' spread.

An accuracy measured on ``n`` test rows has the binomial standard error ``sqrt(p(1 − p)/n)``,
however many seeds are averaged: every seed is tested on the same rows. A difference of two
embeddings' mean accuracies is then uncertain by

    1.96 · sqrt(se_test(a)² + se_test(b)² + std_a²/k_a + std_b²/k_b)        (95%)

where ``std``/``k`` are the sample spread and number of the seeds (that part only with two
seeds or more: one seed has no spread to measure). The two test errors are added as if the
models erred on unrelated rows, which overstates the error of two models that err on the same
rows: a "level" verdict is the cautious one. ``rows_to_tell(gap, p)`` inverts the test part:
the smallest test set whose margin for a difference is below ``gap``.
"""

from __future__ import annotations

import math

Z95 = 1.96


def sampling_error(accuracy: float, rows: int) -> float:
    """Standard error of an accuracy on ``rows`` test rows (binomial; p kept off 0 and 1 by half a row)."""
    rows = max(int(rows), 1)
    p = min(max(accuracy, 0.5 / rows), 1 - 0.5 / rows)
    return math.sqrt(p * (1 - p) / rows)


def accuracy_interval(accuracy: float, rows: int) -> float:
    """Half-width of the 95% interval of one accuracy on ``rows`` test rows."""
    return Z95 * sampling_error(accuracy, rows)


def difference_margin(a: dict, b: dict, test_rows: int) -> float:
    """Half-width of the 95% interval of ``a["mean"] − b["mean"]``.

    ``a`` and ``b`` are rows of ``summary``: ``{"mean", "std", "runs"}``. The seeds' spread counts
    only when both have two seeds or more; the test set's error always counts when ``test_rows``
    is known.
    """
    variance = 0.0
    if test_rows:
        variance += sampling_error(a["mean"], test_rows) ** 2 + sampling_error(b["mean"], test_rows) ** 2
    if min(a["runs"], b["runs"]) > 1:
        variance += a["std"] ** 2 / a["runs"] + b["std"] ** 2 / b["runs"]
    return Z95 * math.sqrt(variance)


def sampling_margin(a: float, b: float, test_rows: int) -> float:
    """The test set's part alone of ``difference_margin``: what no number of seeds can shrink."""
    return Z95 * math.hypot(sampling_error(a, test_rows), sampling_error(b, test_rows))


def rows_to_tell(gap: float, accuracy: float) -> int:
    """The fewest test rows whose 95% margin for a difference of two accuracies near ``accuracy`` is below ``gap``."""
    p = min(max(accuracy, 0.01), 0.99)
    return int(math.ceil(2 * p * (1 - p) * (Z95 / max(gap, 1e-3)) ** 2))

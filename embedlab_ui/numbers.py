"""One number style for every page: the same kind of number always reads the same way.

Percentages are shown as percentages (0.1001 → "10.0%", a ratio of 0.001 → "0.1%"),
counts get thousands separators ("19,486"), scores a fixed three decimals, durations
in seconds or minutes. Pages and charts format through these, never with ad-hoc
f-strings, so a visitor never has to guess whether 0.1 means 10% or 0.1%.
"""

from __future__ import annotations

import math

# Plotly/d3 formats of the same style, for axes, hover texts and data labels.
PERCENT_D3 = ".1%"
COUNT_D3 = ",d"
SCORE_D3 = ".3f"


def percent(ratio: float | None, decimals: int = 1) -> str:
    """A share in 0..1 as a percentage: ``percent(0.7234)`` → ``"72.3%"``; None or NaN → ``"–"``."""
    if ratio is None or (isinstance(ratio, float) and math.isnan(ratio)):
        return "–"
    return f"{100 * ratio:.{decimals}f}%"


def points(difference: float | None, decimals: int = 1) -> str:
    """A difference of two shares in percentage points, signed: ``points(0.07)`` → ``"+7.0 points"``."""
    if difference is None or (isinstance(difference, float) and math.isnan(difference)):
        return "–"
    return f"{100 * difference:+.{decimals}f} points"


def count(number: int | float | None) -> str:
    """A count with thousands separators: ``count(19486)`` → ``"19,486"``."""
    if number is None or (isinstance(number, float) and math.isnan(number)):
        return "–"
    return f"{int(round(number)):,}"


def score(value: float | None, decimals: int = 3) -> str:
    """A correlation, loss or similarity: ``score(0.63321)`` → ``"0.633"``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:.{decimals}f}"


def seconds(duration: float | None) -> str:
    """A duration for a person: ``"0.8 s"``, ``"14 s"``, ``"3 min 05 s"``."""
    if duration is None or (isinstance(duration, float) and math.isnan(duration)):
        return "–"
    if duration < 10:
        return f"{duration:.1f} s"
    if duration < 60:
        return f"{duration:.0f} s"
    minutes, rest = divmod(int(round(duration)), 60)
    return f"{minutes} min {rest:02d} s"

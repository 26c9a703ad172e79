"""One number style for every page: the same kind of number always reads the same way.

Percentages are shown as percentages (0.1001 → "10.0%", a ratio of 0.001 → "0.1%"),
counts get thousands separators ("19,486"), scores a fixed three decimals, durations
in seconds or minutes. Pages and charts format through these, never with ad-hoc
f-strings, so a visitor never has to guess whether 0.1 means 10% or 0.1%.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable

# Plotly/d3 formats of the same style, for axes, hover texts and data labels.
PERCENT_D3 = ".1%"
COUNT_D3 = ",d"
SCORE_D3 = ".3f"

MISSING = "–"  # what every style shows for no number (None or NaN)


def _dash_when_missing(style: Callable[..., str]) -> Callable[..., str]:
    """``style``, but None or NaN reads ``MISSING``: the wrapped function formats real numbers only."""

    @functools.wraps(style)
    def formatted(value, *args, **kwargs) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return MISSING
        return style(value, *args, **kwargs)

    return formatted


@_dash_when_missing
def percent(ratio: float | None, decimals: int = 1) -> str:
    """A share in 0..1 as a percentage: ``percent(0.7234)`` → ``"72.3%"``; None or NaN → ``"–"``."""
    return f"{100 * ratio:.{decimals}f}%"


@_dash_when_missing
def points(difference: float | None, decimals: int = 1) -> str:
    """A difference of two shares in percentage points, signed: ``points(0.07)`` → ``"+7.0 points"``."""
    return f"{100 * difference:+.{decimals}f} points"


@_dash_when_missing
def count(number: int | float | None) -> str:
    """A count with thousands separators: ``count(19486)`` → ``"19,486"``."""
    return f"{int(round(number)):,}"


@_dash_when_missing
def score(value: float | None, decimals: int = 3) -> str:
    """A correlation, loss or similarity: ``score(0.63321)`` → ``"0.633"``."""
    return f"{value:.{decimals}f}"


@_dash_when_missing
def seconds(duration: float | None) -> str:
    """A duration for a person: ``"0.8 s"``, ``"14 s"``, ``"3 min 05 s"``."""
    if duration < 10:
        return f"{duration:.1f} s"
    if duration < 60:
        return f"{duration:.0f} s"
    minutes, rest = divmod(int(round(duration)), 60)
    return f"{minutes} min {rest:02d} s"


def class_label(name) -> str:
    """A class as a reader sees it: a number-like name gets the word "class" (``"1"`` → ``"class 1"``).

    Labels 0/1 read as values on an axis (Plotly drew −0.5…1.5) and "p(1)" as arithmetic; "class 1" is a name.
    Other names are shown as they are: ``class_label("positive")`` → ``"positive"``.
    """
    text = str(name)
    try:
        float(text)
    except ValueError:
        return text
    return f"class {text}"

"""Numbers read from the server's environment (``EMBEDLAB_*``), checked the same way everywhere.

Whoever runs the server sets them; a visitor never does. A value that is not what the setting
takes is an error that names the variable, what it holds, what it must be and its default,
so the person who can fix it sees how.
"""

from __future__ import annotations

import math
import os

from embedlab.errors import EmbedLabError


def whole_number_setting(name: str, default: int, meaning: str, low: int = 1, high: int | None = None) -> int:
    """``name``'s whole number from ``low`` to ``high`` (no top when None), ``default`` when unset or blank.

    ``meaning`` says what the number counts, for the error: "the cells one study may have".
    """
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    # ASCII digits only: str.isdigit() also takes "²", which int() refuses.
    if not (text.isascii() and text.isdigit()) or int(text) < low or (high is not None and int(text) > high):
        allowed = f"{low} or more" if high is None else f"from {low} to {high}"
        raise EmbedLabError(f"{name} is {text!r}; it must be a whole number, {allowed} ({meaning}). Unset it for "
                            f"the default, {default}")
    return int(text)


def megabytes_setting(name: str, default: float, until_fixed: str) -> int:
    """``name``'s megabytes (a number ≥ 0) as bytes, ``default`` megabytes when unset or blank.

    ``until_fixed`` says what the server does not do meanwhile, for the error: "uploads are refused".
    """
    text = os.environ.get(name, "").strip()
    if not text:
        return int(default * 1_000_000)
    try:
        megabytes = float(text)
    except ValueError:
        megabytes = math.nan
    if not megabytes >= 0 or math.isinf(megabytes):
        raise EmbedLabError(f"the server's {name} is {text!r}, not a number of megabytes (0 or more); {until_fixed} "
                            f"until whoever runs the server fixes it (the default is {default:g})")
    return int(megabytes * 1_000_000)

"""``json.dumps``'s ``default`` for what the standard library cannot write: numpy's arrays and numbers.

One function for the run files (``embedlab.models.runs``) and the command line's ``--json``.

Example:
    >>> import json, numpy as np
    >>> json.dumps({"scores": np.array([0.5, 1.0]), "rows": np.int64(3)}, default=jsonable)
    '{"scores": [0.5, 1.0], "rows": 3}'
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def jsonable(value: Any, fallback: Callable[[Any], Any] | None = None) -> Any:
    """``value`` as something JSON can hold: an array (or a numpy number) through ``tolist``, else ``item``.

    Anything else goes to ``fallback`` (the command line prints ``str`` of it); without one it is
    a TypeError, as ``json.dumps`` would raise: a run's files hold only what reads back the same.
    """
    if hasattr(value, "tolist"):
        return value.tolist()
    if hasattr(value, "item"):
        return value.item()
    if fallback is not None:
        return fallback(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")

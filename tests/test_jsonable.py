"""``embedlab.jsonable``: the one json.dumps fallback of the run files and the command line."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path

import numpy as np
import pytest

from embedlab.jsonable import jsonable


def test_numpy_values_become_plain_numbers_and_lists():
    payload = {"scores": np.array([[0.5, 1.0]], dtype=np.float32), "rows": np.int64(3), "ok": np.bool_(True)}
    assert json.loads(json.dumps(payload, default=jsonable)) == {"scores": [[0.5, 1.0]], "rows": 3, "ok": True}


def test_anything_else_is_refused_unless_a_fallback_says_how():
    with pytest.raises(TypeError, match="PosixPath is not JSON serialisable|WindowsPath"):
        json.dumps({"folder": Path("runs")}, default=jsonable)  # a run's files hold only what reads back the same
    assert json.dumps({"folder": Path("runs")}, default=partial(jsonable, fallback=str)) == '{"folder": "runs"}'

"""A run's model is loaded and traced once per server for each model file's content, never named by a visitor."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from embedlab.models.runs.catalog import Run, read_run, rename_run
from embedlab_ui import runs as ui_runs


@pytest.fixture
def two_copies(tiny_run, tmp_path):
    """The same run in two visitors' workspaces, renamed by the second visitor."""
    first = read_run(shutil.copytree(tiny_run.path, tmp_path / "alice" / tiny_run.run_id))
    second = rename_run(read_run(shutil.copytree(tiny_run.path, tmp_path / "bob" / tiny_run.run_id)), "bob's secret")
    ui_runs._shared_model.clear()
    ui_runs._shared_predictor.clear()
    return first, second


@pytest.fixture
def loads(monkeypatch) -> list[str]:
    """The run folders whose model was read from disk."""
    seen = []
    real = Run.load_model

    def counted(run):
        seen.append(str(run.path))
        return real(run)

    monkeypatch.setattr(Run, "load_model", counted)
    return seen


def test_two_visitors_with_the_same_model_file_share_one_load_and_one_trace(two_copies, loads):
    first, second = two_copies
    assert first.fingerprint == second.fingerprint

    alice, bob = ui_runs.run_predictor(first), ui_runs.run_predictor(second)

    assert len(loads) == 1
    assert alice.model is bob.model and alice._probabilities is bob._probabilities
    np.testing.assert_array_equal(alice.predict_proba(["a wonderful film"]), bob.predict_proba(["a wonderful film"]))


def test_each_visitor_sees_their_own_run_name_never_the_other_ones(two_copies):
    first, second = two_copies

    bob = ui_runs.run_predictor(second)
    alice = ui_runs.run_predictor(first)

    assert bob.name == "bob's secret"
    assert alice.name == first.name != "bob's secret"
    assert ui_runs.run_predictor(second).name == "bob's secret"  # the shared copy was not renamed by Alice's view

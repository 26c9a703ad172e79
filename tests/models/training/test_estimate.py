"""Seconds per epoch before training: scaled from past runs like this one, else from the calibrated table."""

from types import SimpleNamespace

import pytest

from embedlab.models.architecture import ModelConfig
from embedlab.models.training.estimate import CALIBRATION, estimate_epoch_seconds, training_rows
from embedlab.models.training.options import TrainingOptions


def _past_run(encoder="lstm", seconds=20.0, epochs_run=4, train_rows=1_000, sequence_length=50, units=64,
              batch_size=32):
    """What a saved run holds that the estimate reads."""
    return SimpleNamespace(
        config={"model": {"encoder": encoder, "sequence_length": sequence_length, "units": units},
                "dataset": {"train_rows": train_rows}, "training": {"batch_size": batch_size}},
        metrics={"seconds": seconds, "epochs_run": epochs_run})


def test_training_rows_are_what_the_test_and_validation_splits_leave():
    assert training_rows(10_000, TrainingOptions(test_split=0.2, validation_split=0.1)) == 7_200


@pytest.mark.parametrize("rows, length, expected", [
    (10_000 / 0.72, 50, 50.0),   # ten times the rows of the past run: ten times its 5 s per epoch
    (1_000 / 0.72, 100, 10.0),   # the same rows, twice the tokens: twice the time
])
def test_past_runs_of_the_same_encoder_scale_by_rows_times_tokens(rows, length, expected):
    estimate = estimate_epoch_seconds(ModelConfig(encoder="lstm", sequence_length=length), TrainingOptions(),
                                      round(rows), [_past_run()])
    assert estimate.source == "past runs" and estimate.runs_used == 1
    assert estimate.seconds == pytest.approx(expected, rel=1e-3)


@pytest.mark.parametrize("unlike", [{"encoder": "gru"}, {"units": 128}, {"batch_size": 64}, {"seconds": 0}])
def test_runs_unlike_this_training_are_not_used(unlike):
    estimate = estimate_epoch_seconds(ModelConfig(encoder="lstm"), TrainingOptions(), 5_000, [_past_run(**unlike)])
    assert estimate.source == "table"


def test_without_past_runs_the_calibrated_table_gives_the_time():
    config, options = ModelConfig(encoder="pooling", sequence_length=40), TrainingOptions(epochs=5)
    estimate = estimate_epoch_seconds(config, options, 10_000)
    assert estimate.source == "table" and estimate.train_rows == 7_200
    assert estimate.seconds == pytest.approx(CALIBRATION["pooling"] * 7_200 * 40)
    assert estimate.total(5) == pytest.approx(5 * estimate.seconds)


def test_the_newest_runs_count_and_their_median_damps_one_slow_run():
    runs = [_past_run(seconds=20.0), _past_run(seconds=200.0), _past_run(seconds=24.0)]
    estimate = estimate_epoch_seconds(ModelConfig(encoder="lstm", sequence_length=50), TrainingOptions(), 1_389, runs)
    assert estimate.seconds == pytest.approx(6.0, rel=1e-2)  # the median run: 24 s over 4 epochs

"""How long an epoch will take on this server, before anything is trained.

An epoch's work grows with the training rows times the sequence length (every token of
every row passes through the encoder), so a time measured once scales to other data by
that product. The measurement comes from this workspace's past runs with the same encoder,
batch size and encoder size when there are some (their ``seconds`` over ``epochs_run`` and
``train_rows``), and otherwise from ``CALIBRATION``, measured on this kind of server by
``bench/bench_epoch_seconds.py`` (the current figure is in ``bench/README.md``, its runs in
``bench/journal/``) for the page's default encoder size and batch. Either way it is an estimate: other visitors'
trainings, a busy machine, and for the table other sizes and batches change it.

    estimate = estimate_epoch_seconds(ModelConfig(encoder="pooling"), TrainingOptions(), rows=10_566)
    estimate.seconds, estimate.source       # seconds per epoch, "table" or "past runs"
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from embedlab.models.architecture import ModelConfig
from embedlab.models.training.options import TrainingOptions

# Seconds per training row per token in one epoch (tracing the model in the first epoch shared
# out), with the page's defaults: 64 units, random embedding of 50, batch 32. How each figure
# was had, measured or derived, is in bench/journal/2026-11-30.md ("Epoch estimate"); re-measure with
# bench/bench_epoch_seconds.py on a quiet server.
CALIBRATION = {"lstm": 12e-6, "bilstm": 24e-6, "gru": 10e-6, "conv1d": 11e-6, "pooling": 3e-6}
RECENT_RUNS = 5  # the newest matching runs are used: the server's load changes over a day


@dataclass(frozen=True)
class EpochEstimate:
    """Seconds per epoch expected, and where the figure came from."""

    seconds: float
    source: str  # "past runs" or "table"
    runs_used: int = 0
    train_rows: int = 0

    def total(self, epochs: int) -> float:
        """Seconds for ``epochs`` epochs (early stopping may end sooner)."""
        return self.seconds * epochs


def training_rows(rows: int, options: TrainingOptions) -> int:
    """Rows a training fits on: what is left after the test split, less the validation split."""
    return max(1, round(rows * (1 - options.test_split) * (1 - options.validation_split)))


def _cost_of(run, config: ModelConfig, options: TrainingOptions) -> float | None:
    """Seconds per training row per token of a past run like this one; None if it is not comparable."""
    model, data, training, metrics = (run.config.get("model", {}), run.config.get("dataset", {}),
                                      run.config.get("training", {}), run.metrics)
    if (model.get("encoder"), model.get("units"), training.get("batch_size")) != (
            config.encoder, config.units, options.batch_size):
        return None
    seconds, epochs = metrics.get("seconds"), metrics.get("epochs_run")
    rows, length = data.get("train_rows"), model.get("sequence_length")
    if not (seconds and epochs and rows and length):
        return None
    return seconds / epochs / (rows * length)


def estimate_epoch_seconds(config: ModelConfig, options: TrainingOptions, rows: int,
                           past_runs=()) -> EpochEstimate:
    """Seconds one epoch of ``config`` on ``rows`` rows should take here.

    Args:
        config, options: the training about to start.
        rows: rows in the dataset (the test and validation splits are taken off).
        past_runs: saved runs (``embedlab.models.runs.catalog.Run``), newest first.

    Returns:
        an ``EpochEstimate``; ``source`` says whether past runs or the calibrated table gave it.
    """
    train_rows = training_rows(rows, options)
    row_tokens = train_rows * config.sequence_length
    costs = [cost for cost in (_cost_of(run, config, options) for run in past_runs) if cost is not None]
    if costs:
        recent = costs[:RECENT_RUNS]
        return EpochEstimate(statistics.median(recent) * row_tokens, "past runs", len(recent), train_rows)
    return EpochEstimate(CALIBRATION[config.encoder] * row_tokens, "table", 0, train_rows)

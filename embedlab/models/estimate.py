"""How long an epoch will take on this server, before anything is trained.

An epoch's work grows with the training rows times the sequence length (every token of
every row passes through the encoder), so a time measured once scales to other data by
that product. The measurement comes from this workspace's past runs with the same encoder,
batch size and encoder size when there are some (their ``seconds`` over ``epochs_run`` and
``train_rows``), and otherwise from ``CALIBRATION``, measured on this kind of server by
``bench/bench_epoch_seconds.py`` (the figures and the date are in ``bench/README.md``).
Either way it is an estimate: other visitors' trainings and a busy machine change it.

    estimate = estimate_epoch_seconds(ModelConfig(encoder="pooling"), TrainingOptions(), rows=10_566)
    estimate.seconds, estimate.source       # seconds per epoch, "table" or "past runs"
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from embedlab.models.architecture import ModelConfig
from embedlab.models.training_options import TrainingOptions

# Per encoder: (seconds per training row per token in one epoch, seconds to start a run), with the
# page's defaults (random embedding of 50, 64 units, batch 32), from bench/bench_epoch_seconds.py.
CALIBRATION = {"lstm": (12e-6, 3.0), "bilstm": (22e-6, 5.0), "gru": (12e-6, 3.0), "conv1d": (3e-6, 1.5),
               "pooling": (1.5e-6, 1.0)}
CALIBRATED_UNITS, CALIBRATED_BATCH = 64, 32
RECENT_RUNS = 5  # the newest matching runs are used: the server's load changes over a day


@dataclass(frozen=True)
class EpochEstimate:
    """Seconds per epoch expected, and where the figure came from."""

    seconds: float
    source: str  # "past runs" or "table"
    runs_used: int = 0
    train_rows: int = 0
    start: float = 0.0  # building and tracing the model before the first batch (past runs count it in their epochs)

    def total(self, epochs: int) -> float:
        """Seconds for ``epochs`` epochs (early stopping may end sooner)."""
        return self.start + self.seconds * epochs


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
        past_runs: saved runs (``embedlab.models.runs.Run``), newest first.

    Returns:
        an ``EpochEstimate``; ``source`` says whether past runs or the calibrated table gave it.
    """
    train_rows = training_rows(rows, options)
    row_tokens = train_rows * config.sequence_length
    costs = [cost for cost in (_cost_of(run, config, options) for run in past_runs) if cost is not None]
    if costs:
        recent = costs[:RECENT_RUNS]
        return EpochEstimate(statistics.median(recent) * row_tokens, "past runs", len(recent), train_rows)
    cost, start = CALIBRATION[config.encoder]
    if config.encoder != "pooling":  # the encoder's work grows with its size; pooling has none
        cost *= config.units / CALIBRATED_UNITS
    cost *= (CALIBRATED_BATCH / options.batch_size) ** 0.5  # smaller batches: more steps, each less full
    return EpochEstimate(cost * row_tokens, "table", 0, train_rows, start)

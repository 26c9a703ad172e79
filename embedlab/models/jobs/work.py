"""What every backend runs where the training runs: its environment, TensorFlow's threads, train then save.

A thread of the server, a spawned worker process and a Ray task all end in
``train_and_save``; the backends that train elsewhere send ``outcome`` (plain data: the
saved run's location, metrics, history, stopped) back to the server. This module is the
one place the jobs import ``train`` from, inside the function: the server's side of a
backend, and the job interface above it, stay light.
"""

from __future__ import annotations

import os
import threading

from embedlab.models.jobs.base import TrainingSpec
from embedlab.models.jobs.slots import TRAINING_SLOTS


def job_environment() -> dict[str, str]:
    """The variables a job reads where it trains (run storage credentials, EmbedLab settings), as they are now.

    A worker outlives the moment it was spawned; the server's settings at submission count.
    """
    return {key: value for key, value in os.environ.items() if key.startswith(("AWS_", "EMBEDLAB_"))}


def configure_tensorflow_threads(slots: int = TRAINING_SLOTS) -> None:
    """Give TensorFlow's op pools one share of the cores each, so parallel trainings do not oversubscribe.

    Only possible before TensorFlow starts its runtime; later calls change nothing.
    """
    import tensorflow as tf

    cores = os.cpu_count() or 1
    try:
        tf.config.threading.set_intra_op_parallelism_threads(max(1, cores // slots))
        tf.config.threading.set_inter_op_parallelism_threads(max(1, cores // slots))
    except RuntimeError:
        pass  # the runtime is already up (another page used TensorFlow first)


def train_and_save(spec: TrainingSpec, on_progress, stop_event: threading.Event):
    """Train ``spec`` (reporting to ``on_progress``, ending early once ``stop_event`` is set) and save its run.

    Returns ``(TrainingResult, Run or None)``: None when the spec names no runs folder.
    """
    from embedlab.models.training.fit import train

    result = train(spec.dataset, spec.config, spec.options, spec.vectors, on_progress, stop_event,
                   **spec.train_arguments())
    run = result.save(spec.save_to) if spec.save_to is not None else None
    return result, run


def outcome(result, run) -> dict:
    """What a finished training tells the server (``QueuedJob._finished`` reads it): plain data, to pickle or ship."""
    return {"run": (run.location or str(run.path)) if run is not None else None, "metrics": result.metrics,
            "history": result.history, "stopped": result.stopped}

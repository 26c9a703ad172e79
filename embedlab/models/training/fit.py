"""Training a classifier on a LabelledDataset: split, fit, keep the best epoch, measure on held-out rows.

    dataset → stratified test split (kept apart) → validation split → fit → test metrics

``train`` is what the command line, the tests and every job backend call
(``embedlab.models.jobs`` runs it in the background for the app). It blocks until the
fit ends; a ``progress`` callable and a ``stop_event`` are how a caller watches and
stops it. TensorFlow is imported inside the function: importing this module is cheap.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from embedlab.data.labelled import LabelledDataset
from embedlab.models.architecture import ModelConfig
from embedlab.models.training.callbacks import keras_callbacks
from embedlab.models.training.splits import DataSplit, split_dataset
from embedlab.models.training.options import TrainingOptions


@dataclass
class TrainingResult:
    """A trained model and everything saved with it as a run."""

    model: object
    config: dict  # the run config (see ``run_config``)
    history: dict[str, list[float]]
    metrics: dict
    test_split: object  # DataFrame: text, label (int), class
    best_epoch: int | None
    stopped: bool  # True when the Stop button (stop_event) ended the training
    elapsed: float
    evaluation: object = None  # embedlab.models.evaluation.Evaluation

    def save(self, directory: Path | str, name: str | None = None):
        """Save as a run in ``directory`` (atomic) and return the ``Run``."""
        from embedlab.models.runs.catalog import save_run

        config = {**self.config, "name": name} if name else self.config
        return save_run(directory, self.model, config, self.history, self.metrics, test_split=self.test_split)


def run_config(dataset: LabelledDataset, config: ModelConfig, options: TrainingOptions, split: DataSplit,
               name: str = "", text_column: str = "text", label_column: str = "label", **extra) -> dict:
    """The JSON description saved with a run (what was trained on, and how)."""
    return {
        "name": name or f"{config.embedding} {config.encoder}",
        "model": config.to_dict(),
        "class_names": list(dataset.class_names),
        "dataset": {"name": dataset.name, "text_column": text_column, "label_column": label_column,
                    "rows": len(dataset), "train_rows": len(split.train),
                    "validation_rows": len(split.validation), "test_rows": len(split.test)},
        "training": {**options.to_dict(), **extra},
    }


def training_batches(texts: np.ndarray, labels: np.ndarray, batch_size: int, seed: int):
    """The training rows as one endless stream of batches, reshuffled every epoch.

    Handing ``fit`` arrays makes Keras build a new tf.data iterator every epoch (about 16 ms each
    here); an endless stream with ``steps_per_epoch`` keeps one. On the 100–300-row cells of a
    study, which train for 60 epochs of a few batches, that was a large part of each cell's time.
    """
    import tensorflow as tf

    rows = tf.data.Dataset.from_tensor_slices((texts.astype(str), labels))
    shuffled = rows.shuffle(len(texts), seed=seed, reshuffle_each_iteration=True)
    return shuffled.batch(batch_size).repeat().prefetch(1)


def train(dataset: LabelledDataset, config: ModelConfig, training_options: TrainingOptions | None = None,
          vectors=None, progress=None, stop_event: threading.Event | None = None, name: str = "",
          text_column: str = "text", label_column: str = "label", report_every: float = 0.1,
          train_rows=None, test_rows=None) -> TrainingResult:
    """Train a classifier on ``dataset`` and measure it on a held-out test split.

    Args:
        dataset: texts and labels.
        config: the model's shape; ``num_classes`` comes from the dataset (and a GloVe model's
            ``output_dim`` from ``vectors``) in the run's copy, never in the caller's config.
        training_options: epochs, batch size, seed, splits, early stopping.
        vectors: word vectors, needed for the GloVe embedding kinds.
        progress: optional ``callable(Progress)``, called after each epoch and after batches
            at most every ``report_every`` seconds (0: after every batch).
        stop_event: a ``threading.Event``; once set, training ends after the current
            batch and the best epoch's weights are kept.
        name: the run's name.
        train_rows, test_rows: row numbers chosen by the caller (a study cell): the test set is
            exactly ``test_rows``, training and validation rows come from ``train_rows``
            (validation split off per the options). None: the options split the whole dataset.

    Returns:
        a ``TrainingResult``; ``.save(folder)`` writes it as a run.

    Example::

        result = train(builtin_dataset(), ModelConfig(encoder="pooling"), TrainingOptions(epochs=3))
        result.metrics["accuracy"]
    """
    import keras
    import pandas as pd

    from embedlab.models.architecture import build_model, build_vectorizer
    from embedlab.models.evaluation import evaluate_model

    options = (training_options or TrainingOptions()).validate()
    config = replace(config, num_classes=dataset.num_classes).validate()  # a copy: the caller's stays as it was
    split = split_dataset(dataset, options, train_rows, test_rows)
    texts = np.asarray(dataset.texts, dtype=object)
    labels = np.asarray(dataset.labels, dtype=np.int64)
    keras.utils.set_random_seed(options.seed)
    vectorizer = build_vectorizer(config, texts[split.train].tolist())
    model = build_model(config, vectorizer, vectors)
    if config.embedding != "random":  # the vectors set a GloVe embedding's size; the run records it
        config = replace(config, output_dim=vectors.dim)

    has_validation = len(split.validation) > 0
    monitor = options.monitor if has_validation else options.monitor.removeprefix("val_")
    batches = int(np.ceil(len(split.train) / options.batch_size))
    history: dict[str, list[float]] = {}
    LiveProgress, BestWeights = keras_callbacks()
    live = LiveProgress(options.epochs, batches, progress, stop_event, history, report_every)
    best = BestWeights(monitor, options.patience if options.early_stopping else None)
    started = time.monotonic()
    model.fit(
        training_batches(texts[split.train], labels[split.train], options.batch_size, options.seed),
        steps_per_epoch=batches,
        validation_data=(texts[split.validation], labels[split.validation]) if has_validation else None,
        epochs=options.epochs, batch_size=options.batch_size if has_validation else None, shuffle=False, verbose=0,
        callbacks=[live, best],
    )
    elapsed = time.monotonic() - started
    evaluation = evaluate_model(model, texts[split.test].tolist(), labels[split.test], list(dataset.class_names))
    to_best = live.epoch_ends[best.best_epoch - 1] if best.best_epoch and live.epoch_ends else None
    metrics = {**evaluation.to_dict(), "best_epoch": best.best_epoch, "epochs_run": len(history.get("loss", [])),
               "stopped": live.stopped, "seconds": round(elapsed, 2),
               "seconds_to_best": round(to_best, 2) if to_best is not None else None,
               "f1_macro": float(np.mean([row["f1"] for row in evaluation.per_class])),
               "embedding_coverage": getattr(model, "embedding_coverage", None)}
    test_split = pd.DataFrame({"text": texts[split.test].tolist(), "label": labels[split.test],
                               "class": [dataset.class_names[i] for i in labels[split.test]]})
    config_dict = run_config(dataset, config, options, split, name, text_column, label_column)
    return TrainingResult(model, config_dict, history, metrics, test_split, best.best_epoch, live.stopped,
                          elapsed, evaluation)

"""Training a classifier on a LabelledDataset: the split, the fit loop, stopping, jobs.

    dataset → stratified test split (kept apart) → validation split → fit → test metrics

``train`` is what the page, the command line and the tests all call. ``TrainingJob``
runs ``train`` in a background thread for the app, so one visitor's training does not
freeze the server for others; a process-wide queue lets only ``TRAINING_SLOTS``
trainings run at once (the others wait, and know how many are ahead of them).
TensorFlow is imported inside the functions: importing this module is cheap.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from embedlab.data.labelled import LabelledDataset
from embedlab.errors import EmbedLabError
from embedlab.models.architecture import ModelConfig

MONITORS = ("val_loss", "val_accuracy")
# Trainings running at once in one server process; 2 cores fit one fit loop well.
TRAINING_SLOTS = max(1, int(os.environ.get("EMBEDLAB_TRAINING_SLOTS", "1")))


@dataclass
class TrainingOptions:
    """How to train (the model's shape is ``ModelConfig``; the learning rate lives there too).

    Args:
        epochs: passes over the training rows.
        batch_size: rows per gradient step.
        seed: seeds the split, the weights and the shuffling (``keras.utils.set_random_seed``).
        test_split: share of rows held out for the test metrics, never trained or validated on.
        validation_split: share of the remaining rows used to pick the best epoch.
        early_stopping: stop when ``monitor`` has not improved for ``patience`` epochs.
        monitor: ``val_loss`` or ``val_accuracy``; the best epoch by it is kept.
    """

    epochs: int = 10
    batch_size: int = 32
    seed: int = 0
    test_split: float = 0.2
    validation_split: float = 0.1
    early_stopping: bool = True
    patience: int = 3
    monitor: str = "val_loss"

    def validate(self) -> "TrainingOptions":
        if not 1 <= self.epochs <= 1_000:
            raise EmbedLabError(f"epochs {self.epochs} is out of range; pick 1 to 1,000")
        if not 1 <= self.batch_size <= 65_536:
            raise EmbedLabError(f"batch size {self.batch_size} is out of range; pick 1 to 65,536")
        if not 0.0 < self.test_split < 0.9:
            raise EmbedLabError(f"test split {self.test_split} is out of range; pick a share between 0.05 and 0.5")
        if not 0.0 <= self.validation_split < 0.9:
            raise EmbedLabError(
                f"validation split {self.validation_split} is out of range; pick 0 (none) up to 0.5"
            )
        if self.monitor not in MONITORS:
            raise EmbedLabError(f"monitor '{self.monitor}' is not known; pick one of {', '.join(MONITORS)}")
        if self.patience < 1:
            raise EmbedLabError(f"patience {self.patience} is too small; pick 1 or more epochs")
        return self

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class DataSplit:
    """Indices into a dataset: train, validation and test, disjoint."""

    train: np.ndarray
    validation: np.ndarray
    test: np.ndarray


def stratified_split(labels: np.ndarray, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Split row indices into ``(rest, held_out)`` with about ``fraction`` of every class held out.

    Every class with two or more rows gives at least one row to each side, so a small
    class is still tested; indices come back sorted. Example::

        rest, test = stratified_split(np.array([0, 0, 0, 0, 1, 1, 1, 1]), 0.25, seed=0)
        # one 0 and one 1 in test
    """
    labels = np.asarray(labels)
    rng = np.random.default_rng(seed)
    held_out = []
    for value in np.unique(labels):
        rows = rng.permutation(np.flatnonzero(labels == value))
        count = int(round(len(rows) * fraction))
        if fraction > 0 and len(rows) >= 2:
            count = min(max(count, 1), len(rows) - 1)
        held_out.append(rows[:count])
    held = np.sort(np.concatenate(held_out)) if held_out else np.array([], dtype=int)
    rest = np.setdiff1d(np.arange(len(labels)), held)
    return rest, held


def split_dataset(dataset: LabelledDataset, options: TrainingOptions) -> DataSplit:
    """The test split first (seeded, stratified), then the validation split from the rest."""
    check_dataset(dataset)
    rest, test = stratified_split(dataset.labels, options.test_split, options.seed)
    train_part, validation_part = stratified_split(dataset.labels[rest], options.validation_split, options.seed + 1)
    return DataSplit(rest[train_part], rest[validation_part], test)


def check_dataset(dataset: LabelledDataset) -> None:
    """EmbedLabError unless every class has enough rows to train and test on."""
    labels = np.asarray(dataset.labels)
    if len(dataset.texts) != len(labels):
        raise EmbedLabError(f"{len(dataset.texts)} texts but {len(labels)} labels; every text needs one label")
    if dataset.num_classes < 2 or len(np.unique(labels)) < 2:
        raise EmbedLabError(
            f"the dataset has {len(np.unique(labels))} distinct label(s); a classifier needs at least 2 — "
            "pick another label column"
        )
    counts = np.bincount(labels, minlength=dataset.num_classes)
    thin = [f"'{dataset.class_names[i]}' ({count})" for i, count in enumerate(counts) if count < 3]
    if thin:
        raise EmbedLabError(
            f"class {', '.join(thin)} has fewer than 3 rows, too few to train, validate and test on; "
            "add rows or merge the class into another"
        )


def default_sequence_length(texts: list[str]) -> int:
    """The sequence length the Data page suggests: the 95th percentile of token counts, rounded up
    to a multiple of 8 (``dataset_stats.suggested_sequence_length``), from the first 20,000 texts."""
    from embedlab.data.stats import MIN_SEQUENCE_LENGTH, suggested_sequence_length
    from embedlab.text import tokenize

    if not texts:
        return MIN_SEQUENCE_LENGTH
    lengths = [len(tokenize(text)) for text in texts[:20_000]]
    return suggested_sequence_length(float(np.percentile(lengths, 95)))


@dataclass
class Progress:
    """Where a training is: what a progress bar, a time estimate and live curves need."""

    epoch: int  # 1-based, the epoch running now
    epochs: int
    batch: int  # batches done in this epoch
    batches: int  # batches per epoch
    logs: dict = field(default_factory=dict)  # running train loss/accuracy of this epoch
    elapsed: float = 0.0  # seconds since the fit began
    eta: float | None = None  # seconds left (all epochs), None until a batch is done
    history: dict | None = None  # per-epoch metrics so far; set on the report at each epoch's end

    @property
    def fraction(self) -> float:
        """Share of all batches done, 0 to 1."""
        total = max(1, self.epochs * self.batches)
        return min(1.0, ((self.epoch - 1) * self.batches + self.batch) / total)


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
        from embedlab.models.runs import save_run

        config = {**self.config, "name": name} if name else self.config
        return save_run(directory, self.model, config, self.history, self.metrics, test_split=self.test_split)


def _callbacks_module():
    import keras

    class LiveProgress(keras.callbacks.Callback):
        """Reports batches and epochs to ``progress``, and stops after a batch when ``stop_event`` is set."""

        def __init__(self, epochs, batches, progress=None, stop_event=None, history=None, every=0.1):
            super().__init__()
            # Batch reports closer together than ``every`` seconds are skipped: reading the logs
            # makes TensorFlow hand its numbers over, which costs time on every small batch.
            self.every, self.last_report = every, float("-inf")
            self.epochs, self.batches = epochs, batches
            self.progress, self.stop_event = progress, stop_event
            self.history = history if history is not None else {}
            self.stopped = False
            self.epoch = 0
            self.started = time.monotonic()

        def _report(self, batch, logs, history=None):
            if self.progress is None:
                return
            elapsed = time.monotonic() - self.started
            done = self.epoch * self.batches + batch
            remaining = self.epochs * self.batches - done
            eta = elapsed / done * remaining if done else None
            self.progress(Progress(self.epoch + 1, self.epochs, batch, self.batches,
                                   {k: float(v) for k, v in (logs or {}).items()}, elapsed, eta, history))

        def on_train_begin(self, logs=None):
            self.started = time.monotonic()
            self._report(0, {})

        def on_epoch_begin(self, epoch, logs=None):
            self.epoch = epoch

        def on_train_batch_end(self, batch, logs=None):
            now = time.monotonic()
            if now - self.last_report >= self.every or batch + 1 == self.batches:
                self.last_report = now
                self._report(batch + 1, logs)
            if self.stop_event is not None and self.stop_event.is_set():
                self.model.stop_training = True
                self.stopped = True

        def on_epoch_end(self, epoch, logs=None):
            for key, value in (logs or {}).items():
                self.history.setdefault(key, []).append(float(value))
            self._report(self.batches, {k: v for k, v in (logs or {}).items() if not k.startswith("val_")},
                         {key: list(values) for key, values in self.history.items()})

    class BestWeights(keras.callbacks.Callback):
        """Keep the best epoch's weights (by ``monitor``) and restore them when training ends, however it ends.

        Keras' EarlyStopping restores only when patience ran out; a Stop pressed by a
        person must keep the best weights too.
        """

        def __init__(self, monitor="val_loss", patience=None):
            super().__init__()
            self.monitor, self.patience = monitor, patience
            self.best, self.best_epoch, self.best_weights, self.wait = None, None, None, 0

        def _better(self, value):
            if self.best is None:
                return True
            return value > self.best if self.monitor.endswith("accuracy") else value < self.best

        def on_epoch_end(self, epoch, logs=None):
            value = (logs or {}).get(self.monitor)
            if value is None:
                return
            if self._better(float(value)):
                self.best, self.best_epoch, self.wait = float(value), epoch + 1, 0
                self.best_weights = self.model.get_weights()
            else:
                self.wait += 1
                if self.patience is not None and self.wait >= self.patience:
                    self.model.stop_training = True

        def on_train_end(self, logs=None):
            if self.best_weights is not None:
                self.model.set_weights(self.best_weights)

    return LiveProgress, BestWeights


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


def train(dataset: LabelledDataset, config: ModelConfig, training_options: TrainingOptions | None = None,
          vectors=None, progress=None, stop_event: threading.Event | None = None, name: str = "",
          text_column: str = "text", label_column: str = "label", report_every: float = 0.1) -> TrainingResult:
    """Train a classifier on ``dataset`` and measure it on a held-out test split.

    Args:
        dataset: texts and labels.
        config: the model's shape (``num_classes`` is set from the dataset).
        training_options: epochs, batch size, seed, splits, early stopping.
        vectors: word vectors, needed for the GloVe embedding kinds.
        progress: optional ``callable(Progress)``, called after each epoch and after batches
            at most every ``report_every`` seconds (0: after every batch).
        stop_event: a ``threading.Event``; once set, training ends after the current
            batch and the best epoch's weights are kept.
        name: the run's name.

    Returns:
        a ``TrainingResult``; ``.save(folder)`` writes it as a run.

    Example::

        result = train(builtin_dataset(), ModelConfig(encoder="pooling"), TrainingOptions(epochs=3))
        result.metrics["accuracy"]
    """
    import keras
    import pandas as pd

    from embedlab.models.evaluation import evaluate_model
    from embedlab.models.architecture import build_model, build_vectorizer

    options = (training_options or TrainingOptions()).validate()
    config.num_classes = dataset.num_classes
    config.validate()
    split = split_dataset(dataset, options)
    texts = np.asarray(dataset.texts, dtype=object)
    labels = np.asarray(dataset.labels, dtype=np.int64)
    keras.utils.set_random_seed(options.seed)
    vectorizer = build_vectorizer(config, texts[split.train].tolist())
    model = build_model(config, vectorizer, vectors)

    has_validation = len(split.validation) > 0
    monitor = options.monitor if has_validation else options.monitor.removeprefix("val_")
    batches = int(np.ceil(len(split.train) / options.batch_size))
    history: dict[str, list[float]] = {}
    LiveProgress, BestWeights = _callbacks_module()
    live = LiveProgress(options.epochs, batches, progress, stop_event, history, report_every)
    best = BestWeights(monitor, options.patience if options.early_stopping else None)
    started = time.monotonic()
    model.fit(
        texts[split.train], labels[split.train],
        validation_data=(texts[split.validation], labels[split.validation]) if has_validation else None,
        epochs=options.epochs, batch_size=options.batch_size, shuffle=True, verbose=0,
        callbacks=[live, best],
    )
    elapsed = time.monotonic() - started
    evaluation = evaluate_model(model, texts[split.test].tolist(), labels[split.test], list(dataset.class_names))
    metrics = {**evaluation.to_dict(), "best_epoch": best.best_epoch, "epochs_run": len(history.get("loss", [])),
               "stopped": live.stopped, "seconds": round(elapsed, 2),
               "embedding_coverage": getattr(model, "embedding_coverage", None)}
    test_split = pd.DataFrame({"text": texts[split.test].tolist(), "label": labels[split.test],
                               "class": [dataset.class_names[i] for i in labels[split.test]]})
    config_dict = run_config(dataset, config, options, split, name, text_column, label_column)
    return TrainingResult(model, config_dict, history, metrics, test_split, best.best_epoch, live.stopped,
                          elapsed, evaluation)


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


class _SlotQueue:
    """A first-come, first-served queue in front of ``slots`` concurrent trainings."""

    def __init__(self, slots: int) -> None:
        self.slots = slots
        self.running = 0
        self.waiting: list[object] = []
        self.condition = threading.Condition()

    def acquire(self, job, cancel: threading.Event) -> bool:
        """Wait for a slot in turn; False if ``cancel`` was set while waiting."""
        with self.condition:
            self.waiting.append(job)
            try:
                while self.waiting[0] is not job or self.running >= self.slots:
                    if cancel.is_set():
                        return False
                    self.condition.wait(0.2)
                self.running += 1
                return True
            finally:
                self.waiting.remove(job)
                self.condition.notify_all()

    def release(self) -> None:
        with self.condition:
            self.running -= 1
            self.condition.notify_all()

    def ahead_of(self, job) -> int:
        """Trainings that will start before ``job`` (running ones included); 0 once it runs."""
        with self.condition:
            if job not in self.waiting:
                return 0
            return self.running + self.waiting.index(job)


SLOTS = _SlotQueue(TRAINING_SLOTS)


class TrainingJob:
    """One training in a background thread, with a thread-safe snapshot for a page to poll.

    States: ``waiting`` (queued for a slot), ``running``, ``done``, ``stopped`` (by
    ``stop()``; the best weights are kept and the run is saved), ``cancelled`` (stopped
    before it started), ``failed`` (``error`` says why).

    Args:
        dataset, config, options, vectors: as for ``train``.
        save_to: a runs folder; the finished run is saved there (``snapshot()["run"]``).
        name: the run's name.
    """

    def __init__(self, dataset: LabelledDataset, config: ModelConfig, options: TrainingOptions, vectors=None,
                 save_to: Path | str | None = None, name: str = "", queue: _SlotQueue | None = None) -> None:
        self.dataset, self.config, self.options, self.vectors = dataset, config, options, vectors
        self.save_to, self.name = save_to, name
        self.queue = queue or SLOTS
        self.stop_event = threading.Event()
        self._lock = threading.Lock()
        self._state = "waiting"
        self._progress: Progress | None = None
        self._history: dict[str, list[float]] = {}
        self.result: TrainingResult | None = None
        self.run = None
        self.error: Exception | None = None
        self._thread = threading.Thread(target=self._work, name=f"embedlab-training-{name}", daemon=True)

    def start(self) -> "TrainingJob":
        self._thread.start()
        return self

    def stop(self) -> None:
        """End after the current batch, keeping the best weights (or leave the queue if still waiting)."""
        self.stop_event.set()

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    @property
    def finished(self) -> bool:
        return self._state in ("done", "stopped", "cancelled", "failed")

    def snapshot(self) -> dict:
        """A consistent copy of the state, progress and per-epoch history, safe to read from any thread."""
        with self._lock:
            return {
                "state": self._state,
                "ahead": self.queue.ahead_of(self) if self._state == "waiting" else 0,
                "started": self._thread.ident is not None,
                "progress": self._progress,
                "history": {key: list(values) for key, values in self._history.items()},
                "result": self.result,
                "run": self.run,
                "error": self.error,
            }

    def _on_progress(self, progress: Progress) -> None:
        with self._lock:
            self._progress = progress
            if progress.history is not None:
                self._history = progress.history

    def _work(self) -> None:
        configure_tensorflow_threads()
        if not self.queue.acquire(self, self.stop_event):
            with self._lock:
                self._state = "cancelled"
            return
        try:
            with self._lock:
                self._state = "running"
            result = train(self.dataset, self.config, self.options, self.vectors, self._on_progress,
                           self.stop_event, name=self.name)
            run = result.save(self.save_to) if self.save_to is not None else None
            with self._lock:
                self.result, self.run = result, run
                self._state = "stopped" if result.stopped else "done"
        except Exception as error:  # shown on the page; the server keeps running
            with self._lock:
                self.error = error
                self._state = "failed"
        finally:
            self.queue.release()


class TrainingSeries:
    """Several trainings one after another (e.g. the three embedding choices on the same split).

    Each job still queues for a slot, so a series never takes more than one slot at a
    time; ``stop()`` stops the running job and cancels the ones not started.
    """

    def __init__(self, jobs: list[TrainingJob]) -> None:
        self.jobs = jobs
        self._thread = threading.Thread(target=self._work, name="embedlab-training-series", daemon=True)
        for job in jobs[1:]:
            job.stop_event = jobs[0].stop_event  # one Stop ends the whole series

    def start(self) -> "TrainingSeries":
        self._thread.start()
        return self

    def _work(self) -> None:
        for job in self.jobs:
            job.start()
            job.join()

    def stop(self) -> None:
        self.jobs[0].stop()

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    @property
    def finished(self) -> bool:
        return all(job.finished for job in self.jobs)

"""What ``train`` hooks into Keras' fit loop: live progress, a Stop that lands, and the best epoch kept.

``Progress`` is a plain record, so a page, the command line or another process can
read it without Keras. The callbacks subclass ``keras.callbacks.Callback``, so they
are made by ``keras_callbacks()`` on first use: importing this module stays cheap.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import lru_cache


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


@lru_cache(maxsize=1)
def keras_callbacks() -> tuple[type, type]:
    """``(LiveProgress, BestWeights)``, the two callback classes ``train`` passes to ``model.fit``."""
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
            self.epoch_ends: list[float] = []  # seconds since the fit began, at the end of each epoch

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
            self.epoch_ends.append(time.monotonic() - self.started)
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

"""How to train: epochs, batches, seed, the held-out shares and early stopping.

Kept apart from ``train`` so that the split, the job queue and the command line can
read the options without importing the fit loop. The model's shape (and its learning
rate) is ``embedlab.models.architecture.ModelConfig``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from embedlab.errors import EmbedLabError

MONITORS = ("val_loss", "val_accuracy")


@dataclass
class TrainingOptions:
    """How to train a model.

    Args:
        epochs: passes over the training rows.
        batch_size: rows per gradient step.
        seed: seeds the split, the weights and the shuffling (``keras.utils.set_random_seed``).
        test_split: share of rows held out for the test metrics, never trained or validated on.
        validation_split: share of the remaining rows used to pick the best epoch.
        early_stopping: stop when ``monitor`` has not improved for ``patience`` epochs.
        monitor: ``val_loss`` or ``val_accuracy``; the best epoch by it is kept.

    Example::

        TrainingOptions(epochs=3, batch_size=16).validate()
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
        """``self``, or EmbedLabError naming the first value out of range and what to pick instead."""
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

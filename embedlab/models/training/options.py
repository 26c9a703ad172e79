"""How to train: epochs, batches, seed, the held-out shares and early stopping.

Kept apart from ``train`` so that the split, the job queue and the command line can
read the options without importing the fit loop. The model's shape (and its learning
rate) is ``embedlab.models.architecture.ModelConfig``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from embedlab.errors import EmbedLabError

MONITORS = ("val_loss", "val_accuracy")
# Fewer validation rows than this pick the "best" epoch by chance (15 rows of 100 did: the kept epoch
# was often the 1st-7th of 30), and cost the model rows it needs; below it the defaults train on
# every row for all epochs instead.
MIN_VALIDATION_ROWS = 100


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

    def validate(self) -> TrainingOptions:
        """``self``, or EmbedLabError naming the first value out of range and what to pick instead."""
        if not 1 <= self.epochs <= 1_000:
            raise EmbedLabError(f"epochs {self.epochs} is out of range; pick 1 to 1,000")
        if not 1 <= self.batch_size <= 65_536:
            raise EmbedLabError(f"batch size {self.batch_size} is out of range; pick 1 to 65,536")
        if not 0.0 < self.test_split < 0.9:
            raise EmbedLabError(f"test split {self.test_split} is out of range; pick a share above 0 and below 0.9")
        if not 0.0 <= self.validation_split < 0.9:
            raise EmbedLabError(
                f"validation split {self.validation_split} is out of range; pick 0 (none) or a share below 0.9"
            )
        if self.monitor not in MONITORS:
            raise EmbedLabError(f"monitor '{self.monitor}' is not known; pick one of {', '.join(MONITORS)}")
        if self.patience < 1:
            raise EmbedLabError(f"patience {self.patience} is too small; pick 1 or more epochs")
        return self

    def to_dict(self) -> dict:
        return asdict(self)


def default_options(train_rows: int | None = None, **changes) -> TrainingOptions:
    """The training options EmbedLab recommends for ``train_rows`` training rows (validation included).

    With enough rows for ``MIN_VALIDATION_ROWS`` validation rows, 10% of them validate, the
    best epoch by validation loss is kept and training stops after 4 epochs without progress;
    with fewer, every row trains for all 60 epochs (small sets take few steps per epoch).
    Larger sets train in batches of 64. ``changes`` override any field.

    Example::

        default_options(100)    # validation_split=0.0, early_stopping=False, epochs=60
        default_options(5_000)  # validation_split=0.1, early_stopping=True, batch_size=64
    """
    settings = dict(epochs=60, batch_size=32, validation_split=0.1, early_stopping=True, patience=4,
                    monitor="val_loss")
    if train_rows is not None and train_rows * settings["validation_split"] < MIN_VALIDATION_ROWS:
        settings.update(validation_split=0.0, early_stopping=False)
    if train_rows is not None and train_rows >= 2_000:
        settings.update(batch_size=64)
    return TrainingOptions(**{**settings, **changes}).validate()


def recommended_options(rows: int, **changes) -> TrainingOptions:
    """``default_options`` for a dataset of ``rows`` rows: what the Train page and ``python -m embedlab train``
    start from.

    The rows left after the test split (``changes["test_split"]``, else the default 0.2) are the
    training rows that decide whether a validation split is worth having. ``changes`` override any field.

    Example::

        recommended_options(200)                 # 160 training rows: no validation split, 60 epochs
        recommended_options(200, patience=2)     # the same, with patience 2
    """
    test_split = changes.get("test_split", TrainingOptions.test_split)
    return default_options(int(rows * (1 - test_split)), **changes)

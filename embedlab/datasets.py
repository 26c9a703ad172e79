"""Labelled text datasets: the type every page and the trainer share."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class LabelledDataset:
    """Texts with one class label each, ready to train on.

    Args:
        texts: one string per example.
        labels: int array, values in ``range(len(class_names))``.
        class_names: human names of the classes, index = label value
            (for binary sentiment: ``["negative", "positive"]`` order where known).
        name: a short name for the dataset ("Pang & Lee 200 sentences").
        dropped: rows left out while reading, by reason (``{"empty text": 3}``),
            so nothing is silently lost.
        notes: anything the reader decided that the user should see
            ("encoding: cp1252 (not UTF-8)").
    """

    texts: list[str]
    labels: np.ndarray
    class_names: list[str]
    name: str = "dataset"
    dropped: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.texts)

    @property
    def num_classes(self) -> int:
        return len(self.class_names)

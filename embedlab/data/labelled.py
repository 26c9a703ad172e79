"""Labelled text datasets: the type every page, the trainer and the CLI share."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property

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
        label_variants: groups of class names that differ only in case or spaces, or whole numbers
            only in leading zeros, and were kept apart (``[["NEG", "Neg"], ["1", "01"]]``), so a front
            end can offer to merge them.
    """

    texts: list[str]
    labels: np.ndarray
    class_names: list[str]
    name: str = "dataset"
    dropped: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    label_variants: list[list[str]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.texts)

    @property
    def num_classes(self) -> int:
        return len(self.class_names)

    @cached_property
    def fingerprint(self) -> str:
        """A hash of the texts, labels and class names: this dataset's identity in every cache.

        Computed once per dataset (a dataset is not changed after it is made; make a new one instead).
        """
        digest = hashlib.sha256()
        for name in self.class_names:
            digest.update(name.encode("utf-8", "surrogatepass") + b"\x00")
        digest.update(np.asarray(self.labels, dtype=np.int64).tobytes())
        for text in self.texts:
            digest.update(text.encode("utf-8", errors="surrogatepass") + b"\x00")
        return digest.hexdigest()[:20]


def positive_class(class_names: list[str]) -> str:
    """The class a sentiment score is about: "positive" if there is one, else the last class."""
    for name in class_names:
        if name.strip().lower() in ("positive", "pos", "1"):
            return name
    return class_names[-1]

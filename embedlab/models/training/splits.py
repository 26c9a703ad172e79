"""Which rows a model trains, validates and is tested on, and whether a dataset can be split at all.

    dataset → stratified test split (kept apart) → validation split of the rest → train rows

Both splits are seeded and stratified, so the same options give the same rows, and a
small class still has rows on every side. The sequence length a training suggests is read
off the texts before any model exists, so it is with the other dataset numbers
(``embedlab.data.stats.default_sequence_length``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from embedlab.data.labelled import LabelledDataset
from embedlab.errors import EmbedLabError
from embedlab.models.training.options import TrainingOptions


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


def split_dataset(dataset: LabelledDataset, options: TrainingOptions, train_rows=None, test_rows=None) -> DataSplit:
    """The test split first (seeded, stratified), then the validation split from the rest.

    The test rows depend only on the labels, ``options.test_split`` and ``options.seed``,
    so runs that differ in anything else are tested on the same rows. A caller that
    chose the rows itself (a study cell) passes ``train_rows`` and ``test_rows``: the
    test set is then exactly ``test_rows``, and the training and validation rows are
    ``train_rows`` split by ``options.validation_split`` (seeded, stratified).
    """
    check_dataset(dataset)
    if train_rows is None and test_rows is None:
        rest, test = stratified_split(dataset.labels, options.test_split, options.seed)
    else:
        rest, test = _given_rows(dataset, train_rows, test_rows)
    train_part, validation_part = stratified_split(dataset.labels[rest], options.validation_split, options.seed + 1)
    return DataSplit(rest[train_part], rest[validation_part], test)


def _given_rows(dataset: LabelledDataset, train_rows, test_rows) -> tuple[np.ndarray, np.ndarray]:
    """``train_rows`` and ``test_rows`` as index arrays, or EmbedLabError saying what is wrong with them."""
    if train_rows is None or test_rows is None:
        raise EmbedLabError("give both train_rows and test_rows (row numbers), or neither to let the split choose")
    rows = []
    for name, given in (("train_rows", train_rows), ("test_rows", test_rows)):
        array = np.asarray(list(given), dtype=np.int64)
        if len(array) == 0:
            raise EmbedLabError(f"{name} is empty; give at least one row number")
        if array.min() < 0 or array.max() >= len(dataset):
            raise EmbedLabError(f"{name} holds row numbers outside 0 to {len(dataset) - 1}; "
                                f"give rows of this dataset ({len(dataset):,} rows)")
        if len(np.unique(array)) != len(array):
            raise EmbedLabError(f"{name} names a row twice; give each row once")
        rows.append(array)
    overlap = np.intersect1d(rows[0], rows[1])
    if len(overlap):
        raise EmbedLabError(f"{len(overlap)} row(s) are both training and test rows (e.g. row {overlap[0]}); "
                            "a test row must never be trained on — give disjoint rows")
    return rows[0], rows[1]


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

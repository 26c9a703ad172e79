"""A study: when do pre-trained embeddings pay? Training sizes × embeddings × seeds, one encoder.

    plan_cells   one stratified test set, fixed for every cell; each (size, seed) samples its
                 training rows (seeded, stratified) from the rest, shared by every embedding
    run_study    every cell is a job (``embedlab.models.jobs.new_job``), so the backend decides
                 how many run at once; the two baselines (``embedlab.models.baselines``) are
                 scored on every cell's training rows
    summary      mean and spread per size × embedding, and per size × baseline
    convergence  epochs and seconds to the best epoch, per embedding
    reading      sentences written from the numbers (``embedlab.models.study.reading``)

Example::

    plan = StudyPlan(sizes=(100, 300, None), seeds=3)           # None: every row not in the test set
    result = run_study(dataset, plan, vectors, on_update=lambda result: print(len(result.cells)))
    result.to_json()    # {"cells": [{"size", "embedding", "seed", "accuracy", "f1", "best_epoch",
                        #             "seconds", ...}], "baselines": [{"size", "name", "accuracy", ...}]}
    reading(result)     # ["At 100–300 training rows GloVe, frozen leads random by 6.1 points ...", ...]

``on_update(result)`` is called with the result so far each time a cell finishes (from
the thread that called ``run_study``); a set ``stop_event`` stops every job, and the
cells finished by then are kept (``result.stopped`` is True).
"""

from __future__ import annotations

import threading
import time
from dataclasses import asdict, dataclass, field

import numpy as np

from embedlab.data.labelled import LabelledDataset
from embedlab.errors import EmbedLabError
from embedlab.models.architecture import EMBEDDING_KINDS, ENCODERS, default_config
from embedlab.models.training.splits import check_dataset, stratified_split
from embedlab.models.study.reading import convergence, reading, summary  # noqa: F401  (the API, re-exported)
from embedlab.models.training.options import default_options

DEFAULT_SIZES: tuple[int | None, ...] = (100, 300, 1_000, 3_000, None)
# The test set: 20% of the rows, at most this many (600 rows know an accuracy to about ±4 points).
TEST_SHARE, TEST_CAP = 0.2, 600
POLL_SECONDS = 0.2


@dataclass
class StudyPlan:
    """What a study trains.

    Args:
        sizes: training rows per cell (validation rows come out of them); None means every row
            not in the test set. Sizes above what the data holds are clipped (``plan_cells`` says so).
        embeddings: among ``random``, ``glove-frozen``, ``glove-finetuned``.
        seeds: cells per size × embedding; seed ``s`` samples the training rows and seeds the fit.
        encoder: one of ``ENCODERS``, the same for every cell.
        test_size: test rows, fixed for every cell; None: 20% of the rows, at most 600.
        epochs: None keeps ``default_options``' epochs.
    """

    sizes: tuple[int | None, ...] = DEFAULT_SIZES
    embeddings: tuple[str, ...] = EMBEDDING_KINDS
    seeds: int = 3
    encoder: str = "pooling"
    test_size: int | None = None
    epochs: int | None = None

    def validate(self) -> StudyPlan:
        if not self.sizes:
            raise EmbedLabError("a study needs at least one training size; pick e.g. 100,300,1000")
        unknown = [kind for kind in self.embeddings if kind not in EMBEDDING_KINDS]
        if unknown or not self.embeddings:
            raise EmbedLabError(f"embedding(s) {', '.join(unknown) or '(none)'} not known; pick from "
                                f"{', '.join(EMBEDDING_KINDS)}")
        if self.encoder not in ENCODERS:
            raise EmbedLabError(f"encoder '{self.encoder}' is not known; pick one of {', '.join(ENCODERS)}")
        if not 1 <= self.seeds <= 20:
            raise EmbedLabError(f"{self.seeds} seeds is out of range; pick 1 to 20 (3 shows the spread)")
        if any(size is not None and size < 10 for size in self.sizes):
            raise EmbedLabError("training sizes must be at least 10 rows; pick e.g. 100,300,1000")
        if self.test_size is not None and self.test_size < 10:
            raise EmbedLabError(f"a test set of {self.test_size} rows cannot tell models apart; pick 10 or more")
        return self


@dataclass(frozen=True)
class StudyCell:
    """One training of a study: ``size`` training rows (validation included), one embedding, one seed."""

    size: int
    embedding: str
    seed: int
    train_rows: tuple[int, ...]


@dataclass
class CellPlan:
    """The cells of a study, the one test set they share, and notes on sizes that were changed."""

    cells: list[StudyCell]
    test_rows: tuple[int, ...]
    sizes: list[int]
    notes: list[str] = field(default_factory=list)


def study_test_size(rows: int, test_size: int | None = None) -> int:
    """Test rows for a dataset of ``rows``: ``test_size``, or 20% capped at 600 (always leaving 10 to train)."""
    wanted = test_size if test_size is not None else min(TEST_CAP, int(round(rows * TEST_SHARE)))
    return max(2, min(wanted, rows - 10))


def plan_cells(dataset: LabelledDataset, plan: StudyPlan) -> CellPlan:
    """Fix the test set and every cell's training rows.

    The test set is stratified and seeded by nothing but the dataset and ``plan.test_size``,
    so every cell, and a rerun, is tested on the same rows. Training rows of (size, seed)
    are a stratified sample of the remaining rows, the same for every embedding, so
    embeddings are compared on identical data.
    """
    plan.validate()
    check_dataset(dataset)
    labels = np.asarray(dataset.labels)
    test_count = study_test_size(len(labels), plan.test_size)
    pool, test = stratified_split(labels, test_count / len(labels), seed=0)
    notes = []
    if plan.test_size is not None and test_count != plan.test_size:
        notes.append(f"the test set has {test_count:,} rows, not {plan.test_size:,}: "
                     f"{len(labels):,} rows leave at least 10 to train on")
    sizes = []
    for size in plan.sizes:
        actual = len(pool) if size is None or size > len(pool) else int(size)
        if size is not None and size > len(pool):
            notes.append(f"{size:,} training rows asked for, but only {len(pool):,} rows are outside the test set; "
                         f"using {len(pool):,}")
        if actual not in sizes:
            sizes.append(actual)
    sizes.sort()
    cells = []
    for size in sizes:
        for seed in range(plan.seeds):
            rows = pool if size == len(pool) else pool[np.sort(
                stratified_split(labels[pool], size / len(pool), seed=1_000 + seed)[1])]
            cells.extend(StudyCell(size, embedding, seed, tuple(int(row) for row in rows))
                         for embedding in plan.embeddings)
    return CellPlan(cells, tuple(int(row) for row in test), sizes, notes)


@dataclass
class StudyResult:
    """What a study measured so far. ``to_json`` is the CLI's ``--json`` and the Study tab's CSV source."""

    plan: StudyPlan
    test_rows: int
    planned: int  # cells in the plan
    cells: list[dict] = field(default_factory=list)
    baselines: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    stopped: bool = False
    seconds: float = 0.0
    num_classes: int = 2

    @property
    def finished(self) -> int:
        return len(self.cells)

    def to_json(self) -> dict:
        return {"cells": list(self.cells), "baselines": list(self.baselines), "test_rows": self.test_rows,
                "planned_cells": self.planned, "plan": asdict(self.plan), "notes": list(self.notes),
                "failures": list(self.failures), "stopped": self.stopped, "seconds": round(self.seconds, 2)}


def cell_spec(dataset: LabelledDataset, cell: StudyCell, plan: StudyPlan, test_rows, vectors):
    """The ``TrainingSpec`` of one cell: the default model and options of its embedding, its rows, its seed."""
    from embedlab.models.jobs.base import TrainingSpec

    config = default_config(cell.embedding, plan.encoder, texts=[dataset.texts[row] for row in cell.train_rows])
    changes = {"epochs": plan.epochs} if plan.epochs is not None else {}
    options = default_options(len(cell.train_rows), seed=cell.seed, **changes)
    return TrainingSpec(dataset, config, options, vectors if cell.embedding != "random" else None,
                        name=f"study {cell.embedding} {cell.size} seed {cell.seed}",
                        train_rows=cell.train_rows, test_rows=tuple(test_rows))


def run_study(dataset: LabelledDataset, plan: StudyPlan, vectors=None, on_update=None,
              stop_event: threading.Event | None = None, executor: str | None = None) -> StudyResult:
    """Train every cell of ``plan`` as a job, score the baselines, and return what was measured.

    Args:
        dataset: texts and labels.
        plan: sizes, embeddings, seeds, encoder, test size.
        vectors: the GloVe (or other) vectors; needed for GloVe cells and the mean-vector baseline.
        on_update: ``callable(StudyResult)``, called after the baselines and after every finished cell.
        stop_event: once set, every job is stopped (a running cell keeps its best epoch and counts
            as finished; cells not started are dropped) and the result so far is returned.
        executor: the job backend (``embedlab.models.jobs.new_job``); None: the server's.
    """
    from embedlab.models.baselines import Baselines
    from embedlab.models.jobs import new_job

    started = time.monotonic()
    cell_plan = plan_cells(dataset, plan)
    if vectors is None and any(kind != "random" for kind in plan.embeddings):
        raise EmbedLabError("GloVe embeddings need word vectors; load GloVe or study only 'random'")
    result = StudyResult(plan, len(cell_plan.test_rows), len(cell_plan.cells), notes=list(cell_plan.notes),
                         num_classes=dataset.num_classes)
    jobs = [(cell, new_job(cell_spec(dataset, cell, plan, cell_plan.test_rows, vectors), executor))
            for cell in sorted(cell_plan.cells, key=start_order)]
    for _, job in jobs:
        job.start()
    baselines = Baselines(dataset, vectors)
    for cell in cell_plan.cells:
        if cell.embedding == plan.embeddings[0]:  # one score per (size, seed): the rows are the embeddings'
            for score in baselines.score(cell.train_rows, cell_plan.test_rows):
                result.baselines.append({"size": cell.size, "name": score.name, "accuracy": score.accuracy,
                                         "f1": score.f1, "seed": cell.seed})
    _notify(on_update, result)
    _collect(jobs, result, on_update, stop_event)
    result.seconds = time.monotonic() - started
    return result


# Within one training size, the slowest embedding starts first: frozen GloVe's token layer trains
# 2–4x longer than the others (bench/journal/2026-11-30.md, "Study"), and a slow cell started last leaves
# the other workers idle while it finishes.
SLOWEST_FIRST = {"glove-frozen": 0, "glove-finetuned": 1, "random": 2}


def start_order(cell: StudyCell) -> tuple[int, int]:
    """Cells start smallest size first, so the chart fills from the left; the slowest embedding first within a size."""
    return cell.size, SLOWEST_FIRST.get(cell.embedding, len(SLOWEST_FIRST))


def _collect(jobs, result: StudyResult, on_update, stop_event) -> None:
    """Poll the jobs until all have finished, recording each finished cell once."""
    pending = list(jobs)
    while pending:
        if stop_event is not None and stop_event.is_set() and not result.stopped:
            result.stopped = True
            for _, job in pending:
                job.stop()
        still = []
        for cell, job in pending:
            status = job.snapshot()
            if not status.finished:
                still.append((cell, job))
            elif status.metrics is not None:
                result.cells.append(cell_record(cell, status.metrics))
                _notify(on_update, result)
            elif status.state == "failed":
                result.failures.append(f"{cell.embedding}, {cell.size:,} rows, seed {cell.seed}: {status.failure}")
                _notify(on_update, result)
        pending = still
        if pending:
            time.sleep(POLL_SECONDS)


def cell_record(cell: StudyCell, metrics: dict) -> dict:
    """One row of ``StudyResult.cells`` from a finished job's metrics."""
    return {"size": cell.size, "embedding": cell.embedding, "seed": cell.seed,
            "accuracy": float(metrics["accuracy"]), "f1": float(metrics.get("f1_macro", metrics["f1"])),
            "best_epoch": metrics.get("best_epoch"), "seconds": float(metrics.get("seconds", 0.0)),
            "epochs_run": metrics.get("epochs_run"), "seconds_to_best": metrics.get("seconds_to_best"),
            "stopped": bool(metrics.get("stopped", False))}


def _notify(on_update, result: StudyResult) -> None:
    if on_update is not None:
        on_update(result)

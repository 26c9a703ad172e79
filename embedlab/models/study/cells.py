"""A study: when do pre-trained embeddings pay? Training sizes × embeddings × seeds, one encoder.

    plan_cells   one stratified test set, fixed for every cell; each (size, seed) samples its
                 training rows (seeded, stratified) from the rest, shared by every embedding
    run_study    every cell is a job (``embedlab.models.jobs.new_job``), so the backend decides
                 how many run at once; a study keeps at most a workspace's share of them queued
                 or running (``EMBEDLAB_MAX_QUEUED_PER_WORKSPACE``), so other visitors' trainings
                 are not queued behind all of its cells; the two baselines
                 (``embedlab.models.baselines``) are scored on every cell's training rows, in a
                 process of their own (``baseline_scoring``)
    summary      mean and spread per size × embedding, and per size × baseline
    convergence  epochs and seconds to the best epoch, per embedding
    reading      sentences written from the numbers (``embedlab.models.study.reading``)

Example::

    plan = StudyPlan(sizes=(100, 300, None), seeds=3)           # None: every row not in the test set
    result = run_study(dataset, plan, vectors, on_update=lambda result: print(len(result.cells)))
    result.to_json()    # {"cells": [{"size", "embedding", "seed", "accuracy", "f1", "best_epoch",
                        #             "seconds", ...}], "baselines": [{"size", "name", "accuracy", ...}]}
    reading(result)     # ["At 100–300 training rows GloVe, frozen leads random by 6.1 points ...", ...]

``on_update(result)`` is called with the result so far each time a cell or a (size, seed)'s
baselines finish (from the thread that called ``run_study``); a set ``stop_event`` stops
every job and the baselines, and the cells finished by then are kept (``result.stopped``
is True) — within ``STOP_GRACE_SECONDS`` of Stop, whatever is being trained or scored.

A study has at most ``EMBEDLAB_MAX_STUDY_CELLS`` cells (60 unless set): ``plan_cells``
refuses a bigger plan with a message saying how to fit.
"""

from __future__ import annotations

import threading
import time
from dataclasses import asdict, dataclass, field, fields

import numpy as np

from embedlab.data.labelled import LabelledDataset
from embedlab.errors import EmbedLabError
from embedlab.models.architecture import EMBEDDING_KINDS, ENCODERS, default_config
from embedlab.models.training.splits import check_dataset, stratified_split
from embedlab.models.study.limits import (  # noqa: F401  (max_study_cells and the variable: this module's API too)
    DEFAULT_MAX_CELLS, MAX_CELLS_VARIABLE, check_cell_count, max_study_cells,
)
from embedlab.models.study.reading import convergence, reading, summary  # noqa: F401  (the API, re-exported)
from embedlab.models.training.options import default_options

# The defaults of the CLI's ``study`` and the Study tab alike (one source: both read these).
DEFAULT_SIZES: tuple[int | None, ...] = (100, 300, 1_000, 3_000, None)
DEFAULT_SEEDS, DEFAULT_EPOCHS, DEFAULT_ENCODER = 3, 30, "pooling"
# The test set: 20% of the rows, at most this many. 2,000 rows tell two accuracies near 75% apart when they
# differ by 2.7 points or more (95%); 600 rows only by 4.9, wider than the leads pre-trained vectors usually give.
TEST_SHARE, TEST_CAP = 0.2, 2_000
POLL_SECONDS = 0.2
# After Stop, how long running cells get to end their batch and report; later ones are left to end on their own.
STOP_GRACE_SECONDS = 1.5


@dataclass
class StudyPlan:
    """What a study trains.

    Args:
        sizes: training rows per cell (validation rows come out of them); None means every row
            not in the test set. Sizes above what the data holds are clipped (``plan_cells`` says so).
        embeddings: among ``random``, ``glove-frozen``, ``glove-finetuned``.
        seeds: cells per size × embedding; seed ``s`` samples the training rows and seeds the fit.
        encoder: one of ``ENCODERS``, the same for every cell.
        test_size: test rows, fixed for every cell; None: 20% of the rows, at most 2,000.
        epochs: at most, per cell (early stopping on where there are validation rows); None keeps
            ``default_options``' epochs.
    """

    sizes: tuple[int | None, ...] = DEFAULT_SIZES
    embeddings: tuple[str, ...] = EMBEDDING_KINDS
    seeds: int = DEFAULT_SEEDS
    encoder: str = DEFAULT_ENCODER
    test_size: int | None = None
    epochs: int | None = DEFAULT_EPOCHS

    @classmethod
    def from_json(cls, values: dict) -> StudyPlan:
        """The plan of a study's JSON form (``asdict``): lists back to tuples, keys it does not know ignored."""
        known = {item.name for item in fields(cls)}
        plan = {key: value for key, value in values.items() if key in known}
        plan.update({key: tuple(plan[key]) for key in ("sizes", "embeddings") if key in plan})
        return cls(**plan)

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
    """Test rows for a dataset of ``rows``: ``test_size``, or 20% capped at 2,000 (always leaving 10 to train)."""
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
    check_cell_count(len(sizes), len(plan.embeddings), plan.seeds)
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
    dataset: dict = field(default_factory=dict)  # {"name", "fingerprint", "rows"}: what it was measured on
    resumed: int = 0  # cells taken from a kept study instead of trained again

    @property
    def finished(self) -> int:
        return len(self.cells)

    def to_json(self) -> dict:
        return {"cells": list(self.cells), "baselines": list(self.baselines), "test_rows": self.test_rows,
                "planned_cells": self.planned, "plan": asdict(self.plan), "notes": list(self.notes),
                "failures": list(self.failures), "stopped": self.stopped, "seconds": round(self.seconds, 2),
                "dataset": dict(self.dataset), "resumed": self.resumed}


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
              stop_event: threading.Event | None = None, executor: str | None = None,
              kept: dict | None = None, keep_in=None, on_keep_error=None) -> StudyResult:
    """Train every cell of ``plan`` as a job, score the baselines, and return what was measured.

    Args:
        dataset: texts and labels.
        plan: sizes, embeddings, seeds, encoder, test size.
        vectors: the GloVe (or other) vectors; needed for GloVe cells and the mean-vector baseline.
        on_update: ``callable(StudyResult)``, called after every finished cell and (size, seed)'s baselines.
        stop_event: once set, every job and the baselines are stopped (a running cell that ends
            its batch within ``STOP_GRACE_SECONDS`` keeps its best epoch and counts as finished;
            cells not started are dropped) and the result so far is returned.
        executor: the job backend (``embedlab.models.jobs.new_job``); None: the server's.
        kept: the ``to_json()`` of an earlier, unfinished run of this plan on this dataset: its
            finished cells and scored baselines are taken as they are, and only the missing ones
            are trained (a resumed study).
        keep_in: a workspace's runs folder (local or s3://): the study is kept there as each cell
            finishes (``embedlab.models.study.keeping``), and an unfinished one kept there is resumed.
        on_keep_error: ``callable(EmbedLabError)`` told of a write to ``keep_in`` that failed (the study goes on).
    """
    if keep_in is None:
        return _run(dataset, plan, vectors, on_update, stop_event, executor, kept)
    from embedlab.models.study.keeping import Keeper

    keeper = Keeper(keep_in, dataset, plan, vectors, on_keep_error)
    kept = keeper.kept() if kept is None else kept  # before this process counts as running it
    with keeper:
        result = _run(dataset, plan, vectors, keeper.updating(on_update), stop_event, executor, kept)
        keeper.write(result, "stopped" if result.stopped else "finished")
    return result


def _run(dataset, plan, vectors, on_update, stop_event, executor, kept) -> StudyResult:
    from embedlab.models.jobs import new_job
    from embedlab.models.jobs.durable import max_queued_per_workspace
    from embedlab.models.study.baseline_scoring import BaselineScoring

    started = time.monotonic()
    cell_plan = plan_cells(dataset, plan)
    if vectors is None and any(kind != "random" for kind in plan.embeddings):
        raise EmbedLabError("GloVe embeddings need word vectors; load GloVe or study only 'random'")
    window = max_queued_per_workspace()
    result = StudyResult(plan, len(cell_plan.test_rows), len(cell_plan.cells), notes=list(cell_plan.notes),
                         num_classes=dataset.num_classes,
                         dataset={"name": dataset.name, "fingerprint": dataset.fingerprint, "rows": len(dataset)})
    todo = _take_kept(kept, cell_plan, result)

    def make_job(cell: StudyCell):
        return new_job(cell_spec(dataset, cell, plan, cell_plan.test_rows, vectors), executor)

    # One score per (size, seed): the training rows are the same for every embedding.
    done_scores = {(row["size"], row["seed"]) for row in result.baselines}
    scored = [(cell.size, cell.seed, cell.train_rows) for cell in cell_plan.cells
              if cell.embedding == plan.embeddings[0] and (cell.size, cell.seed) not in done_scores]
    baselines = BaselineScoring(dataset, vectors, scored, cell_plan.test_rows)
    try:
        _collect(sorted(todo, key=start_order), make_job, window, baselines, result, on_update, stop_event)
    finally:
        baselines.stop()
    result.seconds += time.monotonic() - started  # a resumed study adds to the time its kept cells took
    return result


def _take_kept(kept: dict | None, cell_plan: CellPlan, result: StudyResult) -> list[StudyCell]:
    """Copy the kept study's finished cells and baselines that this plan has into ``result``; return the rest."""
    if not kept:
        return list(cell_plan.cells)
    if int(kept.get("test_rows") or 0) != len(cell_plan.test_rows):
        raise EmbedLabError(f"the kept study was tested on {kept.get('test_rows')} rows and this plan on "
                            f"{len(cell_plan.test_rows):,}: they are not the same study; start it afresh")
    planned = {(cell.size, cell.embedding, cell.seed) for cell in cell_plan.cells}
    done = {}
    for row in kept.get("cells", []):
        key = (row["size"], row["embedding"], row["seed"])
        if key in planned and key not in done:
            done[key] = row
    pairs = {(cell.size, cell.seed) for cell in cell_plan.cells}
    result.cells.extend(done.values())
    result.baselines.extend(row for row in kept.get("baselines", []) if (row["size"], row.get("seed")) in pairs)
    result.resumed = len(done)
    result.seconds = float(kept.get("seconds") or 0.0)
    return [cell for cell in cell_plan.cells if (cell.size, cell.embedding, cell.seed) not in done]


# Within one training size, the slowest embedding starts first: frozen GloVe's token layer trains
# 2–4x longer than the others (bench/journal/2026-11-30.md, "Study"), and a slow cell started last leaves
# the other workers idle while it finishes.
SLOWEST_FIRST = {"glove-frozen": 0, "glove-finetuned": 1, "random": 2}


def start_order(cell: StudyCell) -> tuple[int, int]:
    """Cells start smallest size first, so the chart fills from the left; the slowest embedding first within a size."""
    return cell.size, SLOWEST_FIRST.get(cell.embedding, len(SLOWEST_FIRST))


def _collect(cells, make_job, window: int, baselines, result: StudyResult, on_update, stop_event) -> None:
    """Start the cells in order, at most ``window`` queued or running at once; record each finished cell and score.

    Stop is looked at every ``POLL_SECONDS``: the baselines' process is ended, the running
    jobs are stopped, the cells not started are dropped.
    """
    waiting, running, stopped_at = list(cells), [], None
    try:
        while waiting or running or not baselines.finished:
            if stopped_at is None and stop_event is not None and stop_event.is_set():
                stopped_at, result.stopped, waiting = time.monotonic(), True, []
                baselines.stop()
                for _, job in running:
                    job.stop()
            if stopped_at is not None and time.monotonic() - stopped_at > STOP_GRACE_SECONDS:
                break  # the cells still ending their batch end on their own; they are not counted
            while waiting and len(running) < window:
                cell = waiting.pop(0)
                job = make_job(cell)
                job.start()
                running.append((cell, job))
            for message in baselines.poll():
                _record_baselines(result, message)
                _notify(on_update, result)
            running = _record_finished(running, result, on_update)
            if waiting or running or not baselines.finished:
                time.sleep(POLL_SECONDS)
    except BaseException:  # a job that could not be made or started: the ones already going are not left behind
        for _, job in running:
            job.stop()
        raise


def _record_finished(running: list, result: StudyResult, on_update) -> list:
    """Record the cells whose jobs have finished; return the ones still going."""
    still = []
    for cell, job in running:
        status = job.snapshot()
        if not status.finished:
            still.append((cell, job))
        elif status.metrics is not None:
            result.cells.append(cell_record(cell, status.metrics))
            _notify(on_update, result)
        elif status.state == "failed":
            result.failures.append(f"{cell.embedding}, {cell.size:,} rows, seed {cell.seed}: {status.failure}")
            _notify(on_update, result)
    return still


def _record_baselines(result: StudyResult, message: tuple) -> None:
    """One message of the baselines' process: a (size, seed)'s scores, or why they could not be made."""
    kind, size, seed, payload = message
    if kind == "scores":
        result.baselines.extend({"size": size, "name": score["name"], "accuracy": score["accuracy"],
                                 "f1": score["f1"], "seed": seed} for score in payload)
    else:
        where = "the baselines" if size is None else f"the baselines at {size:,} rows, seed {seed}"
        result.failures.append(f"{where}: {payload}")


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

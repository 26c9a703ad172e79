"""Train page glue: this visitor's training jobs, and how a job in progress and a finished run are shown.

Jobs live in ``st.session_state`` (they hold the visitor's data and model); the
process-wide queue behind ``embedlab.models.jobs`` decides when each runs. The page
reads its widgets and makes one call here per action; everything it draws from a job
comes from the job's ``snapshot()``, so a job running in another process would look the same.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from embedlab.data.labelled import LabelledDataset
from embedlab.errors import EmbedLabError
from embedlab.models.architecture import EMBEDDING_KINDS, ModelConfig
from embedlab.models.jobs import Job, TrainingSpec, submit, submit_series
from embedlab.models.runs.catalog import Run
from embedlab.models.runs.metrics import RunMetrics
from embedlab.models.runs.pending import PendingRun, retry_upload
from embedlab.models.training.options import TrainingOptions
from embedlab_ui import charts
from embedlab_ui.classes import board_when_saved, class_spec
from embedlab_ui.numbers import class_label, count, percent, score, seconds
from embedlab_ui.session import literal, runs_folder, show_error
from embedlab_ui.train_settings import settings_name, unique_name

JOBS_KEY = "train.jobs"  # list of Job, oldest first; the page shows the newest ones
SERIES_KEY = "train.series"  # the TrainingSeries of "Compare the three embedding choices", or None
DRAWN_KEY = "train.finished_when_drawn"  # finished jobs at the page's last full run
LIVE_CURVES_KEY = "train.live_curves"  # Job → charts.LiveCurves, for the jobs in the live panel
KEPT_JOBS = 8  # unfinished jobs kept when new ones start; finished ones are dropped (their runs are on disk)
STATE_LABELS = {"waiting": "Waiting", "running": "Training", "done": "Finished",
                "stopped": "Stopped (best weights kept)", "cancelled": "Cancelled", "failed": "Failed"}
# One number style (embedlab_ui/numbers.py): shares of rows as percentages, counts with separators.
PERCENT_COLUMN = st.column_config.NumberColumn(format="percent")
COUNT_COLUMN = st.column_config.NumberColumn(format="localized")
SCORE_COLUMN = st.column_config.NumberColumn(format="%.3f")
TABLE_COLUMNS = {**{name: PERCENT_COLUMN for name in ("test accuracy", "precision", "recall", "F1")},
                 "AUC": SCORE_COLUMN, "seconds": st.column_config.NumberColumn(format="%.1f s")}


def init_state() -> None:
    st.session_state.setdefault(JOBS_KEY, [])
    st.session_state.setdefault(SERIES_KEY, None)


def _vectors_for(embedding: str):
    if embedding == "random":
        return None
    from embedlab_ui.vectors import current_vectors

    return current_vectors()


def _spec(dataset, config: ModelConfig, options: TrainingOptions, name: str) -> TrainingSpec:
    spec = TrainingSpec(dataset, config.validate(), options.validate(), _vectors_for(config.embedding),
                        save_to=runs_folder(), name=name)
    return class_spec(spec)  # a class member's training of the class dataset: the class's test rows


def start_training(dataset: LabelledDataset, config: ModelConfig, options: TrainingOptions, name: str) -> None:
    """Queue one training of this visitor's dataset; EmbedLabError if a setting is out of range."""
    spec = _spec(dataset, config, options, name)
    st.session_state[SERIES_KEY] = None
    _keep_jobs([submit(spec)])


def start_series(dataset: LabelledDataset, config: ModelConfig, options: TrainingOptions, taken_names=()) -> None:
    """Random vs GloVe frozen vs GloVe fine-tuned, same encoder, same split, one after another.

    Each run is named from its settings like a single training ("GloVe frozen gru"), with a
    number added when a run of that name exists, so the comparison's legend tells them apart.
    """
    taken, specs = set(taken_names), []
    for embedding in EMBEDDING_KINDS:
        name = unique_name(settings_name(embedding, config.encoder), taken)
        taken.add(name)
        specs.append(_spec(dataset, replace(config, embedding=embedding), options, name))
    series = submit_series(specs)
    st.session_state[SERIES_KEY] = series
    _keep_jobs(series.jobs)


def _keep_jobs(jobs: list[Job]) -> None:
    kept = [job for job in st.session_state[JOBS_KEY] if not job.finished][-KEPT_JOBS:]
    st.session_state[JOBS_KEY] = kept + list(jobs)
    board_when_saved(jobs)  # a class member's runs reach the board even if they close the tab


def active_jobs() -> list[Job]:
    return [job for job in st.session_state.get(JOBS_KEY, []) if not job.finished]


def job_names() -> list[str]:
    """Names of this visitor's trainings not yet saved as runs (a default name must not repeat them)."""
    return [job.name for job in active_jobs()]


STOPPING = "Stopping: the current batch ends, then the best epoch is kept and saved"


def stop_all() -> None:
    """Stop this visitor's running job and cancel the ones still waiting; the best weights are saved.

    The Stop button's callback: it runs before the page's script, so the worker hears of it at
    once, and the toast says so at once (the live panel's line comes when the page reaches it).
    """
    for job in active_jobs():
        job.stop()
    st.toast(STOPPING, icon=":material/stop_circle:")


def _finished_count() -> int:
    return sum(job.finished for job in st.session_state.get(JOBS_KEY, []))


def mark_page_drawn() -> None:
    """Call on every full run of the page: the live panel reruns the page when a job finishes after this."""
    st.session_state[DRAWN_KEY] = _finished_count()


def shown_jobs() -> list[Job]:
    """The jobs of the live panel: every job of a series under way (finished ones too), and any others running.

    The running one comes first, so its progress and curves are on the first screen; the rest keep their order.
    """
    series, active = st.session_state.get(SERIES_KEY), active_jobs()
    jobs = active if series is None or series.finished else (
        list(series.jobs) + [job for job in active if job not in series.jobs])
    running = [job for job in jobs if job.snapshot().state == "running"]
    return running + [job for job in jobs if job not in running]


LIVE_CHART_HEIGHT = 290  # with the progress beside the curves, the whole row fits a 1280×720 first screen


def show_job(job: Job, index: int) -> None:
    """One job's state: queue place, progress bars and time left beside its live curves; a finished one's result."""
    status = job.snapshot()
    label = STATE_LABELS[status.state]
    if status.state == "running" and job.stop_requested:  # said before the run is saved, which takes seconds
        label = STOPPING
    progress = status.progress if status.state == "running" else None
    curves_now = status.state == "running" and (status.history or (progress is not None and progress.logs))
    info, loss_column, accuracy_column = st.columns([1, 1.5, 1.5]) if curves_now else (st.container(), None, None)
    info.markdown(f"**{literal(job.name)}** — {label}")
    if status.state == "waiting":
        if status.ahead is None:
            info.caption("Waiting for the training before it in this series.")
        else:
            info.info(f"Waiting for a free slot ({count(status.ahead)} training{'s' if status.ahead != 1 else ''} "
                      "ahead).", icon=":material/hourglass_top:")
        return
    if status.state == "failed":
        info.error(literal(status.failure), icon=":material/warning:")
        return
    if status.state in ("done", "stopped") and status.metrics:  # its curves are in the Runs and Compare tabs
        info.caption(result_line(RunMetrics.from_dict(status.metrics)))
    if progress is not None:
        info.progress(progress.batch / max(1, progress.batches),
                      text=f"Epoch {progress.epoch}/{progress.epochs}: batch {count(progress.batch)}/"
                           f"{count(progress.batches)}")
        left = f" · about {seconds(progress.eta)} left" if progress.eta is not None else ""
        info.progress(progress.fraction,
                      text=f"All epochs: {percent(progress.fraction, 0)} · {seconds(progress.elapsed)}{left}")
    if curves_now:
        curves = st.session_state.setdefault(LIVE_CURVES_KEY, {}).setdefault(
            job, charts.LiveCurves(job.name, embedding=job.spec.config.embedding, height=LIVE_CHART_HEIGHT))
        loss, accuracy = curves.current(status.history, progress)
        loss_column.plotly_chart(loss, key=f"train.live_loss.{index}")
        accuracy_column.plotly_chart(accuracy, key=f"train.live_accuracy.{index}")
        gap = live_gap(job, status.history)
        if gap is not None and gap.overfitting:  # said as soon as the gap opens, not only once the run is saved
            info.warning(gap.sentence(), icon=":material/trending_down:")


def live_gap(job: Job, history: dict):
    """The overfitting finding of a training under way, from its finished epochs' validation curves, or None."""
    from embedlab.models.training.overfitting import fit_gap

    options = job.spec.options
    validation_rows = int(len(job.spec.dataset) * (1 - options.test_split) * options.validation_split)
    return fit_gap(history, held_out_rows=validation_rows or None)


def result_line(metrics: RunMetrics) -> str:
    """A finished training in one line: test accuracy, best epoch, time."""
    stopped = " (stopped by you)" if metrics.stopped else ""
    return (f"Test accuracy {percent(metrics.accuracy)} on {count(metrics.test_rows)} held-out rows · "
            f"best epoch {metrics.best_epoch} of {metrics.epochs_run}{stopped} · "
            f"trained in {seconds(metrics.seconds)}")


def live_panel() -> None:
    """Polled once a second while a job is active. When a job finishes the whole page runs again, so the
    Runs and Compare tabs list its run at once (a fragment's rerun redraws only the panel)."""
    if _finished_count() != st.session_state.get(DRAWN_KEY):
        st.rerun()
    jobs = shown_jobs()
    curves = st.session_state.setdefault(LIVE_CURVES_KEY, {})
    for job in [job for job in curves if job not in jobs]:  # jobs no longer shown: let them go
        del curves[job]
    for index, job in enumerate(jobs):
        show_job(job, index)


def show_latest() -> None:
    """After training: failed or cancelled jobs, then the series compared, or the newest run's results."""
    finished = [job for job in st.session_state[JOBS_KEY] if job.finished]
    for job in finished[-3:]:
        if job.snapshot().state in ("failed", "cancelled"):
            show_job(job, 0)
    series = st.session_state[SERIES_KEY]
    if series is not None:
        runs = series.runs()
        if runs:
            st.subheader("The three embedding choices, same split")
            show_comparison(runs, key="train.series_compare")
    elif finished and (run := finished[-1].snapshot().run) is not None:
        st.subheader(f"Results: {literal(run.name)}")
        show_results(run, "latest")


def show_results(run: Run, place: str) -> None:
    """A finished run: metrics, curves, confusion matrix, ROC, most confident mistakes."""
    metrics, key = run.metrics_, f"train.{place}"
    # Accuracy, precision, recall and F1 are shares of rows; AUC is a score between 0.5 and 1.
    shown = [("Test accuracy", percent(metrics.accuracy)), ("Precision", percent(metrics.precision)),
             ("Recall", percent(metrics.recall)), ("F1", percent(metrics.f1)), ("AUC", score(metrics.auc))]
    for column, (label, value) in zip(st.columns(5), shown):
        column.metric(label, value)
    stopped = " It was stopped early by you." if metrics.stopped else ""
    test_rows = metrics.test_rows if metrics.test_rows is not None else 0
    average = metrics.average if metrics.average is not None else ""
    class_names = metrics.class_names if metrics.class_names is not None else []
    of = f" of “{class_label(class_names[-1])}”" if average == "binary" and class_names else ""
    st.caption(f"On {count(test_rows)} held-out test rows (precision, recall and F1{literal(of)}: {average} "
               f"averages); best epoch {metrics.best_epoch} of {metrics.epochs_run} run, its weights "
               f"kept.{stopped} Trained in {seconds(metrics.seconds)}.")
    show_curves(run, key)
    left, right = st.columns(2)
    if metrics.confusion_matrix:
        left.plotly_chart(charts.confusion_figure(metrics.confusion_matrix, class_names),
                          key=f"{key}.confusion.{run.run_id}")
    if metrics.roc:
        right.plotly_chart(charts.roc_figure(metrics.roc, class_names[-1] if class_names else None),
                           key=f"{key}.roc.{run.run_id}")
    if metrics.per_class:
        st.dataframe(metrics.per_class, hide_index=True, key=f"{key}.per_class.{run.run_id}",
                     column_config={**{name: PERCENT_COLUMN for name in ("precision", "recall", "f1")},
                                    "support": COUNT_COLUMN})
    if metrics.worst:
        st.markdown("**Most confident mistakes** (test split)")
        st.dataframe(metrics.worst, hide_index=True, width="stretch", key=f"{key}.worst.{run.run_id}",
                     column_config={"confidence": st.column_config.ProgressColumn(
                         "confidence", min_value=0.0, max_value=1.0, format="percent")})


def show_curves(run: Run, key: str) -> None:
    """One run's loss and accuracy per epoch, its test accuracy as a level line, and whether it overfit."""
    from embedlab.models.training.overfitting import fit_gap

    metrics, rows = run.metrics_, run.config.get("dataset", {})
    embeddings = {run.name: run.config.get("model", {}).get("embedding")}
    left, right = st.columns(2)
    left.plotly_chart(charts.curves_figure({run.name: run.history}, "loss", embeddings=embeddings),
                      key=f"{key}.loss.{run.run_id}")
    right.plotly_chart(charts.curves_figure({run.name: run.history}, "accuracy", embeddings=embeddings,
                                            test_value=metrics.accuracy), key=f"{key}.accuracy.{run.run_id}")
    gap = fit_gap(run.history, metrics.accuracy, rows.get("validation_rows"), metrics.test_rows)
    if gap is not None:
        (st.warning if gap.overfitting else st.caption)(gap.sentence())


def show_comparison(runs: list[Run], key: str) -> None:
    """Curves of several runs in one chart (each in its embedding's colour), and their metrics in one table."""
    histories, embeddings = {}, {}
    for run in runs:
        label = run.name if run.name not in histories else f"{run.name} ({run.run_id[-6:]})"
        histories[label] = run.history
        embeddings[label] = run.config.get("model", {}).get("embedding")
    left, right = st.columns(2)
    left.plotly_chart(charts.curves_figure(histories, "loss", height=420, embeddings=embeddings), key=f"{key}.loss")
    right.plotly_chart(charts.curves_figure(histories, "accuracy", height=420, embeddings=embeddings),
                       key=f"{key}.accuracy")
    show_metrics_table(runs, key=f"{key}.table")


COMPARE_KEY, COMPARE_SEEN_KEY = "train.compare", "train.compare_seen"  # the picker; the run ids it last listed
COMPARED_BY_DEFAULT = 3


def compare_picker(runs: list[Run]) -> list[Run]:
    """The Compare tab's runs: the newest ones, until the visitor picks their own.

    A run trained (or listed) since the picker was last drawn resets it to the newest runs, so a
    third training is in the comparison at once; a choice of the visitor's stays while the list
    does not grow, and a run deleted meanwhile leaves it with a note naming it.
    """
    from embedlab_ui.runs import default_runs, forget_deleted_picks, run_label

    by_id = {run.run_id: run for run in runs}
    newest = [run.run_id for run in default_runs(runs, COMPARED_BY_DEFAULT)]
    seen = st.session_state.get(COMPARE_SEEN_KEY)
    forget_deleted_picks(COMPARE_KEY, by_id, by_id)
    if COMPARE_KEY not in st.session_state or (seen is not None and set(by_id) - seen):
        st.session_state[COMPARE_KEY] = newest
    st.session_state[COMPARE_SEEN_KEY] = set(by_id)
    chosen = st.multiselect("Runs to compare", list(by_id), format_func=lambda run_id: run_label(by_id[run_id]),
                            key=COMPARE_KEY, help="The newest runs are picked for you each time a run is added.")
    return [by_id[run_id] for run_id in chosen]


def show_metrics_table(runs: list[Run], key: str) -> None:
    st.dataframe(metrics_table(runs), hide_index=True, width="stretch", key=key, column_config=TABLE_COLUMNS)


def metrics_table(runs: list[Run]) -> pd.DataFrame:  # noqa: F821 (pd is imported inside, when the table is built)
    """One row per run: what it was and how it scored on its test split."""
    import pandas as pd

    rows = []
    for run in runs:
        model, metrics, training = run.config.get("model", {}), run.metrics_, run.config.get("training", {})
        rows.append({
            "run": run.name, "embedding": model.get("embedding"), "encoder": model.get("encoder"),
            "test accuracy": metrics.accuracy, "precision": metrics.precision,
            "recall": metrics.recall, "F1": metrics.f1, "AUC": metrics.auc,
            "best epoch": metrics.best_epoch,
            # A run saved before epochs_run was recorded ran all its epochs.
            "epochs run": metrics.epochs_run if metrics.epochs_run is not None else training.get("epochs"),
            "seconds": metrics.seconds, "created": run.config.get("created", ""),
        })
    return pd.DataFrame(rows)


def show_pending(pending: list[PendingRun], key: str) -> None:
    """A note per run a save could not put in this workspace (not saved, not uploaded), with its retry button."""
    for item in pending:
        note, button = st.columns([5, 1], vertical_alignment="center")
        note.warning(f"Run “{literal(item.name)}” is {item.status}: {literal(item.reason)}. It is kept for "
                     f"{item.hours_left} more hours; retry once that is fixed.", icon=":material/sync_problem:")
        if button.button(item.action, key=f"{key}.retry.{item.run_id}"):
            try:
                retry_upload(item)
            except EmbedLabError as error:
                show_error(error)
                return
            st.rerun()

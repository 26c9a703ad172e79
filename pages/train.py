"""Train: an embedding → encoder → Dense classifier on the current dataset, live curves, runs and comparisons."""

from __future__ import annotations

import streamlit as st

from embedlab.errors import EmbedLabError
from embedlab.models.architecture import EMBEDDING_KINDS, EMBEDDING_LABELS, ENCODER_LABELS, ENCODERS, ModelConfig
from embedlab.models.runs import delete_run, list_runs, rename_run, zip_run
from embedlab.models.training import (
    TRAINING_SLOTS,
    TrainingJob,
    TrainingOptions,
    TrainingSeries,
    default_sequence_length,
)
from embedlab_ui import charts
from embedlab_ui import training as ui
from embedlab_ui.datasets import current_dataset
from embedlab_ui.runs import run_label
from embedlab_ui.session import route_through_app, runs_folder, show_error

route_through_app()  # a deep link on a fresh server still gets app.py's frame

ui.init_state()
st.session_state.setdefault("train.stats", None)  # (dataset identity, 95th percentile token length)
st.session_state.setdefault("train.confirm_delete", None)  # run id awaiting "really delete?"
st.session_state.setdefault("train.shown_runs", [])  # run ids of the last finished training(s), shown below

STATES = {"waiting": "Waiting", "running": "Training", "done": "Finished", "stopped": "Stopped (best weights kept)",
          "cancelled": "Cancelled", "failed": "Failed"}


def sequence_length_default(dataset) -> int:
    """95th percentile of token counts in this visitor's dataset, computed once per dataset."""
    identity = (id(dataset), dataset.name, len(dataset))
    stored = st.session_state["train.stats"]
    if stored is None or stored[0] != identity:
        stored = (identity, default_sequence_length(list(dataset.texts)))
        st.session_state["train.stats"] = stored
    return stored[1]


def choose_settings(dataset) -> tuple[ModelConfig, TrainingOptions, str]:
    """The widgets: the model's shape and how to train it."""
    left, middle, right = st.columns(3)
    embedding = left.radio("Embedding", EMBEDDING_KINDS, format_func=EMBEDDING_LABELS.get, key="train.embedding",
                           help="Random: learned from your data. GloVe frozen: pre-trained vectors kept as they "
                                "are. GloVe fine-tuned: pre-trained vectors adjusted to your data.")
    encoder = left.selectbox("Encoder", ENCODERS, format_func=ENCODER_LABELS.get, key="train.encoder")
    if embedding == "random":
        output_dim = left.number_input("Embedding size", 2, 1024, 50, key="train.output_dim")
    else:
        from embedlab_ui.vectors import current_vectors

        output_dim = current_vectors().dim
        left.caption(f"Embedding size {output_dim}, from {current_vectors().name}.")
    max_tokens = middle.number_input("Vocabulary size", 100, 400_000, 20_000, step=1_000, key="train.max_tokens")
    sequence_length = middle.number_input(
        "Sequence length (tokens)", 4, 2_000, sequence_length_default(dataset), key="train.sequence_length",
        help="Longer texts are cut. The default covers 95% of this dataset's texts.")
    units = middle.number_input("Encoder size (units / filters)", 4, 1024, 64, key="train.units")
    dropout = middle.slider("Dropout", 0.0, 0.8, 0.2, 0.05, key="train.dropout")
    learning_rate = middle.select_slider("Learning rate", [1e-4, 3e-4, 1e-3, 2e-3, 5e-3, 1e-2], 1e-3,
                                         key="train.learning_rate")
    epochs = right.number_input("Epochs", 1, 200, 10, key="train.epochs")
    batch_size = right.select_slider("Batch size", [8, 16, 32, 64, 128, 256], 32, key="train.batch_size")
    test_split = right.slider("Test split (held out)", 0.1, 0.4, 0.2, 0.05, key="train.test_split")
    validation_split = right.slider("Validation split (of the rest)", 0.0, 0.4, 0.1, 0.05, key="train.validation_split")
    early_stopping = right.toggle("Early stopping", True, key="train.early_stopping",
                                  help="Stop when the validation loss has not improved for this many epochs; "
                                       "the best epoch's weights are kept either way.")
    patience = right.number_input("Patience (epochs)", 1, 50, 3, key="train.patience", disabled=not early_stopping)
    seed = right.number_input("Seed", 0, 2**31 - 1, 0, key="train.seed")
    with st.expander("More model and training choices"):
        a, b, c, d = st.columns(4)
        spatial_dropout = a.slider("Spatial dropout", 0.0, 0.6, 0.0, 0.05, key="train.spatial_dropout",
                                   help="Drops whole embedding dimensions while training; curbs overfitting.")
        token_units = b.number_input("Token layer (ReLU units, 0 = none)", 0, 1024, 0, key="train.token_units",
                                     help="A learned non-linear view of every word vector before the encoder; "
                                          "lifts average pooling of frozen GloVe.")
        hidden_units = c.number_input("Hidden layer (ReLU units, 0 = none)", 0, 1024, 0, key="train.hidden_units")
        monitor = d.radio("Keep the epoch with the best", ["val_loss", "val_accuracy"], key="train.monitor",
                          format_func={"val_loss": "validation loss", "val_accuracy": "validation accuracy"}.get)
    name = st.text_input("Run name", value=f"{embedding} {encoder}", key="train.name", max_chars=120)
    config = ModelConfig(max_tokens=int(max_tokens), sequence_length=int(sequence_length), embedding=embedding,
                         output_dim=int(output_dim), encoder=encoder, units=int(units), dropout=float(dropout),
                         learning_rate=float(learning_rate), spatial_dropout=float(spatial_dropout),
                         token_units=int(token_units), hidden_units=int(hidden_units))
    options = TrainingOptions(epochs=int(epochs), batch_size=int(batch_size), seed=int(seed),
                              test_split=float(test_split), validation_split=float(validation_split),
                              early_stopping=early_stopping, patience=int(patience), monitor=monitor)
    return config, options, name


def vectors_for(embedding: str):
    if embedding == "random":
        return None
    from embedlab_ui.vectors import current_vectors

    return current_vectors()


def start_training(dataset, config, options, name) -> None:
    config.validate()
    options.validate()
    job = TrainingJob(dataset, config, options, vectors_for(config.embedding), save_to=runs_folder(), name=name)
    ui.add_jobs([job])
    st.session_state[ui.SERIES_KEY] = None
    job.start()


def start_series(dataset, config, options) -> None:
    """Random vs GloVe frozen vs GloVe fine-tuned, same encoder, same split, one after another."""
    from dataclasses import replace

    jobs = []
    for embedding in EMBEDDING_KINDS:
        job_config = replace(config, embedding=embedding, output_dim=config.output_dim).validate()
        jobs.append(TrainingJob(dataset, job_config, options, vectors_for(embedding), save_to=runs_folder(),
                                name=f"{EMBEDDING_LABELS[embedding]} · {ENCODER_LABELS[config.encoder]}"))
    ui.add_jobs(jobs)
    st.session_state[ui.SERIES_KEY] = TrainingSeries(jobs).start()


def show_job(job, index: int) -> None:
    """One job's state: queue place, progress bars, time left, live curves."""
    snapshot = job.snapshot()
    state, progress = snapshot["state"], snapshot["progress"]
    st.markdown(f"**{job.name}** — {STATES[state]}")
    if state == "waiting":
        ahead = snapshot["ahead"] if snapshot["started"] else None
        if ahead is None:
            st.caption("Waiting for the training before it in this series.")
        else:
            st.info(f"Waiting for a free slot ({ahead} training{'s' if ahead != 1 else ''} ahead).",
                    icon=":material/hourglass_top:")
        return
    if state == "failed":
        error = snapshot["error"]
        if isinstance(error, EmbedLabError):
            show_error(error)
        else:
            st.error(f"Training failed: {type(error).__name__}: {error}", icon=":material/warning:")
        return
    if progress is not None and state == "running":
        within = progress.batch / max(1, progress.batches)
        st.progress(within, text=f"Epoch {progress.epoch}/{progress.epochs}: batch {progress.batch}/{progress.batches}")
        left = f" · about {progress.eta:.0f} s left" if progress.eta is not None else ""
        st.progress(progress.fraction, text=f"All epochs: {progress.fraction:.0%} · {progress.elapsed:.0f} s{left}")
    history = snapshot["history"]
    live = None
    if progress is not None and state == "running" and progress.batch < progress.batches and progress.logs:
        at = progress.epoch - 1 + progress.batch / max(1, progress.batches)
        live = {job.name: (at, progress.logs.get("loss"))}
        live_accuracy = {job.name: (at, progress.logs.get("accuracy"))}
    else:
        live_accuracy = None
    if history or live:
        left, right = st.columns(2)
        left.plotly_chart(charts.curves_figure({job.name: history}, "loss", live), key=f"train.live_loss.{index}")
        right.plotly_chart(charts.curves_figure({job.name: history}, "accuracy", live_accuracy),
                           key=f"train.live_accuracy.{index}")


def live_panel() -> None:
    """Polled once a second while a job is active; a full rerun when every job has finished."""
    jobs = ui.active_jobs()
    if not jobs:
        st.rerun()  # show the results outside the fragment
    if st.button("Stop", key="train.stop", help="Ends after the current batch; the best epoch's weights are kept "
                                                "and the run is saved."):
        series = st.session_state[ui.SERIES_KEY]
        for job in jobs:
            job.stop()
        if series is not None:
            series.stop()
    for index, job in enumerate(jobs):
        show_job(job, index)


def show_results(run, place: str) -> None:
    """A finished run: metrics, curves, confusion matrix, ROC, most confident mistakes."""
    metrics = run.metrics
    columns = st.columns(5)
    for column, (label, key) in zip(columns, [("Test accuracy", "accuracy"), ("Precision", "precision"),
                                              ("Recall", "recall"), ("F1", "f1"), ("AUC", "auc")]):
        value = metrics.get(key)
        column.metric(label, "—" if value is None else f"{value:.1%}" if key == "accuracy" else f"{value:.3f}")
    stopped = " It was stopped early by you." if metrics.get("stopped") else ""
    st.caption(f"On {metrics.get('test_rows', 0):,} held-out test rows ({metrics.get('average', '')} averages); "
               f"best epoch {metrics.get('best_epoch')} of {metrics.get('epochs_run')} run, its weights kept."
               f"{stopped} Trained in {metrics.get('seconds', 0):.0f} s.")
    left, right = st.columns(2)
    left.plotly_chart(charts.curves_figure({run.name: run.history}, "loss"), key=f"train.{place}.loss.{run.run_id}")
    right.plotly_chart(charts.curves_figure({run.name: run.history}, "accuracy"),
                       key=f"train.{place}.accuracy.{run.run_id}")
    left, right = st.columns(2)
    if metrics.get("confusion_matrix"):
        left.plotly_chart(charts.confusion_figure(metrics["confusion_matrix"], metrics.get("class_names", [])),
                          key=f"train.{place}.confusion.{run.run_id}")
    if metrics.get("roc"):
        right.plotly_chart(charts.roc_figure(metrics["roc"]), key=f"train.{place}.roc.{run.run_id}")
    if metrics.get("per_class"):
        st.dataframe(metrics["per_class"], hide_index=True, key=f"train.{place}.per_class.{run.run_id}")
    if metrics.get("worst"):
        st.markdown("**Most confident mistakes** (test split)")
        st.dataframe(metrics["worst"], hide_index=True, width="stretch", key=f"train.{place}.worst.{run.run_id}",
                     column_config={"confidence": st.column_config.ProgressColumn(
                         "confidence", min_value=0.0, max_value=1.0, format="percent")})


def show_comparison(runs, key: str) -> None:
    """Curves of several runs in one chart, and their metrics in one table."""
    histories = {}
    for run in runs:
        label = run.name if run.name not in histories else f"{run.name} ({run.run_id[-6:]})"
        histories[label] = run.history
    left, right = st.columns(2)
    left.plotly_chart(charts.curves_figure(histories, "loss", height=420), key=f"{key}.loss")
    right.plotly_chart(charts.curves_figure(histories, "accuracy", height=420), key=f"{key}.accuracy")
    st.dataframe(ui.metrics_table(runs), hide_index=True, width="stretch", key=f"{key}.table",
                 column_config={"test accuracy": st.column_config.NumberColumn(format="percent")})


def train_tab(dataset) -> None:
    try:
        config, options, name = choose_settings(dataset)
    except EmbedLabError as error:
        show_error(error)
        return
    st.caption(
        f"This server runs {TRAINING_SLOTS} training{'s' if TRAINING_SLOTS > 1 else ''} at a time, for all "
        "visitors; if someone else is training, yours waits in a queue and this page says how many trainings "
        "are ahead. Training goes on while you look at other pages; come back here to see it."
    )
    busy = bool(ui.active_jobs())
    left, right = st.columns(2)
    try:
        if left.button("Train", type="primary", key="train.start", disabled=busy):
            start_training(dataset, config, options, name)
            st.rerun()
        if right.button("Compare the three embedding choices", key="train.compare_three", disabled=busy,
                        help="Trains random, GloVe frozen and GloVe fine-tuned embeddings with these settings on "
                             "the same split, one after another, then compares them."):
            start_series(dataset, config, options)
            st.rerun()
    except EmbedLabError as error:
        show_error(error)
    if ui.active_jobs():
        st.fragment(live_panel, run_every=1.0)()
        return
    jobs = st.session_state[ui.JOBS_KEY]
    finished = [job for job in jobs if job.finished]
    series = st.session_state[ui.SERIES_KEY]
    for job in finished[-3:]:
        if job.snapshot()["state"] in ("failed", "cancelled"):
            show_job(job, 0)
    if series is not None:
        runs = [job.run for job in series.jobs if job.run is not None]
        if runs:
            st.subheader("The three embedding choices, same split")
            show_comparison(runs, key="train.series_compare")
    elif finished and finished[-1].run is not None:
        run = finished[-1].run
        st.subheader(f"Results: {run.name}")
        show_results(run, "latest")


def runs_tab() -> None:
    runs = list_runs(runs_folder())
    if not runs:
        st.info("No runs yet: train one in the Train tab. Runs are kept in this workspace (the address of this "
                "page) and survive a restart of the server.")
        return
    st.dataframe(ui.metrics_table(runs), hide_index=True, width="stretch", key="train.runs_table",
                 column_config={"test accuracy": st.column_config.NumberColumn(format="percent")})
    by_id = {run.run_id: run for run in runs}
    chosen = st.selectbox("Run", list(by_id), format_func=lambda run_id: run_label(by_id[run_id]),
                          key="train.run_pick")
    run = by_id[chosen]
    left, middle, right = st.columns([3, 1, 1], vertical_alignment="bottom")
    new_name = left.text_input("Name", value=run.name, key=f"train.rename.{run.run_id}", max_chars=120)
    if middle.button("Rename", key="train.rename_button", disabled=new_name == run.name):
        try:
            rename_run(run, new_name)
            st.rerun()
        except EmbedLabError as error:
            show_error(error)
    right.download_button("Download .zip", zip_run(run), file_name=f"{run.run_id}.zip", mime="application/zip",
                          key="train.download")
    if st.session_state["train.confirm_delete"] == run.run_id:
        st.warning(f"Delete run “{run.name}” and its model for good?", icon=":material/delete:")
        yes, no = st.columns(2)
        if yes.button("Yes, delete it", key="train.delete_yes", type="primary"):
            delete_run(run)
            st.session_state["train.confirm_delete"] = None
            st.rerun()
        if no.button("Cancel", key="train.delete_no"):
            st.session_state["train.confirm_delete"] = None
            st.rerun()
    elif st.button("Delete…", key="train.delete"):
        st.session_state["train.confirm_delete"] = run.run_id
        st.rerun()
    show_results(run, "runs")


def compare_tab() -> None:
    runs = list_runs(runs_folder())
    if len(runs) < 2:
        st.info("Train two or more runs to compare them here.")
        return
    by_id = {run.run_id: run for run in runs}
    chosen = st.multiselect("Runs to compare", list(by_id), default=list(by_id)[: min(3, len(by_id))],
                            format_func=lambda run_id: run_label(by_id[run_id]), key="train.compare")
    if chosen:
        show_comparison([by_id[run_id] for run_id in chosen], key="train.compare_view")


st.title("Train")
st.caption("Train a word-embedding classifier (raw text → vocabulary → embedding → encoder → class) on the "
           "current dataset, watch it learn, and compare random, GloVe-frozen and GloVe-fine-tuned embeddings.")
dataset = current_dataset()
counts = ", ".join(f"{name}: {int((dataset.labels == i).sum()):,}" for i, name in enumerate(dataset.class_names))
st.markdown(f"Dataset: **{dataset.name}** — {len(dataset):,} rows ({counts}). Change it on the Data page.")

train_view, runs_view, compare_view = st.tabs(["Train", "Runs", "Compare"])
with train_view:
    train_tab(dataset)
with runs_view:
    runs_tab()
with compare_view:
    compare_tab()

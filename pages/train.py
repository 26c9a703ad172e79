"""Train: an embedding → encoder → Dense classifier on the current dataset, live curves, runs and comparisons."""

from __future__ import annotations

import streamlit as st

from embedlab.errors import EmbedLabError
from embedlab.models.architecture import EMBEDDING_KINDS, EMBEDDING_LABELS, ENCODER_LABELS, ENCODERS, ModelConfig
from embedlab.models.jobs import TRAINING_SLOTS
from embedlab.models.runs import delete_run, list_runs, rename_run, zip_run
from embedlab.models.training_options import TrainingOptions
from embedlab_ui import training as ui
from embedlab_ui.datasets import current_dataset
from embedlab_ui.runs import default_run_index, default_runs, run_label
from embedlab_ui.session import literal, route_through_app, runs_folder, show_error

route_through_app()  # a deep link on a fresh server still gets app.py's frame

ui.init_state()
st.session_state.setdefault("train.confirm_delete", None)  # run id awaiting "really delete?"


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
        "Sequence length (tokens)", 4, 2_000, ui.sequence_length_default(dataset), key="train.sequence_length",
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
            ui.start_training(dataset, config, options, name)
            st.rerun()
        if right.button("Compare the three embedding choices", key="train.compare_three", disabled=busy,
                        help="Trains random, GloVe frozen and GloVe fine-tuned embeddings with these settings on "
                             "the same split, one after another, then compares them."):
            ui.start_series(dataset, config, options)
            st.rerun()
    except EmbedLabError as error:
        show_error(error)
    if ui.active_jobs():
        st.fragment(ui.live_panel, run_every=1.0)()
    else:
        ui.show_latest()


def runs_tab() -> None:
    runs = list_runs(runs_folder())
    if not runs:
        st.info("No runs yet: train one in the Train tab. Runs are kept in this workspace (the address of this "
                "page) and survive a restart of the server.")
        return
    ui.show_metrics_table(runs, key="train.runs_table")
    by_id = {run.run_id: run for run in runs}
    chosen = st.selectbox("Run", list(by_id), index=default_run_index(runs),
                          format_func=lambda run_id: run_label(by_id[run_id]), key="train.run_pick")
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
    right.download_button("Download .keras", run.model_path.read_bytes(), file_name=f"{run.run_id}.keras",
                          mime="application/octet-stream", key="train.download_keras",
                          help="The model alone (with its class names): load it on the Predict page or in Keras.")
    confirm_delete(run)
    ui.show_results(run, "runs")


def confirm_delete(run) -> None:
    """Delete… asks once more before the run's folder goes."""
    if st.session_state["train.confirm_delete"] != run.run_id:
        if st.button("Delete…", key="train.delete"):
            st.session_state["train.confirm_delete"] = run.run_id
            st.rerun()
        return
    st.warning(f"Delete run “{literal(run.name)}” and its model for good?", icon=":material/delete:")
    yes, no = st.columns(2)
    if yes.button("Yes, delete it", key="train.delete_yes", type="primary"):
        delete_run(run)
        st.session_state["train.confirm_delete"] = None
        st.rerun()
    if no.button("Cancel", key="train.delete_no"):
        st.session_state["train.confirm_delete"] = None
        st.rerun()


def compare_tab() -> None:
    runs = list_runs(runs_folder())
    if len(runs) < 2:
        st.info("Train two or more runs to compare them here.")
        return
    by_id = {run.run_id: run for run in runs}
    chosen = st.multiselect("Runs to compare", list(by_id), default=[run.run_id for run in default_runs(runs, 3)],
                            format_func=lambda run_id: run_label(by_id[run_id]), key="train.compare")
    if chosen:
        ui.show_comparison([by_id[run_id] for run_id in chosen], key="train.compare_view")


st.title("Train")
st.caption("Train a word-embedding classifier (raw text → vocabulary → embedding → encoder → class) on the "
           "current dataset, watch it learn, and compare random, GloVe-frozen and GloVe-fine-tuned embeddings.")
dataset = current_dataset()
counts = ", ".join(f"{name}: {int((dataset.labels == i).sum()):,}" for i, name in enumerate(dataset.class_names))
st.markdown(f"Dataset: **{literal(dataset.name)}** — {len(dataset):,} rows ({literal(counts)}). "
            "Change it on the Data page.")

train_view, runs_view, compare_view = st.tabs(["Train", "Runs", "Compare"])
with train_view:
    train_tab(dataset)
with runs_view:
    runs_tab()
with compare_view:
    compare_tab()

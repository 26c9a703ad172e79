"""The Train page's form: the few choices most people change in view, the rest in two expanders, a run name
that follows the choices until the visitor types one, and how long an epoch should take.

The form is kept short so that at 1440×900 the Train button and the live progress under it
are on the first screen.
"""

from __future__ import annotations

import streamlit as st

from embedlab.data.labelled import LabelledDataset
from embedlab.models.architecture import EMBEDDING_KINDS, EMBEDDING_LABELS, ENCODER_LABELS, ENCODERS, ModelConfig
from embedlab.models.training.estimate import estimate_epoch_seconds
from embedlab.models.training.options import TrainingOptions
from embedlab_ui.numbers import count, seconds
from embedlab_ui.session import literal

NAME_KEY = "train.name"
AUTO_NAME_KEY = "train.auto_name"  # the name the page last filled in; the box holding it means "not typed"
SHORT_EMBEDDING = {"random": "random", "glove-frozen": "GloVe frozen", "glove-finetuned": "GloVe fine-tuned"}


def settings_name(embedding: str, encoder: str) -> str:
    """A run's name from its settings: ``settings_name("glove-frozen", "gru")`` → ``"GloVe frozen gru"``."""
    return f"{SHORT_EMBEDDING[embedding]} {encoder}"


def unique_name(name: str, taken) -> str:
    """``name``, or ``name 2``, ``name 3``… if runs already carry it, so two runs never share a default name."""
    taken = set(taken)
    if name not in taken:
        return name
    number = 2
    while f"{name} {number}" in taken:
        number += 1
    return f"{name} {number}"


def _follow_settings(name: str) -> None:
    """Fill the name box with ``name`` unless the visitor typed their own (kept as theirs)."""
    shown, filled = st.session_state.get(NAME_KEY), st.session_state.get(AUTO_NAME_KEY)
    if shown is None or shown == filled or not shown.strip():
        st.session_state[NAME_KEY] = name
    st.session_state[AUTO_NAME_KEY] = name


@st.cache_data(show_spinner=False, max_entries=20)
def _sequence_length(dataset_fingerprint: str, _dataset: LabelledDataset) -> int:
    from embedlab.data.stats import default_sequence_length

    return default_sequence_length(list(_dataset.texts))


def sequence_length_default(dataset: LabelledDataset) -> int:
    """95th percentile of token counts in ``dataset``, computed once per dataset content."""
    return _sequence_length(dataset.fingerprint, dataset)


RECOMMENDED_EPOCHS = 60  # embedlab.models.training.options.default_options; small sets need the steps


def choose_settings(dataset: LabelledDataset, taken_names) -> tuple[ModelConfig, TrainingOptions, str]:
    """The form. Returns the model's shape, how to train it, and the run's name.

    Args:
        dataset: the current dataset (its texts set the default sequence length).
        taken_names: names of this workspace's runs and jobs, so a default name is not reused.
    """
    first, second, third = st.columns([1, 1, 1.4])
    embedding = first.radio("Embedding", EMBEDDING_KINDS, format_func=EMBEDDING_LABELS.get, key="train.embedding",
                            help="Random: learned from your data. GloVe frozen: pre-trained vectors kept as they "
                                 "are. GloVe fine-tuned: pre-trained vectors adjusted to your data.")
    encoder = second.selectbox("Encoder", ENCODERS, format_func=ENCODER_LABELS.get, key="train.encoder")
    epochs = second.number_input("Epochs", 1, 200, RECOMMENDED_EPOCHS, key="train.epochs",
                                 help="At most: with enough rows for a validation split, training stops once "
                                      "it no longer improves.")
    _follow_settings(unique_name(settings_name(embedding, encoder), taken_names))
    name = third.text_input("Run name", key=NAME_KEY, max_chars=120,
                            help="Follows the settings until you type a name of your own.")
    recommended = st.toggle(
        "Recommended settings for this embedding and encoder", True, key="train.recommended",
        help="EmbedLab's defaults, chosen so every model is at least as good as logistic regression on the "
             "mean of the same word vectors (bench/journal/2026-11-30.md, 'Study'). Turn off to set every "
             "value yourself.")
    if recommended:
        config, options = recommended_settings(dataset, embedding, encoder, int(epochs))
        st.caption(literal(describe_settings(config, options)))
        return config, options, name.strip() or st.session_state[AUTO_NAME_KEY]
    model_box, training_box = st.columns(2)
    with model_box.expander("Model settings"):
        shape = _model_settings(dataset, embedding, encoder)
    with training_box.expander("Training settings"):
        options, learning_rate = _training_settings(int(epochs))
    config = ModelConfig(**shape, learning_rate=learning_rate)  # saved with the model's config
    return config, options, name.strip() or st.session_state[AUTO_NAME_KEY]


def recommended_settings(dataset: LabelledDataset, embedding: str, encoder: str,
                         epochs: int) -> tuple[ModelConfig, TrainingOptions]:
    """The core's recommended model and options for this dataset (``default_config``, ``default_options``).

    The visitor's epochs are kept; the rows the model trains on (the 80% not held out for testing)
    decide whether a validation split is worth having.
    """
    from embedlab.models.architecture import default_config
    from embedlab.models.training.options import default_options

    changes = {}
    if embedding == "random":
        changes["output_dim"] = 50
    config = default_config(embedding, encoder, sequence_length=sequence_length_default(dataset), **changes)
    options = default_options(int(len(dataset) * 0.8), epochs=epochs)
    return config, options


def describe_settings(config: ModelConfig, options: TrainingOptions) -> str:
    """One line saying what the recommended settings are, so nothing is hidden from the visitor."""
    layers = [f"encoder size {config.units}", f"dropout {config.dropout:g}"]
    if config.spatial_dropout:
        layers.append(f"spatial dropout {config.spatial_dropout:g}")
    if config.token_units:
        layers.append(f"a {config.token_units}-unit token layer")
    if config.embedding != "random" and config.pretrained_vocabulary:
        layers.append(f"{config.pretrained_vocabulary:,} GloVe words beyond the training texts'")
    validation = (f"{options.validation_split:.0%} of the training rows validate, early stopping after "
                  f"{options.patience} epochs" if options.early_stopping else
                  "no validation split (too few rows to trust one): every epoch runs")
    return (f"Recommended: {', '.join(layers)}; learning rate {config.learning_rate:g}, batch size "
            f"{options.batch_size}, sequence length {config.sequence_length}; {validation}.")


def _model_settings(dataset: LabelledDataset, embedding: str, encoder: str) -> dict:
    left, right = st.columns(2)
    if embedding == "random":
        output_dim = left.number_input("Embedding size", 2, 1024, 50, key="train.output_dim")
    else:
        from embedlab_ui.vectors import current_vectors

        output_dim = current_vectors().dim
        left.caption(f"Embedding size {output_dim}, from {literal(current_vectors().name)}.")
    max_tokens = right.number_input("Vocabulary size", 100, 400_000, 20_000, step=1_000, key="train.max_tokens")
    sequence_length = left.number_input(
        "Sequence length (tokens)", 4, 2_000, sequence_length_default(dataset), key="train.sequence_length",
        help="Longer texts are cut. The default covers 95% of this dataset's texts.")
    units = right.number_input("Encoder size (units / filters)", 4, 1024, 64, key="train.units")
    dropout = left.slider("Dropout", 0.0, 0.8, 0.2, 0.05, key="train.dropout")
    spatial_dropout = right.slider("Spatial dropout", 0.0, 0.6, 0.0, 0.05, key="train.spatial_dropout",
                                   help="Drops whole embedding dimensions while training; curbs overfitting.")
    token_units = left.number_input("Token layer (ReLU units, 0 = none)", 0, 1024, 0, key="train.token_units",
                                    help="A learned non-linear view of every word vector before the encoder; "
                                         "lifts average pooling of frozen GloVe.")
    hidden_units = right.number_input("Hidden layer (ReLU units, 0 = none)", 0, 1024, 0, key="train.hidden_units")
    return {"max_tokens": int(max_tokens), "sequence_length": int(sequence_length), "embedding": embedding,
            "output_dim": int(output_dim), "encoder": encoder, "units": int(units), "dropout": float(dropout),
            "spatial_dropout": float(spatial_dropout), "token_units": int(token_units),
            "hidden_units": int(hidden_units)}


def _training_settings(epochs: int) -> tuple[TrainingOptions, float]:
    left, right = st.columns(2)
    learning_rate = left.select_slider("Learning rate", [1e-4, 3e-4, 1e-3, 2e-3, 5e-3, 1e-2], 1e-3,
                                       key="train.learning_rate")
    batch_size = right.select_slider("Batch size", [8, 16, 32, 64, 128, 256], 32, key="train.batch_size")
    test_split = left.slider("Test split (held out)", 0.1, 0.4, 0.2, 0.05, key="train.test_split")
    validation_split = right.slider("Validation split (of the rest)", 0.0, 0.4, 0.1, 0.05,
                                    key="train.validation_split")
    early_stopping = left.toggle("Early stopping", True, key="train.early_stopping",
                                 help="Stop when the validation loss has not improved for this many epochs; "
                                      "the best epoch's weights are kept either way.")
    patience = right.number_input("Patience (epochs)", 1, 50, 3, key="train.patience", disabled=not early_stopping)
    monitor = left.radio("Keep the epoch with the best", ["val_loss", "val_accuracy"], key="train.monitor",
                         format_func={"val_loss": "validation loss", "val_accuracy": "validation accuracy"}.get)
    seed = right.number_input("Seed", 0, 2**31 - 1, 0, key="train.seed")
    options = TrainingOptions(epochs=epochs, batch_size=int(batch_size), seed=int(seed),
                              test_split=float(test_split), validation_split=float(validation_split),
                              early_stopping=early_stopping, patience=int(patience), monitor=monitor)
    return options, float(learning_rate)


def estimate_caption(config: ModelConfig, options: TrainingOptions, rows: int, past_runs, runs: int = 1) -> str:
    """One line: about how long an epoch and the whole training should take here, and from what."""
    estimate = estimate_epoch_seconds(config, options, rows, past_runs)
    source = (f"from {estimate.runs_used} of your past {config.encoder} runs" if estimate.source == "past runs"
              else f"from {config.encoder} timings measured on this kind of server")
    whole = estimate.total(options.epochs) * runs
    what = f"{options.epochs} epochs" if runs == 1 else f"{runs} runs of {options.epochs} epochs"
    stop = ", less if early stopping ends it" if options.early_stopping else ""
    return (f"Estimate: {_about(estimate.seconds)} per epoch on this server, {_about(whole)} for {what}"
            f"{stop} ({source}, scaled to {count(estimate.train_rows)} training rows × "
            f"{count(config.sequence_length)} tokens; other trainings on the server make it slower).")


def _about(value: float) -> str:
    return "under a second" if value < 1 else f"about {seconds(value)}"

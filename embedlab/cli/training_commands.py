"""``python -m embedlab train DATA …`` and ``python -m embedlab evaluate RUN DATA``.

DATA is a built-in dataset name (``pang-lee-200``, ``rotten-tomatoes-10k``, …) or a
CSV/TSV/text file read by ``embedlab.data.files.read_labelled_file``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from embedlab.cli import add_command
from embedlab.cli.options import add_data_arguments, add_vectors_flag, dataset_from, vectors_from
from embedlab.errors import EmbedLabError
from embedlab.models.architecture import EMBEDDING_KINDS, ENCODERS


def add_commands(subparsers) -> None:
    """Register ``train`` and ``evaluate``."""
    from embedlab.models.training.options import MIN_VALIDATION_ROWS, MONITORS, default_options
    from embedlab.cli.class_commands import add_class_arguments

    parser = add_command(
        subparsers, "train", train_command, help="train an embedding → encoder → Dense classifier and save it as a run",
        description="Train a classifier on DATA (a built-in dataset name or a file) and save a run folder in --out. "
                    "It starts from the settings the Train page recommends for the embedding and encoder "
                    "(default_config and recommended_options); each option given overrides one of them.",
    )
    add_data_arguments(parser)
    parser.add_argument("--embedding", choices=EMBEDDING_KINDS, default="random",
                        help="random trainable, GloVe frozen or GloVe fine-tuned (default: random)")
    parser.add_argument("--encoder", choices=ENCODERS, default="lstm", help="(default: lstm)")
    add_vectors_flag(parser)  # the GloVe of the GloVe embeddings
    # Every option below defaults to None: unset, it takes the recommendation (see train_command).
    recommended = " (default: the recommended value for the embedding and encoder, as on the Train page)"
    parser.add_argument("--max-tokens", type=int, default=None, help="vocabulary size" + recommended)
    parser.add_argument("--sequence-length", type=int, default=None,
                        help="tokens read per text (default: 95th percentile of the training texts' lengths)")
    parser.add_argument("--output-dim", type=int, default=None,
                        help="random embedding size (GloVe's is the vectors')" + recommended)
    parser.add_argument("--units", type=int, default=None, help="encoder size" + recommended)
    parser.add_argument("--dropout", type=float, default=None, help="dropout before the output" + recommended)
    parser.add_argument("--spatial-dropout", type=float, default=None, help=recommended.strip(" ()"))
    parser.add_argument("--token-units", type=int, default=None,
                        help="ReLU layer on every token before the encoder" + recommended)
    parser.add_argument("--hidden-units", type=int, default=None,
                        help="ReLU layer between encoder and output" + recommended)
    parser.add_argument("--learning-rate", type=float, default=None, help=recommended.strip(" ()"))
    usual = default_options()  # the recommendation's values when the data has rows enough to validate
    parser.add_argument("--epochs", type=int, default=None, help=f"at most (default: {usual.epochs})")
    parser.add_argument("--batch-size", type=int, default=None,
                        help=f"(default: {usual.batch_size}; 64 from 2,000 training rows)")
    parser.add_argument("--seed", type=int, default=None, help=f"(default: {usual.seed})")
    parser.add_argument("--test-split", type=float, default=None,
                        help=f"share of the rows held out for the test metrics (default: {usual.test_split:g})")
    parser.add_argument("--validation-split", type=float, default=None,
                        help=f"share of the training rows that picks the best epoch (default: "
                             f"{usual.validation_split:g}; 0 when that is under {MIN_VALIDATION_ROWS} rows)")
    parser.add_argument("--early-stopping", action=argparse.BooleanOptionalAction, default=None,
                        help="stop when the validation score has not improved for --patience epochs; "
                             "--no-early-stopping runs every epoch (default: on when there is a validation split)")
    parser.add_argument("--patience", type=int, default=None,
                        help=f"early stopping patience in epochs (default: {usual.patience})")
    parser.add_argument("--monitor", choices=MONITORS, default=None,
                        help=f"what picks the best epoch (default: {usual.monitor})")
    parser.add_argument("--name", default="", help="the run's name")
    parser.add_argument("--out", required=True, metavar="DIR", help="runs folder to save the run in")
    add_class_arguments(parser)  # --class CODE --student NAME

    parser = add_command(
        subparsers, "evaluate", evaluate_command,
        help="test a saved run on DATA (or on its own held-out test split)",
        description="Accuracy, precision, recall, F1, confusion matrix and AUC of RUN on DATA. "
                    "DATA 'test-split' (the default) uses the rows the run held out.",
    )
    parser.add_argument("run", metavar="RUN", help="a run folder")
    add_data_arguments(parser, optional_default="test-split")


class TextProgress:
    """Plain-text progress on stderr: one line rewritten per batch, one kept per epoch."""

    def __init__(self, stream=None, every: float = 0.2) -> None:
        # sys.stderr is looked up per instance, not bound once at import (it may be swapped since).
        self.stream, self.every, self.last = stream or sys.stderr, every, 0.0

    def __call__(self, progress) -> None:
        now = time.monotonic()
        if progress.history is not None:
            history = progress.history
            scores = "  ".join(f"{key} {values[-1]:.4f}" for key, values in sorted(history.items()))
            self.stream.write(f"\repoch {progress.epoch}/{progress.epochs}  {scores}\n")
        elif now - self.last >= self.every or progress.batch == progress.batches:
            bar = "#" * int(20 * progress.batch / max(1, progress.batches))
            eta = f"  {progress.eta:.0f} s left" if progress.eta is not None else ""
            loss = progress.logs.get("loss")
            loss_text = f"  loss {loss:.4f}" if loss is not None else ""
            self.stream.write(f"\repoch {progress.epoch}/{progress.epochs} [{bar:<20}] "
                              f"batch {progress.batch}/{progress.batches}{loss_text}{eta}   ")
            self.last = now
        self.stream.flush()


MODEL_FLAGS = ("max_tokens", "output_dim", "units", "dropout", "spatial_dropout", "token_units", "hidden_units",
               "learning_rate")
TRAINING_FLAGS = ("epochs", "batch_size", "seed", "test_split", "validation_split", "early_stopping", "patience",
                  "monitor")


def given(args: argparse.Namespace, names: tuple[str, ...]) -> dict:
    """The options among ``names`` that the command line set (argparse left the others None)."""
    return {name: getattr(args, name) for name in names if getattr(args, name) is not None}


def training_settings(args: argparse.Namespace, dataset, sequence_length: int):
    """The model and training options for ``train``: the Train page's recommendation, overridden by the flags given.

    The core functions behind the Train page's recommended settings (``default_config`` and
    ``recommended_options``), with ``sequence_length`` from the dataset's texts as there.
    """
    from embedlab.models.architecture import default_config
    from embedlab.models.training.options import recommended_options

    config = default_config(args.embedding, args.encoder, sequence_length=sequence_length, **given(args, MODEL_FLAGS))
    return config, recommended_options(len(dataset), **given(args, TRAINING_FLAGS))


def train_command(args: argparse.Namespace) -> tuple[dict, str]:
    from embedlab.models.jobs import TrainingSpec, submit
    from embedlab.models.runs.metrics import RunMetrics
    from embedlab.models.runs.storage import is_remote
    from embedlab.data.stats import default_sequence_length
    from embedlab.cli.class_commands import class_training

    dataset = dataset_from(args)
    membership = class_training(args, dataset)  # None unless --class: then its rows and board
    vectors = None
    if args.embedding != "random":
        vectors = vectors_from(args)
    sequence_length = args.sequence_length or default_sequence_length(list(dataset.texts))
    config, options = training_settings(args, dataset, sequence_length)
    # A bad --out (under a file, read-only, a full disk, an unreachable bucket) fails in submit, before training.
    out = args.out if is_remote(args.out) else Path(args.out).expanduser()
    spec = TrainingSpec(dataset, config, options, vectors, save_to=out, name=args.name,
                        text_column=args.text_column or "text", label_column=args.label_column or "label",
                        **(membership.rows if membership else {}))
    status = follow(submit(spec), TextProgress())
    if status.failure:
        raise EmbedLabError(status.failure)
    run, metrics = status.run, RunMetrics.from_dict(status.metrics)
    location = run_location(run)
    summary = {"run": location, "name": run.name, "metrics": _short_metrics(metrics),
               "best_epoch": metrics.best_epoch, "epochs_run": metrics.epochs_run,
               "seconds": metrics.seconds, "stopped": bool(metrics.stopped), "training": options.to_dict()}
    if membership:
        summary["class"] = membership.put_on_board(run)
    seconds = metrics.seconds if metrics.seconds is not None else 0
    text = (f"saved {location}\n"
            f"test accuracy {metrics.accuracy:.4f}  F1 {metrics.f1:.4f}"
            f"  (best epoch {metrics.best_epoch}, {seconds:.1f} s)")
    return summary, text


def follow(job, on_progress, poll_seconds: float = 0.1):
    """Wait for ``job``, passing each new progress report on; Ctrl-C stops it (the best epoch is kept)."""
    seen = None
    try:
        while not job.finished:
            job.join(timeout=poll_seconds)
            progress = job.snapshot().progress
            if progress is not None and progress is not seen:
                seen = progress
                on_progress(progress)
    except KeyboardInterrupt:
        print("\nstopping after this batch; the best epoch is kept", file=sys.stderr)
        job.stop()
        job.join()
    return job.snapshot()


def run_location(run) -> str:
    """Where a run lives: its s3:// URL for a remote run, else its folder."""
    return str(getattr(run, "location", None) or run.path)


def evaluate_command(args: argparse.Namespace) -> tuple[dict, str]:
    from embedlab.models.evaluation import evaluate_run
    from embedlab.models.runs.catalog import read_run

    run = read_run(args.run if "://" in args.run else Path(args.run).expanduser())
    if args.data == "test-split":
        evaluation = evaluate_run(run)
        source = "the run's held-out test split"
    else:
        dataset = dataset_from(args)
        names = list(run.config.get("class_names") or [])
        if names and list(dataset.class_names) != names:
            raise EmbedLabError(
                f"DATA has classes {', '.join(map(str, dataset.class_names))} but the run was trained on "
                f"{', '.join(names)}; give data with the same labels"
            )
        evaluation = evaluate_run(run, list(dataset.texts), dataset.labels)
        source = dataset.name
    result = {"run": run_location(run), "data": source, **evaluation.to_dict()}
    lines = [f"{run.name} on {source} ({evaluation.rows:,} rows)",
             f"accuracy {evaluation.accuracy:.4f}  precision {evaluation.precision:.4f}  "
             f"recall {evaluation.recall:.4f}  F1 {evaluation.f1:.4f}"
             + (f"  AUC {evaluation.auc:.4f}" if evaluation.auc is not None else ""),
             "confusion matrix (rows: true, columns: predicted):"]
    width = max(len(str(name)) for name in evaluation.class_names)
    for name, row in zip(evaluation.class_names, evaluation.confusion_matrix):
        lines.append(f"  {str(name):>{width}}  " + "  ".join(f"{count:6d}" for count in row))
    return result, "\n".join(lines)


def _short_metrics(metrics) -> dict:
    """The test scores of a ``RunMetrics`` as the JSON summary's ``metrics``: the one place they become a dict."""
    return {"accuracy": metrics.accuracy, "precision": metrics.precision, "recall": metrics.recall,
            "f1": metrics.f1, "auc": metrics.auc, "test_rows": metrics.test_rows}

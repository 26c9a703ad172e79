"""A full study (issue 13): training sizes × embeddings × seeds with average pooling, timed in total and per cell.

    python bench/bench_study.py                                  # Rotten Tomatoes 10k, 5 sizes × 3 embeddings × 3 seeds
    python bench/bench_study.py --data amazon                    # Amazon review snippets (not in the project)
    python bench/bench_study.py --data pang-lee-200 --sizes 50,100,all
    python bench/bench_study.py --json study.json                # also write StudyResult.to_json()

Cells run as jobs on the backend ``EMBEDLAB_EXECUTOR`` names (process workers by default,
one per core); every cell uses the defaults the app and the CLI use (``default_config``,
``default_options``). Printed: each cell as it finishes, the table of mean ± std per size ×
embedding beside the two baselines, convergence, the reading, and the wall time.

``--data amazon`` reads ``amazonReviewSnippets_GroundTruth.txt`` (3,708 product-review
snippets rated by people, label = mean rating > 0, 0 dropped) from the same vaderSentiment
3.3.2 source archive that holds the Rotten Tomatoes set: a different source of text,
never shipped with or used by EmbedLab.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tarfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402 (sys.path and TF_CPP_MIN_LOG_LEVEL set above)

from embedlab.data.labelled import LabelledDataset  # noqa: E402 (sys.path and TF_CPP_MIN_LOG_LEVEL set above)
from embedlab.models.study.cells import StudyPlan, convergence, reading, run_study, summary  # noqa: E402 (sys.path and TF_CPP_MIN_LOG_LEVEL set above)


def amazon_snippets() -> LabelledDataset:
    """The 3,708 Amazon review snippets of Hutto & Gilbert (2014), from the cached vaderSentiment sdist."""
    from embedlab.cache import cache_dir
    from embedlab.data.builtins import builtin_dataset

    archive = Path(os.environ.get("EMBEDLAB_VADER_SDIST") or cache_dir() / "datasets" / "vaderSentiment-3.3.2.tar.gz")
    if not archive.exists():
        builtin_dataset("rotten-tomatoes-10k")  # fetches the archive once
    with tarfile.open(archive) as outer:
        inner_bytes = outer.extractfile("vaderSentiment-3.3.2/additional_resources/hutto_ICWSM_2014.tar.gz").read()
    with tarfile.open(fileobj=io.BytesIO(inner_bytes)) as inner:
        raw = inner.extractfile("hutto_ICWSM_2014/amazonReviewSnippets_GroundTruth.txt").read()
    texts, labels = [], []
    for line in raw.decode("utf-8", errors="replace").splitlines():
        parts = line.strip("\r\n").split("\t")
        if len(parts) < 3 or float(parts[1]) == 0:
            continue
        texts.append(parts[2])
        labels.append(int(float(parts[1]) > 0))
    return LabelledDataset(texts, np.asarray(labels), ["negative", "positive"], name="Amazon review snippets")


def load(name: str) -> LabelledDataset:
    from embedlab.data.builtins import builtin_dataset

    return amazon_snippets() if name == "amazon" else builtin_dataset(name)


def print_table(result) -> None:
    table = summary(result)
    embeddings = list(result.plan.embeddings)
    names = sorted({row["name"] for row in table["baselines"]})
    header = ["training rows"] + embeddings + names
    print("\n| " + " | ".join(header) + " |\n|" + "---|" * len(header))
    for size in sorted({row["size"] for row in table["cells"]} | {row["size"] for row in table["baselines"]}):
        cells = {row["embedding"]: row for row in table["cells"] if row["size"] == size}
        bases = {row["name"]: row for row in table["baselines"] if row["size"] == size}
        values = [f"{cells[e]['mean']:.3f} ± {cells[e]['std']:.3f}" if e in cells else "" for e in embeddings]
        values += [f"{bases[n]['mean']:.3f} ± {bases[n]['std']:.3f}" if n in bases else "" for n in names]
        print(f"| {size:,} | " + " | ".join(values) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="rotten-tomatoes-10k", help="a built-in dataset name, or 'amazon'")
    parser.add_argument("--sizes", default="100,300,1000,3000,all")
    parser.add_argument("--embeddings", default="random,glove-frozen,glove-finetuned")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--encoder", default="pooling")
    parser.add_argument("--test-size", type=int, default=None)
    parser.add_argument("--json", type=Path, help="write StudyResult.to_json() here")
    args = parser.parse_args()

    from embedlab.vectors.io import load_default_vectors

    dataset, vectors = load(args.data), load_default_vectors()
    sizes = tuple(None if size == "all" else int(size) for size in args.sizes.split(","))
    plan = StudyPlan(sizes=sizes, embeddings=tuple(args.embeddings.split(",")), seeds=args.seeds,
                     encoder=args.encoder, test_size=args.test_size)
    print(f"{dataset.name}: {len(dataset):,} rows; executor {os.environ.get('EMBEDLAB_EXECUTOR', 'process')}, "
          f"{os.cpu_count()} cores", flush=True)
    started = time.monotonic()
    seen = [0]

    def on_update(result) -> None:
        for cell in result.cells[seen[0]:]:
            print(f"  {time.monotonic() - started:6.1f} s  {cell['embedding']:<16} {cell['size']:>6,} rows  seed "
                  f"{cell['seed']}  acc {cell['accuracy']:.3f}  best epoch {cell['best_epoch']}/"
                  f"{cell['epochs_run']}  {cell['seconds']:.1f} s", flush=True)
        seen[0] = len(result.cells)

    result = run_study(dataset, plan, vectors, on_update=on_update)
    wall = time.monotonic() - started
    print_table(result)
    print("\n| embedding | mean best epoch | mean seconds to best | mean seconds per cell |\n|---|---|---|---|")
    for row in convergence(result):
        print(f"| {row['embedding']} | {row['best_epoch']:.1f} | {row['seconds_to_best']:.1f} | {row['seconds']:.1f} |")
    print("\n" + "\n".join(f"- {sentence}" for sentence in reading(result)))
    per_cell = [cell["seconds"] for cell in result.cells]
    print(f"\n{len(result.cells)} cells, test set {result.test_rows:,} rows: wall {wall:.0f} s; per cell (training "
          f"only) mean {np.mean(per_cell):.1f} s, max {max(per_cell):.1f} s, sum {sum(per_cell):.0f} s")
    if result.failures:
        print("failures:\n" + "\n".join(result.failures))
    if args.json:
        args.json.write_text(json.dumps(result.to_json(), indent=1))


if __name__ == "__main__":
    main()

"""How much of a dataset GloVe 6B covers, cut with tokenizer version 1 and version 2 (``embedlab.text``).

    nice python bench/bench_tokenization_coverage.py

For each built-in dataset (Rotten Tomatoes 10k, Pang & Lee 200): the share of token occurrences
found in GloVe 6B's vocabulary and the share of distinct tokens found, before (version 1: quotes
stayed on words) and after (version 2: quotes are tokens, as in GloVe's corpus), and the tokens
outside GloVe that held a quote. Then what version 2 costs: the Python twin over Rotten
Tomatoes' texts and the TensorFlow op over them in one batch (a traced ``tf.function``), each
version timed in the same run (best of 3).
"""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from embedlab.data.builtins import builtin_dataset  # noqa: E402 (sys.path set above)
from embedlab.text import glove_standardize, glove_standardize_v2, tokenize, tokenize_v1  # noqa: E402 (sys.path set above)
from embedlab.vectors.io import load_default_vectors  # noqa: E402 (sys.path set above)


def coverage(counts: Counter, known) -> tuple[int, int, int, int]:
    """(occurrences found, occurrences, distinct found, distinct)."""
    found = {token for token in counts if token in known}
    return (sum(counts[token] for token in found), sum(counts.values()), len(found), len(counts))


def main() -> None:
    print(f"load average {os.getloadavg()[0]:.1f}")
    known = load_default_vectors().key_to_index
    for name in ("rotten-tomatoes-10k", "pang-lee-200"):
        texts = builtin_dataset(name).texts
        print(f"\n{name}: {len(texts):,} texts")
        results = {}
        for version, cut in (("v1", tokenize_v1), ("v2", tokenize)):
            counts = Counter(token for text in texts for token in cut(text))
            results[version] = counts
            hits, total, distinct_hits, distinct = coverage(counts, known)
            print(f"  {version}: occurrences {hits:,}/{total:,} = {hits / total:.2%}; "
                  f"distinct {distinct_hits:,}/{distinct:,} = {distinct_hits / distinct:.2%}; "
                  f"distinct outside GloVe {distinct - distinct_hits:,}")
        outside_before = {t for t in results["v1"] if t not in known}
        quoted = sum(results["v1"][t] for t in outside_before if "'" in t or "`" in t)
        print(f"  v1 occurrences outside GloVe holding a quote or apostrophe: {quoted:,}")
    timings(builtin_dataset("rotten-tomatoes-10k").texts)


def best_of_3(work) -> float:
    seconds = []
    for _ in range(3):
        started = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - started)
    return min(seconds)


def timings(texts: list[str]) -> None:
    import tensorflow as tf

    batch = tf.constant(texts)
    print(f"\ncost on {len(texts):,} texts (best of 3), load average {os.getloadavg()[0]:.1f}")
    python = [best_of_3(lambda cut=cut: [cut(text) for text in texts]) for cut in (tokenize_v1, tokenize)]
    print(f"  Python twin: v1 {python[0]:.3f} s, v2 {python[1]:.3f} s, ratio {python[1] / python[0]:.2f}")
    graph = []
    for op in (glove_standardize, glove_standardize_v2):
        traced = tf.function(op)
        traced(batch)
        graph.append(best_of_3(lambda traced=traced: traced(batch).numpy()))
    print(f"  TensorFlow op: v1 {graph[0]:.3f} s, v2 {graph[1]:.3f} s, ratio {graph[1] / graph[0]:.2f}")


if __name__ == "__main__":
    main()

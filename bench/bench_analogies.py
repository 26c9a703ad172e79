"""Time gensim and EmbedLab on the same GloVe vectors, in one run: one analogy query, then the benchmarks.

1. ``king − man + woman`` (3CosAdd and 3CosMul, all 400,000 words): median of many calls.
2. The Google analogy set (19,544 questions) at restrict_vocab=300,000: gensim's
   ``evaluate_word_analogies`` (one ``most_similar`` per question) against
   ``embedlab.vectors.benchmarks.evaluate_word_analogies`` (blocks of questions × words);
   prints both accuracies and whether every section's counts agree.
3. WordSim353 and SimLex999: both correlations from both.

    nice python bench/bench_analogies.py               # several minutes: gensim's full benchmark is slow
    nice python bench/bench_analogies.py --calls 200 --restrict-vocab 30000
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def median_seconds(function, calls: int) -> float:
    function()  # warm up (norms, caches)
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=100, help="calls per single-query timing (default 100)")
    parser.add_argument("--restrict-vocab", type=int, default=300_000, help="benchmark vocabulary (default 300000)")
    args = parser.parse_args()

    from gensim.models import KeyedVectors

    from embedlab.vectors import benchmarks
    from embedlab.vectors.similarity import most_similar
    from embedlab.vectors.io import load_default_vectors

    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    glove = load_default_vectors()
    kv = KeyedVectors(vector_size=glove.dim)
    kv.add_vectors(list(glove.words), np.asarray(glove.vectors))
    glove.unit_vectors  # noqa: B018  (computed once per vector set, as gensim fills its norms once)
    kv.fill_norms()

    print(f"\n1. one query, king − man + woman, {len(glove):,} words, median of {args.calls} calls")
    for method, theirs in (("cosadd", kv.most_similar), ("cosmul", kv.most_similar_cosmul)):
        gensim_time = median_seconds(lambda: theirs(positive=["king", "woman"], negative=["man"], topn=10), args.calls)  # noqa: B023 (called within the iteration)
        ours_time = median_seconds(lambda: most_similar(glove, ["king", "woman"], ["man"], topn=10, method=method),  # noqa: B023 (called within the iteration)
                                   args.calls)
        same = [w for w, _ in theirs(positive=["king", "woman"], negative=["man"], topn=10)] == [
            w for w, _ in most_similar(glove, ["king", "woman"], ["man"], topn=10, method=method)]
        print(f"   {method}: gensim {gensim_time * 1e3:7.2f} ms   EmbedLab {ours_time * 1e3:7.2f} ms   "
              f"ratio {gensim_time / ours_time:5.1f}x   same top 10: {same}")

    path = benchmarks.test_data_folder() / benchmarks.ANALOGY_FILE
    print(f"\n2. Google analogies, restrict_vocab={args.restrict_vocab:,}")
    start = time.perf_counter()
    ours = benchmarks.evaluate_word_analogies(glove, path, restrict_vocab=args.restrict_vocab)
    ours_time = time.perf_counter() - start
    print(f"   EmbedLab {ours_time:8.2f} s   total {ours.total.accuracy:.4%} "
          f"({ours.total.correct}/{ours.total.questions})", flush=True)
    start = time.perf_counter()
    gensim_score, gensim_sections = kv.evaluate_word_analogies(str(path), restrict_vocab=args.restrict_vocab)
    gensim_time = time.perf_counter() - start
    counts = [(s["section"], len(s["correct"]), len(s["incorrect"])) for s in gensim_sections[:-1]]
    same = counts == [(s.name, s.correct, s.incorrect) for s in ours.sections]
    print(f"   gensim   {gensim_time:8.2f} s   total {gensim_score:.4%}")
    print(f"   ratio {gensim_time / ours_time:.1f}x   every section's counts equal: {same}")

    print("\n3. word similarity (Spearman / Pearson / unknown pairs)")
    for result in benchmarks.evaluate_similarity_sets(glove, restrict_vocab=args.restrict_vocab):
        pearson, spearman, oov = kv.evaluate_word_pairs(
            str(benchmarks.test_data_folder() / benchmarks.PAIR_FILES[result.name]), restrict_vocab=args.restrict_vocab)
        print(f"   {result.name:<10} EmbedLab {result.spearman:.4f} / {result.pearson:.4f} / {result.oov_ratio:.1f}%   "
              f"gensim {spearman[0]:.4f} / {pearson[0]:.4f} / {oov:.1f}%")
    print(f"\nload average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()

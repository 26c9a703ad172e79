"""Time loading a 400,000-word GloVe text file: gensim against EmbedLab, in one run.

Writes the default GloVe 6B 50d vectors as a GloVe text file (no header, like
``glove.6B.50d.txt``) into ``cache_dir("bench")`` once and reuses it, then times:

1. gensim ``KeyedVectors.load_word2vec_format(path, no_header=True)``;
2. EmbedLab ``load_vectors(path, use_cache=False)`` (a full parse);
3. EmbedLab ``load_vectors(path)`` again with a warm parse cache (a memory map);
4. the default package (``load_vectors(None)``).

The EmbedLab parse of a big file runs a numba-compiled scan, one piece per core (up to 4).
Its first use in a fresh checkout compiles it (seconds; cached in ``embedlab/__pycache__``);
a warm-up load keeps that out of the timings. CPU seconds are printed beside wall seconds:
they move less when other work shares the machine.

    nice python bench/bench_vectors_load.py              # about a minute, most of it gensim
    nice python bench/bench_vectors_load.py --repeat 3   # best of 3 for the EmbedLab timings
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def glove_text_file() -> Path:
    """The default vectors written once as GloVe text (word and 50 numbers a line); reused afterwards."""
    from embedlab.cache import cache_dir
    from embedlab.vectors.io import load_default_vectors

    path = cache_dir("bench") / "glove.6B.50d.txt"
    if path.is_file():
        return path
    vectors = load_default_vectors()
    matrix = np.asarray(vectors.vectors)
    temporary = path.with_suffix(".tmp")
    with open(temporary, "w", encoding="utf-8", newline="\n") as handle:
        for start in range(0, len(vectors), 20_000):
            rows = matrix[start:start + 20_000].tolist()
            handle.write("".join(word + " " + " ".join(f"{x:.5g}" for x in row) + "\n"
                                 for word, row in zip(vectors.words[start:start + 20_000], rows)))
    os.replace(temporary, path)
    return path


def best_of(function, repeat: int) -> tuple[float, float, object]:
    """Shortest wall time and shortest CPU time (this process, all threads) of ``repeat`` calls, and the last result.

    CPU time is less disturbed than wall time when other work shares the machine.
    """
    best_wall, best_cpu, result = float("inf"), float("inf"), None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = function()
        best_wall, best_cpu = min(best_wall, time.perf_counter() - wall), min(best_cpu, time.process_time() - cpu)
    return best_wall, best_cpu, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=1, help="best of N for the EmbedLab timings (default 1)")
    args = parser.parse_args()

    from gensim.models import KeyedVectors

    from embedlab.vectors.io import load_vectors

    started = time.perf_counter()
    path = glove_text_file()
    print(f"file: {path} ({path.stat().st_size / 1e6:.0f} MB) — ready in {time.perf_counter() - started:.1f} s")

    # A private cache folder: the parse timing never sees an earlier run's cache.
    os.environ["EMBEDLAB_CACHE_DIR"] = tempfile.mkdtemp(prefix="embedlab-bench-cache-")
    load_vectors(path, use_cache=False).words[:1]  # imports and the scan's compilation outside the timings

    gensim_wall, gensim_cpu, keyed = best_of(lambda: KeyedVectors.load_word2vec_format(str(path), no_header=True), 1)
    parse_wall, parse_cpu, parsed = best_of(lambda: load_vectors(path, use_cache=False), args.repeat)
    load_vectors(path)  # fills the cache
    cached_wall, cached_cpu, cached = best_of(lambda: load_vectors(path), args.repeat)
    default_wall, default_cpu, _ = best_of(lambda: load_vectors(None), args.repeat)

    same = (parsed.words == list(keyed.index_to_key) and np.allclose(parsed.vectors, keyed.vectors)
            and cached.words == parsed.words and np.array_equal(cached.vectors, parsed.vectors))
    print(f"same words and vectors as gensim (and cached = parsed): {same}")
    print(f"{len(parsed):,} words x {parsed.dim} dimensions          wall s  gensim/this     CPU s  gensim/this")
    for name, wall, cpu in (
        ("gensim load_word2vec_format(no_header=True)", gensim_wall, gensim_cpu),
        ("EmbedLab load_vectors, full parse (no cache)", parse_wall, parse_cpu),
        ("EmbedLab load_vectors, cached (memory map)", cached_wall, cached_cpu),
        ("EmbedLab default package (glove-6b-50d)", default_wall, default_cpu),
    ):
        print(f"  {name:<44} {wall:7.3f} {gensim_wall / wall:9.1f} x {cpu:9.3f} {gensim_cpu / max(cpu, 1e-3):9.1f} x")
    print(f"load average during the run: {', '.join(f'{x:.2f}' for x in os.getloadavg())} "
          f"on {os.cpu_count()} cores (other work on the machine makes these numbers noisy)")


if __name__ == "__main__":
    main()

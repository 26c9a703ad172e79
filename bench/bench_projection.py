"""EmbedLab's UMAP maps beside umap-learn's defaults (metric="cosine"), on the same GloVe words, in one run.

For each size (10,000 and 20,000 most frequent GloVe 6B 50d words) and each tool, a fresh
Python process draws:

- the *first* map, with an empty numba cache (what a brand-new install pays, imports included),
- a *second* map in that same process (warm: what every later map costs),
- then a new process with the now-filled numba cache draws one map (a restarted server).

Trustworthiness (k=10, cosine, EmbedLab's exact chunked version, which equals sklearn's)
is measured for both tools' maps, outside the timed part, and its own time is printed
(the Explore page computes it for every UMAP map, after the map is drawn). Wall time and CPU time
(``time.process_time``, all threads of the process) are both printed: the machine is
shared, so wall time moves with the load; compare the ratios, taken in one run.

    nice python bench/bench_projection.py                  # several minutes
    nice python bench/bench_projection.py --sizes 10000    # one size
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def child(tool: str, n: int, maps: int) -> dict:
    """Run in a fresh process: draw ``maps`` maps of the ``n`` most frequent words; time each."""
    started_wall, started_cpu = time.perf_counter(), time.process_time()
    import warnings

    import numpy as np

    from embedlab.maps.umap.neighbours import trustworthiness
    from embedlab.maps.projection import project
    from embedlab.maps.umap.library import import_umap
    from embedlab.vectors.io import load_default_vectors
    from embedlab.vectors.word_vectors import unit_rows

    warnings.simplefilter("ignore")
    data = np.asarray(load_default_vectors().vectors[:n])
    results = []
    for _ in range(maps):
        wall, cpu = time.perf_counter(), time.process_time()
        if tool == "embedlab":
            projection = project(data, trust=False)
            coords = projection.coords
        else:  # umap-learn's defaults, as a person would call it for cosine word maps
            coords = import_umap().UMAP(metric="cosine").fit_transform(data)
        results.append({"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu})
        if not results[1:]:  # the first map's time includes the imports this process needed
            results[0]["wall_with_imports"] = time.perf_counter() - started_wall
            results[0]["cpu_with_imports"] = time.process_time() - started_cpu
    tiny = unit_rows(data[:200])
    trustworthiness(tiny, tiny[:, :2], 10, "cosine")  # loads (or compiles) its kernels outside the timing
    wall, cpu = time.perf_counter(), time.process_time()
    trust = trustworthiness(unit_rows(data), coords, 10, "cosine")
    return {"maps": results, "trust": trust, "trust_wall": time.perf_counter() - wall,
            "trust_cpu": time.process_time() - cpu}


def in_subprocess(tool: str, n: int, maps: int, cache: str) -> dict:
    env = {**os.environ, "NUMBA_CACHE_DIR": cache, "TF_CPP_MIN_LOG_LEVEL": "2"}
    completed = subprocess.run(
        [sys.executable, __file__, "--child", tool, "--n", str(n), "--maps", str(maps)],
        env=env, capture_output=True, text=True, cwd=ROOT,
    )
    if completed.returncode != 0:
        raise SystemExit(f"{tool} at {n} failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 20_000])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--maps", type=int, default=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.n, args.maps)))
        return
    print(f"load average at start: {os.getloadavg()[0]:.2f} ({os.cpu_count()} cores)")
    tools = ["embedlab", "umap-defaults"]
    rows = {}
    for n in args.sizes:
        for tool in tools:
            with tempfile.TemporaryDirectory(prefix="numba-cache-") as cache:
                fresh = in_subprocess(tool, n, 2, cache)
                restarted = in_subprocess(tool, n, 1, cache)
            rows[(tool, n)] = (fresh, restarted)
            first, warm = fresh["maps"]
            print(f"{tool:>17} n={n:>6,}: first map (empty numba cache, with imports) "
                  f"{first['wall_with_imports']:6.1f} s wall / {first['cpu_with_imports']:6.1f} s CPU · "
                  f"restarted process (cache filled) {restarted['maps'][0]['wall_with_imports']:5.1f} s / "
                  f"{restarted['maps'][0]['cpu_with_imports']:5.1f} s · warm {warm['wall']:5.2f} s / "
                  f"{warm['cpu']:5.2f} s · trust {fresh['trust']:.4f}"
                  f" (trust itself {fresh['trust_wall']:.2f} s / {fresh['trust_cpu']:.2f} s)", flush=True)
    print(f"load average at end: {os.getloadavg()[0]:.2f}")
    print("\nratios, umap defaults ÷ EmbedLab (higher = EmbedLab faster); trust difference EmbedLab − umap")
    for n in args.sizes:
        ours_fresh, ours_restart = rows[("embedlab", n)]
        theirs_fresh, theirs_restart = rows[("umap-defaults", n)]
        for label, key, ours, theirs in (
            ("first map, empty cache", "wall_with_imports", ours_fresh["maps"][0], theirs_fresh["maps"][0]),
            ("first map, cache filled", "wall_with_imports", ours_restart["maps"][0], theirs_restart["maps"][0]),
            ("warm map", "wall", ours_fresh["maps"][1], theirs_fresh["maps"][1]),
        ):
            cpu_key = key.replace("wall", "cpu")
            print(f"  n={n:>6,} {label:<24} wall ×{theirs[key] / ours[key]:5.2f}   "
                  f"CPU ×{theirs[cpu_key] / ours[cpu_key]:5.2f}")
        print(f"  n={n:>6,} trustworthiness {ours_fresh['trust']:.4f} vs {theirs_fresh['trust']:.4f} "
              f"({ours_fresh['trust'] - theirs_fresh['trust']:+.4f})")


if __name__ == "__main__":
    main()

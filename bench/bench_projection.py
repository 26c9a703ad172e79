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

Past 20,000 words (``EXACT_NEIGHBOURS_UP_TO``: EmbedLab's neighbours come from NN-descent there)
each tool draws one map in one new process, after an untimed 21,000-word map in another process
has filled that tool's numba cache (a restarted server): umap-learn's 100,000-word map takes
minutes, so it is drawn once. Both maps are then measured by trustworthiness at k=15 on the
same fixed sample of 1,000 words (``sampled_trustworthiness``; k=10 over all words would take
minutes), and EmbedLab's seconds per stage and neighbour recall@15 are printed.

    nice python bench/bench_projection.py                  # several minutes
    nice python bench/bench_projection.py --sizes 10000    # one size
    nice python bench/bench_projection.py --sizes 100000   # one map per tool, about ten minutes
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
from embedlab.maps.projection import EXACT_NEIGHBOURS_UP_TO  # noqa: E402  (after the path is set)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def child(tool: str, n: int, maps: int) -> dict:
    """Run in a fresh process: draw ``maps`` maps of the ``n`` most frequent words; time each."""
    started_wall, started_cpu = time.perf_counter(), time.process_time()
    import warnings

    import numpy as np

    from embedlab.maps.projection import EXACT_NEIGHBOURS_UP_TO, project
    from embedlab.maps.umap.neighbours import sampled_trustworthiness, trustworthiness
    from embedlab.maps.umap.library import import_umap
    from embedlab.vectors.io import load_default_vectors
    from embedlab.vectors.word_vectors import unit_rows

    warnings.simplefilter("ignore")
    data = np.asarray(load_default_vectors().vectors[:n])
    results, ours = [], {}
    for _ in range(maps):
        wall, cpu = time.perf_counter(), time.process_time()
        if tool == "embedlab":
            projection = project(data, trust=False)
            coords = projection.coords
            ours = {"stages": projection.stage_seconds, "recall": projection.neighbour_recall,
                    "search": projection.neighbour_search}
        else:  # umap-learn's defaults, as a person would call it for cosine word maps
            coords = import_umap().UMAP(metric="cosine").fit_transform(data)
        results.append({"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu})
        if not results[1:]:  # the first map's time includes the imports this process needed
            results[0]["wall_with_imports"] = time.perf_counter() - started_wall
            results[0]["cpu_with_imports"] = time.process_time() - started_cpu
    tiny = unit_rows(data[:200])
    trustworthiness(tiny, tiny[:, :2], 10, "cosine")  # loads (or compiles) its kernels outside the timing
    sampled_trustworthiness(tiny, tiny[:, :2], 15, "cosine")
    sampled = sampled_trustworthiness(data, coords, 15, "cosine")  # the same fixed sample for both tools
    if n > EXACT_NEIGHBOURS_UP_TO:
        return {"maps": results, "trust": None, "sampled_trust": sampled, **ours}
    wall, cpu = time.perf_counter(), time.process_time()
    trust = trustworthiness(unit_rows(data), coords, 10, "cosine")
    return {"maps": results, "trust": trust, "trust_wall": time.perf_counter() - wall,
            "trust_cpu": time.process_time() - cpu, "sampled_trust": sampled, **ours}


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
        if n > EXACT_NEIGHBOURS_UP_TO:
            large_size(n, tools)
            continue
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
    for n in (size for size in args.sizes if size <= EXACT_NEIGHBOURS_UP_TO):
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
              f"({ours_fresh['trust'] - theirs_fresh['trust']:+.4f}); k=15 on the fixed sample "
              f"{ours_fresh['sampled_trust']:.4f} vs {theirs_fresh['sampled_trust']:.4f}")


def large_size(n: int, tools: list[str]) -> None:
    """One map per tool in a new process whose numba cache an untimed 21,000-word map filled; the ratio."""
    drawn = {}
    for tool in tools:
        with tempfile.TemporaryDirectory(prefix="numba-cache-") as cache:
            in_subprocess(tool, EXACT_NEIGHBOURS_UP_TO + 1_000, 1, cache)  # both tools' approximate search compiled
            drawn[tool] = in_subprocess(tool, n, 1, cache)
        first = drawn[tool]["maps"][0]
        stages = ", ".join(f"{stage} {seconds:.1f} s" for stage, seconds in drawn[tool].get("stages", {}).items())
        recall = drawn[tool].get("recall")
        print(f"{tool:>17} n={n:>7,}: map in a new process (cache filled, with imports) "
              f"{first['wall_with_imports']:6.1f} s wall / {first['cpu_with_imports']:6.1f} s CPU · "
              f"trust k=15 on the sample {drawn[tool]['sampled_trust']:.4f}"
              + (f" · {stages} · neighbours {drawn[tool]['search']}" if stages else "")
              + (f", recall@15 {recall:.4f}" if recall is not None else ""), flush=True)
    ours, theirs = drawn["embedlab"], drawn["umap-defaults"]
    print(f"load average now: {os.getloadavg()[0]:.2f}")
    print(f"  n={n:>7,} umap defaults ÷ EmbedLab: wall ×"
          f"{theirs['maps'][0]['wall_with_imports'] / ours['maps'][0]['wall_with_imports']:5.2f}   CPU ×"
          f"{theirs['maps'][0]['cpu_with_imports'] / ours['maps'][0]['cpu_with_imports']:5.2f} · trust k=15 "
          f"{ours['sampled_trust']:.4f} vs {theirs['sampled_trust']:.4f} "
          f"({ours['sampled_trust'] - theirs['sampled_trust']:+.4f})", flush=True)


if __name__ == "__main__":
    main()

"""What a study's numbers say: the table, the convergence, and sentences written from them.

Works on ``StudyResult`` (``embedlab.models.study.cells``) or on its ``to_json()`` form, so a
saved study can be read again. Two rules keep the sentences honest:

- a difference between two embeddings is *inside the spread* when it is smaller than
  the spread of a difference of single runs, ``sqrt(std_a² + std_b²)`` over the seeds;
- the test set is *too small to tell them apart* when the 95% binomial interval of an
  accuracy on it, ``1.96·sqrt(p(1 − p)/n)``, is wider than the largest difference found.
"""

from __future__ import annotations

import math

import numpy as np

LABELS = {"random": "random", "glove-frozen": "GloVe frozen", "glove-finetuned": "GloVe fine-tuned",
          "mean-vector-lr": "the mean-vector logistic regression", "tfidf-lr": "TF-IDF logistic regression"}
GLOVE_KINDS = ("glove-frozen", "glove-finetuned")


def _as_json(result) -> dict:
    return result if isinstance(result, dict) else result.to_json()


def _group(rows: list[dict], key: str) -> list[dict]:
    groups: dict[tuple, list[float]] = {}
    for row in rows:
        groups.setdefault((row["size"], row[key]), []).append(float(row["accuracy"]))
    return [{"size": size, key: name, "mean": float(np.mean(values)),
             "std": float(np.std(values, ddof=1)) if len(values) > 1 else 0.0, "runs": len(values)}
            for (size, name), values in sorted(groups.items(), key=lambda item: (item[0][0], str(item[0][1])))]


def summary(result) -> dict:
    """Mean, spread (sample std over seeds) and runs of accuracy per size × embedding and size × baseline.

    Returns:
        ``{"cells": [{"size", "embedding", "mean", "std", "runs"}], "baselines": [{"size", "name", ...}]}``
    """
    data = _as_json(result)
    return {"cells": _group(data["cells"], "embedding"), "baselines": _group(data["baselines"], "name")}


def convergence(result) -> list[dict]:
    """Per embedding: mean epochs and seconds to the best epoch, and mean seconds per training.

    The tutorial's claim that pre-trained vectors "converge faster" is read off these.
    """
    rows: dict[str, list[dict]] = {}
    for cell in _as_json(result)["cells"]:
        rows.setdefault(cell["embedding"], []).append(cell)
    out = []
    for embedding, cells in rows.items():
        epochs = [cell["best_epoch"] for cell in cells if cell.get("best_epoch")]
        to_best = [cell["seconds_to_best"] for cell in cells if cell.get("seconds_to_best") is not None]
        out.append({"embedding": embedding, "cells": len(cells),
                    "best_epoch": float(np.mean(epochs)) if epochs else None,
                    "seconds_to_best": float(np.mean(to_best)) if to_best else None,
                    "seconds": float(np.mean([cell["seconds"] for cell in cells]))})
    return out


def accuracy_interval(accuracy: float, rows: int) -> float:
    """Half-width of the 95% (normal approximation) binomial interval of an accuracy on ``rows`` test rows."""
    p = min(max(accuracy, 0.0), 1.0)
    return 1.96 * math.sqrt(max(p * (1 - p), 0.25 / max(rows, 1)) / max(rows, 1))


def _points(value: float) -> str:
    points = abs(value) * 100
    return f"{points:.1f} point{'' if round(points, 1) == 1 else 's'}"


def _rows(size: int) -> str:
    return f"{size:,}"


def _span(sizes: list[int], largest: int) -> str:
    if len(sizes) == 1:
        return f"At {_rows(sizes[0])} training rows"
    if sizes[-1] == largest:
        return f"From {_rows(sizes[0])} training rows on"
    return f"At {_rows(sizes[0])}–{_rows(sizes[-1])} training rows"


def _verdicts(table: dict, test_rows: int = 0) -> list[tuple[int, str, float, float, str]]:
    """Per size: (size, verdict 'glove' | 'random' | 'inside', difference, spread, the GloVe kind compared).

    With one seed there is no spread over seeds (it would be 0, and every difference would read
    as a lead), so the margin is then what the test set can tell apart: the 95% interval of
    a difference of two accuracies on ``test_rows`` rows.
    """
    out = []
    for size in sorted({size for size, _ in table}):
        if (size, "random") not in table:
            continue
        kinds = [kind for kind in GLOVE_KINDS if (size, kind) in table]
        if not kinds:
            continue
        kind = max(kinds, key=lambda name: table[(size, name)]["mean"])
        glove, random = table[(size, kind)], table[(size, "random")]
        difference = glove["mean"] - random["mean"]
        if min(glove["runs"], random["runs"]) > 1 or not test_rows:
            spread = math.sqrt(glove["std"] ** 2 + random["std"] ** 2)
        else:
            spread = math.hypot(accuracy_interval(glove["mean"], test_rows),
                                accuracy_interval(random["mean"], test_rows))
        verdict = "inside" if abs(difference) <= spread else ("glove" if difference > 0 else "random")
        out.append((size, verdict, difference, spread, kind))
    return out


def _crossover_sentences(verdicts, largest: int, runs: int) -> list[str]:
    sentences, start = [], 0
    while start < len(verdicts):
        end = start
        # A run of sizes with the same verdict for the same GloVe kind: naming one kind for sizes where
        # the other was the better one put a lead on the wrong embedding.
        while end + 1 < len(verdicts) and verdicts[end + 1][1] == verdicts[start][1] \
                and verdicts[end + 1][4] == verdicts[start][4]:
            end += 1
        group = verdicts[start:end + 1]
        sizes = [row[0] for row in group]
        differences = [row[2] for row in group]
        mean_difference = float(np.mean(differences))
        kind = LABELS[group[0][4]]
        verdict = group[0][1]
        if verdict == "glove":
            text = f"{_span(sizes, largest)} {kind} leads random by {_points(mean_difference)}"
        elif verdict == "random":
            text = f"{_span(sizes, largest)} random embeddings lead {kind} by {_points(mean_difference)}"
        else:
            spread = float(np.mean([row[3] for row in group]))
            margin = "the spread of the seeds" if runs > 1 else "what the test set can tell apart"
            text = (f"{_span(sizes, largest)} {kind} and random embeddings are level: the difference "
                    f"({_points(mean_difference)}) is inside {margin} ({_points(spread)})")
        sentences.append(f"{text} (mean of {runs} seed{'s' if runs != 1 else ''}).")
        start = end + 1
    return sentences


def _baseline_sentences(table: dict, baselines: dict) -> list[str]:
    sentences, behind = [], []
    sizes = sorted({size for size, _ in table})
    for size in sizes:
        best = max((row for (row_size, _), row in table.items() if row_size == size), key=lambda row: row["mean"])
        base = baselines.get((size, "mean-vector-lr"))
        if base is not None and best["mean"] < base["mean"] - math.sqrt(best["std"] ** 2 + base["std"] ** 2):
            behind.append((size, base["mean"] - best["mean"]))
    if behind:
        where = ", ".join(f"{_rows(size)} rows ({_points(gap)})" for size, gap in behind)
        sentences.append(f"The best embedding trails the mean-vector logistic regression at {where}, by more "
                         "than the seeds' spread: a network that contains that baseline should not lose to it.")
    elif any(name == "mean-vector-lr" for _, name in baselines):
        sentences.append("At every size the best embedding is at least level with the mean-vector logistic "
                         "regression on the same vectors.")
    largest = sizes[-1] if sizes else None
    tfidf = baselines.get((largest, "tfidf-lr"))
    if tfidf is not None:
        best_size = max((row for (size, _), row in table.items() if size == largest), key=lambda row: row["mean"])
        difference = best_size["mean"] - tfidf["mean"]
        relation = "ahead of" if difference > 0 else "behind"
        sentences.append(f"At the largest size, {_rows(largest)} training rows, the best embedding "
                         f"({best_size['mean']:.1%}) is {_points(difference)} {relation} TF-IDF logistic regression "
                         f"({tfidf['mean']:.1%}).")
    return sentences


def _convergence_sentence(result) -> str | None:
    rows = [row for row in convergence(result) if row["best_epoch"] is not None]
    if len(rows) < 2:
        return None
    parts = [f"{LABELS.get(row['embedding'], row['embedding'])} after {row['best_epoch']:.1f} epochs"
             + (f" ({row['seconds_to_best']:.1f} s)" if row["seconds_to_best"] is not None else "")
             for row in sorted(rows, key=lambda row: row["best_epoch"])]
    return "Best epoch, on average over all cells: " + "; ".join(parts) + "."


def _too_small_sentence(table: dict, test_rows: int) -> str | None:
    sizes = sorted({size for size, _ in table})
    kinds = sorted({kind for _, kind in table})
    if len(kinds) < 2 or not test_rows:
        return None
    widest = 0.0
    largest_gap = 0.0
    for size in sizes:
        means = [table[(size, kind)]["mean"] for kind in kinds if (size, kind) in table]
        if len(means) >= 2:
            largest_gap = max(largest_gap, max(means) - min(means))
            widest = max(widest, max(accuracy_interval(mean, test_rows) for mean in means))
    if widest > largest_gap:
        return (f"The test set has only {test_rows:,} rows, so each accuracy is known to about ±{_points(widest)} "
                f"(95%), more than the largest difference between embeddings ({_points(largest_gap)}): this "
                "study cannot tell the embeddings apart — use a dataset with more rows.")
    return None


def reading(result) -> list[str]:
    """Sentences a person can read beside the chart, written from the numbers of ``result``.

    Example: ``["At 100–300 training rows GloVe frozen leads random by 6.1 points (mean of 3 seeds).",
    "From 3,000 training rows on GloVe frozen and random embeddings are level: ..."]``
    """
    data = _as_json(result)
    if not data["cells"]:
        return ["No cell has finished yet."]
    table = {(row["size"], row["embedding"]): row for row in summary(data)["cells"]}
    baselines = {(row["size"], row["name"]): row for row in summary(data)["baselines"]}
    sizes = sorted({size for size, _ in table})
    runs = max(row["runs"] for row in table.values())
    sentences = []
    too_small = _too_small_sentence(table, int(data.get("test_rows") or 0))
    if too_small:
        sentences.append(too_small)
    sentences += _crossover_sentences(_verdicts(table, int(data.get("test_rows") or 0)), sizes[-1], runs)
    sentences += _baseline_sentences(table, baselines)
    converging = _convergence_sentence(data)
    if converging:
        sentences.append(converging)
    if data.get("stopped"):
        sentences.append(f"The study was stopped: {len(data['cells'])} of {data.get('planned_cells', '?')} "
                         "cells finished, and the sentences above read only those.")
    return sentences + list(data.get("notes", []))

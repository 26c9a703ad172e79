"""What a study's numbers say: the table, the convergence, a headline and sentences written from them.

Works on ``StudyResult`` (``embedlab.models.study.cells``) or on its ``to_json()`` form, so a
kept study can be read again. The rules that keep the words honest
(``embedlab.models.study.uncertainty`` holds the arithmetic):

- at each size the better GloVe kind is compared with random; the difference is a *lead*
  only when it is larger than its 95% margin (the test set's binomial error, and with two
  seeds or more the seeds' spread); otherwise the two are *level*;
- when every size is level and the test set's error alone is wider than the largest
  difference found, the headline says the test set is too small to tell, and how many test
  rows could;
- no sentence speaks of a spread over seeds when there was one seed;
- a best epoch at the epoch cap is flagged with what to change (more epochs); cells too
  small to keep validation rows train every epoch, and their best epoch is said to mean nothing.

``headline(result)`` is the one sentence that answers the tab's question; ``reading(result)``
the sentences beside it, none of which says more than the headline allows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from embedlab.models.study.uncertainty import (  # noqa: F401 - accuracy_interval is part of this API
    accuracy_interval, difference_margin, rows_to_tell, sampling_margin,
)

LABELS = {"random": "random", "glove-frozen": "GloVe frozen", "glove-finetuned": "GloVe fine-tuned",
          "mean-vector-lr": "the mean-vector logistic regression", "tfidf-lr": "TF-IDF logistic regression"}
GLOVE_KINDS = ("glove-frozen", "glove-finetuned")
DEFAULT_EPOCH_CAP = 60  # a plan without epochs keeps default_options' epochs
# "Level" is a finding when the test set could have seen a 3-point difference; with a wider margin the study
# cannot tell, and the test set that could is sized for the largest difference found, or 3 points if smaller.
SMALLEST_GAP = 0.03


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


def convergence(result, validated_only: bool = False) -> list[dict]:
    """Per embedding: mean epochs and seconds to the best epoch, and mean seconds per training.

    The tutorial's claim that pre-trained vectors "converge faster" is read off these. With
    ``validated_only``, only cells large enough to keep validation rows count: the others keep
    their last epoch, whose number says nothing about convergence.
    """
    rows: dict[str, list[dict]] = {}
    for cell in _as_json(result)["cells"]:
        if validated_only and not _validates(cell["size"]):
            continue
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


@dataclass(frozen=True)
class Verdict:
    """At one training size: the better GloVe kind against random, and whether the difference is a lead."""

    size: int
    kind: str  # the GloVe kind compared
    verdict: str  # "glove" | "random" | "level"
    difference: float  # GloVe − random, in accuracy
    margin: float  # 95% half-width of the difference
    test_margin: float  # the test set's part of it
    accuracy: float  # the two's mean accuracy


def verdicts(result) -> list[Verdict]:
    """One ``Verdict`` per training size that has random and at least one GloVe kind, smallest size first."""
    data = _as_json(result)
    test_rows = int(data.get("test_rows") or 0)
    table = {(row["size"], row["embedding"]): row for row in summary(data)["cells"]}
    out = []
    for size in sorted({size for size, _ in table}):
        kinds = [kind for kind in GLOVE_KINDS if (size, kind) in table]
        if (size, "random") not in table or not kinds:
            continue
        kind = max(kinds, key=lambda name: table[(size, name)]["mean"])
        glove, random = table[(size, kind)], table[(size, "random")]
        difference = glove["mean"] - random["mean"]
        margin = difference_margin(glove, random, test_rows)
        verdict = "level" if abs(difference) <= margin else ("glove" if difference > 0 else "random")
        out.append(Verdict(size, kind, verdict, difference, margin,
                           sampling_margin(glove["mean"], random["mean"], test_rows) if test_rows else 0.0,
                           (glove["mean"] + random["mean"]) / 2))
    return out


def _points(value: float) -> str:
    points = abs(value) * 100
    return f"{points:.1f} point{'' if round(points, 1) == 1 else 's'}"


def _seeds(runs: int) -> str:
    return f"{runs} seed{'s' if runs != 1 else ''}"


def _groups(rows: list[Verdict], same_kind: bool) -> list[list[Verdict]]:
    """Consecutive sizes with the same verdict (and, when ``same_kind``, the same GloVe kind)."""
    groups: list[list[Verdict]] = []
    for row in rows:
        last = groups[-1][-1] if groups else None
        if last is not None and last.verdict == row.verdict and (not same_kind or last.kind == row.kind):
            groups[-1].append(row)
        else:
            groups.append([row])
    return groups


def _kind_of(group: list[Verdict]) -> str:
    kinds = {row.kind for row in group}
    return LABELS[group[0].kind] if len(kinds) == 1 else "GloVe"


def _where(group: list[Verdict], position: int, count: int) -> str:
    first, last = group[0].size, group[-1].size
    if count == 1:
        return "at every size studied" if len(group) > 1 else f"at {first:,} training rows"
    if position == 0:
        return f"up to {last:,} training rows"
    if position == count - 1:
        return f"from {first:,} training rows on"
    return f"at {first:,} training rows" if first == last else f"at {first:,}–{last:,} training rows"


def _says(group: list[Verdict]) -> str:
    kind, difference = _kind_of(group), float(np.mean([row.difference for row in group]))
    if group[0].verdict == "glove":
        return f"{kind} leads random by {_points(difference)}"
    if group[0].verdict == "random":
        return f"random embeddings lead {kind} by {_points(difference)}"
    return f"{kind} and random are level (within ±{_points(max(row.margin for row in group))})"


def too_small(result) -> dict | None:
    """When the test set cannot tell the embeddings apart: ``{"test_rows", "margin", "gap", "needed"}``, else None.

    That is when every size is level and the test set's own margin is wider than the largest
    difference found and than ``SMALLEST_GAP``; ``needed`` is the smallest test set whose margin
    is below that difference (or ``SMALLEST_GAP``, the larger).
    """
    data = _as_json(result)
    rows, test_rows = verdicts(data), int(data.get("test_rows") or 0)
    if not rows or not test_rows or any(row.verdict != "level" for row in rows):
        return None
    widest = max(rows, key=lambda row: abs(row.difference))
    gap = max(abs(widest.difference), SMALLEST_GAP)
    if widest.test_margin <= gap:
        return None
    return {"test_rows": test_rows, "margin": widest.test_margin, "gap": abs(widest.difference),
            "told": gap, "needed": rows_to_tell(gap, widest.accuracy)}


def headline(result) -> str:
    """One sentence answering "when do pre-trained embeddings pay, on this data?" from the numbers.

    Example: ``"On this data, GloVe frozen leads random by 9.0 points up to 300 training rows; from
    1,000 training rows on GloVe frozen and random are level (within ±3.1 points)."``
    """
    data = _as_json(result)
    if not data["cells"]:
        return "No cell has finished yet."
    rows = verdicts(data)
    if not rows:
        return ("This study cannot answer the question: it needs random embeddings and a GloVe embedding "
                "at the same training size.")
    small = too_small(data)
    if small is not None:
        rows_in_all = (data.get("dataset") or {}).get("rows")
        whole = f" (this dataset has {rows_in_all:,} rows in all)" if rows_in_all else ""
        return (f"This test set is too small to tell the embeddings apart: on {small['test_rows']:,} test rows a "
                f"difference is known only to ±{_points(small['margin'])}, more than the largest one found "
                f"({_points(small['gap'])}); the smallest test set that could tell {_points(small['told'])} "
                f"apart has about {small['needed']:,} rows{whole}.")
    groups = _groups(rows, same_kind=False)
    parts = [f"{_says(group)} {_where(group, index, len(groups))}" for index, group in enumerate(groups)]
    if len(groups) > 1:  # the subject goes first once the sentence has two clauses
        parts = [f"{_where(group, index, len(groups))} {_says(group)}" if index else part
                 for index, (group, part) in enumerate(zip(groups, parts))]
    return "On this data, " + "; ".join(parts) + "."


def _margin_source(runs: int, test_rows: int) -> str:
    test = f"the {test_rows:,} test rows" if test_rows else "the seeds"
    if runs > 1:
        return f"95%, from {test} and the spread of {_seeds(runs)}" if test_rows else "95%, from the seeds' spread"
    return f"95%, from {test}; one seed, so no spread over seeds is measured"


def _size_span(group: list[Verdict]) -> str:
    first, last = group[0].size, group[-1].size
    return f"At {first:,} training rows" if first == last else f"At {first:,}–{last:,} training rows"


def _size_sentences(rows: list[Verdict], runs: int, test_rows: int) -> list[str]:
    sentences = []
    for group in _groups(rows, same_kind=True):
        kind = LABELS[group[0].kind]
        difference = float(np.mean([row.difference for row in group]))
        margin = max(row.margin for row in group)
        source = _margin_source(runs, test_rows)
        if group[0].verdict == "glove":
            text = f"{kind} leads random by {_points(difference)}, more than its margin of ±{_points(margin)}"
        elif group[0].verdict == "random":
            text = (f"random embeddings lead {kind} by {_points(difference)}, more than the margin of "
                    f"±{_points(margin)}")
        else:
            text = (f"{kind} and random embeddings are level: the difference ({_points(difference)}) is inside "
                    f"the margin of ±{_points(margin)}")
        sentences.append(f"{_size_span(group)} {text} ({source}; mean of {_seeds(runs)}).")
    return sentences


def _baseline_sentences(data: dict) -> list[str]:
    test_rows = int(data.get("test_rows") or 0)
    parts = summary(data)
    table = {(row["size"], row["embedding"]): row for row in parts["cells"]}
    baselines = {(row["size"], row["name"]): row for row in parts["baselines"]}
    sizes = sorted({size for size, _ in table})
    best = {size: max((row for (row_size, _), row in table.items() if row_size == size), key=lambda row: row["mean"])
            for size in sizes}
    sentences, behind = [], []
    for size in sizes:
        base = baselines.get((size, "mean-vector-lr"))
        if base is not None and base["mean"] - best[size]["mean"] > difference_margin(best[size], base, test_rows):
            behind.append((size, base["mean"] - best[size]["mean"]))
    if behind:
        where = ", ".join(f"{size:,} rows ({_points(gap)})" for size, gap in behind)
        sentences.append(f"The best embedding trails the mean-vector logistic regression at {where}, by more than "
                         "the margin: a network that contains that baseline should not lose to it.")
    elif any(name == "mean-vector-lr" for _, name in baselines):
        sentences.append("At every size the best embedding is at least level with the mean-vector logistic "
                         "regression on the same vectors.")
    largest = sizes[-1] if sizes else None
    tfidf = baselines.get((largest, "tfidf-lr"))
    if tfidf is not None:
        top = best[largest]
        difference, margin = top["mean"] - tfidf["mean"], difference_margin(top, tfidf, test_rows)
        relation = ("level with" if abs(difference) <= margin else
                    f"{_points(difference)} {'ahead of' if difference > 0 else 'behind'}")
        sentences.append(f"At the largest size, {largest:,} training rows, the best embedding ({top['mean']:.1%}) is "
                         f"{relation} TF-IDF logistic regression ({tfidf['mean']:.1%}; margin ±{_points(margin)}).")
    return sentences


def epoch_cap(data: dict) -> int:
    """The most epochs a cell of this study could train (the plan's, or ``default_options``')."""
    return int((data.get("plan") or {}).get("epochs") or DEFAULT_EPOCH_CAP)


def _validates(size: int) -> bool:
    from embedlab.models.training.options import default_options

    return default_options(size).validation_split > 0


def _epoch_sentences(data: dict) -> list[str]:
    """Best epochs: when they say something (cells with validation rows), and when they hit the cap."""
    cap, cells = epoch_cap(data), data["cells"]
    validated = [cell for cell in cells if _validates(cell["size"])]
    unvalidated = sorted({cell["size"] for cell in cells if not _validates(cell["size"])})
    sentences = []
    if unvalidated:
        sizes = ", ".join(f"{size:,}" for size in unvalidated)
        sentences.append(f"Cells of {sizes} training rows are too small to keep validation rows: they train every "
                         f"epoch allowed ({cap}) and keep the last, so their best epoch says nothing about "
                         "convergence.")
    at_cap = [cell for cell in validated if cell.get("best_epoch") and int(cell["best_epoch"]) >= cap]
    if at_cap:
        kinds = ", ".join(sorted({LABELS[cell["embedding"]] for cell in at_cap}))
        sentences.append(f"{len(at_cap)} of {len(validated)} cells with validation rows ({kinds}) had their best "
                         f"epoch at the last one allowed ({cap}): they were still improving — raise the epochs "
                         f"(e.g. to {cap * 2}) and run the study again.")
    rows = [row for row in convergence(data, validated_only=True) if row["best_epoch"] is not None]
    if len(rows) >= 2:
        parts = [f"{LABELS.get(row['embedding'], row['embedding'])} after {row['best_epoch']:.1f} epochs"
                 + (f" ({row['seconds_to_best']:.1f} s)" if row["seconds_to_best"] is not None else "")
                 for row in sorted(rows, key=lambda row: row["best_epoch"])]
        sentences.append("Best epoch by validation loss, on average over the cells that have validation rows: "
                         + "; ".join(parts) + ".")
    return sentences


def reading(result) -> list[str]:
    """Sentences a person can read beside the chart and ``headline``, written from the numbers of ``result``.

    Example: ``["At 100–300 training rows GloVe frozen leads random by 6.1 points, more than its margin of
    ±3.2 points (95%, from the 600 test rows and the spread of 3 seeds; mean of 3 seeds).", ...]``
    """
    data = _as_json(result)
    if not data["cells"]:
        return ["No cell has finished yet."]
    runs = max(row["runs"] for row in summary(data)["cells"])
    test_rows = int(data.get("test_rows") or 0)
    sentences = _size_sentences(verdicts(data), runs, test_rows)
    sentences += _baseline_sentences(data)
    sentences += _epoch_sentences(data)
    if data.get("stopped") or len(data["cells"]) < int(data.get("planned_cells") or 0):
        sentences.append(f"The study is not complete: {len(data['cells'])} of {data.get('planned_cells', '?')} "
                         "cells finished, and the sentences above read only those.")
    return sentences + list(data.get("notes", []))


def needs_more_data(result) -> bool:
    """True when the study's test set was too small to show anything (the tab then offers a larger dataset)."""
    return too_small(result) is not None

"""The Study's words over made-up cell tables: the headline answers the question, no sentence claims more.

Each table is built so its answer is known: gaps far outside or well inside the margin that
``embedlab.models.study.uncertainty`` computes from the test rows and the seeds.
"""

import re

import pytest

from embedlab.models.study.reading import headline, reading, summary, too_small, verdicts
from embedlab.models.study.uncertainty import difference_margin, rows_to_tell, sampling_margin


def cells(size, embedding, accuracies, best_epoch=None):
    return [{"size": size, "embedding": embedding, "seed": seed, "accuracy": accuracy, "f1": accuracy,
             "best_epoch": best_epoch or (3 if embedding == "random" else 2), "seconds": 1.0,
             "seconds_to_best": 0.5, "epochs_run": (best_epoch or 3) + 4}
            for seed, accuracy in enumerate(accuracies)]


def study(*tables, test_rows=2000, epochs=30, baselines=(), rows=None):
    data = {"cells": [cell for table in tables for cell in table], "baselines": list(baselines),
            "test_rows": test_rows, "plan": {"epochs": epochs}}
    data["planned_cells"] = len(data["cells"])
    if rows:
        data["dataset"] = {"name": "made up", "rows": rows}
    return data


def everything_said(data) -> list[str]:
    return [headline(data)] + reading(data)


def claims_a_lead(sentence: str) -> bool:
    return bool(re.search(r"\blead(s)?\b|\bahead\b|\btrails\b", sentence))


def test_one_seed_speaks_of_the_test_set_and_never_of_a_spread_over_seeds():
    data = study(cells(100, "random", [0.60]), cells(100, "glove-frozen", [0.70]),
                 cells(3000, "random", [0.80]), cells(3000, "glove-frozen", [0.81]))
    said = everything_said(data)
    assert said[0] == ("On this data, GloVe frozen leads random by 10.0 points up to 100 training rows; from 3,000 "
                       "training rows on GloVe frozen and random are level (within ±2.5 points).")
    assert any("one seed, so no spread over seeds is measured" in sentence for sentence in said)
    assert not any("spread of" in sentence or "seeds' spread" in sentence for sentence in said)


def test_a_tiny_test_set_says_it_cannot_tell_and_how_many_test_rows_could():
    data = study(cells(100, "random", [0.60, 0.65]), cells(100, "glove-frozen", [0.70, 0.72]),
                 cells(160, "random", [0.62, 0.66]), cells(160, "glove-frozen", [0.68, 0.70]),
                 test_rows=40, rows=200)
    said = everything_said(data)
    small = too_small(data)
    assert small["gap"] == pytest.approx(0.085)  # the largest difference, at 100 rows
    # The smallest test set that could: its margin is below the gap, one row fewer is not.
    needed, accuracy = small["needed"], 0.6675
    assert sampling_margin(accuracy, accuracy, needed) < 0.085 <= sampling_margin(accuracy, accuracy, needed - 1)
    assert said[0].startswith("This test set is too small to tell the embeddings apart: on 40 test rows")
    assert f"has about {small['needed']:,} rows (this dataset has 200 rows in all)" in said[0]
    assert not any(claims_a_lead(sentence) for sentence in said), said


def test_differences_inside_the_margin_are_level_at_every_size():
    data = study(cells(300, "random", [0.70, 0.71, 0.72]), cells(300, "glove-frozen", [0.705, 0.715, 0.72]),
                 cells(3000, "random", [0.80, 0.81, 0.79]), cells(3000, "glove-frozen", [0.80, 0.80, 0.81]))
    said = everything_said(data)
    assert said[0].startswith("On this data, GloVe frozen and random are level (within ±")
    assert said[0].endswith("at every size studied.")
    assert too_small(data) is None  # 2,000 test rows can see a 3-point gap: "level" here is a finding
    assert too_small({**data, "test_rows": 600}) is not None  # ±5 points could hide a 3-point lead
    assert not any(claims_a_lead(sentence) for sentence in said), said
    assert any("spread of 3 seeds" in sentence for sentence in said)


def test_the_issues_uci_case_a_point_on_596_test_rows_is_not_a_lead():
    data = study(cells(1000, "random", [0.800, 0.801, 0.799]), cells(1000, "glove-frozen", [0.808, 0.809, 0.807]),
                 test_rows=596)
    assert [verdict.verdict for verdict in verdicts(data)] == ["level"]
    assert not any(claims_a_lead(sentence) for sentence in everything_said(data))


def test_a_lead_well_outside_the_margin_is_said_with_its_size():
    data = study(cells(100, "random", [0.60, 0.61, 0.59]), cells(100, "glove-frozen", [0.69, 0.70, 0.68]),
                 cells(300, "random", [0.66, 0.65, 0.67]), cells(300, "glove-frozen", [0.75, 0.74, 0.76]))
    said = everything_said(data)
    assert said[0] == "On this data, GloVe frozen leads random by 9.0 points at every size studied."
    [detail] = [sentence for sentence in said[1:] if "leads" in sentence]
    assert detail.startswith("At 100–300 training rows GloVe frozen leads random by 9.0 points, more than its margin")
    table = {(row["size"], row["embedding"]): row for row in summary(data)["cells"]}
    assert difference_margin(table[(100, "glove-frozen")], table[(100, "random")], 2000) < 0.09


def test_a_gap_larger_than_the_test_margin_but_inside_the_seeds_spread_is_level():
    data = study(cells(300, "random", [0.55, 0.75, 0.65]), cells(300, "glove-frozen", [0.62, 0.82, 0.72]))
    [verdict] = verdicts(data)
    assert verdict.difference > verdict.test_margin and verdict.verdict == "level"
    assert not any(claims_a_lead(sentence) for sentence in everything_said(data))


def test_the_crossover_names_where_glove_stops_paying_and_where_random_overtakes():
    data = study(cells(100, "random", [0.60, 0.61, 0.59]), cells(100, "glove-frozen", [0.70, 0.71, 0.69]),
                 cells(300, "random", [0.66, 0.65, 0.67]), cells(300, "glove-frozen", [0.73, 0.74, 0.72]),
                 cells(1000, "random", [0.75, 0.76, 0.74]), cells(1000, "glove-frozen", [0.755, 0.76, 0.75]),
                 cells(8000, "random", [0.86, 0.87, 0.86]), cells(8000, "glove-frozen", [0.80, 0.81, 0.80]))
    said = everything_said(data)
    assert re.fullmatch(r"On this data, GloVe frozen leads random by 8\.5 points up to 300 training rows; at 1,000 "
                        r"training rows GloVe frozen and random are level \(within ±[23]\.\d points\); from 8,000 "
                        r"training rows on random embeddings lead GloVe frozen by 6\.0 points\.", said[0]), said[0]
    assert any(sentence.startswith("At 1,000 training rows GloVe frozen and random embeddings are level")
               for sentence in said)
    assert not any("1,000" in sentence and claims_a_lead(sentence) for sentence in said[1:])


def test_best_epochs_at_the_cap_are_flagged_with_more_epochs_and_small_cells_explained():
    data = study(cells(100, "random", [0.60, 0.61], best_epoch=30), cells(100, "glove-frozen", [0.70, 0.70], 30),
                 cells(2000, "random", [0.80, 0.81], best_epoch=30), cells(2000, "glove-frozen", [0.81, 0.80], 12))
    said = reading(data)
    [cap] = [sentence for sentence in said if "last one allowed" in sentence]
    assert cap.startswith("2 of 4 cells with validation rows (random) had their best epoch at the last one allowed "
                          "(30)") and "raise the epochs (e.g. to 60)" in cap
    assert any("Cells of 100 training rows are too small to keep validation rows" in sentence for sentence in said)
    [converging] = [sentence for sentence in said if sentence.startswith("Best epoch")]
    assert "GloVe frozen after 12.0 epochs" in converging and "random after 30.0 epochs" in converging


def test_best_epochs_below_the_cap_are_not_flagged():
    data = study(cells(2000, "random", [0.80, 0.81], best_epoch=9), cells(2000, "glove-frozen", [0.81, 0.80], 12))
    assert not any("last one allowed" in sentence or "too small to keep" in sentence for sentence in reading(data))


def test_baselines_inside_the_margin_are_level_not_ahead_or_behind():
    data = study(cells(3000, "random", [0.80, 0.81, 0.80]), cells(3000, "glove-frozen", [0.80, 0.80, 0.81]),
                 baselines=[{"size": 3000, "name": "tfidf-lr", "accuracy": 0.795, "seed": seed} for seed in range(3)]
                 + [{"size": 3000, "name": "mean-vector-lr", "accuracy": 0.81, "seed": seed} for seed in range(3)])
    said = reading(data)
    assert any("is level with TF-IDF logistic regression" in sentence for sentence in said), said
    assert any("at least level with the mean-vector logistic regression" in sentence for sentence in said)
    assert not any(claims_a_lead(sentence) for sentence in said)


def test_the_needed_test_rows_shrink_as_the_gap_grows():
    assert rows_to_tell(0.10, 0.7) < rows_to_tell(0.05, 0.7) < rows_to_tell(0.02, 0.7)
    assert sampling_margin(0.7, 0.7, rows_to_tell(0.05, 0.7)) < 0.05


def test_a_study_without_random_or_glove_says_it_cannot_answer():
    data = study(cells(300, "glove-frozen", [0.7, 0.72]))
    assert headline(data).startswith("This study cannot answer the question")

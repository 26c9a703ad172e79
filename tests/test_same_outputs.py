"""The code's reorganisations change nothing a person sees: maps, benchmark scores, a saved run's predictions.

tests/golden/ holds what the code gave before the layout change (see make_golden.py there):
a seeded map must come out bit for bit the same, the benchmarks the same numbers, and a run
saved by the old code must still load and predict what it predicted then.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tests.golden.make_golden import ANALOGY_RESTRICT_VOCAB, MAP_WORDS, MAPS, PREDICTION_TEXTS

GOLDEN = Path(__file__).resolve().parent / "golden"


@pytest.mark.parametrize("name", sorted(MAPS))
def test_a_seeded_map_is_bit_identical_to_the_recorded_one(glove, name):
    from embedlab.maps.projection import project

    recorded = np.load(GOLDEN / f"map_{name}.npy")
    coords = project(glove.vectors[MAP_WORDS], random_state=0, **MAPS[name]).coords

    assert coords.dtype == recorded.dtype and coords.shape == recorded.shape
    assert np.array_equal(coords, recorded), (f"largest move {np.abs(coords - recorded).max()}; OpenBLAS runs its "
                                              f"{openblas_kernels()} kernels, the map was recorded with Haswell's")


def openblas_kernels() -> str:
    from threadpoolctl import threadpool_info

    pools = threadpool_info()
    return ", ".join(sorted({str(pool.get("architecture")) for pool in pools if pool["internal_api"] == "openblas"}))


def test_benchmark_scores_are_the_recorded_ones(glove):
    from embedlab.vectors.benchmarks import evaluate_similarity_sets, evaluate_word_analogies

    recorded = json.loads((GOLDEN / "benchmarks.json").read_text())
    analogies = evaluate_word_analogies(glove, restrict_vocab=ANALOGY_RESTRICT_VOCAB).to_dict()
    pairs = [result.to_dict() for result in evaluate_similarity_sets(glove)]

    assert json.loads(json.dumps(analogies)) == recorded["analogies"]
    assert json.loads(json.dumps(pairs)) == recorded["pairs"]


def test_a_run_saved_before_still_loads_and_predicts_the_same(tmp_path):
    import shutil

    from embedlab.models.prediction import Predictor
    from embedlab.models.runs import read_run

    folder = shutil.copytree(GOLDEN / "run", tmp_path / "run")  # loading must not need to write beside it
    predictor = Predictor.from_run(read_run(folder))

    probabilities = predictor.predict_proba(PREDICTION_TEXTS)

    np.testing.assert_allclose(probabilities, np.load(GOLDEN / "run_predictions.npy"), rtol=0, atol=1e-6)

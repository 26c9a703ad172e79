"""Record what the code gives today, so a later change of layout can prove it changes nothing.

Run from the project root: ``python tests/golden/make_golden.py``. It writes the files beside
it; tests/test_same_outputs.py reads them. Re-record only on purpose (a change that is meant
to change maps, scores or a saved model's predictions), and say so in the commit. Record with
``OPENBLAS_CORETYPE=Haswell`` (tests/conftest.py sets it for the tests): OpenBLAS's kernels
differ by CPU in their last bits, and a UMAP layout grows those bits into moved words.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

MAP_WORDS = slice(100, 600)  # 500 frequent GloVe words, past the punctuation at the top
MAPS = {"umap_2d": {"method": "umap", "n_components": 2}, "umap_3d": {"method": "umap", "n_components": 3},
        "pca_2d": {"method": "pca", "n_components": 2}}
ANALOGY_RESTRICT_VOCAB = 30_000
PREDICTION_TEXTS = ["a wonderful , moving film", "terrible and boring", "", "the", "brilliant but dull",
                    "ünïcödé wörds and 日本語 text", "great great great awful"]


def main() -> None:
    from embedlab.vectors.benchmarks import evaluate_similarity_sets, evaluate_word_analogies
    from embedlab.models.prediction import Predictor
    from embedlab.maps.projection import project
    from embedlab.models.runs.catalog import read_run
    from embedlab.vectors.io import load_default_vectors

    glove = load_default_vectors()
    matrix = glove.vectors[MAP_WORDS]
    for name, params in MAPS.items():
        projection = project(matrix, random_state=0, **params)
        np.save(HERE / f"map_{name}.npy", projection.coords)

    analogies = evaluate_word_analogies(glove, restrict_vocab=ANALOGY_RESTRICT_VOCAB).to_dict()
    pairs = [result.to_dict() for result in evaluate_similarity_sets(glove)]
    (HERE / "benchmarks.json").write_text(json.dumps({"analogies": analogies, "pairs": pairs}, indent=1))

    from tests.conftest import train_tiny_run

    scratch = HERE / "scratch_runs"
    run = train_tiny_run(scratch, embedding="glove-frozen", encoder="lstm", epochs=3, vectors=glove.head(2_000))
    target = HERE / "run"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(run.path, target)
    shutil.rmtree(scratch)
    probabilities = Predictor.from_run(read_run(target)).predict_proba(PREDICTION_TEXTS)
    np.save(HERE / "run_predictions.npy", probabilities)


if __name__ == "__main__":
    main()

"""Time one sentence through Keras ``model.predict`` and through EmbedLab's ``Predictor``, in one run.

Also times token contributions (occlusion and integrated gradients) for a 30-token
sentence. The model is an LSTM with the default shape (64 units, 64-token window,
50-d random embedding) trained for two epochs on generated sentences, or the run
given with ``--run``.

    nice python bench/bench_predict.py            # about a minute
    nice python bench/bench_predict.py --run runs/<workspace>/<run_id> --calls 500
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
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

SENTENCE = "a wonderful , moving film"
LONG_SENTENCE = (
    "i expected a dull and silly story , but the acting is superb , the script is smart and the ending "
    "left me moved , happy and grateful for it"
)


def generated_corpus(rows: int = 4_000, seed: int = 0) -> tuple[list[str], np.ndarray]:
    """Sentences with a clear sentiment word among neutral filler, and their labels."""
    rng = np.random.default_rng(seed)
    positive = "wonderful great superb moving brilliant charming delightful beautiful smart excellent".split()
    negative = "awful boring dull terrible stupid tedious bland weak dreadful silly".split()
    filler = "the a film movie story acting script plot and but was is it this of with scenes actors".split()
    texts, labels = [], rng.integers(0, 2, size=rows)
    for label in labels:
        words = list(rng.choice(filler, size=rng.integers(4, 14)))
        for _ in range(rng.integers(1, 3)):
            words.insert(int(rng.integers(0, len(words))), rng.choice(positive if label else negative))
        texts.append(" ".join(words))
    return texts, labels


def trained_lstm():
    """An LSTM of the default shape, trained briefly; returns (model, class names)."""
    import keras

    from embedlab.models.architecture import ModelConfig, build_model, build_vectorizer

    keras.utils.set_random_seed(0)
    texts, labels = generated_corpus()
    config = ModelConfig(encoder="lstm")  # defaults: 64 units, 64-token window, 50-d embedding
    model = build_model(config, build_vectorizer(config, texts))
    model.fit(np.asarray(texts, dtype=object), labels, epochs=2, batch_size=64, verbose=0)
    return model, ["negative", "positive"]


def timings(function, calls: int) -> list[float]:
    """Wall time of ``calls`` calls, in milliseconds, after three warm-up calls."""
    for _ in range(3):
        function()
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1_000)
    return times


def summary(times: list[float]) -> tuple[float, float]:
    return statistics.median(times), float(np.percentile(times, 95))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run", help="a run folder to time instead of the freshly trained LSTM")
    parser.add_argument("--calls", type=int, default=300, help="calls per measurement (default 300)")
    args = parser.parse_args()

    from embedlab.models.explanations import explain
    from embedlab.models.prediction import Predictor
    from embedlab.text import tokenize

    started = time.perf_counter()
    if args.run:
        from embedlab.models.runs.catalog import read_run

        run = read_run(args.run)
        model, class_names, source = run.load_model(), run.config.get("class_names"), f"run {run.path}"
    else:
        model, class_names = trained_lstm()
        source = "LSTM (64 units, 64-token window, 50-d random embedding), 2 epochs on 4,000 generated sentences"
    print(f"model: {source} — ready in {time.perf_counter() - started:.1f} s")
    predictor = Predictor(model, class_names)
    one = np.asarray([SENTENCE], dtype=object)

    keras_times = timings(lambda: model.predict(one, verbose=0), args.calls)
    predictor_times = timings(lambda: predictor.predict_one(SENTENCE), args.calls)
    tokens = len(tokenize(LONG_SENTENCE))
    assert tokens == 30, tokens
    occlusion_times = timings(lambda: explain(predictor, LONG_SENTENCE, method="occlusion"), max(50, args.calls // 4))
    gradient_times = timings(lambda: explain(predictor, LONG_SENTENCE, method="integrated-gradients"),
                             max(50, args.calls // 4))

    expected = model.predict(one, verbose=0)[0, -1]
    got = predictor.predict_proba([SENTENCE])[0, -1]
    keras_median, keras_p95 = summary(keras_times)
    fast_median, fast_p95 = summary(predictor_times)
    print(f"same answer: model.predict {expected:.6f} vs Predictor {got:.6f}")
    print(f"one sentence, {args.calls} calls each          median      p95")
    print(f"  Keras model.predict                 {keras_median:7.2f} ms {keras_p95:7.2f} ms")
    print(f"  EmbedLab Predictor.predict_one      {fast_median:7.2f} ms {fast_p95:7.2f} ms")
    print(f"  ratio (model.predict / Predictor)   {keras_median / fast_median:7.1f} x  {keras_p95 / fast_p95:7.1f} x")
    print(f"token contributions, {tokens}-token sentence       median      p95")
    for name, times in (("occlusion", occlusion_times), ("integrated gradients (32 steps)", gradient_times)):
        median, p95 = summary(times)
        print(f"  {name:<35} {median:7.2f} ms {p95:7.2f} ms")
    print(f"load average during the run: {', '.join(f'{x:.2f}' for x in os.getloadavg())} "
          f"on {os.cpu_count()} cores (other work on the machine makes these numbers noisy)")


if __name__ == "__main__":
    main()

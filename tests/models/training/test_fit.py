"""Training: stratified disjoint splits, live progress, Stop keeps the best weights, a saved run predicts alike.

Jobs and their queue are in test_jobs.py."""

import threading

import numpy as np
import pytest

from embedlab.data.builtins import builtin_dataset
from embedlab.data.labelled import LabelledDataset
from embedlab.data.stats import default_sequence_length
from embedlab.errors import EmbedLabError
from embedlab.models.architecture import ModelConfig
from embedlab.models.runs.catalog import list_runs, read_run
from embedlab.models.training.callbacks import keras_callbacks
from embedlab.models.training.splits import split_dataset, stratified_split
from embedlab.models.training.fit import train
from embedlab.models.training.options import MIN_VALIDATION_ROWS, TrainingOptions, default_options
from tests.conftest import NEGATIVE_SENTENCES, POSITIVE_SENTENCES


def tiny_dataset(repeat: int = 3) -> LabelledDataset:
    texts = (POSITIVE_SENTENCES + NEGATIVE_SENTENCES) * repeat
    labels = np.array(([1] * len(POSITIVE_SENTENCES) + [0] * len(NEGATIVE_SENTENCES)) * repeat)
    return LabelledDataset(texts, labels, ["negative", "positive"], name="tiny")


def tiny_config(**changes) -> ModelConfig:
    settings = dict(max_tokens=200, sequence_length=12, encoder="pooling", output_dim=8, units=8, dropout=0.0,
                    learning_rate=0.02)
    return ModelConfig(**{**settings, **changes})


@pytest.mark.parametrize("fraction", [0.1, 0.2, 0.5])
def test_stratified_split_is_disjoint_complete_and_keeps_class_shares(fraction):
    labels = np.array([0] * 60 + [1] * 30 + [2] * 10)
    rest, held = stratified_split(labels, fraction, seed=0)
    assert len(np.intersect1d(rest, held)) == 0
    assert sorted(np.concatenate([rest, held]).tolist()) == list(range(100))
    for value, count in ((0, 60), (1, 30), (2, 10)):
        assert np.sum(labels[held] == value) == max(1, round(count * fraction))


def test_split_is_seeded():
    labels = np.array([0, 1] * 50)
    assert np.array_equal(stratified_split(labels, 0.2, 3)[1], stratified_split(labels, 0.2, 3)[1])
    assert not np.array_equal(stratified_split(labels, 0.2, 3)[1], stratified_split(labels, 0.2, 4)[1])


def test_test_validation_and_train_rows_never_overlap():
    dataset = builtin_dataset("pang-lee-200")
    split = split_dataset(dataset, TrainingOptions(test_split=0.2, validation_split=0.25, seed=1))
    parts = [set(split.train), set(split.validation), set(split.test)]
    assert not (parts[0] & parts[1]) and not (parts[0] & parts[2]) and not (parts[1] & parts[2])
    assert len(split.test) == 40 and len(split.validation) == 40 and len(split.train) == 120
    assert np.bincount(dataset.labels[split.test]).tolist() == [20, 20]


@pytest.mark.parametrize(
    "labels, class_names, message",
    [
        ([0, 0, 0, 0], ["only"], "at least 2"),
        ([0, 0, 0, 0, 1], ["a", "b"], "'b' \\(1\\) has fewer than 3 rows"),
    ],
)
def test_datasets_too_small_to_split_are_refused(labels, class_names, message):
    dataset = LabelledDataset(["text"] * len(labels), np.array(labels), class_names)
    with pytest.raises(EmbedLabError, match=message):
        split_dataset(dataset, TrainingOptions())


@pytest.mark.parametrize(
    "changes, message",
    [({"epochs": 0}, "epochs 0"), ({"test_split": 0.0}, "test split"), ({"monitor": "loss"}, "monitor 'loss'"),
     ({"batch_size": 0}, "batch size 0")],
)
def test_bad_options_say_what_to_pick(changes, message):
    with pytest.raises(EmbedLabError, match=message):
        TrainingOptions(**changes).validate()


def test_training_reports_progress_and_measures_the_held_out_rows():
    reports = []
    result = train(tiny_dataset(), tiny_config(), TrainingOptions(epochs=3, batch_size=8, early_stopping=False),
                   progress=reports.append, name="progress", report_every=0)
    assert len(result.history["loss"]) == len(result.history["val_loss"]) == 3
    batches = reports[-1].batches
    assert batches == int(np.ceil(result.config["dataset"]["train_rows"] / 8))
    assert {(r.epoch, r.batch) for r in reports} >= {(e, b) for e in (1, 2, 3) for b in range(1, batches + 1)}
    assert reports[-1].fraction == 1.0 and reports[-1].eta == 0.0
    assert [r.history["loss"] for r in reports if r.history] == [result.history["loss"][:n] for n in (1, 2, 3)]
    assert 0.0 <= result.metrics["accuracy"] <= 1.0
    assert result.metrics["test_rows"] == len(result.test_split) == result.config["dataset"]["test_rows"]
    assert result.config["training"]["epochs"] == 3 and result.config["model"]["num_classes"] == 2


def test_stop_ends_after_the_current_batch_and_keeps_the_best_weights():
    stop = threading.Event()
    seen = []

    def progress(report):
        seen.append((report.epoch, report.batch))
        if report.epoch == 4 and report.batch == 1:
            stop.set()

    dataset = tiny_dataset()
    options = TrainingOptions(epochs=20, batch_size=8, early_stopping=False, validation_split=0.25)
    result = train(dataset, tiny_config(learning_rate=0.1), options, progress=progress, stop_event=stop,
                   report_every=0)
    assert result.stopped and result.metrics["stopped"]
    assert len(result.history["loss"]) == 4  # the stopped epoch is validated, then training ends
    assert (4, 2) not in seen and max(epoch for epoch, _ in seen) == 4
    # The weights in the model are the best epoch's: its validation loss is the lowest seen.
    split = split_dataset(dataset, options)
    texts = np.asarray(dataset.texts, dtype=object)[split.validation]
    loss = result.model.evaluate(texts, dataset.labels[split.validation], verbose=0)[0]
    assert loss == pytest.approx(min(result.history["val_loss"]), rel=1e-4)
    assert result.best_epoch == int(np.argmin(result.history["val_loss"])) + 1


class _FakeModel:
    def __init__(self):
        self.weights, self.stop_training = [np.zeros(1)], False

    def get_weights(self):
        return [w.copy() for w in self.weights]

    def set_weights(self, weights):
        self.weights = weights


def test_best_weights_stop_after_patience_and_restore_the_best_epoch():
    _, BestWeights = keras_callbacks()
    callback = BestWeights("val_loss", patience=2)
    model = _FakeModel()
    callback.set_model(model)
    for epoch, loss in enumerate([0.5, 0.4, 0.45, 0.6]):
        model.weights = [np.array([float(epoch)])]
        callback.on_epoch_end(epoch, {"val_loss": loss})
    assert model.stop_training and callback.best_epoch == 2
    callback.on_train_end()
    assert model.weights[0].tolist() == [1.0]


def test_saved_run_predicts_like_the_trained_model(tmp_path):
    result = train(tiny_dataset(), tiny_config(), TrainingOptions(epochs=2, batch_size=8), name="round trip")
    run = result.save(tmp_path)
    assert [r.run_id for r in list_runs(tmp_path)] == [run.run_id]
    loaded = read_run(run.path)
    assert loaded.name == "round trip" and loaded.metrics["accuracy"] == result.metrics["accuracy"]
    assert loaded.config["dataset"]["rows"] == 48 and loaded.config["class_names"] == ["negative", "positive"]
    assert loaded.history == result.history
    table = loaded.test_split()
    assert table["text"].tolist() == result.test_split["text"].tolist()
    texts = np.asarray(["a wonderful film", "an awful film", *table["text"]], dtype=object)
    np.testing.assert_allclose(loaded.load_model().predict(texts, verbose=0), result.model.predict(texts, verbose=0),
                               atol=1e-6)


def test_optional_layers_keep_the_model_loadable_and_explainable(tmp_path):
    """Spatial dropout, a token layer and a hidden layer stay a simple chain that Predict can explain."""
    from embedlab.models.explanations import explain
    from embedlab.models.prediction import Predictor

    config = tiny_config(spatial_dropout=0.2, token_units=8, hidden_units=4)
    result = train(tiny_dataset(), config, TrainingOptions(epochs=2, batch_size=8))
    names = [layer.name for layer in result.model.layers]
    assert names.index("embedding") < names.index("spatial_dropout") < names.index("token_projection") \
        < names.index("encoder") < names.index("hidden") < names.index("prediction")
    predictor = Predictor.from_run(result.save(tmp_path))
    for method in ("occlusion", "integrated-gradients"):
        explanation = explain(predictor, "a wonderful film", method=method)
        assert [token.token for token in explanation.tokens] == ["a", "wonderful", "film"]


@pytest.mark.parametrize("changes, message", [({"token_units": -1}, "token layer size"),
                                               ({"spatial_dropout": 1.0}, "dropout rates"),
                                               ({"learning_rate": 0.0}, "learning rate")])
def test_bad_optional_layers_are_refused(changes, message):
    with pytest.raises(EmbedLabError, match=message):
        tiny_config(**changes).validate()


def test_default_sequence_length_is_the_data_pages_suggestion():
    from embedlab.data.stats import describe

    texts = [" ".join(["word"] * n) for n in range(1, 101)]  # 1 to 100 tokens
    assert default_sequence_length(texts) == 96  # numpy's 95th percentile of 1..100 is 95.05, rounded up to 8s
    assert default_sequence_length(["short"]) == 8 and default_sequence_length(["w " * 5000]) == 512
    pang_lee = builtin_dataset("pang-lee-200")
    assert default_sequence_length(list(pang_lee.texts)) == describe(pang_lee).suggested_sequence_length


def test_given_rows_fix_the_test_set_and_train_only_on_train_rows():
    dataset = tiny_dataset(repeat=4)
    labels = dataset.labels
    test_rows = [int(i) for i in np.flatnonzero(labels == 0)[:3]] + [int(i) for i in np.flatnonzero(labels == 1)[:3]]
    train_rows = [i for i in range(len(dataset)) if i not in test_rows][:30]
    result = train(dataset, tiny_config(), TrainingOptions(epochs=1, validation_split=0.2, seed=2),
                   train_rows=train_rows, test_rows=test_rows)
    assert result.test_split["text"].tolist() == [dataset.texts[i] for i in test_rows]
    rows = result.config["dataset"]
    assert rows["test_rows"] == 6 and rows["train_rows"] + rows["validation_rows"] == 30
    assert rows["validation_rows"] == 6
    assert result.metrics["seconds_to_best"] is not None and 0 <= result.metrics["f1_macro"] <= 1


@pytest.mark.parametrize("train_rows, test_rows, message", [
    ([0, 1, 2], [2, 3], "both training and test rows"),
    ([0, 1, 999], [3, 4], "outside 0 to"),
    ([0, 0, 1], [3, 4], "names a row twice"),
    ([], [3, 4], "is empty"),
    ([0, 1, 2], None, "give both"),
])
def test_bad_given_rows_say_what_is_wrong(train_rows, test_rows, message):
    with pytest.raises(EmbedLabError, match=message):
        split_dataset(tiny_dataset(), TrainingOptions(), train_rows, test_rows)


def test_default_options_validate_only_when_the_validation_set_can_pick_an_epoch():
    small, large = default_options(100), default_options(5_000)
    assert small.validation_split == 0.0 and not small.early_stopping
    assert large.validation_split * 5_000 >= MIN_VALIDATION_ROWS and large.early_stopping
    assert default_options(100, epochs=2).epochs == 2


@pytest.mark.parametrize("embedding, output_dim", [("random", 8), ("glove-frozen", 6)])
def test_train_leaves_the_callers_config_as_it_was(embedding, output_dim):
    """The class count (and a GloVe embedding's size) go into the run's copy of the config, not the caller's."""
    from dataclasses import replace

    from embedlab.vectors.word_vectors import WordVectors

    neutral = ["a film about a town", "the movie runs two hours", "it opens in march", "a story of a family",
               "shot in black and white", "the second film of the year", "a remake of a play", "it has subtitles"]
    texts = (POSITIVE_SENTENCES + NEGATIVE_SENTENCES + neutral) * 2
    labels = np.array(([1] * 8 + [0] * 8 + [2] * 8) * 2)
    dataset = LabelledDataset(texts, labels, ["negative", "positive", "neutral"], name="three classes")
    words = sorted({word for text in texts for word in text.split()})
    vectors = WordVectors(words, np.random.default_rng(0).normal(size=(len(words), 6)).astype(np.float32))
    config = tiny_config(embedding=embedding)  # num_classes 2, output_dim 8
    before = replace(config)
    result = train(dataset, config, TrainingOptions(epochs=1, batch_size=8), vectors=vectors)
    assert config == before
    assert result.config["model"]["num_classes"] == 3 and result.config["model"]["output_dim"] == output_dim

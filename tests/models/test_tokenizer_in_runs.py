"""Models trained with the tokenizer: messy text saves and loads, old runs keep their rules, no words is an error."""

import zipfile
from pathlib import Path

import numpy as np
import pytest

from embedlab.data.labelled import LabelledDataset
from embedlab.errors import EmbedLabError
from embedlab.models.architecture import ModelConfig
from embedlab.models.training.fit import train
from embedlab.models.training.options import TrainingOptions
from embedlab.text import tokenize, tokenize_v1, tokenizer_for

GOLDEN_RUN = Path(__file__).resolve().parents[1] / "golden" / "run"
# The separators that cut a line for str.splitlines() (Keras reads vocabulary.txt with it), and a NUL.
MESSY = ["\u0085", "\u2028", "\u2029", "\x1c", "\x1d", "\x1e", "\x00"]


def tiny_config(**changes) -> ModelConfig:
    settings = dict(max_tokens=200, sequence_length=12, encoder="pooling", output_dim=8, units=8, dropout=0.0,
                    learning_rate=0.02)
    return ModelConfig(**{**settings, **changes})


def messy_dataset() -> LabelledDataset:
    good = ["a wonderful{}film", "great{}acting , a joy", "brilliant{}and moving", "superb{}fun"]
    bad = ["a dull{}film", "awful{}acting , a bore", "stupid{}and tedious", "terrible{}mess"]
    texts = [pattern.format(mark) for mark in MESSY for pattern in good + bad]
    labels = np.array(([1] * 4 + [0] * 4) * len(MESSY))
    return LabelledDataset(texts, labels, ["negative", "positive"], name="messy")


def test_text_with_line_separators_and_nul_trains_saves_and_loads_predicting_the_same(tmp_path):
    from embedlab.models.architecture import vectorizer_layer
    from embedlab.models.runs.catalog import read_run

    dataset = messy_dataset()
    result = train(dataset, tiny_config(), TrainingOptions(epochs=1, batch_size=8, seed=0))
    vocabulary = vectorizer_layer(result.model).get_vocabulary()
    assert all(term.splitlines() == [term] for term in vocabulary[1:])
    assert {"wonderful", "film", "awful", "acting"} <= set(vocabulary)  # the words after a NUL are read too

    run = read_run(result.save(tmp_path).path)
    texts = np.asarray(dataset.texts + ["a wonderful\u2028film", "awful\x00acting"], dtype=object)
    np.testing.assert_allclose(run.load_model().predict(texts, verbose=0), result.model.predict(texts, verbose=0),
                               rtol=0, atol=1e-6)


def test_a_nul_no_longer_hides_the_words_after_it_from_a_new_model():
    from embedlab.models.architecture import OOV_INDEX, PADDING_INDEX, build_vectorizer

    vectorizer = build_vectorizer(tiny_config(), ["good film", "bad film"])
    ids = vectorizer(np.asarray(["good\x00bad film"], dtype=object)).numpy()[0].tolist()
    vocabulary = vectorizer.get_vocabulary()
    assert [vocabulary[i] for i in ids if i != PADDING_INDEX] == ["good", "bad", "film"] == tokenize("good\x00bad film")
    assert OOV_INDEX not in ids


def test_a_new_model_saves_the_current_rules_by_name_and_old_runs_keep_theirs(tmp_path):
    from embedlab.models.architecture import vectorizer_layer
    from embedlab.models.runs.catalog import read_run

    result = train(messy_dataset(), tiny_config(), TrainingOptions(epochs=1, batch_size=8, seed=0))
    run = result.save(tmp_path)
    with zipfile.ZipFile(run.model_path) as archive:
        config_text = archive.read("config.json").decode("utf-8")
    assert '"embedlab>glove_standardize_v2"' in config_text
    assert tokenizer_for(vectorizer_layer(run.load_model()).get_config()["standardize"]) is tokenize

    old = read_run(GOLDEN_RUN)
    with zipfile.ZipFile(old.model_path) as archive:
        assert '"embedlab>glove_standardize"' in archive.read("config.json").decode("utf-8")
    assert tokenizer_for(vectorizer_layer(old.load_model()).get_config()["standardize"]) is tokenize_v1


def test_an_old_run_is_explained_with_the_rules_it_was_trained_with():
    import tensorflow as tf

    from embedlab.models.prediction import Predictor
    from embedlab.models.runs.catalog import read_run

    predictor = Predictor.from_run(read_run(GOLDEN_RUN))
    text = "a ''wonderful'' film\x00 awful awful awful"
    tokens = [token for token, _ in predictor.tokens_with_status(text)]
    assert tokens == tokenize_v1(text) == ["a", "''wonderful''", "film"]
    # What the old model's own vectorizer reads: the same three tokens, then padding.
    ids = predictor.vectorizer(tf.constant([text])).numpy()[0]
    assert int(np.count_nonzero(ids)) == 3


@pytest.mark.parametrize("texts", [
    ["", " ", "\t", "\n"],
    ["\x00", "\x01\x02", "\u2028\u2029", "\x1c\x1d\x1e", "\u200b\ufeff\u00ad", "\x85 \u3000"],
])
def test_training_where_no_text_has_a_word_says_so(texts):
    dataset = LabelledDataset(texts * 4, np.array([0, 1] * len(texts) * 2), ["negative", "positive"], name="blank")
    with pytest.raises(EmbedLabError) as caught:
        train(dataset, tiny_config(), TrainingOptions(epochs=1, batch_size=8))
    message = str(caught.value)
    assert "no training text has a word" in message and "text column" in message
    assert "\n" not in message  # one line, as the CLI prints it

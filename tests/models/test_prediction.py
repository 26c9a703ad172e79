"""Predictor: same numbers as the model, saved or not; input checks; batch reading."""

import numpy as np
import pytest

from embedlab.errors import EmbedLabError
from embedlab.models.prediction import MAX_CHARACTERS, Predictor, check_text, read_batch_texts
from tests.conftest import NEGATIVE_SENTENCES, POSITIVE_SENTENCES

TEXTS = ["a wonderful and beautiful film", "a boring and awful film", "zzz unknownword", "great fun , i loved it !"]


@pytest.fixture(scope="module")
def predictor(tiny_run):
    return Predictor.from_run(tiny_run)


@pytest.fixture(scope="module")
def lstm_model_and_run(tmp_path_factory):
    """A briefly trained LSTM kept in memory, and the run it was saved as."""
    import keras

    from embedlab.models.architecture import ModelConfig, build_model, build_vectorizer
    from embedlab.models.runs.catalog import save_run

    keras.utils.set_random_seed(1)
    texts = POSITIVE_SENTENCES + NEGATIVE_SENTENCES
    labels = np.array([1] * len(POSITIVE_SENTENCES) + [0] * len(NEGATIVE_SENTENCES))
    config = ModelConfig(max_tokens=200, sequence_length=12, encoder="lstm", output_dim=8, units=8, dropout=0.2)
    model = build_model(config, build_vectorizer(config, texts))
    model.fit(np.asarray(texts, dtype=object), labels, epochs=2, batch_size=8, verbose=0)
    run = save_run(tmp_path_factory.mktemp("lstm"), model,
                   {"name": "lstm", "model": config.to_dict(), "class_names": ["neg", "pos"]}, {}, {})
    return model, run


def test_reloaded_model_predicts_what_the_original_did(lstm_model_and_run):
    model, run = lstm_model_and_run
    original = model(np.asarray(TEXTS, dtype=object), training=False).numpy()[:, 0]
    reloaded = Predictor.from_run(run)
    probabilities = reloaded.predict_proba(TEXTS)
    assert reloaded.class_names == ["neg", "pos"]
    np.testing.assert_allclose(probabilities[:, 1], original, atol=1e-6)
    np.testing.assert_allclose(probabilities[:, 0], 1 - original, atol=1e-6)


def test_predictor_agrees_with_keras_predict(predictor):
    expected = predictor.model.predict(np.asarray(TEXTS, dtype=object), verbose=0)[:, 0]
    np.testing.assert_allclose(predictor.predict_proba(TEXTS)[:, 1], expected, atol=1e-6)


def test_clear_sentences_get_their_labels_and_probabilities_sum_to_one(predictor):
    positive = predictor.predict_one("a wonderful and beautiful film")
    negative = predictor.predict("a boring and awful film")
    assert list(positive) == ["negative", "positive"]
    assert positive["positive"] > 0.5 > positive["negative"]
    assert negative.label == "negative"
    assert sum(negative.probabilities.values()) == pytest.approx(1.0, abs=1e-6)


def test_batches_larger_than_one_chunk_match_one_by_one(predictor):
    texts = [f"{word} film" for word in ("wonderful", "awful", "dull", "great")] * 200  # 800 > one chunk
    together = predictor.predict_proba(texts)
    assert together.shape == (800, 2)
    np.testing.assert_allclose(together[:4], predictor.predict_proba(texts[:4]), atol=1e-6)
    assert predictor.predict_proba([]).shape == (0, 2)


def test_softmax_models_give_one_column_per_class():
    from embedlab.models.architecture import ModelConfig, build_model, build_vectorizer

    config = ModelConfig(max_tokens=100, sequence_length=8, encoder="pooling", num_classes=3, output_dim=4)
    model = build_model(config, build_vectorizer(config, TEXTS))
    predictor = Predictor(model, ["sad", "neutral", "happy"])
    probabilities = predictor.predict_proba(TEXTS)
    np.testing.assert_allclose(probabilities, model(np.asarray(TEXTS, dtype=object)).numpy(), atol=1e-6)
    with pytest.raises(EmbedLabError, match="3 classes but 2 class names"):
        Predictor(model, ["a", "b"])


@pytest.mark.parametrize("text", ["It isn't GOOD!", "a wonderful , moving film", "café naïve 's smart",
                                  "<b>bold</b><script>x</script>", "zzz qqq wonderful"])
def test_token_status_agrees_with_the_models_own_vectorizer(predictor, text):
    tokens = predictor.tokens_with_status(text)
    ids = predictor.token_ids(text)
    read = min(len(tokens), predictor.sequence_length)
    assert [predictor.token_index(token) for token, _ in tokens[:read]] == ids[:read].tolist()
    assert all(known == (index != 1) for (_, known), index in zip(tokens, ids))
    assert ids[read:].tolist() == [0] * (len(ids) - read)


@pytest.mark.parametrize("text", ["", "   ", "\n\t ", None])
def test_empty_text_asks_for_text(predictor, text):
    with pytest.raises(EmbedLabError, match="type some text"):
        predictor.predict(text)


def test_100000_characters_are_cut_and_the_window_is_explained(predictor):
    text = "a wonderful film " * 6_000  # 102,000 characters
    prediction = predictor.predict(text)
    assert len(prediction.text) == MAX_CHARACTERS
    assert any("102,000 characters" in note and "20,000" in note for note in prediction.notes)
    assert any(f"first {predictor.sequence_length} tokens" in note for note in prediction.notes)
    assert prediction.label == "positive"


def test_only_unknown_words_still_score_with_a_warning(predictor):
    prediction = predictor.predict("zzzq xxyq qqqv")
    assert all(not known for _, known in prediction.tokens)
    assert len(prediction.warnings) == 1 and "outside this model's vocabulary" in prediction.warnings[0]
    assert sum(prediction.probabilities.values()) == pytest.approx(1.0, abs=1e-6)
    assert predictor.predict("a wonderful zzzq").warnings == []


def test_html_is_scored_as_plain_text(predictor):
    prediction = predictor.predict("<b>wonderful</b><script>alert(1)</script>")
    assert [token for token, _ in prediction.tokens][:4] == ["<", "b", ">", "wonderful"]
    assert prediction.label == "positive"


def test_check_text_keeps_short_text_untouched():
    assert check_text("a film") == ("a film", [])


@pytest.mark.parametrize(
    "data, filename, expected",
    [
        ("good film\n\n  \nbad film\n", "lines.txt", ["good film", "bad film"]),
        (b"id,text\n1,good film\n2,\n3,bad film\n", "reviews.csv", ["good film", "bad film"]),
        (b"review,stars\ngood film,5\nbad film,1\n", "reviews.csv", ["good film", "bad film"]),
        ("caf\u00e9 cr\u00e8me\n".encode("latin-1"), "latin.txt", ["caf\u00e9 cr\u00e8me"]),
        (b"\xef\xbb\xbfbom first\n", "bom.txt", ["bom first"]),
    ],
)
def test_batch_texts_come_from_lines_or_csv(data, filename, expected):
    assert read_batch_texts(data, filename) == expected


@pytest.mark.parametrize(
    "data, filename, message",
    [("\n  \n", "lines.txt", "no text to score"), (b"text\n", "empty.csv", "no rows"),
     (b"a,b\n1,2\n", "x.csv", "no column 'words'")],
)
def test_bad_batch_input_says_what_to_do(data, filename, message):
    with pytest.raises(EmbedLabError, match=message):
        read_batch_texts(data, filename, text_column="words" if "column" in message else None)


def test_batch_table_holds_labels_and_probabilities(predictor):
    table = predictor.predict_batch(["a wonderful film", "an awful film"])
    assert list(table.columns) == ["text", "label", "p(negative)", "p(positive)"]
    assert table["label"].tolist() == ["positive", "negative"]
    np.testing.assert_allclose(table[["p(negative)", "p(positive)"]].to_numpy(),
                               predictor.predict_proba(["a wonderful film", "an awful film"]), atol=1e-6)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32", "utf-16-le"])
@pytest.mark.parametrize("filename", ["reviews.csv", "lines.txt"])
def test_batch_scoring_reads_every_encoding_the_data_page_reads(encoding, filename):
    """One decoder for every upload: a UTF-16 file the Data page accepts is scored, not refused as binary."""
    from embedlab.data.tables import inspect_table

    raw = "text,label\nun film très réussi,pos\nun navet,neg\n".encode(encoding)  # utf-16/32 write a BOM
    assert inspect_table(raw, filename).frame["text"].tolist() == ["un film très réussi", "un navet"]
    texts = read_batch_texts(raw, filename)
    assert texts == (["un film très réussi", "un navet"] if filename.endswith(".csv")
                     else ["text,label", "un film très réussi,pos", "un navet,neg"])


def test_batch_scoring_refuses_a_binary_file_as_the_data_page_does():
    with pytest.raises(EmbedLabError, match="looks like a binary file .a PNG image."):
        read_batch_texts(b"\x89PNG\r\n\x1a\n" + bytes(100), "picture.txt")

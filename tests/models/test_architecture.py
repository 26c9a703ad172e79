"""Model building: every embedding kind x encoder builds, takes raw strings and round-trips."""

import numpy as np
import pytest

from embedlab.errors import EmbedLabError
from embedlab.models.architecture import (
    EMBEDDING_KINDS,
    ENCODERS,
    ModelConfig,
    build_model,
    build_vectorizer,
    default_config,
    embedding_layer,
    glove_matrix,
    vectorizer_layer,
)
from embedlab.vectors.word_vectors import WordVectors

TEXTS = ["a good movie", "a bad film !", "great fun", "awful and boring"]


@pytest.fixture
def small_vectors():
    words = ["good", "bad", "movie", "film", "great", "fun", "awful", "a", "!", "and"]
    rng = np.random.default_rng(0)
    return WordVectors(words, rng.normal(size=(len(words), 6)).astype(np.float32), name="small")


@pytest.mark.parametrize("encoder", ENCODERS)
@pytest.mark.parametrize("embedding", EMBEDDING_KINDS)
def test_every_combination_builds_and_reads_raw_strings(embedding, encoder, small_vectors):
    config = ModelConfig(max_tokens=100, sequence_length=8, embedding=embedding, encoder=encoder, units=4,
                         output_dim=5)
    model = build_model(config, build_vectorizer(config, TEXTS), small_vectors)
    probabilities = model(np.asarray(TEXTS, dtype=object)).numpy()
    assert probabilities.shape == (4, 1)
    assert np.all((probabilities >= 0) & (probabilities <= 1))
    layer = embedding_layer(model)
    assert layer.trainable == (embedding != "glove-frozen")
    assert layer.output_dim == (6 if embedding.startswith("glove") else 5)


@pytest.mark.parametrize("embedding", EMBEDDING_KINDS)
def test_building_a_model_leaves_its_config_as_it_was(embedding, small_vectors):
    config = ModelConfig(max_tokens=100, sequence_length=8, embedding=embedding, encoder="pooling", output_dim=5)
    before = ModelConfig(**config.to_dict())
    build_model(config, build_vectorizer(config, TEXTS), small_vectors)
    assert config == before  # a GloVe embedding takes the vectors' size (6) in the model, not in the config


def test_glove_rows_land_in_vocabulary_order(small_vectors):
    vocabulary = ["", "[UNK]", "movie", "zzz-not-in-glove", "good"]
    matrix, coverage = glove_matrix(vocabulary, small_vectors)
    np.testing.assert_array_equal(matrix[0], 0.0)
    np.testing.assert_array_equal(matrix[2], small_vectors["movie"])
    np.testing.assert_array_equal(matrix[4], small_vectors["good"])
    assert coverage == pytest.approx(2 / 3)


def test_frozen_glove_embedding_holds_the_vectors_and_the_file_stays_small(small_vectors, tmp_path):
    config = ModelConfig(max_tokens=100, sequence_length=8, embedding="glove-frozen", encoder="pooling")
    vectorizer = build_vectorizer(config, TEXTS)
    model = build_model(config, vectorizer, small_vectors)
    weights = embedding_layer(model).get_weights()[0]
    row = vectorizer.get_vocabulary().index("good")
    np.testing.assert_allclose(weights[row], small_vectors["good"])
    assert "Constant" not in str(embedding_layer(model).get_config()["embeddings_initializer"])


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"embedding": "word2vec"}, "embedding 'word2vec' is not known"),
        ({"encoder": "transformer"}, "encoder 'transformer' is not known"),
        ({"max_tokens": 10}, "vocabulary size 10"),
        ({"sequence_length": 1}, "sequence length 1"),
        ({"num_classes": 1}, "at least 2 classes"),
    ],
)
def test_bad_configs_say_what_to_pick(changes, message):
    with pytest.raises(EmbedLabError, match=message):
        ModelConfig(**changes).validate()


# field, values just outside the check's bounds, values at its edges that it accepts, the bounds the message names
CONFIG_BOUNDS = [
    ("max_tokens", [99, 400_001], [100, 400_000], "pick 100 to 400,000"),
    ("sequence_length", [3, 2_001], [4, 2_000], "pick 4 to 2,000"),
    ("output_dim", [1, 1_025], [2, 1_024], "pick 2 to 1,024"),
    ("dropout", [-0.1, 1.0], [0.0, 0.99], "at least 0 and below 1"),
    ("spatial_dropout", [-0.1, 1.0], [0.0, 0.99], "at least 0 and below 1"),
    ("units", [0, 4_097], [1, 4_096], "pick 1 to 4,096"),
    ("token_units", [-1, 4_097], [0, 4_096], "pick 0 (none) to 4,096"),
    ("hidden_units", [-1, 4_097], [0, 4_096], "pick 0 (none) to 4,096"),
    ("pretrained_vocabulary", [-1, 1_000_001], [0, 1_000_000], "to 1,000,000"),
    ("learning_rate", [0.0, 1.5], [1e-6, 1.0], "above 0 and at most 1"),
    ("num_classes", [1], [2], "at least 2 classes"),
]


@pytest.mark.parametrize("field, bad, good, bounds", CONFIG_BOUNDS, ids=[row[0] for row in CONFIG_BOUNDS])
def test_a_bad_config_names_the_bounds_its_check_enforces(field, bad, good, bounds):
    for value in bad:
        with pytest.raises(EmbedLabError) as raised:
            ModelConfig(**{field: value}).validate()
        assert bounds in str(raised.value)
    for value in good:  # the bounds named are the ones enforced: the values at their edges pass
        ModelConfig(**{field: value}).validate()


def test_glove_embedding_without_vectors_is_refused():
    config = ModelConfig(max_tokens=100, sequence_length=8, embedding="glove-frozen")
    with pytest.raises(EmbedLabError, match="needs word vectors"):
        build_model(config, build_vectorizer(config, TEXTS), None)


def test_multiclass_model_outputs_a_distribution(small_vectors):
    config = ModelConfig(max_tokens=100, sequence_length=8, encoder="gru", units=4, num_classes=3)
    model = build_model(config, build_vectorizer(config, TEXTS), small_vectors)
    probabilities = model(np.asarray(TEXTS, dtype=object)).numpy()
    assert probabilities.shape == (4, 3)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)


def test_glove_models_keep_the_vectors_of_words_the_training_texts_lack(small_vectors):
    # "superb" is in the vectors but in no training text: before, it read as [UNK] at test time.
    vectors = WordVectors(small_vectors.words + ["superb"],
                          np.vstack([small_vectors.vectors, np.full((1, 6), 0.5, np.float32)]), name="small+")
    config = ModelConfig(max_tokens=100, sequence_length=8, embedding="glove-frozen", encoder="pooling")
    model = build_model(config, build_vectorizer(config, TEXTS), vectors)
    vocabulary = vectorizer_layer(model).get_vocabulary()
    assert "superb" in vocabulary
    np.testing.assert_allclose(embedding_layer(model).get_weights()[0][vocabulary.index("superb")], 0.5)
    assert model.embedding_coverage == pytest.approx(10 / 11)  # the training words only: "boring" lacks a vector
    without = ModelConfig(max_tokens=100, sequence_length=8, embedding="glove-frozen", encoder="pooling",
                          pretrained_vocabulary=0)
    assert "superb" not in vectorizer_layer(build_model(without, build_vectorizer(without, TEXTS),
                                                        vectors)).get_vocabulary()


def test_frozen_rows_without_a_vector_are_zero_and_fine_tuned_ones_random(small_vectors):
    config = ModelConfig(max_tokens=100, sequence_length=8, embedding="glove-frozen", encoder="pooling")
    frozen = build_model(config, build_vectorizer(config, TEXTS + ["zzzunknown"]), small_vectors)
    vocabulary = vectorizer_layer(frozen).get_vocabulary()
    weights = embedding_layer(frozen).get_weights()[0]
    # A fixed random row in a frozen layer is noise added to every mean it enters.
    np.testing.assert_array_equal(weights[vocabulary.index("zzzunknown")], 0.0)
    np.testing.assert_array_equal(weights[1], 0.0)  # [UNK]
    matrix, _ = glove_matrix(["", "[UNK]", "zzzunknown"], small_vectors, unknown="random")
    assert np.abs(matrix[2]).sum() > 0


def test_default_config_differs_by_embedding_and_takes_changes():
    frozen, random = default_config("glove-frozen", "pooling"), default_config("random", "pooling")
    assert frozen.token_units > 0 and random.token_units == 0
    assert default_config("glove-finetuned", "lstm").pretrained_vocabulary < frozen.pretrained_vocabulary
    assert default_config("random", "pooling", units=7).units == 7
    assert default_config("random", "pooling", texts=["one two three"] * 5).sequence_length >= 4
    with pytest.raises(EmbedLabError, match="expected one of"):
        default_config("word2vec", "pooling")

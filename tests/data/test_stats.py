"""Dataset statistics: lengths as the model counts tokens, telling words, coverage with known answers."""

import numpy as np
import pytest

from embedlab.data.stats import (
    class_words, describe, glove_coverage, suggested_sequence_length, tokenize_all,
)
from embedlab.data.builtins import builtin_dataset
from embedlab.data.labelled import LabelledDataset
from embedlab.text import tokenize


def _dataset(pairs, class_names=("negative", "positive")) -> LabelledDataset:
    texts, labels = zip(*pairs)
    return LabelledDataset(list(texts), np.asarray(labels), list(class_names), name="hand-made")


SENTIMENT = _dataset([
    ("the film was great and the cast was great", 1),
    ("a great , great story", 1),
    ("the acting is superb", 1),
    ("the plot was awful and the film was awful", 0),
    ("an awful , boring mess", 0),
    ("it isn't good", 0),
])


@pytest.mark.parametrize("p95, expected", [(0, 8), (3, 8), (8, 8), (8.01, 16), (37.2, 40), (40, 40), (511, 512),
                                           (5_000, 512)])
def test_suggested_sequence_length_rounds_up_to_eight_within_limits(p95, expected):
    assert suggested_sequence_length(p95) == expected


def test_describe_counts_classes_tokens_and_vocabulary():
    summary = describe(SENTIMENT)
    assert summary.class_counts == {"negative": 3, "positive": 3}
    lengths = [len(tokenize(text)) for text in SENTIMENT.texts]
    assert summary.lengths.tolist() == lengths
    assert lengths[-1] == 4  # "it is n't good": the clitic splits off, as GloVe and the model see it
    assert summary.num_tokens == sum(lengths)
    assert summary.mean_length == pytest.approx(np.mean(lengths))
    assert summary.p95_length == pytest.approx(np.percentile(lengths, 95))
    assert summary.max_length == max(lengths)
    assert summary.suggested_sequence_length == suggested_sequence_length(np.percentile(lengths, 95))
    assert summary.vocabulary_size == len({token for text in SENTIMENT.texts for token in tokenize(text)})
    assert summary.histogram_counts.sum() == len(SENTIMENT)
    assert summary.histogram_edges[0] == 0 and summary.histogram_edges[-1] > max(lengths)
    result = summary.to_dict()
    assert result["suggested_sequence_length"] == summary.suggested_sequence_length
    assert result["class_counts"] == {"negative": 3, "positive": 3}


def test_class_words_skip_stopwords_and_find_the_telling_word():
    words = class_words(SENTIMENT, topn=3, min_count=2)
    positive = words[(words["class"] == "positive")]
    negative = words[(words["class"] == "negative")]
    assert positive[positive["kind"] == "count"]["word"].iloc[0] == "great"
    assert positive[positive["kind"] == "count"]["count"].iloc[0] == 4
    assert negative[negative["kind"] == "log-odds"]["word"].iloc[0] == "awful"
    assert positive[positive["kind"] == "log-odds"]["word"].iloc[0] == "great"
    assert not set(words["word"]) & {"the", "was", "and", ",", "a"}  # stopwords and punctuation never lead
    telling = positive[positive["kind"] == "log-odds"]["log_odds_z"].tolist()
    assert telling[0] > 0 and telling == sorted(telling, reverse=True)


def test_class_words_handle_a_class_with_every_word_and_tiny_data():
    tiny = _dataset([("great film", 1), ("great film", 0), ("zzz", 0)])
    words = class_words(tiny, min_count=1)
    assert np.isfinite(words["log_odds_z"]).all()


def test_coverage_with_known_answers(tiny_vectors):
    dataset = _dataset([("king queen zzz", 1), ("King apple", 0), ("zzz zzz qqq", 0)])
    coverage = glove_coverage(dataset, tiny_vectors, topn=5)
    assert (coverage.num_tokens, coverage.covered_tokens) == (8, 4)  # king ×2, queen, apple
    assert (coverage.num_types, coverage.covered_types) == (5, 3)
    assert coverage.token_share == pytest.approx(0.5) and coverage.type_share == pytest.approx(0.6)
    assert coverage.missing == [("zzz", 3), ("qqq", 1)]
    assert coverage.to_dict()["missing"][0] == {"word": "zzz", "count": 3}


def test_fingerprint_follows_the_content():
    same = _dataset(list(zip(SENTIMENT.texts, SENTIMENT.labels.tolist())))
    assert same.fingerprint == SENTIMENT.fingerprint
    flipped = _dataset(list(zip(SENTIMENT.texts, (1 - SENTIMENT.labels).tolist())))
    assert flipped.fingerprint != SENTIMENT.fingerprint
    renamed = _dataset(list(zip(SENTIMENT.texts, SENTIMENT.labels.tolist())), ("bad", "good"))
    assert renamed.fingerprint != SENTIMENT.fingerprint


def test_pang_lee_with_real_glove(glove):
    dataset = builtin_dataset("pang-lee-200")
    tokens = tokenize_all(dataset.texts)
    summary = describe(dataset, tokens)
    assert summary.class_counts == {"negative": 100, "positive": 100}
    assert summary.suggested_sequence_length % 8 == 0 and summary.suggested_sequence_length >= summary.p95_length
    coverage = glove_coverage(dataset, glove, tokens=tokens)
    # GloVe 6B knows nearly every token of ordinary movie-review English once it is cut GloVe's way.
    assert coverage.token_share > 0.95 and coverage.type_share > 0.9
    assert all(word not in glove for word, _ in coverage.missing)
    words = class_words(dataset, 10, tokens)
    assert set(words["class"]) == {"negative", "positive"}

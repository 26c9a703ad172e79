"""Benchmarks: gensim's counting rules on tiny hand-made files, and gensim's scores on GloVe."""

from __future__ import annotations

import numpy as np
import pytest

from embedlab.vectors.benchmarks import (
    evaluate_similarity_sets, evaluate_word_analogies, evaluate_word_pairs, read_analogy_questions,
)
from embedlab.errors import EmbedLabError
from embedlab.vectors.word_vectors import WordVectors
from tests.gensim_reference import glove_keyed_vectors, keyed_vectors

TINY_ANALOGIES = """\
: royals
man king woman queen
MAN KING WOMAN QUEEN
man king woman prince
man king woman unicorn
a line that is not a question at all
: empty
: gram-plural
king prince queen apple
"""


@pytest.fixture
def cased_vectors() -> WordVectors:
    """Vectors with case variants ("Queen" before "queen") and a decoy near every answer."""
    rng = np.random.default_rng(1)
    words = ["the", "Queen", "king", "man", "woman", "queen", "prince", "King", "apple", "princess", "Man"]
    return WordVectors(words, rng.standard_normal((len(words), 8)).astype(np.float32), name="cased")


def _sections(result) -> list[tuple[str, int, int]]:
    return [(section.name, section.correct, section.incorrect) for section in result.sections]


def _gensim_sections(kv, path, **kwargs) -> tuple[float, list[tuple[str, int, int]]]:
    score, sections = kv.evaluate_word_analogies(str(path), **kwargs)
    assert sections[-1]["section"] == "Total accuracy"  # gensim appends its total as a last section
    return score, [(s["section"], len(s["correct"]), len(s["incorrect"])) for s in sections[:-1]]


def test_tiny_file_is_counted_as_gensim_counts_it(tiny_vectors, tmp_path):
    path = tmp_path / "questions.txt"
    path.write_text(TINY_ANALOGIES)
    result = evaluate_word_analogies(tiny_vectors, path)
    assert _sections(result) == [("royals", 2, 1), ("empty", 0, 0), ("gram-plural", 0, 1)]
    assert result.skipped == 1  # the unicorn
    assert result.total.accuracy == pytest.approx(2 / 4)
    assert [(group.name, group.correct, group.questions) for group in result.groups] == [
        ("semantic", 2, 3), ("syntactic", 0, 1)]
    score, sections = _gensim_sections(keyed_vectors(tiny_vectors), path)
    assert _sections(result) == sections
    assert result.total.accuracy == pytest.approx(score)
    assert result.skipped_ratio == pytest.approx(100 / 5)


@pytest.mark.parametrize("restrict_vocab", [4, 7, 11])
def test_case_variants_and_restricted_vocabulary_match_gensim(cased_vectors, tmp_path, restrict_vocab):
    path = tmp_path / "questions.txt"
    lines = [": all"] + [" ".join(q) for q in [
        ("man", "king", "woman", "queen"), ("Man", "King", "woman", "Queen"), ("king", "queen", "man", "woman"),
        ("prince", "princess", "king", "queen"), ("apple", "the", "man", "woman"), ("queen", "king", "the", "man"),
        ("woman", "man", "queen", "king"), ("the", "apple", "prince", "princess"),
    ]]
    path.write_text("\n".join(lines) + "\n")
    result = evaluate_word_analogies(cased_vectors, path, restrict_vocab=restrict_vocab, chunk_size=3, block_size=2)
    score, sections = _gensim_sections(keyed_vectors(cased_vectors), path, restrict_vocab=restrict_vocab)
    assert _sections(result) == sections
    assert result.total.accuracy == pytest.approx(score)


def test_progress_is_reported_up_to_done(tiny_vectors, tmp_path):
    path = tmp_path / "questions.txt"
    path.write_text(": s\n" + "man king woman queen\nwoman queen man king\nking queen man woman\n")
    calls = []
    evaluate_word_analogies(tiny_vectors, path, chunk_size=1, progress=lambda done, message: calls.append(done))
    assert calls == sorted(calls) and calls[-1] == 1.0 and len(calls) == 3


def test_word_pairs_match_gensim_on_a_tiny_file(tiny_vectors, tmp_path):
    path = tmp_path / "pairs.tsv"
    path.write_text("# comment\nking\tqueen\t8\nKING\tprince\t9\nman\twoman\t7\napple\tking\t1\n"
                    "man\tunicorn\t3\nbroken line\nqueen\tapple\tnot-a-number\n")
    result = evaluate_word_pairs(tiny_vectors, path)
    pearson, spearman, oov = keyed_vectors(tiny_vectors).evaluate_word_pairs(str(path))
    assert (result.pearson, result.spearman, result.oov_ratio) == pytest.approx(
        (pearson[0], spearman[0], oov), abs=1e-6)
    assert result.pairs == 4


@pytest.mark.parametrize("content, message", [
    ("man king woman queen\n", "before any ': section' line"),
    ("just words\n", "no ': section' lines"),
])
def test_malformed_analogy_files_are_refused(tiny_vectors, tmp_path, content, message):
    path = tmp_path / "questions.txt"
    path.write_text(content)
    with pytest.raises(EmbedLabError, match=message):
        evaluate_word_analogies(tiny_vectors, path)


def test_missing_files_and_bad_restrictions_are_refused(tiny_vectors, tmp_path):
    with pytest.raises(EmbedLabError, match="does not exist"):
        evaluate_word_pairs(tiny_vectors, tmp_path / "nothing.tsv")
    with pytest.raises(EmbedLabError, match="restrict_vocab is 0"):
        evaluate_word_analogies(tiny_vectors, restrict_vocab=0)
    unknown = tmp_path / "unknown.tsv"
    unknown.write_text("unicorn\tdragon\t5\n")
    with pytest.raises(EmbedLabError, match="no pair of unknown.tsv could be scored"):
        evaluate_word_pairs(tiny_vectors, unknown)


def test_google_file_reads_all_questions(gensim_test_data):
    sections = read_analogy_questions(gensim_test_data / "questions-words.txt")
    assert len(sections) == 14
    assert sum(len(questions) for _, questions in sections) == 19_544
    assert sections[0][1][0] == ("ATHENS", "GREECE", "BAGHDAD", "IRAQ")


def test_glove_analogies_match_gensim_at_30000_words(glove, gensim_test_data):
    """The full-size (300,000-word) comparison is bench/bench_analogies.py: gensim's own scoring is too slow for a
    test."""
    path = gensim_test_data / "questions-words.txt"
    result = evaluate_word_analogies(glove, path, restrict_vocab=30_000)
    score, sections = _gensim_sections(glove_keyed_vectors(), path, restrict_vocab=30_000)
    assert _sections(result) == sections
    assert result.total.accuracy == pytest.approx(score)


def test_glove_word_similarity_matches_gensim(glove, gensim_test_data):
    results = {result.name: result for result in evaluate_similarity_sets(glove)}
    kv = glove_keyed_vectors()
    for name, filename in [("WordSim353", "wordsim353.tsv"), ("SimLex999", "simlex999.txt")]:
        pearson, spearman, oov = kv.evaluate_word_pairs(str(gensim_test_data / filename))
        ours = results[name]
        assert (ours.pearson, ours.spearman, ours.oov_ratio) == pytest.approx((pearson[0], spearman[0], oov), abs=1e-6)


def test_skipped_questions_are_counted_named_and_agree_with_the_progress_bar(tiny_vectors, tmp_path):
    path = tmp_path / "questions.txt"
    path.write_text(TINY_ANALOGIES)
    messages = []
    result = evaluate_word_analogies(tiny_vectors, path, progress=lambda done, message: messages.append(message))
    assert result.counts_sentence() == ("5 questions, 1 skipped because a word is missing from the first 6 words; "
                                        "4 scored")
    assert messages[-1] == "4 of 4 analogy questions answered (1 of 5 skipped because a word is missing)"
    assert result.skipped_examples == [{"section": "royals", "a": "man", "b": "king", "c": "woman",
                                        "expected": "unicorn", "missing": "unicorn"}]

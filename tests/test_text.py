"""The Python tokenizer and the TensorFlow one saved inside every model cut text the same way.

Wide-input checks (hypothesis, every code point) are in test_text_unicode.py; models trained,
saved and loaded with these rules in test_tokenizer_runs.py.
"""

import pytest

from embedlab.text import (
    STANDARDIZERS, glove_standardize, glove_standardize_v2, tokenize, tokenize_v1, tokenizer_for,
)

SAMPLES = [
    "It isn't GOOD!",
    "The movie's plot... was <br />great, café-style; 10/10 :)",
    "don't  they're we've I'd I'm you'll",
    "naïve résumé über-cool words",
    "hello_world 3.5 stars",
    "<script>alert('x')</script>",
    "",
    "   ",
    "ÉCOLE Straße",
    "The 21st Century's new ''Conan'' and that he's",
    "the characters' 'em '70s rock 'n' roll o'neill ''the ``x'' it’s don’t 'a' ''",
    "a\x00b c\u2028d\x85e\x1cf\x1dg\x1eh\u2029i",
]


@pytest.mark.parametrize(
    "text, tokens",
    [
        ("It isn't GOOD!", ["it", "is", "n't", "good", "!"]),
        ("a film's end", ["a", "film", "'s", "end"]),
        ("great,fun", ["great", ",", "fun"]),
        ("line<br />break", ["line", "break"]),
        ("", []),
        # Quotes are tokens of their own, as in GloVe's corpus ('' and `` and ' are GloVe words).
        ("new ''Conan'' film", ["new", "''", "conan", "''", "film"]),
        ("``Conan''", ["``", "conan", "''"]),
        ("'the end'", ["'", "the", "end", "'"]),
        ("the characters' lines", ["the", "characters", "'", "lines"]),
        ("'it's over'", ["'", "it", "'s", "over", "'"]),
        ("'isn't'", ["'", "is", "n't", "'"]),
        ("can't won't", ["ca", "n't", "wo", "n't"]),
        # GloVe's own elided words stay whole; a word's inner apostrophe stays.
        ("give 'em the '70s, '08 and o'neill", ["give", "'em", "the", "'70s", ",", "'08", "and", "o'neill"]),
        ("rock 'n' roll", ["rock", "'n", "'", "roll"]),
        # The typographic apostrophe reads as the plain one.
        ("It’s a film that doesn’t", ["it", "'s", "a", "film", "that", "does", "n't"]),
        # Separators and control characters are spaces; format characters vanish.
        ("a\x00b", ["a", "b"]),
        ("one\u2028two\u2029three\x85four\x1cfive\x1dsix\x1eseven", ["one", "two", "three", "four", "five", "six",
                                                                    "seven"]),
        ("\ufeffsoft\u00adly zero\u200bwidth", ["softly", "zero", "width"]),
    ],
)
def test_tokenize_splits_like_glove(text, tokens):
    assert tokenize(text) == tokens


@pytest.mark.parametrize(
    "text, tokens",
    [
        ("new ''Conan'' film", ["new", "''conan''", "film"]),
        ("the characters' lines", ["the", "characters'", "lines"]),
        ("a\x00b c", ["a"]),  # its TensorFlow op stops lower-casing, and so reading, at a NUL
        ("one\u2028two", ["one\u2028two"]),  # TextVectorization cuts at ASCII white space only
    ],
)
def test_version_1_keeps_the_rules_old_models_were_trained_with(text, tokens):
    assert tokenize_v1(text) == tokens


@pytest.mark.parametrize("name", sorted(STANDARDIZERS))
def test_tokens_from_tensorflow_match_python(name):
    import tensorflow as tf

    op, python_tokenize = STANDARDIZERS[name]
    tokens = tf.strings.split(op(tf.constant(SAMPLES))).to_list()
    for text, tf_tokens in zip(SAMPLES, tokens):
        assert [token.decode("utf-8") for token in tf_tokens] == python_tokenize(text), repr(text)


@pytest.mark.parametrize(
    "standardize_used, expected",
    [
        (glove_standardize, tokenize_v1),
        ("embedlab>glove_standardize", tokenize_v1),
        ("glove_standardize", tokenize_v1),
        (glove_standardize_v2, tokenize),
        ("embedlab>glove_standardize_v2", tokenize),
        ("lower_and_strip_punctuation", tokenize),  # not EmbedLab's: the current rules are the closest
    ],
)
def test_tokenizer_for_gives_the_twin_of_a_models_rules(standardize_used, expected):
    assert tokenizer_for(standardize_used) is expected

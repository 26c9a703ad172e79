"""The Python tokenizer and the TensorFlow one saved inside every model cut text the same way."""

import pytest

from embedlab.text import tokenize

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
]


@pytest.mark.parametrize(
    "text, tokens",
    [
        ("It isn't GOOD!", ["it", "is", "n't", "good", "!"]),
        ("a film's end", ["a", "film", "'s", "end"]),
        ("great,fun", ["great", ",", "fun"]),
        ("line<br />break", ["line", "break"]),
        ("", []),
    ],
)
def test_tokenize_splits_like_glove(text, tokens):
    assert tokenize(text) == tokens


def test_tokens_from_tensorflow_match_python():
    import tensorflow as tf

    from embedlab.text import glove_standardize

    standardized = glove_standardize(tf.constant(SAMPLES)).numpy()
    for text, tf_text in zip(SAMPLES, standardized):
        assert tf_text.decode("utf-8").split() == tokenize(text), text

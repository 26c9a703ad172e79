"""Tokenisation that matches how GloVe's tokens look, in Python and inside Keras.

GloVe 6B was trained on lower-cased text with punctuation split into tokens of its
own ("good ." / "is n't" / "movie 's"), so a model that feeds GloVe vectors must cut
text the same way or most punctuation-adjacent words fall out of the vocabulary.
The same rules exist twice, once in Python (``tokenize``: data statistics, coverage,
explanations) and once as TensorFlow ops (``glove_standardize``, saved inside every
model's ``TextVectorization``), and a test keeps the two in step.
"""

from __future__ import annotations

import re

# Ordered: HTML line breaks (IMDB-style "<br />") become spaces; "n't" and the clitics
# "'s 're 've 'll 'd 'm" split off as GloVe does; every other character that is not a
# letter, digit, mark, underscore, apostrophe or space becomes a token of its own.
_PY_RULES: list[tuple[str, str]] = [
    (r"<br\s*/?>", " "),
    (r"n't\b", " n't"),
    (r"'(s|re|ve|ll|d|m)\b", r" '\1"),
    (r"([^\w\s'])", r" \1 "),
]
# RE2 (TensorFlow) spelling of the same rules: RE2's \w is ASCII only, so letters,
# digits and marks are named by Unicode class to agree with Python's Unicode \w.
_TF_RULES: list[tuple[str, str]] = [
    (r"<br\s*/?>", " "),
    (r"n't(\b)", r" n't\1"),
    (r"'(s|re|ve|ll|d|m)(\b)", r" '\1\2"),
    (r"([^\p{L}\p{N}\p{M}_\s'])", r" \1 "),
]
_PY_COMPILED = [(re.compile(pattern), replacement) for pattern, replacement in _PY_RULES]


def standardize(text: str) -> str:
    """Lower-case ``text`` and space out punctuation the way GloVe's corpus was cut.

    Example: ``standardize("It isn't GOOD!")`` → ``"it is n't good ! "`` (spacing aside).
    """
    text = text.lower()
    for pattern, replacement in _PY_COMPILED:
        text = pattern.sub(replacement, text)
    return text


def tokenize(text: str) -> list[str]:
    """Split ``text`` into the tokens a trained model's vocabulary is made of.

    Example: ``tokenize("It isn't GOOD!")`` → ``["it", "is", "n't", "good", "!"]``.
    """
    return standardize(text).split()


def glove_standardize(inputs):
    """TensorFlow twin of :func:`standardize`, used as ``TextVectorization(standardize=…)``.

    Registered with Keras so a saved ``.keras`` model reloads it by name, which keeps
    safe-mode loading possible (no Python bytecode in the file).
    """
    import tensorflow as tf

    text = tf.strings.lower(inputs, encoding="utf-8")
    for pattern, replacement in _TF_RULES:
        text = tf.strings.regex_replace(text, pattern, replacement)
    return text


_REGISTERED = False


def register_with_keras() -> None:
    """Make ``glove_standardize`` known to Keras by name (idempotent)."""
    global _REGISTERED
    if _REGISTERED:
        return
    import keras

    keras.saving.register_keras_serializable(package="embedlab", name="glove_standardize")(
        glove_standardize
    )
    _REGISTERED = True

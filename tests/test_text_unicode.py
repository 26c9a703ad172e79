"""The current tokenizer over all of Unicode: Python and TensorFlow agree, and no token holds a line break.

Keras writes a model's vocabulary one term a line and reads it back with ``splitlines()``, so a
term holding U+0085, U+2028, \\x1c… would come back as two and the model would never load.
"""

import unicodedata

import tensorflow as tf  # imported before hypothesis runs: it raises the recursion limit on import
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from embedlab.text import (
    CASE_UNKNOWN_TO_TENSORFLOW, FORMAT_CHARACTERS, PUNCTUATION_AND_SYMBOLS, SEPARATORS, glove_standardize_v2,
    tokenize,
)

# Characters the rules single out, so that random text meets them far more often than chance would.
SPECIAL = (
    list("'`’‘\"“”«»nNtTsSmdlre _-.,!?<>/brBR09ΣσςAİİ̇") + [" ", "\t", "\n", "\r", "\v", "\f", "\x00", "\x1c", "\x1d",
                                                          "\x1e", "\x1f", "\x85", "\xa0", "\u2028", "\u2029",
                                                          "\u200b", "\u00ad", "\ufeff", "\u1734", "\u0301"]
    + [chr(start) for start, _ in CASE_UNKNOWN_TO_TENSORFLOW]
)
FRAGMENTS = ["n't", "'s", "'re", "'ll", "'em", "'70s", "'n'", "''", "``", "<br />", "<BR>", "ΑΣ", "can't"]
any_character = st.characters(exclude_categories=["Cs"])
pieces = st.one_of(st.text(any_character, max_size=4), st.text(st.sampled_from(SPECIAL), max_size=4),
                   st.sampled_from(FRAGMENTS))
texts = st.lists(pieces, max_size=12).map("".join)


def tensorflow_tokens(batch: list[str]) -> list[list[str]]:
    """What TextVectorization makes of ``batch``: the op, then its whitespace split."""
    tokens = tf.strings.split(glove_standardize_v2(tf.constant(batch, dtype=tf.string))).to_list()
    return [[token.decode("utf-8") for token in row] for row in tokens]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(texts, min_size=1, max_size=12))
def test_python_and_tensorflow_cut_any_unicode_text_alike(batch):
    assert tensorflow_tokens(batch) == [tokenize(text) for text in batch]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(texts, min_size=1, max_size=12))
def test_no_token_holds_a_character_that_splits_a_line_or_is_blank(batch):
    """Checked on what TensorFlow makes (the vocabulary Keras writes), not only on the Python twin."""
    for tokens in tensorflow_tokens(batch) + [tokenize(text) for text in batch]:
        for token in tokens:
            assert token.splitlines() == [token] and token.strip() == token != "", repr(token)


def test_every_assigned_code_point_is_cut_alike_alone_and_in_case_context():
    # Assigned code points only: unassigned and private-use ones fall in no class of the rules.
    codes = [code for code in range(0x110000)
             if unicodedata.category(chr(code)) not in ("Cn", "Co", "Cs")]
    batch = [f"AΣ{c} AΣ{c}B {c}Σ '{c}' n{c}t {c}'s" for c in map(chr, codes)]
    different = [(hex(code), text) for code, text, tf_tokens in zip(codes, batch, tensorflow_tokens(batch))
                 if tf_tokens != tokenize(text)]
    assert different == []


def test_the_frozen_character_classes_are_what_they_say():
    def members(ranges):
        return {code for start, end in ranges for code in range(start, end + 1)}

    category = {code: unicodedata.category(chr(code)) for code in range(0x110000)}
    separators, formats, punctuation = members(SEPARATORS), members(FORMAT_CHARACTERS), members(PUNCTUATION_AND_SYMBOLS)
    # Written out from Unicode 14.0; a later Python's database only adds characters to these categories.
    assert all(category[c] == "Cc" or category[c][0] == "Z" for c in separators - {0x200B})
    assert all(category[c] == "Cf" for c in formats | {0x200B})
    assert all(category[c][0] in "PS" for c in punctuation)
    if unicodedata.unidata_version == "14.0.0":
        assert separators == {c for c, cat in category.items() if cat == "Cc" or cat[0] == "Z"} | {0x200B}
        assert formats == {c for c, cat in category.items() if cat == "Cf"} - {0x200B}
        assert punctuation == {c for c, cat in category.items() if cat[0] in "PS"} - {ord("'"), ord("`"), ord("_")}
    # Every character at which splitlines() cuts a line is a separator.
    breakers = {c for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF and len(f"a{chr(c)}b".splitlines()) > 1}
    assert breakers and breakers <= separators


def test_a_nul_no_longer_hides_the_words_after_it_from_tensorflow():
    text = "a good\x00film after the NUL"
    assert tensorflow_tokens([text]) == [["a", "good", "film", "after", "the", "nul"]] == [tokenize(text)]

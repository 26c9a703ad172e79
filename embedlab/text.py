"""Tokenisation that matches how GloVe's tokens look, in Python and inside Keras.

GloVe 6B was trained on lower-cased text cut by the Stanford tokenizer: punctuation is a
token of its own ("good ." / "is n't" / "movie 's"), and quotes are too ("'' the" and
"characters '"), so a model that feeds GloVe vectors must cut text the same way or the
words next to punctuation and quotes fall out of the vocabulary. Each rule set exists
twice: in Python (``standardize``/``tokenize``: data statistics, coverage, explanations)
and as TensorFlow ops saved inside every model's ``TextVectorization`` by a registered
name. Tests keep each pair in step over all of Unicode.

A saved model names its rules, and they never change under it:

- ``embedlab>glove_standardize`` (``glove_standardize``, twin ``standardize_v1``): models
  saved before 2026-11-30. Kept exactly as trained, faults included: quotes stay on words,
  TensorFlow drops everything after a NUL, and Unicode line separators stay inside words.
- ``embedlab>glove_standardize_v2`` (``glove_standardize_v2``, twin ``standardize``): every
  new model. Its character classes are written out below (Unicode 14.0) rather than taken
  from the regex engine, so a saved model reads text the same under any later TensorFlow.

``tokenizer_for(name)`` gives the Python twin of the rules a model was saved with.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# Version 1. Ordered: HTML line breaks (IMDB-style "<br />") become spaces; "n't" and the
# clitics "'s 're 've 'll 'd 'm" split off as GloVe does; every other character that is not
# a letter, digit, mark, underscore, apostrophe or space becomes a token of its own.
_V1_PY_RULES: list[tuple[str, str]] = [
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
_V1_COMPILED = [(re.compile(pattern), replacement) for pattern, replacement in _V1_PY_RULES]
_ASCII_SPACE = re.compile(r"[ \t\n\v\f\r]+")  # what tf.strings.split cuts at


def _ranges(table: str) -> list[tuple[int, int]]:
    """``"21-26 2d"`` → ``[(0x21, 0x26), (0x2d, 0x2d)]``."""
    pairs = [item.partition("-") for item in table.split()]
    return [(int(start, 16), int(end or start, 16)) for start, _, end in pairs]


# Version 2's character classes, written out from Unicode 14.0 (Python 3.11's database).
# Separators: every control character (Cc, NUL included) and every space, line and
# paragraph separator (Z*): all of them become a plain space, so no token can hold a
# character at which str.splitlines() (Keras reading vocabulary.txt) would cut it.
SEPARATORS = _ranges("0-20 7f-a0 1680 2000-200b 2028-2029 202f 205f 3000")
# Format characters (Cf) are invisible and GloVe has none: soft hyphens, joiners, direction
# marks and byte-order marks are dropped ("ca\u00adt" reads "cat"). The zero-width space
# (200b) marks a word boundary, so it is among the separators instead.
FORMAT_CHARACTERS = _ranges("""
ad 600-605 61c 6dd 70f 890-891 8e2 180e 200c-200f 202a-202e 2060-2064 2066-206f feff fff9-fffb 110bd
110cd 13430-13438 1bca0-1bca3 1d173-1d17a e0001 e0020-e007f
""")
# Punctuation and symbols (P*, S*) except the apostrophe, backtick and underscore, which
# have rules of their own: each is a token by itself, as in GloVe's corpus.
PUNCTUATION_AND_SYMBOLS = _ranges("""
21-26 28-2f 3a-40 5b-5e 7b-7e a1-a9 ab-ac ae-b1 b4 b6-b8 bb bf d7 f7 2c2-2c5 2d2-2df 2e5-2eb 2ed
2ef-2ff 375 37e 384-385 387 3f6 482 55a-55f 589-58a 58d-58f 5be 5c0 5c3 5c6 5f3-5f4 606-60f 61b
61d-61f 66a-66d 6d4 6de 6e9 6fd-6fe 700-70d 7f6-7f9 7fe-7ff 830-83e 85e 888 964-965 970 9f2-9f3
9fa-9fb 9fd a76 af0-af1 b70 bf3-bfa c77 c7f c84 d4f d79 df4 e3f e4f e5a-e5b f01-f17 f1a-f1f f34 f36
f38 f3a-f3d f85 fbe-fc5 fc7-fcc fce-fda 104a-104f 109e-109f 10fb 1360-1368 1390-1399 1400 166d-166e
169b-169c 16eb-16ed 1735-1736 17d4-17d6 17d8-17db 1800-180a 1940 1944-1945 19de-19ff 1a1e-1a1f
1aa0-1aa6 1aa8-1aad 1b5a-1b6a 1b74-1b7e 1bfc-1bff 1c3b-1c3f 1c7e-1c7f 1cc0-1cc7 1cd3 1fbd 1fbf-1fc1
1fcd-1fcf 1fdd-1fdf 1fed-1fef 1ffd-1ffe 2010-2027 2030-205e 207a-207e 208a-208e 20a0-20c0 2100-2101
2103-2106 2108-2109 2114 2116-2118 211e-2123 2125 2127 2129 212e 213a-213b 2140-2144 214a-214d 214f
218a-218b 2190-2426 2440-244a 249c-24e9 2500-2775 2794-2b73 2b76-2b95 2b97-2bff 2ce5-2cea 2cf9-2cfc
2cfe-2cff 2d70 2e00-2e2e 2e30-2e5d 2e80-2e99 2e9b-2ef3 2f00-2fd5 2ff0-2ffb 3001-3004 3008-3020 3030
3036-3037 303d-303f 309b-309c 30a0 30fb 3190-3191 3196-319f 31c0-31e3 3200-321e 322a-3247 3250
3260-327f 328a-32b0 32c0-33ff 4dc0-4dff a490-a4c6 a4fe-a4ff a60d-a60f a673 a67e a6f2-a6f7 a700-a716
a720-a721 a789-a78a a828-a82b a836-a839 a874-a877 a8ce-a8cf a8f8-a8fa a8fc a92e-a92f a95f a9c1-a9cd
a9de-a9df aa5c-aa5f aa77-aa79 aade-aadf aaf0-aaf1 ab5b ab6a-ab6b abeb fb29 fbb2-fbc2 fd3e-fd4f fdcf
fdfc-fdff fe10-fe19 fe30-fe52 fe54-fe66 fe68-fe6b ff01-ff0f ff1a-ff20 ff3b-ff40 ff5b-ff65 ffe0-ffe6
ffe8-ffee fffc-fffd 10100-10102 10137-1013f 10179-10189 1018c-1018e 10190-1019c 101a0 101d0-101fc
1039f 103d0 1056f 10857 10877-10878 1091f 1093f 10a50-10a58 10a7f 10ac8 10af0-10af6 10b39-10b3f
10b99-10b9c 10ead 10f55-10f59 10f86-10f89 11047-1104d 110bb-110bc 110be-110c1 11140-11143
11174-11175 111c5-111c8 111cd 111db 111dd-111df 11238-1123d 112a9 1144b-1144f 1145a-1145b 1145d
114c6 115c1-115d7 11641-11643 11660-1166c 116b9 1173c-1173f 1183b 11944-11946 119e2 11a3f-11a46
11a9a-11a9c 11a9e-11aa2 11c41-11c45 11c70-11c71 11ef7-11ef8 11fd5-11ff1 11fff 12470-12474
12ff1-12ff2 16a6e-16a6f 16af5 16b37-16b3f 16b44-16b45 16e97-16e9a 16fe2 1bc9c 1bc9f 1cf50-1cfc3
1d000-1d0f5 1d100-1d126 1d129-1d164 1d16a-1d16c 1d183-1d184 1d18c-1d1a9 1d1ae-1d1ea 1d200-1d241
1d245 1d300-1d356 1d6c1 1d6db 1d6fb 1d715 1d735 1d74f 1d76f 1d789 1d7a9 1d7c3 1d800-1d9ff
1da37-1da3a 1da6d-1da74 1da76-1da83 1da85-1da8b 1e14f 1e2ff 1e95e-1e95f 1ecac 1ecb0 1ed2e
1eef0-1eef1 1f000-1f02b 1f030-1f093 1f0a0-1f0ae 1f0b1-1f0bf 1f0c1-1f0cf 1f0d1-1f0f5 1f10d-1f1ad
1f1e6-1f202 1f210-1f23b 1f240-1f248 1f250-1f251 1f260-1f265 1f300-1f6d7 1f6dd-1f6ec 1f6f0-1f6fc
1f700-1f773 1f780-1f7d8 1f7e0-1f7eb 1f7f0 1f800-1f80b 1f810-1f847 1f850-1f859 1f860-1f887
1f890-1f8ad 1f8b0-1f8b1 1f900-1fa53 1fa60-1fa6d 1fa70-1fa74 1fa78-1fa7c 1fa80-1fa86 1fa90-1faac
1fab0-1faba 1fac0-1fac5 1fad0-1fad9 1fae0-1fae7 1faf0-1faf6 1fb00-1fb92 1fb94-1fbca
""")
# Cased letters and marks that Python's Unicode 14 knows and TensorFlow's lower-casing (an
# older ICU) does not: TensorFlow leaves them as they are and reads them as breaking a case
# context (the final-sigma rule), so the Python twin lower-cases the text between them.
# Found by lower-casing every code point alone and beside "Σ" in both (tests/test_text_unicode.py).
CASE_UNKNOWN_TO_TENSORFLOW = _ranges("""
888 890-891 898-89f 8c9-8d2 c3c 1734 180f 1ac1-1ace 1dfa 2c2f 2c5f a7c0-a7c1 a7d0-a7d1 a7d3
a7d5-a7d9 a7f2-a7f4 fbc2 10570-1057a 1057c-1058a 1058c-10592 10594-10595 10597-105a1 105a3-105b1
105b3-105b9 105bb-105bc 10780-10785 10787-107b0 107b2-107ba 10f82-10f85 11070 11073-11074 110c2
1aff0-1aff3 1aff5-1affb 1affd-1affe 1cf00-1cf2d 1cf30-1cf46 1df00-1df09 1df0b-1df1e 1e2ae
""")
# Apostrophes the edge rules must keep, hidden as \x01 meanwhile (a control character, so
# none is left in the text once separators are spaces).
_KEPT = "\x01"


def _char_class(ranges: list[tuple[int, int]], engine: str) -> str:
    """A regex character class for ``ranges``: Python's ``re`` spells code points \\U…, RE2 \\x{…}."""
    def escape(code: int) -> str:
        return f"\\U{code:08x}" if engine == "python" else f"\\x{{{code:x}}}"

    return "[" + "".join(escape(a) if a == b else f"{escape(a)}-{escape(b)}" for a, b in ranges) + "]"


# The rules at quotes and apostrophes, the same text for Python's re and RE2. RE2 has no
# look-around, so a rule that must see the next character captures it and writes it back.
_APOSTROPHE_RULES: list[tuple[str, str]] = [
    (r"(`+)", r" \1 "),  # `` is GloVe's opening double quote
    (r"n't( |'|$)", f" n{_KEPT}t\\1"),
    # Clitics split off; GloVe's elided words ('em 'til 'cause 'n, years and decades '90s '08) stay whole.
    (r"'(s|re|ve|ll|d|m|em|til|cause|n|[0-9][0-9]s?)( |'|$)", f" {_KEPT}\\1\\2"),
    (r"(^| )('+)([^ '])", r"\1\2 \3"),  # opening quotes: ''the → '' the
    (r"([^ '])('+)( |$)", r"\1 \2\3"),  # closing quotes and plural possessives: characters' → characters '
    (r"\x01", "'"),
]
_BR = r"<br */?>"  # IMDB-style line breaks; every separator is a plain space by then


def _v2_rules_re2() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Version 2 for TensorFlow: (rules before lower-casing, rules after)."""
    # The space itself is left out of the class: replacing every space by a space took a third of the op's time.
    separators = [(start, end) for start, end in SEPARATORS if start > 0x20] + [(0x0, 0x1F)]
    before = [(_char_class(separators, "re2"), " "), (_char_class(FORMAT_CHARACTERS, "re2"), "")]
    after = [
        (_BR, " "),
        (_char_class([(0x2019, 0x2019)], "re2"), "'"),  # the typographic apostrophe: it’s → it's
        ("(" + _char_class(PUNCTUATION_AND_SYMBOLS, "re2") + ")", r" \1 "),
        *_APOSTROPHE_RULES,
    ]
    return before, after


# Python spells the one-character rules as str.translate tables: a regex over hundreds of
# ranges is slow in Python's re, and a table gives the same text.
_SEPARATORS_AND_FORMAT = {
    **{code: " " for start, end in SEPARATORS for code in range(start, end + 1)},
    **{code: None for start, end in FORMAT_CHARACTERS for code in range(start, end + 1)},
}
_PUNCTUATION = {code: f" {chr(code)} " for start, end in PUNCTUATION_AND_SYMBOLS for code in range(start, end + 1)}
_PUNCTUATION[0x2019] = "'"
_BR_PYTHON = re.compile(_BR)
_APOSTROPHES_PYTHON = [(re.compile(pattern), replacement) for pattern, replacement in _APOSTROPHE_RULES]
# U+1734 is a case-ignorable mark to TensorFlow but not to Python's Unicode 14: while lower-casing it
# stands in as the soft hyphen (case-ignorable to both, and dropped from the text before).
_CASE_IGNORABLE_TO_TENSORFLOW = ("\u1734", "\u00ad")
_CASE_UNKNOWN = re.compile("(" + _char_class(CASE_UNKNOWN_TO_TENSORFLOW, "python") + ")")


def _lower_like_tensorflow(text: str) -> str:
    """``text.lower()`` as TensorFlow's (older) Unicode tables lower-case it; ``text`` has no format characters."""
    if text.isascii() or _CASE_UNKNOWN.search(text) is None:
        return text.lower()
    mark, stand_in = _CASE_IGNORABLE_TO_TENSORFLOW
    parts = _CASE_UNKNOWN.split(text.replace(mark, stand_in))  # the unknown characters sit at odd positions
    return "".join(part if i % 2 else part.lower() for i, part in enumerate(parts)).replace(stand_in, mark)


def standardize(text: str) -> str:
    """Lower-case ``text`` and space out punctuation and quotes the way GloVe's corpus was cut.

    Example: ``standardize("It isn't ''GOOD''!")`` → ``"it is n't '' good '' ! "`` (spacing aside).
    """
    text = _lower_like_tensorflow(text.translate(_SEPARATORS_AND_FORMAT))
    text = _BR_PYTHON.sub(" ", text).translate(_PUNCTUATION)
    backtick, *apostrophe_rules = _APOSTROPHES_PYTHON
    if "`" in text:
        text = backtick[0].sub(backtick[1], text)
    if "'" in text:  # most texts have none, and the rules are the slow part
        for pattern, replacement in apostrophe_rules:
            text = pattern.sub(replacement, text)
    return text


def tokenize(text: str) -> list[str]:
    """Split ``text`` into the tokens a new model's vocabulary is made of.

    Example: ``tokenize("It isn't ''GOOD''!")`` → ``["it", "is", "n't", "''", "good", "''", "!"]``.
    """
    return standardize(text).split()


def glove_standardize_v2(inputs):
    """TensorFlow twin of :func:`standardize`, used as ``TextVectorization(standardize=…)``.

    Registered with Keras so a saved ``.keras`` model reloads it by name, which keeps
    safe-mode loading possible (no Python bytecode in the file).
    """
    import tensorflow as tf

    before, after = _v2_rules_re2()
    text = inputs
    for pattern, replacement in before:  # before lower-casing: TensorFlow's lower() stops at a NUL
        text = tf.strings.regex_replace(text, pattern, replacement)
    text = tf.strings.lower(text, encoding="utf-8")
    for pattern, replacement in after:
        text = tf.strings.regex_replace(text, pattern, replacement)
    return text


def standardize_v1(text: str) -> str:
    """The Python twin of version 1 (``glove_standardize``), the rules of models saved before 2026-11-30.

    Like its TensorFlow op it reads nothing after a NUL (TensorFlow's lower-casing stops there).
    """
    text = text.partition("\x00")[0].lower()
    for pattern, replacement in _V1_COMPILED:
        text = pattern.sub(replacement, text)
    return text


def tokenize_v1(text: str) -> list[str]:
    """The tokens of a model saved with version 1's rules (see ``standardize_v1``).

    Cut at ASCII white space only, as ``TextVectorization`` cuts: version 1 leaves U+2028
    and its kind inside tokens.
    """
    return [token for token in _ASCII_SPACE.split(standardize_v1(text)) if token]


def glove_standardize(inputs):
    """Version 1's TensorFlow op, kept exactly as models saved before 2026-11-30 were trained."""
    import tensorflow as tf

    text = tf.strings.lower(inputs, encoding="utf-8")
    for pattern, replacement in _TF_RULES:
        text = tf.strings.regex_replace(text, pattern, replacement)
    return text


# Registered name → (TensorFlow op, Python tokenizer). The newest is what new models use.
STANDARDIZERS: dict[str, tuple[Callable, Callable[[str], list[str]]]] = {
    "glove_standardize": (glove_standardize, tokenize_v1),
    "glove_standardize_v2": (glove_standardize_v2, tokenize),
}
CURRENT_STANDARDIZER = "glove_standardize_v2"


def tokenizer_for(standardize_used) -> Callable[[str], list[str]]:
    """The Python tokenizer that cuts text as a model's ``TextVectorization`` does.

    Args:
        standardize_used: the layer's ``get_config()["standardize"]``: one of EmbedLab's
            registered functions, or its name (``"embedlab>glove_standardize"`` or
            ``"glove_standardize"``). Anything else (a model not made by EmbedLab) gets the
            current rules, the closest reading there is.

    Example: ``tokenizer_for(vectorizer.get_config()["standardize"])("It's")`` → ``["it", "'s"]``.
    """
    for name, (op, python_tokenize) in STANDARDIZERS.items():
        if standardize_used is op or standardize_used in (name, f"embedlab>{name}"):
            return python_tokenize
    return tokenize


_REGISTERED = False


def register_with_keras() -> None:
    """Make every version's TensorFlow op known to Keras by its name (idempotent)."""
    global _REGISTERED
    if _REGISTERED:
        return
    import keras

    for name, (op, _) in STANDARDIZERS.items():
        keras.saving.register_keras_serializable(package="embedlab", name=name)(op)
    _REGISTERED = True

"""``embedlab_ui.session.literal``: a name a visitor chose renders as the text they typed, never as Markdown.

Streamlit's Markdown goes beyond CommonMark: ``:red[…]`` directives, ``:material/…:`` icons,
``:smile:`` and ``:streamlit:`` shortcodes, and GitHub's bare-URL and e-mail autolinks are found
in the text *after* backslash escapes are undone, so escaping alone does not stop them: a
word joiner (U+2060, invisible) splits those patterns. These tests check the Markdown source
``literal`` gives; ``tests/apptest/test_hostile_names.py`` checks every page shows names so.
"""

from __future__ import annotations

import re

import pytest

from embedlab_ui.session import literal

WJ = "\u2060"  # word joiner: zero width, no line break

HOSTILE = "`x` [a](http://e.x) ![i](http://e.x/i.png) :red[r] **b** <b>h</b> $x$"


def text_node(source: str) -> str:
    """The text a Markdown parser is left with once backslash escapes are undone."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", source)


# What the renderer finds in text nodes (Streamlit 1.67's StreamlitMarkdown bundle): autolinks, shortcodes, icons.
TEXT_NODE_PATTERNS = [
    re.compile(r"(https?://|www(?=\.))", re.IGNORECASE),  # remark-gfm autolink literals
    re.compile(r"[-.\w+]+@[-\w]+(\.[-\w]+)+"),  # e-mail autolinks
    re.compile(r":[\w+-]+:"),  # emoji shortcodes, :streamlit:, :material_x:
    re.compile(r":material/"),  # Streamlit turns :material/ into :material_ in the source
    re.compile(r"(^|\s)(<->|->|<-|--|>=|<=|~=)(\s|$)"),  # typographic replacements
]


@pytest.mark.parametrize("name, escaped", [
    (HOSTILE, rf"\`x\` \[a\](http\:{WJ}//e.x) !\[i\](http\:{WJ}//e.x/i.png) \:{WJ}red\[r\] \*\*b\*\* "
              r"\<b\>h\</b\> \$x\$"),
    (":material/home: :smile: :streamlit: :+1:",
     rf"\:{WJ}material/home: \:{WJ}smile: \:{WJ}streamlit: \:{WJ}+1:"),
    ("www.e.x a@e.x <http://e.x>", rf"www{WJ}.e.x a{WJ}@e.x \<http\:{WJ}//e.x\>"),
    ("_i_ __b__ ~~s~~ | c | &amp; #h", r"\_i\_ \_\_b\_\_ \~\~s\~\~ \| c \| \&amp; \#h"),
    ("# heading", r"\# heading"),
    ("- item\n+ item\n1. item\n2) item\n===", "\\- item\n\\+ item\n1\\. item\n2\\) item\n\\==="),
    ("a -> b <- c -- d", f"a -{WJ}\\> b \\<{WJ}- c -{WJ}- d"),
])
def test_markdown_syntax_is_escaped_or_split(name, escaped):
    assert literal(name) == escaped


@pytest.mark.parametrize("name", [HOSTILE, ":material/home: :smile: :streamlit:", "www.e.x a@e.x",
                                  "see https://e.x/x?y=1", "a -> b", "x:y:z", "deadline 12:30:00"])
def test_no_renderer_pattern_survives_in_the_text(name):
    text = text_node(literal(name))
    assert text.replace(WJ, "") == name  # the visitor reads what they typed
    for pattern in TEXT_NODE_PATTERNS:
        assert not pattern.search(text), (pattern.pattern, text)


@pytest.mark.parametrize("plain", ["n_neighbors", "a review: 5 stars", "Run 3 · GloVe frozen · test acc 81.0%",
                                   "12.5% of rows", "it's (mostly) fine."])
def test_plain_text_stays_readable(plain):
    assert literal(plain) == plain

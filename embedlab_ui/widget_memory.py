"""Widget values that outlive the runs in which their widget is not drawn.

Streamlit forgets a widget's value at the end of any run that does not draw it, so a
page whose views draw different widgets (Explore: Map, Compare, Sentiment axis) lost its
settings on every change of view (Map → Compare → Map reset 10,000 words to 2,000). Each
remembered widget keeps a copy of its value under a second, non-widget key, and gets its
value back from that copy when it is drawn again. Its default lives here, once, so the
widget itself is drawn without ``value=`` (Streamlit warns when both are given).

The value is handed back on every run, not only when Streamlit has dropped it. A value put
back in a run that does not draw its widget (the second run of another view: Compare with a
run picked) is still there on the run that draws the widget again, but as a plain
session-state value whose widget the browser has unmounted; Streamlit then draws the widget
at its own default (10 words, n_neighbors 2, "Current vectors") while Python reads the kept
value, and the next click sends the browser's default back (issue 29, item 3). A value set
in this run is always sent to the browser with the widget.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import streamlit as st

KEPT = "kept:"  # prefix of the copies; not a widget key, so Streamlit never clears them


def remember(defaults: dict[str, Any], choices: Iterable[str] = ()) -> None:
    """Give each widget key its last value (or its default) before the widgets are drawn; call at the page's top.

    Args:
        defaults: widget key → value for a visitor who has not touched the widget yet.
        choices: widget keys with no fixed default (a run picker starts on the newest run): kept once
            the visitor has had one, otherwise left to the widget.
    """
    for key, default in defaults.items():
        _hand_back(key, st.session_state[key] if key in st.session_state else st.session_state.get(KEPT + key,
                                                                                                     default))
    for key in choices:
        if key in st.session_state:
            _hand_back(key, st.session_state[key])
        elif KEPT + key in st.session_state:
            _hand_back(key, st.session_state[KEPT + key])


def _hand_back(key: str, value: Any) -> None:
    st.session_state[KEPT + key] = value
    st.session_state[key] = value  # set in this run, so the browser draws the widget with it (see above)


def forget(key: str) -> None:
    """Drop a remembered widget's value and its copy, so it starts from its default on the next run."""
    st.session_state.pop(key, None)
    st.session_state.pop(KEPT + key, None)

"""Widget values that outlive the runs in which their widget is not drawn.

Streamlit forgets a widget's value at the end of any run that does not draw it, so a
page whose views draw different widgets (Explore: Map, Compare, Sentiment axis) lost its
settings on every change of view (Map → Compare → Map reset 10,000 words to 2,000). Each
remembered widget keeps a copy of its value under a second, non-widget key, and gets its
value back from that copy when it is drawn again. Its default lives here, once, so the
widget itself is drawn without ``value=`` (Streamlit warns when both are given).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

KEPT = "kept:"  # prefix of the copies; not a widget key, so Streamlit never clears them


def remember(defaults: dict[str, Any]) -> None:
    """Give each widget key its last value (or its default) before the widgets are drawn; call at the page's top.

    Args:
        defaults: widget key → value for a visitor who has not touched the widget yet.
    """
    for key, default in defaults.items():
        kept = KEPT + key
        if key in st.session_state:
            st.session_state[kept] = st.session_state[key]
        else:
            st.session_state[key] = st.session_state.get(kept, default)

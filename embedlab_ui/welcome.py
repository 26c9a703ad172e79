"""The welcome strip: one compact strip on the first screen saying what EmbedLab is for and how to go through it.

A new visitor landed on the Data page's table with no word on what the app does (issue 15).
The strip names the path (Data → Train → Explore / Analogies / Predict) and says that the
page's address keeps their work (``?workspace=…``, see ``embedlab_ui.session``). It shows on
the first page until the visitor closes it.
"""

from __future__ import annotations

import streamlit as st

CLOSED = "welcome.closed"


def welcome_strip(workspace: str) -> None:
    """Draw the strip unless this visitor closed it; ``workspace`` is their workspace's name, shown literally."""
    if st.session_state.get(CLOSED):
        return
    with st.container(border=True, key="welcome.strip"):
        text, button = st.columns([12, 1], vertical_alignment="center")
        text.markdown(
            "**EmbedLab** trains a sentiment classifier on word vectors and shows what the vectors and the model "
            "learned. The path: **Data** (pick or upload labelled texts) → **Train** → **Explore** (word maps) · "
            "**Analogies** · **Predict**. This page's address keeps your work: bookmark it (workspace "
            f"`{workspace}`) to come back to your runs.")
        button.button(":material/close:", key="welcome.close", help="Hide this strip",
                      on_click=lambda: st.session_state.update({CLOSED: True}))

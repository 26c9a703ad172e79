"""The welcome strip: one compact strip on the first screen saying what EmbedLab is for and how to go through it.

A new visitor landed on the Data page's table with no word on what the app does (issue 15).
The strip names the path (Data → Train → Explore / Analogies / Predict) and says what keeps
their work: the page's address (``?workspace=…``, see ``embedlab_ui.session``), or their login. It shows on
the first page until the visitor closes it.
"""

from __future__ import annotations

import streamlit as st

CLOSED = "welcome.closed"


def where_your_work_is_kept(workspace: str) -> str:
    """One sentence: what keeps this visitor's runs, uploads and studies — their login, or the page's address."""
    from embedlab_ui.login import login_enabled, signed_in_identity
    from embedlab_ui.session import literal

    identity = signed_in_identity() if login_enabled() else None
    if identity is not None:
        return (f"Your runs, uploaded datasets and studies are kept with your login "
                f"({literal(identity.shown_name)}), on any device.")
    return (f"This page's address keeps your work (runs, uploaded datasets, studies): bookmark it "
            f"(workspace `{workspace}`) to come back to it.")


def welcome_strip(workspace: str) -> None:
    """Draw the strip unless this visitor closed it; ``workspace`` is their workspace's name, shown literally."""
    if st.session_state.get(CLOSED):
        return
    with st.container(border=True, key="welcome.strip"):
        text, button = st.columns([12, 1], vertical_alignment="center")
        text.markdown(
            "**EmbedLab** trains a sentiment classifier on word vectors and shows what the vectors and the model "
            "learned. The path: **Data** (pick or upload labelled texts) → **Train** → **Explore** (word maps) · "
            "**Analogies** · **Predict**. " + where_your_work_is_kept(workspace))
        button.button(":material/close:", key="welcome.close", help="Hide this strip",
                      on_click=lambda: st.session_state.update({CLOSED: True}))

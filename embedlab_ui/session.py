"""Per-visitor state: the workspace that keeps one visitor's runs apart from another's."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

import streamlit as st

from embedlab.errors import EmbedLabError
from embedlab.runs import default_runs_dir, workspace_dir

WORKSPACE_PARAM = "workspace"


def workspace() -> str:
    """This visitor's workspace name, kept in the URL (``?workspace=…``).

    A new visitor gets a fresh random name; the URL is their key to find their runs
    again after a restart. Runs of other workspaces are never listed.
    """
    if "workspace" not in st.session_state:
        requested = st.query_params.get(WORKSPACE_PARAM, "")
        try:
            workspace_dir(requested)
            name = requested
        except EmbedLabError:
            name = secrets.token_urlsafe(9).replace("-", "x").replace("_", "y")
        st.session_state["workspace"] = name
    st.query_params[WORKSPACE_PARAM] = st.session_state["workspace"]
    return st.session_state["workspace"]


def runs_folder() -> Path:
    """Folder of this visitor's runs."""
    return workspace_dir(workspace(), default_runs_dir())


def show_error(error: EmbedLabError) -> None:
    """Show a user-fixable problem; never a traceback. Messages quote user input, so shown literally."""
    st.error(literal(str(error)), icon=":material/warning:")


_MARKDOWN_INLINE = re.compile(r"([\\`*\[\]<>$~|])")


def literal(text: str) -> str:
    """``text`` with Streamlit's inline Markdown switched off: what a visitor typed shows as typed.

    Streamlit renders no raw HTML in Markdown, but ``*…*``, ``[…](…)``, ``<url>``, ``$…$`` and
    ``~~…~~`` would still turn a word like ``*nsync`` or a pasted link into formatting. Only these
    marks are escaped (messages are one line, so line-start marks like ``#`` cannot act, and an
    underscore inside a word such as ``n_neighbors`` is not emphasis), so messages stay readable
    as plain text in tests and logs.
    """
    return _MARKDOWN_INLINE.sub(r"\\\1", text)


def route_through_app() -> None:
    """Make sure this page runs inside app.py's frame (navigation, workspace, vector picker).

    Streamlit 1.67 keeps its old multipage mode for any app with a ``pages/`` folder until
    the first ``st.navigation`` call in the process. So when the first request after a
    server start is a deep link (``/predict?workspace=…``), it runs ``pages/predict.py``
    alone: the sidebar lists file names and app.py never runs. Each page calls this first;
    it switches that mode off and reruns, which sends the run through app.py. AppTest
    (which resets the mode on every run) is left as it is.
    """
    from streamlit.runtime import Runtime
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory and type(Runtime._instance) is Runtime:
        PagesManager.uses_pages_directory = False
        st.rerun()

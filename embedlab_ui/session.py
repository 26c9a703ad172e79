"""Per-visitor state: the workspace that keeps one visitor's runs apart from another's."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

import streamlit as st

from embedlab.errors import EmbedLabError
from embedlab.models.runs.catalog import default_runs_dir, workspace_dir
from embedlab_ui.login import IDENTITY_WORKSPACE_PREFIX, identity_workspace
from embedlab_ui.streamlit_internals import leave_old_pages_mode

WORKSPACE_PARAM = "workspace"
WORKSPACE_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")  # matched whole (fullmatch): no "abc\n", no "../x"
_REFUSED_KEY = "workspace.refused_link"  # st.session_state: the invalid name this visitor's link carried
_GUESSABLE_KEY = "workspace.guessable"  # st.session_state: (why the link's name is guessable, a fresh name to offer)
GUESSABLE_LENGTH = 8  # names shorter than this are guessed by trying them all (62**7 is no secret from a script)
# Words people name shared things with; a name made only of these (and digits, '-', '_') is guessed from a list.
COMMON_WORDS = frozenset("""
    test testing tests demo demos example examples sample default public shared share common open everyone all
    class classroom course courses lecture lectures lab labs workshop tutorial seminar school university uni
    team teams group groups student students teacher teachers admin root user users guest guests me mine my our
    ours you we home work main dev prod stage staging temp tmp new old private secret password qwerty hello world
    foo bar baz abc xyz runs run workspace workspaces embedlab project projects data model models ml ai nlp
    sentiment glove keras spring summer autumn fall winter
""".split())


def workspace() -> str:
    """This visitor's workspace name, kept in the URL (``?workspace=…``), with what is wrong with the link said.

    A new visitor gets a fresh random name; the URL is their key to find their runs
    again after a restart. Runs of other workspaces are never listed. A link whose name is
    not valid (1-64 letters, digits, '-' or '_') gets a fresh workspace too, and a warning
    saying so, so the visitor knows their runs are not lost but elsewhere. A valid name that
    anyone could guess (short, or common words) is kept, so old links still work, with a
    warning and a link to a fresh private workspace.

    With login on (``[auth]`` in the secrets, see ``embedlab_ui.login``) the visitor's identity
    decides instead, and the link's name is never opened.

    app.py calls this once per run; everything else asks ``workspace_name()``, which draws nothing.
    """
    name = workspace_name()
    refused = st.session_state.get(_REFUSED_KEY)
    if refused is not None:
        shown = repr(refused[:80]) + ("…" if len(refused) > 80 else "")  # control characters visible, not acted on
        st.warning(literal(f"The workspace in your link, {shown}, is not a valid name (1-64 letters, digits, '-' or "
                           f"'_'; a name starting '{IDENTITY_WORKSPACE_PREFIX}' belongs to a login, which no link "
                           f"opens), so you have a new, empty workspace: {name}. Bookmark "
                           "this page's address to come back to it; if you expected earlier runs, check the link."),
                   icon=":material/link_off:")
    guessable = st.session_state.get(_GUESSABLE_KEY)
    if guessable is not None:
        reason, fresh = guessable
        st.warning(f"The workspace in your link, “{literal(name)}”, {reason}, so anyone "
                   "can guess it and see, rename and delete its runs. The link still works and keeps its runs; "
                   f"for work only you can reach, open [a fresh private workspace](?{WORKSPACE_PARAM}={fresh}) "
                   "and bookmark its address.", icon=":material/lock_open:")
    return name


def workspace_name() -> str:
    """This visitor's workspace name, as ``workspace()`` decides it, without drawing anything.

    Decided once per session (the identity's, with login on) and kept in the page's address.
    """
    signed_in = identity_workspace(WORKSPACE_PARAM)  # login on: the identity's workspace (not logged in: stops)
    if signed_in is not None:
        st.session_state["workspace"] = signed_in
        return signed_in
    if "workspace" not in st.session_state:
        requested = st.query_params.get(WORKSPACE_PARAM, "")
        # A login's workspace (id-…) is opened by its login only, also once login is switched off.
        if valid_workspace_name(requested) and not requested.startswith(IDENTITY_WORKSPACE_PREFIX):
            name = requested
            reason = guessable_workspace_name(name)
            if reason is not None:
                st.session_state[_GUESSABLE_KEY] = (reason, fresh_workspace_name())
        else:
            name = fresh_workspace_name()
            if requested:
                st.session_state[_REFUSED_KEY] = requested
        st.session_state["workspace"] = name
    st.query_params[WORKSPACE_PARAM] = st.session_state["workspace"]
    return st.session_state["workspace"]


def fresh_workspace_name() -> str:
    """A new random workspace name: 12 letters and digits (72 random bits), nobody guesses it."""
    return secrets.token_urlsafe(9).replace("-", "x").replace("_", "y")


def guessable_workspace_name(name: str) -> str | None:
    """Why anyone could guess ``name`` ("is short", …), or None for a name only its owner knows."""
    if len(name) < GUESSABLE_LENGTH:
        return f"is shorter than {GUESSABLE_LENGTH} characters"
    if len(set(name.lower())) <= 3:
        return "repeats a few characters"
    words = re.findall(r"[a-z]+", name.lower())
    if all(word in COMMON_WORDS or len(word) <= 2 for word in words):
        return "is made of common words and numbers"
    return None


def valid_workspace_name(name: str) -> bool:
    """True for 1-64 letters, digits, '-' or '_' and nothing else (a trailing newline included)."""
    if not isinstance(name, str) or WORKSPACE_NAME.fullmatch(name) is None:
        return False
    try:
        workspace_dir(name)  # the runs layer's own rule, too
    except EmbedLabError:
        return False
    return True


def runs_folder() -> Path:
    """Folder of this visitor's runs."""
    return workspace_dir(workspace_name(), default_runs_dir())


def show_error(error: EmbedLabError) -> None:
    """Show a user-fixable problem; never a traceback. Messages quote user input, so shown literally."""
    st.error(literal(str(error)), icon=":material/warning:")


WORD_JOINER = "\u2060"  # zero width, no line break: splits a pattern without changing what a person reads
# Patterns Streamlit's renderer finds in the text after backslash escapes are undone, so escapes cannot stop them:
# ":name" (emoji and :streamlit: shortcodes, :material_x: icons; ":material/" is rewritten in the source), "://" and
# "www." (bare-URL autolinks), "x@y.z" (e-mail autolinks), and " -> ", " -- ", " <= " … (typographic symbols).
_SPLIT = re.compile(r"(?<=:)(?=[\w+/-])|(?<=\bwww)(?=\.)|(?<=[-.\w+])(?=@)|(?<=(?<!\S)[<>~-])(?=[->=]{1,2}(?!\S))",
                    re.IGNORECASE)
# ":" only where it could start a directive; "&" only where it starts a character reference (&amp; &#91;).
_INLINE_MARKS = re.compile(r"[\\`*\[\]<>$~|#]|:(?=\u2060)|&(?=#?\w+;)")
_EDGE_UNDERSCORE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")  # emphasis; an underscore inside a word is not
_LINE_START = re.compile(r"^[ \t]*(?:\d+(?=[.)](?:\s|$))|(?=[-+](?:\s|$)|=+[ \t]*$))", re.MULTILINE)  # lists, "==="


def literal(text: str) -> str:
    """``text`` with Streamlit's Markdown switched off: what a visitor typed shows as typed.

    For every name a visitor chose (a run, an uploaded file, a vector file, a dataset, a column,
    a class) and every message quoting one, wherever Streamlit renders Markdown (markdown,
    captions, alerts, headers, metric and widget labels, radio options, tabs, expanders).
    Streamlit renders no raw HTML there, but links, images, code spans, emphasis, ``:red[…]``
    and other directives, icons, emoji shortcodes, LaTeX, autolinks and line-start marks
    (headings, lists) would act. Their marks are backslash-escaped; what the renderer matches
    after escapes are undone is split by an invisible word joiner (``WORD_JOINER``). A colon
    followed by a space and an underscore inside a word are left alone, so messages stay
    readable as plain text in tests and logs.
    """
    text = _SPLIT.sub(WORD_JOINER, text)
    text = _INLINE_MARKS.sub(lambda mark: "\\" + mark.group(), text)
    text = _EDGE_UNDERSCORE.sub(r"\\_", text)
    return _LINE_START.sub(lambda start: start.group() + "\\", text)  # "1\. ", "\- ", "\+ ", "\==="


def route_through_app() -> None:
    """Make sure this page runs inside app.py's frame (navigation, workspace, vector picker).

    A deep link as a fresh server's first request would run the page alone, outside app.py
    (see ``streamlit_internals``); each page calls this first, and it reruns through app.py.
    """
    if leave_old_pages_mode():
        st.rerun()

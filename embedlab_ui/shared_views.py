"""Streamlit glue shared by the pages whose view lives in the address (Explore, Analogies).

``apply_address`` reads a page's settings from the address once per address, ``publish`` writes
them back on every run (so the address is always the view), and ``share_popover`` draws "Copy link
to this view": the address with the workspace (the owner's own link), and a read-only link without
it whose vectors are a content-addressed snapshot (``embedlab_ui.view_snapshots``). The pure
encoding and its checks are in ``embedlab_ui.view_params``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode

import streamlit as st

from embedlab.errors import EmbedLabError
from embedlab.vectors.word_vectors import WordVectors
from embedlab_ui.session import WORKSPACE_PARAM, literal, show_error
from embedlab_ui.view_params import Param, Token, decode_view, encode_view
from embedlab_ui.view_snapshots import load_snapshot, save_snapshot

BUILTIN = "builtin"  # a read-only link to the built-in GloVe needs no snapshot: every server has it
SHARED = Token("shared", r"[0-9a-f]{32}|" + BUILTIN, "a shared map's name (32 hexadecimal digits)")


@st.cache_resource(max_entries=8, show_spinner="Reading the shared view's vectors…")
def _snapshot(fingerprint: str) -> WordVectors:
    """A snapshot, read once per server: read-only, and named by its content's hash."""
    return load_snapshot(fingerprint)


def address_view(table: Mapping[str, Param]) -> dict[str, str]:
    """The address's query parameters that this table (or the shared-view name) knows."""
    names = {param.name for param in table.values()} | {SHARED.name}
    return {name: value for name, value in st.query_params.to_dict().items() if name in names}


def apply_address(page: str, table: Mapping[str, Param], check: Callable[[dict], list[str]] | None = None) -> bool:
    """Put an address's settings into the page's widget keys, once per address; True when it did.

    Call before the widgets are drawn. A link's values that are garbled or out of range are left
    out with a note (shown by ``show_notes``); ``check`` may drop more (a run this workspace does not
    have) and return notes of its own. The address this session itself wrote is not applied again.
    """
    current = address_view(table)
    if not current or current == st.session_state.get(f"{page}.view_link.written"):
        return False
    if current == st.session_state.get(f"{page}.view_link.applied"):
        return False
    values, notes = decode_view(current, table)
    if check is not None:
        notes += check(values)
    for key, value in values.items():
        st.session_state[key] = value
    shared = current.get(SHARED.name)
    if shared is not None:
        try:
            st.session_state[f"{page}.shared"] = SHARED.decode(shared)
        except ValueError as error:
            notes.append(f"The link's shared map is not {error}; your own sources are shown instead.")
    st.session_state[f"{page}.view_link.applied"] = current
    st.session_state[f"{page}.view_link.notes"] = notes
    return True


def show_notes(page: str) -> None:
    """What was wrong in the link that opened this view, until the visitor changes the view."""
    for note in st.session_state.get(f"{page}.view_link.notes", []):
        st.warning(literal(note), icon=":material/link_off:")


def publish(page: str, table: Mapping[str, Param], defaults: Mapping[str, Any]) -> dict[str, str]:
    """Write the page's current settings into the address (those at their defaults left out); what was written."""
    values = {key: st.session_state[key] for key in table if key in st.session_state}
    written = encode_view(values, table, defaults)
    shared = st.session_state.get(f"{page}.shared")
    if shared is not None:
        written[SHARED.name] = shared
    if written != st.session_state.get(f"{page}.view_link.applied"):
        st.session_state.pop(f"{page}.view_link.notes", None)  # the view changed since the link opened it
    stale = [name for name in address_view(table) if name not in written]
    for name in stale:
        del st.query_params[name]
    changed = {name: text for name, text in written.items() if st.query_params.get(name) != text}
    if changed:
        st.query_params.update(changed)
    st.session_state[f"{page}.view_link.written"] = written
    return written


def shared_vectors(page: str) -> WordVectors | None:
    """The vectors a read-only link named (a snapshot, or the built-in GloVe), or None (a message if unreadable)."""
    shared = st.session_state.get(f"{page}.shared")
    if shared is None:
        return None
    try:
        if shared == BUILTIN:
            from embedlab_ui.vectors import default_vectors

            return default_vectors()
        return _snapshot(shared)
    except EmbedLabError as error:
        show_error(error)
        st.session_state.pop(f"{page}.shared", None)
        return None


def shared_banner(page: str, vectors: WordVectors) -> None:
    """Say that this is someone's read-only view, with a button back to the visitor's own sources."""
    left, right = st.columns([3, 1], vertical_alignment="center")
    left.info(f"A read-only view someone shared: {literal(vectors.name)}, {len(vectors):,} words. Your own "
              "workspace's runs are not shown here, and nothing here changes theirs.", icon=":material/visibility:")
    if right.button("Use my own sources", key=f"{page}.leave_shared", icon=":material/logout:"):
        st.session_state.pop(f"{page}.shared", None)
        st.rerun()


def page_link(params: Mapping[str, str]) -> str:
    """This page's absolute address with ``params`` as its query."""
    base = (st.context.url or "").split("?", 1)[0].split("#", 1)[0]
    return f"{base}?{urlencode(params)}" if params else base


def share_popover(page: str, written: Mapping[str, str], source: WordVectors | None, run_keys=()) -> None:
    """The sidebar's "Copy link to this view": with the workspace, or read-only without it."""
    with st.sidebar.popover("Copy link to this view", icon=":material/link:", width="stretch"):
        st.caption("**With your workspace** (for you, or someone you trust with your runs):")
        st.code(page_link({WORKSPACE_PARAM: st.session_state.get("workspace", ""), **written}), language=None,
                wrap_lines=True)
        st.caption("**Read-only, without your workspace** (for a class): the same view of a snapshot of the "
                   "vectors; your runs and their Delete buttons stay yours.")
        if source is None:
            st.caption("A read-only link is made from a view of one source (Map, or Axes from words).")
            return
        made = st.session_state.get(f"{page}.read_only_link", {}).get(source.fingerprint)  # per source: no stale link
        if made is None and st.button("Make a read-only link", key=f"{page}.make_read_only", icon=":material/share:"):
            try:
                made = BUILTIN if _is_builtin(source) else save_snapshot(source)
            except EmbedLabError as error:
                show_error(error)
                return
            st.session_state.setdefault(f"{page}.read_only_link", {})[source.fingerprint] = made
        if made is not None:
            kept = {name: text for name, text in written.items() if name not in run_keys}
            st.code(page_link({**kept, SHARED.name: made}), language=None, wrap_lines=True)


def _is_builtin(vectors: WordVectors) -> bool:
    from embedlab_ui.vectors import default_vectors

    return vectors.fingerprint == default_vectors().fingerprint

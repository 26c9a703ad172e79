"""An upload parsed once per visitor, its refusal remembered too; every session's uploads within one budget.

Streamlit runs a page again on every click and keystroke, and the uploader hands back the
same file each time. Parsing it again each time would repeat a slow read (a labelled table,
a Keras model) and show a refused file's error again only after redoing the work. Here the
result, or the EmbedLabError that refused the file, is kept in the visitor's session under
the file's content (its sha256) and name: the same bytes under the same name are parsed once.
The raw bytes are not kept: only what the parse made of them.

What sessions keep of uploads is bounded across sessions: every upload a session holds (a
parsed table, the dataset made from it, a model, a vector set) counts its file's size against
one server-wide budget (``EMBEDLAB_UPLOADS_MB``), and a file that does not fit is refused
before it is read, saying how much other visitors hold. A session's share is freed when it drops
the upload, when Streamlit drops the session (Streamlit has no end-of-session hook: a token
kept in the session's state is watched with a weak reference), or at the latest
``IDLE_SECONDS`` after the session last ran.
"""

from __future__ import annotations

import hashlib
import itertools
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st

from embedlab.errors import EmbedLabError
from embedlab_ui.session import literal
from embedlab.settings import megabytes_setting

UPLOADS_MB_ENV = "EMBEDLAB_UPLOADS_MB"
DEFAULT_UPLOADS_MB = 1000
IDLE_SECONDS = 2 * 3600  # a session that has not run for this long no longer counts (its tab is long closed)
_HOLDER_KEY = "uploads.holder"  # st.session_state: this session's _Holder


class _Holder:
    """A token in one session's state: when Streamlit drops the session, it goes, and its uploads' share too."""

    __slots__ = ("number", "__weakref__")

    def __init__(self, number: int) -> None:
        self.number = number


_LOCK = threading.Lock()
_NUMBERS = itertools.count(1)
_SHARES: dict[int, dict[str, tuple[str, int]]] = {}  # holder number → {slot: (upload id, bytes)}
_LAST_RUN: dict[int, float] = {}  # holder number → when its session last ran (time.monotonic)


def uploads_budget() -> int:
    """The bytes of uploads all sessions together may hold (``EMBEDLAB_UPLOADS_MB``, in megabytes)."""
    return megabytes_setting(UPLOADS_MB_ENV, DEFAULT_UPLOADS_MB, "uploads are refused")


def _megabytes(size: int) -> str:
    return f"{size / 1e6:.1f} MB" if size < 9_950_000 else f"{size / 1e6:,.0f} MB"


def _held(shares: dict[str, tuple[str, int]]) -> int:
    """Bytes of the distinct uploads in ``shares``: a table and the dataset made from it are one upload."""
    return sum(dict(shares.values()).values())


def _holder() -> _Holder:
    holder = st.session_state.get(_HOLDER_KEY)
    if not isinstance(holder, _Holder):
        holder = _Holder(next(_NUMBERS))
        st.session_state[_HOLDER_KEY] = holder
        weakref.finalize(holder, _forget, holder.number)
    with _LOCK:
        _LAST_RUN[holder.number] = time.monotonic()
    return holder


def _forget(number: int) -> None:
    with _LOCK:
        _SHARES.pop(number, None)
        _LAST_RUN.pop(number, None)


def session_ran() -> None:
    """Call on every run of the app: a session still running keeps its share past ``IDLE_SECONDS``."""
    if _HOLDER_KEY in st.session_state:
        _holder()


def hold(slot: str, upload_id: str, size: int, name: str) -> None:
    """Count upload ``upload_id`` (the uploader's file id; ``size`` bytes) as kept by this session under ``slot``.

    One slot per place that keeps an upload: what several slots keep of one upload counts once.
    EmbedLabError, with nothing counted, when the server's budget has no room for it: what the
    other visitors hold, and to try a smaller file or again later.
    """
    number, budget = _holder().number, uploads_budget()
    now = time.monotonic()
    with _LOCK:
        for idle in [other for other, ran in _LAST_RUN.items() if now - ran > IDLE_SECONDS]:
            _SHARES.pop(idle, None)
            _LAST_RUN.pop(idle, None)
        mine = {**_SHARES.get(number, {}), slot: (upload_id, size)}
        others = sum(_held(shares) for other, shares in _SHARES.items() if other != number)
        if others + _held(mine) > budget:
            own = _held({key: value for key, value in mine.items() if value[0] != upload_id})
            yours = f" and {_megabytes(own)} of yours" if own else ""
            raise EmbedLabError(
                f"{name} ({_megabytes(size)}) cannot be kept now: the server holds {_megabytes(others)} of uploads "
                f"from other visitors{yours} and keeps at most {_megabytes(budget).replace('.0 MB', ' MB')} of "
                "uploads for everyone; try a smaller file or again in a few minutes")
        _SHARES[number] = mine


def release(slot: str) -> None:
    """This session no longer keeps the upload it held under ``slot``."""
    holder = st.session_state.get(_HOLDER_KEY)
    if isinstance(holder, _Holder):
        with _LOCK:
            _SHARES.get(holder.number, {}).pop(slot, None)


def held_bytes() -> int:
    """Bytes of uploads all sessions hold now, as counted against the budget."""
    with _LOCK:
        return sum(_held(shares) for shares in _SHARES.values())


@dataclass(frozen=True)
class ParsedUpload:
    """What one upload gave, and which file it was."""

    sha256: str
    name: str  # the parse quotes it (a table's name, a model's, an error message), so it is part of the identity
    result: Any  # what the parse returned, or the EmbedLabError it raised
    file_id: str  # Streamlit's id of this upload: the same id holds the same bytes, so they are not hashed again


def parsed_upload(upload, key: str, parse: Callable[[bytes, str], Any],
                  doing: str = "Reading") -> tuple[str, Any] | None:
    """``(sha256, parse(bytes, name))`` for the file in ``upload``, parsed once per content and name.

    ``key`` is the session-state entry that keeps it (one per uploader, and its slot in the
    uploads budget); no upload (None) clears it and returns None. A refusal is raised again on
    every run without parsing again. A file the budget has no room for is refused before it is
    read (asked again on every run: room may have come). The spinner says ``doing`` and the
    file's name while the parse runs.
    """
    if upload is None:
        st.session_state[key] = None
        release(key)
        return None
    stored = st.session_state.get(key)
    if stored is None or stored.file_id != upload.file_id:
        try:
            hold(key, upload.file_id, upload.size, upload.name)
        except EmbedLabError:
            st.session_state[key] = None  # the file it replaces is of no use now: its memory goes too
            release(key)
            raise
        data = upload.getvalue()  # the uploader's own buffer, not a copy; dropped once parsed
        digest = hashlib.sha256(data).hexdigest()
        if stored is None or (stored.sha256, stored.name) != (digest, upload.name):
            try:
                with st.spinner(f"{doing} {literal(upload.name)}…"):
                    result = parse(data, upload.name)
            except EmbedLabError as error:
                result = error
        else:
            result = stored.result  # the same file uploaded again
        del data
        stored = ParsedUpload(digest, upload.name, result, upload.file_id)
        st.session_state[key] = stored
        if isinstance(result, EmbedLabError):
            release(key)  # a refusal keeps nothing of the file
    if isinstance(stored.result, EmbedLabError):
        raise stored.result
    return stored.sha256, stored.result

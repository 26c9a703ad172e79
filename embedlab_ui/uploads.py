"""An upload parsed once per visitor, its refusal remembered too.

Streamlit runs a page again on every click and keystroke, and the uploader hands back the
same file each time. Parsing it again each time would repeat a slow read (a labelled table,
a Keras model) and show a refused file's error again only after redoing the work. Here the
result, or the EmbedLabError that refused the file, is kept in the visitor's session under
the file's content (its sha256) and name: the same bytes under the same name are parsed once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st

from embedlab.errors import EmbedLabError
from embedlab_ui.session import literal


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

    ``key`` is the session-state entry that keeps it (one per uploader); no upload (None)
    clears it and returns None. A refusal is raised again on every run without parsing again.
    The spinner says ``doing`` and the file's name while the parse runs.
    """
    if upload is None:
        st.session_state[key] = None
        return None
    stored = st.session_state.get(key)
    if stored is None or stored.file_id != upload.file_id:
        data = upload.getvalue()
        digest = hashlib.sha256(data).hexdigest()
        if stored is None or (stored.sha256, stored.name) != (digest, upload.name):
            try:
                with st.spinner(f"{doing} {literal(upload.name)}…"):
                    result = parse(data, upload.name)
            except EmbedLabError as error:
                result = error
        else:
            result = stored.result  # the same file uploaded again
        stored = ParsedUpload(digest, upload.name, result, upload.file_id)
        st.session_state[key] = stored
    if isinstance(stored.result, EmbedLabError):
        raise stored.result
    return stored.sha256, stored.result

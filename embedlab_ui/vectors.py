"""The shared vector source: cached loading, and the sidebar picker every page shows.

Vector sets loaded from the server's files are read-only and shared by every visitor
(``st.cache_resource``), keyed by a file's (path, size, mtime_ns). An uploaded set is read
once, its bytes not kept, and stays in the visitor's session (counted in the server's uploads
budget, ``embedlab_ui.uploads``), so it goes when the session does. Which set a visitor
picked lives in their ``st.session_state`` only, so visitors never change each other's.
"""

from __future__ import annotations

import hashlib

import streamlit as st

from embedlab.errors import EmbedLabError
from embedlab.vectors.io import load_default_vectors, load_vector_file, load_vectors_from_bytes, projector_metadata_path
from embedlab.vectors.server_files import VECTORS_DIR_ENV, check_inside, list_server_files, resolve_server_file
from embedlab.vectors.word_vectors import WordVectors
from embedlab_ui.session import literal, show_error
from embedlab_ui.uploads import hold, release

CHOICE_KEY = "vectors.choice"  # st.session_state: this visitor's loaded choice (a small dict, see _picked_choice)
UPLOAD_SLOT = "vectors.upload"  # the file in the sidebar's uploader, in the uploads budget (the choice: CHOICE_KEY)
BUILT_IN, SERVER_FILE, UPLOAD = "GloVe 6B 50d (built in)", "File on the server", "Upload a small file"
UPLOAD_LIMIT_MB = 50  # a bigger file belongs on the server, loaded by path
UPLOAD_UNPACKED_MB = 4 * UPLOAD_LIMIT_MB  # what an upload may unpack to (gzip), and its matrix: bounded per visitor


@st.cache_resource(show_spinner="Loading GloVe 6B 50d…")
def default_vectors() -> WordVectors:
    """GloVe 6B 50d, loaded once per server and shared read-only by every visitor."""
    return load_default_vectors()


@st.cache_resource(show_spinner="Loading the vector file…", max_entries=8)
def _file_vectors(path: str, size: int, mtime_ns: int) -> WordVectors:
    """A vector file, loaded once per (path, size, mtime_ns): a changed file loads again."""
    return load_vector_file(path)


def _load(choice: dict | None) -> WordVectors:
    if choice is None or choice["kind"] == "default":
        return default_vectors()
    if choice["kind"] == "path":
        path = resolve_server_file(choice["path"])  # checked again: the file or a link in its path may have changed
        metadata = projector_metadata_path(path)
        if metadata is not None:
            check_inside(metadata, path.parent)
        stat = path.stat()
        return _file_vectors(str(path), stat.st_size, stat.st_mtime_ns)
    return choice["vectors"]  # an upload: read once when it was picked (``_upload_choice``)


def current_vectors() -> WordVectors:
    """The vector set this visitor picked in the sidebar (GloVe 6B 50d until they pick another)."""
    try:
        return _load(st.session_state.get(CHOICE_KEY))
    except EmbedLabError:
        return default_vectors()  # the picked file went away; the sidebar says so on its next run


def vector_source_sidebar() -> WordVectors:
    """The sidebar picker: built-in GloVe, a file on the server, or a small upload. Returns the visitor's set."""
    with st.sidebar:
        st.subheader("Word vectors")
        source = st.radio("Vector source", (BUILT_IN, SERVER_FILE, UPLOAD), key="vectors.source",
                          help="Every page uses the vectors picked here. Only you see your choice.")
        try:
            choice = _picked_choice(source)
            if choice is not None:
                _load(choice)  # fails here, with the reason, before it replaces a working choice
                _keep(choice)
        except EmbedLabError as error:
            show_error(error)
            previous = st.session_state.get(CHOICE_KEY)
            try:
                _load(previous)
                if previous is not None and previous["kind"] != "default":
                    st.caption("Still using the vectors picked before.")
            except EmbedLabError:  # the earlier pick is gone too (a deleted file)
                _keep({"kind": "default"})
                st.caption("Using the built-in GloVe instead.")
        vectors = current_vectors()
        st.caption(f"**{literal(vectors.name)}** · {len(vectors):,} words · {vectors.dim} dimensions")
        for note in vectors.notes:  # e.g. rows left out of the file for NaN or infinite numbers
            st.warning(literal(note), icon=":material/info:")
    return vectors


def _picked_choice(source: str) -> dict | None:
    """What the widgets ask for now, or None while they ask for nothing new (an empty path box)."""
    if source != UPLOAD:
        release(UPLOAD_SLOT)  # the uploader is not drawn: its file is not this visitor's to keep
    if source == BUILT_IN:
        return {"kind": "default"}
    if source == SERVER_FILE:
        return _server_choice()
    return _upload_choice()


def _keep(choice: dict) -> None:
    """Make ``choice`` this visitor's vectors; an uploaded set counts in the uploads budget while it is theirs."""
    if choice["kind"] == "upload":
        hold(CHOICE_KEY, choice["file_id"], choice["size"], choice["filename"])
    else:
        release(CHOICE_KEY)
    st.session_state[CHOICE_KEY] = choice


def _server_choice() -> dict | None:
    """A file from the server's allowed vector sources only (``embedlab.vectors.server_files``)."""
    files = list_server_files()
    listed = st.selectbox("Vector file", files, index=None, key="vectors.server_file",
                          placeholder="Pick a file" if files else "No vector files on this server",
                          help="Sample files written by gensim and fastText, and the files the admin put in "
                               f"the server's vectors folder ({VECTORS_DIR_ENV}) or the cache's vectors folder. "
                               "Parsed once, then cached.")
    typed = st.text_input("…or type a path inside those folders", key="vectors.server_path",
                          help="Like the list's entries (vectors/sub/file.txt) or relative to a folder; "
                               "paths outside the folders are refused.")
    if typed.strip():
        return {"kind": "path", "path": str(resolve_server_file(typed))}
    if listed:
        return {"kind": "path", "path": str(resolve_server_file(listed))}
    return None


def _upload_choice() -> dict | None:
    limit = min(UPLOAD_LIMIT_MB, int(st.get_option("server.maxUploadSize")))
    upload = st.file_uploader(f"Vector file (up to {limit} MB)", key="vectors.upload", max_upload_size=limit,
                              help="GloVe or word2vec text, or word2vec binary. Bigger files: ask for them "
                                   "to be put on the server and pick them as a file on the server.")
    if upload is None:
        release(UPLOAD_SLOT)
        return None
    current = st.session_state.get(CHOICE_KEY) or {}
    if current.get("file_id") == upload.file_id:
        return current  # read already: not again on every rerun
    if upload.size > limit * 1_000_000:
        raise EmbedLabError(f"{upload.name} is {upload.size / 1e6:.0f} MB; uploads are limited to {limit} MB — "
                            "put big files on the server and pick them as a file on the server")
    hold(UPLOAD_SLOT, upload.file_id, upload.size, upload.name)  # refused here, unread, when there is no room
    try:
        return uploaded_choice(upload.getvalue(), upload.name, upload.file_id)
    except EmbedLabError:
        release(UPLOAD_SLOT)
        raise


def uploaded_choice(data: bytes, filename: str, file_id: str) -> dict:
    """The choice of an uploaded vector file: the set read from ``data`` (the bytes are not kept)."""
    with st.spinner(f"Reading {literal(filename)}…"):
        vectors = load_vectors_from_bytes(data, filename, max_bytes=UPLOAD_UNPACKED_MB * 1_000_000)
    return {"kind": "upload", "sha256": hashlib.sha256(data).hexdigest(), "filename": filename, "file_id": file_id,
            "size": len(data), "vectors": vectors}

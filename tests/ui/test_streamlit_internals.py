"""The private Streamlit names EmbedLab relies on are still there: an upgrade that moves them fails here, by name.

(That they still do their work is checked where they are used: the deep-link browser test and the
sidebar tests of tests/apptest/test_vector_picker.py, which need AppTest to run app.py.)
"""

from __future__ import annotations

import gc

import pytest

from embedlab_ui.streamlit_internals import (clean_up_as_after_a_run, leave_old_pages_mode, missing_internals,
                                            skip_keras_collection_after_runs, websocket_message_kind)


def test_every_private_name_embedlab_uses_is_still_there():
    assert missing_internals() == []


def test_outside_a_real_server_the_old_pages_mode_is_left_alone():
    assert leave_old_pages_mode() is False  # no server runtime in a test process: nothing to switch
    assert leave_old_pages_mode() is False


@pytest.fixture
def collections(monkeypatch):
    """Counts calls of gc.collect (the call stays a no-op: only whether it happens matters)."""
    calls = []
    monkeypatch.setattr(gc, "collect", lambda *generation: calls.append(generation) or 0)
    return calls


def test_after_a_script_run_keras_is_reset_without_a_full_garbage_collection(collections):
    import keras

    skip_keras_collection_after_runs(False)
    clean_up_as_after_a_run()
    assert collections, "Streamlit's own clean-up collects through keras.backend.clear_session()"
    collections.clear()
    try:
        skip_keras_collection_after_runs()
        keras.layers.Dense(2)
        clean_up_as_after_a_run()
        assert collections == []
        assert keras.layers.Dense(2).name == "dense"  # the layer-name counter was still reset, as Streamlit wants
    finally:
        skip_keras_collection_after_runs(False)


def test_what_is_not_a_streamlit_websocket_message_has_no_kind():
    assert websocket_message_kind("a text frame", from_browser=True) is None
    assert websocket_message_kind(b"\xff\xff\xff", from_browser=False) is None

"""The private Streamlit names EmbedLab relies on are still there: an upgrade that moves them fails here, by name.

(That they still do their work is checked where they are used: the deep-link browser test and the
sidebar tests of tests/apptest/test_vector_picker.py, which need AppTest to run app.py.)
"""

from __future__ import annotations

from embedlab_ui.streamlit_internals import leave_old_pages_mode, missing_internals


def test_every_private_name_embedlab_uses_is_still_there():
    assert missing_internals() == []


def test_outside_a_real_server_the_old_pages_mode_is_left_alone():
    assert leave_old_pages_mode() is False  # no server runtime in a test process: nothing to switch
    assert leave_old_pages_mode() is False

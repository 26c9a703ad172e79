"""``embedlab_ui.uploads``: one parse per file content and name, refusals remembered; one budget for all sessions."""

from __future__ import annotations

import contextlib
import gc
import hashlib
from types import SimpleNamespace

import pytest

from embedlab.errors import EmbedLabError
from embedlab_ui import uploads


@pytest.fixture
def session(monkeypatch):
    state = {}
    monkeypatch.setattr(uploads, "st", SimpleNamespace(session_state=state, spinner=contextlib.nullcontext))
    return state


@pytest.fixture
def sessions(monkeypatch):
    """Switch between fake visitors' session states: ``sessions("a")`` makes visitor a the one running."""
    states, fake = {}, SimpleNamespace(session_state={}, spinner=contextlib.nullcontext)
    monkeypatch.setattr(uploads, "st", fake)
    monkeypatch.setenv(uploads.UPLOADS_MB_ENV, "1")
    gc.collect()

    def visit(name: str) -> dict:
        fake.session_state = states.setdefault(name, {})
        return fake.session_state

    visit.states = states
    return visit


def upload(name: str, data: bytes, file_id: str):
    return SimpleNamespace(name=name, file_id=file_id, size=len(data), getvalue=lambda: data)


def counting_parse(calls: list):
    def parse(data: bytes, name: str):
        calls.append(name)
        if data.startswith(b"bad"):
            raise EmbedLabError(f"{name} is refused")
        return data.upper()
    return parse


def test_a_file_is_parsed_once_whatever_its_upload_id(session):
    calls = []
    parse = counting_parse(calls)
    first = uploads.parsed_upload(upload("a.csv", b"text", "id-1"), "page.table", parse)
    assert first == (hashlib.sha256(b"text").hexdigest(), b"TEXT")
    assert uploads.parsed_upload(upload("a.csv", b"text", "id-1"), "page.table", parse) == first  # a rerun
    assert uploads.parsed_upload(upload("a.csv", b"text", "id-2"), "page.table", parse) == first  # uploaded again
    assert calls == ["a.csv"]
    uploads.parsed_upload(upload("a.csv", b"other", "id-3"), "page.table", parse)  # same name, other content
    uploads.parsed_upload(upload("b.csv", b"other", "id-4"), "page.table", parse)  # same content, other name
    assert calls == ["a.csv", "a.csv", "b.csv"]


def test_a_refusal_is_raised_again_without_parsing_again_and_no_upload_forgets(session):
    calls = []
    parse = counting_parse(calls)
    for _ in range(2):
        with pytest.raises(EmbedLabError, match="bad.csv is refused"):
            uploads.parsed_upload(upload("bad.csv", b"bad bytes", "id-1"), "page.table", parse)
    assert calls == ["bad.csv"]
    assert uploads.parsed_upload(None, "page.table", parse) is None and session["page.table"] is None


def test_sessions_share_one_budget_and_a_session_counts_one_upload_once(sessions):
    sessions("a")
    uploads.hold("data.table", "file-a", 600_000, "a.csv")
    uploads.hold("dataset", "file-a", 600_000, "a.csv")  # the dataset made from that table: the same upload
    assert uploads.held_bytes() == 600_000
    sessions("b")
    with pytest.raises(EmbedLabError, match=r"b.csv \(0.6 MB\) cannot be kept now: the server holds 0.6 MB of uploads "
                                            r"from other visitors and keeps at most 1 MB"):
        uploads.hold("data.table", "file-b", 600_000, "b.csv")
    assert uploads.held_bytes() == 600_000  # nothing counted for a refusal
    sessions("a")
    uploads.release("data.table")
    assert uploads.held_bytes() == 600_000  # the dataset still holds it
    uploads.release("dataset")
    sessions("b")
    uploads.hold("data.table", "file-b", 600_000, "b.csv")
    assert uploads.held_bytes() == 600_000


def test_a_sessions_share_goes_with_the_session(sessions):
    sessions("a")
    uploads.hold("data.table", "file-a", 900_000, "a.csv")
    assert uploads.held_bytes() == 900_000
    sessions("b")
    del sessions.states["a"]  # Streamlit dropped the session: its state, and the token in it, go
    gc.collect()
    assert uploads.held_bytes() == 0


def test_a_session_that_stopped_running_stops_counting(sessions, monkeypatch):
    sessions("a")
    uploads.hold("data.table", "file-a", 900_000, "a.csv")
    later = uploads.time.monotonic() + uploads.IDLE_SECONDS + 1
    monkeypatch.setattr(uploads.time, "monotonic", lambda: later)
    sessions("b")
    uploads.hold("data.table", "file-b", 900_000, "b.csv")  # a's share expired
    assert uploads.held_bytes() == 900_000


def test_a_file_refused_for_room_is_not_read_and_frees_the_one_it_replaces(sessions):
    calls = []
    sessions("a")
    uploads.hold("other", "file-x", 700_000, "x.csv")
    state = sessions("b")
    assert uploads.parsed_upload(upload("small.csv", b"s" * 100_000, "id-1"), "page.table", counting_parse(calls))
    with pytest.raises(EmbedLabError, match="cannot be kept now"):
        uploads.parsed_upload(upload("big.csv", b"b" * 400_000, "id-2"), "page.table", counting_parse(calls))
    assert calls == ["small.csv"] and state["page.table"] is None
    assert uploads.held_bytes() == 700_000


@pytest.mark.parametrize("setting", ["lots", "-5", "nan", "inf"])
def test_a_bad_setting_is_a_message_naming_it(sessions, monkeypatch, setting):
    monkeypatch.setenv(uploads.UPLOADS_MB_ENV, setting)
    sessions("a")
    with pytest.raises(EmbedLabError, match=f"EMBEDLAB_UPLOADS_MB is '{setting}', not a number of megabytes"):
        uploads.hold("data.table", "file-a", 1, "a.csv")

"""``embedlab_ui.uploads.parsed_upload``: one parse per file content and name, refusals remembered."""

from __future__ import annotations

import contextlib
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


def upload(name: str, data: bytes, file_id: str):
    return SimpleNamespace(name=name, file_id=file_id, getvalue=lambda: data)


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

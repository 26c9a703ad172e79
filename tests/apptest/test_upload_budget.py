"""Uploads are bounded across sessions (AppTest): one server-wide budget, ``EMBEDLAB_UPLOADS_MB``.

Before: every visitor's upload stayed in their session as raw bytes, a parsed table and a
dataset, with nothing bounding the total: a 150 MB CSV took the server from 1.1 GB to a 2.4 GB
peak, and 1.47 GB stayed after the browser closed. Two AppTest sessions of one process share
the server's budget as two visitors do; here it is 1 MB and each file 0.6 MB.
"""

from __future__ import annotations

import gc

import pytest
from streamlit.testing.v1 import AppTest

from embedlab_ui.datasets import builtin

PAGE = "pages/data.py"


def csv_bytes(marker: str, size: int = 600_000) -> bytes:
    """A labelled CSV of ``size`` bytes whose rows differ by ``marker`` (so two files differ in content)."""
    header, rows = b"review,sentiment\n", []
    line = 0
    while len(header) + sum(map(len, rows)) < size:
        label = "positive" if line % 2 else "negative"
        rows.append(f"{marker} review number {line} of a {'fine' if line % 2 else 'dull'} film,{label}\n".encode())
        line += 1
    return (header + b"".join(rows))[:size].rsplit(b"\n", 1)[0] + b"\n"


@pytest.fixture(autouse=True)
def one_megabyte(monkeypatch, tmp_path):
    monkeypatch.setenv("EMBEDLAB_UPLOADS_MB", "1")
    monkeypatch.setenv("EMBEDLAB_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("EMBEDLAB_RUNS_DIR", str(tmp_path / "runs"))  # where a used upload is kept
    monkeypatch.setenv("PIP_INDEX_URL", "http://127.0.0.1:9/")
    builtin.clear()
    gc.collect()  # sessions of earlier tests are gone, and with them their share of the budget
    yield
    builtin.clear()


def _visitor(project_root, workspace: str) -> AppTest:
    at = AppTest.from_file(str(project_root / PAGE), default_timeout=90)
    at.session_state["workspace"] = workspace
    return at.run()


def _upload(at: AppTest, name: str, content: bytes) -> AppTest:
    return at.file_uploader(key="data.upload").set_value((name, content, "text/csv")).run()


def _parsed(at: AppTest) -> bool:
    return any(markdown.value.startswith("**Detected:**") for markdown in at.markdown)


def _errors(at: AppTest) -> str:
    return "\n".join(error.value for error in at.error)


def test_a_second_visitors_upload_waits_until_the_first_drops_theirs(project_root):
    first, second = _visitor(project_root, "budgetfirst1"), _visitor(project_root, "budgetsecond2")
    _upload(first, "first.csv", csv_bytes("first"))
    assert not first.exception and not first.error and _parsed(first)

    _upload(second, "second.csv", csv_bytes("second"))
    assert not second.exception and not _parsed(second)  # refused before it was read
    message = _errors(second)
    assert "second.csv (0.6 MB) cannot be kept now" in message
    assert "the server holds 0.6 MB of uploads from other visitors" in message and "at most 1 MB" in message
    assert "try a smaller file or again in a few minutes" in message

    # The table and the dataset made from it are one upload: using it costs nothing more.
    first.button(key="data.use").click().run()
    assert not first.error and "Now using first.csv" in first.success[0].value
    first.file_uploader(key="data.upload").clear().run()  # the dataset still holds the rows
    assert not _parsed(second.run()) and "cannot be kept now" in _errors(second)

    first.radio(key="data.builtin").set_value("pang-lee-200").run()
    first.button(key="data.load").click().run()  # a built-in dataset: nobody's upload
    second.run()
    assert not second.error and _parsed(second)


def test_a_closed_session_frees_its_share(project_root):
    first, second = _visitor(project_root, "budgetclosing1"), _visitor(project_root, "budgetwaiting2")
    _upload(first, "first.csv", csv_bytes("first"))
    _upload(second, "second.csv", csv_bytes("second"))
    assert "cannot be kept now" in _errors(second)
    del first  # the visitor closed the tab, and Streamlit dropped the session
    gc.collect()
    second.run()
    assert not second.error and _parsed(second)


def test_one_file_over_the_whole_budget_says_so(project_root):
    at = _upload(_visitor(project_root, "budgetlarge1"), "large.csv", csv_bytes("large", 1_200_000))
    assert "large.csv (1.2 MB) cannot be kept now" in _errors(at) and not _parsed(at)
    assert "at most 1 MB" in _errors(at)


def vector_file(words: int = 2_500, dims: int = 28) -> bytes:
    import numpy as np

    values = np.random.default_rng(0).normal(size=(words, dims))
    return "".join(f"word{i} {' '.join(f'{v:.5f}' for v in row)}\n" for i, row in enumerate(values)).encode()


def test_uploaded_vectors_count_and_their_bytes_are_not_kept(project_root, tmp_path, monkeypatch):
    from embedlab_ui.streamlit_internals import apptest_runs_app_py
    from embedlab_ui.vectors import CHOICE_KEY, UPLOAD

    monkeypatch.setenv("EMBEDLAB_RUNS_DIR", str(tmp_path / "runs"))
    data = vector_file()
    assert 600_000 < len(data) < 1_000_000
    with apptest_runs_app_py():  # the sidebar's picker lives in app.py
        first = AppTest.from_file(str(project_root / "app.py"), default_timeout=90)
        first.query_params["workspace"] = "budgetvectors1"
        first.run()
        first.sidebar.radio(key="vectors.source").set_value(UPLOAD).run()
        first.sidebar.file_uploader(key="vectors.upload").set_value(("mine.txt", data, "text/plain")).run()
        assert not first.exception and not first.sidebar.error
        choice = first.session_state[CHOICE_KEY]
        assert choice["kind"] == "upload" and len(choice["vectors"]) == 2_500
        assert not [value for value in choice.values() if isinstance(value, bytes)]  # parsed once, bytes dropped
    second = _upload(_visitor(project_root, "budgetvectors2"), "second.csv", csv_bytes("second"))
    assert "the server holds 0.6 MB of uploads from other visitors" in _errors(second)

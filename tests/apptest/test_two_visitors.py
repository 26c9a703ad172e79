"""Two visitors, two different vector files with the same name, size and word count: each sees their own numbers.

Both AppTest sessions run in this one process, so they share ``st.cache_data`` as two
visitors of one server do. The files are real GloVe rows (3,000 words each, a different
choice of words) padded to the same number of bytes and given the same modification time,
so only their content tells them apart. A cache keyed by the file's name, or by
(name, number of words), would hand the second visitor the first visitor's coverage
and benchmark scores; these tests catch that.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from embedlab.data.builtins import DEFAULT_DATASET, builtin_dataset
from embedlab.data.stats import glove_coverage
from embedlab.vectors.benchmarks import evaluate_similarity_sets, evaluate_word_analogies
from embedlab.vectors.io import load_vector_file
from embedlab_ui.streamlit_internals import apptest_runs_app_py
from embedlab_ui.vectors import SERVER_FILE

WORDS = 3_000
FILES = ("first/vec.txt", "second/vec.txt")
RESTRICT_VOCAB = 300_000  # the Analogies page's default


def _glove_lines(glove, words: list[str]) -> list[list[str]]:
    return [[word, *(f"{value:.5f}" for value in glove[word])] for word in words]


def _file_bytes(lines: list[list[str]]) -> bytes:
    return "".join(" ".join(line) + "\n" for line in lines).encode("utf-8")


def _pad(lines: list[list[str]], extra: int) -> None:
    """Add ``extra`` bytes without changing a value: one trailing zero on each of the first ``extra`` numbers."""
    fields = [(row, column) for row in range(len(lines)) for column in range(1, len(lines[row]))]
    for row, column in fields[:extra]:
        lines[row][column] += "0"


@pytest.fixture
def vector_folder(tmp_path, glove) -> Path:
    """``first/vec.txt`` (GloVe's 3,000 most frequent words) and ``second/vec.txt`` (another 3,000), same size."""
    choices = (glove.words[:WORDS], glove.words[:WORDS // 2] + glove.words[WORDS:WORDS + WORDS // 2])
    tables = [_glove_lines(glove, words) for words in choices]
    sizes = [len(_file_bytes(table)) for table in tables]
    _pad(tables[sizes.index(min(sizes))], max(sizes) - min(sizes))
    folder = tmp_path / "vectors"
    for name, table in zip(FILES, tables):
        path = folder / name
        path.parent.mkdir(parents=True)
        path.write_bytes(_file_bytes(table))
        os.utime(path, ns=(1_700_000_000_000_000_000,) * 2)
    first, second = (folder / name for name in FILES)
    assert first.read_bytes() != second.read_bytes()
    assert first.stat().st_size == second.stat().st_size and first.stat().st_mtime_ns == second.stat().st_mtime_ns
    return folder


@pytest.fixture
def app_env(tmp_path, monkeypatch, vector_folder):
    """The server's settings: a parse cache of its own and the folder holding both files."""
    monkeypatch.setenv("EMBEDLAB_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("EMBEDLAB_VECTORS_DIR", str(vector_folder))
    with apptest_runs_app_py():  # the sidebar lives in app.py
        yield


def _visitor(project_root: Path, file: str) -> AppTest:
    """A new session of the app with ``file`` (relative to the vectors folder) picked in the sidebar."""
    at = AppTest.from_file(str(project_root / "app.py"), default_timeout=120)
    at.session_state["workspace"] = "apptest"
    at.run()
    at.sidebar.radio(key="vectors.source").set_value(SERVER_FILE).run()
    at.sidebar.selectbox(key="vectors.server_file").select(f"vectors/{file}").run()
    assert not at.exception and not at.sidebar.error
    return at


@pytest.fixture
def visitors(project_root, app_env) -> list[AppTest]:
    """Two sessions of the app, each with its own ``vec.txt`` picked in the sidebar."""
    sessions = [_visitor(project_root, name) for name in FILES]
    for at in sessions:
        captions = "\n".join(caption.value for caption in at.sidebar.caption)
        assert f"vec.txt** · {WORDS:,} words · 50 dimensions" in captions  # same name, same size
    return sessions


@pytest.fixture
def own_vectors(vector_folder):
    """Each file read by the core directly, outside every app cache."""
    return [load_vector_file(vector_folder / name, use_cache=False) for name in FILES]


def _table(at: AppTest, first_column: str) -> pd.DataFrame:
    return next(frame.value for frame in at.dataframe if list(frame.value.columns)[:1] == [first_column])


def _coverage_shown(at: AppTest) -> tuple[str, str, pd.DataFrame]:
    metrics = {metric.label: metric.value for metric in at.metric}
    return metrics["Tokens with a vector"], metrics["Distinct tokens with a vector"], _table(at, "token")


def test_each_visitor_sees_the_coverage_of_their_own_file(visitors, own_vectors):
    dataset = builtin_dataset(DEFAULT_DATASET)  # the Data page describes it until a visitor picks another
    shown = []
    for at, vectors in zip(visitors, own_vectors):
        at.run()  # the Data page, once the first visitor's numbers are in the shared cache
        assert not at.exception and at.title[0].value == "Data"
        coverage = glove_coverage(dataset, vectors, 20)
        tokens, types, missing = _coverage_shown(at)
        assert (tokens, types) == (f"{coverage.token_share:.1%}", f"{coverage.type_share:.1%}")
        assert list(missing.itertuples(index=False, name=None)) == coverage.missing
        shown.append((tokens, types, coverage.missing))
    assert shown[0] != shown[1]
    visitors[0].run()  # and the first visitor still sees theirs
    assert _coverage_shown(visitors[0])[:2] == shown[0][:2]


def test_each_visitor_sees_the_benchmark_scores_of_their_own_file(visitors, own_vectors):
    for at in visitors:
        at.switch_page("pages/analogies.py").run()
        at.button(key="analogies.run_similarity").click().run()
        at.button(key="analogies.run_analogies").click().run()
        assert not at.exception
        # The other tabs' default words (frog, cat…) are not among 3,000 words; the benchmarks raised nothing.
        assert all("not in the vocabulary" in error.value for error in at.error)
    from embedlab_ui import benchmark_tables, numbers

    similarity, sections = [], []
    for at, vectors in zip(visitors, own_vectors):
        expected = benchmark_tables.similarity_table(
            [result.to_dict() for result in evaluate_similarity_sets(vectors, RESTRICT_VOCAB)])
        pd.testing.assert_frame_equal(_table(at, "Word-pair set").reset_index(drop=True), expected)
        analogies = evaluate_word_analogies(vectors, restrict_vocab=RESTRICT_VOCAB).to_dict()
        metrics = {metric.label: metric.value for metric in at.metric}
        assert metrics["Analogy accuracy"] == numbers.percent(analogies["total"]["accuracy"])
        expected_sections = benchmark_tables.section_table(analogies)
        pd.testing.assert_frame_equal(_table(at, "Section").reset_index(drop=True), expected_sections)
        similarity.append(expected)
        sections.append(expected_sections)
    assert not similarity[0].equals(similarity[1])
    assert not sections[0].equals(sections[1])


def test_a_visitor_sees_their_own_file_name_when_another_visitor_has_the_same_content(project_root, app_env,
                                                                                     vector_folder):
    (vector_folder / "copy.txt").write_bytes((vector_folder / FILES[0]).read_bytes())
    first, second = _visitor(project_root, FILES[0]), _visitor(project_root, "copy.txt")
    assert _coverage_shown(first)[:2] == _coverage_shown(second)[:2]  # one content, one cached result
    assert [header.value for header in first.subheader if header.value.startswith("Coverage by")] == [
        "Coverage by vec.txt"]
    assert [header.value for header in second.subheader if header.value.startswith("Coverage by")] == [
        "Coverage by copy.txt"]


def test_a_map_shared_by_content_carries_each_visitors_own_name(glove):
    """Maps are cached by content; two visitors with the same numbers under two names each see their own name."""
    from embedlab.maps.pipeline import MapParams
    from embedlab.vectors.word_vectors import WordVectors
    from embedlab_ui.maps import cached_map

    first = WordVectors(glove.words[:300], glove.vectors[:300], name="alice-vectors.txt")
    second = WordVectors(glove.words[:300], glove.vectors[:300].copy(), name="bob-vectors.txt")
    words = glove.words[100:200]

    mine, theirs = (cached_map(vectors, words, MapParams("pca")) for vectors in (first, second))

    assert first.fingerprint == second.fingerprint  # one entry in the shared cache
    assert (mine.coords == theirs.coords).all()
    assert mine.title.startswith("alice-vectors.txt:") and theirs.title.startswith("bob-vectors.txt:")

"""NaN, infinite and overflowing vectors: left out when a file is read (any format), counted, and shown.

Before: `similarity` printed NaN (invalid JSON), `analogy` answered nothing with exit 0, a map
of such rows failed inside PCA (LinAlgError), and 3e38 made every score 0.0.
"""

from __future__ import annotations

import gzip
import json

import numpy as np
import pytest

from embedlab.cli import main as cli_main
from embedlab.errors import EmbedLabError
from embedlab.vectors.io import load_vector_file, load_vectors_from_bytes

GOOD = {"cat": [0.1, 0.2, 0.3], "dog": [0.2, 0.1, 0.3], "fish": [0.9, 0.8, 0.7], "bird": [0.5, 0.5, 0.1]}
BAD = {"nanword": ["nan", 0.1, 0.3], "infword": [0.9, "inf", 0.7], "neginf": ["-inf", 1, 1],
       "huge": ["3e38", "3e38", 1], "toolong": ["2e19", "2e19", 0], "overflow": ["1e39", 0, 0]}
ORDER = ["cat", "nanword", "dog", "infword", "neginf", "fish", "huge", "toolong", "overflow", "bird"]
NOTE = ("6 words of {name} left out ('nanword', 'infword', 'neginf', …): their vectors hold NaN or infinite "
        "numbers, or numbers so large that the vector's length overflows float32")


@pytest.fixture(autouse=True)
def cache_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("EMBEDLAB_CACHE_DIR", str(tmp_path / "cache"))


def _row(word):
    return GOOD.get(word) or BAD[word]


def _text(header=False) -> bytes:
    lines = [f"{word} {' '.join(str(x) for x in _row(word))}\n" for word in ORDER]
    return ((f"{len(ORDER)} 3\n" if header else "") + "".join(lines)).encode()


def _binary() -> bytes:
    with np.errstate(over="ignore"):  # 1e39 becomes inf in float32, as a float32 writer would store it
        rows = [np.array([float(x) for x in _row(word)], dtype="<f4").tobytes() for word in ORDER]
    entries = [word.encode() + b" " + row + b"\n" for word, row in zip(ORDER, rows)]
    return f"{len(ORDER)} 3\n".encode() + b"".join(entries)


def _check(vectors, name):
    assert vectors.words == ["cat", "dog", "fish", "bird"]
    np.testing.assert_array_equal(vectors.vectors, np.array([GOOD[w] for w in vectors.words], dtype=np.float32))
    assert len(vectors.notes) == 1 and vectors.notes[0].startswith(NOTE.format(name=name))


@pytest.mark.parametrize("compiled", [True, False], ids=["compiled scan", "pandas"])
@pytest.mark.parametrize("name, content", [
    ("glove.txt", _text()),
    ("word2vec.vec", _text(header=True)),
    ("word2vec.bin", _binary()),
    ("glove.txt.gz", gzip.compress(_text())),
], ids=["glove", "word2vec text", "word2vec binary", "gzip"])
def test_every_format_leaves_out_unusable_rows_and_says_how_many(tmp_path, monkeypatch, compiled, name, content):
    import embedlab.vectors.text_parsing as text_parsing

    monkeypatch.setattr(text_parsing, "COMPILED_SCAN_MIN_BYTES", 0 if compiled else 1 << 60)
    path = tmp_path / name
    path.write_bytes(content)
    _check(load_vector_file(path, use_cache=False), name)
    _check(load_vectors_from_bytes(content, name), name)


def test_projector_files_leave_out_rows_with_their_words(tmp_path):
    (tmp_path / "vectors.tsv").write_text("".join("\t".join(str(x) for x in _row(w)) + "\n" for w in ORDER))
    (tmp_path / "metadata.tsv").write_text("".join(f"{w}\n" for w in ORDER))
    _check(load_vector_file(tmp_path / "vectors.tsv", use_cache=False), "vectors.tsv")


def test_the_note_survives_the_parse_cache(tmp_path):
    path = tmp_path / "cached.txt"
    path.write_bytes(_text())
    first = load_vector_file(path)
    second = load_vector_file(path)  # from the cache: no parse, same note
    assert second.notes == first.notes and len(second.notes) == 1
    _check(second, "cached.txt")


def test_a_file_of_only_unusable_rows_is_refused_with_the_reason(tmp_path):
    path = tmp_path / "all_bad.txt"
    path.write_text("a nan 1 2\nb inf 1 2\n")
    with pytest.raises(EmbedLabError, match="all_bad.txt holds no usable vectors: 2 words of all_bad.txt left out"):
        load_vector_file(path)


@pytest.fixture
def nan_file(tmp_path):
    path = tmp_path / "nan.txt"
    path.write_bytes(_text())
    return str(path)


def _strict_json(text: str):
    def refuse(constant):
        raise ValueError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


def test_similarity_json_stays_valid_and_carries_the_note(nan_file, capsys):
    assert cli_main(["similarity", "cat", "dog", "--vectors", nan_file, "--json"]) == 0
    result = _strict_json(capsys.readouterr().out)
    assert 0.8 < result["similarity"] <= 1.0 and result["notes"][0].startswith("6 words of nan.txt left out")
    assert cli_main(["similarity", "cat", "nanword", "--vectors", nan_file]) == 2  # gone: an unknown word
    assert "'nanword' is not in the vocabulary of nan.txt (4 words)" in capsys.readouterr().err


def test_analogy_answers_from_the_usable_rows_and_prints_the_note(nan_file, capsys):
    assert cli_main(["analogy", "--positive", "cat", "fish", "--negative", "dog", "--vectors", nan_file]) == 0
    out = capsys.readouterr().out
    assert "bird" in out and "note: 6 words of nan.txt left out" in out
    assert cli_main(["neighbors", "fish", "--vectors", nan_file, "--json"]) == 0
    scores = [row["score"] for row in _strict_json(capsys.readouterr().out)["results"]]
    assert len(scores) == 3 and all(0.0 < score < 1.0 for score in scores)  # not 0.0, not NaN


@pytest.mark.parametrize("method", ["pca", "umap"])
def test_a_map_of_non_finite_vectors_is_a_clear_error(method):
    from embedlab.maps.projection import project

    data = np.random.default_rng(0).normal(size=(40, 5)).astype(np.float32)
    data[3, 1] = np.nan
    data[7, 0] = np.inf
    with pytest.raises(EmbedLabError, match="2 of the 40 vectors to map hold NaN or infinite numbers"):
        project(data, method, n_neighbors=5)

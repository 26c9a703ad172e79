"""Vector files: every format from content, malformed input named by line, gensim parity, cache, export, CLI."""

from __future__ import annotations

import gzip
import json
import os
import re
import struct

import numpy as np
import pytest

from embedlab.cli import main as cli_main
from embedlab.errors import EmbedLabError
from embedlab.vectors.io import (
    load_default_vectors,
    load_vectors,
    load_vectors_from_bytes,
    save_projector_tsv,
    save_word2vec_text,
    vector_cache_files,
)
from embedlab.vectors.word_vectors import WordVectors

WORDS = ["king", "queen", "apple"]
MATRIX = np.array([[1.0, 0.5, -0.25], [0.75, -1.5, 2.0], [0.0, 3.5, -4.0]], dtype=np.float32)


@pytest.fixture(params=["compiled scan", "pandas"])
def text_parser(request, monkeypatch):
    """Run a test through the compiled (numba) scan, used for big files, and through the pandas path."""
    import embedlab.vectors.text_parsing as text_parsing

    calls = {"compiled": 0, "pandas": 0}
    for name, key in (("parse_text_compiled", "compiled"), ("parse_text_bulk", "pandas")):
        original = getattr(text_parsing, name)

        def counted(*args, original=original, key=key):
            calls[key] += 1
            return original(*args)

        monkeypatch.setattr(text_parsing, name, counted)
    compiled = request.param == "compiled scan"
    monkeypatch.setattr(text_parsing, "COMPILED_SCAN_MIN_BYTES", 0 if compiled else 1 << 60)
    calls["expected"] = "compiled" if compiled else "pandas"
    return calls


@pytest.fixture(autouse=True)
def cache_folder(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("EMBEDLAB_CACHE_DIR", str(folder))
    return folder


def _text_lines(words=WORDS, matrix=MATRIX, end="\n") -> str:
    return "".join(f"{word} {' '.join(f'{x:g}' for x in row)}{end}" for word, row in zip(words, matrix))


def _binary(words=WORDS, matrix=MATRIX, header_count=None) -> bytes:
    count = len(words) if header_count is None else header_count
    body = b"".join(word.encode() + b" " + struct.pack(f"<{len(row)}f", *row) + b"\n"
                    for word, row in zip(words, matrix))
    return f"{count} {matrix.shape[1]}\n".encode() + body


def _write(folder, name, content) -> str:
    path = folder / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return str(path)


def _assert_same(vectors: WordVectors, words=WORDS, matrix=MATRIX):
    assert vectors.words == list(words)
    np.testing.assert_array_equal(np.asarray(vectors.vectors), matrix)


# --- every format, told apart by content ----------------------------------------------------------

@pytest.mark.parametrize("name, content", [
    ("glove.txt", _text_lines()),
    ("glove_trailing_space_crlf.txt", _text_lines(end=" \r\n")),
    ("no_final_newline.txt", _text_lines().rstrip("\n")),
    ("word2vec.vec", "3 3\n" + _text_lines()),
    ("fasttext_style.vec", "3 3\n" + _text_lines(end=" \n")),
    ("word2vec.bin", _binary()),
    ("misleading_name.bin", _text_lines()),  # content decides, not the name
    ("misleading_name.txt", _binary()),
    ("compressed.txt.gz", gzip.compress(_text_lines().encode())),
])
def test_each_format_loads_from_content(tmp_path, name, content, text_parser):
    _assert_same(load_vectors(_write(tmp_path, name, content), use_cache=False))
    if isinstance(content, str):  # a text file: parsed by the path under test, with no fallback
        assert text_parser[text_parser["expected"]] == 1
        assert text_parser["pandas" if text_parser["expected"] == "compiled" else "compiled"] == 0


def test_glove_of_any_dimension(tmp_path, text_parser):
    matrix = np.arange(12, dtype=np.float32).reshape(2, 6) / 8
    vectors = load_vectors(_write(tmp_path, "six.txt", _text_lines(["a", "b"], matrix)), use_cache=False)
    assert vectors.dim == 6
    _assert_same(vectors, ["a", "b"], matrix)


def test_840b_style_tokens_with_spaces_and_odd_characters(tmp_path, text_parser):
    words = ["at&t co .", "the", ". . .", '"', "name@example.com", "1 2"]
    matrix = np.arange(18, dtype=np.float32).reshape(6, 3) / 4 - 1
    vectors = load_vectors(_write(tmp_path, "glove.840B.txt", _text_lines(words, matrix)), use_cache=False)
    _assert_same(vectors, words, matrix)
    assert vectors["at&t co ."].tolist() == matrix[0].tolist()


@pytest.mark.parametrize("metadata, expected_words", [
    ("king\nqueen\napple\n", WORDS),
    ("word\tfrequency\nking\t10\nqueen\t5\napple\t1\n", WORDS),
    ("count\tlabel\n10\tking\n5\tqueen\n1\tapple\n", WORDS),  # the "label" column holds the words
])
def test_projector_vectors_find_their_metadata(tmp_path, metadata, expected_words):
    vectors_tsv = "".join("\t".join(f"{x:g}" for x in row) + "\n" for row in MATRIX)
    path = _write(tmp_path, "vectors.tsv", vectors_tsv)
    _write(tmp_path, "metadata.tsv", metadata)
    _assert_same(load_vectors(path, use_cache=False), expected_words)


def test_projector_prefixed_names_pair_up(tmp_path):
    _write(tmp_path, "run7_vectors.tsv", "".join("\t".join(f"{x:g}" for x in row) + "\n" for row in MATRIX))
    _write(tmp_path, "run7_metadata.tsv", "king\nqueen\napple\n")
    _assert_same(load_vectors(tmp_path / "run7_vectors.tsv", use_cache=False))


def test_duplicate_words_keep_the_first_vector_as_gensim_does(tmp_path, text_parser):
    from gensim.models import KeyedVectors

    words = ["king", "queen", "king", "apple"]
    matrix = np.vstack([MATRIX[:2], [[9.0, 9.0, 9.0]], MATRIX[2:]]).astype(np.float32)
    path = _write(tmp_path, "dupes.txt", _text_lines(words, matrix))
    vectors = load_vectors(path, use_cache=False)
    _assert_same(vectors)
    gensim_vectors = KeyedVectors.load_word2vec_format(path, no_header=True)
    # gensim sizes its arrays by the line count, so it leaves one empty slot (None) at the end
    assert vectors.words == list(gensim_vectors.index_to_key)[:3]
    assert list(gensim_vectors.index_to_key)[3:] == [None]
    np.testing.assert_allclose(vectors.vectors, gensim_vectors.vectors[:3])


# --- malformed input: the message names the line and the problem -----------------------------------

@pytest.mark.parametrize("name, content, expected", [
    ("short_line.txt", "king 1 2 3\nqueen 1 2 3\napple 1 2\n", ["line 3", "found 2 numbers", "expected 3"]),
    ("non_numeric.txt", "king 1 2 3\nqueen 1 x2 3\n", ["line 2", "'x2' is not a number"]),
    ("w2v_non_numeric.vec", "2 3\nking 1 2 3\nqueen 1 2 three\n", ["line 3", "'three' is not a number"]),
    ("w2v_short_line.vec", "2 3\nking 1 2 3\nqueen 1 2\n", ["line 3", "found 2 numbers", "expected 3"]),
    ("header_too_many.vec", "3 3\nking 1 2 3\nqueen 1 2 3\n", ["header (line 1) says 3 words", "holds 2"]),
    ("header_too_few.vec", "1 3\nking 1 2 3\nqueen 1 2 3\n", ["line 3", "header (line 1) says 1 words"]),
    ("no_vectors.txt", "hello world\nthis is prose\n", ["holds no vectors", "line 1"]),
    ("header_only.vec", "2 3\n", ["holds no vectors"]),
    ("empty.txt", "", ["is empty"]),
    ("blank.txt", "\n  \n", ["is empty"]),
    ("truncated.bin", _binary()[:-9], ["cut short", "entry 3 of the 3"]),
    ("header_too_few.bin", _binary(header_count=2), ["header says 2 words", "more data follows"]),
    ("fasttext.bin", b"\xba\x16\x4f\x2f" + b"\0" * 40, ["fastText model"]),
    ("vectors.tsv", "1\t2\n3\t4\n", ["Projector", "metadata.tsv"]),
])
def test_malformed_files_name_the_problem(tmp_path, name, content, expected, text_parser):
    with pytest.raises(EmbedLabError) as raised:
        load_vectors(_write(tmp_path, name, content), use_cache=False)
    for part in expected:
        assert part in str(raised.value)
    assert name in str(raised.value)


def test_projector_rows_must_match_metadata(tmp_path):
    _write(tmp_path, "metadata.tsv", "king\nqueen\n")
    path = _write(tmp_path, "vectors.tsv", "1\t2\n3\t4\n5\t6\n")
    with pytest.raises(EmbedLabError, match="metadata.tsv has 2 words but vectors.tsv has 3 rows"):
        load_vectors(path, use_cache=False)
    _write(tmp_path, "vectors.tsv", "1\t2\n3\t4\t5\n")
    with pytest.raises(EmbedLabError, match="line 2: found 3 numbers, expected 2"):
        load_vectors(path, use_cache=False)


def test_missing_path_and_folder_are_refused(tmp_path):
    with pytest.raises(EmbedLabError, match="no file at"):
        load_vectors(tmp_path / "missing.txt")
    with pytest.raises(EmbedLabError, match="is a folder"):
        load_vectors(tmp_path)


# --- parity with gensim on its own test files -----------------------------------------------------

@pytest.mark.parametrize("name, binary, no_header", [
    ("test_glove.txt", False, True),
    ("euclidean_vectors.bin", True, False),
    ("poincare_vectors.bin", True, False),
    ("high_precision.kv.bin", True, False),
    ("high_precision.kv.txt", False, False),
    ("lee_fasttext.vec", False, False),
    ("crime-and-punishment.vec", False, False),
    ("toy-model.vec", False, False),
    ("pang_lee_polarity_fasttext.vec", False, False),  # holds bytes that are not UTF-8: replaced, as gensim can
    ("EN.1-10.cbow1_wind5_hs0_neg10_size300_smpl1e-05.txt", False, False),
])
def test_same_words_and_vectors_as_gensim(gensim_test_data, name, binary, no_header, text_parser):
    from gensim.models import KeyedVectors

    path = gensim_test_data / name
    expected = KeyedVectors.load_word2vec_format(path, binary=binary, no_header=no_header, unicode_errors="replace")
    vectors = load_vectors(path, use_cache=False)
    assert vectors.words == list(expected.index_to_key)
    np.testing.assert_allclose(vectors.vectors, expected.vectors, rtol=1e-6)
    assert vectors.name == name


@pytest.mark.parametrize("name, expected", [
    ("pretrained.vec", "header (line 1) says 3 words, but the file holds 1"),  # cut short: gensim fails too
    ("crime-and-punishment.bin", "fastText model"),
])
def test_broken_or_foreign_gensim_files_are_explained(gensim_test_data, name, expected):
    with pytest.raises(EmbedLabError, match=re.escape(expected)):
        load_vectors(gensim_test_data / name, use_cache=False)


# --- the parse cache ------------------------------------------------------------------------------

def test_second_load_comes_from_the_cache_without_parsing(tmp_path, monkeypatch):
    path = _write(tmp_path, "glove.txt", _text_lines())
    first = load_vectors(path)

    def no_parse(*args, **kwargs):
        raise AssertionError("parsed again")

    monkeypatch.setattr("embedlab.vectors.io.parse_stream", no_parse)
    second = load_vectors(path)
    _assert_same(second)
    assert isinstance(second.vectors, np.memmap)  # memory-mapped from the cache's .npy
    assert second.name == first.name == "glove.txt"


def test_a_changed_file_misses_the_cache(tmp_path, cache_folder):
    path = tmp_path / "glove.txt"
    path.write_text(_text_lines())
    _assert_same(load_vectors(path))
    changed = MATRIX * 2
    path.write_text(_text_lines(matrix=changed))
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10_000_000))
    _assert_same(load_vectors(path), matrix=changed)
    assert len(list((cache_folder / "vectors").glob("*.npy"))) == 1  # the stale entry was replaced
    assert not list((cache_folder / "vectors").glob("*.tmp"))  # written atomically: no leftovers


def test_each_file_keeps_its_own_cache_entry(tmp_path, cache_folder):
    for name in ("a.txt", "b.txt"):
        _write(tmp_path, name, _text_lines())
        load_vectors(tmp_path / name)
    assert len(list((cache_folder / "vectors").glob("*.json"))) == 2
    _assert_same(load_vectors(tmp_path / "a.txt"))


def test_cache_entry_holds_words_and_matrix(tmp_path):
    from embedlab.vectors.io import _cache_key

    path = tmp_path / "w2v.bin"
    path.write_bytes(_binary())
    load_vectors(path)
    matrix_path, words_path = vector_cache_files(_cache_key([path.resolve()]))
    assert json.loads(words_path.read_text())["words"] == WORDS
    assert json.loads(words_path.read_text())["format"] == "word2vec-binary"
    np.testing.assert_array_equal(np.load(matrix_path), MATRIX)


def test_unwritable_cache_still_loads(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("EMBEDLAB_CACHE_DIR", str(blocker))
    path = _write(tmp_path, "glove.txt", _text_lines())
    _assert_same(load_vectors(path))
    _assert_same(load_vectors(path))


# --- specs and uploads ----------------------------------------------------------------------------

@pytest.mark.parametrize("spec", [None, "glove-6b-50d", "default"])
def test_default_spec_is_the_built_in_glove(spec):
    vectors = load_vectors(spec)
    assert vectors.name == "GloVe 6B 50d" and len(vectors) == 400_000 and vectors.dim == 50


@pytest.mark.parametrize("content", [_text_lines().encode(), ("3 3\n" + _text_lines()).encode(), _binary()])
def test_uploaded_bytes_load(content):
    vectors = load_vectors_from_bytes(content, "upload.txt")
    _assert_same(vectors)
    assert vectors.name == "upload.txt"


def test_uploaded_projector_vectors_without_metadata_are_explained():
    with pytest.raises(EmbedLabError, match="metadata.tsv"):
        load_vectors_from_bytes(b"1\t2\n3\t4\n", "vectors.tsv")


# --- export ---------------------------------------------------------------------------------------

def test_word2vec_text_export_reloads_in_gensim_and_here(tmp_path, glove):
    from gensim.models import KeyedVectors

    subset = glove.head(500)
    path = save_word2vec_text(subset, tmp_path / "glove500.txt")
    reloaded = KeyedVectors.load_word2vec_format(path)
    assert list(reloaded.index_to_key) == subset.words
    np.testing.assert_array_equal(reloaded.vectors, np.asarray(subset.vectors))
    ours = load_vectors(path)
    assert ours.words == subset.words
    np.testing.assert_array_equal(ours.vectors, subset.vectors)
    assert path.read_text().splitlines()[1].startswith("the 0.418 0.24968 ")  # short numbers, like GloVe's own


def test_word2vec_export_keeps_random_float32_exactly(tmp_path):
    matrix = np.random.default_rng(0).normal(size=(50, 7)).astype(np.float32)
    words = [f"w{i}" for i in range(50)]
    path = save_word2vec_text(WordVectors(words, matrix), tmp_path / "random.vec")
    _assert_same(load_vectors(path, use_cache=False), words, matrix)


def test_projector_export_reloads(tmp_path):
    words = ["king", "tab\tword", "apple"]
    vectors_path, metadata_path = save_projector_tsv(WordVectors(words, MATRIX), tmp_path / "projector")
    assert (vectors_path.name, metadata_path.name) == ("vectors.tsv", "metadata.tsv")
    assert metadata_path.read_text().splitlines() == ["king", "tab word", "apple"]
    _assert_same(load_vectors(vectors_path), ["king", "tab word", "apple"])


def test_export_into_a_missing_folder_is_explained(tmp_path):
    with pytest.raises(EmbedLabError, match="does not exist"):
        save_word2vec_text(WordVectors(WORDS, MATRIX), tmp_path / "nope" / "out.txt")


# --- command line ---------------------------------------------------------------------------------

def test_cli_export_word2vec_with_limit(tmp_path, capsys):
    out = tmp_path / "top100.txt"
    assert cli_main(["export", "--format", "word2vec", "--out", str(out), "--limit", "100", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result == {"vectors": "GloVe 6B 50d", "format": "word2vec", "words": 100, "dim": 50, "files": [str(out)],
                      "notes": []}
    reloaded = load_vectors(out)
    assert reloaded.words == load_default_vectors().words[:100]


def test_cli_export_projector_from_a_vector_file(tmp_path, capsys):
    source = _write(tmp_path, "small.vec", "3 3\n" + _text_lines())
    out = tmp_path / "projector"
    assert cli_main(["export", "--vectors", source, "--format", "projector", "--out", str(out)]) == 0
    assert "wrote 3 words x 3 dimensions of small.vec" in capsys.readouterr().out
    _assert_same(load_vectors(out / "vectors.tsv"))


def test_cli_export_of_a_missing_path_exits_2_with_one_line(tmp_path, capsys):
    code = cli_main(["export", "--vectors", str(tmp_path / "missing.txt"), "--format", "word2vec",
                     "--out", str(tmp_path / "out.txt")])
    assert code == 2
    error = capsys.readouterr().err
    assert error.startswith("error: no file at") and error.count("\n") == 1
    assert not (tmp_path / "out.txt").exists()


# --- the compiled scan: the same numbers Python reads, in any number of pieces ----------------------

def test_compiled_scan_reads_numbers_exactly_as_python_float():
    from embedlab.vectors.text_scan import scan_text

    numbers = ["0.418", "-0.00066023", "1e5", "-0.5E-3", "+2", ".5", "5.", "123456789012345", "3.4028235e38",
               "1.0000000000000000001", "1e-30", "nan", "-inf", "0", "-0"]
    body = "".join(f"w{i} {number} 1\n" for i, number in enumerate(numbers)).encode()
    from embedlab.vectors.text_parsing import parse_text_compiled

    words, matrix = parse_text_compiled(body, 2)
    assert words == [f"w{i}" for i in range(len(numbers))]
    expected = np.array([float(number) for number in numbers], dtype=np.float32)
    np.testing.assert_array_equal(matrix[:, 0], expected)  # NaN equals NaN here
    assert np.signbit(matrix[-1, 0])
    _, _, _, odd, _ = scan_text(body, 2)
    assert odd.tolist() == [number in ("1.0000000000000000001", "1e-30", "nan", "-inf", "3.4028235e38")
                            for number in numbers]  # beyond the exact fast path: read by Python


@pytest.mark.parametrize("number, fast", [
    ("1.5", True), ("-.25", True), ("12.", True), ("9007199254740992", True), ("0e999", True), ("1e22", True),
    ("1.2.3", False), (".", False), ("-", False), ("1e", False), ("1e+", False), ("1e23", False), ("0e1001", False),
    ("12345678901234567", False), ("0000000000000000001.5", False), ("1" * 40, False),
])
def test_compiled_scan_reads_only_what_it_reads_exactly(number, fast):
    """One loop reads a number's digits and its decimal point; anything else is left to Python."""
    from embedlab.vectors.text_scan import scan_text

    matrix, _, _, odd, rows = scan_text(f"w {number} 1\n".encode(), 2)
    assert rows == 1 and odd.tolist() == [not fast]
    if fast:
        assert matrix[0, 0] == np.float32(float(number))


def test_compiled_scan_in_pieces_matches_one_piece_and_pandas():
    from embedlab.vectors.text_parsing import parse_text_bulk
    from embedlab.vectors.text_scan import scan_text

    rng = np.random.default_rng(0)
    matrix = rng.normal(size=(3_000, 8)).astype(np.float32)
    body = _text_lines([f"word{i}" for i in range(3_000)], matrix).encode()
    one = scan_text(body, 8, threads=1)
    for threads in (2, 3, 7):
        pieces = scan_text(body, 8, threads=threads)
        assert pieces[-1] == one[-1] == 3_000
        for whole, split in zip(one[:-1], pieces[:-1]):
            np.testing.assert_array_equal(whole, split)
    np.testing.assert_array_equal(one[0], parse_text_bulk(body, 8)[1])

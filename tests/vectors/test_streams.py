"""Big and hostile vector files: refused by size before reading, read in bounded pieces, bombs stopped.

No test writes a big file: sizes come from sparse files (``truncate``) or a small injected limit.
"""

from __future__ import annotations

import gzip
import os
import struct
import tracemalloc

import numpy as np
import pytest

import embedlab.vectors.streams as streams
from embedlab.cli import main as cli_main
from embedlab.errors import EmbedLabError
from embedlab.vectors.io import load_vector_file, load_vectors_from_bytes

RNG = np.random.default_rng(7)
WORDS = [f"w{i}" for i in range(300)]
MATRIX = RNG.normal(size=(300, 7)).astype(np.float32)


@pytest.fixture(autouse=True)
def cache_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("EMBEDLAB_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv(streams.MAX_VECTOR_MB_ENV, raising=False)


def _text(words=WORDS, matrix=MATRIX, end="\n") -> bytes:
    return "".join(f"{w} {' '.join(f'{x:.9g}' for x in row)}{end}" for w, row in zip(words, matrix)).encode()


def _binary(words=WORDS, matrix=MATRIX) -> bytes:
    body = b"".join(w.encode() + b" " + struct.pack(f"<{len(row)}f", *row) + b"\n" for w, row in zip(words, matrix))
    return f"{len(words)} {matrix.shape[1]}\n".encode() + body


def _write_small(folder):
    path = folder / "small.txt"
    path.write_bytes(_text())
    return path


def _sparse(path, size: int):
    with open(path, "wb") as handle:
        handle.truncate(size)  # no blocks on disk: a file of this size that costs nothing to make
    return path


def test_a_file_over_the_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    path = _sparse(tmp_path / "huge.txt", 3_000_000)

    def no_open(*args, **kwargs):
        raise AssertionError("the file was opened")

    monkeypatch.setattr("embedlab.vectors.io.open_vector_path", no_open)
    with pytest.raises(EmbedLabError, match=r"huge.txt is 3.00 MB; vector files are limited to 1.00 MB "
                                            r"\(EMBEDLAB_MAX_VECTOR_MB\)"):
        load_vector_file(path, max_bytes=1_000_000)


def test_the_cli_refuses_a_sparse_file_over_the_env_limit_in_one_line(tmp_path, monkeypatch, capsys):
    path = _sparse(tmp_path / "sparse.txt", 5_000_000)
    monkeypatch.setenv(streams.MAX_VECTOR_MB_ENV, "2")
    assert cli_main(["similarity", "a", "b", "--vectors", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "sparse.txt is 5.00 MB; vector files are limited to 2.00 MB" in err


def test_binary_garbage_under_the_limit_is_one_clear_error(tmp_path):
    path = _sparse(tmp_path / "zeros.txt", 300_000)  # all NUL bytes, no line breaks
    with pytest.raises(EmbedLabError, match="holds binary data"):
        load_vector_file(path)


def test_a_gzip_bomb_is_stopped_by_its_recorded_size_and_by_its_ratio(tmp_path):
    bomb = gzip.compress(b"w 1 2 3\n" * 2_500_000)  # 20 MB of vector lines in about 40 KB
    path = tmp_path / "bomb.txt.gz"
    path.write_bytes(bomb)
    with pytest.raises(EmbedLabError, match="bomb.txt.gz unpacks to 20 MB"):
        load_vector_file(path, max_bytes=5_000_000)
    path.write_bytes(bomb[:-4] + (100).to_bytes(4, "little"))  # a trailer that lies about the unpacked size
    with pytest.raises(EmbedLabError, match="unpacks to more than 20 times its own size"):
        load_vector_file(path)
    with pytest.raises(EmbedLabError, match="upload.gz unpacks to more than 20 times its own size"):
        load_vectors_from_bytes(bomb, "upload.gz")


def test_unpacked_bytes_are_counted_against_the_limit(tmp_path):
    text = _text([f"w{i}" for i in range(20_000)], RNG.normal(size=(20_000, 7)).astype(np.float32))
    packed = gzip.compress(text)  # about 1.4 MB of numbers: packs about 2.5 times smaller, not a bomb
    path = tmp_path / "big.txt.gz"
    path.write_bytes(packed[:-4] + (100).to_bytes(4, "little"))  # the recorded size lies
    with pytest.raises(EmbedLabError, match="big.txt.gz unpacks to more than 1.00 MB"):
        load_vector_file(path, max_bytes=1_000_000)
    with pytest.raises(EmbedLabError, match="upload.gz unpacks to more than 1.00 MB"):
        load_vectors_from_bytes(packed, "upload.gz", max_bytes=1_000_000)


def test_short_numbers_that_would_outgrow_the_limit_as_a_matrix_are_refused_early(tmp_path, monkeypatch):
    monkeypatch.setattr(streams, "HEAD_BYTES", 4096)
    line = b"w " + b" ".join([b"0"] * 100) + b"\n"  # 202 bytes that become 400 bytes of float32
    path = tmp_path / "zeros.txt"
    path.write_bytes(line * 5_000)  # 1.0 MB of text, a 2.0 MB matrix
    parsed = []
    monkeypatch.setattr("embedlab.vectors.parsing.parse_text", lambda *args: parsed.append(1))
    with pytest.raises(EmbedLabError, match=r"about [\d,]+ words of 100 dimensions, a matrix of 1.9\d MB; "
                                            r"vector sets are limited to 1.50 MB"):
        load_vector_file(path, max_bytes=1_500_000)
    assert not parsed  # refused from the head's estimate, before parsing


def test_a_header_promising_a_huge_matrix_is_refused_before_reading_on(tmp_path):
    path = tmp_path / "liar.bin"
    path.write_bytes(b"3000000000 300\n" + _binary()[len(b"300 7\n"):])
    with pytest.raises(EmbedLabError, match=r"about 3,000,000,000 words of 300 dimensions"):
        load_vector_file(path)


def test_a_line_without_end_is_refused_in_bounded_memory(tmp_path, monkeypatch):
    monkeypatch.setattr(streams, "HEAD_BYTES", 1024)
    monkeypatch.setattr(streams, "CHUNK_BYTES", 4096)
    monkeypatch.setattr(streams, "MAX_LINE_BYTES", 50_000)
    path = tmp_path / "one_line.txt"
    path.write_bytes(b"w " + b"1 " * 200_000)
    with pytest.raises(EmbedLabError, match="has a line longer than"):
        load_vector_file(path)


@pytest.mark.parametrize("name, content", [
    ("glove.txt", _text()),
    ("crlf_trailing_space.txt", _text(end=" \r\n")),
    ("word2vec.vec", b"300 7\n" + _text()),
    ("word2vec.bin", _binary()),
    ("glove.txt.gz", gzip.compress(_text())),
    ("bom.txt", b"\xef\xbb\xbf" + _text()),
], ids=lambda value: value if isinstance(value, str) else "")
@pytest.mark.parametrize("chunk", [97, 1000, 1 << 20])
def test_every_format_reads_the_same_in_pieces_of_any_size(tmp_path, monkeypatch, name, content, chunk):
    monkeypatch.setattr(streams, "HEAD_BYTES", min(chunk, 600) if chunk < 1 << 20 else chunk)
    monkeypatch.setattr(streams, "CHUNK_BYTES", chunk)
    path = tmp_path / name
    path.write_bytes(content)
    vectors = load_vector_file(path, use_cache=False)
    assert vectors.words == WORDS and vectors.notes == []
    np.testing.assert_array_equal(vectors.vectors, MATRIX)


def test_projector_files_read_the_same_in_pieces(tmp_path, monkeypatch):
    monkeypatch.setattr(streams, "HEAD_BYTES", 500)
    monkeypatch.setattr(streams, "CHUNK_BYTES", 333)
    (tmp_path / "vectors.tsv").write_text("".join("\t".join(f"{x:.9g}" for x in row) + "\n" for row in MATRIX))
    (tmp_path / "metadata.tsv").write_text("".join(f"{w}\n" for w in WORDS))
    vectors = load_vector_file(tmp_path / "vectors.tsv", use_cache=False)
    assert vectors.words == WORDS
    np.testing.assert_array_equal(vectors.vectors, MATRIX)


@pytest.mark.parametrize("content, expected", [
    (b"300 7\n" + b"".join(_text().splitlines(keepends=True)[:298]),
     r"the header \(line 1\) says 300 words, but the file holds 298"),
    (b"299 7\n" + _text(), r"line 301: the header \(line 1\) says 299 words, but the file holds more"),
    (_binary()[:-100], "is cut short: entry 298 of the 300"),
    (_binary() + b"extra", "more data follows entry 300"),
], ids=["text, fewer lines", "text, more lines", "binary, cut", "binary, more"])
def test_counts_and_cut_files_are_named_across_pieces(tmp_path, monkeypatch, content, expected):
    monkeypatch.setattr(streams, "HEAD_BYTES", 512)
    monkeypatch.setattr(streams, "CHUNK_BYTES", 700)
    path = tmp_path / "cut.vec"
    path.write_bytes(content)
    with pytest.raises(EmbedLabError, match=expected):
        load_vector_file(path, use_cache=False)


def test_reading_a_file_never_holds_the_whole_file(tmp_path, monkeypatch):
    """Peak memory traced while loading stays below the file's own size: pieces, not a copy of it."""
    monkeypatch.setattr(streams, "HEAD_BYTES", 64 << 10)
    monkeypatch.setattr(streams, "CHUNK_BYTES", 128 << 10)
    matrix = RNG.normal(size=(2_500, 200)).astype(np.float32)
    path = tmp_path / "big.txt"
    path.write_bytes(_text([f"w{i}" for i in range(2_500)], matrix))
    size = os.path.getsize(path)
    load_vector_file(_write_small(tmp_path), use_cache=False)  # imports (pandas) happen here, not in the trace
    tracemalloc.start()
    try:
        vectors = load_vector_file(path, use_cache=False)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    np.testing.assert_array_equal(vectors.vectors, matrix)
    assert size > 5_000_000 and peak < size * 0.75, (size, peak)  # before: the whole file, then more

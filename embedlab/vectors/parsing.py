"""Parsing word-vector files from their bytes, in whatever format the content shows.

Formats, told apart by content (the file name is only used in messages):

- GloVe text: ``word v1 … vd`` per line, no header, any dimension. Tokens may hold
  spaces (glove.840B): the last ``d`` fields are the numbers, everything before is the word.
- word2vec text: a ``count dim`` header line, then lines as in GloVe.
- word2vec binary: a ``count dim`` header line, then ``word`` + space + ``dim``
  little-endian float32 per entry (as the C tool and gensim write it).
- TensorFlow Projector: ``vectors.tsv`` (tab-separated numbers, no words) with its
  ``metadata.tsv`` (one word per line; a header row when it has more than one column).

This module tells the formats apart and reads the binary and Projector ones; the text
lines of GloVe and word2vec are read by ``embedlab.vectors.text_parsing``.
"""

from __future__ import annotations

import gzip
from collections import Counter
from dataclasses import dataclass

import numpy as np

from embedlab.errors import EmbedLabError
from embedlab.vectors.text_parsing import parse_text

FASTTEXT_MAGIC = b"\xba\x16\x4f\x2f"
WORD_COLUMNS = ("word", "token", "label", "name")  # metadata.tsv columns that hold the word, in order of preference
_SAMPLE_LINES = 200  # lines read to infer a GloVe file's dimension


@dataclass
class ParsedVectors:
    """Words as the file lists them (duplicates possible), their float32 matrix, and the format found.

    ``embedlab.vectors.io`` turns this into a WordVectors, keeping the first of duplicate words.
    """

    words: list[str]
    matrix: np.ndarray
    format: str  # "glove", "word2vec", "word2vec-binary" or "projector"


def parse_vectors(data: bytes, filename: str, metadata: bytes | None = None) -> ParsedVectors:
    """Parse a word-vector file's bytes; ``metadata`` is the metadata.tsv of a Projector vectors.tsv.

    Args:
        data: the whole file (gzip-compressed files are unpacked first).
        filename: shown in error messages.
        metadata: bytes of the Projector metadata file, when ``data`` is a Projector vectors.tsv.

    Returns:
        ParsedVectors; raises EmbedLabError naming the line and the problem for malformed input.
    """
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as error:
            raise EmbedLabError(f"{filename} looks gzip-compressed but cannot be unpacked ({error})") from None
    if data[:3] == b"\xef\xbb\xbf":
        data = data[3:]  # a UTF-8 byte-order mark some editors add
    _refuse_other_formats(data, filename)
    first_end = data.find(b"\n")
    first_line = (data if first_end < 0 else data[:first_end]).rstrip()
    header = _word2vec_header(first_line)
    if header is not None:
        count, dim = header
        body = data[first_end + 1:] if first_end >= 0 else b""
        if _looks_like_text(body, dim):
            words, matrix = parse_text(body, filename, dim, first_line_number=2, expected_count=count)
            return ParsedVectors(words, matrix, "word2vec")
        words, matrix = _parse_binary(data, first_end + 1, filename, count, dim)
        return ParsedVectors(words, matrix, "word2vec-binary")
    if b"\t" in first_line and _all_numbers(first_line.split(b"\t")):
        if metadata is None:
            raise EmbedLabError(
                f"{filename} is a TensorFlow Projector vectors file (numbers only, no words); "
                "its words are in metadata.tsv — put metadata.tsv beside it and load the vectors file by path"
            )
        matrix = _parse_projector_vectors(data, filename)
        words = parse_projector_metadata(metadata, expected_rows=matrix.shape[0])
        return ParsedVectors(words, matrix, "projector")
    dim = _infer_glove_dim(data, filename)
    words, matrix = parse_text(data, filename, dim, first_line_number=1, expected_count=None)
    return ParsedVectors(words, matrix, "glove")


def _refuse_other_formats(data: bytes, filename: str) -> None:
    if not data[:65536].strip() and not data.strip():  # look at the head first: strip() copies the file
        raise EmbedLabError(
            f"{filename} is empty; expected word vectors (GloVe/word2vec text or binary, Projector TSV)"
        )
    if data[:4] == FASTTEXT_MAGIC:
        raise EmbedLabError(
            f"{filename} is a fastText model (.bin), not a vector file; load the .vec text file fastText "
            "writes beside it, or export one with `fasttext print-word-vectors`"
        )
    if data[:6] == b"\x93NUMPY" or data[:1] == b"\x80" or data[:2] == b"PK":
        raise EmbedLabError(
            f"{filename} is a NumPy, pickle or zip file, not a word-vector file; save the vectors as word2vec "
            "text (gensim: `kv.save_word2vec_format(path)`) and load that"
        )


def _word2vec_header(line: bytes) -> tuple[int, int] | None:
    fields = line.split(b" ")  # "count dim": a tab-separated pair of numbers is a Projector row instead
    if len(fields) == 2 and all(field.isdigit() for field in fields):
        return int(fields[0]), int(fields[1])
    return None


def _looks_like_text(body: bytes, dim: int) -> bool:
    """True if the first entry after a word2vec header is a text line of a word and ``dim`` numbers."""
    end = body.find(b"\n")
    line = (body if end < 0 else body[:end]).rstrip()
    if not line:
        return not body.strip()  # nothing after the header: let the text parser report it
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    fields = line.rsplit(b" ", dim)
    return len(fields) == dim + 1 and _all_numbers(fields[1:])


def _all_numbers(fields: list[bytes]) -> bool:
    try:
        np.array(fields, dtype=np.float32)
    except ValueError:
        return False
    return len(fields) > 0


def _infer_glove_dim(data: bytes, filename: str) -> int:
    """The most common field count among the first lines, less one (the word)."""
    sample = [line.rstrip() for line in data[: 1 << 20].split(b"\n")[:_SAMPLE_LINES]]
    counts = Counter(len(line.split(b" ")) for line in sample if line)
    fields = counts.most_common(1)[0][0]
    first_number, first_line = next((n, line) for n, line in enumerate(sample, start=1) if line)
    if fields < 2 or not _all_numbers(first_line.split(b" ")[-(fields - 1):]):
        shown = first_line[:60].decode("utf-8", errors="replace")
        raise EmbedLabError(
            f"{filename} holds no vectors: line {first_number} ('{shown}') is not a word followed by numbers; "
            "expected GloVe/word2vec text, word2vec binary or a Projector vectors.tsv"
        )
    return fields - 1


def _parse_binary(data: bytes, start: int, filename: str, count: int, dim: int) -> tuple[list[str], np.ndarray]:
    """word2vec binary entries: word, a space, ``dim`` float32 (little-endian), maybe a newline."""
    if count == 0 or dim == 0:
        raise EmbedLabError(f"{filename} holds no vectors: its header says {count} words of {dim} dimensions")
    size, width = len(data), 4 * dim
    words: list[str] = []
    chunks: list[bytes] = []
    position = start
    for entry in range(1, count + 1):
        while position < size and data[position] == 0x0A:  # gensim strips a newline before each word
            position += 1
        space = data.find(b" ", position, position + 10_000)
        if space < 0 or space + 1 + width > size:
            raise EmbedLabError(
                f"{filename} is cut short: entry {entry} of the {count} its header promises (byte {position}) "
                f"has no complete word and {dim} float32 numbers — download or copy the file again"
            )
        words.append(data[position:space].decode("utf-8", errors="replace"))
        chunks.append(data[space + 1:space + 1 + width])
        position = space + 1 + width
    if data[position:].strip():
        raise EmbedLabError(
            f"{filename}: the header says {count} words, but more data follows entry {count} (byte {position}) — "
            "fix the count in the header"
        )
    matrix = np.frombuffer(b"".join(chunks), dtype="<f4").reshape(count, dim).astype(np.float32)
    return words, matrix


def _parse_projector_vectors(data: bytes, filename: str) -> np.ndarray:
    lines = [line.rstrip(b"\r") for line in data.split(b"\n")]
    numbered = [(n, line) for n, line in enumerate(lines, start=1) if line.strip()]
    dim = len(numbered[0][1].split(b"\t"))
    if all(line.count(b"\t") == dim - 1 for _, line in numbered):
        try:
            return np.array(b"\t".join(line for _, line in numbered).split(b"\t"), dtype=np.float32).reshape(-1, dim)
        except ValueError:
            pass  # a field that is not a number: found and named below
    for number, line in numbered:
        fields = line.split(b"\t")
        if len(fields) != dim:
            raise EmbedLabError(f"{filename}, line {number}: found {len(fields)} numbers, expected {dim} "
                                "(the count on line 1)")
        if not _all_numbers(fields):
            bad = next(field for field in fields if not _all_numbers([field]))
            raise EmbedLabError(f"{filename}, line {number}: '{bad[:30].decode('utf-8', 'replace')}' is not a number; "
                                "a Projector vectors.tsv holds only tab-separated numbers")
    raise EmbedLabError(f"{filename}: the numbers could not be read")  # not reached


def parse_projector_metadata(data: bytes, expected_rows: int) -> list[str]:
    """Words from a Projector metadata.tsv: one per line, or the word column when there is a header row.

    The Projector's rule: with more than one column the first row names the columns. The
    word column is the first of "word", "token", "label", "name" present, else the first column.
    """
    text = data.decode("utf-8", errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = [line.rstrip("\r") for line in text.split("\n")]
    if lines and lines[-1] == "":
        lines.pop()  # the final newline
    if lines and "\t" in lines[0]:
        columns = [column.strip().lower() for column in lines[0].split("\t")]
        column = next((columns.index(name) for name in WORD_COLUMNS if name in columns), 0)
        lines = [(line.split("\t") + [""] * len(columns))[column] for line in lines[1:]]
    if len(lines) != expected_rows:
        raise EmbedLabError(
            f"metadata.tsv has {len(lines)} words but vectors.tsv has {expected_rows} rows; they must match line "
            "for line (with more than one column, metadata.tsv's first row is the header)"
        )
    return lines

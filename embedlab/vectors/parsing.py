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

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from embedlab.errors import EmbedLabError
from embedlab.vectors.rows import RowCollector, check_shape
from embedlab.vectors.streams import VectorStream, has_content
from embedlab.vectors.text_parsing import parse_text, raise_extra_line

FASTTEXT_MAGIC = b"\xba\x16\x4f\x2f"
WORD_COLUMNS = ("word", "token", "label", "name")  # metadata.tsv columns that hold the word, in order of preference
_SAMPLE_LINES = 200  # lines read to infer a GloVe file's dimension
_MAX_WORD_BYTES = 10_000  # a word2vec binary word longer than this means the entries are misaligned


@dataclass
class ParsedVectors:
    """Words as the file lists them (duplicates possible), their float32 matrix, the format found, and notes.

    ``embedlab.vectors.io`` turns this into a WordVectors, keeping the first of duplicate words.
    """

    words: list[str]
    matrix: np.ndarray
    format: str  # "glove", "word2vec", "word2vec-binary" or "projector"
    notes: list[str] = field(default_factory=list)  # rows left out, and why


def parse_stream(stream: VectorStream, metadata: bytes | None = None) -> ParsedVectors:
    """Parse a vector file read piece by piece (``embedlab.vectors.streams``): memory stays bounded by its matrix."""
    with np.errstate(over="ignore", invalid="ignore"):  # 1e39 becomes inf in float32: dropped and noted, not warned
        return _parse_stream(stream, metadata)


def _parse_stream(stream: VectorStream, metadata: bytes | None) -> ParsedVectors:
    filename = stream.filename
    start = 3 if stream.head[:3] == b"\xef\xbb\xbf" else 0  # a UTF-8 byte-order mark some editors add
    head = stream.head[start:]
    _refuse_other_formats(stream, head)
    first_end = head.find(b"\n")
    first_line = (head if first_end < 0 else head[:first_end]).rstrip()
    header = _word2vec_header(first_line) if first_end >= 0 or stream.complete else None
    if header is not None:
        count, dim = header
        if count == 0 or dim == 0:
            raise EmbedLabError(f"{filename} holds no vectors: its header says {count} words of {dim} dimensions")
        check_shape(filename, count, dim, stream.limit)
        body_start = start + first_end + 1 if first_end >= 0 else len(stream.head)
        if _looks_like_text(stream.head[body_start:], dim, stream.complete):
            return _parse_text_stream(stream, body_start, dim, 2, count, "word2vec")
        return _parse_binary_stream(stream, body_start, count, dim)
    if b"\x00" in head:
        raise EmbedLabError(f"{filename} holds binary data (NUL bytes), not word vectors; expected GloVe/word2vec "
                            "text, word2vec binary (with its 'count dim' header) or a Projector vectors.tsv")
    if b"\t" in first_line and _all_numbers(first_line.split(b"\t")):
        if metadata is None:
            raise EmbedLabError(
                f"{filename} is a TensorFlow Projector vectors file (numbers only, no words); "
                "its words are in metadata.tsv — put metadata.tsv beside it and load the vectors file by path"
            )
        return _parse_projector_stream(stream, start, len(first_line.split(b"\t")), metadata)
    dim = _infer_glove_dim(head, filename, stream.complete)
    return _parse_text_stream(stream, start, dim, 1, None, "glove")


def _refuse_other_formats(stream: VectorStream, head: bytes) -> None:
    filename = stream.filename
    if not has_content(head):
        if stream.complete:
            raise EmbedLabError(
                f"{filename} is empty; expected word vectors (GloVe/word2vec text or binary, Projector TSV)"
            )
        raise EmbedLabError(f"{filename} starts with a megabyte of blank space; expected word vectors from its "
                            "first line — remove the blank lines at its start")
    if head[:4] == FASTTEXT_MAGIC:
        raise EmbedLabError(
            f"{filename} is a fastText model (.bin), not a vector file; load the .vec text file fastText "
            "writes beside it, or export one with `fasttext print-word-vectors`"
        )
    if head[:6] == b"\x93NUMPY" or head[:1] == b"\x80" or head[:2] == b"PK":
        raise EmbedLabError(
            f"{filename} is a NumPy, pickle or zip file, not a word-vector file; save the vectors as word2vec "
            "text (gensim: `kv.save_word2vec_format(path)`) and load that"
        )


def _word2vec_header(line: bytes) -> tuple[int, int] | None:
    fields = line.split(b" ")  # "count dim": a tab-separated pair of numbers is a Projector row instead
    if len(fields) == 2 and all(field.isdigit() for field in fields):
        return int(fields[0]), int(fields[1])
    return None


def _looks_like_text(body: bytes, dim: int, complete: bool) -> bool:
    """True if the first entry after a word2vec header is a text line of a word and ``dim`` numbers."""
    end = body.find(b"\n")
    line = (body if end < 0 else body[:end]).rstrip()
    if not line:
        return not has_content(body)  # nothing after the header: let the text parser report it
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


def _infer_glove_dim(head: bytes, filename: str, complete: bool) -> int:
    """The most common field count among the first lines, less one (the word)."""
    lines = head.split(b"\n", _SAMPLE_LINES)  # the first 200 lines, then the rest in one piece
    if len(lines) > _SAMPLE_LINES or (not complete and len(lines) > 1):
        lines = lines[:-1]  # the rest, or a line cut by the end of the head
    sample = [line.rstrip() for line in lines]
    counts = Counter(len(line.split(b" ")) for line in sample if line)
    fields = counts.most_common(1)[0][0]
    first_number, first_line = next((n, line) for n, line in enumerate(sample, start=1) if line)
    if fields < 2 or not _all_numbers(first_line.split(b" ")[-(fields - 1):]):
        # The line itself is never quoted: on a server, the file may be one the visitor may not read.
        raise EmbedLabError(
            f"{filename} holds no vectors: line {first_number} is not a word followed by numbers; "
            "expected GloVe/word2vec text, word2vec binary or a Projector vectors.tsv"
        )
    return fields - 1


def _expected_rows(stream: VectorStream, start: int) -> int | None:
    """About how many lines the file holds, from the head's average line length (None if unknown)."""
    sample = stream.head[start:]
    lines = sample.count(b"\n")
    if stream.complete:
        return lines + 1
    if stream.size is None or lines == 0:
        return None
    return int((stream.size - start) * lines / len(sample)) + 1


def _parse_text_stream(stream: VectorStream, start: int, dim: int, first_line_number: int,
                       expected_count: int | None, format: str) -> ParsedVectors:
    """GloVe or word2vec text lines, a piece at a time (``text_parsing`` reads each piece)."""
    filename = stream.filename
    estimate = _expected_rows(stream, start)
    if expected_count is None and not stream.complete:
        check_shape(filename, estimate, dim, stream.limit)  # a file of short numbers outgrows its bytes
    guesses = [rows for rows in (expected_count, estimate) if rows is not None]
    collector = RowCollector(dim, filename, stream.limit, min(guesses) if guesses else None)
    line_number = first_line_number
    for piece in stream.line_pieces(start):
        if has_content(piece):
            words, block = parse_text(piece, filename, dim, line_number, None)
            if expected_count is not None and collector.parsed + len(words) > expected_count:
                raise_extra_line(piece, filename, dim, line_number, expected_count, collector.parsed)
            collector.add(words, block)
        line_number += piece.count(b"\n")
    if collector.parsed == 0:
        raise EmbedLabError(f"{filename} holds no vectors: no line after the header has a word and {dim} numbers")
    if expected_count is not None and collector.parsed != expected_count:
        raise EmbedLabError(
            f"{filename}: the header (line 1) says {expected_count} words, but the file holds {collector.parsed} "
            "vector lines — the file may be cut short, or fix the count in the header"
        )
    return _finished(collector, format)


def _finished(collector: RowCollector, format: str) -> ParsedVectors:
    words, matrix, notes = collector.finish()
    if not words:
        raise EmbedLabError(f"{collector.filename} holds no usable vectors: {notes[0]}")
    return ParsedVectors(words, matrix, format, notes)


def _parse_binary_stream(stream: VectorStream, start: int, count: int, dim: int) -> ParsedVectors:
    """word2vec binary entries: word, a space, ``dim`` float32 (little-endian), maybe a newline."""
    filename, width = stream.filename, 4 * dim
    known = None if stream.size is None else (stream.size - start) // (width + 2)
    collector = RowCollector(dim, filename, stream.limit, min(count, known) if known is not None else count)
    buffer, position, offset, entry = b"", 0, start, 0  # offset: the file's byte at buffer[0]
    for piece in stream.raw_pieces(start):
        offset += position
        buffer, position = buffer[position:] + piece, 0
        words, numbers = [], []
        while entry < count:
            while position < len(buffer) and buffer[position] == 0x0A:  # gensim strips a newline before each word
                position += 1
            space = buffer.find(b" ", position, position + _MAX_WORD_BYTES)
            if space < 0 or space + 1 + width > len(buffer):
                if space < 0 and len(buffer) - position >= _MAX_WORD_BYTES:
                    _raise_cut_short(filename, entry + 1, count, offset + position, dim)
                break  # the rest of this entry is in the next piece
            words.append(buffer[position:space].decode("utf-8", errors="replace"))
            numbers.append(buffer[space + 1:space + 1 + width])
            position = space + 1 + width
            entry += 1
        if words:
            collector.add(words, np.frombuffer(b"".join(numbers), dtype="<f4").reshape(-1, dim))
        if entry == count and has_content(buffer[position:]):
            break
    if entry < count:
        _raise_cut_short(filename, entry + 1, count, offset + position, dim)
    if has_content(buffer[position:]):
        raise EmbedLabError(
            f"{filename}: the header says {count} words, but more data follows entry {count} "
            f"(byte {offset + position}) — fix the count in the header"
        )
    return _finished(collector, "word2vec-binary")


def _raise_cut_short(filename: str, entry: int, count: int, byte: int, dim: int) -> None:
    raise EmbedLabError(
        f"{filename} is cut short: entry {entry} of the {count} its header promises (byte {byte}) "
        f"has no complete word and {dim} float32 numbers — download or copy the file again"
    )


def _parse_projector_stream(stream: VectorStream, start: int, dim: int, metadata: bytes) -> ParsedVectors:
    """A Projector vectors.tsv a piece at a time; row ``i`` takes the ``i``-th word of metadata.tsv."""
    filename = stream.filename
    words = projector_metadata_words(metadata)
    collector = RowCollector(dim, filename, stream.limit, len(words))
    line_number = 1
    for piece in stream.line_pieces(start):
        block = _parse_projector_piece(piece, filename, dim, line_number)
        first = collector.parsed
        collector.add((words[first:first + len(block)] + [""] * len(block))[:len(block)], block)
        line_number += piece.count(b"\n")
    _check_metadata_rows(len(words), collector.parsed)
    return _finished(collector, "projector")


def _parse_projector_piece(piece: bytes, filename: str, dim: int, first_line_number: int) -> np.ndarray:
    lines = [line.rstrip(b"\r") for line in piece.split(b"\n")]
    numbered = [(n, line) for n, line in enumerate(lines, start=first_line_number) if line.strip()]
    if not numbered:
        return np.empty((0, dim), dtype=np.float32)
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
    words = projector_metadata_words(data)
    _check_metadata_rows(len(words), expected_rows)
    return words


def projector_metadata_words(data: bytes) -> list[str]:
    """The words of a metadata.tsv, one per vectors.tsv row (see ``parse_projector_metadata``)."""
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
    return lines


def _check_metadata_rows(words: int, rows: int) -> None:
    if words != rows:
        raise EmbedLabError(
            f"metadata.tsv has {words} words but vectors.tsv has {rows} rows; they must match line "
            "for line (with more than one column, metadata.tsv's first row is the header)"
        )

"""Reading the text lines of GloVe and word2vec files (``word n1 … nd``) into words and a float32 matrix.

The common case (every line ``word`` + exactly ``d`` numbers) is read in bulk: big files
by a compiled scan (``embedlab.vectors.text_scan``, numba), small ones by pandas' C CSV
parser. Anything unusual (a word holding spaces, a short line, a stray character) falls
back to a line-by-line parser that names the line and what is wrong with it, so a bulk
path never has to explain an error.
"""

from __future__ import annotations

import numpy as np

from embedlab.errors import EmbedLabError

COMPILED_SCAN_MIN_BYTES = 4 << 20  # smaller files parse fast enough without importing numba


def parse_text(body: bytes, filename: str, dim: int, first_line_number: int,
                expected_count: int | None) -> tuple[list[str], np.ndarray]:
    """Fastest path first: the compiled scan (big files), else pandas, else line by line with line numbers."""
    words, matrix, scanned = None, None, False
    if len(body) >= COMPILED_SCAN_MIN_BYTES:
        try:
            words, matrix = parse_text_compiled(body, dim)
            scanned = True  # it ran: None means a malformed line, for the careful parser to name
        except Exception:  # noqa: BLE001 — no numba, or it failed to compile: the pandas path is as correct
            words, matrix = None, None
    if words is None and not scanned:
        try:
            words, matrix = parse_text_bulk(body, dim)
        except Exception:  # noqa: BLE001 — any surprise: the careful parser finds and names the problem
            words, matrix = None, None
    if words is None or (expected_count is not None and len(words) != expected_count):
        words, matrix = _parse_text_lines(body, filename, dim, first_line_number, expected_count)
    return words, matrix


def parse_text_compiled(body: bytes, dim: int) -> tuple[list[str] | None, np.ndarray | None]:
    """The numba scan for the common lines; odd lines (words with spaces, "nan", …) read here in Python.

    Returns ``(None, None)`` when some line is malformed, so the careful parser names it.
    """
    from embedlab.vectors.text_scan import scan_text

    matrix, word_starts, word_ends, odd, rows = scan_text(body, dim)
    words = _words_at(body, word_starts, word_ends)
    if not odd.any():
        return words, matrix
    keep = np.ones(rows, dtype=bool)
    for row in np.flatnonzero(odd).tolist():
        line = body[word_starts[row]:word_ends[row]].rstrip(b"\r").rstrip(b" ")
        if not line.strip():
            keep[row] = False  # only spaces: a blank line
            continue
        fields = line.rsplit(b" ", dim)
        if len(fields) != dim + 1 or not fields[0]:
            return None, None
        try:
            matrix[row] = [float(field) for field in fields[1:]]
        except ValueError:
            return None, None
        words[row] = fields[0].decode("utf-8", errors="replace")
    if not keep.all():
        words, matrix = [word for word, kept in zip(words, keep.tolist()) if kept], matrix[keep]
    return words, matrix


def _words_at(body: bytes, starts: np.ndarray, ends: np.ndarray) -> list[str]:
    """``body[start:end]`` decoded, for every pair, in one gather and one decode (not 400k small ones).

    Each word is gathered with one byte more, which is set to a newline: no word holds one,
    since words come from lines, so splitting on it gives the words back.
    """
    lengths = ends - starts + 1
    offsets = np.cumsum(lengths) - lengths
    positions = np.arange(int(lengths.sum()), dtype=np.int64) + np.repeat(starts - offsets, lengths)
    buffer = np.frombuffer(body, dtype=np.uint8)
    gathered = buffer[np.minimum(positions, len(body) - 1)]  # a word may end the file; its extra byte is set below
    gathered[offsets + lengths - 1] = 10
    return gathered.tobytes().decode("utf-8", errors="replace").split("\n")[:-1]


def parse_text_bulk(body: bytes, dim: int) -> tuple[list[str] | None, np.ndarray | None]:
    """Every line exactly ``word`` + ``dim`` numbers (optionally a trailing space): pandas' C parser.

    Measured against pyarrow's CSV reader and ``np.fromstring`` on a 400k x 50 GloVe file,
    pandas was the fastest. With ``na_filter=False`` a row with too many or too few fields
    makes pandas raise, and the careful parser then names the line.
    """
    import csv
    import io

    import pandas as pd

    end = body.find(b"\n")
    trailing_space = (body if end < 0 else body[:end]).rstrip(b"\r").endswith(b" ")
    columns = dim + 1 + trailing_space
    frame = pd.read_csv(
        io.BytesIO(body), sep=" ", header=None, names=range(columns), quoting=csv.QUOTE_NONE, engine="c",
        dtype={0: object, **{i: np.float32 for i in range(1, dim + 1)},
               **({dim + 1: object} if trailing_space else {})},
        na_filter=False, keep_default_na=False, skip_blank_lines=True, encoding="utf-8", encoding_errors="replace",
    )
    if trailing_space and not (frame[dim + 1] == "").all():
        return None, None  # something after the last number: let the careful parser name it
    matrix = np.empty((len(frame), dim), dtype=np.float32)  # C order, filled once (to_numpy gives F order)
    for column in range(dim):
        matrix[:, column] = frame[column + 1].to_numpy()
    return frame[0].tolist(), matrix


def raise_extra_line(body: bytes, filename: str, dim: int, first_line_number: int, expected_count: int,
                     counted_before: int) -> None:
    """Raise the error naming the first line of ``body`` past the ``expected_count`` a word2vec header gave.

    ``counted_before`` lines were read before ``body`` (a file is parsed a piece at a time).
    """
    _parse_text_lines(body, filename, dim, first_line_number, expected_count, counted_before)
    raise EmbedLabError(f"{filename}: the header (line 1) says {expected_count} words, but the file holds more "
                        "— fix the count in the header")  # not reached: the line is named above


def _parse_text_lines(body: bytes, filename: str, dim: int, first_line_number: int,
                      expected_count: int | None, counted_before: int = 0) -> tuple[list[str], np.ndarray]:
    """One line at a time: the last ``dim`` fields are numbers, everything before is the word."""
    words: list[str] = []
    numbers: list[bytes] = []
    line_numbers: list[int] = []
    for number, raw in enumerate(body.split(b"\n"), start=first_line_number):
        line = raw.rstrip(b"\r").rstrip(b" ")
        if not line.strip():
            continue
        fields = line.rsplit(b" ", dim)
        if len(fields) == dim + 1 and not fields[0]:
            raise EmbedLabError(
                f"{filename}, line {number}: the line starts with a space, so it has no word before its "
                f"{dim} numbers — remove the space or give the word"
            )
        if len(fields) != dim + 1:
            found = len(fields) - 1
            raise EmbedLabError(
                f"{filename}, line {number}: found {found} number{'s' if found != 1 else ''} after the word, "
                f"expected {dim} (the dimension of the first lines) — the file may be cut short or mixed"
            )
        if expected_count is not None and counted_before + len(words) == expected_count:
            raise EmbedLabError(
                f"{filename}, line {number}: the header (line 1) says {expected_count} words, but the file holds "
                "more — fix the count in the header"
            )
        words.append(fields[0].decode("utf-8", errors="replace"))
        numbers.extend(fields[1:])
        line_numbers.append(number)
    if not words:
        raise EmbedLabError(f"{filename} holds no vectors: no line after the header has a word and {dim} numbers")
    if expected_count is not None and counted_before + len(words) != expected_count:
        raise EmbedLabError(
            f"{filename}: the header (line 1) says {expected_count} words, but the file holds {len(words)} "
            "vector lines — the file may be cut short, or fix the count in the header"
        )
    try:
        matrix = np.array(numbers, dtype=np.float32).reshape(len(words), dim)
    except ValueError:
        _raise_non_numeric(numbers, line_numbers, filename, dim)
    return words, matrix


def _raise_non_numeric(numbers: list[bytes], line_numbers: list[int], filename: str, dim: int) -> None:
    for row, number in enumerate(line_numbers):
        for field in numbers[row * dim:(row + 1) * dim]:
            try:
                float(field)
            except ValueError:
                shown = field[:30].decode("utf-8", errors="replace")
                raise EmbedLabError(
                    f"{filename}, line {number}: '{shown}' is not a number; expected a word then {dim} numbers"
                ) from None
    raise EmbedLabError(f"{filename}: some numbers could not be read")  # not reached: a field above fails

"""A compiled (numba) scan of GloVe/word2vec text: ``word n1 … nd`` lines straight into a float32 matrix.

Numbers go through Clinger's fast path: a mantissa up to 2**53 and a power of ten
within ±22 are exact in float64, so one correctly rounded multiply or divide gives the
same float64 Python's ``float()`` gives, and then the same float32 gensim stores. A line
outside that pattern (a word with spaces, "nan", a long mantissa, a malformed line) is
marked "odd" and left to the Python parser, which reads it or names what is wrong.
numba is already a dependency (umap-learn); import this module only when a big file is read
(importing numba takes a moment). Compiled code is cached beside the module when it can be.
"""

from __future__ import annotations

import os

import numba
import numpy as np

POWERS_OF_TEN = np.array([10.0 ** k for k in range(23)], dtype=np.float64)  # all exact in float64


def scan_text(body: bytes, dim: int,
              threads: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
    """Scan ``body`` (no header) line by line, in ``threads`` pieces at once (default: one per core, up to 4).

    Returns:
        ``(matrix, word_starts, word_ends, odd, rows)``: per non-blank line its vector, the
        byte range of its word (for an odd line: the line) and whether the Python parser must
        read it (its vector row is then unset); ``rows`` lines were found.
    """
    buffer = np.frombuffer(body, dtype=np.uint8)
    if threads is None:
        threads = min(os.cpu_count() or 1, 4) if len(body) > (8 << 20) else 1
    bounds = [0]
    for piece in range(1, threads):
        cut = body.find(b"\n", len(body) * piece // threads)
        bounds.append(len(body) if cut < 0 else max(cut + 1, bounds[-1]))
    bounds.append(len(body))
    pieces = [(start, end) for start, end in zip(bounds, bounds[1:]) if end > start] or [(0, 0)]
    if len(pieces) == 1:
        results = [_scan_piece(body, buffer, dim, *pieces[0])]
    else:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(len(pieces)) as pool:  # the compiled scan releases the GIL
            results = list(pool.map(lambda piece: _scan_piece(body, buffer, dim, *piece), pieces))
    parts = [tuple(array[:rows] for array in arrays) for arrays, rows in results]
    rows = sum(rows for _, rows in results)
    if len(parts) == 1:
        return (*parts[0], rows)
    return (*(np.concatenate(column) for column in zip(*parts)), rows)


def _scan_piece(body: bytes, buffer: np.ndarray, dim: int, start: int, end: int):
    piece = buffer[start:end]
    capacity = body.count(b"\n", start, end) + 1  # at most one row a line
    matrix = np.empty((capacity, dim), dtype=np.float32)
    word_starts = np.empty(capacity, dtype=np.int64)
    word_ends = np.empty(capacity, dtype=np.int64)
    odd = np.zeros(capacity, dtype=np.bool_)
    rows = _scan(piece, dim, matrix, word_starts, word_ends, odd, POWERS_OF_TEN)
    word_starts += start
    word_ends += start
    return (matrix, word_starts, word_ends, odd), rows


@numba.njit(cache=True, nogil=True, inline="always")
def _parse_number(buffer, position, end, powers):
    """``(value, next position, ok)`` for the number at ``position``; ok False outside the exact fast path."""
    negative = False
    sign = buffer[position] if position < end else 0
    if sign == 45:  # -
        negative = True
        position += 1
    elif sign == 43:  # +
        position += 1
    mantissa = 0
    digits = 0
    exponent = 0
    point = -1  # where the decimal point is, once read
    while position < end:
        d = buffer[position] - 48
        if d < 0 or d > 9:
            if d != -2 or point >= 0:  # -2 is ".": the first one goes on to the fraction's digits
                break
            point = position
        else:
            mantissa = mantissa * 10 + d  # may wrap past 18 digits; such a number is refused below
            digits += 1
        position += 1
    if point >= 0:
        exponent = point + 1 - position
    if digits == 0 or digits > 18:
        return 0.0, position, False
    if position < end and (buffer[position] == 101 or buffer[position] == 69):
        position += 1
        exponent_negative = False
        if position < end and (buffer[position] == 45 or buffer[position] == 43):
            exponent_negative = buffer[position] == 45
            position += 1
        written = 0
        exponent_start = position
        while position < end:
            d = buffer[position] - 48
            if d < 0 or d > 9:
                break
            written = written * 10 + d
            position += 1
            if written > 1000:
                return 0.0, position, False
        if position == exponent_start:
            return 0.0, position, False
        exponent += -written if exponent_negative else written
    if mantissa > 9007199254740992:  # 2**53: above it the mantissa is not exact in float64
        return 0.0, position, False
    if exponent < -22 or exponent > 22:
        if mantissa != 0:
            return 0.0, position, False
        exponent = 0
    value = float(mantissa)
    if exponent < 0:
        value = value / powers[-exponent]
    else:
        value = value * powers[exponent]
    return (-value if negative else value), position, True


@numba.njit(cache=True, nogil=True)
def _scan(buffer, dim, matrix, word_starts, word_ends, odd, powers):
    """One pass: word up to the first space, then ``dim`` numbers each after one space, then the line end."""
    size = buffer.shape[0]
    row = 0
    position = 0
    while position < size:
        if buffer[position] == 10:
            position += 1
            continue  # a blank line
        if buffer[position] == 13 and position + 1 < size and buffer[position + 1] == 10:
            position += 2
            continue
        line_start = position
        space = position
        while space < size and buffer[space] != 32 and buffer[space] != 10:
            space += 1
        word_starts[row] = line_start
        word_ends[row] = space
        good = space > line_start and space < size and buffer[space] == 32
        cursor = space + 1
        column = 0
        while good and column < dim:
            value, cursor, ok = _parse_number(buffer, cursor, size, powers)
            if not ok:
                good = False
                break
            matrix[row, column] = value
            column += 1
            if column < dim:
                if cursor < size and buffer[cursor] == 32:
                    cursor += 1
                else:
                    good = False
        if good:
            if cursor < size and buffer[cursor] == 32:
                cursor += 1  # fastText and gensim write a space after the last number
            if cursor < size and buffer[cursor] == 13:
                cursor += 1
            good = cursor == size or buffer[cursor] == 10
        if not good:
            cursor = min(cursor, size)
            while cursor < size and buffer[cursor] != 10:
                cursor += 1
            word_ends[row] = cursor  # the Python parser gets the whole line
        odd[row] = not good
        row += 1
        position = cursor + 1
    return row

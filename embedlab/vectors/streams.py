"""Vector files read front to back in bounded pieces, with a size limit checked before reading.

A vector file can be bigger than the memory a server can spare, or hostile (a sparse
2 GB file, a gzip bomb). So its size is checked first, from the file system or the gzip
trailer, and the parsers then see its head (to tell the format) followed by pieces of a
few megabytes that end at a line end: never the whole file at once. The unpacked bytes
of a gzip file are counted as they come, so a bomb stops at the limit.

The limit is ``EMBEDLAB_MAX_VECTOR_MB`` megabytes (default 1,500: glove.6B.300d.txt,
1,038 MB, fits); it bounds the file, its unpacked bytes and the matrix it becomes.
"""

from __future__ import annotations

import gzip
import io
import os
import re
import zlib
from pathlib import Path

from embedlab.errors import EmbedLabError

MAX_VECTOR_MB_ENV = "EMBEDLAB_MAX_VECTOR_MB"
DEFAULT_MAX_VECTOR_MB = 1_500
HEAD_BYTES = 1 << 20  # read first: enough lines to tell the format and the dimension
CHUNK_BYTES = 16 << 20  # one piece; its parse needs a few times this, whatever the file's size
MAX_LINE_BYTES = 16 << 20  # 65,536 numbers of 20 characters fit; a longer "line" is not a vector file
MAX_GZIP_RATIO = 20  # vector text packs 2-4 times smaller; a file that unpacks 20 times bigger is a bomb
_CONTENT = re.compile(rb"[^ \t\r\n]")


def max_vector_bytes() -> int:
    """The size limit for a vector file, its unpacked bytes and its matrix, from ``EMBEDLAB_MAX_VECTOR_MB``."""
    value = os.environ.get(MAX_VECTOR_MB_ENV, "").strip()
    try:
        megabytes = float(value) if value else DEFAULT_MAX_VECTOR_MB
    except ValueError:
        raise EmbedLabError(f"{MAX_VECTOR_MB_ENV}={value!r} is not a number; give megabytes, e.g. 1500") from None
    return max(1, int(megabytes * 1_000_000))


def too_big(filename: str, size: int, limit: int, what: str = "is") -> EmbedLabError:
    """The error for a file over the limit, saying how to get under it."""
    return EmbedLabError(
        f"{filename} {what} {megabytes(size)}; vector files are limited to {megabytes(limit)} "
        f"({MAX_VECTOR_MB_ENV}) — keep the most frequent words (e.g. `head -n 400000 big.txt > smaller.txt`) "
        "or ask the admin to raise the limit"
    )


def megabytes(size: int) -> str:
    """A byte count for people: whole megabytes from 10 MB up, else two decimals."""
    return f"{size / 1e6:,.0f} MB" if size >= 10_000_000 else f"{size / 1e6:,.2f} MB"


def has_content(piece: bytes) -> bool:
    """True if ``piece`` holds anything but spaces, tabs and line ends (found without copying it)."""
    return _CONTENT.search(piece) is not None


class VectorStream:
    """One vector file, unpacked if gzip: its ``head`` first, then pieces from any offset within the head.

    Args:
        handle: a binary file object at the file's start (closed with the stream).
        filename: shown in messages.
        limit: most bytes (unpacked) to read before refusing.
        size: the bytes to come, when known (a plain file), for estimating the matrix.
        packed: a gzip file's own size: unpacking more than ``MAX_GZIP_RATIO`` times it is refused.
    """

    def __init__(self, handle, filename: str, limit: int, size: int | None = None, packed: int | None = None,
                 raw=None) -> None:
        self.handle, self.filename, self.limit, self.size = handle, filename, limit, size
        self.raw = raw  # the file under a gzip reader, which does not close it
        self.packed_limit = None if packed is None else MAX_GZIP_RATIO * packed + HEAD_BYTES
        self.read_total = 0
        self.head = self._read(HEAD_BYTES)
        self.complete = len(self.head) < HEAD_BYTES  # the head is the whole file

    def __enter__(self) -> VectorStream:
        return self

    def __exit__(self, *exc) -> None:
        self.handle.close()
        if self.raw is not None:
            self.raw.close()

    def _read(self, size: int) -> bytes:
        try:
            data = self.handle.read(size)
        except (OSError, EOFError, zlib.error) as error:
            if not isinstance(self.handle, gzip.GzipFile):
                raise EmbedLabError(f"cannot read {self.filename} ({error}); check the file and its disk") from None
            raise EmbedLabError(
                f"{self.filename} looks gzip-compressed but cannot be unpacked ({error}); "
                "download or copy it again, or unpack it with gunzip first"
            ) from None
        self.read_total += len(data)
        if self.read_total > self.limit:
            raise too_big(self.filename, self.limit, self.limit, "unpacks to more than")
        if self.packed_limit is not None and self.read_total > self.packed_limit:
            raise EmbedLabError(
                f"{self.filename} unpacks to more than {MAX_GZIP_RATIO} times its own size, which word vectors "
                "never do (random-looking numbers pack 2-4 times smaller); it looks like a zip bomb — "
                "unpack it yourself and check its content"
            )
        return data

    def raw_pieces(self, start: int):
        """The bytes from ``start`` (an offset within the head) to the end, in pieces of any length."""
        if self.head[start:]:
            yield self.head[start:]
        if self.complete:
            return
        while True:
            piece = self._read(CHUNK_BYTES)
            if piece:
                yield piece
            if len(piece) < CHUNK_BYTES:
                return

    def line_pieces(self, start: int):
        """The bytes from ``start`` to the end, in pieces that each end at a line end (the last one may not).

        Each read is appended to the unfinished last line of the one before, so at most about two
        pieces are held at once, whatever the file's size.
        """
        pending, done = self.head[start:], self.complete
        while not done:
            more = self._read(CHUNK_BYTES)
            done = len(more) < CHUNK_BYTES
            pending = pending + more if pending else more
            del more
            if done:
                break
            cut = pending.rfind(b"\n")
            if cut < 0:
                if len(pending) > MAX_LINE_BYTES:
                    raise EmbedLabError(
                        f"{self.filename} has a line longer than {MAX_LINE_BYTES >> 20} MB (or no line breaks); "
                        "a vector file has one word and its numbers per line"
                    )
                continue
            piece, pending = pending[:cut + 1], pending[cut + 1:]
            yield piece
            del piece
        if pending:
            yield pending


def open_vector_path(path: Path, limit: int) -> VectorStream:
    """A stream over the file at ``path``, refused by its size (or gzip's recorded size) before reading it."""
    size = path.stat().st_size
    if size > limit:
        raise too_big(path.name, size, limit)
    try:
        handle = open(path, "rb")
    except OSError as error:
        raise EmbedLabError(f"cannot read {path} ({error.strerror}); check the file's permissions") from None
    try:
        if handle.read(2) == b"\x1f\x8b":
            # gzip records the unpacked size (mod 4 GiB) in its last 4 bytes: an honest big file stops here,
            # a forged one when its unpacked bytes pass the limit.
            handle.seek(max(0, size - 4))
            recorded = int.from_bytes(handle.read(4), "little")
            if recorded > limit:
                raise too_big(path.name, recorded, limit, "unpacks to")
            handle.seek(0)
            return VectorStream(gzip.GzipFile(fileobj=handle, mode="rb"), path.name, limit, packed=size, raw=handle)
        handle.seek(0)
        return VectorStream(handle, path.name, limit, size)
    except BaseException:
        handle.close()
        raise


def open_vector_bytes(data: bytes, filename: str, limit: int) -> VectorStream:
    """A stream over bytes already in memory (an upload), unpacked if gzip, with the same limits."""
    if len(data) > limit:
        raise too_big(filename, len(data), limit)
    handle = io.BytesIO(data)
    if data[:2] == b"\x1f\x8b":
        return VectorStream(gzip.GzipFile(fileobj=handle, mode="rb"), filename, limit, packed=len(data))
    return VectorStream(handle, filename, limit, len(data))

"""A labelled file's bytes: read within a size limit, binaries refused, decoded to text.

The encoding is found from the content, never from the file name or a form field: UTF-8
(with or without a byte-order mark), UTF-16 with a byte-order mark, else Windows-1252 or
what charset-normalizer detects. A fallback is always reported, so accents that look
wrong can be traced to the encoding.
"""

from __future__ import annotations

from pathlib import Path

from embedlab.errors import EmbedLabError

EXPECTED_FORMATS = "a CSV, TSV, JSON Lines, JSON or fastText .txt file"

# File signatures of things people upload by mistake.
_BINARY_MAGIC = {
    b"\x89PNG": "a PNG image", b"PK\x03\x04": "a zip archive (or .xlsx/.docx/.keras)", b"\x1f\x8b": "a gzip archive",
    b"%PDF": "a PDF document", b"\xff\xd8\xff": "a JPEG image", b"GIF8": "a GIF image",
    b"\xd0\xcf\x11\xe0": "an old Office document (.xls/.doc)", b"PAR1": "a Parquet file", b"\x93NUMPY": "a NumPy file",
}


def read_source(source: str | Path | bytes, filename: str | None, *, max_bytes: int,
                max_rows: int) -> tuple[bytes, str]:
    """The bytes of a path or an upload, and the name to use in messages.

    A file over ``max_bytes`` is refused before it is read; ``max_rows`` only goes into the
    advice of that message (the rows are counted after parsing).
    """
    if isinstance(source, (bytes, bytearray, memoryview)):
        raw = bytes(source)
        name = filename or "upload"
    else:
        path = Path(source).expanduser()
        if not path.is_file():
            raise EmbedLabError(f"no file at {path}; expected {EXPECTED_FORMATS}")
        size = path.stat().st_size
        if size > max_bytes:
            raise _too_large(path.name, size, max_bytes, max_rows)
        raw = path.read_bytes()
        name = filename or path.name
    if len(raw) > max_bytes:
        raise _too_large(name, len(raw), max_bytes, max_rows)
    return raw, name


def _too_large(name: str, size: int, max_bytes: int, max_rows: int) -> EmbedLabError:
    return EmbedLabError(
        f"{name} is {size / 1024**2:,.0f} MB; the limit is {max_bytes / 1024**2:,.0f} MB and {max_rows:,} rows — "
        "take a random sample of the rows (e.g. `shuf -n 100000`) and upload that"
    )


def check_not_binary(raw: bytes, name: str) -> None:
    """Refuse images, archives, office documents and anything with NUL bytes that is not UTF-16."""
    for magic, kind in _BINARY_MAGIC.items():
        if raw.startswith(magic):
            raise EmbedLabError(
                f"{name} looks like a binary file ({kind}), not text; expected {EXPECTED_FORMATS} — "
                "export your table as CSV (UTF-8) and upload that"
            )
    sample = raw[:8192]
    if b"\x00" in sample and not (sample.startswith((b"\xff\xfe", b"\xfe\xff"))):
        raise EmbedLabError(
            f"{name} looks like a binary file (it contains NUL bytes), not text; expected {EXPECTED_FORMATS} — "
            "export your table as CSV (UTF-8) and upload that"
        )


def decode_bytes(raw: bytes) -> tuple[str, str, list[str]]:
    """Decode file bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else a detected single-byte encoding.

    Returns ``(text, encoding, notes)``; a fallback is always reported in ``notes``.

    Example:
        >>> decode_bytes("café".encode("cp1252"))[1]
        'cp1252'
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="strict"), "utf-8-sig", []
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16"), "utf-16", ["read as UTF-16 (it starts with a UTF-16 byte-order mark), not UTF-8"]
    try:
        return raw.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError as error:
        position = error.start
    encoding = _guess_encoding(raw)
    text = raw.decode(encoding, errors="replace")
    label = {"cp1252": "Windows-1252", "latin-1": "Latin-1", "iso-8859-1": "Latin-1"}.get(encoding, encoding)
    return text, encoding, [
        f"read as {label}, not UTF-8 (byte {position:,} is not valid UTF-8); if accents look wrong, "
        "save the file as UTF-8 and upload it again"
    ]


def _guess_encoding(raw: bytes) -> str:
    """Windows-1252 when every byte is defined there (the usual non-UTF-8 export), else charset-normalizer's guess."""
    try:
        raw.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        pass
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(raw[:200_000]).best()
        if best is not None and best.encoding not in ("utf_8", "ascii"):
            encoding = best.encoding.replace("_", "-")
            if encoding in ("cp1252", "windows-1252", "latin-1", "iso8859-1", "iso-8859-1"):
                return "cp1252"
            raw[:200_000].decode(encoding)  # the detector sampled; make sure it really decodes
            return encoding
    except Exception:  # noqa: BLE001 — detection is a hint; cp1252 decodes any byte string
        pass
    return "cp1252"

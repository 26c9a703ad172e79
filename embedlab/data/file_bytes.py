"""An uploaded file's bytes: read within a size limit, binaries refused, decoded to text.

``read_text`` is how every upload becomes text (the Data page's labelled files, Predict's
batch files), so every upload path accepts the same encodings; a downloaded dataset's file is
decoded with the same ``decode_bytes``.

The encoding is found from the content, never from the file name or a form field: UTF-32
or UTF-16 (by their byte-order mark, or without one by where the zero bytes fall), UTF-8
(with or without a byte-order mark, a few broken bytes replaced), else Windows-1252 or what
charset-normalizer detects. A fallback is always reported, so accents that look wrong can
be traced to the encoding.
"""

from __future__ import annotations

import re
from pathlib import Path

from embedlab.errors import EmbedLabError

EXPECTED_FORMATS = "a CSV, TSV, JSON Lines, JSON or fastText .txt file"

# File signatures of things people upload by mistake.
_BINARY_MAGIC = {
    b"\x89PNG": "a PNG image", b"PK\x03\x04": "a zip archive (or .xlsx/.docx/.keras)", b"\x1f\x8b": "a gzip archive",
    b"%PDF": "a PDF document", b"\xff\xd8\xff": "a JPEG image", b"GIF8": "a GIF image",
    b"\xd0\xcf\x11\xe0": "an old Office document (.xls/.doc)", b"PAR1": "a Parquet file", b"\x93NUMPY": "a NumPy file",
}


# Byte-order marks, UTF-32's first: its little-endian mark begins with UTF-16's.
_BOMS = ((b"\xff\xfe\x00\x00", "utf-32", "UTF-32"), (b"\x00\x00\xfe\xff", "utf-32", "UTF-32"),
         (b"\xff\xfe", "utf-16", "UTF-16"), (b"\xfe\xff", "utf-16", "UTF-16"))
# Text without a byte-order mark, told by which byte of each character is zero: in UTF-32 the top
# byte always is and the next almost always (a character outside the BMP is rare); in UTF-16 the
# high byte of every Latin character is, while the low byte almost never is.
#   (codec, bytes per character, position of the always-zero byte, of the mostly-zero byte, of the rarely-zero one)
_BOMLESS = (("utf-32-le", 4, 3, 2, 0), ("utf-32-be", 4, 0, 1, 3), ("utf-16-le", 2, 1, 1, 0), ("utf-16-be", 2, 0, 0, 1))
_CONTROL_BYTES = bytes(set(range(32)) - set(b"\t\n\r\x0c"))


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


def read_text(raw: bytes, name: str, expected: str = EXPECTED_FORMATS) -> tuple[str, str, list[str]]:
    """The text of an uploaded file, however it is encoded: what every upload path reads its bytes with.

    Binaries are refused (``check_not_binary``, the message naming ``name`` and saying that
    ``expected`` was expected); the encoding is found from the content (``decode_bytes``);
    control characters inside the text are noted (``control_characters_note``).
    Returns ``(text, encoding, notes)``.

    Example:
        >>> read_text("good film".encode("utf-16"), "lines.txt")[:2]
        ('good film', 'utf-16')
    """
    check_not_binary(raw, name, expected)
    text, encoding, notes = decode_bytes(raw)
    if (controls := control_characters_note(text)) is not None:
        notes.append(controls)
    return text, encoding, notes


def check_not_binary(raw: bytes, name: str, expected: str = EXPECTED_FORMATS) -> None:
    """Refuse images, archives, office documents, and bytes that are not text in any encoding read here.

    A few NUL or control bytes in a text are kept (broken exports have them); many are binary data.
    """
    for magic, kind in _BINARY_MAGIC.items():
        if raw.startswith(magic):
            raise EmbedLabError(
                f"{name} looks like a binary file ({kind}), not text; expected {expected} — "
                "export your table as CSV (UTF-8) and upload that"
            )
    sample = raw[:8192]
    if b"\x00" not in sample or wide_encoding(raw) is not None:
        return
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if sample.count(0) * 100 > len(sample) or controls * 20 > len(sample):
        raise EmbedLabError(
            f"{name} looks like a binary file (it contains NUL bytes), not text; expected {expected} — "
            "export your table as CSV (UTF-8) and upload that"
        )


def wide_encoding(raw: bytes) -> tuple[str, str] | None:
    """``(codec, "UTF-32" or "UTF-16")`` of text in one of those encodings, else None.

    Example:
        >>> wide_encoding("text,label".encode("utf-32-le"))
        ('utf-32-le', 'UTF-32')
    """
    for bom, codec, label in _BOMS:
        if raw.startswith(bom):
            return codec, label
    sample = raw[:8192]
    if b"\x00" not in sample:
        return None
    for codec, width, always, mostly, rarely in _BOMLESS:
        usable = sample[:len(sample) - len(sample) % width]
        count = len(usable) // width
        if count < 2:
            continue
        zeros = [usable[position::width].count(0) / count for position in range(width)]
        if width == 4 and zeros[always] < 1.0 or zeros[mostly] < 0.5 or zeros[rarely] > 0.1:
            continue
        try:
            decoded = usable.decode(codec)
        except UnicodeDecodeError:
            continue
        controls = sum(character < " " and character not in "\t\n\r\x0c" for character in decoded)
        if controls * 20 <= len(decoded):  # text, not binary data that happens to fit the pattern
            return codec, "UTF-32" if width == 4 else "UTF-16"
    return None


def decode_bytes(raw: bytes) -> tuple[str, str, list[str]]:
    """Decode file bytes: UTF-32 or UTF-16, UTF-8 (with or without BOM), else a detected single-byte encoding.

    Returns ``(text, encoding, notes)``; a fallback is always reported in ``notes``.

    Example:
        >>> decode_bytes("café".encode("cp1252"))[1]
        'cp1252'
    """
    wide = wide_encoding(raw)
    if wide is not None:
        return _decode_wide(raw, *wide)
    if raw.startswith(b"\xef\xbb\xbf"):
        text, notes = _decode_utf8(raw[3:])
        return text, "utf-8-sig", notes
    try:
        return raw.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError as error:
        position = error.start
    valid = raw.decode("utf-8", errors="ignore")
    broken = _count_broken(raw, valid)
    if len(valid) - len(valid.encode("ascii", errors="ignore")) > broken:
        # Mostly UTF-8 (more characters beyond ASCII decode than fail): keep it, mark the broken bytes.
        return _decode_utf8(raw)[0], "utf-8", [_broken_bytes_note(broken, position, "UTF-8")]
    encoding = _guess_encoding(raw)
    text = raw.decode(encoding, errors="replace")
    label = {"cp1252": "Windows-1252", "latin-1": "Latin-1", "iso-8859-1": "Latin-1"}.get(encoding, encoding)
    return text, encoding, [
        f"read as {label}, not UTF-8 (byte {position:,} is not valid UTF-8); if accents look wrong, "
        "save the file as UTF-8 and upload it again"
    ]


def control_characters_note(text: str) -> str | None:
    """A note when decoded text holds NUL or other control characters (tab and line ends aside), else None.

    Broken exports leave them inside texts; the tokenizer reads each as a space, so the words on
    both sides are kept, but the visitor should know their file had them.

    Example:
        >>> control_characters_note("a good\x00 film")
        '1 NUL character (the first at character 6) is read as a space; ...'
    """
    found = _CONTROLS.search(text)  # one scan in C; clean files (nearly all) stop here
    if found is None:
        return None
    first, nuls = found.start(), text.count("\x00")
    others = sum(1 for _ in _CONTROLS.finditer(text, first)) - nuls
    parts = [f"{nuls:,} NUL character{'s' if nuls != 1 else ''}"] if nuls else []
    if others:
        parts.append(f"{others:,} other control character{'s' if others != 1 else ''}")
    one = nuls + others == 1
    return (f"{' and '.join(parts)} (the first at character {first:,}) {'is' if one else 'are'} read as "
            f"{'a space' if one else 'spaces'}; the words around {'it' if one else 'them'} are kept — if the file "
            "came from an export, check it is not damaged")


# NUL, the C0 controls other than tab, line feed, form feed and carriage return, DEL, and the C1 controls.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def _decode_wide(raw: bytes, codec: str, label: str) -> tuple[str, str, list[str]]:
    bom = raw.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff"))
    body = raw[:len(raw) - len(raw) % (4 if label == "UTF-32" else 2)]
    how = (f"it starts with a {label} byte-order mark" if bom
           else "by where its zero bytes fall; it has no byte-order mark")
    notes = [f"read as {label} ({how}), not UTF-8"]
    try:
        text = body.decode(codec)
    except UnicodeDecodeError as error:
        text = body.decode(codec, errors="replace")
        broken = text.count("\ufffd") - body.decode(codec, errors="ignore").count("\ufffd")
        notes.append(_broken_bytes_note(broken, error.start, label))
    if len(body) < len(raw):
        notes.append(f"the last {len(raw) - len(body)} byte(s) do not make a whole {label} character and were left out")
    if text.startswith("\ufeff"):  # a BOM-less codec name (utf-32-le) keeps the mark as a character
        text = text[1:]
    return text, codec, notes


def _decode_utf8(raw: bytes) -> tuple[str, list[str]]:
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as error:
        text = raw.decode("utf-8", errors="replace")
        return text, [_broken_bytes_note(_count_broken(raw), error.start, "UTF-8")]


def _count_broken(raw: bytes, valid: str | None = None) -> int:
    """How many bytes of ``raw`` are not part of a valid UTF-8 character."""
    valid = raw.decode("utf-8", errors="ignore") if valid is None else valid
    return len(raw.decode("utf-8", errors="surrogateescape")) - len(valid)


def _broken_bytes_note(count: int, position: int, label: str) -> str:
    return (f"read as {label}; {count:,} invalid byte sequence{'s were' if count != 1 else ' was'} replaced by "
            f"\ufffd (the first at byte {position:,}) — if texts look damaged, save the file as {label} again")


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

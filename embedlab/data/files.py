"""Reading labelled text files: CSV, TSV, JSON Lines, JSON records and fastText ``__label__`` lines.

Two steps, so the Data page can show what was detected before the user commits:
``inspect_table`` parses the bytes (format, encoding and delimiter found by content)
and suggests a text and a label column; ``labelled_from_table`` turns the chosen
columns into a :class:`~embedlab.data.labelled.LabelledDataset`, counting every row it
leaves out. ``read_labelled_file`` does both at once (CLI, tests, built-ins).

Ragged quoting (an unclosed ``"`` or a row with the wrong number of fields) is refused
with the line number and how to fix it, rather than guessed at: a guess would silently
glue many rows into one text.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from embedlab.data.labelled import LabelledDataset
from embedlab.errors import EmbedLabError

MAX_CLASSES = 20
MAX_BYTES = 200 * 1024 * 1024  # same as Streamlit's default upload limit
MAX_ROWS = 2_000_000
DELIMITERS = ",\t;|"
LABEL_NAME = re.compile(r"label|sentiment|class|target|rating|score|polarity|category|stars|^y$", re.IGNORECASE)
TEXT_NAME = re.compile(r"^(text|sentence|review|comment|content|body|document|snippet|tweet)s?$", re.IGNORECASE)
FASTTEXT_LABEL = re.compile(r"^__label__(\S*)")

# Sentiment-like label values: negative first, then neutral, then positive.
_NEGATIVE = {"neg", "negative", "0", "false", "bad", "no", "n", "-1", "-", "0.0", "f"}
_NEUTRAL = {"neutral", "neu", "mixed", "none"}
_POSITIVE = {"pos", "positive", "1", "true", "good", "yes", "y", "+", "1.0", "t"}

# File signatures of things people upload by mistake.
_BINARY_MAGIC = {
    b"\x89PNG": "a PNG image", b"PK\x03\x04": "a zip archive (or .xlsx/.docx/.keras)", b"\x1f\x8b": "a gzip archive",
    b"%PDF": "a PDF document", b"\xff\xd8\xff": "a JPEG image", b"GIF8": "a GIF image",
    b"\xd0\xcf\x11\xe0": "an old Office document (.xls/.doc)", b"PAR1": "a Parquet file", b"\x93NUMPY": "a NumPy file",
}


@dataclass
class TableFile:
    """A parsed upload before the user picks columns.

    Attributes:
        frame: the rows, every column as read (no row dropped yet).
        name: the file name (or "upload").
        format: "csv", "tsv", "delimited", "jsonl", "json" or "fasttext".
        encoding: how the bytes were decoded ("utf-8", "utf-8-sig", "cp1252", …).
        delimiter: the column separator for delimited text, else None.
        text_column / label_column: suggested columns (None if no candidate).
        notes: what the reader decided that the user should see.
    """

    frame: pd.DataFrame
    name: str = "upload"
    format: str = "csv"
    encoding: str = "utf-8"
    delimiter: str | None = None
    text_column: str | None = None
    label_column: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def columns(self) -> list[str]:
        return [str(column) for column in self.frame.columns]

    def needs_threshold(self, label_column: str) -> bool:
        """True when ``label_column`` holds numeric ratings that must be cut into two classes."""
        return needs_threshold(self.frame[label_column])

    def is_numeric(self, column: str) -> bool:
        """True when every value present in ``column`` is a number."""
        values = self.frame[column].dropna()
        if not len(values) or values.map(lambda value: isinstance(value, (bool, np.bool_))).any():
            return False
        return bool(pd.to_numeric(values, errors="coerce").notna().all())

    def suggested_threshold(self, label_column: str) -> float:
        """Midpoint of the column's range (0 for a −4..4 rating, 3 for 1..5 stars)."""
        values = pd.to_numeric(self.frame[label_column], errors="coerce").dropna()
        if not len(values):
            return 0.0
        return float(np.round((values.min() + values.max()), 0) / 2)  # to the nearest half


# ---------------------------------------------------------------- reading bytes


def _read_source(source: str | Path | bytes, filename: str | None) -> tuple[bytes, str]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        raw = bytes(source)
        name = filename or "upload"
    else:
        path = Path(source).expanduser()
        if not path.is_file():
            raise EmbedLabError(f"no file at {path}; expected a CSV, TSV, JSON Lines, JSON or fastText .txt file")
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise _too_large(path.name, size)
        raw = path.read_bytes()
        name = filename or path.name
    if len(raw) > MAX_BYTES:
        raise _too_large(name, len(raw))
    return raw, name


def _too_large(name: str, size: int) -> EmbedLabError:
    return EmbedLabError(
        f"{name} is {size / 1024**2:,.0f} MB; the limit is {MAX_BYTES / 1024**2:,.0f} MB and {MAX_ROWS:,} rows — "
        "take a random sample of the rows (e.g. `shuf -n 100000`) and upload that"
    )


def _check_not_binary(raw: bytes, name: str) -> None:
    for magic, kind in _BINARY_MAGIC.items():
        if raw.startswith(magic):
            raise EmbedLabError(
                f"{name} looks like a binary file ({kind}), not text; expected a CSV, TSV, JSON Lines, JSON or "
                "fastText .txt file — export your table as CSV (UTF-8) and upload that"
            )
    sample = raw[:8192]
    if b"\x00" in sample and not (sample.startswith((b"\xff\xfe", b"\xfe\xff"))):
        raise EmbedLabError(
            f"{name} looks like a binary file (it contains NUL bytes), not text; expected a CSV, TSV, JSON Lines, "
            "JSON or fastText .txt file — export your table as CSV (UTF-8) and upload that"
        )


def decode_bytes(raw: bytes) -> tuple[str, str, list[str]]:
    """Decode file bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else a detected single-byte encoding.

    Returns ``(text, encoding, notes)``; a fallback is always reported in ``notes``.
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


# ---------------------------------------------------------------- formats


def _detect_format(text: str, name: str) -> str:
    stripped = text.lstrip()
    if not stripped:
        raise EmbedLabError(f"{name} is empty; expected a header row and at least two labelled rows of text")
    first_lines = [line.strip() for line in stripped.splitlines()[:20] if line.strip()]
    if stripped.startswith("["):
        return "json"
    if stripped.startswith("{"):
        return "jsonl"
    if first_lines and sum(bool(FASTTEXT_LABEL.match(line)) for line in first_lines) >= max(1, len(first_lines) // 2):
        return "fasttext"
    return "delimited"


def _read_json(text: str, name: str, lines: bool) -> pd.DataFrame:
    try:
        if lines:
            records = [json.loads(line) for line in text.splitlines() if line.strip()]
        else:
            records = json.loads(text)
    except json.JSONDecodeError as error:
        line = error.lineno if not lines else None
        where = f" (line {line}, column {error.colno})" if line else ""
        raise EmbedLabError(
            f"{name} is not valid JSON{where}: {error.msg}; expected "
            + ("one JSON object per line" if lines else "a list of objects like [{\"text\": …, \"label\": …}, …]")
            + " — check the file or save it as CSV"
        ) from None
    if isinstance(records, dict):
        records = [records]
    if not isinstance(records, list) or not all(isinstance(record, dict) for record in records):
        raise EmbedLabError(
            f"{name} holds JSON that is not a list of objects; expected records like "
            '[{"text": "a fine film", "label": "pos"}, …] — one object per example'
        )
    return pd.DataFrame.from_records(records)


def _read_fasttext(text: str, notes: list[str]) -> pd.DataFrame:
    labels, texts, several = [], [], 0
    for line in text.splitlines():
        if not line.strip():
            continue
        words = line.split()
        line_labels = [word[len("__label__"):] for word in words if word.startswith("__label__")]
        if len(line_labels) > 1:
            several += 1
        rest = [word for word in words if not word.startswith("__label__")]
        labels.append(line_labels[0] if line_labels else None)
        texts.append(" ".join(rest))
    if several:
        lines = "1 line carries" if several == 1 else f"{several:,} lines carry"
        notes.append(f"{lines} several __label__ tags; the first label of each line is used")
    return pd.DataFrame({"label": labels, "text": texts})


def _sniff_delimiter(sample: str) -> str:
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        # The sniffer wants the same count on every line; fall back to the most common candidate.
        counts = {delimiter: sample.count(delimiter) for delimiter in DELIMITERS}
        best = max(counts, key=counts.get)
        return best if counts[best] else ","


def _has_header(sample: str, delimiter: str) -> bool:
    """A header row is short names, none of them a number (csv.Sniffer.has_header misjudges text columns)."""
    rows = list(csv.reader(io.StringIO(sample), delimiter=delimiter))
    if not rows:
        return True
    for cell in rows[0]:
        cell = cell.strip()
        if LABEL_NAME.search(cell) and len(cell) <= 40:
            continue
        if len(cell) > 40 or len(cell.split()) > 5 or FASTTEXT_LABEL.match(cell):
            return False
        try:
            float(cell)
            return False  # a column name is never a number
        except ValueError:
            pass
    return True


def _read_delimited(text: str, name: str, notes: list[str]) -> tuple[pd.DataFrame, str]:
    sample = "\n".join(text.splitlines()[:200])
    delimiter = _sniff_delimiter(sample)
    header = _has_header(sample, delimiter)
    # header=None always: pandas then refuses a row with more fields than the first one
    # (with a header it would silently turn the extra field into an index).
    options = dict(sep=delimiter, dtype=str, keep_default_na=False, na_values=[""], skip_blank_lines=True,
                   header=None)
    try:
        frame = pd.read_csv(io.StringIO(text), **options)
    except pd.errors.ParserError as error:
        if delimiter == "\t":
            # Tab-separated files rarely quote; a stray " inside a text is then just a character.
            try:
                frame = pd.read_csv(io.StringIO(text), quoting=csv.QUOTE_NONE, **options)
                notes.append("quote characters were read as part of the text (tab-separated, unquoted)")
            except pd.errors.ParserError:
                raise _ragged(name, error) from None
        else:
            raise _ragged(name, error) from None
    except pd.errors.EmptyDataError:
        raise EmbedLabError(f"{name} has no rows; expected a header row and at least two labelled rows") from None
    if delimiter == "\t" and _cells_containing(frame, "\t"):
        # An unclosed " swallowed following rows (a quoted tab is rare in a TSV): read quotes as plain characters.
        frame = pd.read_csv(io.StringIO(text), quoting=csv.QUOTE_NONE, **options)
        notes.append('an unclosed " glued rows together, so quote characters were read as part of the text')
    elif merged := _cells_containing(frame, "\n" if delimiter != "\n" else "\r"):
        notes.append(f"{merged:,} quoted text{'s span' if merged > 1 else ' spans'} several lines; if rows look "
                     "merged, check the quotes in the file")
    if header:
        names = [str(name).strip() if isinstance(name, str) and name.strip() else f"column {index + 1}"
                 for index, name in enumerate(frame.iloc[0])]
        frame = frame.iloc[1:].reset_index(drop=True)
        frame.columns = _unique(names)
    else:
        frame.columns = [f"column {index + 1}" for index in range(frame.shape[1])]
        notes.append("no header row found; columns are named column 1, column 2, …")
    return frame, delimiter


def _cells_containing(frame: pd.DataFrame, character: str) -> int:
    return int(sum(frame[column].str.contains(character, regex=False, na=False).sum() for column in frame.columns))


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    unique = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        unique.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return unique


def _ragged(name: str, error: Exception) -> EmbedLabError:
    message = str(error).strip().splitlines()[-1]
    line = re.search(r"line (\d+)", message)
    row = re.search(r"row (\d+)", message)  # pandas counts rows from 0, lines from 1
    number = int(line.group(1)) if line else (int(row.group(1)) + 1 if row else None)
    where = f" at line {number}" if number else ""
    return EmbedLabError(
        f"{name} could not be split into columns{where} ({message}); expected every row to have the same "
        'columns — put texts that contain the delimiter or quotes inside double quotes and double any " inside them'
    )


# ---------------------------------------------------------------- column suggestions


def needs_threshold(column: pd.Series) -> bool:
    """Numeric values that are not a handful of whole-number classes: ratings to binarise."""
    values = pd.to_numeric(column.dropna(), errors="coerce")
    if len(values) == 0 or values.isna().mean() > 0.05:
        return False
    values = values.dropna()
    whole = bool(np.all(np.isclose(values, np.round(values))))
    return not whole or values.nunique() > MAX_CLASSES


def _suggest_columns(frame: pd.DataFrame) -> tuple[str | None, str | None]:
    lengths = {}
    for column in frame.columns:
        if LABEL_NAME.search(str(column)):
            continue
        values = frame[column].dropna()
        if len(values) and values.map(lambda value: isinstance(value, str)).mean() > 0.9:
            if pd.to_numeric(values, errors="coerce").notna().mean() < 0.5:
                lengths[column] = values.astype(str).str.len().mean()
    named_text = [column for column in lengths if TEXT_NAME.search(str(column))]
    text_column = named_text[0] if named_text else (max(lengths, key=lengths.get) if lengths else None)
    others = [column for column in frame.columns if column != text_column]
    named = [column for column in others if LABEL_NAME.search(str(column))]
    if named:
        return text_column, named[0]
    # Ratings (numbers that are not all whole) first, then few-valued columns, then anything but an id
    # (a column where every value is new).
    ratings = [column for column in others if needs_threshold(frame[column])
               and not np.all(np.isclose(pd.to_numeric(frame[column], errors="coerce").dropna() % 1, 0))]
    varied = [column for column in others if frame[column].nunique() < len(frame)]
    few = sorted((frame[column].nunique(), column) for column in varied
                 if 2 <= frame[column].nunique() <= MAX_CLASSES)
    return text_column, (ratings or [column for _, column in few] or varied or others or [None])[0]


def inspect_table(source: str | Path | bytes, filename: str | None = None) -> TableFile:
    """Parse a labelled text file and suggest its text and label columns.

    Args:
        source: a path, or the raw bytes of an upload.
        filename: the upload's name (shown in messages; the format is found from the content).

    Returns:
        A TableFile with the rows, what was detected, and the suggested columns.
    """
    raw, name = _read_source(source, filename)
    if not raw.strip():
        raise EmbedLabError(f"{name} is empty; expected a header row and at least two labelled rows of text")
    _check_not_binary(raw, name)
    text, encoding, notes = decode_bytes(raw)
    kind = _detect_format(text, name)
    delimiter = None
    if kind == "json":
        frame = _read_json(text, name, lines=False)
    elif kind == "jsonl":
        frame = _read_json(text, name, lines=True)
    elif kind == "fasttext":
        frame = _read_fasttext(text, notes)
    else:
        frame, delimiter = _read_delimited(text, name, notes)
        kind = {",": "csv", "\t": "tsv"}.get(delimiter, "delimited")
    if len(frame) > MAX_ROWS:
        raise EmbedLabError(
            f"{name} has {len(frame):,} rows; the limit is {MAX_ROWS:,} — take a random sample of the rows "
            "and upload that"
        )
    if len(frame) == 0:
        raise EmbedLabError(f"{name} has a header but no rows; expected at least two labelled rows of text under it")
    if frame.shape[1] < 2:
        raise EmbedLabError(
            f"{name} has only one column ({frame.columns[0]!r}); expected a text column and a label column — "
            "separate them with a comma or tab, or write fastText lines like `__label__pos a fine film`"
        )
    text_column, label_column = _suggest_columns(frame)
    return TableFile(frame, name, kind, encoding, delimiter, text_column, label_column, notes)


# ---------------------------------------------------------------- labels


def _sentiment_rank(name: str) -> int | None:
    key = name.strip().lower()
    if key in _NEGATIVE:
        return 0
    if key in _NEUTRAL:
        return 1
    if key in _POSITIVE:
        return 2
    return None


def order_class_names(names) -> list[str]:
    """Sensible class order: negative before positive for sentiment-like names, numbers by value, else sorted."""
    names = [str(name) for name in names]
    ranks = [_sentiment_rank(name) for name in names]
    if all(rank is not None for rank in ranks) and len(set(ranks)) == len(ranks):
        return [name for _, name in sorted(zip(ranks, names))]
    try:
        return sorted(names, key=float)
    except ValueError:
        return sorted(names, key=str.lower)


def _label_strings(column: pd.Series) -> pd.Series:
    """Labels as clean strings (None where missing); 1.0 and 1 and "1" are one class."""
    def clean(value):
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return None
        if isinstance(value, (bool, np.bool_)):
            return "true" if value else "false"
        if isinstance(value, (float, np.floating)) and float(value).is_integer():
            return str(int(value))
        text = str(value).strip()
        if re.fullmatch(r"-?\d+\.0+", text):
            text = text.split(".")[0]
        return text or None

    return column.map(clean)


def labelled_from_table(table: TableFile, text_column: str, label_column: str,
                        rating_threshold: float | None = None, max_classes: int = MAX_CLASSES) -> LabelledDataset:
    """Turn two columns of a parsed file into a LabelledDataset, counting every row left out.

    Args:
        table: from :func:`inspect_table`.
        text_column: the column holding the texts (kept verbatim, HTML included).
        label_column: the column holding labels (strings, integers, booleans or numeric ratings).
        rating_threshold: for numeric ratings: above it → "positive", below → "negative",
            exactly at it → dropped and counted.
        max_classes: more distinct labels than this is refused.
    """
    frame = table.frame
    for role, column in (("text", text_column), ("label", label_column)):
        if column not in frame.columns:
            raise EmbedLabError(f"{table.name} has no {role} column {column!r}; its columns are "
                                f"{', '.join(map(repr, table.columns))} — pick one of those")
    if text_column == label_column:
        raise EmbedLabError(f"the text and label column are both {text_column!r}; pick two different columns")
    texts = frame[text_column].map(lambda value: "" if value is None or (isinstance(value, float) and np.isnan(value))
                                   else str(value).strip())
    dropped: dict[str, int] = {}
    notes = list(table.notes)
    keep = texts != ""
    _count(dropped, "empty text", (~keep).sum())

    if rating_threshold is not None:
        ratings = pd.to_numeric(frame[label_column], errors="coerce")
        if ratings[keep].notna().mean() < 0.5:
            raise EmbedLabError(
                f"column {label_column!r} is not numeric, so a rating threshold does not apply; "
                "clear the threshold or pick a numeric rating column"
            )
        _count(dropped, "missing label", (keep & ratings.isna()).sum())
        keep &= ratings.notna()
        at = keep & np.isclose(ratings.fillna(np.inf), rating_threshold)
        _count(dropped, f"rating exactly {rating_threshold:g} (neither side of the threshold)", at.sum())
        keep &= ~at
        labels = pd.Series(np.where(ratings > rating_threshold, "positive", "negative"), index=frame.index)
        notes.append(f"ratings above {rating_threshold:g} are positive, below it negative")
    else:
        labels = _label_strings(frame[label_column])
        _count(dropped, "missing label", (keep & labels.isna()).sum())
        keep &= labels.notna()

    texts, labels = texts[keep], labels[keep]
    texts, labels = _drop_duplicates(texts, labels, dropped)
    distinct = labels.unique()
    if len(texts) < 2:
        raise EmbedLabError(
            f"{table.name} has {len(texts)} usable row{'s' * (len(texts) != 1)} (text {text_column!r}, label "
            f"{label_column!r}); a classifier needs at least two labelled texts — add rows or pick other columns"
        )
    if len(distinct) < 2:
        raise EmbedLabError(
            f"column {label_column!r} has 1 distinct value ({distinct[0]!r}) in the usable rows; a classifier needs at "
            "least 2 classes — pick another label column or add examples of another class"
        )
    if len(distinct) > max_classes:
        hint = ("its values look numeric: set a rating threshold to split them into negative/positive"
                if rating_threshold is None and needs_threshold(frame[label_column])
                else "pick another label column")
        raise EmbedLabError(
            f"column {label_column!r} has {len(distinct):,} distinct labels; EmbedLab handles at most {max_classes} "
            f"classes — {hint}"
        )
    class_names = order_class_names(distinct)
    index = {name: position for position, name in enumerate(class_names)}
    return LabelledDataset(
        texts=texts.tolist(),
        labels=labels.map(index).to_numpy(dtype=np.int64),
        class_names=class_names,
        name=table.name,
        dropped=dropped,
        notes=notes,
    )


def _count(dropped: dict[str, int], reason: str, count) -> None:
    if int(count):
        dropped[reason] = dropped.get(reason, 0) + int(count)


def _drop_duplicates(texts: pd.Series, labels: pd.Series, dropped: dict[str, int]) -> tuple[pd.Series, pd.Series]:
    """Keep one copy of a repeated (text, label); drop every copy of a text given different labels."""
    pairs = pd.DataFrame({"text": texts, "label": labels})
    repeated = pairs.duplicated(keep="first")
    _count(dropped, "duplicate (same text and label)", repeated.sum())
    pairs = pairs[~repeated]
    conflicting = pairs["text"].duplicated(keep=False)
    _count(dropped, "conflicting duplicates (same text, different labels)", conflicting.sum())
    pairs = pairs[~conflicting]
    return pairs["text"], pairs["label"]


def read_labelled_file(source: str | Path | bytes, *, filename: str | None = None, text_column: str | None = None,
                       label_column: str | None = None, rating_threshold: float | None = None,
                       max_classes: int = MAX_CLASSES) -> LabelledDataset:
    """Read a labelled text file (path or bytes) in one call, using the suggested columns unless given.

    Example:
        >>> read_labelled_file(b"text,label\\na fine film,pos\\na dull film,neg\\n").class_names
        ['neg', 'pos']
    """
    table = inspect_table(source, filename)
    text_column = text_column or table.text_column
    label_column = label_column or table.label_column
    if text_column is None or label_column is None:
        raise EmbedLabError(
            f"could not tell which column of {table.name} holds the {'text' if text_column is None else 'label'}; "
            f"its columns are {', '.join(map(repr, table.columns))} — name them (text_column=…, label_column=…)"
        )
    return labelled_from_table(table, text_column, label_column, rating_threshold, max_classes)

"""A labelled file parsed into a table, with a suggested text and label column: ``inspect_table``.

This is the first of two steps, so the Data page can show what was detected before the
user commits: ``inspect_table`` reads the bytes (format, encoding and delimiter found by
content) and suggests columns; ``embedlab.data.files.labelled_from_table`` then turns the
chosen columns into a dataset.

The limits are read when a file is inspected, so a test or a deployment can change them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from embedlab.data.file_bytes import read_source, read_text
from embedlab.data.table_readers import LABEL_NAME, detect_format, read_delimited, read_fasttext, read_json
from embedlab.errors import EmbedLabError

MAX_CLASSES = 20
MAX_BYTES = 200 * 1024 * 1024  # same as Streamlit's default upload limit
MAX_ROWS = 2_000_000
TEXT_NAME = re.compile(r"^(text|sentence|review|comment|content|body|document|snippet|tweet)s?$", re.IGNORECASE)


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


def inspect_table(source: str | Path | bytes, filename: str | None = None) -> TableFile:
    """Parse a labelled text file and suggest its text and label columns.

    Args:
        source: a path, or the raw bytes of an upload.
        filename: the upload's name (shown in messages; the format is found from the content).

    Returns:
        A TableFile with the rows, what was detected, and the suggested columns.

    Example:
        >>> inspect_table(b"review,stars\\na fine film,5\\na dull film,1\\n").label_column
        'stars'
    """
    raw, name = read_source(source, filename, max_bytes=MAX_BYTES, max_rows=MAX_ROWS)
    if not raw.strip():
        raise EmbedLabError(f"{name} is empty; expected a header row and at least two labelled rows of text")
    text, encoding, notes = read_text(raw, name)
    kind = detect_format(text, name)
    delimiter = None
    if kind == "json":
        frame = read_json(text, name, lines=False)
    elif kind == "jsonl":
        frame = read_json(text, name, lines=True)
    elif kind == "fasttext":
        frame = read_fasttext(text, notes)
    else:
        frame, delimiter = read_delimited(text, name, notes)
        kind = {",": "csv", "\t": "tsv"}.get(delimiter, "delimited")
    _check_shape(frame, name)
    text_column, label_column = _suggest_columns(frame)
    return TableFile(frame, name, kind, encoding, delimiter, text_column, label_column, notes)


def _check_shape(frame: pd.DataFrame, name: str) -> None:
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

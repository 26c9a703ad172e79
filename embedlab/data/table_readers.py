"""Decoded text into a table of strings: JSON records, JSON Lines, fastText ``__label__`` lines, delimited text.

The format is found from the content (a ``[`` opens JSON records, a ``{`` JSON Lines, most
lines starting with ``__label__`` fastText, anything else delimited text with a sniffed
delimiter), so a ``.txt`` that holds a CSV reads as a CSV.

Ragged quoting (an unclosed ``"`` or a row with the wrong number of fields) is refused
with the line number and how to fix it, rather than guessed at: a guess would silently
glue many rows into one text. The one exception is tab-separated text, which rarely
quotes: there a stray ``"`` is read as a character, and a note says so.
"""

from __future__ import annotations

import csv
import io
import json
import re

import pandas as pd

from embedlab.errors import EmbedLabError

DELIMITERS = ",\t;|"
LABEL_NAME = re.compile(r"label|sentiment|class|target|rating|score|polarity|category|stars|^y$", re.IGNORECASE)
FASTTEXT_LABEL = re.compile(r"^__label__(\S*)")


def detect_format(text: str, name: str) -> str:
    """The format of ``text`` from its first characters and lines: "json", "jsonl", "fasttext" or "delimited"."""
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


def read_json(text: str, name: str, lines: bool) -> pd.DataFrame:
    """A list of JSON objects (``lines=False``) or one object per line, as rows."""
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


def read_fasttext(text: str, notes: list[str]) -> pd.DataFrame:
    """``__label__pos a fine film`` lines as a label and a text column; the first of several labels wins."""
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


def read_delimited(text: str, name: str, notes: list[str]) -> tuple[pd.DataFrame, str]:
    """Delimited text as string columns, and the delimiter found; a missing header gets numbered columns."""
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

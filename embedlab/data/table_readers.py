r"""Decoded text into a table of strings: JSON records, JSON Lines, fastText ``__label__`` lines, delimited text.

The format is found from the content (a ``[`` opens JSON records, a ``{`` JSON Lines, most
lines starting with ``__label__`` fastText, anything else delimited text with a sniffed
delimiter), so a ``.txt`` that holds a CSV reads as a CSV.

Ragged quoting (an unclosed ``"`` or a row with the wrong number of fields) is refused
with the line number and how to fix it, rather than guessed at: a guess would silently
glue many rows into one text. The one exception is tab-separated text, which rarely
quotes: there a stray ``"`` is read as a character, and a note says so.

Records are split on ``\n`` (and ``\r\n``) only, never with ``str.splitlines``, which also
cuts at U+2028, U+2029, U+0085 and \x1c–\x1e: characters that are valid inside a JSON
string or a text and would otherwise break one record into two.
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
# Enough of a file to detect its format and sniff its delimiter without splitting all of it.
SNIFF_CHARACTERS = 1_000_000
# Record values nested deeper than this are refused: a labelled example is a flat object, and a
# structure nested near Python's recursion limit would fail later, wherever it is printed.
MAX_JSON_DEPTH = 100
# One decoder for every line (json.loads with an option builds a new one per call); raw control
# characters inside strings (a tab pasted into a text) are accepted.
_JSON = json.JSONDecoder(strict=False)
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")  # quick test before the exact one below
# A \\uD800–\\uDFFF escape that is not half of a pair: json.loads turns it into a lone surrogate.
_LONE_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F])"
                                    r"|(?<![0-9a-fA-F]{4})\\u[dD][c-fC-F][0-9a-fA-F]{2}")


def split_records(text: str) -> list[str]:
    r"""``text`` cut into lines at ``\n`` (a ``\r`` before it dropped), or at ``\r`` in a file that has no ``\n``.

    Example: ``split_records("a\u2028b\r\nc")`` → ``["a\u2028b", "c"]``.
    """
    if "\n" not in text and "\r" in text:
        return text.split("\r")  # an old Mac file
    lines = text.split("\n")
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def detect_format(text: str, name: str) -> str:
    """The format of ``text`` from its first characters and lines: "json", "jsonl", "fasttext" or "delimited"."""
    stripped = text.lstrip()
    if not stripped:
        raise EmbedLabError(f"{name} is empty; expected a header row and at least two labelled rows of text")
    first_lines = [line.strip() for line in split_records(stripped[:SNIFF_CHARACTERS])[:20] if line.strip()]
    if stripped.startswith("["):
        return "json"
    if stripped.startswith("{"):
        return "jsonl"
    if first_lines and sum(bool(FASTTEXT_LABEL.match(line)) for line in first_lines) >= max(1, len(first_lines) // 2):
        return "fasttext"
    return "delimited"


def read_json(text: str, name: str, lines: bool) -> pd.DataFrame:
    r"""A list of JSON objects (``lines=False``) or one object per line, as rows.

    Raw control characters inside strings are accepted; lone UTF-16 surrogates (``"\ud800"``)
    become U+FFFD, since no file or page can hold them.
    """
    if lines:
        records = [_load_json(line, name, lines, number)
                   for number, line in enumerate(split_records(text), 1) if line.strip()]
    else:
        records = _load_json(text, name, lines, None)
    if isinstance(records, dict):
        records = [records]
    if not isinstance(records, list) or not all(isinstance(record, dict) for record in records):
        raise EmbedLabError(
            f"{name} holds JSON that is not a list of objects; expected records like "
            '[{"text": "a fine film", "label": "pos"}, …] — one object per example'
        )
    if text.count("{") + text.count("[") > len(records) + 1:  # more brackets than records: maybe nested
        _check_depth(records, name, lines)
    if _SURROGATE_ESCAPE.search(text) and _LONE_SURROGATE_ESCAPE.search(text):
        records = [_without_lone_surrogates(record) for record in records]
    return pd.DataFrame.from_records(records)


def _load_json(text: str, name: str, lines: bool, line_number: int | None):
    expected = ("one JSON object per line" if lines else 'a list of objects like [{"text": …, "label": …}, …]')
    try:
        return _JSON.decode(text)
    except json.JSONDecodeError as error:
        line = line_number or error.lineno
        raise EmbedLabError(
            f"{name} is not valid JSON (line {line:,}, column {error.colno:,}): {error.msg}; expected {expected} "
            "— check the file or save it as CSV"
        ) from None
    except RecursionError:
        raise _too_deep(name, line_number) from None


def _too_deep(name: str, line_number: int | None) -> EmbedLabError:
    where = f" (line {line_number:,})" if line_number else ""
    return EmbedLabError(
        f"{name} holds JSON nested more than {MAX_JSON_DEPTH} levels deep{where}; expected flat records like "
        '{"text": "a fine film", "label": "pos"} — one object per example, with plain text and label values'
    )


def _check_depth(records: list[dict], name: str, lines: bool) -> None:
    """Refuse record values nested deeper than MAX_JSON_DEPTH (walked without recursion)."""
    for number, record in enumerate(records, 1):
        stack = [(value, 2) for value in record.values() if isinstance(value, (dict, list))]
        while stack:
            value, depth = stack.pop()
            if depth > MAX_JSON_DEPTH:
                raise _too_deep(name, number if lines else None)
            children = value.values() if isinstance(value, dict) else value
            stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))


def _without_lone_surrogates(record: dict) -> dict:
    def clean(value):
        return _LONE_SURROGATE.sub("\ufffd", value) if isinstance(value, str) else value

    return {clean(key): clean(value) for key, value in record.items()}


def read_fasttext(text: str, notes: list[str]) -> pd.DataFrame:
    """``__label__pos a fine film`` lines as a label and a text column; the first of several labels wins."""
    labels, texts, several = [], [], 0
    for line in split_records(text):
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
    sample = "\n".join(split_records(text[:SNIFF_CHARACTERS])[:200])
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
    if delimiter == "\t" and _badly_quoted_tab(frame, text):
        # An unclosed " swallowed following rows: read quotes as plain characters.
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
    try:
        first = next(csv.reader(io.StringIO(sample), delimiter=delimiter), None)
    except csv.Error:
        # A first row the csv module cannot read (a field over its 128 KB limit, say) is no header.
        return False
    if not first:
        return True
    for cell in first:
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


def _badly_quoted_tab(frame: pd.DataFrame, text: str, checked: int = 20) -> bool:
    """Whether a cell holding a tab was not written as one quoted field, so an unclosed " glued rows together.

    A text with a tab inside properly written quotes (``"a<TAB>b"``, inner quotes doubled) is kept as read.
    """
    for column in frame.columns:
        cells = [cell for cell in frame[column] if isinstance(cell, str) and "\t" in cell][:checked]
        if any('"' + cell.replace('"', '""') + '"' not in text for cell in cells):
            return True
    return False


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

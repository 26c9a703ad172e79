"""Reading a labelled file into a ``LabelledDataset``: chosen columns, clean labels, every dropped row counted.

The second of two steps (the first is :func:`embedlab.data.tables.inspect_table`, which
parses the bytes and suggests columns): ``labelled_from_table`` turns the chosen text and
label columns into a :class:`~embedlab.data.labelled.LabelledDataset`, counting every row
it leaves out by reason. ``read_labelled_file`` does both at once (CLI, tests, built-ins).

Labels are cleaned so that 1, 1.0 and "1" are one class, and classes are put in an order a
reader expects: negative before positive, numbers by value, else alphabetical. A label that
is a missing-value marker (``NaN``, ``null``, ``None``, ``N/A``…, as spreadsheets and
``str(None)`` write them) is no class: its rows are dropped and counted. Labels that differ
only in case or spaces (``NEG``/``Neg``, ``True``/``true``), or whole numbers that differ
only in leading zeros (``01``/``1``: a code or the same number, the reader cannot tell), are
found by ``label_variant_groups`` and kept apart with a note, or merged on request.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

from embedlab.data.labelled import LabelledDataset
from embedlab.data.tables import MAX_CLASSES, TableFile, inspect_table, needs_threshold
from embedlab.errors import EmbedLabError
from embedlab.text import tokenize

# Sentiment-like label values: negative first, then neutral, then positive.
_NEGATIVE = {"neg", "negative", "0", "false", "bad", "no", "n", "-1", "-", "0.0", "f"}
_NEUTRAL = {"neutral", "neu", "mixed", "none"}
_POSITIVE = {"pos", "positive", "1", "true", "good", "yes", "y", "+", "1.0", "t"}
# How spreadsheets, pandas, databases and str(None) write "no value" (compared by label_key).
MISSING_LABELS = frozenset({"nan", "-nan", "null", "none", "na", "n/a", "#n/a", "<na>", "nil", "undefined"})
_WHOLE_NUMBER = re.compile(r"[+-]?\d{1,40}")  # bounded: int() refuses strings of thousands of digits
_EDGE_SPACE = re.compile(r"^[\s\u200b-\u200f\u2060\ufeff]+|[\s\u200b-\u200f\u2060\ufeff]+$")


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


def label_key(name: str) -> str:
    """What is left of a label once case, spaces and a whole number's leading zeros are set aside: labels with one
    key are variants.

    Spaces include zero-width ones at the edges; compatibility forms (full-width letters) count as
    their plain letters. Examples: ``label_key(" Neg ")`` → ``"neg"``; ``label_key("01")`` → ``"1"``.
    """
    key = _spelling_key(name)
    return str(int(key)) if _WHOLE_NUMBER.fullmatch(key) else key


def _spelling_key(name: str) -> str:
    folded = unicodedata.normalize("NFKC", _EDGE_SPACE.sub("", name)).casefold()
    return " ".join(folded.split())


def _variant_kind(variants: list[list[str]]) -> str:
    """How the labels of ``variants`` differ: "case or spaces", or "case, spaces or leading zeros" when numbers do."""
    numbers = any(len({_spelling_key(name) for name in names}) > 1 for names in variants)
    return "case, spaces or leading zeros" if numbers else "case or spaces"


def label_variant_groups(column) -> list[list[str]]:
    """The labels in ``column`` that differ only in case or spaces, in groups, most frequent spelling first.

    Missing values and missing-value markers are left out. Example: a column holding NEG, Neg,
    neg and pos gives ``[["NEG", "Neg", "neg"]]`` (if NEG is the most frequent).
    """
    column = pd.Series(column)
    try:
        counts = column.value_counts(dropna=True)
    except TypeError:  # unhashable values (JSON lists): compare them as the strings they become
        counts = _label_strings(column).value_counts(dropna=True)
    totals: dict[str, int] = {}
    for name, count in zip(_label_strings(pd.Series(counts.index, dtype=object)), counts.to_numpy()):
        if name is not None:
            totals[name] = totals.get(name, 0) + int(count)
    groups: dict[str, list[str]] = {}
    for name in sorted(totals, key=lambda name: (-totals[name], name)):
        if label_key(name) not in MISSING_LABELS:
            groups.setdefault(label_key(name), []).append(name)
    return [names for names in groups.values() if len(names) > 1]


def labelled_from_table(table: TableFile, text_column: str, label_column: str,
                        rating_threshold: float | None = None, max_classes: int = MAX_CLASSES,
                        merge_label_variants: bool = False) -> LabelledDataset:
    """Turn two columns of a parsed file into a LabelledDataset, counting every row left out.

    Args:
        table: from :func:`embedlab.data.tables.inspect_table`.
        text_column: the column holding the texts (kept verbatim, HTML included).
        label_column: the column holding labels (strings, integers, booleans or numeric ratings).
        rating_threshold: for numeric ratings: above it → "positive", below → "negative",
            exactly at it → dropped and counted.
        max_classes: more distinct labels than this is refused.
        merge_label_variants: treat labels that differ only in case, spaces or leading zeros as one class, named by
            the group's most frequent spelling; when False such groups stay apart, listed in
            ``label_variants`` and in a note.
    """
    _check_columns(table, text_column, label_column)
    frame = table.frame
    texts = frame[text_column].map(lambda value: "" if value is None or (isinstance(value, float) and np.isnan(value))
                                   else str(value).strip())
    dropped: dict[str, int] = {}
    notes = list(table.notes)
    keep = texts != ""
    _count(dropped, "empty text", (~keep).sum())
    if rating_threshold is not None:
        labels, keep = _rated_labels(frame[label_column], label_column, rating_threshold, keep, dropped)
        notes.append(f"ratings above {rating_threshold:g} are positive, below it negative")
    else:
        labels = _label_strings(frame[label_column])
        _count(dropped, "missing label", (keep & labels.isna()).sum())
        keep &= labels.notna()
        keep &= ~_missing_markers(labels, keep, dropped)
    variants = label_variant_groups(labels[keep]) if rating_threshold is None else []
    if variants and merge_label_variants:
        labels = labels.replace({name: names[0] for names in variants for name in names[1:]})
        notes.append(f"merged classes that differ only in {_variant_kind(variants)}: "
                     + "; ".join(f"{' + '.join(map(repr, names))} → {names[0]!r}" for names in variants))
    elif variants:
        kind = _variant_kind(variants)
        notes.append(f"some classes differ only in {kind} and are kept apart: "
                     + "; ".join(" / ".join(map(repr, names)) for names in variants)
                     + f" — if they mean the same, merge classes that differ only in {kind}")
    texts, labels = _drop_duplicates(texts[keep], labels[keep], dropped)
    distinct = labels.unique()
    _check_usable(table, text_column, label_column, len(texts), distinct, dropped)
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
    texts, labels = texts.tolist(), labels.map(index).to_numpy(dtype=np.int64)
    notes += wordless_class_notes(texts, labels, class_names)
    return LabelledDataset(texts=texts, labels=labels, class_names=class_names, name=table.name, dropped=dropped,
                           notes=notes, label_variants=[] if merge_label_variants else variants)


def wordless_class_notes(texts: list[str], labels: np.ndarray, class_names: list[str]) -> list[str]:
    """A note for each class none of whose texts holds a token (``embedlab.text.tokenize``, as the model cuts them).

    Such a class trains on empty input only. The scan stops once every class has shown a text with a
    token, so an ordinary dataset costs a few texts.
    """
    wordless = set(range(len(class_names)))
    for text, label in zip(texts, labels.tolist()):
        if label in wordless and tokenize(text):
            wordless.discard(label)
            if not wordless:
                return []
    counts = np.bincount(labels, minlength=len(class_names))
    return [f"class {class_names[label]!r} has no words: none of its {counts[label]:,} texts holds a word once cut "
            "into tokens as the model cuts them (markup such as <br /> and invisible characters are dropped), so "
            "the model sees only empty input for it — check the text column, or leave these rows out"
            for label in sorted(wordless)]


def _missing_markers(labels: pd.Series, keep: pd.Series, dropped: dict[str, int]) -> pd.Series:
    """Where a kept row's label is a missing-value marker; counted in ``dropped`` under the spellings found."""
    kept = labels[keep]
    found = sorted(name for name in kept.unique() if label_key(name) in MISSING_LABELS)
    markers = kept.isin(found)
    if found:
        spellings = ", ".join(repr(name) for name in found[:5])
        _count(dropped, f"missing label (written as {spellings})", markers.sum())
    return markers.reindex(labels.index, fill_value=False)


def _check_columns(table: TableFile, text_column: str, label_column: str) -> None:
    for role, column in (("text", text_column), ("label", label_column)):
        if column not in table.frame.columns:
            raise EmbedLabError(f"{table.name} has no {role} column {column!r}; its columns are "
                                f"{', '.join(map(repr, table.columns))} — pick one of those")
    if text_column == label_column:
        raise EmbedLabError(f"the text and label column are both {text_column!r}; pick two different columns")


def _rated_labels(column: pd.Series, label_column: str, threshold: float, keep: pd.Series,
                  dropped: dict[str, int]) -> tuple[pd.Series, pd.Series]:
    """Labels "positive"/"negative" either side of ``threshold``; rows with no rating or exactly at it leave
    ``keep``."""
    ratings = pd.to_numeric(column, errors="coerce")
    if ratings[keep].notna().mean() < 0.5:
        raise EmbedLabError(
            f"column {label_column!r} is not numeric, so a rating threshold does not apply; "
            "clear the threshold or pick a numeric rating column"
        )
    _count(dropped, "missing label", (keep & ratings.isna()).sum())
    keep = keep & ratings.notna()
    at = keep & np.isclose(ratings.fillna(np.inf), threshold)
    _count(dropped, f"rating exactly {threshold:g} (neither side of the threshold)", at.sum())
    labels = pd.Series(np.where(ratings > threshold, "positive", "negative"), index=column.index)
    return labels, keep & ~at


def _check_usable(table: TableFile, text_column: str, label_column: str, rows: int, distinct,
                  dropped: dict[str, int]) -> None:
    if rows < 2:
        left_out = "; ".join(f"{reason} {count:,}" for reason, count in dropped.items())
        raise EmbedLabError(
            f"{table.name} has {rows} usable row{'s' * (rows != 1)} of {len(table.frame):,} with texts from column "
            f"{text_column!r} and labels from column {label_column!r}{f' (left out: {left_out})' if left_out else ''}; "
            "a classifier needs at least two labelled texts — add rows or pick other columns"
        )
    if len(distinct) < 2:
        raise EmbedLabError(
            f"column {label_column!r} has 1 distinct value ({distinct[0]!r}) in the usable rows; a classifier needs at "
            "least 2 classes — pick another label column or add examples of another class"
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
                       max_classes: int = MAX_CLASSES, merge_label_variants: bool = False) -> LabelledDataset:
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
    return labelled_from_table(table, text_column, label_column, rating_threshold, max_classes,
                               merge_label_variants)

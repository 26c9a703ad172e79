"""Messy real-world text for the reader tests: a sample of every Unicode general category, written as files."""

from __future__ import annotations

import csv
import io
import json
import sys
import unicodedata

# Characters that are whitespace or line breaks to str.splitlines/str.split, kept inside texts on purpose.
SEPARATORS = "\x00\t\r\x1c\x1d\x1e\x1f\x85\u2028\u2029\x0b\x0c"
LABELS = ("négatif", "positif")


def category_samples(per_category: int = 12) -> dict[str, str]:
    """Up to ``per_category`` code points of each general category but Cs, spread over the code space."""
    members: dict[str, list[int]] = {}
    for code in range(sys.maxunicode + 1):
        members.setdefault(unicodedata.category(chr(code)), []).append(code)
    samples = {}
    for category, codes in sorted(members.items()):
        if category == "Cs":
            continue  # lone surrogates cannot be written as text; see the UTF-8 errors and JSON escape tests
        step = max(1, len(codes) // per_category)
        chosen = codes[::step][:per_category]
        if category == "Cc":
            chosen = sorted(set(chosen) | {ord(character) for character in SEPARATORS
                                           if unicodedata.category(character) == "Cc"})
        samples[category] = "".join(map(chr, chosen))
    return samples


def messy_rows() -> list[tuple[str, str]]:
    """(text, label) rows: every category, combining sequences, emoji with ZWJ, right-to-left text, separators."""
    extras = {
        "combining": "e\u0301 n\u0303 a\u0308\u0304 \u1100\u1161\u11a8 Z\u0351\u036b\u0343\u036a",
        "emoji": ("\U0001f469\u200d\U0001f469\u200d\U0001f467 \U0001f3f3\ufe0f\u200d\U0001f308 \U0001f44d\U0001f3fd "
                  "\U0001f1eb\U0001f1f7"),
        "right-to-left": "\u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627 \u202eabc\u202c \u2067x\u2069",
        "separators": "a\u2028b\u2029c\x85d\x1ce\x1df\x1eg\x00h\x0bi\x0cj\tk\r\nl\rm",
        "format": "zero\u200bwidth\u200cjoiners\u200dand\ufeffbom\u00adsoft\u2060word",
    }
    parts = {**{f"category {name}": text for name, text in category_samples().items()}, **extras}
    rows = []
    for number, (what, characters) in enumerate(parts.items()):
        text = f"row {number} holds {what} characters: {characters} (end of row {number})"
        rows.append((text, LABELS[number % 2]))
    return rows


def write_csv(rows, delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(["text", "label"])
    writer.writerows(rows)
    return out.getvalue()


def write_jsonl(rows) -> str:
    return "".join(json.dumps({"text": text, "label": label}, ensure_ascii=False) + "\n" for text, label in rows)

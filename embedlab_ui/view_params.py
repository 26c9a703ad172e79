"""A page's settings written into its address and read back, checked: the pure half of shareable views.

A view is a table ``widget key → Param``; each Param names the setting in the address and knows
what values it takes. ``encode_view`` writes the settings that differ from their defaults (a
short link, in umap's and the page's own words: ``?top_n=5000&method=pca&search=king``);
``decode_view`` reads an address back, and a value that is garbled, out of range or hostile is
left out with a note saying what was wrong and what was expected, never an exception. No
Streamlit here, so the rules are tested directly (tests/ui/test_explore_view_state.py).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

MAX_NOTE_VALUE = 40  # characters of a refused value quoted back in a note


class BadValue(ValueError):
    """A value in the address that a setting does not take; the message says what it takes."""


@dataclass(frozen=True)
class Choice:
    """One of a few options, written by a short code (``source=run``), so relabelling a widget keeps old links."""

    name: str
    options: Mapping[str, Any]  # code in the address → the widget's value

    def decode(self, text: str) -> Any:
        if text not in self.options:
            raise BadValue("one of " + ", ".join(self.options))
        return self.options[text]

    def encode(self, value: Any) -> str | None:
        return next((code for code, option in self.options.items() if option == value), None)


@dataclass(frozen=True)
class Whole:
    """A whole number from ``low`` to ``high``."""

    name: str
    low: int
    high: int

    def decode(self, text: str) -> int:
        if not re.fullmatch(r"-?[0-9]{1,12}", text) or not self.low <= int(text) <= self.high:
            raise BadValue(f"a whole number from {self.low:,} to {self.high:,}")
        return int(text)

    def encode(self, value: Any) -> str | None:
        return str(int(value)) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


@dataclass(frozen=True)
class Number:
    """A number from ``low`` to ``high``, kept to ``decimals`` places (a slider's step)."""

    name: str
    low: float
    high: float
    decimals: int = 2

    def decode(self, text: str) -> float:
        try:
            value = float(text) if len(text) <= 24 else math.nan
        except ValueError:
            value = math.nan
        if not self.low <= value <= self.high:  # NaN fails both comparisons
            raise BadValue(f"a number from {self.low:g} to {self.high:g}")
        return round(value, self.decimals)

    def encode(self, value: Any) -> str | None:
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            return None
        return f"{value:.{self.decimals}f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class Flag:
    """On or off, written 1 or 0."""

    name: str

    def decode(self, text: str) -> bool:
        if text not in ("0", "1"):
            raise BadValue("1 (on) or 0 (off)")
        return text == "1"

    def encode(self, value: Any) -> str | None:
        return ("1" if value else "0") if isinstance(value, bool) else None


@dataclass(frozen=True)
class Text:
    """Typed text up to ``max_length`` characters, without control characters (new lines allowed if ``lines``)."""

    name: str
    max_length: int
    lines: bool = False

    def decode(self, text: str) -> str:
        allowed = "\n\t" if self.lines else ""
        if len(text) > self.max_length or any(unicodedata.category(c)[0] == "C" and c not in allowed for c in text):
            raise BadValue(f"text of at most {self.max_length:,} characters without control characters")
        return text

    def encode(self, value: Any) -> str | None:
        return value if isinstance(value, str) and len(value) <= self.max_length else None


@dataclass(frozen=True)
class Token:
    """A name the app made (a run id, a snapshot's fingerprint), matched whole by ``pattern``."""

    name: str
    pattern: str
    said: str  # what it is, for the note: "a run id"

    def decode(self, text: str) -> str:
        if not re.fullmatch(self.pattern, text):
            raise BadValue(self.said)
        return text

    def encode(self, value: Any) -> str | None:
        return value if isinstance(value, str) and re.fullmatch(self.pattern, value) else None


Param = Choice | Whole | Number | Flag | Text | Token


def quoted(text: str) -> str:
    """A refused value as a note quotes it: repr (control characters visible, not acted on), cut short."""
    shown = repr(text[:MAX_NOTE_VALUE])
    return shown + ("…" if len(text) > MAX_NOTE_VALUE else "")


def decode_view(address: Mapping[str, str], table: Mapping[str, Param]) -> tuple[dict[str, Any], list[str]]:
    """The settings an address holds, by widget key, and a note for each value that was left out.

    Args:
        address: the address's query parameters (name → text); names the table does not know are ignored.
        table: widget key → Param.

    Returns:
        (widget key → value, for the values that are valid; notes saying what was wrong with the others).

    Example:
        >>> decode_view({"top_n": "5000", "method": "tsne"}, {"explore.top_n": Whole("top_n", 10, 20000),
        ...              "explore.method": Choice("method", {"umap": "umap", "pca": "pca"})})
        ({'explore.top_n': 5000}, ["The link's method, 'tsne', is not one of umap, pca; it was left out."])
    """
    values, notes = {}, []
    for key, param in table.items():
        text = address.get(param.name)
        if text is None:
            continue
        try:
            values[key] = param.decode(str(text))
        except BadValue as error:
            notes.append(f"The link's {param.name}, {quoted(str(text))}, is not {error}; it was left out.")
    return values, notes


def encode_view(values: Mapping[str, Any], table: Mapping[str, Param],
                defaults: Mapping[str, Any]) -> dict[str, str]:
    """The address's query parameters for these settings: only those that differ from their defaults.

    A value a Param cannot write (an option it does not know, text too long for an address) is
    left out, so the link opens that setting at its default rather than failing.
    """
    written = {}
    for key, param in table.items():
        if key not in values or (key in defaults and values[key] == defaults[key]):
            continue
        text = param.encode(values[key])
        if text is not None:
            written[param.name] = text
    return written

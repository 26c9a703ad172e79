"""Tables written for spreadsheets: cells that a spreadsheet would run as formulas are neutralised.

Excel, LibreOffice and Google Sheets treat a cell starting with ``=``, ``+``, ``-`` or ``@``
(and, in some, a tab or carriage return) as a formula, so a review text such as
``=HYPERLINK("http://…")`` in an exported CSV would run when opened (CSV injection).
OWASP's advice is to prefix such cells with a single quote, which spreadsheets show as
text. The prefix is reversible: a cell that already starts with quotes before such a
character gets one more, so ``restore_cell(neutralise_cell(text)) == text`` for every
text, and a table read back (a run's ``test_split.csv``) holds exactly what was written.
"""

from __future__ import annotations

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NEEDS_QUOTE = re.compile(r"^'*[=+\-@\t\r]")


def neutralise_cell(value):
    """``value`` with a single quote in front if a spreadsheet would read it as a formula; non-text unchanged.

    Example::

        neutralise_cell("=1+1")       # "'=1+1"
        neutralise_cell("a good film")  # "a good film"
    """
    if isinstance(value, str) and _NEEDS_QUOTE.match(value):
        return "'" + value
    return value


def restore_cell(value):
    """The text ``neutralise_cell`` was given: one leading quote is removed where it added one."""
    if isinstance(value, str) and value.startswith("'") and _NEEDS_QUOTE.match(value[1:]):
        return value[1:]
    return value


def neutralised(frame):
    """A copy of DataFrame ``frame`` with every text cell passed through ``neutralise_cell``."""
    return _map_text_cells(frame, neutralise_cell)


def restored(frame):
    """A copy of DataFrame ``frame`` read back from a neutralised CSV, with the added quotes removed."""
    return _map_text_cells(frame, restore_cell)


def spreadsheet_csv(frame) -> str:
    """``frame`` as CSV text (no index) that is safe to open in a spreadsheet."""
    return neutralised(frame).to_csv(index=False)


def _map_text_cells(frame, function):
    frame = frame.copy()
    for column in frame.columns:
        if getattr(frame[column].dtype, "kind", "O") not in "biufcmM":  # text columns, whatever pandas calls them
            frame[column] = frame[column].map(function)
    return frame

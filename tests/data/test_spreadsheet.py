"""CSV exports a spreadsheet opens safely: formula cells neutralised (OWASP), and read back exactly."""

import io

import pandas as pd
import pytest
from hypothesis import given, strategies as st

from embedlab.data.spreadsheet import neutralise_cell, restore_cell, restored, spreadsheet_csv


@pytest.mark.parametrize("text, written", [
    ('=HYPERLINK("http://evil","click")', '\'=HYPERLINK("http://evil","click")'),
    ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
    ("+1+1", "'+1+1"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"), ("\r=1", "'\r=1"),
    ("'=1", "''=1"),  # already quoted by someone: one more, so reading back gives it unchanged
    ("a fine film", "a fine film"), ("'tis a fine film", "'tis a fine film"), ("", ""),
    ("film = good", "film = good"),
])
def test_formula_cells_get_a_quote_and_others_are_untouched(text, written):
    assert neutralise_cell(text) == written
    assert restore_cell(written) == text


@given(st.text())
def test_every_text_reads_back_as_it_was(text):
    assert restore_cell(neutralise_cell(text)) == text


def test_a_table_is_written_safe_and_numbers_stay_numbers():
    table = pd.DataFrame({"text": ["=1+1", "good"], "label": ["-1", "1"], "p(pos)": [-0.5, 0.5]})
    csv = spreadsheet_csv(table)
    assert csv.splitlines()[1:] == ["'=1+1,'-1,-0.5", "good,1,0.5"]
    back = restored(pd.read_csv(io.StringIO(csv), keep_default_na=False, dtype={"label": str}))
    assert back["text"].tolist() == ["=1+1", "good"] and back["label"].tolist() == ["-1", "1"]

"""Every table the Explore page offers as CSV keeps words that look like formulas inert in a spreadsheet."""

import pandas as pd

from embedlab_ui.maps import csv_bytes


def test_a_selection_or_chart_table_neutralises_formula_words_and_keeps_the_rest():
    table = pd.DataFrame({"word": ["=cmd|' /C calc'!A0", "+1", "@home", "king"], "x": [0.5, 1.0, -2.0, 3.0]})

    lines = csv_bytes(table).decode("utf-8").splitlines()

    assert lines[0] == "word,x"
    assert [line.split(",")[0] for line in lines[1:]] == ["'=cmd|' /C calc'!A0", "'+1", "'@home", "king"]
    assert lines[3].endswith(",-2.0")  # numbers are left as numbers

"""Reading labelled files: every format by content, encodings, label kinds, counted drops, bad uploads."""

import json

import numpy as np
import pytest

from embedlab.cli import main
from embedlab.data import tables as dataset_tables
from embedlab.data.files import labelled_from_table, order_class_names, read_labelled_file
from embedlab.data.tables import MAX_CLASSES, inspect_table
from embedlab.errors import EmbedLabError

ROWS = [("a fine and moving film", "pos"), ("a dull mess", "neg"), ("great fun", "pos"), ("awful", "neg")]


def _delimited(delimiter: str, header=("text", "label")) -> bytes:
    lines = [delimiter.join(header)] if header else []
    lines += [delimiter.join(row) for row in ROWS]
    return ("\n".join(lines) + "\n").encode("utf-8")


@pytest.mark.parametrize(
    "raw, filename, kind, delimiter",
    [
        (_delimited(","), "data.csv", "csv", ","),
        (_delimited("\t"), "data.tsv", "tsv", "\t"),
        (_delimited(";"), "data.csv", "delimited", ";"),
        (_delimited("|"), "data.txt", "delimited", "|"),
        (_delimited("\t"), "data.csv", "tsv", "\t"),  # by content, not by extension
        ("\n".join(json.dumps({"text": t, "label": label}) for t, label in ROWS).encode(), "data.txt", "jsonl", None),
        (json.dumps([{"text": t, "label": label} for t, label in ROWS]).encode(), "data.csv", "json", None),
        ("\n".join(f"__label__{label} {t}" for t, label in ROWS).encode(), "data.txt", "fasttext", None),
    ],
)
def test_every_format_is_detected_and_read(raw, filename, kind, delimiter):
    table = inspect_table(raw, filename)
    assert (table.format, table.delimiter, table.encoding) == (kind, delimiter, "utf-8")
    assert (table.text_column, table.label_column) == ("text", "label")
    dataset = read_labelled_file(raw, filename=filename)
    assert dataset.texts == [text for text, _ in ROWS]
    assert dataset.class_names == ["neg", "pos"]
    assert dataset.labels.tolist() == [1, 0, 1, 0]
    assert dataset.name == filename and dataset.dropped == {}


def test_fasttext_with_several_labels_takes_the_first_and_says_so():
    raw = b"__label__pos __label__funny a fine film\n__label__neg a dull film\n__label__pos great\n"
    dataset = read_labelled_file(raw)
    assert dataset.texts == ["a fine film", "a dull film", "great"]
    assert dataset.class_names == ["neg", "pos"] and dataset.labels.tolist() == [1, 0, 1]
    assert any("1 line carries several __label__ tags" in note for note in dataset.notes)


def test_a_file_without_header_gets_numbered_columns_and_a_note():
    raw = b"1\t2.5\ta fine and moving film\n2\t-1.5\ta dull mess\n3\t0\tso-so\n4\t3.25\tgreat fun\n"
    table = inspect_table(raw, "ratings.txt")
    assert table.columns == ["column 1", "column 2", "column 3"]
    assert (table.text_column, table.label_column) == ("column 3", "column 2")
    assert any("no header row" in note for note in table.notes)
    assert table.needs_threshold("column 2") and not table.needs_threshold("column 1")
    dataset = labelled_from_table(table, "column 3", "column 2", rating_threshold=0)
    assert dataset.texts == ["a fine and moving film", "a dull mess", "great fun"]
    assert dataset.class_names == ["negative", "positive"] and dataset.labels.tolist() == [1, 0, 1]
    assert dataset.dropped == {"rating exactly 0 (neither side of the threshold)": 1}


@pytest.mark.parametrize(
    "raw, encoding, note",
    [
        ("text,label\ncafé crème,pos\nbad,neg\n".encode(), "utf-8", None),
        (b"\xef\xbb\xbf" + "text,label\ncafé crème,pos\nbad,neg\n".encode(), "utf-8-sig", None),
        ("text,label\ncafé crème,pos\nbad,neg\n".encode("cp1252"), "cp1252", "read as Windows-1252, not UTF-8"),
        ("text,label\ncafé crème,pos\nbad,neg\n".encode("utf-16"), "utf-16", "read as UTF-16"),
    ],
)
def test_encodings_decode_and_a_fallback_is_reported(raw, encoding, note):
    table = inspect_table(raw, "x.csv")
    assert table.encoding == encoding
    assert table.columns == ["text", "label"]  # no BOM glued to the first column name
    dataset = labelled_from_table(table, "text", "label")
    assert dataset.texts[0] == "café crème"
    if note is None:
        assert table.notes == []
    else:
        assert any(note in n for n in dataset.notes)


def test_suggestions_pick_the_longest_text_and_a_label_like_or_few_valued_column():
    raw = b"id,title,body,stars\n1,Good,a long review of a good film,5\n2,Bad,a long review of a bad film,1\n"
    table = inspect_table(raw, "r.csv")
    assert (table.text_column, table.label_column) == ("body", "stars")
    raw = (b"id,title,body,verdict\n1,Good,a long review of a good film,yes\n2,Bad,a long review of a bad film,no\n"
           b"3,Fine,a long review of a fine film,yes\n4,Poor,a long review of a poor film,no\n")
    table = inspect_table(raw, "r.csv")
    assert (table.text_column, table.label_column) == ("body", "verdict")


@pytest.mark.parametrize(
    "values, expected",
    [
        (["positive", "negative"], ["negative", "positive"]),
        (["pos", "neg", "neutral"], ["neg", "neutral", "pos"]),
        (["1", "0"], ["0", "1"]),
        (["true", "false"], ["false", "true"]),
        (["good", "bad"], ["bad", "good"]),
        (["10", "2", "1"], ["1", "2", "10"]),
        (["sports", "Arts", "news"], ["Arts", "news", "sports"]),
    ],
)
def test_class_names_are_ordered_sensibly(values, expected):
    assert order_class_names(values) == expected


@pytest.mark.parametrize(
    "records, class_names, labels",
    [
        ([("a", True), ("b", False), ("c", True)], ["false", "true"], [1, 0, 1]),
        ([("a", 1), ("b", 0), ("c", 2)], ["0", "1", "2"], [1, 0, 2]),
        ([("a", 1.0), ("b", 0.0), ("c", None)], ["0", "1"], [1, 0]),  # whole floats are integer classes
        ([("a", "sports"), ("b", "news"), ("c", "arts")], ["arts", "news", "sports"], [2, 1, 0]),
    ],
)
def test_label_kinds(records, class_names, labels):
    raw = json.dumps([{"text": text, "label": label} for text, label in records]).encode()
    dataset = read_labelled_file(raw)
    assert dataset.class_names == class_names
    assert dataset.labels.tolist() == labels
    assert dataset.labels.dtype == np.int64


def test_every_dropped_row_is_counted_by_reason():
    raw = (b"text,label\n"
           b"a fine film,pos\n"
           b",pos\n"                 # empty text
           b"   ,neg\n"              # blank text
           b"no label here,\n"       # missing label
           b"a fine film,pos\n"      # duplicate
           b"torn,pos\n"             # conflicting duplicates (both copies go)
           b"torn,neg\n"
           b"a dull film,neg\n")
    dataset = read_labelled_file(raw)
    assert dataset.texts == ["a fine film", "a dull film"]
    assert dataset.dropped == {
        "empty text": 2, "missing label": 1, "duplicate (same text and label)": 1,
        "conflicting duplicates (same text, different labels)": 2,
    }


def test_numeric_columns_are_recognised():
    table = inspect_table(json.dumps([{"text": "a", "stars": 1, "flag": True, "tag": "x"},
                                      {"text": "b", "stars": 5, "flag": False, "tag": "y"}]).encode(), "s.json")
    assert table.is_numeric("stars") and not table.needs_threshold("stars")
    assert not table.is_numeric("flag") and not table.is_numeric("tag")


def test_ratings_are_binarised_with_the_threshold_and_ties_dropped():
    raw = b"review,rating\nloved it,4.5\nhated it,1.5\nmeh,3\nfine,3.5\nbad,2.0\nok,\n"
    table = inspect_table(raw, "r.csv")
    assert table.label_column == "rating" and table.needs_threshold("rating")
    assert table.suggested_threshold("rating") == 3.0
    dataset = labelled_from_table(table, "review", "rating", rating_threshold=3)
    assert dataset.texts == ["loved it", "hated it", "fine", "bad"]
    assert dataset.labels.tolist() == [1, 0, 1, 0]
    assert dataset.dropped == {"missing label": 1, "rating exactly 3 (neither side of the threshold)": 1}


def test_html_and_script_in_text_are_kept_verbatim():
    raw = b'text,label\n"<script>alert(1)</script> nice",pos\n"<b>bold</b> & bad",neg\n'
    dataset = read_labelled_file(raw)
    assert dataset.texts == ["<script>alert(1)</script> nice", "<b>bold</b> & bad"]


def test_reads_a_path_and_the_explicit_columns(tmp_path):
    path = tmp_path / "mine.tsv"
    path.write_bytes(b"label\tsentence\textra\npos\ta fine film\tx\nneg\ta dull film\ty\n")
    dataset = read_labelled_file(path, text_column="sentence", label_column="label")
    assert dataset.name == "mine.tsv" and dataset.texts == ["a fine film", "a dull film"]
    with pytest.raises(EmbedLabError, match="no label column 'nope'.*'label', 'sentence', 'extra'"):
        read_labelled_file(path, text_column="sentence", label_column="nope")


def _binary(kind: str) -> bytes:
    return {"png": b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "zip": b"PK\x03\x04" + bytes(64),
            "nul": b"text,label\x00\x00\x01\x02"}[kind]


@pytest.mark.parametrize(
    "raw, message",
    [
        (b"", "is empty"),
        (b"  \n\n ", "is empty"),
        (b"text,label\n", "has a header but no rows"),
        (b"text,label\na fine film,pos\n", "1 usable row"),
        (b"text,label\na fine film,pos\na dull film,pos\n", "1 distinct value ('pos')"),
        (_binary("png"), "looks like a binary file (a PNG image)"),
        (_binary("zip"), "looks like a binary file (a zip archive"),
        (_binary("nul"), "looks like a binary file (it contains NUL bytes)"),
        (b'text,label\n"a fine film,pos\na dull film,neg\n', "could not be split into columns at line 2"),
        (b"text,label\na fine film,pos\na dull, boring film,neg\n", "could not be split into columns at line 3"),
        (b"just one column\nof text\nand more\n", "only one column"),
        (b'[{"text": "a", "label": 1}, 3]', "not a list of objects"),
        (b'[{"text": "a", "label": 1},', "is not valid JSON"),
        (b"text,label\na,\nb,\n", "0 usable rows"),
        (b"text,label\n" + b"!!! ...,pos\n,neg\n" * 20,
         "1 usable row of 40 with texts from column 'text' and labels from column 'label' (left out: empty text 20; "
         "duplicate (same text and label) 19)"),
    ],
)
def test_bad_uploads_get_a_clear_message(raw, message):
    with pytest.raises(EmbedLabError) as caught:
        read_labelled_file(raw, filename="bad.csv")
    assert message in str(caught.value)
    assert "bad.csv" in str(caught.value) or "column" in str(caught.value)


def test_many_distinct_labels_are_refused_with_a_hint():
    numeric = "text,score\n" + "".join(f"text {i},{i * 0.37:.2f}\n" for i in range(1_000))
    with pytest.raises(EmbedLabError, match=f"1,000 distinct labels; EmbedLab handles at most {MAX_CLASSES}.*"
                                            "set a rating threshold"):
        read_labelled_file(numeric.encode())
    assert len(read_labelled_file(numeric.encode(), rating_threshold=100).class_names) == 2
    words = "text,tag\n" + "".join(f"text {i},tag{i}\n" for i in range(2_000))
    with pytest.raises(EmbedLabError, match="2,000 distinct labels.*pick another label column"):
        read_labelled_file(words.encode())


def test_files_over_the_limits_are_refused(monkeypatch, tmp_path):
    raw = _delimited(",")
    monkeypatch.setattr(dataset_tables, "MAX_BYTES", 20)
    with pytest.raises(EmbedLabError, match="the limit is .* MB .*sample"):
        read_labelled_file(raw)
    path = tmp_path / "big.csv"
    path.write_bytes(raw)
    with pytest.raises(EmbedLabError, match="big.csv is .* MB; the limit"):
        read_labelled_file(path)
    monkeypatch.setattr(dataset_tables, "MAX_BYTES", 10**9)
    monkeypatch.setattr(dataset_tables, "MAX_ROWS", 3)
    with pytest.raises(EmbedLabError, match="has 4 rows; the limit is 3"):
        read_labelled_file(raw)


def test_tab_separated_text_may_hold_stray_quotes():
    raw = b'text\tlabel\n"unclosed at the start\tpos\nsays "hi\tneg\nfine\tpos\n'
    dataset = read_labelled_file(raw)
    assert dataset.texts == ['"unclosed at the start', 'says "hi', "fine"]
    assert dataset.labels.tolist() == [1, 0, 1]
    assert any("quote characters were read as part of the text" in note for note in dataset.notes)


def test_quoted_multi_line_texts_are_read_and_noted():
    raw = b'text,label\n"two\nlines, with a comma",pos\nshort,neg\n'
    dataset = read_labelled_file(raw)
    assert dataset.texts == ["two\nlines, with a comma", "short"]
    assert any("1 quoted text spans several lines" in note for note in dataset.notes)


def test_pang_lee_file_reads_like_the_builtin(gensim_test_data):
    dataset = read_labelled_file(gensim_test_data / "pang_lee_polarity.cor")
    assert len(dataset) == 200 and np.bincount(dataset.labels).tolist() == [100, 100]
    assert dataset.class_names == ["neg", "pos"]
    assert any("Windows-1252" in note for note in dataset.notes)


def test_cli_describes_a_file(tmp_path, capsys):
    path = tmp_path / "mine.csv"
    path.write_bytes(_delimited(","))
    assert main(["dataset", str(path), "--no-coverage", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["class_counts"] == {"neg": 2, "pos": 2} and result["num_examples"] == 4
    assert main(["dataset", str(path), "--no-coverage"]) == 0
    assert "4 examples: neg 2, pos 2" in capsys.readouterr().out
    assert main(["dataset", str(tmp_path / "missing.csv")]) == 2
    assert "neither a built-in dataset" in capsys.readouterr().err


def test_a_class_whose_texts_hold_no_words_is_noted(tmp_path, capsys):
    raw = ("text,label\na fine film,pos\na dull film,neg\ngreat fun,pos\n<br />,blank\n\u200b,blank\n"
           "<br/><br/>,blank\n").encode()
    dataset = read_labelled_file(raw, filename="blanks.csv")
    assert dataset.class_names == ["blank", "neg", "pos"]  # read as it is, with a note
    note = next(note for note in dataset.notes if "'blank'" in note)
    assert "none of its 3 texts holds a word" in note and "check the text column" in note
    assert not any("'pos'" in note or "'neg'" in note for note in dataset.notes)
    path = tmp_path / "blanks.csv"
    path.write_bytes(raw)
    assert main(["dataset", str(path), "--no-coverage"]) == 0
    assert "note: class 'blank' has no words" in capsys.readouterr().out

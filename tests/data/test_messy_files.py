"""Messy and hostile labelled files: long fields, deep JSON, wide encodings, line separators, label variants."""

import json

import pytest

from embedlab.cli import main
from embedlab.data.file_bytes import decode_bytes
from embedlab.data.files import label_variant_groups, read_labelled_file
from embedlab.data.tables import inspect_table
from embedlab.errors import EmbedLabError
from tests.messy_text import LABELS, messy_rows, write_csv, write_jsonl

ROWS = [("a fine and moving film", "pos"), ("a dull mess", "neg"), ("great fun", "pos"), ("awful", "neg")]
LONG = "word " * 60_000  # 300 KB: over the csv module's 128 KB field limit


def _cli_error(capsys, *argv) -> str:
    """The CLI's answer to a bad file: exit 2 and one line on stderr, no traceback."""
    assert main(["dataset", *map(str, argv), "--no-coverage"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "\n" not in err and "Traceback" not in err
    return err


# ---------------------------------------------------------------- fields over 128 KB


@pytest.mark.parametrize("raw", [
    f"text,label\n{LONG}the end,pos\na dull mess,neg\n".encode(),
    f"text\tlabel\n{LONG}the end\tpos\na dull mess\tneg\n".encode(),
    f'text,label\n"{LONG}, quoted",pos\na dull mess,neg\n'.encode(),
    f"{LONG}the end,pos\na dull mess,neg\ngreat fun,pos\n".encode(),  # no header: the long field is in row 1
], ids=["csv", "tsv", "quoted", "no-header"])
def test_a_field_over_the_csv_module_limit_is_read(raw, tmp_path, capsys):
    dataset = read_labelled_file(raw, filename="long.csv")
    assert len(dataset.texts[0]) > 128 * 1024 and dataset.texts[0].startswith("word word")
    assert dataset.texts[1] == "a dull mess" and dataset.class_names == ["neg", "pos"]
    path = tmp_path / "long.csv"
    path.write_bytes(raw)
    assert main(["dataset", str(path), "--no-coverage"]) == 0
    assert "examples: neg 1, pos" in capsys.readouterr().out


# ---------------------------------------------------------------- deep JSON


@pytest.mark.parametrize("raw, where", [
    (b"[" * 100_000 + b"]" * 100_000, ""),
    (b'[{"text": "a", "label": ' + b"[" * 100_000 + b"]" * 100_000 + b"}]", ""),
    (b'{"text": "a", "label": "pos"}\n{"text": "b", "label": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n",
     " (line 2)"),
    # Under Python's recursion limit, so json.loads succeeds; printing the value later would not.
    (b'[{"text": "a", "label": "pos"}, {"text": "b", "label": ' + b"[" * 500 + b"]" * 500 + b"}]", ""),
], ids=["list", "value", "jsonl", "value-500-deep"])
def test_deeply_nested_json_gets_one_line(raw, where, tmp_path, capsys):
    with pytest.raises(EmbedLabError, match="nested more than 100 levels deep"):
        read_labelled_file(raw, filename="deep.json")
    path = tmp_path / "deep.json"
    path.write_bytes(raw)
    message = _cli_error(capsys, path)
    assert f"deep.json holds JSON nested more than 100 levels deep{where}; expected flat records" in message


def test_json_with_modest_nesting_and_raw_tabs_still_reads():
    raw = '[{"text": "a\tfine film", "label": "pos", "meta": {"tags": [["x"]]}}, {"text": "dull", "label": "neg"}]'
    dataset = read_labelled_file(raw.encode())
    assert dataset.texts == ["a\tfine film", "dull"]


# ---------------------------------------------------------------- UTF-32 and UTF-16, with and without a mark


@pytest.mark.parametrize("encoding, label", [
    ("utf-32", "UTF-32 (it starts with a UTF-32 byte-order mark)"),
    ("utf-32-le", "UTF-32 (by where its zero bytes fall; it has no byte-order mark)"),
    ("utf-32-be", "UTF-32 (by where its zero bytes fall; it has no byte-order mark)"),
    ("utf-16-le", "UTF-16 (by where its zero bytes fall; it has no byte-order mark)"),
    ("utf-16-be", "UTF-16 (by where its zero bytes fall; it has no byte-order mark)"),
])
def test_utf32_and_bomless_utf16_are_read_as_what_they_are(encoding, label, tmp_path, capsys):
    raw = ("text,label\n" + "".join(f"{text} ☃ café,{name}\n" for text, name in ROWS)).encode(encoding)
    table = inspect_table(raw, "wide.csv")
    assert table.encoding == encoding and table.columns == ["text", "label"]
    assert f"read as {label}, not UTF-8" in table.notes
    dataset = read_labelled_file(raw)
    assert dataset.class_names == ["neg", "pos"]  # not "\x00n\x00e\x00g"
    assert dataset.texts == [f"{text} ☃ café" for text, _ in ROWS]
    path = tmp_path / "wide.csv"
    path.write_bytes(raw)
    assert main(["dataset", str(path), "--no-coverage"]) == 0
    assert "4 examples: neg 2, pos 2" in capsys.readouterr().out


def test_binary_data_with_nul_bytes_is_still_refused():
    noise = bytes((index * 7919) % 256 for index in range(4096))  # every byte value, no text pattern
    with pytest.raises(EmbedLabError, match="looks like a binary file"):
        read_labelled_file(noise, filename="noise.csv")


def test_a_stray_nul_in_utf8_text_is_kept_as_text():
    raw = b"text,label\n" + b"".join(f"{text},{name}\n".encode() for text, name in ROWS * 30) + b"bro\x00ken,neg\n"
    assert "bro\x00ken" in read_labelled_file(raw).texts


def test_a_nul_past_the_first_8_kb_is_read_as_a_space_and_the_dataset_says_so():
    rows = b"".join(f"{text},{name}\n".encode() for text, name in ROWS * 150)  # about 9 KB of clean rows first
    dataset = read_labelled_file(b"text,label\n" + rows + b"a good\x00film and\x1cnice,pos\n")
    assert len(rows) > 8192
    note = next(note for note in dataset.notes if "NUL" in note)
    assert note.startswith("1 NUL character and 1 other control character (the first at character ")
    assert "are read as spaces; the words around them are kept" in note


def test_clean_text_gets_no_control_character_note():
    assert not [note for note in read_labelled_file(b"text,label\n" + b"a\tfine film,pos\nawful,neg\n" * 3).notes
                if "control" in note or "NUL" in note]


def test_mostly_utf8_with_a_few_broken_bytes_stays_utf8():
    good = "text,label\ncafé crème brûlée,pos\nnaïve,neg\n".encode()
    raw = good + b"bad \xff byte,neg\n"
    text, encoding, notes = decode_bytes(raw)
    assert encoding == "utf-8" and "café crème brûlée" in text and "bad \ufffd byte" in text
    assert notes == [f"read as UTF-8; 1 invalid byte sequence was replaced by \ufffd (the first at byte "
                     f"{len(good) + 4}) — if texts look damaged, save the file as UTF-8 again"]


# ---------------------------------------------------------------- line separators inside records


SEPARATED = ["first\u2028second", "para\u2029graph", "next\x85line", "file\x1cgroup\x1drecord\x1eunit"]


def test_json_lines_with_raw_line_separators_in_strings_are_valid():
    rows = [(f"{text} {number}", "pos" if number % 2 else "neg") for number, text in enumerate(SEPARATED * 8)]
    raw = "".join(json.dumps({"text": text, "label": label}, ensure_ascii=False) + "\r\n" for text, label in rows)
    assert "\u2028" in raw  # json.dumps leaves U+2028 raw
    dataset = read_labelled_file(raw.encode(), filename="sep.jsonl")
    assert dataset.texts == [text for text, _ in rows] and dataset.dropped == {}


def test_fasttext_lines_with_line_separators_are_one_row_each():
    lines = [f"__label__{'pos' if number % 2 else 'neg'} {text} {number}" for number, text in
             enumerate(SEPARATED * 8)]
    dataset = read_labelled_file("\n".join(lines).encode(), filename="sep.txt")
    assert len(dataset) == 32 and dataset.dropped == {}
    assert dataset.texts[0] == "first second 0"  # fastText is whitespace-separated words, U+2028 among them


def test_old_mac_line_endings_still_split():
    raw = "\r".join(json.dumps({"text": text, "label": label}) for text, label in ROWS).encode()
    assert read_labelled_file(raw).texts == [text for text, _ in ROWS]


# ---------------------------------------------------------------- label variants and missing-value markers


VARIANTS = (b"text,label\n"
            b"one,NEG\ntwo,Neg\nthree,NEG\nfour,pos\nfive,Pos\nsix,POS\nseven,pos\n"
            b"eight,NaN\nnine,null\nten,None\neleven,N/A\ntwelve,\n")


def test_labels_that_differ_only_in_case_or_spaces_are_found():
    table = inspect_table(VARIANTS, "v.csv")
    assert label_variant_groups(table.frame["label"]) == [["NEG", "Neg"], ["pos", "POS", "Pos"]]
    assert label_variant_groups(["True", True, " true", "yes", "\u200btrue\u00a0", "ＴＲＵＥ"]) == \
        [["true", "True", "\u200btrue", "ＴＲＵＥ"]]  # True and " true" are "true": the most frequent
    assert label_variant_groups(["neg", "pos", "nan", "NaN"]) == []  # markers are not a class to merge


def test_label_variants_are_noted_and_kept_apart_unless_merged():
    dataset = read_labelled_file(VARIANTS)
    assert dataset.class_names == ["NEG", "Neg", "pos", "Pos", "POS"]
    assert dataset.label_variants == [["NEG", "Neg"], ["pos", "POS", "Pos"]]
    assert any("differ only in case or spaces and are kept apart: 'NEG' / 'Neg'; 'pos' / 'POS' / 'Pos'" in note
               for note in dataset.notes)
    merged = read_labelled_file(VARIANTS, merge_label_variants=True)
    assert merged.class_names == ["NEG", "pos"] and merged.labels.tolist() == [0, 0, 0, 1, 1, 1, 1]
    assert merged.label_variants == []
    assert "merged classes that differ only in case or spaces: 'NEG' + 'Neg' → 'NEG'; 'pos' + 'POS' + 'Pos' → " \
           "'pos'" in merged.notes


def test_missing_value_markers_are_dropped_and_counted_not_a_class():
    dataset = read_labelled_file(VARIANTS, merge_label_variants=True)
    assert "NaN" not in dataset.class_names and "None" not in dataset.class_names
    assert dataset.dropped == {"missing label": 1, "missing label (written as 'N/A', 'NaN', 'None', 'null')": 4}


def test_merged_variants_turn_conflicts_into_duplicates():
    raw = b"text,label\ntorn,NEG\ntorn,neg\nfine,pos\ndull,neg\n"
    assert read_labelled_file(raw).dropped == {"conflicting duplicates (same text, different labels)": 2}
    assert read_labelled_file(raw, merge_label_variants=True).dropped == {"duplicate (same text and label)": 1}


def test_cli_reports_label_variants_and_merges_on_request(tmp_path, capsys):
    path = tmp_path / "variants.csv"
    path.write_bytes(VARIANTS)
    assert main(["dataset", str(path), "--no-coverage"]) == 0
    out = capsys.readouterr().out
    assert "7 examples: NEG 2, Neg 1, pos 2, Pos 1, POS 1" in out
    assert "note: add --merge-label-variants to treat each group of {NEG, Neg} / {pos, POS, Pos} as one class" in out
    assert "missing label (written as 'N/A', 'NaN', 'None', 'null') 4" in out
    assert main(["dataset", str(path), "--no-coverage", "--merge-label-variants", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["class_counts"] == {"NEG": 3, "pos": 4} and result["label_variants"] == []


NUMBERS = b"text,label\na fine film,1\na good film,01\nnice,1.0\nbad,0\nawful,00\nmeh,0.0\ngrim,0\nfun,1\n"


def test_whole_numbers_written_with_leading_zeros_are_noted_and_kept_apart_unless_merged(tmp_path, capsys):
    assert label_variant_groups(["1", "01", 1.0, "001", "0", "00", "-1", "10"]) == [["1", "001", "01"], ["0", "00"]]
    dataset = read_labelled_file(NUMBERS)
    assert dataset.class_names == ["0", "00", "1", "01"]  # 1.0 is the number 1, as before; 01 is kept apart
    assert dataset.label_variants == [["0", "00"], ["1", "01"]]
    note = next(note for note in dataset.notes if "kept apart" in note)
    assert "differ only in case, spaces or leading zeros and are kept apart: '0' / '00'; '1' / '01'" in note
    assert "if they mean the same, merge" in note
    merged = read_labelled_file(NUMBERS, merge_label_variants=True)
    assert merged.class_names == ["0", "1"] and merged.labels.tolist() == [1, 1, 1, 0, 0, 0, 0, 1]
    path = tmp_path / "numbers.csv"
    path.write_bytes(NUMBERS)
    assert main(["dataset", str(path), "--no-coverage"]) == 0
    assert "note: add --merge-label-variants to treat each group of {0, 00} / {1, 01} as one class" in \
        capsys.readouterr().out


# ---------------------------------------------------------------- messy real-world text


MESSY = messy_rows()
WIDE = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"]


@pytest.mark.parametrize("encoding", WIDE)
@pytest.mark.parametrize("kind", ["csv", "tsv", "jsonl"])
def test_every_unicode_category_comes_through_every_format_and_encoding(kind, encoding):
    text = {"csv": write_csv(MESSY), "tsv": write_csv(MESSY, "\t"), "jsonl": write_jsonl(MESSY)}[kind]
    dataset = read_labelled_file(text.encode(encoding), filename=f"messy.{kind}")
    assert dataset.texts == [text for text, _ in MESSY]
    assert dataset.class_names == list(LABELS)
    assert [dataset.class_names[label] for label in dataset.labels] == [label for _, label in MESSY]
    assert dataset.dropped == {}


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
@pytest.mark.parametrize("kind", ["csv", "tsv", "jsonl"])
def test_single_byte_encodings_come_through(kind, encoding):
    text = "naïve façade «quoted» ¿qué? ½ £5 ÿ" + (" — “smart” €" if encoding == "cp1252" else "")
    rows = [(f"{text} {number}", LABELS[number % 2]) for number in range(6)]
    content = {"csv": write_csv(rows), "tsv": write_csv(rows, "\t"), "jsonl": write_jsonl(rows)}[kind]
    dataset = read_labelled_file(content.encode(encoding))
    assert dataset.texts == [text for text, _ in rows] and dataset.class_names == list(LABELS)
    assert any("read as Windows-1252, not UTF-8" in note for note in dataset.notes)


def test_lone_surrogates_become_replacement_characters():
    raw = (b'{"text": "lone \\ud800 high", "label": "pos"}\n{"text": "lone \\udc00 low", "label": "neg"}\n'
           b'{"text": "pair \\ud83d\\ude00 ok", "label": "pos"}\n')
    assert read_labelled_file(raw).texts == ["lone \ufffd high", "lone \ufffd low", "pair \U0001f600 ok"]
    # A lone surrogate written with errors="surrogatepass" is three bytes that are not UTF-8; the rest of the
    # file is, so it stays UTF-8 with the bad bytes replaced (rather than the whole file read as Windows-1252).
    broken = "text,label\ncafé crème,pos\nsmörgåsbord,neg\n".encode() + "lone \ud800 here,neg\n".encode(
        "utf-8", "surrogatepass")
    dataset = read_labelled_file(broken)
    assert dataset.texts == ["café crème", "smörgåsbord", "lone \ufffd\ufffd\ufffd here"]
    assert all(text.encode("utf-8") for text in dataset.texts)  # no surrogate left to break a save

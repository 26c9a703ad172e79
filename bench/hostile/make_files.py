"""Write the messy and hostile files of EmbedLab issue 12 into bench/hostile/files/ (not committed: made on demand).

Datasets (small: they are trained with --epochs 1), vector files and .keras files, one kind
each. Big files are sparse (truncate) or compressed, so the folder stays a few megabytes.

    python bench/hostile/make_files.py [--base-keras PATH]

The .keras variants start from a real saved model (default: the project's tests/golden/run/model.keras).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import random
import shutil
import struct
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
FILES = HERE / "files"
PROJECT = HERE.parents[1]

POSITIVE = ["a good fun movie", "great acting and a lovely story", "wonderful cast", "superb film",
            "i loved every minute", "brilliant and moving", "a charming delight", "excellent script",
            "warm funny and smart", "the best film this year"]
NEGATIVE = ["a bad boring film", "awful plot", "terrible pacing", "dull script", "weak ending",
            "i hated every minute", "a tedious mess", "poor acting throughout", "clumsy and slow",
            "the worst film this year"]


def rows(n: int = 40, decorate=lambda text, i: text) -> list[tuple[str, str]]:
    """``n`` labelled rows, alternating positive and negative, each text passed through ``decorate``."""
    out = []
    for i in range(n):
        pool, label = (POSITIVE, "pos") if i % 2 == 0 else (NEGATIVE, "neg")
        out.append((decorate(f"{pool[(i // 2) % len(pool)]} take{i}", i), label))  # distinct: no duplicates dropped
    return out


def csv_text(table: list[tuple[str, str]], header=("text", "label")) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(table)
    return buffer.getvalue()


def write(name: str, content: str | bytes, encoding: str = "utf-8") -> None:
    path = FILES / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))


def with_char(char: str):
    """Every third text gets ``char`` between two of its words (as a messy export would)."""
    return lambda text, i: text.replace(" ", f" {char}", 1) if i % 3 == 0 else text


def datasets() -> None:
    write("nel.csv", csv_text(rows(decorate=with_char("\u0085"))))
    write("line_separator_u2028.csv", csv_text(rows(decorate=with_char("\u2028"))))
    write("paragraph_separator_u2029.csv", csv_text(rows(decorate=with_char("\u2029"))))
    write("controls_1c_1e.csv", csv_text(rows(decorate=lambda t, i: t.replace(" ", "\x1c", 1) + "\x1d x\x1e y")))
    normal = csv_text(rows(400))  # about 10 KB of distinct rows before the NUL
    write("nul_after_8k.csv", normal + "a good film\x00 but every word after the nul is lost,pos\n"
          + "".join(f"{text},{label}\n" for text, label in rows(10)))
    big = rows(40)
    big[5] = ("long " * 40_000 + "good", "pos")  # a 200 KB field: over the csv module's 128 KB limit
    write("field_over_128k.csv", csv_text(big))
    write("json_nested_100k.json", "[" * 100_000 + "]" * 100_000)
    write("utf32.csv", csv_text(rows()), encoding="utf-32")  # with its byte-order mark
    write("jsonl_raw_u2028.jsonl", "".join(json.dumps({"text": t, "label": l}, ensure_ascii=False) + "\n"
                                           for t, l in rows(decorate=with_char("\u2028"))))
    write("fasttext_u2028.txt", "".join(f"__label__{l} {t}\n" for t, l in rows(decorate=with_char("\u2028"))))
    cases = ["NEG", "Neg", "neg ", " neg"]
    write("labels_neg_Neg.csv", csv_text([(t, cases[i % 4] if l == "neg" else ["pos", "POS"][i % 2])
                                          for i, (t, l) in enumerate(rows())]))
    write("label_NaN.csv", csv_text([(t, "NaN" if i % 7 == 3 else l) for i, (t, l) in enumerate(rows())]))
    write("all_texts_empty.csv", csv_text([("" if i % 2 else "!!! ...", l) for i, (_, l) in enumerate(rows())]))
    write("windows_1252.csv", csv_text(rows(decorate=lambda t, i: f"\u201c{t}\u201d caf\u00e9 na\u00efve \u2013 ok")),
          encoding="cp1252")
    injections = ['=HYPERLINK("http://example.invalid/x","click") bad', "=cmd|' /C calc'!A0 terrible",
                  "+SUM(1,2) good film", "-2+3 fine film", "@SUM(1) great", "\t=1+1 tab first", "\r=1+1 cr first"]
    write("formula_injection.csv", csv_text([(f"{injections[i % len(injections)]} {t}", l)  # every row: the test
                                             for i, (t, l) in enumerate(rows())]))  # split gets some


def vector_lines(extra: list[str]) -> str:
    rng = random.Random(0)
    words = ["king", "queen", "man", "woman", "prince", "apple", "film", "good", "bad", "fun"]
    lines = [f"{w} {' '.join(f'{rng.uniform(-1, 1):.5f}' for _ in range(5))}" for w in words]
    return "\n".join(lines[:4] + extra + lines[4:]) + "\n"


def vectors() -> None:
    write("vec_nan_inf.txt", vector_lines(["nanword nan 0.1 0.2 0.3 0.4", "infword 0.1 inf 0.2 0.3 0.4",
                                           "neginf -inf 1 1 1 1"]))
    write("vec_3e38.txt", vector_lines(["huge 3e38 3e38 1 1 1", "huger 3e38 -3e38 3e38 0 0",
                                        "overflow 1e39 0 0 0 0"]))
    with open(FILES / "vec_sparse_2g.txt", "wb") as handle:
        handle.truncate(2 * 1024**3)  # 2 GiB of NUL bytes that take no disk
    write("vec_binary_garbage.bin", random.Random(1).randbytes(5_000_000))
    bomb = gzip.compress(b"king 1 2 3 4 5\n" * 20_000_000, compresslevel=9)  # 300 MB of lines in well under 1 MB
    write("vec_gzip_bomb.txt.gz", bomb[:-4] + (1000).to_bytes(4, "little"))  # the recorded size lies too
    write("vec_header_lies.bin", b"3000000000 300\n" + random.Random(2).randbytes(100_000))


def _entries(base: Path) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(base) as archive:
        return [(info, archive.read(info)) for info in archive.infolist()]


def _zip(name: str, entries: list[tuple[str, bytes]]) -> Path:
    path = FILES / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for entry, data in entries:
            archive.writestr(entry, data)
    return path


def _declare_size(path: Path, entry: str, size: int) -> None:
    """Rewrite the sizes an entry's local and central headers declare (the data stays as it is)."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(entry)
    local = info.header_offset
    struct.pack_into("<I", data, local + 22, size)  # local header: uncompressed size
    central = data.find(b"PK\x01\x02")
    while central >= 0:
        name_length = struct.unpack_from("<H", data, central + 28)[0]
        if bytes(data[central + 46:central + 46 + name_length]).decode() == entry:
            struct.pack_into("<I", data, central + 24, size)  # central header: uncompressed size
            break
        central = data.find(b"PK\x01\x02", central + 4)
    path.write_bytes(bytes(data))


def keras_files(base: Path) -> None:
    entries = [(info.filename, data) for info, data in _entries(base)]
    names = [name for name, _ in entries]
    shutil.copy(base, FILES / "keras_valid_reference.keras")
    declared = _zip("keras_declares_3gb.keras", entries)
    _declare_size(declared, "model.weights.h5", 3_000_000_000)
    with zipfile.ZipFile(FILES / "keras_zip_bomb.keras", "w") as archive:
        for name, data in entries:
            if name != "model.weights.h5":
                archive.writestr(name, data)
        info = zipfile.ZipInfo("model.weights.h5")
        info.compress_type = zipfile.ZIP_DEFLATED
        zeros = b"\x00" * (16 << 20)
        with archive.open(info, "w", force_zip64=True) as handle:
            for _ in range(3 * 1024**3 // len(zeros)):  # 3 GiB of zeros, about 3 MB packed
                handle.write(zeros)
    config = dict(entries)["config.json"]
    deep = b'{"a":' * 40_000 + b"1" + b"}" * 40_000
    _zip("keras_config_nested_40k.keras", [(n, deep if n == "config.json" else d) for n, d in entries])
    _zip("keras_dotdot_names.keras", entries + [("../../evil.txt", b"escaped"), ("assets/../../x.txt", b"x")])
    data = base.read_bytes()
    write("keras_truncated.keras", data[: len(data) // 2])
    assert names and config


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-keras", type=Path, default=PROJECT / "tests/golden/run/model.keras")
    args = parser.parse_args()
    FILES.mkdir(parents=True, exist_ok=True)
    datasets()
    vectors()
    keras_files(args.base_keras)
    for path in sorted(FILES.iterdir()):
        print(f"{path.stat().st_size:>14,}  {path.name}")


if __name__ == "__main__":
    main()

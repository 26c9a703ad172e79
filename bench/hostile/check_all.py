"""Run every file in bench/hostile/files (made by make_files.py) through EmbedLab's CLI and print what happened, one row per command.

    python bench/hostile/check_all.py [--only SUBSTRING] [--no-train] [--jobs N]

Each command runs under ``/usr/bin/time -v`` (wall seconds, peak resident MB). The verdict:
- a dataset either trains (``train --epochs 1 --encoder pooling``) and its saved run, loaded back by
  ``evaluate``, gives the metrics and ROC (so the same test predictions) the training recorded — or it
  is refused with exit 2 and a one-line message;
- a hostile file (vectors, .keras) is refused with exit 2, one line, in under 2 s and under 500 MB;
- NaN/inf/3e38 vector files load with the bad rows left out, a note saying so, and valid JSON;
- never a traceback.
A run's ``test_split.csv`` is also searched for cells that start like a formula (= + - @ tab CR).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
FILES = HERE / "files"
WORK = Path(tempfile.gettempdir()) / "hostile_check"
MAX_SECONDS, MAX_MB = 2.0, 500
NOISE = re.compile(r"^(?:[IWE]\d{4} |.*cuda|.*cuInit|.*oneDNN|.*TF_ENABLE_ONEDNN|.*rebuild TensorFlow|.*AVX|"
                   r".*\bepoch \d+/\d+|\s*$|.*computation placer|.*absl::InitializeLog|WARNING: All log messages)")
FORMULA = re.compile(r"^[=+\-@\t\r]")

DATASETS = ["nel.csv", "line_separator_u2028.csv", "paragraph_separator_u2029.csv", "controls_1c_1e.csv",
            "nul_after_8k.csv", "field_over_128k.csv", "json_nested_100k.json", "utf32.csv",
            "jsonl_raw_u2028.jsonl", "fasttext_u2028.txt", "labels_neg_Neg.csv", "label_NaN.csv",
            "all_texts_empty.csv", "windows_1252.csv", "formula_injection.csv"]
# What a dataset's summary must show when it is read (exit 0): silent wrong results are failures too.
EXPECT = {
    "nul_after_8k.csv": lambda s, text: None if "nul" in text.lower() else "a NUL byte accepted with no note",
    "labels_neg_Neg.csv": lambda s, text: None if "case" in text else "NEG/Neg kept apart with no note",
    "label_NaN.csv": lambda s, text: None if "NaN" in text and "NaN" not in s["class_counts"] or "'NaN'" in text
    else "the label NaN became a class with no note",
    "utf32.csv": lambda s, text: None if sorted(s["class_counts"]) == ["neg", "pos"] else
    f"classes read as {list(s['class_counts'])}",
    "jsonl_raw_u2028.jsonl": lambda s, text: None if sum(s["class_counts"].values()) == 40 else "rows lost",
    "fasttext_u2028.txt": lambda s, text: None if sum(s["class_counts"].values()) == 40 else "rows lost or split",
    "windows_1252.csv": lambda s, text: None if sum(s["class_counts"].values()) == 40 else "rows lost",
}
HOSTILE_VECTORS = ["vec_sparse_2g.txt", "vec_binary_garbage.bin", "vec_gzip_bomb.txt.gz", "vec_header_lies.bin"]
DIRTY_VECTORS = ["vec_nan_inf.txt", "vec_3e38.txt"]
HOSTILE_KERAS = ["keras_declares_3gb.keras", "keras_zip_bomb.keras", "keras_config_nested_40k.keras",
                 "keras_dotdot_names.keras", "keras_truncated.keras"]


@dataclass
class Result:
    file: str
    command: str
    code: int
    seconds: float
    mb: float
    stderr_lines: list[str]
    traceback: bool
    stdout: str = ""
    problems: list[str] = field(default_factory=list)
    info: list[str] = field(default_factory=list)  # what the command said (dataset notes), for the reader

    @property
    def one_line(self) -> bool:
        return len(self.stderr_lines) == 1 and self.stderr_lines[0].startswith("error: ")


def run(project: Path, file: str, command: list[str], label: str, timeout: int = 600) -> Result:
    handle, name = tempfile.mkstemp(dir=WORK, prefix="time-", suffix=".txt")
    os.close(handle)
    stats = Path(name)
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "EMBEDLAB_CACHE_DIR": str(WORK / "cache")}
    started = time.perf_counter()
    try:
        done = subprocess.run(["/usr/bin/time", "-v", "-o", str(stats), sys.executable, "-m", "embedlab", *command],
                              cwd=project, env=env, capture_output=True, text=True, errors="replace", timeout=timeout)
        code, out, err = done.returncode, done.stdout, done.stderr
    except subprocess.TimeoutExpired as expired:
        code, out, err = -9, "", f"timeout after {timeout} s\n{expired.stderr or ''}"
    seconds, mb = time.perf_counter() - started, float("nan")
    text = stats.read_text() if stats.exists() else ""
    if text:
        found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
        mb = int(found.group(1)) / 1024 if found else mb
        wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", text)
        if wall:
            seconds = int(wall.group(1) or 0) * 3600 + int(wall.group(2)) * 60 + float(wall.group(3))
    stats.unlink(missing_ok=True)
    lines = [line for line in err.replace("\r", "\n").splitlines() if not NOISE.match(line)]
    return Result(file, label, code, seconds, mb, lines, "Traceback (most recent call last)" in err, out)


def refused_fast(result: Result) -> None:
    if result.code != 2:
        result.problems.append(f"exit {result.code}, expected 2")
    if not result.one_line:
        result.problems.append(f"stderr is {len(result.stderr_lines)} lines")
    if result.seconds >= MAX_SECONDS:
        result.problems.append(f"{result.seconds:.1f} s >= {MAX_SECONDS:g} s")
    if result.mb >= MAX_MB:
        result.problems.append(f"{result.mb:.0f} MB >= {MAX_MB} MB")


def ok_or_one_line(result: Result) -> None:
    if result.code == 0:
        return
    if result.code != 2:
        result.problems.append(f"exit {result.code}")
    elif not result.one_line:
        result.problems.append(f"stderr is {len(result.stderr_lines)} lines")


def strict_json(text: str):
    def refuse(constant):
        raise ValueError(f"{constant} in JSON")

    return json.loads(text, parse_constant=refuse)


def check_dataset(project: Path, name: str, train: bool) -> list[Result]:
    path = str(FILES / name)
    described = run(project, name, ["dataset", path, "--json", "--no-coverage"], "dataset")
    ok_or_one_line(described)
    if described.code == 0:
        try:
            summary = strict_json(described.stdout)
            described.info = [f"{sum(summary['class_counts'].values())} rows, classes {list(summary['class_counts'])}"]
            described.info += [f"dropped {summary['dropped']}"] if summary.get("dropped") else []
            described.info += [f"note: {note[:90]}" for note in summary.get("notes", [])]
            expectation = EXPECT.get(name)
            problem = expectation(summary, json.dumps(summary.get("notes", [])) + json.dumps(
                summary.get("dropped", {}))) if expectation else None
            if problem:
                described.problems.append(problem)
        except (ValueError, KeyError) as error:
            described.problems.append(f"dataset --json unreadable ({error})")
    results = [described]
    if not train:
        return results
    out = WORK / "runs" / name.replace(".", "_")
    trained = run(project, name, ["train", path, "--epochs", "1", "--encoder", "pooling", "--out", str(out), "--json"],
                  "train --epochs 1 --encoder pooling")
    ok_or_one_line(trained)
    results.append(trained)
    if trained.code != 0:
        return results
    try:
        run_path = Path(strict_json(trained.stdout)["run"])
    except (ValueError, KeyError) as error:
        trained.problems.append(f"train --json unreadable ({error})")
        return results
    recorded = json.loads((run_path / "metrics.json").read_text())
    evaluated = run(project, name, ["evaluate", str(run_path), "--json"], "evaluate (reloaded run)")
    results.append(evaluated)
    if evaluated.code != 0:
        evaluated.problems.append(f"the saved run does not load back: exit {evaluated.code}")
        return results
    again = strict_json(evaluated.stdout)
    for key in ("accuracy", "auc", "confusion_matrix", "roc"):
        if recorded.get(key) != again.get(key):
            evaluated.problems.append(f"{key} differs after reload")
    split = run_path / "test_split.csv"
    if split.exists():
        import csv

        with open(split, newline="", encoding="utf-8", errors="replace") as handle:
            cells = [cell for row in csv.reader(handle) for cell in row if FORMULA.match(cell)]
        if cells:
            evaluated.problems.append(f"{len(cells)} formula-like cell(s) in test_split.csv, e.g. {cells[0][:20]!r}")
    return results


def check_vectors(project: Path, name: str, hostile: bool) -> list[Result]:
    path = str(FILES / name)
    commands = [(["similarity", "king", "queen", "--vectors", path, "--json"], "similarity"),
                (["neighbors", "king", "--topn", "3", "--vectors", path, "--json"], "neighbors"),
                (["project", "--vectors", path, "--top", "50", "--method", "pca", "--out",
                  str(WORK / f"{name}.csv"), "--json"], "project --method pca")]
    results = []
    for command, label in commands:
        result = run(project, name, command, label)
        if hostile:
            refused_fast(result)
        elif result.code != 0:
            result.problems.append(f"exit {result.code}: {' '.join(result.stderr_lines)[:120]}")
        else:
            try:
                notes = strict_json(result.stdout).get("notes", [])
                if not any("left out" in note for note in notes):
                    result.problems.append("no note about the rows left out")
            except ValueError as error:
                result.problems.append(f"invalid JSON ({error})")
        results.append(result)
    return results


def check_keras(project: Path, name: str, hostile: bool) -> list[Result]:
    result = run(project, name, ["predict", str(FILES / name), "a good fun film", "--json"], "predict FILE.keras")
    if hostile:
        refused_fast(result)
    elif result.code != 0:
        result.problems.append(f"the reference model does not predict: exit {result.code}")
    return [result]


def table(results: list[Result]) -> str:
    head = f"{'file':<32} {'command':<36} {'exit':>4} {'1-line':>6} {'trace':>5} {'s':>6} {'MB':>6}  verdict"
    lines = [head, "-" * len(head)]
    for r in results:
        one = "yes" if r.one_line else ("-" if r.code == 0 and not r.stderr_lines else "no")
        verdict = "ok" if not r.problems and not r.traceback else "FAIL: " + "; ".join(
            (["traceback"] if r.traceback else []) + r.problems)
        lines.append(f"{r.file:<32} {r.command:<36} {r.code:>4} {one:>6} {'YES' if r.traceback else 'no':>5} "
                     f"{r.seconds:>6.1f} {r.mb:>6.0f}  {verdict}")
        if r.problems and r.stderr_lines:
            lines.append(f"{'':<32}   stderr: {r.stderr_lines[-1][:150]}")
        elif r.code == 2 and r.stderr_lines:
            lines.append(f"{'':<32}   {r.stderr_lines[-1][:150]}")
        lines += [f"{'':<32}   {line}" for line in r.info]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="only files whose name contains this")
    parser.add_argument("--no-train", action="store_true", help="describe datasets without training them")
    parser.add_argument("--project", type=Path, default=HERE.parents[1])
    parser.add_argument("--jobs", type=int, default=1, help="datasets checked at once (default 1)")
    args = parser.parse_args()
    if not FILES.is_dir():
        sys.exit(f"no {FILES}: run make_files.py first")
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    results = [run(args.project, "(none)", ["--help"], "--help (start-up cost, for scale)")]
    print(table(results), flush=True)  # rows as they finish; the whole table again at the end
    checks = [(check_vectors, name, True) for name in HOSTILE_VECTORS]
    checks += [(check_vectors, name, False) for name in DIRTY_VECTORS]
    checks += [(check_keras, name, name != "keras_valid_reference.keras")
               for name in ["keras_valid_reference.keras", *HOSTILE_KERAS]]
    checks += [(check_dataset, name, not args.no_train) for name in DATASETS]  # slowest last
    from concurrent.futures import ThreadPoolExecutor

    chosen = [(check, name, flag) for check, name, flag in checks if args.only in name]
    with ThreadPoolExecutor(max(1, args.jobs)) as pool:  # each check runs subprocesses: threads suffice
        for new in pool.map(lambda item: item[0](args.project, item[1], item[2]), chosen):
            results += new
            print("\n".join(table(new).splitlines()[2:]), flush=True)
    print()
    print(table(results))
    failed = [r for r in results if r.problems or r.traceback]
    print(f"\n{len(results) - len(failed)} of {len(results)} rows ok; {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

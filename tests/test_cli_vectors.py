"""``python -m embedlab analogy|neighbors|similarity|benchmark``: text, JSON and one-line errors."""

from __future__ import annotations

import json

import pytest

from embedlab.cli import main


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("method", ["cosadd", "cosmul"])
def test_analogy_prints_queen_first(capsys, method):
    code, out, _ = _run(capsys, "analogy", "--positive", "king", "woman", "--negative", "man", "--topn", "3",
                        "--method", method)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("king + woman − man")
    assert lines[1].split()[:2] == ["1", "queen"] and len(lines) == 4


def test_analogy_json_includes_inputs_when_asked(capsys):
    code, out, _ = _run(capsys, "analogy", "--positive", "king", "--topn", "2", "--include-inputs",
                        "--restrict-vocab", "10000", "--json")
    assert code == 0
    result = json.loads(out)
    assert result["results"][0]["word"] == "king"
    assert result["results"][0]["score"] == pytest.approx(1.0, abs=1e-5)


def test_neighbors_and_similarity(capsys):
    code, out, _ = _run(capsys, "neighbors", "frog", "--topn", "5", "--json")
    assert code == 0 and len(json.loads(out)["results"]) == 5
    code, out, _ = _run(capsys, "similarity", "cat", "dog")
    assert code == 0 and 0.5 < float(out) < 1.0


def test_benchmark_similarity_table_and_analogy_json(capsys):
    code, out, _ = _run(capsys, "benchmark", "similarity")
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()] == ["set", "WordSim353", "SimLex999"]
    code, out, err = _run(capsys, "benchmark", "analogies", "--restrict-vocab", "2000", "--json")
    assert code == 0
    result = json.loads(out)
    assert len(result["sections"]) == 14 and result["restrict_vocab"] == 2000
    assert result["total"]["questions"] == sum(section["questions"] for section in result["sections"])
    assert "100.0%" in err  # progress goes to stderr, so --json output stays clean


@pytest.mark.parametrize("argv, message", [
    (["analogy", "--positive", "kinq", "woman", "--negative", "man"], "Did you mean"),
    (["analogy", "--positive", "king", "king"], "given twice"),
    (["analogy", "--positive", "", "woman"], "a word field is empty"),
    (["analogy", "--positive", "king", "--topn", "0"], "topn is 0"),
    (["neighbors", "frog", "--restrict-vocab", "0"], "restrict_vocab is 0"),
    (["similarity", "cat", "qqqzzz"], "not in the vocabulary"),
    (["benchmark", "analogies", "--restrict-vocab", "-5"], "restrict_vocab is -5"),
])
def test_bad_input_is_one_line_and_exit_code_2(capsys, argv, message):
    code, out, err = _run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.startswith("error: ") and message in err and err.count("\n") == 1

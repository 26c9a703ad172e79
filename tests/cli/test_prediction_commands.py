"""``python -m embedlab predict``: JSON and text output, explanations, clear failures."""

import json
from pathlib import Path

import pytest

from embedlab.cli import main


def test_json_output_has_labels_and_probabilities(tiny_run, capsys):
    assert main(["predict", str(tiny_run.path), "a wonderful and beautiful film", "a boring and awful film",
                 "--json"]) == 0
    results = json.loads(capsys.readouterr().out)
    assert [result["label"] for result in results] == ["positive", "negative"]
    for result in results:
        assert set(result["probabilities"]) == {"negative", "positive"}
        assert sum(result["probabilities"].values()) == pytest.approx(1.0, abs=1e-6)
        assert "explanation" not in result


@pytest.mark.parametrize("method", ["occlusion", "integrated-gradients"])
def test_explain_adds_one_contribution_per_token(tiny_run, capsys, method):
    assert main(["predict", str(tiny_run.path), "a wonderful zzzq film", "--explain", "--method", method,
                 "--json"]) == 0
    explanation = json.loads(capsys.readouterr().out)[0]["explanation"]
    assert explanation["method"] == method and explanation["class_name"] == "positive"
    tokens = explanation["tokens"]
    assert [t["token"] for t in tokens] == ["a", "wonderful", "zzzq", "film"]
    assert [t["in_vocabulary"] for t in tokens] == [True, True, False, True]
    assert max(tokens, key=lambda t: t["contribution"])["token"] == "wonderful"


def test_text_output_is_one_line_per_text_from_a_keras_file(tiny_run, capsys):
    assert main(["predict", str(tiny_run.model_path), "a wonderful film", "an awful film"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    # The .keras file alone carries the run's class names.
    assert lines[0].startswith("positive\t") and lines[1].startswith("negative\t")


def test_a_keras_file_saved_before_class_names_were_kept_gets_numbered_classes(capsys):
    assert main(["predict", str(Path(__file__).resolve().parents[1] / "golden" / "run" / "model.keras"),
                 "a wonderful film"]) == 0
    assert capsys.readouterr().out.startswith("class ")


def test_text_output_with_explain_lists_tokens(tiny_run, capsys):
    assert main(["predict", str(tiny_run.path), "wonderful zzzq", "--explain"]) == 0
    first, tokens = capsys.readouterr().out.strip().splitlines()[:2]
    assert first.startswith("positive\t")
    assert tokens.split()[0].startswith("wonderful(+") and tokens.split()[1].startswith("zzzq?(")


@pytest.mark.parametrize(
    "arguments, message",
    [(["/no/such/run", "a film"], "neither a run folder nor a .keras file"), (["RUN", "  "], "type some text")],
)
def test_bad_input_exits_2_with_one_line(tiny_run, capsys, arguments, message):
    arguments = [str(tiny_run.path) if a == "RUN" else a for a in arguments]
    assert main(["predict", *arguments]) == 2
    error = capsys.readouterr().err.strip()
    assert error.startswith("error: ") and message in error and "\n" not in error

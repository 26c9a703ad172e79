"""``python -m embedlab project --json`` states seconds per stage, neighbour recall and sampled trust."""

import json

import pytest

from embedlab.cli import main


@pytest.mark.parametrize("exact_up_to, search", [(None, "exact"), ("500", "nn-descent")])
def test_json_states_stages_recall_and_sampled_trust(tmp_path, capsys, exact_up_to, search):
    switch = [] if exact_up_to is None else ["--exact-up-to", exact_up_to]
    assert main(["project", "--top", "1200", *switch, "--out", str(tmp_path / "map.csv"), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)

    assert result["neighbour_search"] == search
    assert set(result["stage_seconds"]) == {"neighbours", "layout", "trust"}
    assert all(seconds >= 0 for seconds in result["stage_seconds"].values())
    assert result["trust_sample"] == 1_000 and 0.8 < result["sample_trustworthiness"] <= 1.0
    if search == "exact":
        assert result["neighbour_recall"] is None and 0.8 < result["trustworthiness"] <= 1.0
    else:
        assert 0.95 <= result["neighbour_recall"] <= 1.0 and result["trustworthiness"] is None


def test_the_text_summary_names_the_stages_and_the_recall(tmp_path, capsys):
    assert main(["project", "--top", "600", "--exact-up-to", "300", "--out", str(tmp_path / "map.csv")]) == 0
    text = capsys.readouterr().out
    assert "seconds per stage: neighbours" in text and "neighbours by NN-descent: recall@15" in text
    assert "trustworthiness (k=15, 600 sampled words)" in text


@pytest.mark.parametrize("argv, message", [
    (["--top", "100001"], "more than the 100,000"),
    (["--top", "200", "--exact-up-to", "-1"], "--exact-up-to -1 is negative"),
])
def test_bad_sizes_are_refused_with_a_clear_message(tmp_path, capsys, argv, message):
    assert main(["project", *argv, "--out", str(tmp_path / "map.csv")]) == 2
    assert message in capsys.readouterr().err

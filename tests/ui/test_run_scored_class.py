"""The class a run's word scores are about, named as readers see classes elsewhere (Explore's colour bar)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from embedlab_ui.runs import run_scored_class


def _run(config_names, metric_names=None):
    return SimpleNamespace(config={"class_names": config_names}, metrics_=SimpleNamespace(class_names=metric_names))


@pytest.mark.parametrize(("names", "shown"), [
    (["negative", "positive"], "positive"),
    (["0", "1"], "class 1"),  # 0/1 labels: a class, not "p(1)" read as arithmetic
    (["bad", "good", "meh"], "meh"),  # no class called positive: the last, as word_scores does
])
def test_the_scored_class_is_the_one_word_scores_reads_named_as_a_class(names, shown):
    assert run_scored_class(_run(names)) == shown


def test_a_run_without_class_names_in_its_config_falls_back_to_its_metrics():
    assert run_scored_class(_run(None, ["0", "1"])) == "class 1"

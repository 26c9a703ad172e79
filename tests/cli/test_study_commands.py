"""``python -m embedlab study``: the page's defaults, a top-level headline, a study kept with --out and resumed."""

import contextlib
import io
import json

import pytest

from embedlab.cli import build_parser, main
from embedlab.models.study.cells import DEFAULT_ENCODER, DEFAULT_EPOCHS, DEFAULT_SEEDS, DEFAULT_SIZES, StudyPlan
from embedlab.models.study.keeping import kept_studies

# Small enough for a test on 2 cores: 200 rows, one size, random and frozen GloVe, one seed, one epoch.
TINY = ["pang-lee-200", "--sizes", "40", "--embeddings", "random,glove-frozen", "--seeds", "1", "--epochs", "1",
        "--test-size", "40"]


def run(argv):
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(argv)
    return code, stdout.getvalue(), stderr.getvalue()


def test_the_commands_defaults_are_the_studys_own_which_the_page_also_reads():
    args = build_parser().parse_args(["study", "pang-lee-200"])
    assert args.epochs == DEFAULT_EPOCHS == StudyPlan().epochs == 30
    assert args.seeds == DEFAULT_SEEDS == StudyPlan().seeds
    assert args.encoder == DEFAULT_ENCODER == StudyPlan().encoder
    assert args.sizes == DEFAULT_SIZES == StudyPlan().sizes
    assert args.test_size is None  # the study's own: 20% of the rows, at most 2,000


@pytest.mark.slow
def test_json_carries_the_headline_and_out_keeps_the_study_which_a_rerun_resumes(tmp_path, monkeypatch):
    monkeypatch.setenv("EMBEDLAB_EXECUTOR", "thread")  # no worker processes to start for two one-epoch cells
    out = tmp_path / "runs" / "cliworkspace"
    code, stdout, stderr = run(["study", *TINY, "--out", str(out), "--json"])
    assert code == 0, stderr
    data = json.loads(stdout)
    assert isinstance(data["headline"], str) and data["headline"].startswith(("This test set is too small", "On"))
    assert data["reading"] and len(data["cells"]) == data["planned_cells"] == 2
    assert data["plan"]["epochs"] == 1 and data["test_rows"] == 40
    [kept], damaged = kept_studies(out)
    assert not damaged and kept.condition == "finished" and kept.data["cells"] == data["cells"]

    code, stdout, stderr = run(["study", *TINY, "--out", str(out), "--json"])
    assert code == 0 and "resumed: 2 cells were kept" in stderr and "trained the other 0" in stderr
    again = json.loads(stdout)
    assert again["cells"] == data["cells"] and again["headline"] == data["headline"] and again["resumed"] == 2

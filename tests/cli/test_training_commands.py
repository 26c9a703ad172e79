"""``python -m embedlab train`` and ``evaluate``: a run saved from the command line, JSON output, bad input."""

import json

import pytest

from embedlab.cli import main
from embedlab.errors import EmbedLabError
from embedlab.models.runs.catalog import list_runs, read_run

pytestmark = pytest.mark.slow

# A validation split is given: 200 rows are too few for the recommended one, and the validated epochs
# end slowly enough for the progress lines below to be seen.
SMALL = ["--encoder", "pooling", "--epochs", "2", "--max-tokens", "500", "--units", "8", "--output-dim", "8",
         "--batch-size", "16", "--validation-split", "0.1"]


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """One run trained from the command line on the built-in Pang & Lee 200, with its JSON summary."""
    out = tmp_path_factory.mktemp("cli-runs")
    import contextlib
    import io

    # capsys is per test; this module-scoped fixture captures the one training itself.
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(["train", "pang-lee-200", *SMALL, "--name", "cli run", "--out", str(out), "--json"])
    return code, json.loads(stdout.getvalue()), stderr.getvalue(), out


def test_train_saves_a_run_and_prints_json_with_progress_on_stderr(trained):
    code, summary, stderr, out = trained
    assert code == 0
    runs = list_runs(out)
    assert [run.name for run in runs] == ["cli run"] and summary["run"] == str(runs[0].path)
    assert summary["epochs_run"] == 2 and summary["metrics"]["test_rows"] == 40
    assert 0.0 <= summary["metrics"]["accuracy"] <= 1.0
    assert "epoch 1/2" in stderr and "epoch 2/2" in stderr and "batch 9/9" in stderr  # 144 training rows / 16
    config = runs[0].config
    assert config["dataset"]["rows"] == 200 and config["model"]["encoder"] == "pooling"
    assert config["training"]["epochs"] == 2 and config["class_names"] == ["negative", "positive"]
    # The sequence length defaulted to the 95th percentile of the texts' token counts.
    assert 10 <= config["model"]["sequence_length"] <= 80


def test_evaluate_on_the_saved_test_split_matches_the_training_metrics(trained, capsys):
    _, summary, _, _ = trained
    assert main(["evaluate", summary["run"], "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["test_rows"] == 40
    assert result["accuracy"] == pytest.approx(summary["metrics"]["accuracy"], abs=1e-6)
    assert sum(map(sum, result["confusion_matrix"])) == 40 and 0.0 <= result["auc"] <= 1.0


def test_evaluate_on_a_built_in_dataset_prints_a_confusion_matrix(trained, capsys):
    _, summary, _, _ = trained
    assert main(["evaluate", summary["run"], "pang-lee-200"]) == 0
    text = capsys.readouterr().out
    assert "(200 rows)" in text and "accuracy" in text and "confusion matrix" in text
    assert len([line for line in text.splitlines() if line.strip().startswith(("negative", "positive"))]) == 2


@pytest.mark.parametrize(
    "argv, message",
    [
        (["train", "no-such-data", "--out", "x"], "neither a built-in dataset"),
        (["train", "pang-lee-200", "--epochs", "0", "--out", "x"], "epochs 0"),
        (["train", "pang-lee-200", "--max-tokens", "5", "--out", "x"], "vocabulary size 5"),
        (["evaluate", "/no/such/run"], "is not an EmbedLab run"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(argv, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    error = capsys.readouterr().err.strip()
    assert message in error and len(error.splitlines()) == 1


def test_an_out_folder_under_a_file_is_refused_before_training(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("not a folder")
    assert main(["train", "pang-lee-200", *SMALL, "--out", str(tmp_path / "notes.txt" / "runs")]) == 2
    error = capsys.readouterr().err
    assert "notes.txt is a file, not a folder" in error and "epoch" not in error  # no training happened
    assert len(error.strip().splitlines()) == 1


def test_train_and_evaluate_a_csv_file(tmp_path, capsys):
    """A CSV file named on the command line trains a run, and evaluate scores that run on the file."""
    from tests.conftest import NEGATIVE_SENTENCES, POSITIVE_SENTENCES

    rows = [(text, "pos") for text in POSITIVE_SENTENCES] + [(text, "neg") for text in NEGATIVE_SENTENCES]
    csv = tmp_path / "reviews.csv"
    csv.write_text("review,sentiment\n" + "".join(f'"{text}",{label}\n' for text, label in rows))
    out = tmp_path / "runs"
    assert main(["train", str(csv), "--text-column", "review", "--label-column", "sentiment", *SMALL,
                 "--out", str(out), "--json"]) == 0
    run = read_run(json.loads(capsys.readouterr().out)["run"])
    assert run.config["dataset"]["rows"] == 16 and run.config["dataset"]["text_column"] == "review"
    assert main(["evaluate", str(run.path), str(csv), "--text-column", "review", "--label-column", "sentiment",
                 "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["test_rows"] == 16


def _capture_submit(monkeypatch, module) -> list:
    """Replace ``module.submit`` by one that keeps the TrainingSpec and refuses to train it."""
    specs = []

    def submit(spec):
        specs.append(spec)
        raise EmbedLabError("captured, not trained")

    monkeypatch.setattr(module, "submit", submit)
    return specs


def _page_spec(project_root, monkeypatch, embedding: str, encoder: str):
    """What the Train page submits when its Train button is pressed with only the embedding and encoder chosen."""
    from streamlit.testing.v1 import AppTest

    import embedlab_ui.training

    specs = _capture_submit(monkeypatch, embedlab_ui.training)
    at = AppTest.from_file(str(project_root / "pages" / "train.py"), default_timeout=120)
    at.session_state["workspace"] = "cliparity"
    at.run()
    at.radio(key="train.embedding").set_value(embedding)
    at.selectbox(key="train.encoder").set_value(encoder)
    at.run()
    at.button(key="train.start").click().run()
    assert not at.exception and len(specs) == 1
    return specs[0]


def _cli_spec(monkeypatch, dataset: str, embedding: str, encoder: str, out, *options: str):
    """What ``python -m embedlab train DATA --embedding … --encoder … [options]`` submits."""
    import embedlab.models.jobs

    specs = _capture_submit(monkeypatch, embedlab.models.jobs)
    assert main(["train", dataset, "--embedding", embedding, "--encoder", encoder, *options, "--out", str(out)]) == 2
    assert len(specs) == 1
    return specs[0]


@pytest.mark.parametrize("embedding, encoder", [("random", "lstm"), ("glove-frozen", "pooling")])
def test_the_cli_trains_with_the_train_pages_recommended_settings(embedding, encoder, project_root, monkeypatch,
                                                                   tmp_path):
    from embedlab.data.builtins import DEFAULT_DATASET

    monkeypatch.setenv("EMBEDLAB_RUNS_DIR", str(tmp_path / "page-runs"))
    page = _page_spec(project_root, monkeypatch, embedding, encoder)
    cli = _cli_spec(monkeypatch, DEFAULT_DATASET, embedding, encoder, tmp_path / "cli-runs")
    assert cli.dataset.fingerprint == page.dataset.fingerprint  # the page starts on the same built-in data
    assert cli.options == page.options
    assert cli.config == page.config
    assert (cli.vectors is None) == (page.vectors is None) == (embedding == "random")


def test_options_given_on_the_command_line_override_only_themselves(monkeypatch, tmp_path):
    from dataclasses import replace

    from embedlab.data.builtins import builtin_dataset
    from embedlab.models.architecture import default_config
    from embedlab.models.training.options import recommended_options

    dataset = builtin_dataset("pang-lee-200")
    config = default_config("random", "gru", texts=dataset.texts)  # the sequence length from the texts
    options = recommended_options(len(dataset))
    plain = _cli_spec(monkeypatch, "pang-lee-200", "random", "gru", tmp_path)
    assert (plain.config, plain.options) == (config, options)
    spec = _cli_spec(monkeypatch, "pang-lee-200", "random", "gru", tmp_path, "--epochs", "5", "--units", "16",
                     "--early-stopping", "--validation-split", "0.2", "--max-tokens", "1000")
    assert spec.config == replace(config, units=16, max_tokens=1_000)
    assert spec.options == replace(options, epochs=5, early_stopping=True, validation_split=0.2)
    assert not _cli_spec(monkeypatch, "pang-lee-200", "random", "gru", tmp_path, "--no-early-stopping",
                         "--validation-split", "0.2").options.early_stopping

"""A run's metrics as typed fields: every key train writes, None for keys an older run lacks, the file unchanged."""

import json
import re
from dataclasses import FrozenInstanceError, fields
from pathlib import Path

import pytest

from embedlab.models.runs.catalog import read_run, save_run
from embedlab.models.runs.metrics import RunMetrics
from embedlab.models.training.fit import train
from embedlab.models.training.options import TrainingOptions
from tests.models.training.test_fit import tiny_config, tiny_dataset

ROOT = Path(__file__).resolve().parents[3]


def test_every_key_a_training_writes_is_a_field_read_back_as_written(tmp_path):
    run = train(tiny_dataset(), tiny_config(), TrainingOptions(epochs=1, batch_size=8)).save(tmp_path)
    written = json.loads((run.path / "metrics.json").read_text())
    assert set(written) == {field.name for field in fields(RunMetrics)}
    for key, value in written.items():
        assert getattr(run.metrics_, key) == value, key
    assert read_run(run.path).metrics_ == run.metrics_


def test_an_older_run_without_some_keys_reads_them_as_none(project_root, tmp_path):
    golden = read_run(project_root / "tests" / "golden" / "run")  # saved with its accuracy only
    assert golden.metrics_.accuracy == golden.metrics["accuracy"]
    assert golden.metrics_.best_epoch is None and golden.metrics_.stopped is None and golden.metrics_.roc is None
    assert RunMetrics.from_dict({}) == RunMetrics() == RunMetrics.from_dict(None)


def test_the_file_keeps_its_format_and_keys_unknown_here_stay_in_metrics(tmp_path, tiny_run):
    metrics = {"accuracy": 0.75, "stopped": True, "from_a_later_version": [1, 2]}
    run = save_run(tmp_path, tiny_run.load_model(), dict(tiny_run.config), {}, metrics, run_id="later")
    assert json.loads((run.path / "metrics.json").read_text()) == metrics
    assert run.metrics == metrics and run.metrics_.stopped is True and run.metrics_.accuracy == 0.75
    with pytest.raises(FrozenInstanceError):
        run.metrics_.accuracy = 1.0


KEY_READ = re.compile(r"""metrics(?:\.get\(|\[)\s*["']""")


@pytest.mark.parametrize("folder", ["embedlab_ui", "pages", "embedlab/cli"])
def test_the_app_and_the_command_line_read_metrics_through_fields_not_key_strings(folder):
    found = [f"{path.relative_to(ROOT)}:{number}" for path in sorted((ROOT / folder).glob("*.py"))
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if KEY_READ.search(line)]
    assert not found, f"read these through Run.metrics_ / RunMetrics: {found}"

"""Nothing trained is lost: runs are loaded back before they are listed, the destination is checked
before training, failed saves keep the model, damaged runs are reported, stale partial folders go."""

import json
import os
import shutil
import time
from pathlib import Path

import pandas as pd
import pytest

from embedlab.errors import EmbedLabError
from embedlab.models.model_files import stored_class_names
from embedlab.models.runs.catalog import (
    damaged_runs, ensure_writable_runs_folder, list_runs, remove_damaged_run, save_run, scan_runs,
)

TEXTS = ["a wonderful film", "an awful film", "=HYPERLINK(\"http://x\")", "-1 star", "@home", "plain"]


@pytest.fixture(scope="module")
def model(tiny_run):
    return tiny_run.load_model()


def _save(folder, model, **extra):
    split = pd.DataFrame({"text": TEXTS, "label": [1, 0, 0, 0, 1, 1]})
    return save_run(folder, model, {"name": "safe", "class_names": ["neg", "pos"]}, {"loss": [0.5]},
                    {"accuracy": 0.5, **extra}, test_split=split)


class _SavesAnotherModel:
    """Predicts like ``model`` but saves ``other``: the file on disk is not the model in memory."""

    def __init__(self, model, other):
        self.model, self.other = model, other

    def __call__(self, *args, **kwargs):
        return self.model(*args, **kwargs)

    def save(self, path):
        self.other.save(path)

    def save_weights(self, path):
        self.model.save_weights(path)

    def __getattr__(self, name):
        return getattr(self.model, name)


class _SavesJunk(_SavesAnotherModel):
    def save(self, path):
        Path(path).write_bytes(b"PK\x03\x04 half a model")


class _DiskFullUnder(_SavesAnotherModel):
    """Its save fails with 'No space left on device' inside ``folder`` and works elsewhere."""

    def save(self, path):
        if str(path).startswith(str(self.other)):
            raise OSError(28, "No space left on device")
        self.model.save(path)


def _model_with_a_line_separator_word():
    """A model whose vocabulary holds 'x\\u2028y': Keras writes it on one line and reads it back as two."""
    from embedlab.models.architecture import ModelConfig, build_model, build_vectorizer

    config = ModelConfig(max_tokens=100, sequence_length=8, embedding="random", encoder="pooling",
                         output_dim=8, units=8, dropout=0.0)
    vectorizer = build_vectorizer(config, ["a good film"])
    vectorizer.set_vocabulary(["a", "good", "x\u2028y", "awful", "film", "wonderful"])
    return build_model(config, vectorizer, None)


def _kept_folder(message: str) -> Path:
    return Path(message.split(" are kept in ")[1].split(";")[0])


def _nudged(tiny_run):
    """The tiny run's model with its output layer moved a little: same shape, other predictions."""
    other = tiny_run.load_model()
    layer = other.get_layer("prediction")
    layer.set_weights([weights + 0.01 for weights in layer.get_weights()])
    return other


def test_a_run_whose_saved_vocabulary_comes_back_changed_is_not_listed_and_its_weights_are_kept(tmp_path):
    with pytest.raises(EmbedLabError, match="could not be loaded back") as caught:
        _save(tmp_path, _model_with_a_line_separator_word())
    assert list_runs(tmp_path) == [] and damaged_runs(tmp_path) == []
    kept = _kept_folder(str(caught.value))
    assert kept.parent == tmp_path and kept.name.startswith(".") and ".unloadable-" in kept.name
    assert {"model.keras", "model.weights.h5", "vocabulary.json", "config.json"} <= {p.name for p in kept.iterdir()}
    assert "x\u2028y" in json.loads((kept / "vocabulary.json").read_text())


@pytest.mark.parametrize("wrapper, message", [(_SavesJunk, "could not be loaded back"),
                                              (_SavesAnotherModel, "predicts differently")])
def test_a_save_that_does_not_load_back_as_the_model_is_an_error_naming_where_it_is_kept(
        tmp_path, model, tiny_run, wrapper, message):
    other = _nudged(tiny_run)
    with pytest.raises(EmbedLabError, match=message) as caught:
        _save(tmp_path / "runs", wrapper(model, other))
    assert list_runs(tmp_path / "runs") == []
    assert (_kept_folder(str(caught.value)) / "model.weights.h5").is_file()


def test_a_good_run_is_listed_keeps_its_class_names_and_exports_inert_formulas(tmp_path, model):
    run = _save(tmp_path, model)
    assert [r.run_id for r in list_runs(tmp_path)] == [run.run_id]
    assert stored_class_names(run.model_path) == ["neg", "pos"]
    raw = pd.read_csv(run.path / "test_split.csv", keep_default_na=False)
    assert raw["text"].tolist() == ["a wonderful film", "an awful film", "'=HYPERLINK(\"http://x\")", "'-1 star",
                                    "'@home", "plain"]
    assert run.test_split()["text"].tolist() == TEXTS  # read back exactly as trained


def test_the_destination_is_checked_and_created(tmp_path):
    assert ensure_writable_runs_folder(tmp_path / "a" / "b") == tmp_path / "a" / "b"
    assert (tmp_path / "a" / "b").is_dir()
    (tmp_path / "file").write_text("x")
    with pytest.raises(EmbedLabError, match="is a file, not a folder"):
        ensure_writable_runs_folder(tmp_path / "file" / "runs")


def test_a_read_only_runs_folder_is_refused(tmp_path, monkeypatch):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    real_access = os.access
    # root may write anywhere; make os.access answer as it would for an ordinary user
    monkeypatch.setattr(os, "access", lambda path, mode: False if Path(path) == folder else real_access(path, mode))
    try:
        with pytest.raises(EmbedLabError, match="read-only.*chmod u\\+w"):
            ensure_writable_runs_folder(folder)
    finally:
        folder.chmod(0o755)


def test_a_nearly_full_disk_is_refused_before_training(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "disk_usage", lambda path: shutil._ntuple_diskusage(10**12, 10**12 - 5_000_000,
                                                                                   5_000_000))
    with pytest.raises(EmbedLabError, match="has 5 MB free"):
        ensure_writable_runs_folder(tmp_path)


def test_a_save_that_fails_everywhere_says_so_and_leaves_nothing(tmp_path, monkeypatch, model):
    import tempfile

    # The runs folder, the cache and the temporary folder are all on the full disk.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    monkeypatch.setenv("EMBEDLAB_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "tmp").mkdir()
    with pytest.raises(EmbedLabError, match="disk is full .*, nor keep a copy aside .*free some disk space") as caught:
        _save(tmp_path / "runs", _DiskFullUnder(model, tmp_path))
    assert str(tmp_path) not in str(caught.value)
    assert list(os.listdir(tmp_path / "runs")) == [] and scan_runs(tmp_path / "runs").pending == []
    assert [path for path in (tmp_path / "tmp").rglob("*") if path.is_file()] == []
    assert [path for path in (tmp_path / "cache").rglob("*") if path.is_file()] == []


def _damage(run_path: Path, filename: str, text: str) -> None:
    (run_path / filename).write_text(text)


@pytest.mark.parametrize("filename, text, problem", [
    ("config.json", '{"name": "x", ', "config.json is not valid JSON (line 1, column 15)"),
    ("metrics.json", "", "metrics.json is empty"),
    ("history.json", "[1, 2]", "history.json holds a list, not the expected JSON object"),
    ("model.keras", "PK", "model.keras is not a complete .keras file"),
])
def test_damaged_runs_are_reported_with_what_is_wrong_and_how_to_remove_them(
        tmp_path, tiny_run, filename, text, problem, capsys):
    from embedlab.cli import main

    good = shutil.copytree(tiny_run.path, tmp_path / "good")
    bad = shutil.copytree(tiny_run.path, tmp_path / "bad")
    _damage(bad, filename, text)
    listing = scan_runs(tmp_path)
    assert [run.path for run in listing.runs] == [good]
    [damaged] = listing.damaged
    assert damaged.path == bad and damaged.problem.startswith(problem)
    assert f"rm -r {bad}" in damaged.message
    for argv in (["predict", str(bad), "a film"], ["evaluate", str(bad)]):
        assert main(argv) == 2
        error = capsys.readouterr().err.strip()
        assert "\n" not in error and problem in error and "is damaged" in error
    remove_damaged_run(damaged)
    assert not bad.exists() and scan_runs(tmp_path).damaged == []


def test_a_run_folder_missing_its_model_is_damaged_but_a_foreign_folder_is_ignored(tmp_path, tiny_run):
    (tmp_path / "notes").mkdir()
    bad = shutil.copytree(tiny_run.path, tmp_path / "bad")
    (bad / "model.keras").unlink()
    [damaged] = damaged_runs(tmp_path)
    assert damaged.path == bad and damaged.problem == "model.keras is missing"


def _age(folder: Path, seconds: float) -> None:
    then = time.time() - seconds
    for path in [*folder.rglob("*"), folder]:
        os.utime(path, (then, then))


def test_partial_folders_older_than_an_hour_are_removed_and_younger_ones_kept(tmp_path, model):
    for name, age in ((".old.partial", 2 * 3600), (".young.partial", 600), (".gone.deleting", 7200)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "model.keras").write_bytes(b"half")
        _age(tmp_path / name, age)
    (tmp_path / ".busy.partial").mkdir()
    (tmp_path / ".busy.partial" / "model.keras").write_bytes(b"still being written")
    _age(tmp_path / ".busy.partial", 7200)
    os.utime(tmp_path / ".busy.partial" / "model.keras")  # a file written to just now: a save in progress
    list_runs(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".busy.partial", ".young.partial"]
    (tmp_path / ".old2.partial").mkdir()
    _age(tmp_path / ".old2.partial", 7200)
    run = _save(tmp_path, model)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".busy.partial", ".young.partial", run.run_id]


def test_every_file_and_the_folder_are_synced_before_the_rename(tmp_path, monkeypatch, model):
    events = []
    real_fsync, real_rename = os.fsync, os.rename

    def fsync(handle):
        events.append(("fsync", os.readlink(f"/proc/self/fd/{handle}")))
        return real_fsync(handle)

    def rename(source, target):
        events.append(("rename", str(source)))
        return real_rename(source, target)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "rename", rename)
    run = _save(tmp_path, model)
    renamed = [i for i, (kind, path) in enumerate(events) if kind == "rename" and path.endswith(".partial")]
    assert len(renamed) == 1
    synced = {Path(path).name for kind, path in events[:renamed[0]] if kind == "fsync"}
    partial = f".{run.run_id}.partial"
    assert {"model.keras", "config.json", "history.json", "metrics.json", "test_split.csv", partial} <= synced
    assert ("fsync", str(tmp_path)) in events[renamed[0]:]  # the rename itself is on disk too

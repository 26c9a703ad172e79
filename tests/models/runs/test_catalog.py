"""Runs on disk: complete or absent, listed newest first, per workspace, zip and delete."""

import json
import zipfile
import io

import numpy as np
import pytest

from embedlab.errors import EmbedLabError
from embedlab.models.runs.catalog import damaged_runs, delete_run, list_runs, read_run, save_run, workspace_dir, zip_run


class _ExplodingModel:
    """Stands in for a model whose save dies half way (disk full, crash)."""

    def save(self, path):
        path.write_bytes(b"half a file")
        raise OSError("disk full")


def test_saved_run_is_listed_and_predicts_like_the_original(tiny_run):
    runs = list_runs(tiny_run.path.parent)
    assert [run.run_id for run in runs] == [tiny_run.run_id]
    reloaded = read_run(tiny_run.path).load_model()
    texts = np.asarray(["wonderful", "awful"], dtype=object)
    assert reloaded.predict(texts, verbose=0)[0, 0] > 0.5 > reloaded.predict(texts, verbose=0)[1, 0]
    assert tiny_run.config["class_names"] == ["negative", "positive"]
    assert tiny_run.test_split() is not None


def test_a_save_that_fails_half_way_leaves_no_run_listed(tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    with pytest.raises(EmbedLabError, match="disk full"):
        save_run(tmp_path / "runs", _ExplodingModel(), {"name": "doomed"}, {}, {})
    assert list_runs(tmp_path / "runs") == []
    assert [child.name for child in (tmp_path / "runs").iterdir()] == []
    assert [child.name for child in (tmp_path / "tmp").iterdir()] == []


def test_folders_that_are_not_runs_are_ignored(tmp_path, tiny_run):
    (tmp_path / "notes").mkdir()
    (tmp_path / ".half.partial").mkdir()
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "config.json").write_text("{")
    assert list_runs(tmp_path) == []
    # Not listed, but not silently gone either: the half run is reported as damaged.
    assert [damaged.run_id for damaged in damaged_runs(tmp_path)] == ["broken"]


def test_zip_holds_every_file_of_the_run(tiny_run):
    archive = zipfile.ZipFile(io.BytesIO(zip_run(tiny_run)))
    names = set(archive.namelist())
    for filename in ("model.keras", "config.json", "history.json", "metrics.json", "test_split.csv"):
        assert f"{tiny_run.run_id}/{filename}" in names
    assert json.loads(archive.read(f"{tiny_run.run_id}/config.json"))["name"] == tiny_run.name


def test_delete_removes_the_run(tmp_path):
    from tests.conftest import train_tiny_run

    run = train_tiny_run(tmp_path, epochs=1)
    delete_run(run)
    assert list_runs(tmp_path) == []
    assert not run.path.exists()


@pytest.mark.parametrize("name", ["", "../escape", "a/b", "x" * 65, "spaces here"])
def test_workspace_names_cannot_escape_the_runs_folder(name, tmp_path):
    with pytest.raises(EmbedLabError, match="workspace name"):
        workspace_dir(name, tmp_path)


def test_reading_a_folder_without_a_model_says_what_is_missing(tmp_path):
    with pytest.raises(EmbedLabError, match="model.keras and config.json"):
        read_run(tmp_path)

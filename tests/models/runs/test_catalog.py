"""Runs on disk: complete or absent, listed newest first, per workspace, zip and delete."""

import json
import zipfile
import io

import numpy as np
import pytest

from embedlab.errors import EmbedLabError
from embedlab.models.runs.catalog import (
    damaged_runs, delete_run, list_runs, read_run, rename_run, save_run, workspace_dir, zip_run,
)


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
    assert [path for path in (tmp_path / "tmp").rglob("*") if path.is_file()] == []


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


def _bare_run(folder):
    """A run folder read_run accepts (a model file that is a zip, a config), made in a moment."""
    folder.mkdir(parents=True)
    with zipfile.ZipFile(folder / "model.keras", "w") as archive:
        archive.writestr("config.json", "{}")
    (folder / "config.json").write_text(json.dumps({"name": "first", "run_id": folder.name, "created": "2026"}))
    return folder


def _rename_many(path, prefix, count, report):
    """In a process of its own: rename the run ``count`` times; write every exception into ``report``."""
    from pathlib import Path

    run, problems = read_run(Path(path)), []
    for number in range(count):
        try:
            rename_run(run, f"{prefix} {number}")
        except Exception as error:  # noqa: BLE001 - every kind is a failure of this test
            problems.append(f"{type(error).__name__}: {error}")
    Path(report).write_text("\n".join(problems))


def _read_until(path, stop, report):
    """In a process of its own: read the run, and list its folder, until ``stop`` exists; report what went wrong."""
    from pathlib import Path

    from embedlab.models.runs.catalog import scan_runs

    path, problems, reads = Path(path), [], 0
    while not Path(stop).exists():
        try:
            read_run(path)
            listing = scan_runs(path.parent)
            problems += [f"damaged: {damaged.problem}" for damaged in listing.damaged]
            reads += 1
        except Exception as error:  # noqa: BLE001 - every kind is a failure of this test
            problems.append(f"{type(error).__name__}: {error}")
    Path(report).write_text("\n".join([f"reads {reads}", *problems]))


@pytest.mark.slow
def test_two_processes_renaming_one_run_while_a_third_reads_it_never_fail_nor_see_it_damaged(tmp_path):
    import multiprocessing

    run = _bare_run(tmp_path / "runs" / "20261207-000000-shared")
    spawn = multiprocessing.get_context("spawn")
    stop = tmp_path / "stop"
    reader = spawn.Process(target=_read_until, args=(str(run), str(stop), str(tmp_path / "reader.txt")))
    writers = [spawn.Process(target=_rename_many, args=(str(run), prefix, 200, str(tmp_path / f"{prefix}.txt")))
               for prefix in ("a", "b")]
    for process in (reader, *writers):
        process.start()
    for process in writers:
        process.join(timeout=300)
    stop.touch()
    reader.join(timeout=60)
    assert [process.exitcode for process in (reader, *writers)] == [0, 0, 0]
    for prefix in ("a", "b"):
        problems = (tmp_path / f"{prefix}.txt").read_text().splitlines()
        assert not problems, f"{len(problems)} of writer {prefix}'s 200 renames failed, e.g. {problems[:3]}"
    reads, *problems = (tmp_path / "reader.txt").read_text().splitlines()
    assert not problems, f"{len(problems)} reads went wrong ({reads}), e.g. {problems[:3]}"
    assert read_run(run).name in {"a 199", "b 199"}
    assert sorted(path.name for path in run.iterdir() if not path.name.startswith(".")) == ["config.json",
                                                                                          "model.keras"]

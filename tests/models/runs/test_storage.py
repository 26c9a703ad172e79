"""Runs in object storage: visible only once complete, checked against their manifest when fetched."""

import fsspec
import pytest

from embedlab.errors import EmbedLabError
from embedlab.models.runs.storage import (
    delete_remote_run, ensure_writable_remote, fetch_run, is_remote, list_remote_runs, publish_run,
)


def run_folder(tmp_path, name="20261130-100000-a-run-abc123"):
    folder = tmp_path / name
    folder.mkdir()
    (folder / "config.json").write_text('{"name": "a run"}')
    (folder / "model.keras").write_bytes(b"weights" * 1000)
    return folder


def test_local_paths_are_not_remote_and_s3_urls_are():
    assert is_remote("s3://bucket/runs") and not is_remote("runs/mine") and not is_remote("file:///tmp/runs")


def test_a_published_run_is_listed_and_fetched_byte_for_byte(tmp_path, s3_runs):
    ensure_writable_remote(s3_runs)
    url = publish_run(run_folder(tmp_path), s3_runs)
    assert list_remote_runs(s3_runs) == [url]
    local = fetch_run(url)
    assert (local / "model.keras").read_bytes() == b"weights" * 1000
    assert fetch_run(url) == local  # fetched once per manifest content


def test_a_run_without_its_manifest_is_never_listed(tmp_path, s3_runs):
    filesystem = fsspec.filesystem("s3")
    root = s3_runs.removeprefix("s3://")
    filesystem.pipe(f"{root}/20261130-half-run/model.keras", b"half")
    assert list_remote_runs(s3_runs) == []
    with pytest.raises(EmbedLabError, match="not a complete run"):
        fetch_run(f"{s3_runs}/20261130-half-run")


def test_a_file_changed_after_publishing_is_refused_not_loaded(tmp_path, s3_runs):
    url = publish_run(run_folder(tmp_path), s3_runs)
    fsspec.filesystem("s3").pipe(f"{url.removeprefix('s3://')}/model.keras", b"tampered")
    with pytest.raises(EmbedLabError, match="does not match its manifest"):
        fetch_run(url)


def test_a_deleted_run_disappears_from_the_listing(tmp_path, s3_runs):
    url = publish_run(run_folder(tmp_path), s3_runs)
    delete_remote_run(url)
    assert list_remote_runs(s3_runs) == []


def test_a_missing_bucket_is_one_line_saying_what_to_check(s3_endpoint):
    with pytest.raises(EmbedLabError, match="check the bucket exists"):
        ensure_writable_remote("s3://no-such-bucket-embedlab/runs")


def test_a_run_trained_into_s3_is_listed_predicted_evaluated_renamed_and_deleted(tmp_path, s3_runs, capsys,
                                                                                   monkeypatch):
    import json

    from embedlab.cli import main
    from embedlab.models.runs.catalog import delete_run, list_runs, read_run, rename_run

    monkeypatch.setenv("EMBEDLAB_CACHE_DIR", str(tmp_path / "cache"))
    assert main(["train", "pang-lee-200", "--encoder", "pooling", "--epochs", "1", "--max-tokens", "500",
                 "--out", s3_runs, "--json"]) == 0
    trained = json.loads(capsys.readouterr().out)
    assert trained["run"].startswith(s3_runs + "/")
    [listed] = list_runs(s3_runs)
    assert listed.location == trained["run"] and listed.load_model() is not None
    assert main(["predict", trained["run"], "a moving, beautiful film", "--json"]) == 0
    [predicted] = json.loads(capsys.readouterr().out)
    assert predicted["label"] in predicted["probabilities"]
    assert main(["evaluate", trained["run"], "--json"]) == 0
    evaluated = json.loads(capsys.readouterr().out)
    assert evaluated["run"] == trained["run"] and evaluated["accuracy"] == trained["metrics"]["accuracy"]
    renamed = rename_run(listed, "moved to s3")
    assert read_run(trained["run"]).name == "moved to s3" and renamed.location == trained["run"]
    delete_run(renamed)
    assert list_runs(s3_runs) == []

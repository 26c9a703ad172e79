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


@pytest.mark.slow
def test_a_rename_cut_short_before_the_manifest_leaves_the_run_listed_with_its_old_name(tmp_path, s3_runs, tiny_run,
                                                                                          monkeypatch):
    from embedlab.models.runs.catalog import rename_run, save_run, scan_runs
    from embedlab.models.runs.storage import remote_filesystem

    run = save_run(s3_runs, tiny_run.load_model(), {**tiny_run.config, "name": "old name"}, {}, {}, run_id="r1")
    filesystem, _ = remote_filesystem(s3_runs)
    real_pipe = filesystem.pipe

    def pipe(path, value=None, **kwargs):
        if str(path).endswith("/manifest.json"):
            raise ConnectionResetError(104, "Connection reset by peer")  # the endpoint died before the manifest
        return real_pipe(path, value, **kwargs)

    monkeypatch.setattr(filesystem, "pipe", pipe)
    with pytest.raises(EmbedLabError):
        rename_run(run, "new name")
    monkeypatch.setattr(filesystem, "pipe", real_pipe)
    monkeypatch.setenv("EMBEDLAB_CACHE_DIR", str(tmp_path / "a fresh reader"))
    listing = scan_runs(s3_runs)
    assert [damaged.problem for damaged in listing.damaged] == []
    assert [listed.name for listed in listing.runs] == ["old name"]
    rename_run(listing.runs[0], "new name")  # the storage is back: the rename goes through
    monkeypatch.setenv("EMBEDLAB_CACHE_DIR", str(tmp_path / "another fresh reader"))
    assert [listed.name for listed in scan_runs(s3_runs).runs] == ["new name"]


def test_a_reader_uses_the_config_its_manifest_names_not_one_written_beside_it(tmp_path, s3_runs):
    import json

    url = publish_run(run_folder(tmp_path), s3_runs)
    # A writer that puts its config.json in place before its manifest (as renames did) is cut short there.
    fsspec.filesystem("s3").pipe(f"{url.removeprefix('s3://')}/config.json", b'{"name": "a rename half done"}')
    assert json.loads((fetch_run(url) / "config.json").read_text()) == {"name": "a run"}


def test_a_reader_whose_manifest_a_rename_replaced_meanwhile_follows_the_new_one(tmp_path, s3_runs, monkeypatch):
    import json

    from embedlab.models.runs.storage import publish_file, remote_filesystem

    url = publish_run(run_folder(tmp_path), s3_runs)
    filesystem, _ = remote_filesystem(url)
    real_get_file, renamed = filesystem.get_file, []

    def get_file(remote, local, **kwargs):
        if "/config-" in remote and not renamed:  # the reader holds the manifest before this rename
            renamed.append(remote)
            publish_file(url, "config.json", b'{"name": "renamed"}')
            filesystem.rm(remote)  # and the version it names is gone, as tidying does once it is old
        return real_get_file(remote, local, **kwargs)

    monkeypatch.setattr(filesystem, "get_file", get_file)
    assert json.loads((fetch_run(url) / "config.json").read_text()) == {"name": "renamed"} and renamed


def test_versions_of_the_config_no_manifest_names_are_removed_once_old(tmp_path, s3_runs, monkeypatch):
    from embedlab.models.runs import storage

    url = publish_run(run_folder(tmp_path), s3_runs)
    storage.publish_file(url, "config.json", b'{"name": "second"}')
    monkeypatch.setattr(storage, "STALE_VERSION_SECONDS", -1)  # every version is old now
    storage.publish_file(url, "config.json", b'{"name": "third"}')
    names = sorted(path.rsplit("/", 1)[-1] for path in fsspec.filesystem("s3").ls(url.removeprefix("s3://")))
    assert len(names) == 3 and names[0].startswith("config-") and names[1:] == ["manifest.json", "model.keras"]
    assert (fetch_run(url) / "config.json").read_text() == '{"name": "third"}'

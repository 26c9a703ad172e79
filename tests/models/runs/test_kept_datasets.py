"""A workspace's kept datasets: stored by content, read back checked, bounded — on a local folder and on S3 alike."""

import fsspec
import numpy as np
import pytest

import embedlab.models.runs.kept_datasets as kept
from embedlab.data.labelled import LabelledDataset
from embedlab.models.runs.catalog import list_runs, workspace_dir


def reviews(name="reviews.csv", extra=""):
    return LabelledDataset([f"a wonderful film{extra}", "a dull mess", "great fun \ud800 odd bytes"],
                           np.array([1, 0, 1]), ["negative", "positive"], name=name,
                           dropped={"empty text": 1}, notes=["encoding: cp1252"])


@pytest.fixture(params=["local", "s3"])
def location(request, tmp_path):
    """One workspace's folder in the run storage, as the app gets it from ``workspace_dir``."""
    runs = tmp_path / "runs" if request.param == "local" else request.getfixturevalue("s3_runs")
    return workspace_dir("workspace-one", runs)


def _stored_path(location, name):
    return f"{str(location).removeprefix('s3://')}/{kept.FOLDER}/{name}"


def _overwrite(location, name, data: bytes):
    if kept.run_storage.is_remote(location):
        fsspec.filesystem("s3").pipe(_stored_path(location, name), data)
    else:
        (location / kept.FOLDER / name).write_bytes(data)


def test_a_kept_dataset_comes_back_whole_and_becomes_the_current_one(location):
    dataset = reviews()
    entry = kept.keep_dataset(location, dataset)
    back = kept.load_kept(location, dataset.fingerprint)
    assert back.fingerprint == dataset.fingerprint and back.texts == dataset.texts
    assert (back.name, back.dropped, back.notes) == ("reviews.csv", {"empty text": 1}, ["encoding: cp1252"])
    index = kept.read_index(location)
    assert index.current == dataset.fingerprint and index.datasets == [entry]
    assert (entry.name, entry.rows, entry.classes) == ("reviews.csv", 3, 2)


def test_it_is_stored_under_its_content_never_under_the_file_name(location):
    dataset = reviews(name="../../etc/<b>evil</b>.csv")
    kept.keep_dataset(location, dataset)
    kept.keep_dataset(location, reviews(name="renamed.csv"))  # same content, another name: one copy, newest label
    index = kept.read_index(location)
    assert [entry.name for entry in index.datasets] == ["renamed.csv"]
    if not kept.run_storage.is_remote(location):
        assert sorted(path.name for path in (location / kept.FOLDER).iterdir() if not path.name.startswith(".")) \
            == sorted([f"{dataset.fingerprint}.json", kept.INDEX])


def test_the_kept_folder_is_not_listed_as_a_run(location):
    kept.keep_dataset(location, reviews())
    assert list_runs(location) == []


@pytest.mark.parametrize("damage, message", [
    (b"{not json", "is damaged"),
    (b'{"format": "embedlab-kept-dataset-1", "texts": ["x"], "labels": [5], "class_names": ["a", "b"]}',
     "is damaged"),
])
def test_a_damaged_file_is_a_message_not_a_crash(location, damage, message):
    dataset = reviews()
    kept.keep_dataset(location, dataset)
    _overwrite(location, f"{dataset.fingerprint}.json", damage)
    with pytest.raises(kept.KeptDatasetError, match=message):
        kept.load_kept(location, dataset.fingerprint)


def test_a_file_whose_content_is_not_its_name_is_refused(location):
    original, other = reviews(), reviews(extra="!")
    kept.keep_dataset(location, original)
    _overwrite(location, f"{original.fingerprint}.json", kept.dataset_text(other).encode())
    with pytest.raises(kept.KeptDatasetError, match="is damaged"):
        kept.load_kept(location, original.fingerprint)


def test_a_missing_file_and_a_damaged_index_say_so(location):
    with pytest.raises(kept.KeptDatasetError, match="is not kept in this workspace"):
        kept.load_kept(location, "0123456789abcdef0123")
    with pytest.raises(kept.KeptDatasetError, match="not a dataset fingerprint"):
        kept.load_kept(location, "../index")
    kept.keep_dataset(location, reviews())
    _overwrite(location, kept.INDEX, b'{"current": "../../x", "datasets": []}')
    index = kept.read_index(location)
    assert index.datasets == [] and "damaged" in index.problem


def test_a_workspace_keeps_a_bounded_number_and_deleting_makes_room(location, monkeypatch):
    monkeypatch.setenv(kept.COUNT_ENV, "2")
    first, second, third = (reviews(name=f"file{number}.csv", extra=str(number)) for number in range(3))
    kept.keep_dataset(location, first)
    kept.keep_dataset(location, second)
    with pytest.raises(kept.KeptDatasetError, match="keeps 2 datasets .* at most 2 datasets.*delete one"):
        kept.keep_dataset(location, third)
    assert [entry.name for entry in kept.read_index(location).datasets] == ["file1.csv", "file0.csv"]
    kept.delete_kept(location, second.fingerprint)
    assert kept.read_index(location).current is None  # the deleted one was current: the default comes back
    with pytest.raises(kept.KeptDatasetError, match="is not kept"):
        kept.load_kept(location, second.fingerprint)
    kept.keep_dataset(location, third)
    assert [entry.name for entry in kept.read_index(location).datasets] == ["file2.csv", "file0.csv"]


def test_a_workspace_keeps_a_bounded_size(location, monkeypatch):
    monkeypatch.setenv(kept.MEGABYTES_ENV, "0.0001")  # 100 bytes: less than one dataset
    with pytest.raises(kept.KeptDatasetError, match="may keep at most 10 datasets and 0.0001 MB"):
        kept.keep_dataset(location, reviews())
    assert kept.read_index(location).datasets == []


def test_a_built_in_choice_is_remembered(location):
    kept.keep_dataset(location, reviews())
    kept.set_current(location, kept.builtin_choice("rotten-tomatoes-10k"))
    index = kept.read_index(location)
    assert index.current == "builtin:rotten-tomatoes-10k" and len(index.datasets) == 1


def test_keeping_a_listed_dataset_whose_file_is_gone_writes_it_again(location):
    dataset = reviews()
    kept.keep_dataset(location, dataset)
    if kept.run_storage.is_remote(location):
        fsspec.filesystem("s3").rm(_stored_path(location, f"{dataset.fingerprint}.json"))
    else:
        (location / kept.FOLDER / f"{dataset.fingerprint}.json").unlink()
    kept.keep_dataset(location, dataset)  # the visitor uploads the file again
    assert kept.load_kept(location, dataset.fingerprint).texts == dataset.texts


def test_a_runs_folder_that_cannot_be_written_is_a_message(tmp_path):
    (tmp_path / "runs").write_text("a file where the runs folder should be")
    location = workspace_dir("workspace-one", tmp_path / "runs")
    with pytest.raises(kept.KeptDatasetError, match="cannot be read"):
        kept.read_index(location)
    with pytest.raises(kept.KeptDatasetError, match="cannot be"):
        kept.keep_dataset(location, reviews())

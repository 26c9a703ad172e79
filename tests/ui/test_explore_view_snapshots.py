"""Read-only view snapshots: stored once by content, read back checked, bounded, never named by a visitor."""

import numpy as np
import pytest

from embedlab.vectors.word_vectors import WordVectors
from embedlab_ui import view_snapshots
from embedlab_ui.view_snapshots import SnapshotError, load_snapshot, save_snapshot, snapshot_of


def _vectors(count: int = 50, dim: int = 4, name: str = "tiny (learned)") -> WordVectors:
    rng = np.random.default_rng(0)
    return WordVectors([f"w{i}" for i in range(count)], rng.normal(size=(count, dim)).astype(np.float32), name=name)


def test_a_snapshot_is_stored_under_its_content_and_read_back_the_same(tmp_path):
    vectors = _vectors()
    fingerprint = save_snapshot(vectors, tmp_path)
    assert fingerprint == vectors.fingerprint
    back = load_snapshot(fingerprint, tmp_path)
    assert back.words == vectors.words and np.array_equal(back.vectors, vectors.vectors)
    assert back.name == "tiny (learned)"
    assert [path.name for path in (tmp_path / ".views").iterdir()] == [f"{fingerprint}.npz"]


def test_the_same_content_is_written_once_whatever_it_is_called(tmp_path):
    first = save_snapshot(_vectors(name="a"), tmp_path)
    assert save_snapshot(_vectors(name="a"), tmp_path) == first
    assert len(list((tmp_path / ".views").iterdir())) == 1


def test_a_wide_set_keeps_its_most_frequent_words_that_fit(monkeypatch):
    monkeypatch.setattr(view_snapshots, "SNAPSHOT_BYTES", 4 * 8 * 10)  # room for 10 rows of 8 numbers
    kept = snapshot_of(_vectors(count=30, dim=8))
    assert kept.words == [f"w{i}" for i in range(10)]


@pytest.mark.parametrize("name", ["../../etc/passwd", "ABC", "0" * 31, "0" * 33, "", "0" * 32 + "\n"])
def test_a_name_that_is_not_a_fingerprint_is_refused_before_any_file_is_read(tmp_path, name):
    with pytest.raises(SnapshotError, match="32 hexadecimal digits"):
        load_snapshot(name, tmp_path)


def test_a_missing_snapshot_is_said_with_what_to_do(tmp_path):
    with pytest.raises(SnapshotError, match="not on this server.*new read-only link"):
        load_snapshot("0" * 32, tmp_path)


def test_a_snapshot_changed_after_it_was_written_is_refused(tmp_path):
    fingerprint = save_snapshot(_vectors(), tmp_path)
    other = tmp_path / "other"
    (tmp_path / ".views" / f"{fingerprint}.npz").write_bytes(
        (other / ".views" / f"{save_snapshot(_vectors(count=40), other)}.npz").read_bytes())
    with pytest.raises(SnapshotError, match="does not match its name"):
        load_snapshot(fingerprint, tmp_path)


def test_a_file_that_is_not_a_snapshot_is_refused(tmp_path):
    (tmp_path / ".views").mkdir()
    (tmp_path / ".views" / ("a" * 32 + ".npz")).write_bytes(b"not a zip")
    with pytest.raises(SnapshotError, match="cannot be read"):
        load_snapshot("a" * 32, tmp_path)


def test_past_the_servers_budget_a_new_snapshot_is_refused_and_old_ones_still_read(tmp_path, monkeypatch):
    kept = save_snapshot(_vectors(), tmp_path)
    monkeypatch.setenv("EMBEDLAB_VIEW_SNAPSHOTS_MB", "0.001")
    with pytest.raises(SnapshotError, match="EMBEDLAB_VIEW_SNAPSHOTS_MB"):
        save_snapshot(_vectors(count=60), tmp_path)
    assert load_snapshot(kept, tmp_path).words == _vectors().words

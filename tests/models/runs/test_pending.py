"""Nothing trained is lost when its save fails: a run its runs folder did not take (a full disk) is kept aside,
listed as not saved with a retry, and told in one line without server paths; the kept copies go after a bound."""

import errno
import os
import shutil
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from embedlab.errors import EmbedLabError
from embedlab.models.runs.catalog import list_runs, save_run, scan_runs

TEXTS = ["a wonderful film", "an awful film", "plain"]
KEEP_HOURS = 48  # embedlab.models.runs.pending.KEEP_HOURS, checked below: the hours a message promises


@pytest.fixture(scope="module")
def model(tiny_run):
    return tiny_run.load_model()


def _save(folder, model):
    split = pd.DataFrame({"text": TEXTS, "label": [1, 0, 1]})
    return save_run(folder, model, {"name": "kept", "class_names": ["neg", "pos"]}, {"loss": [0.5]},
                    {"accuracy": 0.5}, test_split=split)


def _predicts_like(run, model) -> None:
    texts = np.asarray(TEXTS, dtype=object)
    np.testing.assert_allclose(run.load_model()(texts).numpy(), model(texts).numpy(), atol=1e-6)


class _DiskFullUnder:
    """Saves as ``model`` does, except inside ``folder``, whose disk is full."""

    def __init__(self, model, folder):
        self.model, self.folder = model, folder

    def save(self, path):
        if str(path).startswith(str(self.folder)):
            raise OSError(errno.ENOSPC, "No space left on device")
        self.model.save(path)

    def __getattr__(self, name):
        return getattr(self.model, name)

    def __call__(self, *args, **kwargs):
        return self.model(*args, **kwargs)


def _no_server_path(message: str, *paths) -> None:
    assert "\n" not in message
    for path in (*paths, "/tmp", "embedlab-unsaved", "unsent-runs/", "127.0.0.1"):
        assert str(path) not in message, f"{path} shown in: {message}"


def test_a_full_disk_keeps_the_run_unsaved_with_advice_a_visitor_can_act_on_and_a_retry(tmp_path, model, monkeypatch):
    runs = tmp_path / "server" / "runs" / "visitor"
    with pytest.raises(EmbedLabError) as caught:
        _save(runs, _DiskFullUnder(model, runs))
    message = str(caught.value)
    _no_server_path(message, tmp_path, runs)
    assert "disk is full" in message and "Retry save" in message and f"{KEEP_HOURS} hours" in message
    from embedlab.models.runs.pending import retry_upload

    listing = scan_runs(runs)
    assert listing.runs == [] and listing.damaged == []
    [pending] = listing.pending
    assert pending.name == "kept" and pending.action == "Retry save" and "disk is full" in pending.reason

    real_copy = shutil.copyfile
    with monkeypatch.context() as patched:  # still full: said so, and the run stays kept
        patched.setattr(shutil, "copyfile", lambda *a, **k: (_ for _ in ()).throw(OSError(errno.ENOSPC, "No space")))
        with pytest.raises(EmbedLabError, match="still full") as again:
            retry_upload(pending)
    assert shutil.copyfile is real_copy
    _no_server_path(str(again.value), tmp_path, runs)
    assert scan_runs(runs).pending == [pending] and list_runs(runs) == []
    assert not [child for child in runs.iterdir()]  # no half copy left behind

    saved = retry_upload(pending)
    [run] = list_runs(runs)
    assert run.path == saved and scan_runs(runs).pending == []
    _predicts_like(run, model)


def _fake_run(folder: Path, name: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "config.json").write_text(f'{{"name": "{name}"}}')
    (folder / "model.keras").write_bytes(b"PK\x05\x06" + b"\0" * 18)  # an empty zip
    return folder


def test_kept_copies_go_after_their_time_and_beyond_the_count(tmp_path):
    from embedlab.models.runs import pending as kept_runs
    from embedlab.models.runs.pending import MAX_KEPT, keep_aside, pending_uploads

    assert kept_runs.KEEP_HOURS == KEEP_HOURS
    destination = tmp_path / "runs" / "visitor"
    kept = [keep_aside(_fake_run(tmp_path / "made" / f"run-{i:02d}", f"run {i}"), destination, "the disk is full")
            for i in range(MAX_KEPT + 2)]
    now = time.time()
    for age, pending in enumerate(reversed(kept)):  # run-00 the oldest
        os.utime(pending.record, (now - 60 * age, now - 60 * age))
    os.utime(kept[5].record, (now - KEEP_HOURS * 3600 - 60,) * 2)
    listed = pending_uploads(destination)
    expected = [pending.run_id for pending in reversed(kept) if pending is not kept[5]][:MAX_KEPT]
    assert [pending.run_id for pending in listed] == expected  # newest first
    assert not kept[5].path.exists() and not kept[0].path.exists() and not kept[0].record.exists()
    assert all(pending.path.is_dir() for pending in listed)

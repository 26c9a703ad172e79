"""Nothing trained is lost when its save fails: a run the storage did not take (an endpoint that dies mid-upload, a
full disk) is kept aside, listed as not uploaded / not saved with a retry, and told in one line without server paths;
the kept copies go after a bound."""

import errno
import gc
import logging
import os
import shutil
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from embedlab.errors import EmbedLabError
from embedlab.models.runs.catalog import list_runs, save_run, scan_runs
from tests.models.runs.dying_endpoint import endpoint_that_dies

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


@pytest.mark.slow
def test_a_run_whose_upload_dies_midway_is_kept_listed_as_not_uploaded_and_uploaded_on_retry(
        tmp_path, s3_endpoint, s3_runs, model, monkeypatch, caplog):
    with endpoint_that_dies(monkeypatch, s3_endpoint, trigger=b"/model.keras") as proxy:
        with pytest.raises(EmbedLabError) as caught:
            _save(s3_runs, model)
        gc.collect()  # a request task nobody awaited says so when it is collected
    assert proxy.dead.is_set(), "the endpoint was meant to die during the upload"
    # Outside pytest these records would reach stderr (no logging is configured there): none may carry a traceback.
    noise = [f"{record.name}: {record.getMessage()}" for record in caplog.records
             if record.levelno >= logging.WARNING and record.exc_info]
    assert not noise, f"{len(noise)} tracebacks would reach stderr: {noise[:3]}"
    message = str(caught.value)
    _no_server_path(message, tmp_path, s3_runs, s3_endpoint, proxy.port)
    assert "not uploaded" in message and "Retry upload" in message and f"{KEEP_HOURS} hours" in message

    from embedlab.models.runs.pending import pending_uploads, retry_upload

    listing = scan_runs(s3_runs)  # the endpoint answers again
    assert listing.runs == [] and listing.damaged == []
    [pending] = listing.pending
    assert pending.name == "kept" and pending.action == "Retry upload"
    assert pending_uploads(s3_runs.rsplit("/", 1)[0] + "/another-workspace") == []  # kept per workspace
    url = retry_upload(pending)
    listing = scan_runs(s3_runs)
    assert [run.location for run in listing.runs] == [url] and listing.pending == []
    _predicts_like(listing.runs[0], model)


LEFT_BEHIND = """
import asyncio, errno, gc, sys
import fsspec.asyn
from embedlab.models.runs.storage import remote_filesystem

filesystem, _ = remote_filesystem(sys.argv[1])

async def lost():
    raise ConnectionResetError(errno.ECONNRESET, "Connection reset by peer")

async def leave_one_behind():
    asyncio.ensure_future(lost())  # as aiohttp leaves a request's body writer when the endpoint dies
    await asyncio.sleep(0.05)

fsspec.asyn.sync(filesystem.loop, leave_one_behind)
gc.collect()
print("done")
"""


def test_errors_nobody_awaited_on_the_storage_loop_do_not_reach_stderr(s3_runs, project_root):
    """In a process of its own, as the command line is: no logging configured, so Python's last resort prints."""
    import subprocess
    import sys

    finished = subprocess.run([sys.executable, "-c", LEFT_BEHIND, s3_runs], cwd=project_root, capture_output=True,
                              text=True, timeout=120)
    assert finished.stdout.strip() == "done", finished.stderr
    assert finished.stderr == ""


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

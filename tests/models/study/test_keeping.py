"""Kept studies: written as cells finish, read back checked, listed by workspace, resumed with only missing cells.

Listing them again reads only what changed: a file is parsed once per version, locally and in s3:// storage.
"""

import json
import os
import threading
import time

import numpy as np
import pytest

from embedlab.data.builtins import builtin_dataset
from embedlab.errors import EmbedLabError
from embedlab.models.study import cells as study_module
from embedlab.models.study.cells import StudyPlan, run_study
from embedlab.models.study import keeping
from embedlab.models.study.keeping import (
    DamagedStudy, Keeper, delete_study, kept_studies, load_study, running_here, study_id,
)
from embedlab.models.study.study_files import STUDIES_FOLDER
from embedlab.vectors.word_vectors import WordVectors
from tests.models.study.test_cells import FakeJob

PLAN = StudyPlan(sizes=(40, 80), embeddings=("random", "glove-frozen"), seeds=1, test_size=40, epochs=2)
VECTORS = WordVectors(["good", "bad"], np.eye(2, dtype=np.float32), name="tiny")


class FakeBaselines:
    """Scores every (size, seed) at once, in this process: the kept file, not scikit-learn, is under test here."""

    def __init__(self, dataset, vectors, cells, test_rows):
        self.pending, self.finished = [("scores", size, seed, [{"name": "tfidf-lr", "accuracy": 0.6, "f1": 0.6}])
                                       for size, seed, _ in cells], False

    def poll(self):
        messages, self.pending, self.finished = self.pending, [], True
        return messages

    def stop(self):
        self.finished = True


def run_kept(dataset, plan, vectors, folder, **options):
    """``run_study`` kept in the workspace ``folder``, as the Study tab and ``study --out`` run it."""
    return run_study(dataset, plan, vectors, keep_in=folder, **options)


@pytest.fixture
def fake_jobs(monkeypatch):
    import embedlab.models.jobs as jobs
    import embedlab.models.study.baseline_scoring as baseline_scoring

    FakeJob.made = []
    monkeypatch.setattr(jobs, "new_job", FakeJob)
    monkeypatch.setattr(baseline_scoring, "BaselineScoring", FakeBaselines)
    monkeypatch.setattr(study_module, "POLL_SECONDS", 0.0)
    return FakeJob


def stop_after(cells: int):
    stop = threading.Event()

    def on_update(partial):
        if partial.finished >= cells:
            stop.set()
    return stop, on_update


@pytest.mark.parametrize("where", ["local", "s3"])
def test_a_stopped_study_is_kept_and_resuming_trains_only_the_missing_cells(where, fake_jobs, tmp_path, request):
    folder = tmp_path / "runs" / "ws" if where == "local" else request.getfixturevalue("s3_runs") + "/ws"
    dataset = builtin_dataset("pang-lee-200")
    stop, on_update = stop_after(1)
    first = run_kept(dataset, PLAN, VECTORS, folder, on_update=on_update, stop_event=stop)
    done = len(first.cells)  # the random cells finish at once; the GloVe ones are stopped
    assert first.stopped and 1 <= done < 4
    [kept], damaged = kept_studies(folder)
    assert not damaged and kept.condition == "stopped" and kept.missing == 4 - done
    assert kept.id == study_id(dataset.fingerprint, PLAN, VECTORS.fingerprint)
    assert kept.data["cells"] == first.to_json()["cells"] and StudyPlan.from_json(kept.plan) == PLAN

    fake_jobs.made = []
    second = run_kept(dataset, PLAN, VECTORS, folder)
    assert len(fake_jobs.made) == 4 - done  # the finished cells are not trained again
    assert second.resumed == done and len(second.cells) == 4 and not second.stopped
    assert second.cells[:done] == first.cells
    assert second.seconds >= first.seconds  # the kept cells' time is counted, not only this run's
    assert sorted((row["size"], row["seed"]) for row in second.baselines) == [(40, 0), (80, 0)]  # none twice
    again = load_study(folder, kept.id)
    assert again.condition == "finished" and again.missing == 0 and len(again.data["cells"]) == 4


def test_each_finished_cell_is_on_disk_before_the_study_ends(fake_jobs, tmp_path):
    folder, seen = tmp_path / "ws", []

    def on_update(partial):
        [kept], _ = kept_studies(folder)
        seen.append((len(kept.data["cells"]), kept.condition))

    run_kept(builtin_dataset("pang-lee-200"), PLAN, VECTORS, folder, on_update=on_update)
    finished = [count for count, _ in seen]
    assert finished == sorted(finished) and finished[-1] == 4
    assert {condition for _, condition in seen} == {"running"}  # this process is running it meanwhile


def test_a_study_of_other_data_or_another_plan_is_another_study(fake_jobs, tmp_path):
    dataset = builtin_dataset("pang-lee-200")
    assert study_id(dataset.fingerprint, PLAN, VECTORS.fingerprint) != study_id("other", PLAN, VECTORS.fingerprint)
    other_plan = StudyPlan(**{**PLAN.__dict__, "seeds": 2})
    assert study_id(dataset.fingerprint, PLAN, None) != study_id(dataset.fingerprint, other_plan, None)


@pytest.mark.parametrize("damage, said", [
    (lambda text: text[: len(text) // 2], "not JSON"),
    (lambda text: text.replace('"accuracy": 0.', '"accuracy": 7.'), "cell 1: accuracy or F1 not a share"),
    (lambda text: text.replace('"format": 1', '"format": 99'), "format 99, expected 1"),
    (lambda text: text.replace('"embedding": "random"', '"embedding": "word2vec"'), "unknown embedding"),
    (lambda text: json.dumps({"format": 1, "id": "x", "state": "finished", "updated": 1, "study": []}),
     "no cells, baselines or plan"),
])
def test_a_damaged_study_file_is_a_clear_message_and_the_others_still_list(damage, said, fake_jobs, tmp_path):
    folder = tmp_path / "ws"
    run_kept(builtin_dataset("pang-lee-200"), PLAN, VECTORS, folder)
    run_kept(builtin_dataset("pang-lee-200"), StudyPlan(**{**PLAN.__dict__, "sizes": (40,)}), VECTORS, folder)
    [path, _] = sorted((folder / STUDIES_FOLDER).glob("*.json"))
    path.write_text(damage(path.read_text()))
    studies, damaged = kept_studies(folder)
    assert len(studies) == 1 and len(damaged) == 1
    assert said in damaged[0] and "delete it and run the study again" in damaged[0], damaged
    with pytest.raises(DamagedStudy, match="is damaged"):
        load_study(folder, path.stem)
    assert isinstance(DamagedStudy("x"), EmbedLabError)


def test_a_damaged_kept_study_is_replaced_when_the_study_is_run_again(fake_jobs, tmp_path):
    folder = tmp_path / "ws"
    dataset = builtin_dataset("pang-lee-200")
    identifier = study_id(dataset.fingerprint, PLAN, VECTORS.fingerprint)
    (folder / STUDIES_FOLDER).mkdir(parents=True)
    (folder / STUDIES_FOLDER / f"{identifier}.json").write_text("{ cut sh")
    result = run_kept(dataset, PLAN, VECTORS, folder)
    assert len(result.cells) == 4 and result.resumed == 0
    assert load_study(folder, identifier).condition == "finished"


def test_an_empty_workspace_has_no_kept_studies(tmp_path):
    assert kept_studies(tmp_path / "nothing") == ([], [])


def test_a_study_whose_process_is_gone_reads_as_interrupted_and_can_be_resumed(fake_jobs, tmp_path):
    folder, dataset = tmp_path / "ws", builtin_dataset("pang-lee-200")
    stop, on_update = stop_after(1)
    run_kept(dataset, PLAN, VECTORS, folder, on_update=on_update, stop_event=stop)
    [path] = (folder / STUDIES_FOLDER).glob("*.json")
    record = json.loads(path.read_text())
    record["state"] = "running"  # as a server killed mid-study leaves it
    path.write_text(json.dumps(record))
    assert load_study(folder, path.stem).condition == "interrupted"  # this process is not running it
    record["owner"] = {**record["owner"], "pid": 2 ** 22 + 17, "started": 1.0}  # a process that is gone
    path.write_text(json.dumps(record))
    kept = load_study(folder, path.stem)
    assert kept.condition == "interrupted" and not kept.running_now and kept.missing > 0
    resumed = run_kept(dataset, PLAN, VECTORS, folder)
    assert resumed.resumed == len(record["study"]["cells"]) and len(resumed.cells) == 4


# --- Listing again reads only what changed -----------------------------------------------------------------------

@pytest.fixture
def parsed(monkeypatch):
    """The names of the study files parsed from now on (each a read and a JSON parse)."""
    names = []
    parse = keeping._parse

    def counted(text, name):
        names.append(name)
        return parse(text, name)
    monkeypatch.setattr(keeping, "_parse", counted)
    return names


@pytest.fixture
def s3_calls(monkeypatch):
    """The S3 operations sent from now on (list_objects_v2, head_object, get_object…), in order."""
    import s3fs

    calls = []
    call = s3fs.S3FileSystem._call_s3

    async def counted(self, method, *args, **kwargs):
        calls.append(method)
        return await call(self, method, *args, **kwargs)
    monkeypatch.setattr(s3fs.S3FileSystem, "_call_s3", counted)
    return calls


@pytest.fixture(params=["local", "s3"])
def workspace(request, tmp_path):
    """A workspace's runs folder, on local disk or in the loopback S3 endpoint."""
    return tmp_path / "ws" if request.param == "local" else request.getfixturevalue("s3_runs") + "/ws"


def two_kept_studies(folder) -> list[str]:
    """Keep two finished studies in ``folder`` (written a minute ago, as far as the disk can tell); their ids."""
    dataset = builtin_dataset("pang-lee-200")
    run_kept(dataset, PLAN, VECTORS, folder)
    run_kept(dataset, StudyPlan(**{**PLAN.__dict__, "sizes": (40,)}), VECTORS, folder)
    age(folder)
    return sorted(study.id for study in kept_studies(folder)[0])


def age(folder, seconds: float = 60.0) -> None:
    """Date the local study files ``seconds`` back: a file written just now is read every time (no version yet)."""
    if isinstance(folder, str):
        return  # an object's version is its ETag, not a time
    then = time.time_ns() - int(seconds * 1e9)
    for path in (folder / STUDIES_FOLDER).glob("*.json"):
        os.utime(path, ns=(then, then))


def rewrite(folder, identifier: str, change) -> str:
    """Rewrite a kept study file in place with ``change(text)``, as another process or a person would; the old text."""
    import fsspec

    with fsspec.open(f"{folder}/{STUDIES_FOLDER}/{identifier}.json", "rt") as file:
        text = file.read()
    with fsspec.open(f"{folder}/{STUDIES_FOLDER}/{identifier}.json", "wt") as file:
        file.write(change(text))
    return text


def without_last_cell(text: str) -> str:
    record = json.loads(text)
    record["study"]["cells"].pop()
    return json.dumps(record)


def test_a_second_listing_of_unchanged_studies_parses_none_of_them_again(fake_jobs, workspace, parsed):
    two_kept_studies(workspace)
    first, _ = kept_studies(workspace)
    parsed.clear()
    again, damaged = kept_studies(workspace)
    assert parsed == [] and not damaged
    assert [study.id for study in again] == [study.id for study in first]
    assert [study.data for study in again] == [study.data for study in first]


def test_a_repeated_listing_in_s3_is_one_list_request_and_no_get(fake_jobs, s3_runs, s3_calls):
    folder = s3_runs + "/ws"
    two_kept_studies(folder)
    s3_calls.clear()
    studies, _ = kept_studies(folder)
    assert len(studies) == 2 and s3_calls == ["list_objects_v2"]


def test_a_rewritten_study_is_seen_on_the_very_next_listing(fake_jobs, workspace, parsed):
    identifier, _ = two_kept_studies(workspace)
    kept_studies(workspace)
    rewrite(workspace, identifier, without_last_cell)  # written just now: a local file has no version yet
    [changed] = [study for study in kept_studies(workspace)[0] if study.id == identifier]
    assert len(changed.data["cells"]) == 1
    assert load_study(workspace, identifier).data["cells"] == changed.data["cells"]


def test_a_local_rewrite_that_keeps_size_and_modification_time_is_still_seen(fake_jobs, tmp_path):
    folder = tmp_path / "ws"
    identifier, _ = two_kept_studies(folder)
    path = folder / STUDIES_FOLDER / f"{identifier}.json"
    before = path.stat()
    [accuracy] = {cell["accuracy"] for cell in load_study(folder, identifier).data["cells"]}
    path.write_text(path.read_text().replace(f'"accuracy": {accuracy}', f'"accuracy": {accuracy - 0.01:.2f}'))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # as a rewrite within one clock tick leaves it
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
    [changed] = [study for study in kept_studies(folder)[0] if study.id == identifier]
    assert {cell["accuracy"] for cell in changed.data["cells"]} == {round(accuracy - 0.01, 2)}


def test_a_deleted_study_is_gone_from_the_next_listing(fake_jobs, workspace):
    first, second = two_kept_studies(workspace)
    delete_study(workspace, first)
    assert [study.id for study in kept_studies(workspace)[0]] == [second]
    with pytest.raises(EmbedLabError, match="no kept study"):
        load_study(workspace, first)


def test_a_damaged_file_is_reported_without_rereading_it_then_shown_once_mended(fake_jobs, workspace, parsed):
    identifier, _ = two_kept_studies(workspace)
    whole = rewrite(workspace, identifier, lambda text: text[: len(text) // 2])
    age(workspace)
    studies, [damage] = kept_studies(workspace)
    assert len(studies) == 1 and "is damaged" in damage
    parsed.clear()
    assert kept_studies(workspace)[1] == [damage] and parsed == []  # said again, not read again
    rewrite(workspace, identifier, lambda cut: whole)
    studies, damaged = kept_studies(workspace)
    assert not damaged and identifier in [study.id for study in studies]


def test_load_study_parses_an_unchanged_file_once(fake_jobs, workspace, parsed):
    identifier, _ = two_kept_studies(workspace)
    parsed.clear()
    assert load_study(workspace, identifier) is load_study(workspace, identifier)
    assert parsed == []  # the listing that kept them parsed it
    rewrite(workspace, identifier, without_last_cell)
    assert len(load_study(workspace, identifier).data["cells"]) == 1


def test_whether_a_kept_study_is_running_is_decided_when_it_is_read_not_when_it_was_parsed(fake_jobs, tmp_path):
    folder = tmp_path / "ws"
    identifier, _ = two_kept_studies(folder)
    rewrite(folder, identifier, lambda text: text.replace('"state": "finished"', '"state": "running"'))
    age(folder)  # this process wrote it: it is running while this process says so
    running_here(identifier, True)
    try:
        assert load_study(folder, identifier).condition == "running"
    finally:
        running_here(identifier, False)
    assert load_study(folder, identifier).condition == "interrupted"  # the same parse, read again


def test_a_resumed_study_takes_a_copy_of_the_kept_cells_not_the_listed_ones(fake_jobs, tmp_path):
    folder, dataset = tmp_path / "ws", builtin_dataset("pang-lee-200")
    stop, on_update = stop_after(1)
    run_kept(dataset, PLAN, VECTORS, folder, on_update=on_update, stop_event=stop)
    age(folder)
    [listed], _ = kept_studies(folder)
    cells = json.dumps(listed.data["cells"])
    Keeper(folder, dataset, PLAN, VECTORS).kept()["cells"].clear()
    assert json.dumps(kept_studies(folder)[0][0].data["cells"]) == cells

"""Kept studies: written as cells finish, read back checked, listed by workspace, resumed with only missing cells."""

import json
import threading

import numpy as np
import pytest

from embedlab.data.builtins import builtin_dataset
from embedlab.errors import EmbedLabError
from embedlab.models.study import cells as study_module
from embedlab.models.study.cells import StudyPlan, run_study
from embedlab.models.study.keeping import (
    STUDIES_FOLDER, DamagedStudy, kept_studies, load_study, study_id,
)
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

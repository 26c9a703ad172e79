"""Study: one fixed test set, seeded stratified cells, jobs collected as they finish, Stop keeps them, the reading."""

import multiprocessing
import os
import threading
import time

import numpy as np
import pytest

from embedlab.data.builtins import builtin_dataset
from embedlab.errors import EmbedLabError
from embedlab.models.study import cells as study_module
from embedlab.models.jobs.base import JobStatus
from embedlab.models.study.cells import StudyPlan, plan_cells, reading, run_study
from embedlab.vectors.word_vectors import WordVectors

KEYS = {"size", "embedding", "seed", "accuracy", "f1", "best_epoch", "seconds"}


def test_cells_share_one_test_set_and_sample_stratified_training_rows():
    dataset = builtin_dataset("pang-lee-200")
    cells = plan_cells(dataset, StudyPlan(sizes=(40, 80, 500, None), seeds=2, test_size=40))
    assert cells.sizes == [40, 80, 160]  # 500 and "all" both mean the 160 rows outside the test set
    assert any("500 training rows asked for" in note for note in cells.notes)
    assert len(cells.cells) == 3 * 2 * 3
    test = set(cells.test_rows)
    assert len(test) == 40 and np.bincount(dataset.labels[list(test)]).tolist() == [20, 20]
    for cell in cells.cells:
        assert len(cell.train_rows) == cell.size and not test & set(cell.train_rows)
        assert abs(int(dataset.labels[list(cell.train_rows)].sum()) - cell.size // 2) <= 1
    by_key = {(cell.size, cell.seed, cell.embedding): cell.train_rows for cell in cells.cells}
    assert by_key[(40, 0, "random")] == by_key[(40, 0, "glove-frozen")]  # embeddings compare on the same rows
    assert by_key[(40, 0, "random")] != by_key[(40, 1, "random")]
    assert plan_cells(dataset, StudyPlan(sizes=(40,), seeds=1, test_size=40)).test_rows == cells.test_rows


@pytest.mark.parametrize("changes, message", [
    (dict(sizes=()), "at least one training size"),
    (dict(embeddings=("word2vec",)), "not known"),
    (dict(seeds=0), "seeds is out of range"),
    (dict(sizes=(5,)), "at least 10 rows"),
    (dict(encoder="transformer"), "not known"),
])
def test_bad_plans_say_what_to_pick(changes, message):
    with pytest.raises(EmbedLabError, match=message):
        plan_cells(builtin_dataset("pang-lee-200"), StudyPlan(**changes))


class FakeJob:
    """Finishes after ``polls`` snapshots with an accuracy made from its spec; stop() cancels it unless done."""

    made: list = []

    def __init__(self, spec, executor=None):
        self.spec, self.polls, self.stopped = spec, 0, False
        FakeJob.made.append(self)

    def start(self):
        return self

    def stop(self):
        self.stopped = True

    def snapshot(self):
        self.polls += 1
        done = self.polls >= (2 if "random" in self.spec.name else 50)
        if self.stopped and not done:
            return JobStatus(state="cancelled")
        if not done:
            return JobStatus(state="running")
        metrics = {"accuracy": 0.5 + len(self.spec.train_rows) / 1000, "f1": 0.5, "f1_macro": 0.4,
                   "best_epoch": 2, "seconds": 1.0, "epochs_run": 3, "seconds_to_best": 0.7}
        return JobStatus(state="done", metrics=metrics)


def test_every_cell_is_a_job_and_each_finished_cell_is_reported(monkeypatch):
    import embedlab.models.jobs as jobs

    FakeJob.made = []
    monkeypatch.setattr(jobs, "new_job", FakeJob)
    monkeypatch.setattr(study_module, "POLL_SECONDS", 0.0)
    dataset = builtin_dataset("pang-lee-200")
    seen = []
    plan = StudyPlan(sizes=(40, 80), embeddings=("random",), seeds=2, test_size=40)
    result = run_study(dataset, plan, None, on_update=lambda partial: seen.append(partial.finished))
    assert len(FakeJob.made) == 4 and all(job.spec.test_rows == FakeJob.made[0].spec.test_rows for job in FakeJob.made)
    assert seen[-1] == 4 and seen == sorted(seen)
    output = result.to_json()
    assert all(KEYS <= set(cell) for cell in output["cells"]) and output["cells"][0]["f1"] == 0.4
    assert {(row["size"], row["name"]) for row in output["baselines"]} == {(40, "tfidf-lr"), (80, "tfidf-lr")}


def test_stop_keeps_the_finished_cells(monkeypatch):
    import embedlab.models.jobs as jobs

    FakeJob.made = []
    monkeypatch.setattr(jobs, "new_job", FakeJob)
    monkeypatch.setattr(study_module, "POLL_SECONDS", 0.0)
    stop = threading.Event()

    def on_update(partial):
        if partial.finished >= 1:
            stop.set()

    plan = StudyPlan(sizes=(40,), embeddings=("random", "glove-frozen"), seeds=1, test_size=40)
    vectors = WordVectors(["good", "bad"], np.eye(2, dtype=np.float32), name="tiny")
    result = run_study(builtin_dataset("pang-lee-200"), plan, vectors, on_update=on_update, stop_event=stop)
    assert result.stopped and [cell["embedding"] for cell in result.cells] == ["random"]
    stopped = {job.spec.name.split()[1]: job.stopped for job in FakeJob.made}
    assert stopped == {"random": False, "glove-frozen": True}  # the unfinished job was told to stop
    assert any("not complete: 1 of 2 cells finished" in sentence for sentence in reading(result))


def test_cells_start_smallest_size_first_and_the_slowest_embedding_first_within_a_size(monkeypatch):
    import embedlab.models.jobs as jobs

    FakeJob.made = []
    monkeypatch.setattr(jobs, "new_job", FakeJob)
    monkeypatch.setattr(study_module, "POLL_SECONDS", 0.0)
    plan = StudyPlan(sizes=(80, 40), embeddings=("random", "glove-finetuned", "glove-frozen"), seeds=1, test_size=40)
    vectors = WordVectors(["good", "bad"], np.eye(2, dtype=np.float32), name="tiny")
    run_study(builtin_dataset("pang-lee-200"), plan, vectors)
    started = [tuple(job.spec.name.split()[1:3]) for job in FakeJob.made]
    assert started == [("glove-frozen", "40"), ("glove-finetuned", "40"), ("random", "40"),
                       ("glove-frozen", "80"), ("glove-finetuned", "80"), ("random", "80")]


def test_a_real_cell_trains_on_its_rows():
    plan = StudyPlan(sizes=(40,), embeddings=("random",), seeds=1, test_size=40, epochs=1)
    result = run_study(builtin_dataset("pang-lee-200"), plan, executor="thread")
    assert not result.failures and len(result.cells) == 1
    assert KEYS <= set(result.cells[0]) and result.cells[0]["size"] == 40 and result.test_rows == 40


def test_a_study_with_more_cells_than_the_server_allows_is_refused_with_how_to_fit(monkeypatch):
    monkeypatch.setenv("EMBEDLAB_MAX_STUDY_CELLS", "10")
    plan = StudyPlan(sizes=(40, 80), seeds=3, test_size=40)  # 2 sizes × 3 embeddings × 3 seeds
    with pytest.raises(EmbedLabError) as refused:
        plan_cells(builtin_dataset("pang-lee-200"), plan)
    message = str(refused.value)
    assert "18 cells (2 sizes × 3 embeddings × 3 seeds)" in message and "more than the 10" in message, message
    assert "fewer sizes, embeddings or seeds" in message and "with 1 seed it would be 6 cells" in message, message
    monkeypatch.setenv("EMBEDLAB_MAX_STUDY_CELLS", "18")
    assert len(plan_cells(builtin_dataset("pang-lee-200"), plan).cells) == 18
    monkeypatch.setenv("EMBEDLAB_MAX_STUDY_CELLS", "lots")
    with pytest.raises(EmbedLabError, match="EMBEDLAB_MAX_STUDY_CELLS is 'lots'; it must be a whole number"):
        plan_cells(builtin_dataset("pang-lee-200"), plan)


class CountingJob:
    """Finishes three polls after it starts; counts how many of a study's jobs were queued or running at once."""

    started = running = most = 0

    def __init__(self, spec, executor=None):
        self.spec, self.polls, self.begun = spec, 0, False

    def start(self):
        CountingJob.started += 1
        CountingJob.running += 1
        CountingJob.most = max(CountingJob.most, CountingJob.running)
        self.begun = True
        return self

    def stop(self):
        pass

    def snapshot(self):
        assert self.begun, "a job not started was polled"
        self.polls += 1
        if self.polls < 3:
            return JobStatus(state="running")
        if self.polls == 3:
            CountingJob.running -= 1
        return JobStatus(state="done", metrics={"accuracy": 0.5, "f1": 0.5})


def test_a_study_keeps_no_more_cells_queued_or_running_than_a_workspace_may_have(monkeypatch):
    import embedlab.models.jobs as jobs

    monkeypatch.setattr(jobs, "new_job", CountingJob)
    monkeypatch.setattr(study_module, "POLL_SECONDS", 0.0)
    monkeypatch.setenv("EMBEDLAB_MAX_QUEUED_PER_WORKSPACE", "4")
    CountingJob.started = CountingJob.running = CountingJob.most = 0
    plan = StudyPlan(sizes=(40, 80), embeddings=("random",), seeds=6, test_size=40)
    result = run_study(builtin_dataset("pang-lee-200"), plan, None)
    assert len(result.cells) == CountingJob.started == 12
    assert CountingJob.most == 4  # other visitors' trainings queue behind 4 of this study's cells, not 12


class HangingJob:
    """A cell that trains until it is stopped."""

    def __init__(self, spec, executor=None):
        self.spec, self.stopped = spec, False

    def start(self):
        return self

    def stop(self):
        self.stopped = True

    def snapshot(self):
        return JobStatus(state="cancelled" if self.stopped else "running")


def big_dataset(rows: int = 20_000):
    """Texts of 25 random words and a telling last word: big enough that the baselines take seconds."""
    from embedlab.data.labelled import LabelledDataset

    rng = np.random.default_rng(0)
    words = np.array([f"w{number}" for number in range(3_000)])
    labels = rng.integers(0, 2, rows)
    texts = [" ".join(rng.choice(words, 25)) + (" good" if label else " bad") for label in labels]
    return LabelledDataset(texts, labels, ["negative", "positive"], name="big")


def test_stop_during_the_baselines_ends_the_study_within_two_seconds(monkeypatch):
    import embedlab.models.jobs as jobs
    from tests.models.jobs.test_processes import thread_nice_values

    monkeypatch.setattr(jobs, "new_job", HangingJob)
    plan = StudyPlan(sizes=(None,), embeddings=("random",), seeds=3, test_size=600)
    # Three TF-IDF scorings of 19,400 training rows: about 3 s each here, 9 s in all.
    stop, ended, box = threading.Event(), threading.Event(), {}

    def study():
        box["result"] = run_study(big_dataset(), plan, None, stop_event=stop)
        ended.set()

    thread = threading.Thread(target=study, daemon=True)
    thread.start()
    time.sleep(3.0)  # the baselines are being scored
    assert not ended.is_set()
    # ... outside the server's interpreter, at the trainings' lower priority: the pages answer first.
    scoring = [thread_nice_values(child.pid) for child in multiprocessing.active_children()
               if child.name == "embedlab-study-baselines"]
    pressed = time.monotonic()
    stop.set()
    assert ended.wait(timeout=30), "the study never ended"
    took = time.monotonic() - pressed
    assert took < 2.0, f"Stop took {took:.1f} s to end the study"
    assert scoring == [{max(os.getpriority(os.PRIO_PROCESS, 0), 10)}]  # one process, every thread at nice 10
    result = box["result"]
    assert result.stopped and len(result.baselines) < 3  # stopped in the middle of the baselines
    print(f"Stop ended the study {took:.2f} s after it was pressed")

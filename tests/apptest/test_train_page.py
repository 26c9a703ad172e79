"""Train page (AppTest): train a tiny run, see its metrics, find it in the runs list, rename, compare, delete.

AppTest does not drive ``st.fragment(run_every=…)`` on its own, so the tests wait for
the background job and run the script again, as the polling would.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import threading

import pytest
from streamlit.testing.v1 import AppTest

PAGE = "pages/train.py"
WORKSPACE = "trainapptest"

pytestmark = pytest.mark.slow


@pytest.fixture
def runs_dir(tmp_path, monkeypatch):
    folder = tmp_path / "runs"
    monkeypatch.setenv("EMBEDLAB_RUNS_DIR", str(folder))
    return folder


def _page(project_root) -> AppTest:
    at = AppTest.from_file(str(project_root / PAGE), default_timeout=120)
    at.session_state["workspace"] = WORKSPACE
    return at.run()


def _own_settings(at: AppTest) -> AppTest:
    """Turn off the recommended settings, so every value can be set by hand."""
    at.toggle(key="train.recommended").set_value(False)
    return at.run()


def _small_settings(at: AppTest, encoder: str = "pooling") -> AppTest:
    _own_settings(at)
    at.selectbox(key="train.encoder").set_value(encoder)
    at.number_input(key="train.epochs").set_value(1)
    at.number_input(key="train.max_tokens").set_value(1000)
    at.number_input(key="train.sequence_length").set_value(16)
    at.number_input(key="train.units").set_value(8)
    at.number_input(key="train.output_dim").set_value(8)
    return at.run()


def _tables(at: AppTest, *columns: str) -> list:
    """DataFrames shown on the page that have all of ``columns`` (AppTest does not expose dataframe keys)."""
    return [frame.value for frame in at.dataframe if set(columns) <= set(frame.value.columns)]


def _runs_table(at: AppTest):
    tables = _tables(at, "run", "created")
    assert tables, "the runs list is not shown"
    return tables[0]


def _wait_for_jobs(at: AppTest) -> AppTest:
    for job in at.session_state["train.jobs"]:
        job.join(timeout=300)
    return at.run()


def test_train_a_tiny_run_then_see_metrics_and_the_run_listed(runs_dir, project_root):
    at = _page(project_root)
    assert not at.exception
    assert "Pang & Lee" in at.markdown[0].value
    assert "at a time" in at.button(key="train.start").help and "queue" in at.button(key="train.start").help
    # Sequence length starts at the 95th percentile of the dataset's token counts.
    _own_settings(at)
    assert 10 <= at.number_input(key="train.sequence_length").value <= 80
    _small_settings(at)
    at.text_input(key="train.name").input("my tiny run").run()
    at.button(key="train.start").click().run()
    assert not at.exception
    job = at.session_state["train.jobs"][-1]
    _wait_for_jobs(at)
    assert not at.exception and not at.error
    assert job.snapshot().state == "done"
    labels = [metric.label for metric in at.metric]
    assert labels[:5] == ["Test accuracy", "Precision", "Recall", "F1", "AUC"]
    # One number style: shares of rows as percentages, AUC a score with three decimals, time in seconds.
    assert all(re.fullmatch(r"\d{1,3}\.\d%", metric.value) for metric in at.metric[:4])
    assert re.fullmatch(r"[01]\.\d{3}|–", at.metric[4].value)
    assert any(re.search(r"Trained in \d+(\.\d)? s\.", caption.value) for caption in at.caption)
    assert any(element.type == "plotly_chart" for element in at.get("plotly_chart"))
    worst = [frame for frame in at.dataframe if "predicted" in frame.value.columns]
    assert worst and set(worst[0].value.columns) >= {"text", "true", "predicted", "confidence"}

    runs_table = _runs_table(at)
    assert runs_table["run"].tolist() == ["my tiny run"]
    # One run folder; hidden ones are the runs layer's and the jobs' own (the queue's notes in .queue).
    assert (runs_dir / WORKSPACE).is_dir()
    assert len([path for path in (runs_dir / WORKSPACE).iterdir() if not path.name.startswith(".")]) == 1

    # A fresh session (a restart, or another tab with the same workspace) lists it too.
    again = _page(project_root)
    assert _runs_table(again)["run"].tolist() == ["my tiny run"]


def test_rename_and_delete_with_confirmation(runs_dir, project_root, tiny_run):
    shutil.copytree(tiny_run.path, runs_dir / WORKSPACE / tiny_run.run_id)
    at = _page(project_root)
    at.text_input(key=f"train.rename.{tiny_run.run_id}").input("renamed run").run()
    at.button(key="train.rename_button").click().run()
    assert not at.exception
    assert _runs_table(at)["run"].tolist() == ["renamed run"]

    at.button(key="train.delete").click().run()
    assert "Delete run “renamed run”" in at.warning[0].value
    at.button(key="train.delete_no").click().run()
    assert len(_runs_table(at)) == 1
    at.button(key="train.delete").click().run()
    at.button(key="train.delete_yes").click().run()
    assert not at.exception
    assert any("No runs yet" in info.value for info in at.info)
    assert not any(path.name == tiny_run.run_id for path in (runs_dir / WORKSPACE).iterdir())


def test_compare_the_three_embedding_choices(runs_dir, project_root):
    at = _small_settings(_page(project_root))
    at.button(key="train.compare_three").click().run()
    assert not at.exception
    series = at.session_state["train.series"]
    series.join(timeout=600)
    _wait_for_jobs(at)
    assert not at.exception and not at.error
    assert [job.snapshot().state for job in series.jobs] == ["done", "done", "done"]
    table = _tables(at, "embedding", "test accuracy")[0]
    assert table["embedding"].tolist() == ["random", "glove-frozen", "glove-finetuned"]
    # Same split for all three: the saved test rows are identical.
    splits = [run.test_split() for run in series.runs()]
    assert splits[0]["text"].tolist() == splits[1]["text"].tolist() == splits[2]["text"].tolist()

    compare = at.multiselect(key="train.compare")
    assert len(compare.value) == 3
    assert [len(table) for table in _tables(at, "embedding", "test accuracy")] == [3, 3, 3]  # series, runs, compare


def test_stop_ends_the_training_and_keeps_a_run(runs_dir, project_root):
    at = _small_settings(_page(project_root), encoder="lstm")
    at.number_input(key="train.epochs").set_value(200)
    at.toggle(key="train.early_stopping").set_value(False).run()
    at.button(key="train.start").click().run()
    job = at.session_state["train.jobs"][-1]
    for _ in range(600):  # wait until the first epoch is done, so there is a best epoch to keep
        if job.snapshot().history.get("val_loss"):
            break
        job.join(timeout=0.5)
    at.button(key="train.stop").click().run()
    # The page answers at once (a toast, then the live panel's line), while the worker ends its batch and
    # saves the best epoch.
    assert job.stop_requested
    assert [toast.value for toast in at.toast] == ["Stopping: the current batch ends, then the best epoch is kept "
                                                   "and saved"]
    assert any("Stopping: the current batch ends" in markdown.value for markdown in at.markdown) or job.finished
    _wait_for_jobs(at)
    assert not at.exception and not at.error
    status = job.snapshot()
    assert status.state == "stopped"
    assert len(status.run.history["loss"]) < 200 and status.run.metrics["stopped"]
    assert any("stopped early by you" in caption.value for caption in at.caption)
    assert len(_runs_table(at)) == 1


def test_a_training_waits_for_a_free_slot_and_says_so(runs_dir, project_root):
    from embedlab.models.jobs.slots import SLOTS

    someone_else = object()
    for _ in range(SLOTS.slots):  # other visitors' trainings hold every slot
        assert SLOTS.acquire(someone_else, threading.Event())
    try:
        at = _small_settings(_page(project_root))
        at.button(key="train.start").click().run()
        job = at.session_state["train.jobs"][-1]
        for _ in range(100):
            if job in SLOTS.waiting:
                break
            job.join(timeout=0.05)
        at.run()
        assert job.snapshot().state == "waiting"
        ahead = SLOTS.slots
        assert any(f"Waiting for a free slot ({ahead} training{'s' if ahead > 1 else ''} ahead)" in info.value
                   for info in at.info)
    finally:
        for _ in range(SLOTS.slots):
            SLOTS.release()
    _wait_for_jobs(at)
    assert job.snapshot().state == "done"


def test_on_the_ray_backend_the_train_button_says_the_cluster_runs_the_trainings(runs_dir, project_root,
                                                                                  monkeypatch):
    monkeypatch.setenv("EMBEDLAB_EXECUTOR", "ray")
    at = _page(project_root)
    assert not at.exception
    help_text = at.button(key="train.start").help
    assert "Ray cluster" in help_text and "This server runs" not in help_text


def test_an_unknown_backend_is_a_message_on_the_page_not_a_crash(runs_dir, project_root, monkeypatch):
    monkeypatch.setenv("EMBEDLAB_EXECUTOR", "nonsense")
    at = _page(project_root)
    assert not at.exception
    assert any("EMBEDLAB_EXECUTOR='nonsense' is not known" in error.value for error in at.error)


def test_the_run_name_follows_the_settings_until_the_visitor_types_one(runs_dir, project_root):
    at = _page(project_root)
    name = at.text_input(key="train.name")
    assert name.value == "random lstm"
    at.radio(key="train.embedding").set_value("glove-frozen")
    at.selectbox(key="train.encoder").set_value("gru").run()
    assert at.text_input(key="train.name").value == "GloVe frozen gru"
    at.text_input(key="train.name").input("my own name").run()
    at.selectbox(key="train.encoder").set_value("pooling").run()
    assert at.text_input(key="train.name").value == "my own name"  # typed: the visitor's, kept
    at.text_input(key="train.name").input("").run()
    assert at.text_input(key="train.name").value == "GloVe frozen pooling"  # emptied: follows again


def test_two_runs_of_the_same_settings_get_distinct_names_and_the_results_say_which(runs_dir, project_root):
    at = _small_settings(_page(project_root))
    assert at.text_input(key="train.name").value == "random pooling"
    for expected in ("random pooling", "random pooling 2"):
        at.button(key="train.start").click().run()
        _wait_for_jobs(at)
        assert not at.exception and not at.error
        assert any(header.value == f"Results: {expected}" for header in at.subheader)
    assert sorted(_runs_table(at)["run"]) == ["random pooling", "random pooling 2"]
    assert at.text_input(key="train.name").value == "random pooling 3"


def test_an_estimate_is_shown_before_training_and_then_comes_from_past_runs(runs_dir, project_root):
    at = _small_settings(_page(project_root))
    estimate = [caption.value for caption in at.caption if caption.value.startswith("Estimate:")]
    assert len(estimate) == 1
    assert "per epoch on this server" in estimate[0] and "measured on this kind of server" in estimate[0]
    assert "144 training rows × 16 tokens" in estimate[0]  # 200 rows less the test and validation splits
    at.button(key="train.start").click().run()
    _wait_for_jobs(at)
    estimate = [caption.value for caption in at.caption if caption.value.startswith("Estimate:")]
    assert "from 1 of your past pooling runs" in estimate[0]


def test_a_finished_run_of_a_series_stays_in_the_live_panel_while_the_next_waits(runs_dir, project_root):
    from embedlab.models.jobs.slots import SLOTS

    someone_else, release = object(), threading.Event()
    held, waiter = 0, None
    for _ in range(SLOTS.slots - 1):  # every slot but one is busy, so the series runs one job at a time here
        assert SLOTS.acquire(someone_else, threading.Event())
        held += 1
    try:
        at = _small_settings(_page(project_root))
        at.button(key="train.compare_three").click().run()
        series = at.session_state["train.series"]
        first = series.jobs[0]
        for _ in range(600):
            if first.snapshot().state != "waiting":
                break
            first.join(timeout=0.1)
        # Another visitor queues behind the first run, so the second waits once the first is done.
        waiter = threading.Thread(target=lambda: SLOTS.acquire(someone_else, threading.Event()) and release.wait())
        waiter.start()
        first.join(timeout=300)
        at.run()
        assert not at.exception
        assert first.snapshot().state == "done" and series.jobs[1].snapshot().state == "waiting"
        shown = [markdown.value for markdown in at.markdown]
        assert "**random pooling** — Finished" in shown
        assert any(caption.value.startswith("Test accuracy ") and "trained in" in caption.value
                   for caption in at.caption)
        assert _runs_table(at)["run"].tolist() == ["random pooling"]
    finally:
        release.set()
        if waiter is not None:
            waiter.join(timeout=10)
            SLOTS.release()
        for _ in range(held):
            SLOTS.release()
    series.join(timeout=600)
    _wait_for_jobs(at)
    assert [job.snapshot().state for job in series.jobs] == ["done", "done", "done"]


def test_the_recommended_settings_are_the_cores_and_are_said_in_words(runs_dir, project_root):
    from embedlab.models.architecture import default_config

    at = _page(project_root)
    at.radio(key="train.embedding").set_value("glove-frozen").run()
    at.selectbox(key="train.encoder").set_value("pooling").run()
    assert not at.exception and at.toggle(key="train.recommended").value
    recommended = default_config("glove-frozen", "pooling")
    [caption] = [text.value for text in at.caption if text.value.startswith("Recommended:")]
    assert f"learning rate {recommended.learning_rate:g}" in caption
    assert f"{recommended.pretrained_vocabulary:,} GloVe words" in caption
    assert "no validation split" in caption  # 200 sentences are too few to trust a validation split


KILLED_SERVER = """
import sys, time
from pathlib import Path
from embedlab.data.builtins import DEFAULT_DATASET, builtin_dataset
from embedlab.models.jobs import TrainingSpec, submit, threads
from embedlab.models.jobs.slots import SlotQueue
from embedlab.models.training.options import TrainingOptions
from tests.models.training.test_fit import tiny_config, tiny_dataset

threads.SLOTS = SlotQueue(1)
folder = Path(sys.argv[1])
running = submit(TrainingSpec(tiny_dataset(), tiny_config(), TrainingOptions(epochs=1000), save_to=folder,
                              name="on my upload"), executor="thread")
queued = submit(TrainingSpec(builtin_dataset(DEFAULT_DATASET), tiny_config(), TrainingOptions(epochs=1, batch_size=8),
                             save_to=folder, name="on the default data"), executor="thread")
while running.snapshot().state != "running":
    time.sleep(0.02)
print("ready", flush=True)
time.sleep(600)
"""


def plain(shown: str) -> str:
    """A message as a person reads it: without the Markdown escapes and word joiners of ``literal``."""
    return re.sub(r"\\(.)", r"\1", shown).replace("\u2060", "")


def test_after_a_restart_the_page_says_which_trainings_it_ended_and_trains_one_again(runs_dir, project_root):
    from embedlab.models.jobs.durable import interrupted
    from embedlab.models.training.options import TrainingOptions
    from tests.models.training.test_fit import tiny_config, tiny_dataset

    server = subprocess.Popen([sys.executable, "-c", KILLED_SERVER, str(runs_dir / WORKSPACE)], cwd=project_root,
                              stdout=subprocess.PIPE, text=True, env={**os.environ, "EMBEDLAB_EXECUTOR": "thread"})
    try:
        assert server.stdout.readline().strip() == "ready"
    finally:
        os.kill(server.pid, signal.SIGKILL)  # the server is killed with one training running and one queued
        server.wait(timeout=30)
    at = _page(project_root)
    assert not at.exception
    said = sorted(plain(warning.value) for warning in at.warning if "was interrupted" in warning.value)
    assert len(said) == 2, said
    upload, default = said
    assert re.match(r"Your training 'on my upload' was interrupted when the server restarted at "
                    r"\d{4}-\d\d-\d\d \d\d:\d\d UTC: it was training \(it had started at [-\d: ]+ UTC\)\. "
                    r"No run of it was saved\.", upload), upload
    assert re.match(r"Your training 'on the default data' was interrupted when the server restarted at "
                    r"[-\d: ]+ UTC: it was waiting in the queue \(submitted at [-\d: ]+ UTC\) and had not started\.",
                    default), default
    assert "Its settings were kept, not your data, so it was not queued again by itself." in default
    notes = {note.name: note for note in interrupted(runs_dir / WORKSPACE)}
    # The upload went with the old session: the page says what to load. The default data is here: Train again.
    rows = len(tiny_dataset())
    assert any(f"load the data it used ('tiny', {rows} rows) on the Data page" in plain(caption.value)
               for caption in at.caption)
    keys = {button.key for button in at.button}
    assert f"train.again.{notes['on my upload'].id}" not in keys
    assert f"train.again.{notes['on the default data'].id}" in keys
    at.button(key=f"train.again.{notes['on the default data'].id}").click().run()
    assert not at.exception and not at.error
    job = at.session_state["train.jobs"][-1]
    assert job.name == "on the default data"  # the same settings, on the same data
    assert job.spec.config == tiny_config() and job.spec.options == TrainingOptions(epochs=1, batch_size=8)
    assert [note.name for note in interrupted(runs_dir / WORKSPACE)] == ["on my upload"]
    at.button(key=f"train.dismiss.{notes['on my upload'].id}").click().run()
    assert not any("was interrupted" in warning.value for warning in at.warning)
    assert interrupted(runs_dir / WORKSPACE) == []
    _wait_for_jobs(at)
    assert job.snapshot().state == "done", job.snapshot().failure
    assert _runs_table(at)["run"].tolist() == ["on the default data"]


def test_more_trainings_than_a_workspace_may_have_queued_is_a_message_with_the_limit(runs_dir, project_root,
                                                                                      monkeypatch):
    monkeypatch.setenv("EMBEDLAB_MAX_QUEUED_PER_WORKSPACE", "2")
    at = _small_settings(_page(project_root))
    at.button(key="train.compare_three").click().run()
    assert not at.exception
    [message] = [error.value for error in at.error]
    assert "at most 2 trainings queued or running" in message and "you asked for 3 more" in message, message
    assert "Ask for at most 2 at once" in message
    assert at.session_state["train.series"] is None and at.session_state["train.jobs"] == []

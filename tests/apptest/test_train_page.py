"""Train page (AppTest): train a tiny run, see its metrics, find it in the runs list, rename, compare, delete.

AppTest does not drive ``st.fragment(run_every=…)`` on its own, so the tests wait for
the background job and run the script again, as the polling would.
"""

import shutil

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


def _small_settings(at: AppTest, encoder: str = "pooling") -> AppTest:
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
    assert any("at a time" in caption.value and "queue" in caption.value for caption in at.caption)
    # Sequence length starts at the 95th percentile of the dataset's token counts.
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
    assert at.metric[0].value.endswith("%")
    assert any(element.type == "plotly_chart" for element in at.get("plotly_chart"))
    worst = [frame for frame in at.dataframe if "predicted" in frame.value.columns]
    assert worst and set(worst[0].value.columns) >= {"text", "true", "predicted", "confidence"}

    runs_table = _runs_table(at)
    assert runs_table["run"].tolist() == ["my tiny run"]
    assert (runs_dir / WORKSPACE).is_dir() and len(list((runs_dir / WORKSPACE).iterdir())) == 1

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
    _wait_for_jobs(at)
    assert not at.exception and not at.error
    status = job.snapshot()
    assert status.state == "stopped"
    assert len(status.run.history["loss"]) < 200 and status.run.metrics["stopped"]
    assert any("stopped early by you" in caption.value for caption in at.caption)
    assert len(_runs_table(at)) == 1


def test_a_training_waits_for_a_free_slot_and_says_so(runs_dir, project_root):
    import threading

    from embedlab.models.jobs import SLOTS

    someone_else = object()
    assert SLOTS.acquire(someone_else, threading.Event())  # another visitor's training holds the slot
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
        assert any("Waiting for a free slot (1 training ahead)" in info.value for info in at.info)
    finally:
        SLOTS.release()
    _wait_for_jobs(at)
    assert job.snapshot().state == "done"

"""The Train page's Study tab (AppTest): a bad plan is a message; a small study fills its table and reads out."""

import time

import pytest
from streamlit.testing.v1 import AppTest

PAGE = "pages/train.py"
pytestmark = pytest.mark.slow


def _page(project_root, tmp_path, monkeypatch) -> AppTest:
    monkeypatch.setenv("EMBEDLAB_RUNS_DIR", str(tmp_path / "runs"))
    at = AppTest.from_file(str(project_root / PAGE), default_timeout=120)
    at.session_state["workspace"] = "studyapptest"
    return at.run()


def _wait_for_the_study(at: AppTest, seconds: float = 600) -> AppTest:
    # AppTest does not drive the tab's st.fragment(run_every=…) itself: poll the way it would.
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        watch = at.session_state["train.study"]
        if not watch.running:
            return at.run()
        time.sleep(0.5)
    raise AssertionError("the study did not finish in time")


def test_the_study_says_its_cells_queue_as_trainings_do_on_this_backend(project_root, tmp_path, monkeypatch):
    from embedlab.models.jobs import queue_description

    monkeypatch.setenv("EMBEDLAB_EXECUTOR", "ray")
    at = _page(project_root, tmp_path, monkeypatch)
    assert not at.exception
    said = [caption.value for caption in at.caption if "Each cell is a training" in caption.value]
    assert said and queue_description("ray") in said[0] and "Ray cluster" in said[0]


def test_a_plan_the_data_cannot_hold_is_a_message_not_a_crash(project_root, tmp_path, monkeypatch):
    at = _page(project_root, tmp_path, monkeypatch)
    at.multiselect(key="study.embeddings").set_value([])
    at.button(key="FormSubmitter:study.form-Start the study").click().run()
    assert not at.exception
    assert any("pick from random" in error.value for error in at.error)
    assert "train.study" not in at.session_state


def test_a_small_study_fills_the_table_and_says_what_the_numbers_show(project_root, tmp_path, monkeypatch):
    at = _page(project_root, tmp_path, monkeypatch)
    at.multiselect(key="study.embeddings").set_value(["random", "glove-frozen"])
    at.number_input(key="study.seeds").set_value(1)
    at.number_input(key="study.epochs").set_value(2)
    at.button(key="FormSubmitter:study.form-Start the study").click().run()
    assert not at.exception
    at = _wait_for_the_study(at)
    assert not at.exception
    watch = at.session_state["train.study"]
    cells = watch.result.to_json()["cells"]
    assert len(cells) == watch.planned_cells == 4  # sizes 100 and all × two embeddings × one seed
    assert {cell["embedding"] for cell in cells} == {"random", "glove-frozen"}
    [table, convergence] = at.dataframe[-2:]
    assert set(table.value["Embedding"]) == {"Random, trainable", "GloVe, frozen"}
    assert len(table.value) == 4 and len(convergence.value) == 2
    progress_text = at.get("progress")[-1].proto.text
    assert "4 of 4 cells" in progress_text and "finished" in progress_text
    sentences = [block.value for block in at.markdown if block.value.startswith("- ")]
    assert sentences, "the reading is missing"


def test_a_study_bigger_than_the_server_allows_is_a_message_saying_how_to_fit(project_root, tmp_path, monkeypatch):
    monkeypatch.setenv("EMBEDLAB_MAX_STUDY_CELLS", "10")
    at = _page(project_root, tmp_path, monkeypatch)
    at.button(key="FormSubmitter:study.form-Start the study").click().run()  # 100 and all rows, 3 embeddings, 3 seeds
    assert not at.exception
    [message] = [error.value for error in at.error if "cells" in error.value]
    assert "This study would train 18 cells (2 sizes × 3 embeddings × 3 seeds), more than the 10" in message, message
    assert "Pick fewer sizes, embeddings or seeds to fit: with 1 seed it would be 6 cells." in message
    assert "train.study" not in at.session_state


def test_stop_during_the_baselines_ends_the_study_within_two_seconds(project_root, tmp_path, monkeypatch):
    import embedlab.models.jobs as jobs
    from tests.models.study.test_cells import HangingJob, big_dataset

    monkeypatch.setattr(jobs, "new_job", HangingJob)  # cells that train until stopped: only the baselines move
    monkeypatch.setenv("EMBEDLAB_RUNS_DIR", str(tmp_path / "runs"))
    at = AppTest.from_file(str(project_root / PAGE), default_timeout=120)
    at.session_state["workspace"] = "studyapptest"
    at.session_state["dataset"] = big_dataset()  # 20,000 rows: scoring the baselines takes a minute here
    at.run()
    at.multiselect(key="study.embeddings").set_value(["random"])
    at.button(key="FormSubmitter:study.form-Start the study").click().run()
    assert not at.exception
    watch = at.session_state["train.study"]
    time.sleep(3.0)
    scored = {(row["size"], row["seed"]) for row in watch.result.baselines} if watch.result is not None else set()
    assert watch.running and len(scored) < 15  # still scoring the baselines of the 15 (size, seed) pairs
    pressed = time.monotonic()
    at.button(key="study.stop").click().run()
    while watch.running and time.monotonic() - pressed < 30:
        time.sleep(0.05)
    took = time.monotonic() - pressed
    assert took < 2.0, f"Stop took {took:.1f} s to end the study"
    at.run()
    assert not at.exception
    progress_text = at.get("progress")[-1].proto.text
    assert progress_text.endswith("stopped"), progress_text
    print(f"The Study tab's Stop ended the study {took:.2f} s after it was pressed")

"""The Train page's Study tab (AppTest): a bad plan is a message; a small study fills its table and reads out."""

import shutil
import time
from pathlib import Path

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
    [table] = at.dataframe[-1:]
    assert set(table.value["Embedding"]) == {"Random, trainable", "GloVe, frozen"}
    assert len(table.value) == 4
    # 100 and 160 rows keep no validation rows: no best epoch is offered as a measure of convergence.
    assert any("No cell kept validation rows" in caption.value for caption in at.caption)
    progress_text = at.get("progress")[-1].proto.text
    assert "4 of 4 cells" in progress_text and "finished" in progress_text
    sentences = [block.value for block in at.markdown if block.value.startswith("- ")]
    assert sentences, "the reading is missing"
    [headline] = [text for text in _markdown(at) if text.startswith("**This test set is too small")]
    assert "(this dataset has 200 rows in all)" in headline  # 40 test rows cannot tell the embeddings apart
    assert at.button(key=f"study.larger.{watch.study_id}").label.startswith("Use the Rotten Tomatoes dataset")

    again = _page(project_root, tmp_path, monkeypatch)  # the same address in a new tab: the study is kept
    assert not again.exception and headline in _markdown(again)
    assert "4 of 4 cells, finished" in again.selectbox(key="study.kept").format_func(watch.study_id)


def test_the_study_csv_holds_what_the_clis_json_holds():
    import io
    import json

    import pandas as pd

    from embedlab.models.study.reading import headline
    from embedlab_ui.study_charts import study_csv

    data = json.loads((Path(__file__).parents[1] / "browser/study_rotten_tomatoes.json").read_text())["study"]
    table = pd.read_csv(io.BytesIO(study_csv(data)))
    assert table.loc[table["kind"] == "headline", "text"].tolist() == [headline(data)]
    assert json.loads(table.loc[table["kind"] == "plan", "text"].item())["epochs"] == data["plan"]["epochs"]
    assert set(table["test_rows"]) == {2000}
    models, baselines = table[table["kind"] == "model"], table[table["kind"] == "baseline"]
    assert len(models) == len(data["cells"]) and models["epochs_run"].notna().all()
    assert len(baselines) == len(data["baselines"])
    assert baselines["seed"].notna().all() and baselines["f1"].notna().all()


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


def _kept_folder(tmp_path):
    return tmp_path / "runs" / "studyapptest"


def _markdown(at: AppTest) -> list[str]:
    return [block.value for block in at.markdown]


def test_the_forms_defaults_are_the_clis(project_root, tmp_path, monkeypatch):
    from embedlab.cli import build_parser

    args = build_parser().parse_args(["study", "pang-lee-200"])
    at = _page(project_root, tmp_path, monkeypatch)
    assert at.number_input(key="study.epochs").value == args.epochs == 30
    assert at.number_input(key="study.seeds").value == args.seeds
    assert at.selectbox(key="study.encoder").value == args.encoder
    assert at.number_input(key="study.test_size").value == 40  # 20% of 200 rows, as plan_cells picks with no size


def test_a_study_the_cli_kept_comes_back_with_the_address_and_states_its_lesson(project_root, tmp_path, monkeypatch):
    folder = _kept_folder(tmp_path) / ".studies"
    folder.mkdir(parents=True)
    shutil.copy(project_root / "tests/browser/study_rotten_tomatoes.json", folder / "ad06e2867f09787b5f4b.json")
    at = _page(project_root, tmp_path, monkeypatch)  # a new session of the workspace: a reload, a new tab
    assert not at.exception
    assert "Rotten Tomatoes" in at.selectbox(key="study.kept").format_func(at.selectbox(key="study.kept").value)
    [headline] = [text for text in _markdown(at) if text.startswith("**On this data")]
    assert "GloVe frozen leads random by 8.4 points up to 300 training rows" in headline
    assert "from 1,000 training rows on GloVe and random are level" in headline
    sentences = [text for text in _markdown(at) if text.startswith("- ")]
    assert not any(("1,000" in text or "8,566" in text) and "leads" in text for text in sentences), sentences
    assert not any(button.label.startswith("Resume") for button in at.button)  # finished: nothing to resume


def test_a_damaged_kept_study_is_a_warning_and_the_page_still_works(project_root, tmp_path, monkeypatch):
    folder = _kept_folder(tmp_path) / ".studies"
    folder.mkdir(parents=True)
    (folder / "0123456789abcdef0123.json").write_text('{"format": 1, "id": "0123456789abcdef0123", "sta')
    at = _page(project_root, tmp_path, monkeypatch)
    assert not at.exception
    [warning] = [item.value for item in at.warning if "damaged" in item.value]
    assert "0123456789abcdef0123.json is damaged (not JSON" in warning and "delete it" in warning


def test_a_stopped_study_is_resumed_from_the_page_training_only_its_missing_cells(project_root, tmp_path,
                                                                                   monkeypatch, glove):
    import threading

    import embedlab.models.jobs as jobs
    import embedlab.models.study.baseline_scoring as baseline_scoring
    from embedlab.data.builtins import builtin_dataset
    from embedlab.models.study import cells as study_module
    from embedlab.models.study.cells import StudyPlan
    from embedlab.models.study.keeping import kept_studies
    from tests.models.study.test_cells import FakeJob
    from tests.models.study.test_keeping import FakeBaselines, run_kept

    monkeypatch.setattr(jobs, "new_job", FakeJob)
    monkeypatch.setattr(baseline_scoring, "BaselineScoring", FakeBaselines)
    monkeypatch.setattr(study_module, "POLL_SECONDS", 0.0)
    plan = StudyPlan(sizes=(100, None), embeddings=("random", "glove-frozen"), seeds=1, test_size=40)
    stop = threading.Event()
    FakeJob.made = []
    first = run_kept(builtin_dataset("pang-lee-200"), plan, glove, _kept_folder(tmp_path),
                     on_update=lambda partial: stop.set(), stop_event=stop)
    done = len(first.cells)
    assert first.stopped and 1 <= done < 4

    at = _page(project_root, tmp_path, monkeypatch)
    assert not at.exception
    assert "stopped" in at.selectbox(key="study.kept").format_func(at.selectbox(key="study.kept").value)
    [resume] = [button for button in at.button if button.label.startswith("Resume")]
    assert resume.label == f"Resume: train the {4 - done} missing cells"
    FakeJob.made = []
    resume.click().run()
    at = _wait_for_the_study(at)
    assert not at.exception
    assert len(FakeJob.made) == 4 - done  # the kept cells are not trained again
    [kept], _ = kept_studies(_kept_folder(tmp_path))
    assert kept.condition == "finished" and len(kept.data["cells"]) == 4
    assert kept.data["cells"][:done] == first.cells


def test_a_study_too_small_to_show_anything_switches_to_rotten_tomatoes_in_one_click(project_root, tmp_path,
                                                                                      monkeypatch, glove):
    import embedlab.models.jobs as jobs
    import embedlab.models.study.baseline_scoring as baseline_scoring
    from embedlab.data.builtins import builtin_dataset
    from embedlab.models.study.cells import StudyPlan
    from embedlab_ui.datasets import builtin
    from tests.data.test_builtins import fake_vader_sdist
    from tests.models.study.test_cells import FakeJob
    from tests.models.study.test_keeping import FakeBaselines, run_kept

    monkeypatch.setattr(jobs, "new_job", FakeJob)
    monkeypatch.setattr(baseline_scoring, "BaselineScoring", FakeBaselines)
    fake_vader_sdist(tmp_path)  # no download: a hand-made sdist stands in for the package index's
    monkeypatch.setenv("EMBEDLAB_VADER_SDIST", str(tmp_path / "vaderSentiment-3.3.2.tar.gz"))
    builtin.clear()
    kept = run_kept(builtin_dataset("pang-lee-200"), StudyPlan(sizes=(100,), embeddings=("random", "glove-frozen"),
                                                               seeds=1, test_size=40), glove, _kept_folder(tmp_path))
    assert len(kept.cells) == 2
    at = _page(project_root, tmp_path, monkeypatch)
    [headline] = [text for text in _markdown(at) if text.startswith("**This test set is too small")]
    [use] = [button for button in at.button if button.label.startswith("Use the Rotten Tomatoes dataset")]
    use.click().run()
    assert not at.exception and not at.error
    assert at.session_state["dataset"].name.startswith("Rotten Tomatoes")
    assert not [button for button in at.button if button.label.startswith("Use the Rotten Tomatoes dataset")]
    builtin.clear()


def test_a_stopped_study_of_another_dataset_says_which_to_load_to_resume_it(project_root, tmp_path, monkeypatch,
                                                                             glove):
    import threading

    import embedlab.models.jobs as jobs
    import embedlab.models.study.baseline_scoring as baseline_scoring
    from embedlab.models.study.cells import StudyPlan
    from tests.models.study.test_cells import FakeJob, big_dataset
    from tests.models.study.test_keeping import FakeBaselines, run_kept

    monkeypatch.setattr(jobs, "new_job", FakeJob)
    monkeypatch.setattr(baseline_scoring, "BaselineScoring", FakeBaselines)
    stop = threading.Event()
    other = big_dataset(400)
    run_kept(other, StudyPlan(sizes=(100,), embeddings=("random", "glove-frozen"), seeds=1, test_size=100), glove,
             _kept_folder(tmp_path), on_update=lambda partial: stop.set(), stop_event=stop)
    at = _page(project_root, tmp_path, monkeypatch)  # the built-in 200 sentences are loaded, not that dataset
    assert not at.exception
    assert not [button for button in at.button if button.label.startswith("Resume")]
    [said] = [item.value for item in at.info if "not the dataset loaded now" in item.value]
    assert f"made on “{other.name}”" in said and "load it on the Data page to resume" in said


def test_a_new_tab_shows_a_study_running_in_another_and_will_not_start_it_twice(project_root, tmp_path, monkeypatch):
    import embedlab.models.jobs as jobs
    import embedlab.models.study.baseline_scoring as baseline_scoring
    from tests.models.study.test_cells import HangingJob
    from tests.models.study.test_keeping import FakeBaselines

    monkeypatch.setattr(jobs, "new_job", HangingJob)  # cells that train until stopped
    monkeypatch.setattr(baseline_scoring, "BaselineScoring", FakeBaselines)  # their scores are kept at once
    first = _page(project_root, tmp_path, monkeypatch)
    first.number_input(key="study.seeds").set_value(1)
    first.button(key="FormSubmitter:study.form-Start the study").click().run()
    watch = first.session_state["train.study"]
    deadline = time.monotonic() + 30
    while not (_kept_folder(tmp_path) / ".studies").is_dir() and time.monotonic() < deadline:
        time.sleep(0.2)
    try:
        second = _page(project_root, tmp_path, monkeypatch)  # the same address in another tab
        assert not second.exception
        assert "running" in second.selectbox(key="study.kept").format_func(watch.study_id)
        assert any("running in another tab" in caption.value for caption in second.caption)
        second.number_input(key="study.seeds").set_value(1)
        second.button(key="FormSubmitter:study.form-Start the study").click().run()
        assert any("already running in another tab" in error.value for error in second.error)
        assert "train.study" not in second.session_state
    finally:
        first.button(key="study.stop").click().run()
        while watch.running:
            time.sleep(0.1)


def test_the_study_figure_leaves_room_for_its_percent_ticks_and_ticks_only_the_sizes_studied():
    import json

    from embedlab_ui.study_charts import study_figure

    data = json.loads((Path(__file__).parents[1] / "browser/study_rotten_tomatoes.json").read_text())["study"]
    figure = study_figure(data)
    # A 10-pixel left margin cut the PNG's "80.0%" ticks to a lone "%" (issue 29).
    assert figure.layout.margin.l >= 60 and figure.layout.yaxis.automargin
    assert list(figure.layout.xaxis.tickvals) == [100, 300, 1000, 8566]
    assert list(figure.layout.xaxis.ticktext) == ["100", "300", "1,000", "8,566"]

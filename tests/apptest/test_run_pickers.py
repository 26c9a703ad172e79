"""Run pickers (AppTest, through the Predict page): stopped runs are marked and never the default,
damaged run folders are a note with a Remove button (never a choice), hostile uploads are one message."""

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

PAGE = "pages/predict.py"
GOLDEN_MODEL = Path(__file__).parent.parent / "golden" / "run" / "model.keras"  # saved before names were kept
WORKSPACE = "apptest"


def _copy_run(tiny_run, folder, run_id, created, **metrics):
    path = shutil.copytree(tiny_run.path, folder / run_id)
    config = json.loads((path / "config.json").read_text())
    (path / "config.json").write_text(json.dumps({**config, "name": run_id, "created": created}))
    (path / "metrics.json").write_text(json.dumps({**tiny_run.metrics, **metrics}))
    return path


@pytest.fixture
def workspace(tmp_path, monkeypatch, tiny_run):
    folder = tmp_path / "runs" / WORKSPACE
    _copy_run(tiny_run, folder, "finished", "2026-01-01T10:00:00", stopped=False)
    _copy_run(tiny_run, folder, "stopped", "2026-01-02T10:00:00", stopped=True, accuracy=0.495)
    damaged = _copy_run(tiny_run, folder, "damaged", "2026-01-03T10:00:00")
    (damaged / "metrics.json").write_text("")
    monkeypatch.setenv("EMBEDLAB_RUNS_DIR", str(tmp_path / "runs"))
    return folder


def _page(project_root) -> AppTest:
    at = AppTest.from_file(str(project_root / PAGE), default_timeout=90)
    at.session_state["workspace"] = WORKSPACE
    return at.run()


def test_a_stopped_run_is_marked_and_never_the_default(workspace, project_root):
    at = _page(project_root)
    assert not at.exception
    picker = at.selectbox(key="predict.run")
    assert picker.value == "finished"  # the newest run is the stopped one; the default skips it
    labels = picker.options
    assert len(labels) == 2 and labels[0].startswith("stopped ·") and labels[0].endswith("stopped early")
    assert "49.5%" in labels[0] and "stopped early" not in labels[1]


def test_a_damaged_run_is_a_note_with_a_remove_button_not_a_choice(workspace, project_root):
    at = _page(project_root)
    assert not at.exception
    assert all("damaged" not in label for label in at.selectbox(key="predict.run").options)
    [note] = [warning.value for warning in at.warning if "damaged" in warning.value]
    assert "“damaged”" in note and "metrics.json is empty" in note
    at.button(key="predict.run.remove_damaged.damaged").click().run()
    assert not at.exception
    assert not (workspace / "damaged").exists()
    assert not [warning for warning in at.warning if "damaged" in warning.value]


def test_a_config_nested_40000_deep_is_one_message_on_the_predict_page(workspace, project_root, tmp_path):
    path = tmp_path / "deep.keras"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("config.json", '{"config": ' + "[" * 40_000 + "]" * 40_000 + "}")
    at = _page(project_root)
    at.radio(key="predict.source").set_value("A .keras file saved by EmbedLab").run()
    at.file_uploader(key="predict.upload").set_value(("deep.keras", path.read_bytes(), "application/zip")).run()
    assert not at.exception
    assert "deep.keras has a config.json nested more than 64 levels deep" in at.error[0].value


def test_the_train_pages_run_pickers_skip_the_stopped_run_and_offer_the_keras_alone(workspace, project_root):
    at = AppTest.from_file(str(project_root / "pages/train.py"), default_timeout=90)
    at.session_state["workspace"] = WORKSPACE
    at.run()
    assert not at.exception
    assert at.selectbox(key="train.run_pick").value == "finished"
    assert at.multiselect(key="train.compare").value == ["finished"]
    labels = [element.proto.label for element in at.get("download_button")]
    assert "Download .zip" in labels and "Download .keras" in labels


def test_an_uploads_class_names_come_from_the_file_when_it_keeps_them(tiny_run):
    from embedlab_ui.runs import upload_class_names

    model = tiny_run.load_model()
    assert upload_class_names(tiny_run.model_path.read_bytes(), model) == "negative, positive"
    with zipfile.ZipFile(tiny_run.model_path) as archive:  # a copy whose file keeps other names
        import io

        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as copy:
            for info in archive.infolist():
                if info.filename != "embedlab.json":
                    copy.writestr(info, archive.read(info))
            copy.writestr("embedlab.json", json.dumps({"class_names": ["neg", "pos"]}))
    assert upload_class_names(buffer.getvalue(), model) == "neg, pos"
    assert upload_class_names((GOLDEN_MODEL).read_bytes(), model) == "negative, positive"


def test_the_runs_tab_lists_a_damaged_run_as_a_note_too(workspace, project_root):
    at = AppTest.from_file(str(project_root / "pages/train.py"), default_timeout=90)
    at.session_state["workspace"] = WORKSPACE
    at.run()
    assert not at.exception
    [note] = [warning.value for warning in at.warning if "damaged" in warning.value]
    assert "metrics.json is empty" in note
    assert all("damaged" not in option for option in at.selectbox(key="train.run_pick").options)

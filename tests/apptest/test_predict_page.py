"""Predict page (AppTest): probabilities for typed text, bad input messages, uploads, comparison, batch.

The live box is the custom component streamlit-keyup, which AppTest cannot type into;
its value is seeded through the component's session state, and the plain text area
(the "Update as I type" toggle off) drives the rest. Live typing is covered in the
browser test.
"""

import shutil

import pytest
from streamlit.testing.v1 import AppTest

PAGE = "pages/predict.py"
WORKSPACE = "apptest"
KEYUP_STATE = "_st_keyup_predict.text"  # where st_keyup keeps the component's value


@pytest.fixture
def runs_dir(tmp_path, monkeypatch, tiny_run):
    folder = tmp_path / "runs"
    shutil.copytree(tiny_run.path, folder / WORKSPACE / tiny_run.run_id)
    monkeypatch.setenv("EMBEDLAB_RUNS_DIR", str(folder))
    return folder


def _page(project_root) -> AppTest:
    at = AppTest.from_file(str(project_root / PAGE), default_timeout=90)
    at.session_state["workspace"] = WORKSPACE
    return at.run()


def _htmls(at) -> str:
    return "\n".join(element.value for element in at.get("html"))


def _passage(at, text: str) -> AppTest:
    """Type into the plain text area (the live toggle off)."""
    if at.toggle(key="predict.live").value:
        at.toggle(key="predict.live").set_value(False).run()
    return at.text_area(key="predict.passage").input(text).run()


def test_typed_text_shows_label_probabilities_and_coloured_words(runs_dir, project_root):
    at = _page(project_root)
    assert not at.exception
    assert "Type some text above" in at.info[0].value
    at.session_state[KEYUP_STATE] = {"value": "a wonderful and beautiful film"}
    at.run()
    assert not at.exception and not at.error
    markup = _htmls(at)
    assert 'data-label="positive"' in markup
    assert markup.count('class="embedlab-token"') == 5
    probabilities = at.dataframe[0].value
    assert probabilities["class"].tolist() == ["negative", "positive"]
    assert probabilities["probability"].iloc[1] > 0.5 > probabilities["probability"].iloc[0]

    _passage(at, "a boring and awful film")
    assert 'data-label="negative"' in _htmls(at)
    assert at.selectbox(key="predict.target").value == "positive"  # colours keep one direction for two classes
    at.radio(key="predict.method").set_value("integrated-gradients").run()
    assert not at.exception
    numbers = at.dataframe[1].value
    assert numbers["token"].tolist() == ["a", "boring", "and", "awful", "film"]


@pytest.mark.parametrize("text", ["   ", "\n\n"])
def test_blank_text_gets_a_clear_error(runs_dir, project_root, text):
    at = _passage(_page(project_root), text)
    assert not at.exception
    assert "type some text" in at.error[0].value


def test_hostile_long_and_unknown_text_get_messages_and_stay_text(runs_dir, project_root):
    at = _passage(_page(project_root), "<b>bold</b><script>alert(1)</script>")
    markup = _htmls(at)
    tokens = markup[markup.index('class="embedlab-tokens"'):]
    assert "<b>" not in tokens and "<script" not in tokens and "&lt;" in tokens

    _passage(at, "wonderful " * 12_000)  # 120,000 characters
    assert not at.exception
    assert any("120,000 characters" in info.value for info in at.info)
    assert any("first 16 tokens" in info.value for info in at.info)

    _passage(at, "zzzq qqqv xxyq")
    assert any("outside this model's vocabulary" in warning.value for warning in at.warning)
    assert at.dataframe[0].value["probability"].sum() == pytest.approx(1.0, abs=1e-6)


def test_no_runs_points_to_training(tmp_path, monkeypatch, project_root):
    monkeypatch.setenv("EMBEDLAB_RUNS_DIR", str(tmp_path))
    at = _page(project_root)
    assert not at.exception
    assert "No trained runs yet" in at.info[0].value


def test_uploads_load_or_are_refused_and_the_page_keeps_running(runs_dir, project_root, tiny_run):
    at = _page(project_root)
    at.radio(key="predict.source").set_value("A .keras file saved by EmbedLab").run()
    at.file_uploader(key="predict.upload").set_value(("junk.keras", b"not a model at all", "application/zip")).run()
    assert not at.exception
    assert "junk.keras is not a .keras model file" in at.error[0].value

    model_bytes = tiny_run.model_path.read_bytes()
    at.file_uploader(key="predict.upload").set_value(("mine.keras", model_bytes, "application/zip")).run()
    assert not at.exception and not at.error
    [names] = [box for box in at.text_input if str(box.key).startswith("predict.upload_classes")]
    assert names.value == "negative, positive"  # read from the file: the run's own class names
    _passage(at, "a wonderful film")
    assert 'data-label="positive"' in _htmls(at)


def test_an_uploaded_keras_keeps_the_class_names_its_run_used(runs_dir, project_root, tiny_run, tmp_path):
    import zipfile

    from embedlab.models.model_files import CLASS_NAMES_ENTRY
    from embedlab.models.runs.writing import add_class_names

    relabelled = tmp_path / "neg_pos.keras"
    with zipfile.ZipFile(tiny_run.model_path) as source, zipfile.ZipFile(relabelled, "w") as copy:
        for entry in source.infolist():
            if entry.filename != CLASS_NAMES_ENTRY:
                copy.writestr(entry, source.read(entry))
    add_class_names(relabelled, ["neg", "pos"])
    at = _page(project_root)
    at.radio(key="predict.source").set_value("A .keras file saved by EmbedLab").run()
    at.file_uploader(key="predict.upload").set_value(("neg_pos.keras", relabelled.read_bytes(),
                                                       "application/zip")).run()
    assert not at.exception
    [names] = [box for box in at.text_input if str(box.key).startswith("predict.upload_classes")]
    assert names.value == "neg, pos"
    _passage(at, "a wonderful film")
    assert 'data-label="pos"' in _htmls(at)


def test_side_by_side_scores_the_text_with_other_runs(runs_dir, project_root, tiny_run):
    shutil.copytree(tiny_run.path, runs_dir / WORKSPACE / "second-run")
    at = _passage(_page(project_root), "a wonderful film")
    compare = at.multiselect(key="predict.compare")
    assert len(compare.options) == 1
    compare.select(compare.options[0]).run()
    assert not at.exception
    assert _htmls(at).count('data-label="positive"') == 2


def test_batch_scores_pasted_lines_and_offers_a_csv(runs_dir, project_root):
    at = _page(project_root)
    at.button(key="predict.batch_score").click().run()
    assert "no text to score" in at.error[0].value
    at.text_area(key="predict.batch_lines").input("a wonderful film\n\nan awful film\n").run()
    at.button(key="predict.batch_score").click().run()
    assert not at.exception
    table = at.dataframe[-1].value
    assert table["label"].tolist() == ["positive", "negative"]
    assert list(table.columns) == ["text", "label", "p(negative)", "p(positive)"]
    assert at.get("download_button")


def test_labels_0_and_1_read_as_classes_in_the_label_the_bars_and_the_colours(tmp_path, monkeypatch, tiny_run,
                                                                              project_root):
    import json

    run = shutil.copytree(tiny_run.path, tmp_path / "runs" / WORKSPACE / tiny_run.run_id)
    config = json.loads((run / "config.json").read_text())
    (run / "config.json").write_text(json.dumps({**config, "class_names": ["0", "1"]}))
    monkeypatch.setenv("EMBEDLAB_RUNS_DIR", str(tmp_path / "runs"))
    at = _passage(_page(project_root), "a wonderful and beautiful film")
    assert not at.exception and not at.error
    markup = _htmls(at)
    assert 'data-label="1"' in markup and ">class 1</span>" in markup  # the badge names the class
    assert at.dataframe[0].value["class"].tolist() == ["class 0", "class 1"]
    assert any("push the prediction toward “class 1”" in caption.value for caption in at.caption)

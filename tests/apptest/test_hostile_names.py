"""Names a visitor chose are shown as typed, never as Markdown, on every page (AppTest).

Before: a run named ``[a](http://e.x)`` was a live link in Explore's captions, an upload named
``:red[x].csv`` turned the Data page's header red, a class name with a backtick broke out of the
code span it was put in, and a vector file name put an external image into the Data page's
subheader. Run names are kept in the workspace, so everyone opening a shared link got them.

Each page is driven to the places where the names show; every string the page hands to
Streamlit's Markdown (``markdown_bodies``) must hold the names only in ``literal``'s escaped form.
"""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from embedlab_ui.datasets import DATASET_KEY
from embedlab_ui.session import literal
from embedlab_ui.vectors import CHOICE_KEY
from tests.apptest.markdown_bodies import markdown_bodies

WORKSPACE = "hostilenames"
RUN = "`x` [a](http://e.x) ![i](http://e.x/i.png) :red[r] **b** <b>h</b> $x$"
FILE = "`f` [f](http://e.x) :blue[f] :material/home: www.e.x"  # an uploaded file's name, before its extension
VECTORS = "`v` ![v](http://e.x/v.png) :orange[v] a@e.x _v_"  # an uploaded vector file's name, before ".txt"
CLASS = "`c` [c](http://e.x) :green[c] **c** :smile: $c$"
COLUMN = "![c](http://e.x/c) `k` :violet[k]"  # a header: at most 40 characters and 5 words
# What would act if any of the names reached the renderer as typed.
LIVE = ["`x`", "[a](", "![i](", ":red[", "**b**", "<b>", "$x$", "`f`", "[f](", ":blue[", ":material/", "www.e",
        "`v`", "![v](", ":orange[", "a@e", "_v_", "`c`", "[c](", ":green[", "**c**", ":smile:", "$c$",
        "![c](", "`k`", ":violet[", "http://"]
POSITIVE, NEGATIVE = "a wonderful and moving film", "a dull and boring mess"


def table_bytes() -> bytes:
    """A CSV whose class names and one column's name are hostile; the column holds star ratings."""
    import pandas as pd

    rows = [(f"{POSITIVE} {i}", CLASS, 5) for i in range(6)] + [(f"{NEGATIVE} {i}", "plain", 1) for i in range(6)]
    return pd.DataFrame(rows, columns=["review", "label", COLUMN]).to_csv(index=False).encode("utf-8")


def vector_choice() -> dict:
    """The sidebar's choice after uploading a small vector file named ``VECTORS.txt``."""
    from embedlab_ui.vectors import uploaded_choice

    words = "a wonderful and moving film dull boring mess great awful the of".split()
    vectors = np.random.default_rng(0).normal(size=(len(words), 8))
    data = "".join(f"{word} {' '.join(f'{value:.4f}' for value in row)}\n" for word, row in zip(words, vectors))
    return uploaded_choice(data.encode("utf-8"), f"{VECTORS}.txt", "hostile-vectors")


def hostile_dataset():
    from embedlab.data.files import labelled_from_table
    from embedlab.data.tables import inspect_table

    return labelled_from_table(inspect_table(table_bytes(), f"{FILE}.csv"), "review", "label", None)


@pytest.fixture
def runs_dir(tmp_path, monkeypatch, tiny_run):
    """One run named ``RUN`` whose second class is ``CLASS``."""
    folder = tmp_path / "runs"
    path = shutil.copytree(tiny_run.path, folder / WORKSPACE / tiny_run.run_id)
    config = json.loads((path / "config.json").read_text())
    (path / "config.json").write_text(json.dumps({**config, "name": RUN, "class_names": ["negative", CLASS]}))
    monkeypatch.setenv("EMBEDLAB_RUNS_DIR", str(folder))
    monkeypatch.setenv("EMBEDLAB_CACHE_DIR", str(tmp_path / "cache"))
    return folder


def _page(project_root, page: str, dataset: bool = True) -> AppTest:
    at = AppTest.from_file(str(project_root / "pages" / f"{page}.py"), default_timeout=120)
    at.session_state["workspace"] = WORKSPACE
    at.session_state[CHOICE_KEY] = vector_choice()
    if dataset:
        at.session_state[DATASET_KEY] = hostile_dataset()
    return at.run()


def drive_data(at: AppTest, runs_dir):
    at.file_uploader(key="data.upload").set_value((f"{FILE}.csv", table_bytes(), "text/csv")).run()
    yield at
    at.selectbox(key="data.label_column").set_value(COLUMN).run()  # a numeric column: "Split “…” at a threshold"
    yield at
    at.selectbox(key="data.label_column").set_value("label").run()
    at.button(key="data.use").click().run()
    yield at


def drive_train(at: AppTest, runs_dir):
    at.radio(key="train.embedding").set_value("glove-frozen").run()
    at.toggle(key="train.recommended").set_value(False).run()  # "Embedding size 8, from …" names the vectors
    yield at
    at.button(key="train.delete").click().run()  # "Delete run “…”?"
    yield at


def drive_explore(at: AppTest, runs_dir):
    at.radio(key="explore.method").set_value("pca").run()
    at.radio(key="explore.words_mode").set_value("The current dataset's words").run()
    yield at  # the sidebar's vectors
    at.radio(key="explore.source").set_value("A run's learned embedding").run()
    yield at
    at.selectbox(key="explore.colour").set_value("Trained model's sentiment").run()
    yield at
    at.radio(key="explore.source").set_value("Current vectors (sidebar)").run()
    at.radio(key="explore.view").set_value("Sentiment axis").run()
    yield at
    at.radio(key="explore.view").set_value("Compare two sources").run()
    at.radio(key="explore.compare_first.source").set_value("A run's learned embedding").run()
    yield at


def drive_predict(at: AppTest, runs_dir):
    at.toggle(key="predict.live").set_value(False).run()
    at.text_area(key="predict.passage").input(POSITIVE).run()
    yield at
    at.text_area(key="predict.batch_lines").input(POSITIVE)
    at.button(key="predict.batch_score").click().run()  # "1 texts scored by …"
    yield at
    model = next(runs_dir.rglob("model.keras")).read_bytes()
    at.radio(key="predict.source").set_value("A .keras file saved by EmbedLab").run()
    at.file_uploader(key="predict.upload").set_value((f"{FILE}.keras", model, "application/zip")).run()
    at.text_area(key="predict.batch_lines").input(POSITIVE)  # the box was not drawn while no model was chosen
    at.button(key="predict.batch_score").click().run()
    yield at


CASES = {  # page → (how to get there, the names it shows)
    "data": (drive_data, [FILE, CLASS, COLUMN, VECTORS]),
    "train": (drive_train, [FILE, CLASS, RUN, VECTORS]),
    "explore": (drive_explore, [FILE, RUN, VECTORS]),
    "predict": (drive_predict, [RUN, CLASS, FILE]),
}


@pytest.mark.parametrize("page", list(CASES))
def test_every_name_a_visitor_chose_is_shown_as_typed(page, runs_dir, project_root):
    drive, names = CASES[page]
    at = _page(project_root, page, dataset=page != "data")
    bodies = markdown_bodies(at)
    for state in drive(at, runs_dir):
        assert not state.exception, state.exception
        bodies += markdown_bodies(state)
    for kind, body in bodies:
        live = [fragment for fragment in LIVE if fragment in body]
        assert not live, f"{kind} renders {live} live: {body!r}"
    for name in names:
        assert any(literal(name) in body for _, body in bodies), f"{name!r} is not shown (escaped) on {page}"

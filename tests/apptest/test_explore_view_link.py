"""View links (AppTest): an address opens its view and follows every change; what a link cannot open is said."""

import shutil

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from embedlab.vectors.word_vectors import WordVectors
from embedlab_ui.view_snapshots import save_snapshot

WORKSPACE = "apptestviewlink"


@pytest.fixture
def runs_dir(tmp_path, tiny_run, monkeypatch):
    shutil.copytree(tiny_run.path, tmp_path / WORKSPACE / tiny_run.run_id)
    monkeypatch.setenv("EMBEDLAB_RUNS_DIR", str(tmp_path))
    return tmp_path


def _open(project_root, page: str, **params) -> AppTest:
    at = AppTest.from_file(str(project_root / page), default_timeout=180)
    at.session_state["workspace"] = WORKSPACE
    at.query_params.update(params)
    return at.run()


def _warnings(at) -> str:
    return "\n".join(warning.value for warning in at.warning)


def test_a_link_opens_its_view_and_the_address_follows_each_change(runs_dir, project_root):
    at = _open(project_root, "pages/explore.py", top_n="300", method="pca", search="city", n_neighbors="abc")
    assert not at.exception
    assert at.number_input(key="explore.top_n").value == 300
    assert at.radio(key="explore.method").value == "pca"
    assert at.text_input(key="explore.search").value == "city"
    assert "The link's n_neighbors, 'abc', is not a whole number from 2 to 100" in _warnings(at)
    assert "n_neighbors" not in at.query_params  # the garbled value is gone from the address too

    at.number_input(key="explore.top_n").set_value(400).run()
    assert at.query_params["top_n"] == "400" and at.query_params["search"] == "city"
    assert "n_neighbors" not in _warnings(at)  # the note goes once the visitor changes the view


def test_a_run_this_workspace_does_not_have_is_said_and_not_swapped_for_another(runs_dir, project_root):
    at = _open(project_root, "pages/explore.py", source="run", run="20990101-000000-not-mine-abcdef", method="pca")
    assert "names the run 20990101-000000-not-mine-abcdef, which is not in this workspace" in _warnings(at)
    assert at.session_state["explore.run"] != "20990101-000000-not-mine-abcdef"


def test_a_read_only_link_draws_the_snapshot_with_no_source_picker(runs_dir, project_root):
    rng = np.random.default_rng(0)
    words = [f"word{i}" for i in range(60)]
    snapshot = save_snapshot(WordVectors(words, rng.normal(size=(60, 8)).astype(np.float32), name="their run"),
                             runs_dir)
    at = _open(project_root, "pages/explore.py", shared=snapshot, method="pca")
    assert any("A read-only view someone shared: their run, 60 words" in info.value for info in at.info)
    assert not [radio for radio in at.radio if radio.key == "explore.source"]  # no picker of anyone's runs
    assert at.query_params["shared"] == snapshot


@pytest.mark.parametrize("shared, said", [("0" * 32, "not on this server"), ("../../etc", "is not a shared map")])
def test_a_read_only_link_that_cannot_be_opened_is_said_and_the_page_still_works(runs_dir, project_root, shared,
                                                                                   said):
    at = _open(project_root, "pages/explore.py", shared=shared, method="pca", top_n="100")
    assert said in _warnings(at) + "\n".join(error.value for error in at.error)
    assert not at.exception and at.radio(key="explore.source").value == "Current vectors (sidebar)"


def test_an_analogy_link_opens_its_query(runs_dir, project_root):
    at = _open(project_root, "pages/analogies.py", a="paris", b="france", c="italy", topn="5")
    assert not at.exception
    assert any("paris − france + italy ≈ rome" in header.value for header in at.subheader)
    assert at.number_input(key="analogies.topn").value == 5
    assert not _warnings(at)  # no "set via the Session State API" warning for widgets drawn with value=

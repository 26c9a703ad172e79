"""Explore page (AppTest): a GloVe map renders, search highlights, pasted lists, bad input, two runs compared."""

import json
import shutil

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import train_tiny_run

PAGE = "pages/explore.py"
WORKSPACE = "apptest"


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory, tiny_run):
    folder = tmp_path_factory.mktemp("explore_runs")
    shutil.copytree(tiny_run.path, folder / WORKSPACE / tiny_run.run_id)
    train_tiny_run(folder / WORKSPACE, encoder="conv1d", name="tiny conv")
    return folder


@pytest.fixture
def runs_dir(two_runs, monkeypatch):
    monkeypatch.setenv("EMBEDLAB_RUNS_DIR", str(two_runs))
    return two_runs


def _page(project_root) -> AppTest:
    at = AppTest.from_file(str(project_root / PAGE), default_timeout=180)
    at.session_state["workspace"] = WORKSPACE
    return at.run()


def _figures(at) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def _numbers(values) -> list[float]:
    """Plotly sends numeric arrays as base64 typed arrays ({"dtype", "bdata"}); decode them."""
    if isinstance(values, dict):
        import base64

        import numpy as np

        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)


def _map(at) -> dict:
    return next(figure for figure in _figures(at) if figure["data"][0].get("type") in ("scattergl", "scatter3d"))


def test_a_umap_map_of_glove_words_renders_with_trust_and_search_highlights(runs_dir, project_root):
    from embedlab_ui.maps import EXPLORE_TOP_WORDS

    at = _page(project_root)
    assert at.number_input(key="explore.top_n").value == EXPLORE_TOP_WORDS  # the map the server's warm-up draws
    at.number_input(key="explore.top_n").set_value(800).run()
    assert not at.exception and not at.error
    figure = _map(at)
    points = figure["data"][0]
    assert points["type"] == "scattergl" and len(points["customdata"]) == 800
    assert "nearest:" in points["hovertext"][0]
    assert any("Trustworthiness at k=10" in caption.value for caption in at.caption)
    labels = [annotation["text"] for annotation in figure["layout"]["annotations"]]
    # Telling words, most frequent first, spread out so they stay readable: no "the", "to" or punctuation.
    assert labels[0] == "first" and 20 <= len(labels) <= 30
    assert {"the", "to", ",", ".", "of"}.isdisjoint(labels)
    assert figure["layout"]["xaxis"]["range"] and figure["layout"]["yaxis"]["range"]  # framed on the bulk

    at.text_input(key="explore.search").input("king").run()
    assert not at.exception
    assert at.success[0].value.startswith("**king** — nearest on this map's words:")
    figure = _map(at)
    highlighted = figure["data"][-1]
    assert highlighted["customdata"][0] == "king" and len(highlighted["customdata"]) == 11  # 10 inspected
    assert figure["data"][0]["marker"]["opacity"] < 0.5  # the rest dimmed
    # Its label is drawn last, so no neighbour's label covers it, and set apart in bold.
    assert figure["layout"]["annotations"][-1]["text"] == "<b>king</b>"

    at.text_input(key="explore.search").input("zzqx").run()
    assert "'zzqx' is not in the vocabulary of GloVe 6B 50d" in at.warning[0].value


def test_inspector_lists_cosines_and_isolate_leaves_only_the_neighbourhood(runs_dir, project_root):
    at = _page(project_root)
    at.number_input(key="explore.top_n").set_value(800).run()
    at.radio(key="explore.method").set_value("pca").run()
    at.slider(key="explore.inspect_k").set_value(5).run()
    at.text_input(key="explore.search").input("king").run()
    table = next(frame.value for frame in at.dataframe if "cosine" in frame.value.columns)
    assert table["word"].tolist() == ["son", "father", "name", "great", "later"]  # of the 800 most frequent
    assert table["cosine"].is_monotonic_decreasing and (table["rank on the map"] >= 1).all()
    at.toggle(key="explore.isolate").set_value(True).run()
    figure = _map(at)
    assert [len(trace["customdata"]) for trace in figure["data"]] == [6]  # king and its 5, nothing else
    at.toggle(key="explore.isolate").set_value(False)
    at.toggle(key="explore.density").set_value(True).run()
    figure = _figures(at)[0]
    assert figure["data"][0]["type"] == "contour" and len(figure["data"]) == 3  # under the points and the marks


def test_word_arithmetic_in_search_highlights_the_answer(runs_dir, project_root):
    at = _page(project_root)
    at.number_input(key="explore.top_n").set_value(3_000).run()  # "queen" is GloVe's 2,061st word
    at.radio(key="explore.method").set_value("pca").run()
    at.text_input(key="explore.search").input("king - man + woman").run()
    assert not at.exception
    assert at.success[0].value.startswith("**king − man + woman = queen**")
    figure = next(f for f in _figures(at) if f["data"][-1].get("customdata"))
    assert figure["data"][-1]["customdata"][0] == "queen"
    at.text_input(key="explore.search").input("king - + woman").run()
    assert "two operators in a row" in at.warning[0].value


def test_pasted_list_warns_about_unknown_words_and_pca_3d_renders(runs_dir, project_root):
    at = _page(project_root)
    at.radio(key="explore.words_mode").set_value("A pasted list").run()
    at.text_area(key="explore.pasted").input("king queen man woman prince zzqx qqxz").run()
    assert "2 word(s) are not in GloVe 6B 50d and were left out: zzqx, qqxz" in at.warning[0].value
    # 5 words cannot make a UMAP map with 15 neighbours: the page says why and what to do.
    assert "only 5 word(s) to map but n_neighbors is 15" in at.error[0].value
    at.radio(key="explore.method").set_value("pca").run()
    at.radio(key="explore.dims").set_value(3).run()
    assert not at.exception and not at.error
    figure = _map(at)
    assert figure["data"][0]["type"] == "scatter3d" and len(figure["data"][0]["customdata"]) == 5
    labels = [button.proto.label for button in at.get("download_button")]
    assert labels == ["Coordinates (CSV)", "Projector vectors.tsv", "Projector metadata.tsv",
                      "Figure (HTML, works offline)"]
    # The PNG is drawn on request (Chromium, a few seconds) and then offered for download.
    at.button(key="explore.png_make").click().run()
    assert not at.exception and not at.error
    assert [button.proto.label for button in at.get("download_button")][-1] == "Figure (PNG)"
    # A different figure (another colouring) does not offer the old picture.
    at.selectbox(key="explore.colour").set_value("Cluster (KMeans)").run()
    assert "Figure (PNG)" not in [button.proto.label for button in at.get("download_button")]


def test_pasted_markdown_and_html_are_shown_as_typed(runs_dir, project_root):
    at = _page(project_root)
    at.radio(key="explore.words_mode").set_value("A pasted list").run()
    at.text_area(key="explore.pasted").input("king queen *nsync* [click](http://example.com) <b>bold</b>").run()
    warning = at.warning[0].value
    # Escaped for Streamlit's Markdown: no emphasis, no link, no tag; the words read as pasted.
    assert r"\*nsync\*" in warning and r"\<b\>bold\</b\>" in warning
    assert "\\[click\\](http\\:\u2060//example.com)" in warning  # a word joiner splits the bare-URL autolink
    at.radio(key="explore.words_mode").set_value("Most frequent").run()
    at.number_input(key="explore.top_n").set_value(300).run()
    at.radio(key="explore.method").set_value("pca").run()
    at.text_input(key="explore.search").input("[zz](http://example.com)").run()
    assert "'\\[zz\\](http\\:\u2060//example.com)' is not in the vocabulary of GloVe 6B 50d" in at.warning[0].value


def test_map_settings_survive_mistyped_words(runs_dir, project_root):
    at = _page(project_root)
    at.radio(key="explore.method").set_value("pca").run()
    at.radio(key="explore.dims").set_value(3).run()
    at.radio(key="explore.metric").set_value("euclidean").run()
    at.radio(key="explore.words_mode").set_value("Neighbourhood of a word").run()
    for typo in ("kingg", "kinggg"):  # two runs in a row in which no map can be drawn
        at.text_input(key="explore.query").input(typo).run()
        assert f"'{typo}' is not in the vocabulary" in at.error[0].value
    at.text_input(key="explore.query").input("queen").run()
    assert not at.exception and not at.error
    assert (at.radio(key="explore.method").value, at.radio(key="explore.dims").value,
            at.radio(key="explore.metric").value) == ("pca", 3, "euclidean")
    assert _map(at)["data"][0]["type"] == "scatter3d"


def test_colour_by_cluster_and_by_the_models_sentiment(runs_dir, project_root):
    at = _page(project_root)
    at.number_input(key="explore.top_n").set_value(300).run()
    at.radio(key="explore.method").set_value("pca").run()
    at.selectbox(key="explore.colour").set_value("Cluster (KMeans)").run()
    assert not at.exception
    assert len([trace for trace in _map(at)["data"] if trace["name"].startswith("cluster")]) == 8
    at.selectbox(key="explore.colour").set_value("Trained model's sentiment").run()
    assert not at.exception and not at.error
    marker = _map(at)["data"][0]["marker"]
    assert marker["colorbar"]["title"]["text"] == "p(positive)"
    # A diverging scale centred on 0.5, fitted symmetrically to the scores, with ticks and a note saying its range.
    low, high = marker["cmin"], marker["cmax"]
    assert marker["cmid"] == 0.5 and abs((0.5 - low) - (high - 0.5)) < 1e-9 and 0 <= low < 0.5 < high <= 1
    scores = _numbers(marker["color"])
    assert sum(low <= score <= high for score in scores) >= 0.98 * len(scores)  # fitted to nearly all the scores
    assert len(marker["colorbar"]["ticktext"]) == 5 and float(marker["colorbar"]["ticktext"][2]) == 0.5
    assert any(f"from {low:g} (red) through 0.5" in caption.value for caption in at.caption)


def test_compare_two_runs_lists_the_words_that_moved(runs_dir, project_root):
    at = _page(project_root)
    at.radio(key="explore.view").set_value("Compare two sources").run()
    at.radio(key="explore.compare_first.source").set_value("A run's learned embedding").run()
    at.radio(key="explore.compare_second.source").set_value("A run's learned embedding").run()
    runs = at.selectbox(key="explore.compare_second.run").options
    assert len(runs) == 2
    at.selectbox(key="explore.compare_second.run").set_value(at.selectbox(key="explore.compare_second.run")
                                                               .options[1]).run()
    at.slider(key="explore.compare.n_neighbors").set_value(5).run()
    assert not at.exception and not at.error
    moved = at.dataframe[0].value
    assert list(moved.columns) == ["word", "cosine distance after alignment"] and len(moved) > 10
    assert moved["cosine distance after alignment"].is_monotonic_decreasing
    figure = _figures(at)[-1]
    assert any(trace["name"] == "the 10 biggest moves" and trace["mode"] == "lines" for trace in figure["data"])
    # Only the top 10 are named, and the page says how large the moves are, in numbers.
    assert sorted(annotation["text"] for annotation in figure["layout"]["annotations"]) == sorted(moved["word"][:10])
    summary = figure["layout"]["title"]["subtitle"]["text"]
    assert f"largest {moved['cosine distance after alignment'].iloc[0]:.3f}" in summary and "median" in summary
    # Exported: every shared word with both positions and its move, and the figure.
    exports = {button.proto.label: button for button in at.get("download_button")}
    assert list(exports) == ["Table (CSV)", "Figure (HTML, works offline)"]


def test_sentiment_axis_puts_positive_words_right(runs_dir, project_root):
    at = _page(project_root)
    at.radio(key="explore.source").set_value("A run's learned embedding").run()
    at.radio(key="explore.view").set_value("Sentiment axis").run()
    assert not at.exception and not at.error
    # The run knows fewer than the 2,000 words asked for, and the page says so.
    assert any("so all" in caption.value and "(not 2,000)" in caption.value for caption in at.caption)
    figure = _figures(at)[-1]
    trace = figure["data"][0]
    x = dict(zip(trace["customdata"], _numbers(trace["x"])))
    assert x["wonderful"] > x["awful"]
    assert [button.proto.label for button in at.get("download_button")] == ["Table (CSV)",
                                                                            "Figure (HTML, works offline)"]

    # GloVe words scored by the run: only words the model has rows for are placed, and the page says so.
    at.radio(key="explore.source").set_value("Current vectors (sidebar)").run()
    assert not at.exception and not at.error
    assert any("words are in tiny" in caption.value and "left out" in caption.value for caption in at.caption)
    trace = _figures(at)[-1]["data"][0]
    assert "film" in trace["customdata"] and "zebra" not in trace["customdata"]


def test_settings_survive_a_change_of_view(runs_dir, project_root):
    at = _page(project_root)
    at.radio(key="explore.method").set_value("pca").run()
    at.number_input(key="explore.top_n").set_value(10_000).run()
    at.selectbox(key="explore.colour").set_value("Cluster (KMeans)").run()
    at.radio(key="explore.view").set_value("Compare two sources").run()
    assert not at.exception
    at.radio(key="explore.view").set_value("Map").run()
    assert not at.exception and not at.error
    assert at.number_input(key="explore.top_n").value == 10_000
    assert at.radio(key="explore.method").value == "pca"
    assert at.selectbox(key="explore.colour").value == "Cluster (KMeans)"
    assert len(_map(at)["data"][0]["customdata"]) < 10_000 <= sum(len(trace["customdata"])
                                                                  for trace in _map(at)["data"])


def test_axes_from_words_place_good_words_right_find_a_word_and_say_which_words_are_unknown(runs_dir, project_root):
    at = _page(project_root)
    at.radio(key="explore.view").set_value("Axes from words").run()
    assert not at.exception and not at.error
    figure = _figures(at)[0]
    assert figure["layout"]["xaxis"]["title"]["text"].endswith("→ good great excellent wonderful")
    points = figure["data"][0]
    x = dict(zip(points["customdata"], _numbers(points["x"])))
    assert min(x["great"], x["excellent"]) > max(x["bad"], x["terrible"])
    at.text_input(key="explore.axes.search").input("excellent").run()  # found, inspected and highlighted, as on maps
    figure = _figures(at)[0]
    assert figure["data"][-1]["customdata"][0] == "excellent" and len(figure["data"][-1]["customdata"]) == 11
    assert figure["data"][0]["marker"]["opacity"] < 0.5
    assert figure["layout"]["xaxis"]["title"]["text"].endswith("→ good great excellent wonderful")  # axes kept
    table = next(frame.value for frame in at.dataframe if "cosine" in frame.value.columns)
    assert len(table) == 10 and table["cosine"].is_monotonic_decreasing
    at.selectbox(key="explore.axes.y.pair").set_value("young → old").run()
    assert at.text_input(key="explore.axes.y.end").value == "old elderly aged ancient"
    at.text_input(key="explore.axes.x.end").input("good zzqx").run()
    assert "1 word(s) of the axis" in at.error[0].value and "zzqx" in at.error[0].value


def test_a_box_or_lasso_selection_is_kept_ringed_labelled_listed_and_cleared(runs_dir, project_root):
    at = _page(project_root)
    at.number_input(key="explore.top_n").set_value(800).run()
    at.radio(key="explore.method").set_value("pca").run()
    at.session_state["explore.selection"] = "king\nfrance\nqueen"  # as a lasso's on_select keeps it
    at.run()
    figure = _map(at)
    ring = figure["data"][-1]  # queen is not among the 800 most frequent words: left out
    assert ring["name"] == "2 selected words" and ring["customdata"] == ["king", "france"]
    assert {"king", "france"} <= {annotation["text"] for annotation in figure["layout"]["annotations"]}
    assert any(markdown.value == "**2 words selected**" for markdown in at.markdown)
    at.text_input(key="explore.search").input("war").run()  # a search keeps the selection
    assert [trace["name"] for trace in _map(at)["data"][-2:]] == ["2 selected words", "“war” and its nearest words"]
    at.button(key="explore.clear_selection").click().run()
    assert at.session_state["explore.selection"] == ""
    assert all(trace.get("name") != "2 selected words" for trace in _map(at)["data"])


def test_a_lasso_keeps_the_words_inside_and_a_click_searches_its_word(monkeypatch):
    """``st.plotly_chart``'s on_select callback, given the events Streamlit hands it."""
    from types import SimpleNamespace

    import embedlab_ui.explore_inspector as inspector

    state = {}
    monkeypatch.setattr(inspector, "st", SimpleNamespace(session_state=state))
    points = [{"customdata": ["king"]}, {"customdata": "queen"}, {"customdata": ["king"]}, {"x": 1}]
    state[inspector.CHART] = {"selection": {"points": points, "box": [], "lasso": [{"x": [0, 1, 1], "y": [0, 0, 1]}]}}
    inspector.inspect_clicked()
    assert state[inspector.SELECTION] == "king\nqueen" and inspector.SEARCH not in state
    state[inspector.CHART] = {"selection": {"points": [{"customdata": ["paris"]}], "box": [], "lasso": []}}
    inspector.inspect_clicked()
    assert state[inspector.SEARCH] == "paris" and state[inspector.SELECTION] == "king\nqueen"
    state[inspector.CHART] = {"selection": {"points": [], "box": [{"x": [5, 6], "y": [5, 6]}], "lasso": []}}
    inspector.inspect_clicked()
    assert state[inspector.SELECTION] == ""  # a box around nothing clears it


def test_a_click_on_the_word_axes_finds_its_word(monkeypatch):
    from types import SimpleNamespace

    import embedlab_ui.explore_axes as axes_view

    state = {axes_view.AXES_CHART: {"selection": {"points": [{"customdata": ["superb"]}], "box": [], "lasso": []}}}
    monkeypatch.setattr(axes_view, "st", SimpleNamespace(session_state=state))
    axes_view._clicked()
    assert state[axes_view.AXES_SEARCH] == "superb"
    state[axes_view.AXES_CHART] = {"selection": {"points": [{"customdata": ["a"]}, {"customdata": ["b"]}]}}
    axes_view._clicked()  # not one point: not a click
    assert state[axes_view.AXES_SEARCH] == "superb"

"""``python -m embedlab project``: CSV out, JSON summary, HTML figure, clear failures."""

import json

import numpy as np
import pandas as pd
import pytest

from embedlab.cli import main


def test_umap_of_top_glove_words_writes_csv_and_offline_html(tmp_path, capsys):
    out, html = tmp_path / "map.csv", tmp_path / "map.html"
    assert main(["project", "--top", "300", "--method", "umap", "--n-neighbors", "10", "--seed", "1",
                 "--out", str(out), "--html", str(html), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["words"] == 300 and result["method"] == "umap" and result["params"]["n_neighbors"] == 10
    assert 0.8 < result["trustworthiness"] <= 1.0
    table = pd.read_csv(out, keep_default_na=False)
    assert list(table.columns) == ["word", "x", "y"] and len(table) == 300 and table["word"][0] == "the"
    page = html.read_text()
    # plotly.js is inlined (megabytes), not a <script src> to a CDN: the file opens offline.
    assert len(page) > 1_000_000 and '<script src="https://cdn.plot.ly' not in page
    assert "GloVe 6B 50d: 300 words, UMAP 2D" in page  # the Explore page's title for the same map


def test_the_command_writes_the_map_the_explore_page_draws(tmp_path, glove):
    """One pipeline: the same words and settings give the page's coordinates, to the last bit."""
    import numpy as np

    from embedlab.data.spreadsheet import restored
    from embedlab.maps.pipeline import MapParams, build_map

    out = tmp_path / "map.csv"
    assert main(["project", "--top", "200", "--n-neighbors", "8", "--min-dist", "0.3", "--metric", "euclidean",
                 "--seed", "4", "--out", str(out)]) == 0
    written = restored(pd.read_csv(out, keep_default_na=False))  # GloVe's "-", "--" are written "'-", "'--"
    drawn = build_map(glove, glove.words[:200], MapParams("umap", 2, 8, 0.3, "euclidean", 4), trust=False)
    assert written["word"].tolist() == drawn.words
    np.testing.assert_array_equal(written[["x", "y"]].to_numpy(dtype=np.float32), drawn.coords)


def test_pca_3d_of_listed_words_names_the_unknown_ones(tmp_path, capsys):
    out = tmp_path / "map.csv"
    assert main(["project", "--words", "king", "queen", "man", "woman", "zzqx", "--method", "pca",
                 "--n-components", "3", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "4 words of GloVe 6B 50d" in text and "explained variance" in text
    assert "note: 1 word(s) are not in GloVe 6B 50d and were left out: zzqx" in text
    assert list(pd.read_csv(out).columns) == ["word", "x", "y", "z"]


def test_a_runs_learned_embedding_can_be_mapped(tiny_run, tmp_path, capsys):
    out = tmp_path / "learned.csv"
    assert main(["project", "--run", str(tiny_run.path), "--top", "1000", "--n-neighbors", "5",
                 "--out", str(out), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    vocabulary_size = len(pd.read_csv(out))
    assert result["words"] == vocabulary_size < 1000
    assert any("only" in note and "so all" in note for note in result["notes"])  # N clamped, with a note


@pytest.mark.parametrize("arguments, message", [
    (["--words", "king", "queen", "man", "woman", "prince"], "only 5 word(s) to map but n_neighbors is 15"),
    (["--words", "king", "queen", "man", "--n-neighbors", "2"], "a UMAP map in 2D needs at least 4"),
    (["--words", "zzqx", "qqqz"], "none of the 2 pasted words"),
    (["--top", "100001"], "more than the 100,000"),
])
def test_bad_input_is_one_clear_line(tmp_path, capsys, arguments, message):
    assert main(["project", *arguments, "--out", str(tmp_path / "x.csv")]) == 2
    error = capsys.readouterr().err
    assert error.startswith("error: ") and message in error and error.count("\n") == 1


def test_png_figure_is_drawn_by_chromium(tmp_path, capsys):
    out, png = tmp_path / "map.csv", tmp_path / "map.png"
    assert main(["project", "--top", "200", "--n-neighbors", "10", "--out", str(out), "--png", str(png)]) == 0
    assert f"image in {png}" in capsys.readouterr().out
    from PIL import Image

    with Image.open(png) as image:
        assert image.format == "PNG" and image.size == (2400, 1800)
        colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
    assert len(colours) > 50  # points and labels were drawn, not a blank canvas


def test_png_without_a_browser_says_what_to_install(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-such-chrome"))
    out, png = tmp_path / "map.csv", tmp_path / "map.png"
    assert main(["project", "--words", "king", "queen", "man", "woman", "--method", "pca", "--out", str(out),
                 "--png", str(png)]) == 2
    error = capsys.readouterr().err
    assert "needs Chromium or Chrome" in error and "apt-get install chromium" in error and not png.exists()
    assert out.exists()  # the coordinates were written before the figure failed


@pytest.mark.parametrize("top", ["0", "-5"])
def test_top_must_be_positive(tmp_path, capsys, top):
    """Before, --top 0 silently mapped the default 2,000 words."""
    assert main(["project", "--top", top, "--out", str(tmp_path / "x.csv")]) == 2
    error = capsys.readouterr().err
    assert f"--top {top} maps no words; give a positive number" in error and error.count("\n") == 1
    assert not (tmp_path / "x.csv").exists()


@pytest.fixture
def no_projection(monkeypatch):
    """Fail the test if vectors are loaded: a bad output path must be refused before any work."""
    def loaded(*args, **kwargs):
        raise AssertionError("vectors were loaded before the output path was checked")

    monkeypatch.setattr("embedlab.cli.projection_commands.vectors_from", loaded)


@pytest.mark.parametrize("option, where, message", [
    ("--out", "file/map.csv", "is under a file"),
    ("--out", "file/deeper/map.csv", "is under a file"),
    ("--out", "folder", "is a folder; give a file name inside it"),
    ("--out", "missing/map.csv", "folder {tmp}/missing does not exist"),
    ("--html", "file/map.html", "is under a file"),
    ("--png", "folder", "is a folder"),
])
def test_output_paths_are_checked_before_the_map(tmp_path, capsys, no_projection, option, where, message):
    (tmp_path / "file").write_text("a file, not a folder")
    (tmp_path / "folder").mkdir()
    argv = ["project", "--top", "50", "--out", str(tmp_path / "ok.csv")]
    argv = argv[:-2] + ["--out", str(tmp_path / where)] if option == "--out" else argv + [option, str(tmp_path / where)]
    assert main(argv) == 2
    error = capsys.readouterr().err
    assert message.format(tmp=tmp_path) in error and error.count("\n") == 1


def test_an_unwritable_output_file_is_refused_before_the_map(tmp_path, capsys, no_projection, monkeypatch):
    import builtins

    out = tmp_path / "locked.csv"
    out.write_text("")
    real_open = builtins.open

    def read_only(path, mode="r", *args, **kwargs):
        if str(path) == str(out) and any(flag in mode for flag in "wa+"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, mode, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", read_only)  # root ignores chmod, so the refusal is simulated
    assert main(["project", "--top", "50", "--out", str(out)]) == 2
    assert "locked.csv cannot be written (Permission denied)" in capsys.readouterr().err


def test_a_vector_files_notes_reach_the_project_command(tmp_path, capsys):
    vectors = tmp_path / "v.txt"
    rows = np.random.default_rng(1).normal(size=(30, 4))
    vectors.write_text("".join(f"w{i} {' '.join(map(str, row))}\n" for i, row in enumerate(rows)) + "bad nan 1 1 1\n")
    assert main(["project", "--vectors", str(vectors), "--method", "pca", "--out", str(tmp_path / "m.csv"),
                 "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["words"] == 30 and result["notes"][0].startswith("1 word of v.txt left out ('bad')")


@pytest.mark.parametrize("method", ["pca", "umap"])
def test_one_dimensional_vectors_are_mapped_on_a_line(tmp_path, capsys, method):
    vectors = tmp_path / "line.txt"
    values = np.random.default_rng(2).normal(size=30)
    vectors.write_text("".join(f"w{i} {value:.4f}\n" for i, value in enumerate(values)))
    out = tmp_path / "m.csv"
    assert main(["project", "--vectors", str(vectors), "--method", method, "--n-neighbors", "5",
                 "--out", str(out), "--html", str(tmp_path / "m.html")]) == 0
    text = capsys.readouterr().out
    table = pd.read_csv(out)
    assert len(table) == 30 and np.isfinite(table[["x", "y"]].to_numpy()).all()
    if method == "pca":
        assert (table["y"] == 0).all() and "note: the vectors have 1 dimension" in text
    assert "two spots" in text  # the cosine metric's two directions, said for either method


def test_the_coordinates_csv_keeps_formula_like_words_inert(tmp_path):
    vectors = tmp_path / "hostile.txt"
    words = ["=cmd|' /C calc'!A0", "+1", "-x", "@sum", "plain", "a", "b", "c"]
    rows = np.random.default_rng(4).normal(size=(len(words), 3))
    vectors.write_text("".join(f"{word} {' '.join(map(str, row))}\n" for word, row in zip(words, rows)))
    out = tmp_path / "m.csv"
    assert main(["project", "--vectors", str(vectors), "--method", "pca", "--out", str(out)]) == 0
    written = pd.read_csv(out, dtype={"word": str})["word"].tolist()
    assert written[:5] == ["'=cmd|' /C calc'!A0", "'+1", "'-x", "'@sum", "plain"]

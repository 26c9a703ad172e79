"""``python -m embedlab analogy|neighbors|similarity|benchmark|export``: text, JSON and one-line errors."""

from __future__ import annotations

import json

import pytest

from embedlab.cli import main


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("method", ["cosadd", "cosmul"])
def test_analogy_prints_queen_first(capsys, method):
    code, out, _ = _run(capsys, "analogy", "--positive", "king", "woman", "--negative", "man", "--topn", "3",
                        "--method", method)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("king + woman − man")
    assert lines[1].split()[:2] == ["1", "queen"] and len(lines) == 4


def test_analogy_json_includes_inputs_when_asked(capsys):
    code, out, _ = _run(capsys, "analogy", "--positive", "king", "--topn", "2", "--include-inputs",
                        "--restrict-vocab", "10000", "--json")
    assert code == 0
    result = json.loads(out)
    assert result["results"][0]["word"] == "king"
    assert result["results"][0]["score"] == pytest.approx(1.0, abs=1e-5)


def test_neighbours_and_similarity(capsys):
    code, out, _ = _run(capsys, "neighbors", "frog", "--topn", "5", "--json")
    assert code == 0 and len(json.loads(out)["results"]) == 5
    code, out, _ = _run(capsys, "similarity", "cat", "dog")
    assert code == 0 and 0.5 < float(out) < 1.0


def test_benchmark_similarity_table_and_analogy_json(capsys):
    code, out, _ = _run(capsys, "benchmark", "similarity")
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()] == ["set", "WordSim353", "SimLex999"]
    code, out, err = _run(capsys, "benchmark", "analogies", "--restrict-vocab", "2000", "--json")
    assert code == 0
    result = json.loads(out)
    assert len(result["sections"]) == 14 and result["restrict_vocab"] == 2000
    assert result["total"]["questions"] == sum(section["questions"] for section in result["sections"])
    assert "100.0%" in err  # progress goes to stderr, so --json output stays clean


@pytest.mark.parametrize("argv, message", [
    (["analogy", "--positive", "kinq", "woman", "--negative", "man"], "Did you mean"),
    (["analogy", "--positive", "king", "king"], "given twice"),
    (["analogy", "--positive", "", "woman"], "a word field is empty"),
    (["analogy", "--positive", "king", "--topn", "0"], "topn is 0"),
    (["neighbors", "frog", "--restrict-vocab", "0"], "restrict_vocab is 0"),
    (["similarity", "cat", "qqqzzz"], "not in the vocabulary"),
    (["benchmark", "analogies", "--restrict-vocab", "-5"], "restrict_vocab is -5"),
])
def test_bad_input_is_one_line_and_exit_code_2(capsys, argv, message):
    code, out, err = _run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.startswith("error: ") and message in err and err.count("\n") == 1


# --- export: one writer for the Explore page's downloads and the command ---------------------------

def test_the_pages_projector_download_is_the_commands_files_byte_for_byte(tmp_path, capsys, glove):
    """The Explore page's download is ``projector_tsv`` of the mapped words; same words, same bytes as ``export``."""
    from embedlab.vectors.io import projector_tsv

    words = glove.words[:300]  # what the page's "Most frequent: 300" maps
    page_vectors, page_metadata = projector_tsv(glove.subset(words))
    code, _, _ = _run(capsys, "export", "--format", "projector", "--limit", "300", "--out", str(tmp_path))
    assert code == 0
    assert (tmp_path / "vectors.tsv").read_bytes() == page_vectors
    assert (tmp_path / "metadata.tsv").read_bytes() == page_metadata


def test_projector_numbers_give_back_every_float32_exactly(tmp_path):
    """Shortest of 7 significant digits, else 9: GloVe's numbers stay short, random float32 come back unchanged."""
    import numpy as np

    from embedlab.vectors.io import load_vectors, projector_tsv
    from embedlab.vectors.word_vectors import WordVectors

    matrix = np.random.default_rng(0).normal(size=(200, 9)).astype(np.float32)
    matrix[0] = [0.418, 1e-30, 3.4e38, -0.5, 0.25, 1.0, 0.0, 2.5, -3.0]  # short in 7 digits; random rows need 9
    words = [f"w{i}" for i in range(199)] + ["tab\tword"]
    vectors_tsv, metadata_tsv = projector_tsv(WordVectors(words, matrix))
    (tmp_path / "vectors.tsv").write_bytes(vectors_tsv)
    (tmp_path / "metadata.tsv").write_bytes(metadata_tsv)
    assert vectors_tsv.split(b"\n")[0] == b"0.418\t1e-30\t3.4e+38\t-0.5\t0.25\t1\t0\t2.5\t-3"
    reloaded = load_vectors(tmp_path / "vectors.tsv", use_cache=False)
    # Row 0's 3.4e38 is written exactly, but read back it is left out: its length overflows float32.
    assert reloaded.words == words[1:-1] + ["tab word"] and reloaded.notes[0].startswith("1 word of vectors.tsv left")
    np.testing.assert_array_equal(reloaded.vectors, matrix[1:])


def test_queries_say_when_a_vector_is_all_zeros(tmp_path, capsys):
    path = tmp_path / "zero.txt"
    path.write_text("cat 0.1 0.2 0.3\ndog 0.2 0.1 0.3\nblank 0 0 0\nfrog 0.3 0.3 0.1\n")
    zero = "note: 'blank' has an all-zero vector in zero.txt"
    for argv in (["similarity", "cat", "blank"], ["neighbors", "blank"], ["analogy", "--positive", "blank", "cat"]):
        code, out, _ = _run(capsys, *argv, "--vectors", str(path))
        assert code == 0 and zero in out, argv
    code, out, _ = _run(capsys, "similarity", "cat", "blank", "--vectors", str(path), "--json")
    assert json.loads(out)["notes"][0].startswith("'blank' has an all-zero vector")


def test_neighbours_on_a_one_word_file_say_there_is_no_other_word(tmp_path, capsys):
    alone = tmp_path / "one.txt"
    alone.write_text("hello 0.1 0.2 0.3\n")
    code, out, _ = _run(capsys, "neighbors", "hello", "--vectors", str(alone))
    assert code == 0 and "note: 'hello' is the only word in one.txt, so there are no other words" in out

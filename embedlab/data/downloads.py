"""The two built-in datasets fetched on first use, then read offline from the cache folder.

``rotten-tomatoes-10k``: the 10,605 movie-review snippets rated by about 20 people each
(mean rating −4..4) that Hutto & Gilbert (ICWSM 2014) used to evaluate VADER. They ship
inside the vaderSentiment 3.3.2 source distribution on PyPI
(``additional_resources/hutto_ICWSM_2014.tar.gz`` → ``movieReviewSnippets_GroundTruth.txt``),
so the file comes from the package index pip uses, checked against the index's sha256.

``imdb``: the 50,000 reviews of Maas et al. (2011) from Stanford; needs general internet
access, which many servers lack, so it fails within seconds with a clear message.

Both are parsed once into a Parquet file in ``cache_dir("datasets")``; later loads are
instant and need no network.
"""

from __future__ import annotations

import io
import os
import re
import tarfile
import urllib.error
import urllib.parse
from pathlib import Path

import pandas as pd

from embedlab.cache import CacheFolderError, cache_dir
from embedlab.data.fetching import (
    download,
    error_reason,
    index_files,
    open_url,
    package_index_url,
    report,
    save_parquet,
    sha256_of,
)
from embedlab.data.file_bytes import decode_bytes
from embedlab.data.files import labelled_from_table
from embedlab.data.labelled import LabelledDataset
from embedlab.data.table_readers import split_records
from embedlab.data.tables import TableFile
from embedlab.errors import EmbedLabError

VADER_PROJECT = "vadersentiment"  # the index's normalised project name
VADER_SDIST = "vaderSentiment-3.3.2.tar.gz"
VADER_SHA256 = "5d7c06e027fc8b99238edb0d53d970cf97066ef97654009890b83703849632f9"  # PyPI's published hash
VADER_ENV = "EMBEDLAB_VADER_SDIST"  # path of a vaderSentiment sdist fetched by hand
INNER_ARCHIVE = "additional_resources/hutto_ICWSM_2014.tar.gz"
SNIPPETS_FILE = "movieReviewSnippets_GroundTruth.txt"
ROTTEN_CACHE = "rotten-tomatoes-10k.parquet"

IMDB_URL = "https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz"
IMDB_ARCHIVE = "aclImdb_v1.tar.gz"
IMDB_CACHE = "imdb.parquet"
IMDB_MEMBER = re.compile(r"aclImdb/(train|test)/(pos|neg)/\d+_\d+\.txt$")


def datasets_folder() -> Path:
    """``cache_dir("datasets")``; a folder that cannot be made is an EmbedLabError naming the path and the fix."""
    try:
        return cache_dir("datasets")
    except CacheFolderError as error:
        raise EmbedLabError(f"{error}; the built-in datasets are downloaded into it") from None


def _keep_parsed(frame: pd.DataFrame, target: Path) -> list[str]:
    """Save the parsed table for next time; a cache that cannot be written costs only time, so it is a note."""
    try:
        save_parquet(frame, target)
    except OSError as error:
        return [f"could not keep a parsed copy in {target} ({error.strerror or error}); it is parsed again next time"]
    return []


# ---------------------------------------------------------------- Rotten Tomatoes


def find_sdist(index_url: str, project: str = VADER_PROJECT, filename: str = VADER_SDIST) -> tuple[str, str | None]:
    """The download URL and sha256 of ``filename`` on a simple index (PEP 691 JSON or PEP 503 HTML page).

    Raises:
        EmbedLabError: the index cannot be reached or does not list the file.
    """
    page_url = index_url.rstrip("/") + f"/{project}/"
    accept = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.1"
    try:
        with open_url(page_url, accept) as response:
            content_type = response.headers.get("Content-Type", "")
            body = response.read().decode("utf-8", errors="replace")
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise _manual_fetch_error(
            f"the package index {index_url} could not be reached ({error_reason(error)})") from None
    for name, url, sha256 in index_files(body, content_type):
        if name == filename:
            return urllib.parse.urljoin(page_url, url.split("#")[0]), sha256
    raise _manual_fetch_error(f"the package index {index_url} does not list {filename}")


def _manual_fetch_error(what: str) -> EmbedLabError:
    folder = datasets_folder()
    return EmbedLabError(
        f"could not fetch the Rotten Tomatoes snippets: {what}; they ship in {VADER_SDIST} on PyPI — fetch it by hand "
        f"with `pip download --no-deps --no-binary :all: vaderSentiment==3.3.2`, then put the file in {folder} "
        f"or set {VADER_ENV} to its path, and load the dataset again (or use the Pang & Lee set or upload your own)"
    )


def vader_sdist(progress=None) -> tuple[Path, list[str]]:
    """The vaderSentiment 3.3.2 sdist: from ``$EMBEDLAB_VADER_SDIST``, the cache folder, or the package index."""
    notes: list[str] = []
    given = os.environ.get(VADER_ENV)
    if given:
        path = Path(given).expanduser()
        if not path.is_file():
            raise EmbedLabError(f"{VADER_ENV} is set to {path}, but there is no file there; expected the path of "
                                f"{VADER_SDIST} — fix the path or unset {VADER_ENV} to download it")
        if sha256_of(path) != VADER_SHA256:
            notes.append(f"{path.name} from {VADER_ENV} is not the file published on PyPI (its sha256 differs)")
        return path, notes
    cached = datasets_folder() / VADER_SDIST
    if cached.is_file() and sha256_of(cached) == VADER_SHA256:
        return cached, notes
    index = package_index_url()
    report(progress, 0.0, f"Looking up {VADER_SDIST} on {index}")
    url, sha256 = find_sdist(index)
    try:
        download(url, cached, sha256 or VADER_SHA256, progress, f"Downloading {VADER_SDIST}")
    except (urllib.error.URLError, OSError) as error:
        raise _manual_fetch_error(f"downloading {url} failed ({error_reason(error)})") from None
    return cached, notes


def snippets_from_sdist(sdist: Path) -> bytes:
    """The raw bytes of ``movieReviewSnippets_GroundTruth.txt``, read from the archive inside the sdist.

    Nothing is written to disk, so member paths in the archives cannot escape the cache folder.
    """
    try:
        with tarfile.open(sdist, "r:gz") as outer:
            inner_member = next((m for m in outer.getmembers() if m.name.endswith(INNER_ARCHIVE)), None)
            if inner_member is None:
                raise EmbedLabError(f"{sdist.name} holds no {INNER_ARCHIVE}; expected the vaderSentiment 3.3.2 "
                                    "source distribution (.tar.gz), not the wheel")
            inner_bytes = outer.extractfile(inner_member).read()
        with tarfile.open(fileobj=io.BytesIO(inner_bytes), mode="r:gz") as inner:
            member = next((m for m in inner.getmembers() if m.name.endswith(SNIPPETS_FILE)), None)
            if member is None:
                raise EmbedLabError(f"{INNER_ARCHIVE} in {sdist.name} holds no {SNIPPETS_FILE}")
            return inner.extractfile(member).read()
    except (tarfile.TarError, OSError, EOFError) as error:
        raise EmbedLabError(f"{sdist} is not a readable .tar.gz ({error}); delete it and load the dataset again "
                            "to download a fresh copy") from None


def parse_snippets(raw: bytes) -> pd.DataFrame:
    """``id<TAB>mean rating<TAB>text`` lines (UTF-8, CRLF) as a DataFrame with columns id, rating, text."""
    text, _, _ = decode_bytes(raw)
    rows = [line.split("\t", 2) for line in split_records(text) if line.strip()]
    bad = [number for number, row in enumerate(rows, 1) if len(row) != 3]
    if bad:
        raise EmbedLabError(f"{SNIPPETS_FILE} line {bad[0]} does not have 3 tab-separated fields; "
                            "expected id, rating, text — the archive may be damaged")
    frame = pd.DataFrame(rows, columns=["id", "rating", "text"])
    frame["rating"] = pd.to_numeric(frame["rating"], errors="coerce")
    return frame


def rotten_tomatoes_10k(progress=None, title: str = "Rotten Tomatoes 10k") -> LabelledDataset:
    """The Rotten Tomatoes snippets: rating > 0 positive, < 0 negative, exactly 0 dropped and counted."""
    cached = datasets_folder() / ROTTEN_CACHE
    notes: list[str] = []
    if not cached.is_file() or os.environ.get(VADER_ENV):
        sdist, notes = vader_sdist(progress)
        report(progress, 0.92, f"Reading {SNIPPETS_FILE}")
        frame = parse_snippets(snippets_from_sdist(sdist))
        if not os.environ.get(VADER_ENV):  # a hand-made file is read every time, never cached as the real one
            notes += _keep_parsed(frame, cached)
    else:
        frame = pd.read_parquet(cached)
    table = TableFile(frame, title, "tsv", "utf-8", "\t", "text", "rating")
    dataset = labelled_from_table(table, "text", "rating", rating_threshold=0.0)
    dataset.notes = notes + [
        f"{len(frame):,} snippets, each the mean of about 20 human ratings on a −4..4 scale (Hutto & Gilbert, "
        "ICWSM 2014); above 0 is positive, below 0 negative"
    ]
    report(progress, 1.0, "Ready")
    return dataset


# ---------------------------------------------------------------- IMDB


def imdb(progress=None, title: str = "IMDB") -> LabelledDataset:
    """The 50,000 IMDB reviews (train and test together; the trainer makes its own split)."""
    cached = datasets_folder() / IMDB_CACHE
    if not cached.is_file():
        archive = datasets_folder() / IMDB_ARCHIVE
        if not archive.is_file():
            try:
                download(IMDB_URL, archive, None, progress, "Downloading the IMDB reviews (84 MB)", span=(0.0, 0.7))
            except (urllib.error.URLError, OSError, ValueError) as error:
                raise EmbedLabError(
                    f"the IMDB set needs internet access to download {IMDB_URL}; this server cannot reach it "
                    f"({error_reason(error)}) — use the Rotten Tomatoes set or upload your own, or put "
                    f"{IMDB_ARCHIVE} into {datasets_folder()} by hand"
                ) from None
        frame = _read_imdb_archive(archive, progress)
        notes = _keep_parsed(frame, cached)
    else:
        frame, notes = pd.read_parquet(cached), []
    table = TableFile(frame, title, "text", "utf-8", None, "text", "label")
    dataset = labelled_from_table(table, "text", "label")
    dataset.notes += notes
    dataset.notes.append("Maas et al. (2011): train and test halves together; <br /> tags are read as spaces")
    report(progress, 1.0, "Ready")
    return dataset


def _read_imdb_archive(archive: Path, progress=None) -> pd.DataFrame:
    rows = []
    try:
        with tarfile.open(archive, "r|gz") as stream:  # streaming: one pass over 100,000 members
            for member in stream:
                match = IMDB_MEMBER.search(member.name)
                if match and member.isfile():
                    text = stream.extractfile(member).read().decode("utf-8", errors="replace")
                    rows.append((text, "positive" if match.group(2) == "pos" else "negative", match.group(1)))
                    if len(rows) % 2_000 == 0:
                        report(progress, 0.7 + 0.3 * len(rows) / 50_000, f"Reading reviews: {len(rows):,}")
    except (tarfile.TarError, OSError, EOFError) as error:
        archive.unlink(missing_ok=True)
        raise EmbedLabError(f"{archive.name} is damaged ({error}); it was deleted — load the dataset again") from None
    if not rows:
        raise EmbedLabError(f"{archive.name} holds no aclImdb/(train|test)/(pos|neg)/*.txt reviews; "
                            "expected the Stanford aclImdb_v1.tar.gz")
    return pd.DataFrame(rows, columns=["text", "label", "split"])

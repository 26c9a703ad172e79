"""Fetching files for the built-in datasets: the package index pip uses, checked downloads, atomic saves.

Every network call is bounded by ``TIMEOUT``, a DNS lookup included (urlopen's own timeout
does not cover a DNS server that never answers), so a server without internet access
fails with a message instead of hanging a page. A download or a saved file appears under
its final name only once it is complete (and its sha256 checked, when one is known).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import socket
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path

import pandas as pd

from embedlab.errors import EmbedLabError

DEFAULT_INDEX = "https://pypi.org/simple"
TIMEOUT = 10  # seconds to wait for a server before giving up; a blocked network fails fast
CHUNK = 256 * 1024


def report(progress, fraction: float, message: str) -> None:
    """Call ``progress(fraction, message)`` if there is one, with ``fraction`` kept within 0..1."""
    if progress is not None:
        progress(min(max(fraction, 0.0), 1.0), message)


def package_index_url() -> str:
    """The index pip installs from: ``$PIP_INDEX_URL``, else ``index-url`` in ``pip config``, else PyPI."""
    if os.environ.get("PIP_INDEX_URL"):
        return os.environ["PIP_INDEX_URL"].split()[0]
    try:
        listing = subprocess.run([sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True,
                                 timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        listing = ""
    for line in listing.splitlines():
        key, _, value = line.partition("=")
        if key.strip().endswith(".index-url") and value.strip():
            return value.strip().strip("'\"").split()[0]
    return DEFAULT_INDEX


def open_url(url: str, accept: str | None = None):
    """``urlopen`` within TIMEOUT, DNS lookup included; a ``file://`` folder serves its ``index.html``."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "file":
        path = Path(urllib.request.url2pathname(parts.path))
        if path.is_dir():  # a PEP 503 index on disk keeps each page as index.html
            url = (path / "index.html").as_uri()
    elif parts.hostname:
        _resolve(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80), parts.scheme)
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    return urllib.request.urlopen(request, timeout=TIMEOUT)


def _resolve(host: str, port: int, scheme: str) -> None:
    """Look ``host`` up within TIMEOUT seconds: urlopen's timeout does not cover a DNS server that never answers.

    Skipped behind a proxy, which resolves names itself.
    """
    if scheme in urllib.request.getproxies():
        return
    pool = ThreadPoolExecutor(max_workers=1)
    future = pool.submit(socket.getaddrinfo, host, port)
    try:
        future.result(timeout=TIMEOUT)
    except FutureTimeout:
        raise urllib.error.URLError(f"no answer from DNS for {host} within {TIMEOUT} s") from None
    except socket.gaierror as error:
        raise urllib.error.URLError(error) from None
    finally:
        pool.shutdown(wait=False)  # a lookup that hangs is left to finish on its own


def index_files(body: str, content_type: str):
    """(filename, url, sha256 or None) for each file on a simple-index project page."""
    if "json" in content_type or body.lstrip().startswith("{"):
        for entry in json.loads(body).get("files", []):
            yield entry["filename"], entry["url"], entry.get("hashes", {}).get("sha256")
        return
    for href, text in re.findall(r'<a\s[^>]*href="([^"]+)"[^>]*>\s*([^<]+?)\s*</a>', body, flags=re.IGNORECASE):
        href = href.replace("&amp;", "&")
        digest = re.search(r"#sha256=([0-9a-fA-F]{64})", href)
        yield text, href, digest.group(1).lower() if digest else None


def error_reason(error: Exception) -> str:
    """What went wrong with a network call, in a few words (urllib wraps the cause in ``reason``)."""
    cause = getattr(error, "reason", None) or error
    return str(cause).strip() or type(error).__name__


def download(url: str, target: Path, sha256: str | None = None, progress=None, label: str = "Downloading",
             span: tuple[float, float] = (0.0, 0.9)) -> Path:
    """Fetch ``url`` into ``target`` in chunks, reporting progress, checking ``sha256`` when given.

    The file appears under its final name only once complete and verified, so an
    interrupted download is never mistaken for a good one.
    """
    partial = target.with_name(f".{target.name}.{uuid.uuid4().hex}.part")  # two visitors never share one
    digest = hashlib.sha256()
    try:
        with open_url(url) as response, partial.open("wb") as out:
            total = int(response.headers.get("Content-Length") or 0)
            done = 0
            while chunk := response.read(CHUNK):
                out.write(chunk)
                digest.update(chunk)
                done += len(chunk)
                share = done / total if total else 0.0
                size = f"{done / 1e6:,.1f} of {total / 1e6:,.1f} MB" if total else f"{done / 1e6:,.1f} MB"
                report(progress, span[0] + share * (span[1] - span[0]), f"{label}: {size}")
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    if sha256 and digest.hexdigest() != sha256.lower():
        partial.unlink(missing_ok=True)
        raise EmbedLabError(f"the file downloaded from {url} has sha256 {digest.hexdigest()}, expected {sha256}; "
                            "it was deleted — try again, or fetch it by hand")
    os.replace(partial, target)
    return target


def sha256_of(path: Path) -> str:
    """The hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def save_parquet(frame: pd.DataFrame, target: Path) -> None:
    """Write ``frame`` to ``target`` under a temporary name first, so a reader never sees half a file."""
    partial = target.with_name(f".{target.name}.{uuid.uuid4().hex}.part")
    frame.to_parquet(partial, index=False)
    os.replace(partial, target)

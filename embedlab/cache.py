"""Where EmbedLab keeps files it can rebuild: parsed vector caches, downloaded datasets."""

from __future__ import annotations

import os
from pathlib import Path

CACHE_ENV = "EMBEDLAB_CACHE_DIR"


class CacheFolderError(OSError):
    """The cache folder cannot be made; the message names the path and how to fix it.

    An ``OSError``, so callers to whom a cache is only an optimisation (the vector parse
    cache) keep ignoring it; the dataset downloads, which need the folder, turn it into an
    ``EmbedLabError`` (this module sits beside ``embedlab.errors`` and cannot import it).
    """


def cache_dir(*parts: str) -> Path:
    """``$EMBEDLAB_CACHE_DIR`` (default ``~/.cache/embedlab``), or a sub-folder of it, created if missing.

    Example: ``cache_dir("vectors")`` → ``~/.cache/embedlab/vectors``.

    Raises:
        CacheFolderError: a file stands where a folder should be, or the folder cannot be written.
    """
    root = Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "embedlab").expanduser()
    folder = root.joinpath(*parts)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        blocker = next((path for path in (folder, *folder.parents) if path.exists() and not path.is_dir()), None)
        problem = f"{blocker} is a file, not a folder" if blocker else (error.strerror or type(error).__name__)
        fix = "move or delete that file, or" if blocker else "make it writable, or"
        raise CacheFolderError(
            f"the cache folder {folder} cannot be made: {problem} — {fix} set {CACHE_ENV} to a folder "
            "you can write to"
        ) from None
    return folder

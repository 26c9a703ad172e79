"""Where EmbedLab keeps files it can rebuild: parsed vector caches, downloaded datasets."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir(*parts: str) -> Path:
    """``$EMBEDLAB_CACHE_DIR`` (default ``~/.cache/embedlab``), or a sub-folder of it, created if missing.

    Example: ``cache_dir("vectors")`` → ``~/.cache/embedlab/vectors``.
    """
    root = Path(os.environ.get("EMBEDLAB_CACHE_DIR") or Path.home() / ".cache" / "embedlab").expanduser()
    folder = root.joinpath(*parts)
    folder.mkdir(parents=True, exist_ok=True)
    return folder

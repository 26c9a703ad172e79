"""What a trained model learned about words: its Embedding rows, and what it reads in each word alone."""

from __future__ import annotations

import numpy as np

from embedlab.data.labelled import positive_class
from embedlab.errors import EmbedLabError
from embedlab.vectors.word_vectors import WordVectors


def learned_embedding(run_or_model, name: str | None = None) -> WordVectors:
    """A trained model's word vectors: its vocabulary words → its Embedding rows.

    The padding row ("") and the out-of-vocabulary row ("[UNK]") are left out. The
    vocabulary of ``TextVectorization`` is frequency-ranked, so the result is too.

    Args:
        run_or_model: a ``Run`` (its model is loaded safely) or a loaded Keras model.
        name: a name for the set; defaults to "<run name> (learned)".
    """
    from embedlab.models.architecture import embedding_layer, vectorizer_layer

    model = run_or_model.load_model() if hasattr(run_or_model, "load_model") else run_or_model
    label = name or f"{getattr(run_or_model, 'name', getattr(model, 'name', 'model'))} (learned)"
    matrix = np.asarray(embedding_layer(model).get_weights()[0], dtype=np.float32)
    vocabulary = [str(word) for word in vectorizer_layer(model).get_vocabulary()]
    if len(vocabulary) != len(matrix):
        raise EmbedLabError(
            f"the model's vocabulary has {len(vocabulary):,} words but its Embedding layer has {len(matrix):,} rows; "
            "expected one row per word — the model file is inconsistent"
        )
    keep = [i for i, word in enumerate(vocabulary) if word not in ("", "[UNK]")]
    if not keep:
        raise EmbedLabError("the model's vocabulary is empty apart from padding and [UNK]; it learned no words")
    return WordVectors([vocabulary[i] for i in keep], matrix[keep], name=label)


def word_scores(predictor, words: list[str], class_name: str | None = None) -> np.ndarray:
    """The trained model's probability of ``class_name`` for each word read alone (one batch call per 512).

    0.5 for two classes means "no lean"; a word the model reads as positive on its own
    scores near 1. ``class_name`` defaults to ``positive_class(predictor.class_names)``.
    """
    class_name = class_name or positive_class(list(predictor.class_names))
    if class_name not in predictor.class_names:
        raise EmbedLabError(
            f"class '{class_name}' is not one of the model's classes ({', '.join(predictor.class_names)})"
        )
    column = list(predictor.class_names).index(class_name)
    return predictor.predict_proba(list(words))[:, column].astype(np.float32)

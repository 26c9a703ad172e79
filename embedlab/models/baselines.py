"""The two simplest models a trained classifier must beat, on the same training and test rows.

    mean-vector LR   logistic regression on the mean word vector of each text (tokenized as the
                     model tokenizes, words without a vector left out of the mean)
    TF-IDF LR        logistic regression on TF-IDF weights of word unigrams and bigrams

A neural model on frozen vectors with average pooling contains the mean-vector LR as a
special case, so losing to it is a bug to explain; TF-IDF LR shows what task-trained
features reach without any network. ``Baselines`` computes each text's mean vector
once, so a study scores many (training rows, test rows) pairs cheaply::

    baselines = Baselines(dataset, vectors)
    for score in baselines.score(train_rows, test_rows):
        print(score.name, score.accuracy, score.f1)

scikit-learn is imported inside the functions: importing this module is cheap.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from embedlab.data.labelled import LabelledDataset
from embedlab.errors import EmbedLabError

MEAN_VECTOR, TFIDF = "mean-vector-lr", "tfidf-lr"
BASELINE_NAMES = (MEAN_VECTOR, TFIDF)
BASELINE_LABELS = {MEAN_VECTOR: "Mean word vector + logistic regression",
                   TFIDF: "TF-IDF 1–2 grams + logistic regression"}
# scikit-learn's default regularisation for both: the baselines are the textbook ones, not tuned per dataset.
REGULARISATION = 1.0


@dataclass(frozen=True)
class BaselineScore:
    """One baseline's test scores (``f1`` is the macro average over classes)."""

    name: str
    accuracy: float
    f1: float
    train_rows: int
    test_rows: int

    def to_dict(self) -> dict:
        return asdict(self)


def mean_vectors(texts: list[str], vectors) -> tuple[np.ndarray, float]:
    """Each text's mean word vector, and the share of tokens that had a vector.

    Texts are cut by ``embedlab.text.tokenize``, as a model's ``TextVectorization`` cuts
    them; a text with no known word gets the zero vector.
    """
    from embedlab.text import tokenize

    matrix = np.asarray(vectors.vectors)
    features = np.zeros((len(texts), vectors.dim), dtype=np.float32)
    found = total = 0
    for row, text in enumerate(texts):
        tokens = tokenize(text)
        indices = [vectors.key_to_index[token] for token in tokens if token in vectors.key_to_index]
        total, found = total + len(tokens), found + len(indices)
        if indices:
            features[row] = matrix[indices].mean(axis=0)
    return features, found / max(1, total)


class Baselines:
    """Both baselines on one dataset (mean vectors only when ``vectors`` are given).

    Args:
        dataset: texts and labels; row numbers passed to ``score`` index into it.
        vectors: the word vectors of the mean-vector baseline (``WordVectors``); None skips it.
    """

    def __init__(self, dataset: LabelledDataset, vectors=None) -> None:
        self.dataset = dataset
        self.texts = np.asarray(dataset.texts, dtype=object)
        self.labels = np.asarray(dataset.labels, dtype=np.int64)
        self.vectors = vectors
        self.features_, self.coverage_ = (mean_vectors(list(dataset.texts), vectors) if vectors is not None
                                          else (None, None))

    @property
    def names(self) -> tuple[str, ...]:
        return BASELINE_NAMES if self.vectors is not None else (TFIDF,)

    def score(self, train_rows, test_rows) -> list[BaselineScore]:
        """Fit each baseline on ``train_rows`` and score it on ``test_rows`` (row numbers)."""
        train_rows, test_rows = np.asarray(train_rows, dtype=np.int64), np.asarray(test_rows, dtype=np.int64)
        if len(np.unique(self.labels[train_rows])) < 2:
            raise EmbedLabError(f"the {len(train_rows)} training rows hold a single class; a baseline needs "
                                "at least 2 — give more training rows")
        if len(test_rows) == 0:
            raise EmbedLabError("there are no test rows to score the baselines on; give at least one")
        scores = []
        for name in self.names:
            predicted = self._predict(name, train_rows, test_rows)
            scores.append(self._scored(name, predicted, train_rows, test_rows))
        return scores

    def _predict(self, name: str, train_rows: np.ndarray, test_rows: np.ndarray) -> np.ndarray:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        from embedlab.text import tokenize

        classifier = LogisticRegression(C=REGULARISATION, max_iter=2_000)
        if name == MEAN_VECTOR:
            classifier.fit(self.features_[train_rows], self.labels[train_rows])
            return classifier.predict(self.features_[test_rows])
        tfidf = TfidfVectorizer(tokenizer=tokenize, lowercase=False, token_pattern=None, ngram_range=(1, 2),
                                sublinear_tf=True)
        classifier.fit(tfidf.fit_transform(self.texts[train_rows]), self.labels[train_rows])
        return classifier.predict(tfidf.transform(self.texts[test_rows]))

    def _scored(self, name: str, predicted: np.ndarray, train_rows: np.ndarray, test_rows: np.ndarray
                ) -> BaselineScore:
        from sklearn.metrics import f1_score

        truth = self.labels[test_rows]
        f1 = f1_score(truth, predicted, average="macro", labels=list(range(self.dataset.num_classes)),
                      zero_division=0)
        return BaselineScore(name, float(np.mean(predicted == truth)), float(f1), len(train_rows), len(test_rows))


def baseline_scores(dataset: LabelledDataset, train_rows, test_rows, vectors=None) -> list[BaselineScore]:
    """Both baselines fitted on ``train_rows`` of ``dataset`` and scored on ``test_rows``.

    Example::

        scores = baseline_scores(dataset, train_rows, test_rows, load_default_vectors())
        {score.name: score.accuracy for score in scores}   # {"mean-vector-lr": 0.66, "tfidf-lr": 0.62}
    """
    return Baselines(dataset, vectors).score(train_rows, test_rows)

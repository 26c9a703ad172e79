"""Scoring text with a trained EmbedLab model, fast enough to follow typing.

``keras.Model.predict`` pays a fixed overhead on every call (it builds a data
pipeline each time), far too slow for a prediction that follows each keystroke.
``Predictor`` calls the model through a ``tf.function`` traced once with a fixed input
signature, so a sentence costs little more than the model's own arithmetic
(``bench/bench_predict.py`` measures both). TensorFlow is imported inside the
functions: importing this module is cheap.
"""

from __future__ import annotations

import copy

import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from embedlab.data.file_bytes import read_text
from embedlab.errors import EmbedLabError
from embedlab.text import tokenizer_for

# Longer texts are cut here: the model reads only its first sequence_length tokens
# anyway, and standardising megabytes of text on every keystroke would stall the page.
MAX_CHARACTERS = 20_000
# A batch larger than this is refused rather than scored for minutes.
MAX_BATCH_ROWS = 50_000
BATCH_FORMATS = "a .txt file (one text per line) or a .csv file (a text column)"  # named when a file is refused
_CHUNK = 512


@dataclass
class Prediction:
    """One text's scores, and what a reader should know about how the model saw it."""

    text: str
    probabilities: dict[str, float]
    label: str
    tokens: list[tuple[str, bool]]
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class Predictor:
    """A loaded EmbedLab model behind a traced ``tf.function``: raw strings in, probabilities out.

    Args:
        model: a Keras model saved by EmbedLab (TextVectorization → Embedding → … → Dense).
        class_names: names of the output classes in output order; defaults to
            ``"class 0"``, ``"class 1"``, … when the model came without them.
        name: a label for this model in tables (run name or file name).

    Example::

        predictor = Predictor.from_run(run)
        predictor.predict_one("a wonderful film")   # {"negative": 0.02, "positive": 0.98}
    """

    def __init__(self, model, class_names: list[str] | None = None, name: str = "") -> None:
        import tensorflow as tf

        from embedlab.models.architecture import embedding_layer, vectorizer_layer

        self.model = model
        self.name = name or model.name
        self.vectorizer = vectorizer_layer(model)
        # The Python twin of the rules this model was saved with (old runs keep their old rules).
        self._tokenize = tokenizer_for(self.vectorizer.get_config().get("standardize"))
        self.embedding = embedding_layer(model)
        self.sequence_length = self.vectorizer.get_config().get("output_sequence_length") or None
        width = int(model.output_shape[-1])
        self.binary = width == 1
        num_classes = 2 if self.binary else width
        names = [str(name) for name in class_names] if class_names else [f"class {i}" for i in range(num_classes)]
        if len(names) != num_classes:
            raise EmbedLabError(
                f"the model has {num_classes} classes but {len(names)} class names were given "
                f"({', '.join(names)}); give exactly {num_classes} names"
            )
        self.class_names = names
        self.vocabulary = list(self.vectorizer.get_vocabulary())
        self._index = {word: i for i, word in enumerate(self.vocabulary)}
        binary = self.binary

        def probabilities(texts):
            outputs = model(texts, training=False)
            if binary:  # one sigmoid column is p(class 1); class 0 gets the rest
                return tf.concat([1.0 - outputs, outputs], axis=-1)
            return outputs

        self._probabilities = tf.function(
            probabilities, input_signature=[tf.TensorSpec([None], tf.string)]
        )
        self._probabilities(tf.constant(["warm up"]))  # trace now, not on the first keystroke

    def named(self, name: str) -> Predictor:
        """This predictor under another ``name``, sharing its model and traced function (nothing is copied).

        A server keeps one traced Predictor per model file's content and hands each visitor a
        view named after their own run, so no visitor sees the name another one chose.
        """
        view = copy.copy(self)
        view.name = name or self.model.name
        return view

    @classmethod
    def from_run(cls, run) -> Predictor:
        """A Predictor for a saved run, with the run's class names."""
        return cls(run.load_model(), run.config.get("class_names"), name=run.name)

    @classmethod
    def from_file(cls, path: Path | str, class_names: list[str] | None = None) -> Predictor:
        """A Predictor for a ``.keras`` file saved by EmbedLab (loaded in safe mode).

        Without ``class_names``, the names kept inside the file are used (files saved
        before EmbedLab kept them get numbered classes).
        """
        from embedlab.models.model_files import load_embedlab_model, stored_class_names

        model = load_embedlab_model(path)
        return cls(model, class_names or stored_class_names(path), name=Path(path).name)

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        """Class probabilities for ``texts``, shape ``(len(texts), num_classes)``, columns in class_names order.

        Texts are passed as they are (no length checks); use ``predict`` for one text a
        person typed.
        """
        import tensorflow as tf

        if len(texts) == 0:
            return np.zeros((0, len(self.class_names)), dtype=np.float32)
        chunks = [
            self._probabilities(tf.constant(list(texts[start:start + _CHUNK]), dtype=tf.string)).numpy()
            for start in range(0, len(texts), _CHUNK)
        ]
        return np.concatenate(chunks)

    def predict_one(self, text: str) -> dict[str, float]:
        """``{class_name: probability}`` for one text (checked and cut like ``predict``)."""
        return self.predict(text).probabilities

    def predict(self, text: str) -> Prediction:
        """Score one text a person typed, with notes on truncation and unknown words.

        Raises EmbedLabError for empty text. Text longer than ``MAX_CHARACTERS`` is cut
        (with a note); a text whose every word is outside the vocabulary is still scored,
        with a warning that the score reflects only the model's bias.
        """
        text, notes = check_text(text)
        tokens = self.tokens_with_status(text)
        if not tokens:
            raise EmbedLabError(
                "the text has no words the model can read (only spaces or invisible characters); type some words"
            )
        warnings = []
        notes = notes + self._length_notes(len(tokens))
        seen = tokens[: self.sequence_length] if self.sequence_length else tokens
        if not any(known for _, known in seen):
            warnings.append(
                "every word is outside this model's vocabulary, so the model sees only [UNK] tokens and "
                "the score reflects only its bias, not your text; try words from the training data"
            )
        row = self.predict_proba([text])[0]
        probabilities = {name: float(p) for name, p in zip(self.class_names, row)}
        label = self.class_names[int(np.argmax(row))]
        return Prediction(text, probabilities, label, tokens, notes, warnings)

    def tokens_with_status(self, text: str) -> list[tuple[str, bool]]:
        """``[(token, in_vocabulary), …]`` for ``text``, cut the same way the model's vectorizer cuts it."""
        return [(token, token in self._index) for token in self._tokenize(text)]

    def token_index(self, token: str) -> int:
        """The token's row in the vocabulary; 1 (``[UNK]``) for a word outside it."""
        from embedlab.models.architecture import OOV_INDEX

        return self._index.get(token, OOV_INDEX)

    def token_ids(self, text: str) -> np.ndarray:
        """The model's own vectorizer output for ``text``: ``sequence_length`` ids, 0 = padding, 1 = unknown."""
        import tensorflow as tf

        return self.vectorizer(tf.constant([text]))[0].numpy()

    def predict_batch(self, texts: list[str]):
        """A DataFrame with one row per text: text, label and one probability column per class.

        Blank texts are scored as empty strings would be; each text is cut to
        ``MAX_CHARACTERS``. More than ``MAX_BATCH_ROWS`` texts are refused.
        """
        import pandas as pd

        if len(texts) > MAX_BATCH_ROWS:
            raise EmbedLabError(
                f"{len(texts):,} texts is more than the {MAX_BATCH_ROWS:,} scored at once; split the file"
            )
        texts = [str(text)[:MAX_CHARACTERS] for text in texts]
        probabilities = self.predict_proba(texts)
        labels = [self.class_names[i] for i in np.argmax(probabilities, axis=1)] if len(texts) else []
        table = pd.DataFrame({"text": texts, "label": labels})
        for column, name in enumerate(self.class_names):
            table[f"p({name})"] = probabilities[:, column] if len(texts) else []
        return table

    def _length_notes(self, token_count: int) -> list[str]:
        if self.sequence_length and token_count > self.sequence_length:
            return [
                f"the model reads only the first {self.sequence_length} tokens; the other "
                f"{token_count - self.sequence_length:,} tokens do not change the prediction"
            ]
        return []


def check_text(text: str | None) -> tuple[str, list[str]]:
    """The text to score and notes about it; EmbedLabError if there is nothing to score.

    Example: ``check_text("x" * 30_000)`` → the first 20,000 characters and a note saying so.
    """
    if text is None or not str(text).strip():
        raise EmbedLabError("there is no text to score; type some text (a sentence or a few words)")
    text = str(text)
    if len(text) > MAX_CHARACTERS:
        return text[:MAX_CHARACTERS], [
            f"the text has {len(text):,} characters; only the first {MAX_CHARACTERS:,} were scored"
        ]
    return text, []


def read_batch_texts(data: bytes | str, filename: str = "lines.txt", text_column: str | None = None) -> list[str]:
    """Texts to score from pasted lines, a ``.txt`` file (one per line) or a ``.csv`` file.

    Blank lines are skipped. In a CSV the column named ``text_column`` is used, else a
    column called "text", else the first column.

    Example: ``read_batch_texts("good film\\n\\nbad film")`` → ``["good film", "bad film"]``.
    """
    if isinstance(data, bytes):
        data, _, _ = read_text(data, filename, BATCH_FORMATS)  # every encoding the Data page reads
    if filename.lower().endswith(".csv"):
        import pandas as pd

        try:
            table = pd.read_csv(io.StringIO(data), dtype=str, keep_default_na=False)
        except Exception as error:  # pandas raises several types for malformed CSV
            raise EmbedLabError(f"{filename} could not be read as CSV ({error}); check the file") from None
        if table.empty or len(table.columns) == 0:
            raise EmbedLabError(f"{filename} has no rows; it needs a header and one text per row")
        column = text_column or ("text" if "text" in table.columns else table.columns[0])
        if column not in table.columns:
            raise EmbedLabError(
                f"{filename} has no column '{column}'; columns are {', '.join(map(str, table.columns))}"
            )
        texts = [text for text in table[column].tolist() if text.strip()]
    else:
        texts = [line for line in data.splitlines() if line.strip()]
    if not texts:
        raise EmbedLabError(f"{filename} has no text to score; give one text per line")
    return texts

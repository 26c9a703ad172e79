"""What goes on a word map besides coordinates: which words, their colours, exports.

Used by the Explore page and ``python -m embedlab project``; no Streamlit here.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from embedlab.errors import EmbedLabError
from embedlab.maps.projection import MAX_WORDS
from embedlab.vectors.word_vectors import WordVectors


@dataclass
class WordChoice:
    """The words to map and what a reader should know about how they were picked."""

    words: list[str]
    notes: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


def top_words(vectors: WordVectors, n: int) -> WordChoice:
    """The ``n`` most frequent words; ``n`` beyond the vocabulary is clamped, with a note."""
    n = int(n)
    if n < 1:
        raise EmbedLabError(f"the number of words must be at least 1; got {n}")
    if n > MAX_WORDS:
        raise EmbedLabError(f"{n:,} words is more than the {MAX_WORDS:,} a map can show; pick {MAX_WORDS:,} or fewer")
    notes = []
    if n > len(vectors):
        notes.append(f"{vectors.name} has only {len(vectors):,} words, so all {len(vectors):,} are mapped "
                     f"(not {n:,})")
        n = len(vectors)
    return WordChoice(list(vectors.words[:n]), notes)


def pasted_words(vectors: WordVectors, text: str) -> WordChoice:
    """Words from pasted text (separated by spaces, commas or new lines), first occurrence kept.

    Unknown words are listed in ``unknown`` and left out; none known → EmbedLabError.
    """
    asked = list(dict.fromkeys(word for word in re.split(r"[\s,;]+", text or "") if word))
    if not asked:
        raise EmbedLabError("the word list is empty; paste words separated by spaces, commas or new lines")
    known = [word for word in asked if word in vectors]
    if not known:
        lowered = [word.lower() for word in asked if word.lower() in vectors]
        hint = " — this vocabulary is lower-case, try lower-case words" if lowered else ""
        raise EmbedLabError(f"none of the {len(asked)} pasted words is in {vectors.name}{hint}")
    unknown = [word for word in asked if word not in vectors]
    notes = []
    in_lower_case = [word for word in unknown if word.lower() in vectors and word.lower() not in asked]
    if in_lower_case:
        shown = ", ".join(word.lower() for word in in_lower_case[:20]) + (" …" if len(in_lower_case) > 20 else "")
        notes.append(f"{vectors.name} has these in lower case: {shown} — paste them that way to map them")
    if len(known) > MAX_WORDS:
        notes.append(f"{len(known):,} known words pasted; the first {MAX_WORDS:,} are mapped")
        known = known[:MAX_WORDS]
    return WordChoice(known, notes, unknown)


def dataset_words(vectors: WordVectors, texts: list[str], n: int = MAX_WORDS) -> WordChoice:
    """The dataset's own words that ``vectors`` knows, most frequent in the dataset first (at most ``n``)."""
    from embedlab.text import tokenize

    counts = Counter(token for text in texts for token in tokenize(text))
    if not counts:
        raise EmbedLabError("the dataset has no words; load a dataset with text on the Data page")
    ranked = [word for word, _ in counts.most_common() if word in vectors]
    if not ranked:
        raise EmbedLabError(f"none of the dataset's {len(counts):,} words is in {vectors.name}; pick another source")
    notes = [f"{len(ranked):,} of the dataset's {len(counts):,} distinct words have vectors in {vectors.name}"]
    if len(ranked) > n:
        notes.append(f"the {n:,} most frequent in the dataset are mapped")
        ranked = ranked[:n]
    return WordChoice(ranked, notes)


def neighbourhood_words(vectors: WordVectors, query: str, k: int = 200) -> WordChoice:
    """``query`` and its ``k`` nearest words by cosine similarity."""
    query = (query or "").strip()
    row = vectors.index(query)
    k = max(1, min(int(k), len(vectors) - 1, MAX_WORDS - 1))
    similarities = vectors.unit_vectors @ vectors.unit_vectors[row]
    similarities[row] = np.inf
    nearest = np.argpartition(-similarities, k)[: k + 1]
    nearest = nearest[np.argsort(-similarities[nearest], kind="stable")]
    return WordChoice([vectors.words[i] for i in nearest], [f"'{query}' and its {k} nearest words (cosine)"])


def clusters(vectors: np.ndarray, n_clusters: int = 8, seed: int = 0) -> np.ndarray:
    """KMeans cluster of each word on its unit vector (cosine-like), seeded."""
    from sklearn.cluster import KMeans

    n_clusters = max(1, min(int(n_clusters), len(vectors)))
    unit = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    return KMeans(n_clusters=n_clusters, n_init=3, random_state=seed).fit_predict(unit)


def class_log_odds(texts: list[str], labels: np.ndarray, class_names: list[str], words: list[str],
                   positive: str | None = None) -> np.ndarray:
    """log((count in positive texts + 1) / (count in other texts + 1)), per word, counts normalised by size.

    ``positive`` defaults to a class called "positive", else the last class. A word
    never seen in the dataset scores 0 (no evidence either way).
    """
    from embedlab.data.labelled import positive_class
    from embedlab.text import tokenize

    positive = positive or positive_class(list(class_names))
    target = list(class_names).index(positive)
    wanted = set(words)
    inside, outside = Counter(), Counter()
    for text, label in zip(texts, labels):
        counter = inside if int(label) == target else outside
        counter.update(token for token in tokenize(text) if token in wanted)
    total_in = max(sum(inside.values()), 1)
    total_out = max(sum(outside.values()), 1)
    scale = total_out / total_in  # make the two classes' totals comparable
    return np.array(
        [np.log((inside[w] * scale + 1.0) / (outside[w] + 1.0)) for w in words], dtype=np.float32
    )


def coordinates_table(words: list[str], coords: np.ndarray, extra: dict | None = None):
    """A DataFrame: word, x, y(, z), then any extra columns."""
    import pandas as pd

    table = pd.DataFrame({"word": words})
    for axis, name in enumerate("xyz"[: coords.shape[1]]):
        table[name] = coords[:, axis]
    for column, values in (extra or {}).items():
        table[column] = values
    return table


def projector_tsv(words: list[str], vectors: np.ndarray) -> tuple[bytes, bytes]:
    """TensorFlow Projector files: vectors.tsv (one row of numbers per word) and metadata.tsv (the words)."""
    buffer = io.StringIO()
    np.savetxt(buffer, np.asarray(vectors, dtype=np.float32), delimiter="\t", fmt="%.6g")
    # One word per line, no header (a single-column metadata file must not have one).
    metadata = "\n".join(word.replace("\t", " ").replace("\n", " ") for word in words) + "\n"
    return buffer.getvalue().encode("utf-8"), metadata.encode("utf-8")

"""Which words go on a map: the most frequent, a pasted list, a dataset's own, a word's neighbourhood.

Each choice says what a reader should know about how it was made (clamped counts, unknown
words, words known only in lower case). Used by the Explore page and ``python -m embedlab project``.
"""

from __future__ import annotations

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

    def unknown_message(self, source_name: str, limit: int | None = 50) -> str | None:
        """One line naming the words left out for having no vector (the first ``limit`` of them); None if none."""
        if not self.unknown:
            return None
        shown = self.unknown if limit is None else self.unknown[:limit]
        more = " …" if len(shown) < len(self.unknown) else ""
        return (f"{len(self.unknown)} word(s) are not in {source_name} and were left out: "
                f"{', '.join(shown)}{more}")


def most_frequent_words(vectors: WordVectors, n: int) -> WordChoice:
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

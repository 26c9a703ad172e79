"""One word map, as the Explore page shows it and ``python -m embedlab project`` writes it.

``build_map`` takes words of a vector set to a ``WordMap``: coordinates (UMAP or PCA), each
word's nearest words in the original space (shown on hover and for a found word), the words
worth labelling, a title, and trustworthiness when asked. The page caches the ``WordMap``
and measures trust once the map is on screen (``map_trust``); the command does it all at once.

Example:
    >>> word_map = build_map(glove, glove.words[:2_000], MapParams(method="umap"))   # doctest: +SKIP
    >>> word_map.table().columns.tolist(), round(word_map.projection.trustworthiness, 2)  # doctest: +SKIP
    (['word', 'x', 'y'], 0.93)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import cached_property

import numpy as np

from embedlab.errors import EmbedLabError
from embedlab.maps.colouring import Colouring
from embedlab.maps.projection import (EXACT_NEIGHBOURS_UP_TO, Projection, check_parameters, map_trustworthiness,
                                       project)
from embedlab.vectors.word_vectors import WordVectors

NEIGHBOURS_SHOWN = 5  # nearest words listed for each point
LABELLED = 30  # words written on the map


@dataclass(frozen=True)
class MapParams:
    """How to draw a map, in umap's own words; the UMAP-only ones are ignored for PCA."""

    method: str = "umap"
    n_components: int = 2
    n_neighbors: int = 15
    min_dist: float = 0.1
    metric: str = "cosine"
    random_state: int = 0

    def arguments(self) -> dict:
        """The keyword arguments of ``project`` that make this map (only those that change it)."""
        if self.method == "pca":
            return {"method": "pca", "n_components": self.n_components, "metric": self.metric}
        return asdict(self)

    def key(self) -> tuple:
        """A hashable identity of the map these parameters draw (for caches)."""
        return tuple(sorted(self.arguments().items()))

    def check(self, n_points: int) -> None:
        """Raise EmbedLabError, worded for a person, if ``n_points`` words cannot be mapped so."""
        check_parameters(n_points, self.method, self.n_components, self.n_neighbors, self.min_dist, self.metric)

    def preview(self) -> MapParams:
        """PCA in the same dimensions and metric: a map that is ready at once, to show while UMAP runs."""
        return MapParams("pca", self.n_components, metric=self.metric)

    def describe(self) -> str:
        return f"{self.method.upper()} {self.n_components}D"


@dataclass
class WordMap:
    """A map of words and what goes on it besides coordinates.

    Attributes:
        words: the mapped words, in their order (most frequent first where the source is).
        projection: coordinates and how far to trust them.
        neighbours: ``(n, topn)`` rows of each word's nearest words in the original space, or None.
        labelled: the words to write next to their points (frequent ones, spread out).
        title: source, number of words, method.
    """

    words: list[str]
    projection: Projection
    neighbours: np.ndarray | None
    labelled: list[str]
    title: str

    @property
    def coords(self) -> np.ndarray:
        return self.projection.coords

    @cached_property
    def _rows(self) -> dict[str, int]:
        return {word: row for row, word in enumerate(self.words)}

    def table(self):
        """A DataFrame: word, x, y(, z)."""
        import pandas as pd

        table = pd.DataFrame({"word": self.words})
        for axis, name in enumerate("xyz"[: self.coords.shape[1]]):
            table[name] = self.coords[:, axis]
        return table

    def csv(self) -> str:
        """``table()`` as CSV text to save or download, safe to open in a spreadsheet: a word a spreadsheet would
        run as a formula (``=…``, ``+…``, ``-…``, ``@…``) gets a leading quote (``embedlab.data.spreadsheet``)."""
        from embedlab.data.spreadsheet import spreadsheet_csv

        return spreadsheet_csv(self.table())

    def nearest(self, word: str, vectors: WordVectors) -> list[str]:
        """``word``'s nearest words among the mapped ones; EmbedLabError saying why when it is not on the map."""
        if word in self._rows and self.neighbours is not None:
            return [self.words[j] for j in self.neighbours[self._rows[word]]]
        where = ("is in the vocabulary but not among the mapped words; map more words or pick another"
                 if word in vectors else f"is not in {vectors.name}; pick another word")
        raise EmbedLabError(f"“{word}” {where}")

    def figure(self, colouring: Colouring | None = None, highlight: str | None = None):
        """The Plotly figure: hover lists each word's nearest words; ``highlight`` marks one word and its neighbours."""
        from embedlab.maps.figures import word_map

        if colouring is None:
            return word_map(self.words, self.coords, self.neighbours, labelled=self.labelled, highlight=highlight,
                            title=self.title)
        return word_map(self.words, self.coords, self.neighbours, colouring.values, colouring.label,
                        colouring.categorical, labelled=self.labelled, highlight=highlight, title=self.title,
                        colour_extra=colouring.hover, colour_range=colouring.range)


def build_map(vectors: WordVectors, words: list[str], params: MapParams = MapParams(), *, trust: bool = True,
              topn: int = NEIGHBOURS_SHOWN, progress: Callable[[str, float], None] | None = None,
              exact_up_to: int = EXACT_NEIGHBOURS_UP_TO) -> WordMap:
    """Map ``words`` of ``vectors`` with ``params``.

    Args:
        vectors: the source (a vector set or a run's learned embedding).
        words: the words to map, all known to ``vectors`` (see ``embedlab.maps.words``).
        params: method and settings.
        trust: measure trustworthiness at k=10 (UMAP maps of more than 20 words).
        topn: nearest words to find for each word; 0 for none (a preview, or a map nobody hovers).
        progress: ``progress(stage, done)`` while the map is drawn (see ``embedlab.maps.projection.project``:
            stages "neighbours", "layout", "trust", each from 0.0 to 1.0); None, the default, calls nothing.
        exact_up_to: maps of more words get approximate neighbours (``project``'s switch), also for the
            hover lists; a parameter so tests can cross it with small maps.

    Returns:
        a ``WordMap``. ``word_map.projection.sample_trustworthiness`` (k=15, fixed sample) is always there for
        maps of more than 30 words; ``projection.neighbour_recall`` for maps with approximate neighbours.
    """
    from embedlab.maps.figures import readable_labels

    params.check(len(words))
    subset = vectors.subset(words)
    projection = project(subset.vectors, **params.arguments(), trust=trust, progress=progress,
                         exact_up_to=exact_up_to)
    neighbours = hover_neighbours(subset, projection, topn, exact_up_to) if topn > 0 else None
    labelled = readable_labels(subset.words, projection.coords, LABELLED)
    return WordMap(subset.words, projection, neighbours, labelled, map_title(vectors.name, len(words), params))


def hover_neighbours(subset: WordVectors, projection: Projection, topn: int, exact_up_to: int) -> np.ndarray:
    """Each word's ``topn`` nearest words by cosine in the original space: exact, or NN-descent's past the switch.

    Past ``exact_up_to`` words all pairs would cost as much as the map; a cosine UMAP map's own
    neighbour table already holds them (its first column is the word itself), and other maps search anew.
    """
    from embedlab.maps.umap.neighbours import nearest_neighbours

    if len(subset.words) <= exact_up_to:
        return nearest_neighbours(subset.unit_vectors, topn)
    table = projection.knn_indices
    if table is None or projection.params.get("metric") != "cosine" or table.shape[1] <= topn:
        from embedlab.maps.umap.nn_descent import nn_descent

        table, _ = nn_descent(subset.unit_vectors, min(topn + 1 + 10, len(subset.words) - 1), "cosine")
    return np.ascontiguousarray(table[:, 1:topn + 1])


def map_title(source_name: str, n_words: int, params: MapParams) -> str:
    """"<source>: <n> words, UMAP 2D": what a map is of and how it was drawn."""
    return f"{source_name}: {n_words:,} words, {params.describe()}"


def map_trust(vectors: WordVectors, word_map: WordMap) -> float | None:
    """Trustworthiness at k=10 of a map drawn with ``trust=False``: the number ``build_map`` would have given.

    None for 20 words or fewer (k=10 neighbourhoods would cover half the map). Past the exact-neighbour switch
    (``EXACT_NEIGHBOURS_UP_TO`` words), where k=10 over all words takes minutes, it is the map's k=15
    trustworthiness on its fixed sample (``projection.sample_trustworthiness``), already measured.
    """
    if word_map.projection.trustworthiness is not None:
        return word_map.projection.trustworthiness
    if word_map.projection.neighbour_search == "nn-descent" or len(word_map.words) > EXACT_NEIGHBOURS_UP_TO:
        return word_map.projection.sample_trustworthiness
    return map_trustworthiness(vectors.subset(word_map.words).vectors, word_map.coords,
                               word_map.projection.params["metric"])

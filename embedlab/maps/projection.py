"""Maps of word vectors: UMAP or PCA to 2 or 3 dimensions, with a trust score.

``project`` checks the settings, lays the rows out the same way in memory, and draws the
map: PCA here, UMAP in ``embedlab.maps.umap.layout`` (umap's algorithm on exact neighbours up
to ``EXACT_NEIGHBOURS_UP_TO`` words and NN-descent's past it, seeded and repeatable on any
number of cores). A map comes with its trustworthiness (``embedlab.maps.umap.neighbours``):
the share of neighbourhoods it keeps, at k=15 on a fixed sample for every map, and at k=10 over
all words for UMAP maps with exact neighbours.

Example:
    >>> projection = project(glove.head(5_000).vectors, method="umap")   # doctest: +SKIP
    >>> projection.coords.shape, round(projection.trustworthiness, 2)    # doctest: +SKIP
    ((5000, 2), 0.93)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from embedlab.errors import EmbedLabError
from embedlab.maps.umap.neighbours import (SAMPLE_TRUST_NEIGHBOURS, TRUST_NEIGHBOURS, exact_knn, sample_rows,
                                           sampled_trustworthiness, trustworthiness)
from embedlab.vectors.word_vectors import unit_rows

METHODS = ("umap", "pca")
METRICS = ("cosine", "euclidean")
MAX_WORDS = 100_000
# Up to this many words a UMAP map's neighbours are exact (all pairs); past it they come from NN-descent, since
# all pairs grow with n² (about 60 s at 100,000 words here, bench/journal/2026-12-07.md). Today's maps, all of at
# most 20,000 words, keep their exact neighbours and so stay bit for bit the same (tests/test_same_outputs.py).
EXACT_NEIGHBOURS_UP_TO = 20_000
# Columns NN-descent searches beyond n_neighbors: the nearest n_neighbors of a longer list are found more often
# (recall@15 0.97 with 10 more, 0.96 with 5 more on 100,000 GloVe words).
EXTRA_SEARCHED = 10
# Past the switch the layout refreshes the positions its blocks read this many times per epoch
# (``embedlab.maps.umap.layout.optimize_layout``): at once per epoch, 100,000 words kept about 0.01 less
# trustworthiness (k=15, fixed sample) than with 16 (bench/journal/2026-12-07.md). Maps up to the switch keep 1.
LAYOUT_SUB_STEPS = 16
# Epochs past the switch: umap-learn's own for more than 10,000 points. With tails pulled as umap pulls them
# (``layout_kernels.layout_block``), 100,000 GloVe words keep as much trustworthiness in 200 epochs as umap's map
# (about 0.88 on the fixed sample for both; more epochs did not keep more: bench/journal/2026-12-07.md).
LARGE_MAP_EPOCHS = 200


@dataclass
class Projection:
    """A finished map: coordinates and how far to trust them.

    Attributes:
        coords: float32 array ``(n, n_components)``.
        method: "umap" or "pca".
        params: the parameters that made the map (umap's own words).
        trustworthiness: share of neighbourhoods the map keeps, at k=10 (UMAP only; PCA None).
        explained_variance: for PCA, the share of variance each axis holds.
        seconds: wall time of the map, for the record.
        notes: sentences for the reader about the map (vectors of fewer dimensions than the map has axes).
        sample_trustworthiness: trustworthiness at k=15 measured on a fixed sample of at most 1,000 words
            (``sample_rows``; all words of smaller maps), the number to state beside a large map, where the
            k=10 one over all words would take minutes. UMAP and PCA; None for maps of 30 words or fewer.
        trust_sample: how many words ``sample_trustworthiness`` was measured on.
        neighbour_search: "exact" (all pairs) or "nn-descent" (approximate, past ``EXACT_NEIGHBOURS_UP_TO``
            words); None for PCA.
        neighbour_recall: for "nn-descent", the share of the exact n_neighbors − 1 nearest words (the word
            itself not counted) that the search found, on the same fixed sample; None when exact.
        stage_seconds: wall seconds of each stage: "neighbours", "layout" (graph, start and epochs), "trust".
        knn_indices: ``(n, n_neighbors)`` rows of each word's nearest words in the original space (itself first)
            that the layout used; None for PCA.
    """

    coords: np.ndarray
    method: str
    params: dict = field(default_factory=dict)
    trustworthiness: float | None = None
    explained_variance: list[float] | None = None
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    sample_trustworthiness: float | None = None
    trust_sample: int = 0
    neighbour_search: str | None = None
    neighbour_recall: float | None = None
    stage_seconds: dict[str, float] = field(default_factory=dict)
    knn_indices: np.ndarray | None = field(default=None, repr=False)


def check_parameters(n_points: int, method: str = "umap", n_components: int = 2, n_neighbors: int = 15,
                     min_dist: float = 0.1, metric: str = "cosine") -> None:
    """Raise EmbedLabError, worded for a person, if a map cannot be drawn with these settings."""
    if method not in METHODS:
        raise EmbedLabError(f"method '{method}' is not known; expected one of {', '.join(METHODS)}")
    if metric not in METRICS:
        raise EmbedLabError(f"metric '{metric}' is not known; expected one of {', '.join(METRICS)}")
    if n_components not in (2, 3):
        raise EmbedLabError(f"n_components {n_components} is not supported; pick 2 or 3")
    if n_points > MAX_WORDS:
        raise EmbedLabError(f"{n_points:,} words is more than the {MAX_WORDS:,} a map can show; use fewer words")
    if method == "pca" and n_points < n_components + 1:
        raise EmbedLabError(
            f"only {n_points} word(s) to map; PCA to {n_components}D needs at least {n_components + 1} — add words"
        )
    if method == "umap":
        if n_neighbors < 2:
            raise EmbedLabError(f"n_neighbors {n_neighbors} is too small; UMAP needs at least 2 (15 is usual)")
        if n_points < n_components + 2:  # the spectral start needs more points than its n_components + 1 eigenvectors
            raise EmbedLabError(
                f"only {n_points} word(s) to map; a UMAP map in {n_components}D needs at least {n_components + 2} "
                f"— add words, or pick PCA"
            )
        if n_points <= n_neighbors:
            raise EmbedLabError(
                f"only {n_points} word(s) to map but n_neighbors is {n_neighbors}; UMAP needs more words than "
                f"neighbours — lower n_neighbors below {n_points} or add words"
            )
        if not 0.0 <= min_dist <= 1.0:
            raise EmbedLabError(f"min_dist {min_dist} is out of range; pick 0.0 to 1.0 (0.1 is usual)")


def project(vectors: np.ndarray, method: str = "umap", n_components: int = 2, n_neighbors: int = 15,
            min_dist: float = 0.1, metric: str = "cosine", random_state: int = 0, n_epochs: int | None = None,
            trust: bool = True, progress: Callable[[str, float], None] | None = None,
            exact_up_to: int = EXACT_NEIGHBOURS_UP_TO) -> Projection:
    """Map ``vectors`` to 2 or 3 dimensions with UMAP (seeded) or PCA.

    Args:
        vectors: ``(n, dim)`` array, one row per word.
        method: "umap" or "pca".
        n_components: 2 or 3.
        n_neighbors, min_dist: UMAP's own parameters (local vs global structure; packing).
        metric: "cosine" (angle only, the usual choice for word vectors) or "euclidean".
        random_state: seed; the same inputs and seed give the same map.
        n_epochs: UMAP's optimisation epochs; None picks ``default_epochs()`` (``LARGE_MAP_EPOCHS`` past the switch).
        trust: compute trustworthiness at k=10 over all words for UMAP maps of at most ``exact_up_to`` words
            (the sampled k=15 one, ``Projection.sample_trustworthiness``, is always computed: it is cheap).
        progress: called as ``progress(stage, done)`` from the calling thread while the map is drawn, with
            ``stage`` "neighbours", "layout" or "trust" (in that order; PCA: "layout" only) and ``done`` the
            share of that stage finished, 0.0 to 1.0; for a progress bar. None: no calls.
        exact_up_to: maps of more words than this get approximate neighbours (NN-descent) and no k=10
            trustworthiness over all words; a parameter so tests can cross the switch with small maps.

    Returns:
        a ``Projection``.
    """
    import time

    started = time.perf_counter()
    vectors = np.asarray(vectors)
    if vectors.ndim != 2:
        raise EmbedLabError(f"expected a 2-d array of vectors (words × dimensions), got shape {vectors.shape}")
    check_parameters(len(vectors), method, n_components, n_neighbors, min_dist, metric)
    check_finite(vectors)
    with np.errstate(over="ignore", invalid="ignore"):
        data = _prepared(vectors, metric)
    check_finite(data)  # a length that overflowed float32
    params = {"n_components": n_components, "metric": metric, "random_state": random_state}
    notes = few_dimensions_notes(vectors.shape[1], method, n_components, metric)
    report = progress or (lambda stage, done: None)
    if method == "pca":
        report("layout", 0.0)
        coords, explained = pca(data, n_components)
        report("layout", 1.0)
        stages = {"layout": time.perf_counter() - started}
        return _with_sampled_trust(
            Projection(coords, "pca", params, None, explained, time.perf_counter() - started, notes,
                       stage_seconds=stages), data, metric, report, started)
    from embedlab.maps.umap.layout import umap_layout

    approximate = len(data) > exact_up_to
    n_epochs = n_epochs or (LARGE_MAP_EPOCHS if approximate else default_epochs())
    params.update(n_neighbors=n_neighbors, min_dist=min_dist, n_epochs=n_epochs)
    report("neighbours", 0.0)
    clock = time.perf_counter()
    indices, distances, recall = umap_neighbours(data, n_neighbors, metric, random_state, approximate,
                                                 lambda done: report("neighbours", done))
    report("neighbours", 1.0)
    stages = {"neighbours": time.perf_counter() - clock}
    report("layout", 0.0)
    clock = time.perf_counter()
    coords = umap_layout(data, n_components, n_neighbors, min_dist, metric, random_state, n_epochs,
                         neighbours=(indices, distances), progress=lambda done: report("layout", done),
                         sub_steps=LAYOUT_SUB_STEPS if approximate else 1, quick_start=approximate)
    report("layout", 1.0)
    stages["layout"] = time.perf_counter() - clock
    score = _trust(data, coords, metric) if trust and not approximate else None
    projection = Projection(coords, "umap", params, score, None, 0.0, notes, stage_seconds=stages,
                            neighbour_search="nn-descent" if approximate else "exact", neighbour_recall=recall,
                            knn_indices=indices)
    return _with_sampled_trust(projection, data, metric, report, started)


def umap_neighbours(data: np.ndarray, n_neighbors: int, metric: str, random_state: int | None, approximate: bool,
                    progress: Callable[[float], None] | None = None) -> tuple[np.ndarray, np.ndarray, float | None]:
    """The neighbour table a UMAP map is laid out from: exact, or NN-descent's with its recall on the fixed sample.

    Returns ``(indices, distances, recall)`` in ``exact_knn``'s format; recall is None for exact neighbours.
    """
    if not approximate:
        indices, distances = exact_knn(data, n_neighbors, metric)
        return indices, distances, None
    from embedlab.maps.umap.nn_descent import neighbour_recall, nn_descent

    searched = min(n_neighbors + EXTRA_SEARCHED, len(data) - 1)
    seed = 0 if random_state is None else int(random_state)
    indices, distances = nn_descent(data, searched, metric, seed=seed, progress=progress)
    indices = np.ascontiguousarray(indices[:, :n_neighbors])
    distances = np.ascontiguousarray(distances[:, :n_neighbors])
    return indices, distances, neighbour_recall(data, indices, metric, sample_rows(len(data)))


def _with_sampled_trust(projection: Projection, data: np.ndarray, metric: str, report, started: float) -> Projection:
    """``projection`` with its k=15 trustworthiness on the fixed sample, that stage's time, and the total time."""
    import time

    report("trust", 0.0)
    clock = time.perf_counter()
    if len(data) > 2 * SAMPLE_TRUST_NEIGHBOURS:
        rows = sample_rows(len(data))
        projection.sample_trustworthiness = sampled_trustworthiness(data, projection.coords,
                                                                    SAMPLE_TRUST_NEIGHBOURS, metric, rows)
        projection.trust_sample = len(rows)
    projection.stage_seconds["trust"] = time.perf_counter() - clock
    report("trust", 1.0)
    projection.seconds = time.perf_counter() - started
    return projection


def few_dimensions_notes(dim: int, method: str, n_components: int, metric: str) -> list[str]:
    """What a map of ``dim``-dimensional vectors cannot show, when they have fewer dimensions than it has axes."""
    notes = []
    if method == "pca" and dim < n_components:
        where = "on a line (y = 0)" if dim == 1 else "on a plane (z = 0)"
        notes.append(f"the vectors have {dim} dimension{'s' if dim > 1 else ''}, fewer than the map's {n_components}: "
                     f"PCA puts the words {where}, and the missing axes hold nothing")
    if dim == 1 and metric == "cosine":
        notes.append("with the cosine metric, 1-dimensional vectors point only one of two ways, so the words fall on "
                     "two spots (by the sign of their number); pick the euclidean metric to spread them by value")
    return notes


def map_trustworthiness(vectors: np.ndarray, coords: np.ndarray, metric: str = "cosine") -> float | None:
    """Trustworthiness at k=10 of a map of ``vectors``, the number ``project(…, trust=True)`` gives.

    For a map drawn with ``trust=False`` and measured later (a page shows the map first).
    None for 20 points or fewer, where k=10 neighbourhoods cover half the map.
    """
    return _trust(_prepared(np.asarray(vectors), metric), coords, metric)


def _prepared(vectors: np.ndarray, metric: str) -> np.ndarray:
    """The rows a map is drawn from: float32, row by row in memory, unit length for "cosine".

    The GloVe package's matrix is Fortran-ordered, and row norms summed down its columns
    differ in the last bit from those of the same rows held row by row, which the layout
    magnifies into another map. One layout, one map.
    """
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    return unit_rows(vectors) if metric == "cosine" else vectors


def check_finite(data: np.ndarray) -> None:
    """Refuse rows holding NaN or infinite numbers (or ones that overflowed on the way): no map can place them.

    Vector files are cleaned when read (``embedlab.vectors.rows``); this guards every other source.
    """
    finite = np.isfinite(data).all(axis=1)
    if not finite.all():
        bad = int((~finite).sum())
        raise EmbedLabError(
            f"{bad:,} of the {len(data):,} vectors to map hold NaN or infinite numbers (or numbers too large for "
            "float32); a map cannot place them — leave those words out, or fix the vectors they come from"
        )


def _trust(data: np.ndarray, coords: np.ndarray, metric: str) -> float | None:
    return trustworthiness(data, coords, TRUST_NEIGHBOURS, metric) if len(data) > 2 * TRUST_NEIGHBOURS else None


def default_epochs() -> int:
    """Epochs for a map up to the exact-neighbour switch: 250 at every size, where umap's defaults are 500 up to
    10,000 points and 200 above (past the switch: ``LARGE_MAP_EPOCHS``).

    Chosen on the most frequent GloVe 50d words (spectral start, exact neighbours, k=10
    cosine trustworthiness, seeds 0-2) against umap-learn's defaults: fewer epochs lose
    neighbourhoods that umap's map keeps, and more cost layout time (the main cost of a
    map, growing with the epochs) without keeping more. The measurements are in
    ``bench/journal/2026-11-25.md``.
    """
    return 250


def pca(data: np.ndarray, n_components: int = 2) -> tuple[np.ndarray, list[float]]:
    """Principal components of ``data`` (centred), and the share of variance on each axis.

    ``data`` of fewer dimensions than ``n_components`` gets its missing axes as zeros (1-d vectors on a line).
    """
    centred = data - data.mean(axis=0, keepdims=True)
    _, singular, components = np.linalg.svd(centred.astype(np.float64), full_matrices=False)
    coords = centred @ components[:n_components].T
    # Fix each axis's sign (largest loading positive) so maps do not flip between runs.
    signs = np.sign(components[:n_components, np.argmax(np.abs(components[:n_components]), axis=1)].diagonal())
    coords = coords * np.where(signs == 0, 1, signs)
    variance = singular**2
    explained = (variance[:n_components] / variance.sum()).tolist() if variance.sum() > 0 else [0.0] * n_components
    missing = n_components - coords.shape[1]
    if missing > 0:  # fewer dimensions than axes (1-d vectors): the axes beyond them are flat, holding no variance
        coords = np.pad(coords, ((0, 0), (0, missing)))
        explained += [0.0] * (n_components - len(explained))
    return coords.astype(np.float32), explained


def warm_up(n_points: int = 300, dim: int = 50) -> float:
    """Draw one small map of random points so every numba kernel a map needs is compiled (or loaded).

    Called in a background thread at server start (``embedlab_ui.maps``), so the first
    visitor's map does not wait for numba. Returns the seconds it took.
    """
    import time

    started = time.perf_counter()
    data = np.random.default_rng(0).normal(size=(n_points, dim)).astype(np.float32)
    for n_components in (2, 3):
        project(data, "umap", n_components=n_components, n_epochs=10)
        # past the switch too: NN-descent and the sub-stepped layout, a few seconds compiled once
        project(data, "umap", n_components=n_components, n_epochs=10, exact_up_to=n_points // 2)
    exact_knn(unit_rows(data), 6, "euclidean")
    return time.perf_counter() - started

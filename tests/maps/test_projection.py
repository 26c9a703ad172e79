"""Projections, trustworthiness, alignment and learned embeddings: checked against references."""

import numpy as np
import pytest

from embedlab.errors import EmbedLabError
from embedlab.maps.alignment import align, compare
from embedlab.maps.colouring import class_log_odds
from embedlab.maps.umap.neighbours import exact_knn, nearest_neighbours, trustworthiness
from embedlab.maps.pipeline import MapParams, build_map, map_trust
from embedlab.maps.projection import project
from embedlab.maps.sentiment_axis import sentiment_axes, sentiment_axis, sentiment_direction, words_the_model_knows
from embedlab.maps.words import dataset_words, most_frequent_words, neighbourhood_words, pasted_words
from embedlab.models.learned import learned_embedding, word_scores
from embedlab.vectors.word_vectors import unit_rows


@pytest.fixture(scope="module")
def glove_2000(glove):
    return glove.head(2_000)


@pytest.mark.parametrize("method, n_components", [("umap", 2), ("umap", 3), ("pca", 2), ("pca", 3)])
def test_shape_and_trust_fields(method, n_components):
    data = np.random.default_rng(1).normal(size=(120, 20)).astype(np.float32)
    projection = project(data, method=method, n_components=n_components, n_epochs=30)
    assert projection.coords.shape == (120, n_components) and projection.coords.dtype == np.float32
    assert np.isfinite(projection.coords).all()
    if method == "umap":
        assert 0.0 < projection.trustworthiness <= 1.0 and projection.explained_variance is None
    else:
        assert projection.trustworthiness is None and len(projection.explained_variance) == n_components


def test_same_seed_same_map_and_another_seed_another(glove):
    data = glove.head(800).vectors
    first = project(data, random_state=3, n_epochs=60)
    again = project(data, random_state=3, n_epochs=60)
    other = project(data, random_state=4, n_epochs=60)
    np.testing.assert_array_equal(first.coords, again.coords)
    assert first.trustworthiness == again.trustworthiness
    assert not np.array_equal(first.coords, other.coords)


def test_the_same_words_give_the_same_map_however_their_matrix_is_laid_out(glove):
    words = glove.words[:600]
    fortran_ordered = glove.head(600).vectors  # a slice of the package's column-major matrix
    row_ordered = glove.subset(words).vectors  # what the Explore page hands over
    assert not fortran_ordered.flags["C_CONTIGUOUS"] and row_ordered.flags["C_CONTIGUOUS"]
    for method in ("umap", "pca"):
        np.testing.assert_array_equal(project(fortran_ordered, method=method, n_epochs=60).coords,
                                      project(row_ordered, method=method, n_epochs=60).coords)


@pytest.mark.parametrize("n_components", [2, 3])
def test_the_map_is_the_same_on_one_core_as_on_two(glove, n_components):
    import numba

    data = glove.head(1_500).vectors
    threads = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one_core = project(data, n_components=n_components, n_epochs=80, trust=False)
        numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
        two_cores = project(data, n_components=n_components, n_epochs=80, trust=False)
    finally:
        numba.set_num_threads(threads)
    np.testing.assert_array_equal(one_core.coords, two_cores.coords)


def test_umap_layout_keeps_neighbourhoods_as_well_as_umap_learn_on_the_same_words(glove):
    """Our block-parallel layout against umap-learn's own fit with its default epochs, on the same
    3,000 GloVe words and the same (exact) neighbours, so only the layouts differ."""
    import warnings

    from embedlab.maps.umap.library import import_umap

    data = unit_rows(glove.head(3_000).vectors)
    ours = project(data).trustworthiness
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reducer = import_umap().UMAP(metric="cosine", random_state=0, precomputed_knn=exact_knn(data, 15) + (None,))
        theirs_coords = reducer.fit_transform(data)
    theirs = trustworthiness(data, theirs_coords, 10, "cosine")
    assert ours >= theirs - 0.01


def test_fuzzy_graph_equals_umaps_own(glove):
    import warnings

    from embedlab.maps.umap.layout import fuzzy_graph
    from embedlab.maps.umap.library import import_umap

    data = unit_rows(glove.head(1_200).vectors)
    indices, distances = exact_knn(data, 15)
    import_umap()
    from umap.umap_ import fuzzy_simplicial_set

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs, _, _ = fuzzy_simplicial_set(data, 15, np.random.RandomState(0), "cosine", knn_indices=indices,
                                            knn_dists=distances)
    ours = fuzzy_graph(indices, distances)
    assert ours.nnz == theirs.nnz
    np.testing.assert_allclose(ours.toarray(), theirs.toarray(), rtol=1e-6, atol=1e-7)


def test_umap_of_real_glove_keeps_neighbourhoods(glove_2000):
    projection = project(glove_2000.vectors)
    assert projection.trustworthiness >= 0.85
    # And the number is sklearn's own definition, computed exactly.
    from sklearn.manifold import trustworthiness as sklearn_trustworthiness

    reference = sklearn_trustworthiness(unit_rows(glove_2000.vectors), projection.coords, n_neighbors=10,
                                        metric="cosine")
    assert projection.trustworthiness == pytest.approx(reference, abs=1e-4)


@pytest.mark.parametrize("metric", ["euclidean", "cosine"])
@pytest.mark.parametrize("n_points, k", [(60, 5), (700, 10)])  # 700 > one 512-row chunk
def test_chunked_trustworthiness_equals_sklearn(metric, n_points, k):
    from sklearn.manifold import trustworthiness as sklearn_trustworthiness

    rng = np.random.default_rng(n_points)
    data = rng.normal(size=(n_points, 12))
    embedded = data[:, :2] + rng.normal(scale=0.7, size=(n_points, 2))
    ours = trustworthiness(data, embedded, k, metric)
    assert ours == pytest.approx(sklearn_trustworthiness(data, embedded, n_neighbors=k, metric=metric), rel=1e-12)


def test_a_perfect_map_is_fully_trustworthy():
    data = np.random.default_rng(0).normal(size=(100, 2))
    assert trustworthiness(data, data * 3.0, 10) == pytest.approx(1.0)


@pytest.mark.parametrize("metric", ["cosine", "euclidean"])
def test_exact_knn_matches_brute_force_with_self_first(metric):
    data = unit_rows(np.random.default_rng(2).normal(size=(600, 8)).astype(np.float32))
    if metric == "euclidean":
        data = data * np.random.default_rng(3).uniform(0.5, 2, size=(600, 1)).astype(np.float32)
    data[5] = data[4]  # a duplicate must not push the row itself from position 0
    indices, distances = exact_knn(data, 7, metric)
    assert (indices[:, 0] == np.arange(600)).all() and (distances[:, 0] == 0).all()
    if metric == "cosine":
        full = 1.0 - data.astype(np.float64) @ data.T.astype(np.float64)
    else:
        full = np.linalg.norm(data[:, None, :].astype(np.float64) - data[None, :, :], axis=2)
    np.fill_diagonal(full, -1)
    expected = np.sort(full, axis=1)[:, 1:7]
    np.testing.assert_allclose(distances[:, 1:], np.maximum(expected, 0), atol=1e-5)
    assert (np.diff(distances, axis=1) >= -1e-6).all()


@pytest.mark.parametrize("n_points, n_neighbors, method, words", [
    (10, 15, "umap", ["only 10 word(s)", "lower n_neighbors below 10", "add words"]),
    (15, 15, "umap", ["only 15 word(s)", "n_neighbors is 15"]),
    (2, 2, "pca", ["only 2 word(s)", "PCA to 2D needs at least 3"]),
    # UMAP's spectral start needs more points than eigenvectors: 3 words in 2D, 4 in 3D are too few.
    (3, 2, "umap", ["only 3 word(s)", "a UMAP map in 2D needs at least 4", "or pick PCA"]),
    (1, 15, "umap", ["only 1 word(s)", "a UMAP map in 2D needs at least 4"]),
])
def test_too_few_words_is_explained(n_points, n_neighbors, method, words):
    data = np.random.default_rng(0).normal(size=(n_points, 5))
    with pytest.raises(EmbedLabError) as error:
        project(data, method=method, n_neighbors=n_neighbors)
    for fragment in words:
        assert fragment in str(error.value)


def test_the_fewest_words_umap_can_map_are_mapped():
    data = np.random.default_rng(0).normal(size=(5, 8))
    assert project(data, n_components=2, n_neighbors=2, n_epochs=20).coords.shape == (5, 2)
    assert project(data, n_components=3, n_neighbors=2, n_epochs=20).coords.shape == (5, 3)
    with pytest.raises(EmbedLabError, match="a UMAP map in 3D needs at least 5"):
        project(data[:4], n_components=3, n_neighbors=2)


@pytest.mark.parametrize("bad, fragment", [
    ({"method": "tsne"}, "method 'tsne' is not known"),
    ({"metric": "manhattan"}, "metric 'manhattan' is not known"),
    ({"n_components": 4}, "pick 2 or 3"),
    ({"min_dist": 2.0}, "min_dist 2.0 is out of range"),
])
def test_bad_parameters_are_refused(bad, fragment):
    with pytest.raises(EmbedLabError, match=fragment):
        project(np.random.default_rng(0).normal(size=(40, 5)), **bad)


def test_align_recovers_a_known_rotation():
    rng = np.random.default_rng(7)
    source = rng.normal(size=(200, 16))
    rotation, _ = np.linalg.qr(rng.normal(size=(16, 16)))
    recovered, aligned = align(source, source @ rotation)
    np.testing.assert_allclose(recovered, rotation, atol=1e-10)
    np.testing.assert_allclose(aligned, source @ rotation, atol=1e-10)
    np.testing.assert_allclose(recovered @ recovered.T, np.eye(16), atol=1e-10)


def test_compare_finds_the_one_word_that_moved(tiny_vectors):
    from embedlab.vectors.word_vectors import WordVectors

    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(50)]
    first = WordVectors(words, rng.normal(size=(50, 10)).astype(np.float32), name="a")
    rotation, _ = np.linalg.qr(rng.normal(size=(10, 10)))
    moved = first.vectors @ rotation
    moved[7] = rng.normal(size=10)  # w7 moves; the rest only rotate
    second = WordVectors(words, moved.astype(np.float32), name="b")
    comparison = compare(first, second, words + ["not-there"])
    assert comparison.words == words
    assert comparison.most_moved(1)[0][0] == "w7"
    assert np.median(comparison.moved) < 0.05
    # One map of both: each word twice; the figure, the moves and the table read from its coordinates.
    both = comparison.stacked()
    assert both.words[:2] == ["w0 (1)", "w1 (1)"] and both.words[50] == "w0 (2)" and both.name == "a + b"
    coords = np.arange(200, dtype=np.float32).reshape(100, 2)
    table = comparison.table(coords)
    assert table.columns.tolist() == ["word", "x_first", "y_first", "x_second", "y_second",
                                      "cosine distance after alignment"]
    assert table.iloc[1].tolist()[:5] == ["w1", 2.0, 3.0, 102.0, 103.0]
    assert comparison.moved_table(3)["word"].tolist()[0] == "w7"
    assert comparison.figure(coords).layout.title.text == "a → b"
    with pytest.raises(EmbedLabError, match="only 0 of the 2 words are in both"):
        compare(first, tiny_vectors, ["w1", "king"])


def test_learned_embedding_equals_the_layer_weights(tiny_run):
    from embedlab.models.architecture import embedding_layer, vectorizer_layer

    model = tiny_run.load_model()
    learned = learned_embedding(tiny_run)
    vocabulary = vectorizer_layer(model).get_vocabulary()
    weights = embedding_layer(model).get_weights()[0]
    assert vocabulary[:2] == ["", "[UNK]"]
    assert learned.words == vocabulary[2:]
    np.testing.assert_array_equal(learned.vectors, weights[2:])
    assert "wonderful" in learned and learned.name.endswith("(learned)")


def test_a_model_without_an_embedding_layer_is_refused():
    import keras

    inputs = keras.Input(shape=(4,))
    model = keras.Model(inputs, keras.layers.Dense(1)(inputs))
    with pytest.raises(EmbedLabError, match="no Embedding layer"):
        learned_embedding(model)


def test_word_scores_and_sentiment_direction_follow_the_model(tiny_run):
    from embedlab.models.prediction import Predictor

    predictor = Predictor.from_run(tiny_run)
    words = ["wonderful", "beautiful", "brilliant", "great", "awful", "boring", "terrible", "dull"]
    scores = word_scores(predictor, words)
    assert scores[:4].min() > 0.5 > scores[4:].max()
    learned = learned_embedding(tiny_run).subset(words)
    direction = sentiment_direction(learned.vectors, scores)
    coords = sentiment_axes(learned.vectors, direction)
    assert coords.shape == (8, 2)
    assert coords[:4, 0].mean() > coords[4:, 0].mean()  # positive words sit to the right

    axis = sentiment_axis(learned_embedding(tiny_run), words, scores)
    np.testing.assert_array_equal(axis.coords, coords)
    assert axis.table().columns.tolist() == ["word", "sentiment axis", "orthogonal axis", "p(positive) alone"]
    assert len(axis.figure().layout.annotations) == 8  # the 15 most extreme of each end, here every word


def test_a_sentiment_axis_keeps_the_words_the_model_knows(tiny_run, glove):
    learned = learned_embedding(tiny_run)
    choice = words_the_model_knows(["wonderful", "zebra", "awful", "film", "boring"], learned, "tiny")
    assert choice.words == ["wonderful", "awful", "film", "boring"]
    assert choice.notes == ["4 of the 5 words are in tiny's vocabulary; the others would all read as the same "
                            "unknown token, so they are left out."]
    with pytest.raises(EmbedLabError, match="only 1 of these words are in tiny's vocabulary"):
        words_the_model_knows(["wonderful", "zebra"], learned, "tiny")


def test_word_choices_explain_what_they_did(glove, tiny_vectors):
    assert most_frequent_words(tiny_vectors, 500).notes == ["tiny has only 6 words, so all 6 are mapped (not 500)"]
    with pytest.raises(EmbedLabError, match="more than the 100,000"):
        most_frequent_words(glove, 100_001)
    choice = pasted_words(tiny_vectors, "king, queen\nzebra  king qqq")
    assert choice.words == ["king", "queen"] and choice.unknown == ["zebra", "qqq"]
    with pytest.raises(EmbedLabError, match="none of the 2 pasted words"):
        pasted_words(tiny_vectors, "zebra qqq")
    assert choice.unknown_message("tiny") == "2 word(s) are not in tiny and were left out: zebra, qqq"
    assert choice.unknown_message("tiny", limit=1) == "2 word(s) are not in tiny and were left out: zebra …"
    assert choice.unknown_message("tiny", limit=None).endswith(": zebra, qqq")
    assert most_frequent_words(tiny_vectors, 3).unknown_message("tiny") is None
    capitalised = pasted_words(glove, "Paris france Berlin berlin")
    assert capitalised.words == ["france", "berlin"] and capitalised.unknown == ["Paris", "Berlin"]
    assert capitalised.notes == ["GloVe 6B 50d has these in lower case: paris — paste them that way to map them"]
    near = neighbourhood_words(glove, "king", 10)
    assert near.words[0] == "king" and "queen" in near.words and len(near.words) == 11
    with pytest.raises(EmbedLabError, match="'kingg' is not in the vocabulary"):
        neighbourhood_words(glove, "kingg", 10)
    assert dataset_words(tiny_vectors, ["the king and the queen", "king apple"]).words == ["king", "queen", "apple"]


def test_class_log_odds_leans_the_right_way():
    texts = ["good good film", "good fun", "bad film", "bad bad awful"]
    values = class_log_odds(texts, np.array([1, 1, 0, 0]), ["negative", "positive"], ["good", "bad", "film", "x"])
    assert values[0] > 0 > values[1] and values[2] == pytest.approx(0.0) and values[3] == 0.0


def test_colourings_say_what_their_colour_means():
    from embedlab.maps.colouring import cluster_colouring, list_colouring, log_odds_colouring, score_colouring

    texts = ["good good film", "good fun", "bad film", "bad bad awful"]
    # "positive" is the first class here: the note names the class the values lean towards, not the last one.
    leaning = log_odds_colouring(texts, np.array([0, 0, 1, 1]), ["positive", "negative"], ["good", "bad"], "reviews")
    assert leaning.values[0] > 0 > leaning.values[1] and "“positive” texts" in leaning.note
    assert leaning.hover[0].startswith("dataset log-odds +") and not leaning.categorical
    marked = list_colouring(["good", "bad", "film"], "good,  film")
    assert marked.values.tolist() == ["in the list", "other", "in the list"] and marked.categorical
    scored = score_colouring(np.array([0.9, 0.2]), "tiny run")
    assert scored.label == "p(positive)" and scored.hover == ["model: p(positive) 0.90", "model: p(positive) 0.20"]
    assert "tiny run's model" in scored.note
    points = np.vstack([np.random.default_rng(0).normal(loc, 0.1, size=(20, 4)) for loc in (-5, 5)])
    clustered = cluster_colouring(points, 2)
    assert sorted(set(clustered.values)) == ["cluster 1", "cluster 2"]
    assert len(set(clustered.values[:20])) == 1 and clustered.values[0] != clustered.values[-1]


def test_build_map_is_project_of_the_words_with_neighbours_labels_and_title(glove):
    """The one pipeline of the Explore page and ``python -m embedlab project``."""
    words = glove.words[:400]
    params = MapParams(n_neighbors=10, random_state=2)
    word_map = build_map(glove, words, params)
    expected = project(glove.subset(words).vectors, n_neighbors=10, random_state=2)
    np.testing.assert_array_equal(word_map.coords, expected.coords)
    assert word_map.projection.trustworthiness == expected.trustworthiness
    # Drawn first and measured later (as the page does), the map gets the same score.
    later = build_map(glove, words, params, trust=False)
    assert later.projection.trustworthiness is None and map_trust(glove, later) == expected.trustworthiness
    np.testing.assert_array_equal(word_map.neighbours, nearest_neighbours(glove.subset(words).unit_vectors, 5))
    assert word_map.title == "GloVe 6B 50d: 400 words, UMAP 2D"
    assert word_map.labelled[0] == "first" and len(word_map.labelled) == 30  # telling words: no "the", ","
    assert word_map.table().columns.tolist() == ["word", "x", "y"] and word_map.table()["word"].tolist() == words


def test_a_word_map_finds_words_and_says_why_one_is_missing(glove):
    from embedlab.maps.colouring import list_colouring

    words = glove.words[:300]
    word_map = build_map(glove, words, MapParams("pca", 3))
    assert word_map.title.endswith("PCA 3D") and word_map.coords.shape == (300, 3)
    row = words.index("year")
    assert word_map.nearest("year", glove) == [words[j] for j in word_map.neighbours[row]]
    with pytest.raises(EmbedLabError, match="“king” is in the vocabulary but not among the mapped words"):
        word_map.nearest("king", glove)
    with pytest.raises(EmbedLabError, match="“zzqx” is not in GloVe 6B 50d"):
        word_map.nearest("zzqx", glove)
    figure = word_map.figure(list_colouring(words, "the year"), highlight="year")
    assert [trace.name for trace in figure.data][:2] == ["in the list", "other"]
    assert list(figure.data[-1].customdata)[0] == "year" and len(figure.data[-1].customdata) == 6
    assert build_map(glove, words, MapParams("pca"), topn=0).neighbours is None


def test_map_params_name_the_map_they_draw():
    assert MapParams("pca", n_neighbors=5, random_state=9).key() == MapParams("pca").key()
    assert MapParams(n_neighbors=5).key() != MapParams().key()
    assert MapParams(n_components=3, metric="euclidean").preview() == MapParams("pca", 3, metric="euclidean")
    with pytest.raises(EmbedLabError, match="only 10 word\\(s\\) to map but n_neighbors is 15"):
        MapParams().check(10)


def test_two_visitors_drawing_maps_at_once_get_the_maps_they_would_get_alone(glove):
    """Streamlit runs each visitor's script in its own thread; the parallel kernels must not mix them."""
    from concurrent.futures import ThreadPoolExecutor

    sets = [glove.head(1_000).vectors, glove.vectors[1_000:2_000]]
    alone = [project(data, n_epochs=60).coords for data in sets]
    for _ in range(3):  # a race shows only sometimes: give it several chances
        with ThreadPoolExecutor(max_workers=2) as pool:
            together = list(pool.map(lambda data: project(data, n_epochs=60).coords, sets))
        for one, other in zip(alone, together):
            np.testing.assert_array_equal(one, other)


def test_a_map_drawn_in_another_thread_waits_for_blas_and_comes_out_the_same(glove):
    """threadpoolctl lets one thread at a time limit BLAS; another visitor's map must not run unlimited meanwhile."""
    import threading

    from embedlab.maps.umap.parallel import one_blas_thread

    data = glove.vectors[2_000:2_600]
    alone = project(data, n_epochs=30).coords
    drawn = []
    with one_blas_thread():  # this thread holds the limit, as a visitor's map in its spectral start would
        other = threading.Thread(target=lambda: drawn.append(project(data, n_epochs=30).coords))
        other.start()
        other.join(timeout=0.5)
        assert other.is_alive()  # waiting for its turn, not computing with whatever BLAS was left at
    other.join()
    np.testing.assert_array_equal(drawn[0], alone)

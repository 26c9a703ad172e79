"""The server's warm-up draws the Explore page's first map from the page's own defaults."""

from __future__ import annotations

from types import SimpleNamespace

from embedlab.maps.pipeline import MapParams
from embedlab_ui import maps, warmup
from embedlab_ui import vectors as ui_vectors


def test_the_warm_up_map_follows_the_explore_pages_defaults(monkeypatch, tiny_vectors):
    filled = []
    monkeypatch.setattr(maps, "start_warm_up", lambda: SimpleNamespace(join=lambda: None))
    monkeypatch.setattr(maps, "fill_map_caches", lambda vectors, words, params: filled.append((words, params)))
    monkeypatch.setattr(ui_vectors, "default_vectors", lambda: tiny_vectors)
    monkeypatch.setattr(maps, "EXPLORE_TOP_WORDS", 4)  # a default changed on the page changes the warm-up

    warmup._default_map()

    [(words, params)] = filled
    assert words == tiny_vectors.words[:4]
    settings = maps.map_defaults("explore")  # what the page's map settings start from
    assert (params.method, params.n_components, params.n_neighbors, params.min_dist, params.metric,
            params.random_state) == tuple(settings[f"explore.{name}"] for name in
                                          ("method", "dims", "n_neighbors", "min_dist", "metric", "seed"))
    assert params == MapParams()


def test_the_warm_up_fills_the_caches_the_page_reads(monkeypatch):
    import numpy as np

    from embedlab.vectors.word_vectors import WordVectors

    vectors = WordVectors([f"w{i}" for i in range(60)],
                          np.random.default_rng(0).normal(size=(60, 10)).astype(np.float32), name="random")
    params = MapParams(n_neighbors=5)
    drawn = maps.fill_map_caches(vectors, vectors.words, params)

    def not_again(*args, **kwargs):
        raise AssertionError("computed again: the warm-up filled other cache entries than the page reads")

    monkeypatch.setattr("embedlab.maps.pipeline.build_map", not_again)
    monkeypatch.setattr("embedlab.maps.pipeline.map_trust", not_again)
    assert maps.cached_map(vectors, vectors.words, params.preview(), topn=0).projection.method == "pca"
    word_map = maps.cached_map(vectors, vectors.words, params)
    assert np.array_equal(word_map.coords, drawn.coords)
    assert maps.cached_trust(vectors, word_map) is not None


def test_the_warm_up_ends_by_leaving_what_the_server_loaded_out_of_later_collections():
    import gc
    import weakref

    class Node:
        pass

    assert warmup.STEPS[-1] is warmup._freeze_long_lived  # after every import and cache the warm-up makes
    kept = Node()  # alive when the warm-up ends, like TensorFlow's modules
    left_by_imports = Node()
    left_by_imports.self = left_by_imports  # garbage in a cycle, left before the freeze
    left_by_imports = weakref.ref(left_by_imports)
    try:
        warmup._freeze_long_lived()
        assert left_by_imports() is None  # collected first, not kept forever
        assert gc.get_freeze_count() > 0
        assert any(obj is kept for obj in gc.get_objects()) is False  # frozen: no generation walks it any more
        made_later = Node()
        made_later.self = made_later  # a cycle made after the warm-up (a session's) ...
        made_later = weakref.ref(made_later)
        gc.collect()
        assert made_later() is None  # ... is still collected
    finally:
        gc.unfreeze()

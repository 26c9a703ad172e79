"""Streamlit glue for maps: the numba warm-up at server start, cached maps with a preview, exports, selections.

Finished maps are derived, read-only values, so they live in ``st.cache_data`` keyed by
the source's content fingerprint, a hash of the word list and the parameters (never a
name). A visitor's loaded models and word scores stay in their ``st.session_state``
(``embedlab_ui.runs``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import threading

import streamlit as st

from embedlab.data.spreadsheet import spreadsheet_csv  # words like "=cmd|…" stay inert in a spreadsheet
from embedlab.errors import EmbedLabError
from embedlab.maps.pipeline import NEIGHBOURS_SHOWN, MapParams, WordMap, map_title
from embedlab.vectors.word_vectors import WordVectors
from embedlab_ui import numbers
from embedlab_ui.session import show_error

# The Explore page's "How many (most frequent first)" before a visitor changes it; the server's
# warm-up draws that map (with ``MapParams()``, the settings ``map_defaults`` starts from).
EXPLORE_TOP_WORDS = 2_000
TRUST_NOTE = ("of each word's 10 nearest neighbours on the map, how many are truly near it in the original space, "
              "with far-off intruders penalised more (1.0 = every map neighbourhood is real; above 0.9 is good)")
# Share of the progress bar each stage of a map fills ("trust": the sampled trustworthiness, last and quick).
STAGES = {"neighbours": (0.0, 0.35, "Finding each word's nearest words"), "layout": (0.35, 0.95, "Laying the map out"),
          "trust": (0.95, 1.0, "Measuring how far to trust it")}


@st.cache_resource(show_spinner=False)
def start_warm_up() -> threading.Thread:
    """Compile (or load from numba's cache) every kernel a map needs, once per server process.

    Runs in a daemon thread so the server answers at once; the first visitor who asks for
    a map then finds numba compiled.
    """
    from embedlab.maps.projection import warm_up

    thread = threading.Thread(target=warm_up, name="embedlab-map-warm-up", daemon=True)
    thread.start()
    return thread


def words_key(words: list[str]) -> str:
    """A short hash of the word list, for cache keys."""
    return hashlib.sha1("\n".join(words).encode("utf-8", "surrogatepass")).hexdigest()[:16]


def map_defaults(key: str) -> dict:
    """The map settings' widget keys under ``key`` and their defaults, ``MapParams()``'s (for ``remember``)."""
    params = MapParams()
    return {f"{key}.method": params.method, f"{key}.dims": params.n_components, f"{key}.metric": params.metric,
            f"{key}.n_neighbors": params.n_neighbors, f"{key}.min_dist": params.min_dist,
            f"{key}.seed": params.random_state}


def map_settings(key: str, dimensions: tuple[int, ...] = (2, 3)) -> MapParams:
    """UMAP/PCA, dimensions and UMAP's parameters, in umap's own words (defaults: ``map_defaults``)."""
    left, middle, right = st.columns(3)
    method = left.radio("Method", ["umap", "pca"], format_func=str.upper, horizontal=True, key=f"{key}.method")
    n_components = middle.radio("Dimensions", dimensions, format_func=lambda d: f"{d}D", horizontal=True,
                                key=f"{key}.dims", help=None if len(dimensions) > 1 else
                                "The moves are drawn as lines on a flat map, so comparisons are 2D.")
    metric = right.radio("metric", ["cosine", "euclidean"], horizontal=True, key=f"{key}.metric",
                         help="cosine: angle only (usual for word vectors); euclidean: length counts too.")
    if method != "umap":
        return MapParams(method, n_components, metric=metric)
    a, b, c = st.columns(3)
    n_neighbors = a.slider("n_neighbors", 2, 100, key=f"{key}.n_neighbors",
                           help="Small: fine local detail. Large: more of the global shape.")
    min_dist = b.slider("min_dist", 0.0, 0.99, step=0.01, key=f"{key}.min_dist",
                        help="How tightly points may pack together.")
    seed = c.number_input("random seed", 0, 2**31 - 1, key=f"{key}.seed",
                          help="The same seed and settings always draw the same map.")
    return MapParams(method, n_components, n_neighbors, min_dist, metric, int(seed))


@st.cache_data(max_entries=24, show_spinner=False)
def _cached_map(source: str, words_hash: str, params: tuple, topn: int, _vectors: WordVectors, _words: list[str],
                _params: MapParams, _progress=None) -> WordMap:
    """The map of ``_words`` of ``_vectors`` with ``_params`` (not hashed: the three keys before ``topn`` name them)."""
    from embedlab.maps.pipeline import build_map

    if _progress is not None:  # only passed when build_map takes it (``reports_progress``)
        return build_map(_vectors, _words, _params, trust=False, topn=topn, progress=_progress)
    return build_map(_vectors, _words, _params, trust=False, topn=topn)


def reports_progress() -> bool:
    """Whether ``build_map`` reports its stages (``progress(stage, done)``) for a progress bar."""
    import inspect

    from embedlab.maps.pipeline import build_map

    return "progress" in inspect.signature(build_map).parameters


@st.cache_data(max_entries=24, show_spinner=False)
def _cached_trust(source: str, words_hash: str, params: tuple, _vectors: WordVectors,
                  _word_map: WordMap) -> float | None:
    """Trustworthiness at k=10 of the map that ``params`` made of these words (named by the keys)."""
    from embedlab.maps.pipeline import map_trust

    return map_trust(_vectors, _word_map)


def cached_map(vectors: WordVectors, words: list[str], params: MapParams, topn: int = NEIGHBOURS_SHOWN,
               progress=None) -> WordMap:
    """``build_map`` of these words, through the cache shared by every visitor.

    The cache is keyed by content, so a visitor whose vectors hold the same numbers under
    another name gets the map another visitor drew; the title is this visitor's own.
    """
    word_map = _cached_map(vectors.fingerprint, words_key(words), params.key(), topn, vectors, words, params,
                           progress)
    return dataclasses.replace(word_map, title=map_title(vectors.name, len(words), params))


def cached_trust(vectors: WordVectors, word_map: WordMap) -> float | None:
    """``map_trust`` of a drawn map, through the cache shared by every visitor, keyed by how the map was made."""
    made_by = (word_map.projection.method,) + tuple(sorted(word_map.projection.params.items()))
    return _cached_trust(vectors.fingerprint, words_key(word_map.words), made_by, vectors, word_map)


@st.cache_resource(max_entries=8, show_spinner=False)
def _cached_base_figure(source: str, words_hash: str, made_by: tuple, colour_key: str, _word_map: WordMap,
                        _colouring) -> dict:
    """The drawn map's figure as a dict, with no title and no highlight (named by the keys; shared read-only)."""
    return dataclasses.replace(_word_map, title="").figure(_colouring).to_dict()


def base_figure(vectors: WordVectors, word_map: WordMap, colouring=None) -> dict:
    """The map's points, colours and telling labels, built once per content for every visitor.

    A search, a click or a density toggle adds a small overlay to it (``embedlab.maps.figures.with_overlay``)
    instead of rebuilding every point: at 100,000 words the figure takes seconds to build. The dict is
    shared read-only; ``with_overlay`` copies what it changes.
    """
    return _cached_base_figure(*_content_key(vectors, word_map, colouring), word_map, colouring)


def figure_identity(vectors: WordVectors, word_map: WordMap, colouring, *overlay) -> str:
    """A short id of the figure ``base_figure`` plus an overlay of ``overlay`` makes (for the PNG kept per figure),
    without serialising its points."""
    identity = repr((_content_key(vectors, word_map, colouring), word_map.title, overlay))
    return hashlib.sha1(identity.encode("utf-8", "surrogatepass")).hexdigest()


def _content_key(vectors: WordVectors, word_map: WordMap, colouring) -> tuple:
    import pickle

    shown = 0 if word_map.neighbours is None else word_map.neighbours.shape[1]  # nearest words in each hover
    made_by = (word_map.projection.method, shown) + tuple(sorted(word_map.projection.params.items()))
    colour_key = "" if colouring is None else hashlib.sha1(pickle.dumps(colouring)).hexdigest()
    return vectors.fingerprint, words_key(word_map.words), made_by, colour_key


def fill_map_caches(vectors: WordVectors, words: list[str], params: MapParams) -> WordMap:
    """Compute what a first look at this map waits for (``map_with_preview`` and ``trust_caption``), drawing nothing.

    The PCA preview, the map and its trustworthiness go into the caches every visitor reads,
    under the keys those two use: the server's warm-up (``embedlab_ui.warmup``) calls this.
    """
    if params.method == "umap":
        cached_map(vectors, words, params.preview(), topn=0)
    word_map = cached_map(vectors, words, params)
    if word_map.projection.method == "umap" and len(word_map.words) > 20:
        cached_trust(vectors, word_map)
    return word_map


def map_with_preview(vectors: WordVectors, words: list[str], params: MapParams, placeholder, key: str,
                     topn: int = NEIGHBOURS_SHOWN) -> WordMap:
    """A finished map: from the cache, or a PCA preview in ``placeholder`` first while UMAP runs.

    A visitor sees the preview only the first time they wait for a map; trustworthiness
    comes later (``trust_caption``), once the map is on screen.
    """
    if params.method != "umap":
        return cached_map(vectors, words, params, topn)
    params.check(len(words))
    drawn = st.session_state.setdefault(f"{key}.drawn", set())  # maps this visitor already waited for
    identity = (vectors.fingerprint, words_key(words), params.key(), topn)
    if identity not in drawn:
        preview = cached_map(vectors, words, params.preview(), topn=0)
        with placeholder.container():
            st.caption(f"PCA preview of {len(words):,} words while UMAP runs…")
            st.plotly_chart(preview.figure(), key=f"{key}.preview")
    if reports_progress():
        word_map = with_progress_bar(lambda report: cached_map(vectors, words, params, topn, report))
    else:
        with st.spinner(f"UMAP of {len(words):,} words…"):
            word_map = cached_map(vectors, words, params, topn)
    drawn.add(identity)
    return word_map


def with_progress_bar(compute):
    """``compute(report)``'s result, with a progress bar of its stages while it runs (none when it is quick).

    The work runs in a helper thread and this script's thread draws the bar: a bar updated from
    inside a cached function would be recorded with it and replayed on every later cache hit.
    """
    import time

    from embedlab_ui.streamlit_internals import carry_script_context

    state, result = {"stage": "neighbours", "done": 0.0}, {}

    def report(stage: str, done: float) -> None:
        state["stage"], state["done"] = stage, done

    def work() -> None:
        try:
            result["value"] = compute(report)
        except BaseException as error:  # handed to the script's thread, which shows it
            result["error"] = error

    thread = threading.Thread(target=work, name="embedlab-map", daemon=True)
    carry_script_context(thread)
    thread.start()
    thread.join(0.3)  # a cached map is back by now: no bar flashes
    bar, started = None, time.perf_counter()
    while thread.is_alive():
        low, high, text = STAGES.get(state["stage"], STAGES["layout"])
        share = low + (high - low) * min(max(state["done"], 0.0), 1.0)
        text = f"{text}… ({time.perf_counter() - started:.0f} s)"
        bar = bar.progress(share, text=text) if bar is not None else st.progress(share, text=text)
        thread.join(0.25)
    if bar is not None:
        bar.empty()
    if "error" in result:
        raise result["error"]
    return result["value"]


def trust_caption(slot, vectors: WordVectors, word_map: WordMap, suffix: str = "") -> None:
    """Fill ``slot`` (above the chart) with a UMAP map's trustworthiness, computed once per map.

    Past the size where it is measured over all words (a large or a PCA map), the one measured on a fixed
    sample when the map was drawn is stated, with the recall of approximate neighbours when they were.
    """
    projection = word_map.projection
    count = len(word_map.words)
    sampled = getattr(projection, "sample_trustworthiness", None)
    if sampled is not None and (projection.method == "pca" or count > _exact_up_to()):
        recall = getattr(projection, "neighbour_recall", None)
        found = ("" if recall is None else f" Nearest words found by NN-descent (approximate): recall "
                 f"{numbers.score(recall)} of the exact ones on the same sample.")
        slot.caption(f"Trustworthiness at k=15 on a fixed sample of {projection.trust_sample:,} words: "
                     f"**{numbers.score(sampled)}** — {TRUST_NOTE.replace('10 nearest', '15 nearest')}.{found}"
                     f"{suffix}")
        return
    if projection.method != "umap":
        return
    if count <= 20:
        slot.caption(f"Trustworthiness is not measured for {count} words (k=10 needs more than 20).{suffix}")
        return
    with st.spinner("Measuring how far to trust the map…"):
        score = cached_trust(vectors, word_map)
    slot.caption(f"Trustworthiness at k=10: **{numbers.score(score)}** — {TRUST_NOTE}.{suffix}")


def _exact_up_to() -> int:
    import embedlab.maps.projection as projection

    return getattr(projection, "EXACT_NEIGHBOURS_UP_TO", projection.MAX_WORDS)


def map_exports(vectors: WordVectors, word_map: WordMap, fig, key: str, figure_id: str | None = None) -> None:
    """The Export expander of a word map: coordinates, TensorFlow Projector files, the figure."""
    from embedlab.maps.figures import figure_html
    from embedlab.vectors.io import projector_tsv

    def projector_file(which: int):
        return lambda: projector_tsv(vectors.subset(word_map.words))[which]

    with st.expander("Export"):
        a, b, c, d = st.columns(4)
        a.download_button("Coordinates (CSV)", lambda: word_map.csv().encode("utf-8"),  # formula-safe
                          file_name="coordinates.csv", mime="text/csv", key=f"{key}.export_csv")
        b.download_button("Projector vectors.tsv", projector_file(0), file_name="vectors.tsv",
                          mime="text/tab-separated-values", key=f"{key}.export_vectors")
        c.download_button("Projector metadata.tsv", projector_file(1), file_name="metadata.tsv",
                          mime="text/tab-separated-values", key=f"{key}.export_metadata")
        d.download_button("Figure (HTML, works offline)", lambda: figure_html(fig), file_name="word_map.html",
                          mime="text/html", key=f"{key}.export_html")
        png_button(fig, key, figure_id=figure_id)
        st.caption("vectors.tsv and metadata.tsv load into projector.tensorflow.org (“Load”). The camera icon in "
                   "the chart's toolbar also saves a PNG of the chart as you see it, zoom included.")


def csv_bytes(table) -> bytes:
    """A table as the CSV every download here gives: words that start like a formula are kept inert."""
    return spreadsheet_csv(table).encode("utf-8")


def figure_exports(fig, table, key: str, file_stem: str) -> None:
    """The Export expander of a chart that is not a plain map: its table as CSV, the figure as HTML and PNG."""
    from embedlab.maps.figures import figure_html

    with st.expander("Export"):
        left, right = st.columns(2)
        left.download_button("Table (CSV)", lambda: csv_bytes(table),
                             file_name=f"{file_stem}.csv", mime="text/csv", key=f"{key}.export_csv")
        right.download_button("Figure (HTML, works offline)", lambda: figure_html(fig), file_name=f"{file_stem}.html",
                              mime="text/html", key=f"{key}.export_html")
        png_button(fig, key, file_stem)


def png_button(fig, key: str, file_stem: str = "word_map", figure_id: str | None = None) -> None:
    """Draw the figure as a PNG on the server (kaleido + headless Chromium), then offer it.

    The PNG is kept for this visitor only while the figure stays the same (any change of
    words, colours or highlight makes a new figure and asks for a new PNG).
    """
    from embedlab.maps.figures import figure_png

    if figure_id is None:  # a large map's caller names it without serialising every point (``figure_identity``)
        figure_id = hashlib.sha1(fig.to_json().encode("utf-8")).hexdigest()
    left, right = st.columns([1, 3])
    if left.button("Draw a PNG", key=f"{key}.png_make", help="1200 × 900 at 2× scale, drawn in a headless browser"):
        try:
            with st.spinner("Drawing the PNG…"):
                st.session_state[f"{key}.png"] = (figure_id, figure_png(fig))
        except EmbedLabError as error:
            show_error(error)
    stored = st.session_state.get(f"{key}.png")
    if stored and stored[0] == figure_id:
        right.download_button("Figure (PNG)", stored[1], file_name=f"{file_stem}.png", mime="image/png",
                              key=f"{key}.export_png")


def show_selection(selected: list[str], word_map: WordMap, key: str, clear=None) -> None:
    """Words inside a box or lasso: a table, a CSV download, and ``clear`` (a callback) as a button."""
    if not selected:
        st.caption("Box and lasso selection work on 2D maps (Plotly's 3D charts have none); switch to 2D to list the "
                   "words in a region." if word_map.coords.shape[1] == 3 else
                   "Draw a box or lasso on the map (toolbar, top right) to list the words inside.")
        return
    table = word_map.table()
    chosen = table[table["word"].isin(selected)]
    st.write(f"**{len(chosen):,} words selected**")
    st.dataframe(chosen, hide_index=True, width="stretch", height=240, key=f"{key}.selection_table")
    left, right = st.columns(2)
    left.download_button("Download the selection (CSV)", csv_bytes(chosen),
                         file_name="selected_words.csv", mime="text/csv", key=f"{key}.selection_download")
    if clear is not None:
        right.button("Clear the selection", on_click=clear, key=f"{key}.clear_selection")

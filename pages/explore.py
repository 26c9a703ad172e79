"""Explore: maps of word vectors (UMAP or PCA, 2D or 3D), two sources compared, a model's sentiment axis."""

from __future__ import annotations

import numpy as np
import streamlit as st

from embedlab.errors import EmbedLabError
from embedlab.maps.projection import MAX_WORDS
from embedlab_ui.datasets import current_dataset
from embedlab_ui.maps import cached_map, cached_neighbours, cached_trust, start_warm_up, words_key
from embedlab_ui.runs import learned_vectors, run_picker, run_word_scores
from embedlab_ui.session import literal, route_through_app, show_error
from embedlab_ui.vectors import current_vectors

route_through_app()  # a deep link on a fresh server still gets app.py's frame

SOURCE_VECTORS, SOURCE_RUN = "Current vectors (sidebar)", "A run's learned embedding"
WORDS_TOP, WORDS_DATASET, WORDS_PASTED, WORDS_NEIGHBOURHOOD = (
    "Most frequent", "The current dataset's words", "A pasted list", "Neighbourhood of a word")
COLOUR_NONE, COLOUR_CLUSTER, COLOUR_MODEL, COLOUR_DATASET, COLOUR_LIST = (
    "None", "Cluster (KMeans)", "Trained model's sentiment", "Class-frequency ratio in the dataset",
    "Membership in a list")
VIEW_MAP, VIEW_COMPARE, VIEW_AXIS = "Map", "Compare two sources", "Sentiment axis"
LABELLED = 30
TRUST_NOTE = ("of each word's 10 nearest neighbours on the map, how many are truly near it in the original space, "
              "with far-off intruders penalised more (1.0 = every map neighbourhood is real; above 0.9 is good)")

start_warm_up()  # normally already running since app.py started it; a no-op then
st.session_state.setdefault("explore.selected", None)


def pick_source(key: str, label: str = "Source"):
    """(WordVectors, cache identity, run or None) for the source chosen with widgets under ``key``."""
    source = st.radio(label, [SOURCE_VECTORS, SOURCE_RUN], horizontal=True, key=f"{key}.source")
    if source == SOURCE_VECTORS:
        vectors = current_vectors()
        return vectors, vectors.fingerprint, None
    run = run_picker("Run", key=f"{key}.run")
    if run is None:
        return None, None, None
    with st.spinner(f"Reading the embedding of {run.name}…"):
        vectors = learned_vectors(run)
        return vectors, vectors.fingerprint, run


def pick_words(vectors):
    """The words to map, chosen with the word widgets; warnings and notes shown here."""
    from embedlab.maps.words import dataset_words, neighbourhood_words, pasted_words, top_words

    mode = st.radio("Which words", [WORDS_TOP, WORDS_DATASET, WORDS_PASTED, WORDS_NEIGHBOURHOOD], horizontal=True,
                    key="explore.words_mode")
    if mode == WORDS_TOP:
        n = st.number_input("How many (most frequent first)", min_value=10, max_value=MAX_WORDS, value=2_000,
                            step=500, key="explore.top_n",
                            help=f"Up to {MAX_WORDS:,}. Vector sets and a model's vocabulary both list words "
                                 "most frequent first.")
        choice = top_words(vectors, n)
    elif mode == WORDS_DATASET:
        dataset = current_dataset()
        st.caption(f"Words of **{dataset.name}** ({len(dataset):,} texts) that {vectors.name} knows.")
        choice = dataset_words(vectors, dataset.texts)
    elif mode == WORDS_PASTED:
        text = st.text_area("Words, separated by spaces, commas or new lines", key="explore.pasted",
                            value="king queen prince princess man woman boy girl paris france berlin germany "
                                  "london england rome italy good bad great terrible happy sad",
                            height=100)
        choice = pasted_words(vectors, text)
    else:
        left, right = st.columns([2, 1])
        query = left.text_input("Word", value="king", key="explore.query")
        k = right.number_input("Nearest words", min_value=10, max_value=5_000, value=200, step=50,
                               key="explore.query_k")
        choice = neighbourhood_words(vectors, query, k)
    if choice.unknown:
        shown = literal(", ".join(choice.unknown[:50])) + (" …" if len(choice.unknown) > 50 else "")
        st.warning(f"{len(choice.unknown)} word(s) are not in {vectors.name} and were left out: {shown}",
                   icon=":material/warning:")
    for note in choice.notes:
        st.caption(note)
    return choice.words


def pick_method(key: str, dimensions: tuple[int, ...] = (2, 3)) -> dict:
    """UMAP/PCA, dimensions and UMAP's parameters, in umap's own words."""
    left, middle, right = st.columns(3)
    method = left.radio("Method", ["umap", "pca"], format_func=str.upper, horizontal=True, key=f"{key}.method")
    n_components = middle.radio("Dimensions", dimensions, format_func=lambda d: f"{d}D", horizontal=True,
                                key=f"{key}.dims", help=None if len(dimensions) > 1 else
                                "The moves are drawn as lines on a flat map, so comparisons are 2D.")
    metric = right.radio("metric", ["cosine", "euclidean"], horizontal=True, key=f"{key}.metric",
                         help="cosine: angle only (usual for word vectors); euclidean: length counts too.")
    params = {"method": method, "n_components": n_components, "metric": metric}
    if method == "umap":
        a, b, c = st.columns(3)
        params["n_neighbors"] = a.slider("n_neighbors", 2, 100, 15, key=f"{key}.n_neighbors",
                                         help="Small: fine local detail. Large: more of the global shape.")
        params["min_dist"] = b.slider("min_dist", 0.0, 0.99, 0.1, step=0.01, key=f"{key}.min_dist",
                                      help="How tightly points may pack together.")
        params["random_state"] = int(c.number_input("random seed", 0, 2**31 - 1, 0, key=f"{key}.seed",
                                                    help="The same seed and settings always draw the same map."))
    return params


def draw_map(words, matrix, identity, params, placeholder):
    """A finished map: from the cache, or a PCA preview first while UMAP runs."""
    key = (identity, words_key(words), tuple(sorted(params.items())))
    if params["method"] != "umap":
        return cached_map(*key, matrix)
    from embedlab.maps.projection import check_parameters

    check_parameters(len(words), "umap", params["n_components"], params["n_neighbors"], params["min_dist"],
                     params["metric"])
    drawn = st.session_state.setdefault("explore.drawn", set())  # maps this visitor already waited for
    if key not in drawn:
        preview = cached_map(key[0], key[1], (("method", "pca"), ("n_components", params["n_components"]),
                                              ("metric", params["metric"])), matrix)
        with placeholder.container():
            st.caption(f"PCA preview of {len(words):,} words while UMAP runs…")
            st.plotly_chart(_simple_figure(words, preview.coords), key="explore.preview")
    with st.spinner(f"UMAP of {len(words):,} words…"):
        # Trustworthiness (~2 s at 20,000 words) comes after the map is on screen: see trust_caption.
        projection = cached_map(key[0], key[1], key[2] + (("trust", False),), matrix)
    drawn.add(key)
    return projection


def trust_caption(slot, identity, words, params, matrix, projection, suffix: str = "") -> None:
    """Fill ``slot`` (above the chart) with the map's trustworthiness, computed once per map."""
    if len(words) <= 20:
        slot.caption(f"Trustworthiness is not measured for {len(words)} words (k=10 needs more than 20).{suffix}")
        return
    with st.spinner("Measuring how far to trust the map…"):
        score = cached_trust(identity, words_key(words), tuple(sorted(params.items())), matrix, projection.coords,
                             params["metric"])
    slot.caption(f"Trustworthiness at k=10: **{score:.3f}** — {TRUST_NOTE}.{suffix}")


def _simple_figure(words, coords):
    from embedlab.maps.figures import readable_labels, word_map

    return word_map(words, coords, labelled=readable_labels(words, coords, LABELLED))


def colour_values(mode, words, vectors, run):
    """(values, label, categorical, hover lines) for the chosen colouring; None values for none."""
    if mode == COLOUR_CLUSTER:
        from embedlab.maps.words import clusters

        n = st.slider("Clusters", 2, 20, 8, key="explore.clusters")
        labels = clusters(vectors.subset(words).vectors, n)
        return np.array([f"cluster {c + 1}" for c in labels]), "cluster", True, None
    if mode == COLOUR_MODEL:
        scoring_run = run if run is not None else run_picker("Run whose model scores the words", "explore.score_run")
        if scoring_run is None:
            return None, "", False, None
        st.caption(f"Each word is scored **alone** by {scoring_run.name}'s model: its probability of “positive” "
                   "for a one-word text (0.5 = no lean). Words outside the model's vocabulary all read as the same "
                   "unknown token, so they share one colour.")
        with st.spinner(f"Scoring {len(words):,} words with {scoring_run.name}…"):
            scores = run_word_scores(scoring_run, words)
        return scores, "p(positive)", False, [f"model: p(positive) {s:.2f}" for s in scores]
    if mode == COLOUR_DATASET:
        from embedlab.maps.words import class_log_odds

        dataset = current_dataset()
        values = class_log_odds(dataset.texts, dataset.labels, dataset.class_names, words)
        st.caption(f"Log-odds of each word's count in “{dataset.class_names[-1]}” texts vs the rest of "
                   f"**{dataset.name}** (sizes balanced, +1 smoothing; 0 = no lean or unseen).")
        return values, "log-odds", False, [f"dataset log-odds {v:+.2f}" for v in values]
    if mode == COLOUR_LIST:
        text = st.text_input("Words to mark (spaces or commas)", key="explore.mark", value="good bad great awful")
        marked = {w for w in text.replace(",", " ").split() if w}
        return np.array(["in the list" if w in marked else "other" for w in words]), "list", True, None
    return None, "", False, None


def show_selection(event, table, three_d: bool):
    """Words inside a box or lasso: a table and a CSV download."""
    if three_d:
        st.caption("Box and lasso selection work on 2D maps (Plotly's 3D charts have none); switch to 2D to "
                   "list the words in a region.")
        return
    points = getattr(getattr(event, "selection", None), "points", None) or []
    # customdata holds the word (as a one-item list when plotly wraps it)
    data = [p.get("customdata") for p in points]
    data = [d[0] if isinstance(d, list) and d else d for d in data]
    selected = list(dict.fromkeys(d for d in data if isinstance(d, str)))
    if not selected:
        st.caption("Draw a box or lasso on the map (toolbar, top right) to list the words inside.")
        return
    chosen = table[table["word"].isin(selected)]
    st.write(f"**{len(chosen):,} words selected**")
    st.dataframe(chosen, hide_index=True, width="stretch", height=240, key="explore.selection_table")
    st.download_button("Download the selection (CSV)", chosen.to_csv(index=False).encode("utf-8"),
                       file_name="selected_words.csv", mime="text/csv", key="explore.selection_download")


def show_exports(words, projection, subset, fig):
    from embedlab.maps.figures import figure_html
    from embedlab.maps.words import coordinates_table, projector_tsv

    with st.expander("Export"):
        table = coordinates_table(words, projection.coords)
        vectors_tsv, metadata_tsv = projector_tsv(words, subset.vectors)
        a, b, c, d = st.columns(4)
        a.download_button("Coordinates (CSV)", table.to_csv(index=False).encode("utf-8"),
                          file_name="coordinates.csv", mime="text/csv", key="explore.export_csv")
        b.download_button("Projector vectors.tsv", vectors_tsv, file_name="vectors.tsv",
                          mime="text/tab-separated-values", key="explore.export_vectors")
        c.download_button("Projector metadata.tsv", metadata_tsv, file_name="metadata.tsv",
                          mime="text/tab-separated-values", key="explore.export_metadata")
        d.download_button("Figure (HTML, works offline)", lambda: figure_html(fig), file_name="word_map.html",
                          mime="text/html", key="explore.export_html")
        png_button(fig)
        st.caption("vectors.tsv and metadata.tsv load into projector.tensorflow.org (“Load”). The camera icon in the "
                   "chart's toolbar also saves a PNG of the chart as you see it, zoom included.")


def png_button(fig, key: str = "explore", file_stem: str = "word_map") -> None:
    """Draw the figure as a PNG on the server (kaleido + headless Chromium, a few seconds), then offer it.

    The PNG is kept for this visitor only while the figure stays the same (any change of
    words, colours or highlight makes a new figure and asks for a new PNG).
    """
    import hashlib

    from embedlab.maps.figures import figure_png

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


def figure_exports(fig, table, key: str, file_stem: str) -> None:
    """The Export expander of a chart that is not a plain map: its table as CSV, the figure as HTML and PNG."""
    from embedlab.maps.figures import figure_html

    with st.expander("Export"):
        left, right = st.columns(2)
        left.download_button("Table (CSV)", table.to_csv(index=False).encode("utf-8"), file_name=f"{file_stem}.csv",
                             mime="text/csv", key=f"{key}.export_csv")
        right.download_button("Figure (HTML, works offline)", lambda: figure_html(fig), file_name=f"{file_stem}.html",
                              mime="text/html", key=f"{key}.export_html")
        png_button(fig, key, file_stem)


def value_or_error(pick, *args):
    """``pick(*args)``, or None after showing its error there: the settings below it are still drawn,
    since Streamlit forgets the values of widgets that a run does not draw."""
    try:
        return pick(*args)
    except EmbedLabError as error:
        show_error(error)
        return None


def map_view(vectors, identity, run):
    words = value_or_error(pick_words, vectors)
    params = pick_method("explore")
    left, right = st.columns(2)
    colour_mode = left.selectbox("Colour by", [COLOUR_NONE, COLOUR_CLUSTER, COLOUR_MODEL, COLOUR_DATASET,
                                               COLOUR_LIST], key="explore.colour")
    search = right.text_input("Find a word on the map", key="explore.search", placeholder="e.g. king").strip()
    if words is None:
        return
    values, label, categorical, extra = colour_values(colour_mode, words, vectors, run)  # its controls go here
    subset = vectors.subset(words)
    placeholder = st.empty()
    projection = draw_map(words, subset.vectors, identity, params, placeholder)
    neighbours = cached_neighbours(identity, words_key(words), subset.unit_vectors)
    from embedlab.maps.figures import readable_labels, word_map

    highlight = None
    if search:
        if search in subset:
            highlight = search
            row = subset.index(search)
            st.success(f"**{literal(search)}** — nearest on this map's words: "
                       + literal(", ".join(words[j] for j in neighbours[row])), icon=":material/search:")
        else:
            where = "is in the vocabulary but not among the mapped words; map more words or pick another" \
                if search in vectors else f"is not in {vectors.name}; pick another word"
            st.warning(f"“{literal(search)}” {where}", icon=":material/warning:")
    labelled = readable_labels(words, projection.coords, LABELLED)
    fig = word_map(words, projection.coords, neighbours, values, label, categorical,
                   labelled=labelled, highlight=highlight, colour_extra=extra,
                   title=f"{vectors.name}: {len(words):,} words, {params['method'].upper()} "
                         f"{params['n_components']}D")
    with placeholder.container():
        trust_slot = st.empty()
        if projection.explained_variance is not None:
            st.caption("PCA: the axes hold " + " + ".join(f"{v:.1%}" for v in projection.explained_variance)
                       + " of the variance (straight projections; distances far apart are kept, local ones "
                         "blur).")
        event = st.plotly_chart(fig, key="explore.chart", on_select="rerun", selection_mode=("box", "lasso"))
    if params["method"] == "umap":
        trust_caption(trust_slot, identity, words, params, subset.vectors, projection,
                      f" Drawn in {projection.seconds:.1f} s.")
    from embedlab.maps.words import coordinates_table

    show_selection(event, coordinates_table(words, projection.coords), params["n_components"] == 3)
    show_exports(words, projection, subset, fig)


def compare_view():
    from embedlab.maps.alignment import compare
    from embedlab.maps.figures import moves_map
    from embedlab.maps.words import top_words

    st.caption("Two sources on the same words (the words both know), the first rotated onto the second by "
               "orthogonal Procrustes, then ONE map of both: each word appears twice, and the biggest moves are "
               "drawn as lines.")
    left, right = st.columns(2)
    with left:
        first, first_id, _ = pick_source("explore.compare_first", "First source")
    with right:
        second, second_id, _ = pick_source("explore.compare_second", "Second source")
    if first is None or second is None:
        return
    if first_id == second_id:
        st.info("Pick two different sources (for example two runs, or a run and the vectors).")
        return
    n = st.number_input("Most frequent words of the first source", 10, MAX_WORDS // 2, 1_000, step=500,
                        key="explore.compare_n")
    choice = top_words(first, n)
    for note in choice.notes:  # e.g. a run's vocabulary smaller than n
        st.caption(note)
    asked = choice.words
    comparison = value_or_error(compare, first, second, asked)
    params = pick_method("explore.compare", dimensions=(2,))
    if comparison is None:
        return
    st.caption(f"{len(comparison.words):,} of the {len(asked):,} most frequent words of {first.name} are also in "
               f"{second.name}; only words both know can be compared.")
    largest = float(comparison.moved.max())
    if largest < 0.01:
        st.info(f"These two sources barely differ on these words: the largest move is {largest:.2g} (cosine "
                "distance after alignment). Each word is still drawn twice, and UMAP keeps even identical points "
                "a little apart (min_dist), so the pairs on the map are not real moves.", icon=":material/info:")
    both = np.vstack([comparison.first, comparison.second])
    words_both = [f"{w} (1)" for w in comparison.words] + [f"{w} (2)" for w in comparison.words]
    placeholder = st.empty()
    projection = draw_map(words_both, both, f"{first_id}+{second_id}", params, placeholder)
    count = len(comparison.words)
    coords = projection.coords[:, :2]
    fig = moves_map(comparison.words, coords[:count], coords[count:], comparison.moved, first.name, second.name)
    with placeholder.container():  # replaces the PCA preview
        trust_slot = st.empty()
        st.plotly_chart(fig, key="explore.compare_chart")
    if params["method"] == "umap":
        trust_caption(trust_slot, f"{first_id}+{second_id}", words_both, params, both, projection)
    import pandas as pd

    moved = pd.DataFrame(comparison.most_moved(50), columns=["word", "cosine distance after alignment"])
    st.write("**The words that moved most**")
    st.dataframe(moved, hide_index=True, width="stretch", key="explore.moved_table")
    table = pd.DataFrame({"word": comparison.words, "x_first": coords[:count, 0], "y_first": coords[:count, 1],
                          "x_second": coords[count:, 0], "y_second": coords[count:, 1],
                          "cosine distance after alignment": comparison.moved})
    figure_exports(fig, table, "explore.compare", "comparison")


def axis_view(vectors, identity, run):  # noqa: ARG001 (same shape as map_view)
    from embedlab.maps.alignment import sentiment_axes, sentiment_direction
    from embedlab.maps.figures import axis_map
    from embedlab.maps.words import top_words

    scoring_run = run if run is not None else run_picker("Run whose model reads the words", "explore.axis_run")
    if scoring_run is None:
        return
    n = st.number_input("Most frequent words", 10, MAX_WORDS, 2_000, step=500, key="explore.axis_n")
    choice = top_words(vectors, n)
    for note in choice.notes:
        st.caption(note)
    words = choice.words
    if run is None:  # a vector set's words: keep those the model has a row for, or they all read as [UNK]
        known = set(learned_vectors(scoring_run).words)
        kept = [word for word in words if word in known]
        if len(kept) < len(words):
            st.caption(f"{len(kept):,} of the {len(words):,} words are in {scoring_run.name}'s vocabulary; the "
                       "others would all read as the same unknown token, so they are left out.")
        words = kept
        if len(words) < 4:
            raise EmbedLabError(f"only {len(words)} of these words are in {scoring_run.name}'s vocabulary; a "
                                "sentiment axis needs at least 4 — map the run's learned embedding instead")
    with st.spinner(f"Scoring {len(words):,} words with {scoring_run.name}…"):
        scores = run_word_scores(scoring_run, words)
    subset = vectors.subset(words)
    direction = sentiment_direction(subset.vectors, scores)
    coords = sentiment_axes(subset.vectors, direction)
    st.caption(f"x: the direction from the quarter of words {scoring_run.name}'s model scores most negative to the "
               "quarter it scores most positive, each word scored **alone** as a one-word text (difference of "
               f"their mean unit vectors in {vectors.name}); y: the first principal component orthogonal to it. "
               "Colour: the model's p(positive) for the word alone.")
    order = np.argsort(scores)
    labelled = [words[i] for i in list(order[:15]) + list(order[-15:])]
    fig = axis_map(words, coords, scores, labelled, "positive")
    st.plotly_chart(fig, key="explore.axis_chart")
    import pandas as pd

    table = pd.DataFrame({"word": words, "sentiment axis": coords[:, 0], "orthogonal axis": coords[:, 1],
                          "p(positive) alone": scores})
    figure_exports(fig, table, "explore.axis", "sentiment_axis")


st.title("Explore")
st.caption("Maps of word vectors: UMAP or PCA, 2D or 3D. Hover a point for its nearest words; find a word; "
           "select a region to list its words.")
view = st.radio("View", [VIEW_MAP, VIEW_COMPARE, VIEW_AXIS], horizontal=True, key="explore.view",
                label_visibility="collapsed")
try:
    if view == VIEW_COMPARE:
        compare_view()
    else:
        vectors, identity, run = pick_source("explore")
        if vectors is not None:
            (map_view if view == VIEW_MAP else axis_view)(vectors, identity, run)
except EmbedLabError as error:
    show_error(error)

"""Explore's view in its address: every setting of the page, so a copied address opens the same view.

``TABLE`` is the one list of the page's settings that the address carries, widget key → Param;
a widget added to the page joins the view link by one line here (its name in the address is the
widget key without ``explore.``). ``restore_view`` goes at the page's top, in place of
``remember``: the address's settings (checked: a garbled value is left out with a note, a run this
workspace does not have is said, never swapped for another), then the kept ones. ``share_view``
goes at its end: the address rewritten from the settings, and "Copy link to this view" in the
sidebar. ``explore_source`` gives the vectors of a read-only link (no workspace), if one opened
the page.
"""

from __future__ import annotations

from embedlab.maps.projection import MAX_WORDS
from embedlab.maps.word_axes import SUGGESTED_PAIRS
from embedlab_ui import shared_views
from embedlab_ui.explore_axes import OWN
from embedlab_ui.explore_inspector import SELECTION_IN_LINK
from embedlab_ui.explore_pickers import (COLOUR_CLUSTER, COLOUR_DATASET, COLOUR_LIST, COLOUR_MODEL, COLOUR_NONE,
                                         SOURCE_RUN, SOURCE_VECTORS, VIEW_AXIS, VIEW_COMPARE, VIEW_MAP, WORDS_DATASET,
                                         WORDS_NEIGHBOURHOOD, WORDS_PASTED, WORDS_TOP)
from embedlab_ui.view_params import Choice, Flag, Number, Param, Text, Token, Whole
from embedlab_ui.widget_memory import remember

PAGE = "explore"
RUN_ID = r"[0-9]{8}-[0-9]{6}-[a-z0-9-]{1,60}"  # catalog.new_run_id: time stamp, slug, random tail
SOURCES = {"vectors": SOURCE_VECTORS, "run": SOURCE_RUN}
VIEW_WORD_AXES = "Axes from words"  # pages/explore.py's name of G1's view


def _run(name: str) -> Token:
    return Token(name, RUN_ID, "a run id (such as 20261207-101500-my-run-1a2b3c)")


def _map_settings(prefix: str, dimensions: dict) -> list[Param]:
    """``embedlab_ui.maps.map_settings``' widgets under ``explore.{prefix}``, in umap's own words."""
    return [Choice(f"{prefix}method", {"umap": "umap", "pca": "pca"}), Choice(f"{prefix}dims", dimensions),
            Choice(f"{prefix}metric", {"cosine": "cosine", "euclidean": "euclidean"}),
            Whole(f"{prefix}n_neighbors", 2, 100), Number(f"{prefix}min_dist", 0.0, 0.99, 2),
            Whole(f"{prefix}seed", 0, 2**31 - 1)]


def _word_axis(name: str) -> list[Param]:
    """``embedlab_ui.explore_axes.pick_axis``' widgets: a suggested pair (by a short code) and the two ends."""
    pairs = {"own": OWN, **{pair.replace(" → ", "-"): pair for pair in SUGGESTED_PAIRS}}
    return [Choice(f"axes.{name}.pair", pairs), Text(f"axes.{name}.start", 300), Text(f"axes.{name}.end", 300)]


PARAMS: list[Param] = [
    Choice("view", {"map": VIEW_MAP, "compare": VIEW_COMPARE, "axes": VIEW_WORD_AXES, "axis": VIEW_AXIS}),
    Choice("source", SOURCES), _run("run"),
    Choice("words_mode", {"top": WORDS_TOP, "dataset": WORDS_DATASET, "pasted": WORDS_PASTED,
                          "neighbourhood": WORDS_NEIGHBOURHOOD}),
    Whole("top_n", 10, MAX_WORDS), Text("pasted", 4_000, lines=True), Text("query", 100), Whole("query_k", 10, 5_000),
    *_map_settings("", {"2": 2, "3": 3}),
    Choice("colour", {"none": COLOUR_NONE, "cluster": COLOUR_CLUSTER, "model": COLOUR_MODEL,
                      "dataset": COLOUR_DATASET, "list": COLOUR_LIST}),
    Whole("clusters", 2, 20), Text("mark", 1_000), _run("score_run"),
    Text("search", 200), Whole("inspect_k", 1, 50), Flag("isolate"), Flag("density"),  # G1's inspector and density
    Text("selection", SELECTION_IN_LINK, lines=True),  # a box or lasso's words, one per line
    Choice("compare_first.source", SOURCES), _run("compare_first.run"),
    Choice("compare_second.source", SOURCES), _run("compare_second.run"),
    Whole("compare_n", 10, MAX_WORDS // 2), *_map_settings("compare.", {"2": 2}),
    Whole("axis_n", 10, MAX_WORDS), _run("axis_run"),
    Whole("axes.n", 10, MAX_WORDS), *_word_axis("x"), *_word_axis("y"),  # G1's axes from words
    Text("axes.search", 200),
]
TABLE: dict[str, Param] = {f"{PAGE}.{param.name}": param for param in PARAMS}
RUN_KEYS = [key for key, param in TABLE.items() if isinstance(param, Token)]
# What a read-only link leaves out: the runs (they stay with their owner) and which source they were.
PRIVATE_NAMES = [TABLE[key].name for key in RUN_KEYS] + ["source", "compare_first.source", "compare_second.source"]


def check_runs(values: dict) -> list[str]:
    """Drop the link's runs that this workspace does not have, with a note saying why (never another run instead)."""
    asked = {key: values[key] for key in RUN_KEYS if key in values}
    if not asked:
        return []
    from embedlab_ui.runs import workspace_runs

    listing = workspace_runs()
    known = {run.run_id for run in listing.runs} if listing is not None else set()
    notes = []
    for key, run_id in asked.items():
        if run_id not in known:
            del values[key]
            notes.append(f"The link names the run {run_id}, which is not in this workspace: a run is seen only in the "
                         "workspace that trained it. Ask whoever sent the link for a read-only link (“Copy link to "
                         "this view” → “Make a read-only link”), which carries the map without their runs.")
    return notes


def restore_view(defaults: dict) -> None:
    """At the page's top, before any widget: the address's settings (once per address), then the kept ones."""
    shared_views.apply_address(PAGE, TABLE, check_runs)
    remember(defaults, choices=RUN_KEYS)
    shared_views.show_notes(PAGE)


def explore_source():
    """(snapshot vectors, None) when a read-only link opened the page, with a banner saying so; else None."""
    vectors = shared_views.shared_vectors(PAGE)
    if vectors is None:
        return None
    shared_views.shared_banner(PAGE, vectors)
    return vectors, None


def share_view(defaults: dict, source=None) -> None:
    """At the page's end: the address rewritten from the settings; "Copy link to this view" in the sidebar."""
    written = shared_views.publish(PAGE, TABLE, defaults)
    shared_views.share_popover(PAGE, written, source, PRIVATE_NAMES)

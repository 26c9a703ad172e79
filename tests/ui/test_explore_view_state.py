"""Explore's view in its address: every setting written and read back the same; hostile values left out, said."""

import pytest

from embedlab_ui.explore_view_state import PRIVATE_NAMES, TABLE
from embedlab_ui.view_params import Choice, Number, Text, Whole, decode_view, encode_view

# A view someone set up: a run's map in 3D by PCA, a pasted list, a searched word, clusters, density on.
VIEW = {
    "explore.view": "Map", "explore.source": "A run's learned embedding", "explore.run": "20261207-101500-tiny-1a2b3c",
    "explore.words_mode": "A pasted list", "explore.pasted": "king queen\nman, woman", "explore.top_n": 5_000,
    "explore.method": "pca", "explore.dims": 3, "explore.metric": "euclidean", "explore.n_neighbors": 30,
    "explore.min_dist": 0.25, "explore.seed": 7, "explore.colour": "Cluster (KMeans)", "explore.clusters": 12,
    "explore.search": "king - man + woman", "explore.inspect_k": 20, "explore.isolate": True,
    "explore.density": True, "explore.axes.x.pair": "young → old", "explore.axes.y.start": "she her",
}


def test_a_view_read_back_from_its_address_is_the_same_view():
    address = encode_view(VIEW, TABLE, defaults={})
    assert decode_view(address, TABLE) == (VIEW, [])


def test_settings_at_their_defaults_stay_out_of_the_address():
    defaults = {"explore.method": "pca", "explore.top_n": 2_000}
    address = encode_view({"explore.method": "pca", "explore.top_n": 5_000}, TABLE, defaults)
    assert address == {"top_n": "5000"}


def test_choices_are_written_as_short_codes_so_relabelled_widgets_keep_old_links():
    address = encode_view(VIEW, TABLE, defaults={})
    assert (address["source"], address["colour"], address["dims"], address["axes.x.pair"]) == (
        "run", "cluster", "3", "young-old")


@pytest.mark.parametrize("name, text, expected", [
    ("top_n", "abc", "a whole number from 10 to"),
    ("top_n", "9", "a whole number from 10 to"),
    ("top_n", "1e9", "a whole number"),
    ("n_neighbors", "-5", "a whole number from 2 to 100"),
    ("min_dist", "nan", "a number from 0 to 0.99"),
    ("min_dist", "inf", "a number from 0 to 0.99"),
    ("method", "tsne", "one of umap, pca"),
    ("dims", "4", "one of 2, 3"),
    ("isolate", "yes", "1 (on) or 0 (off)"),
    ("run", "../../etc/passwd", "a run id"),
    ("search", "king\x00\x1b[2J", "without control characters"),
    ("search", "w" * 201, "at most 200 characters"),
    ("view", "<script>alert(1)</script>", "one of map, compare, axes, axis"),
])
def test_a_garbled_or_hostile_value_is_left_out_with_a_note_saying_what_was_expected(name, text, expected):
    values, notes = decode_view({name: text, "search": "queen"} if name != "search" else {name: text}, TABLE)
    assert f"explore.{name}" not in values
    assert len(notes) == 1 and f"The link's {name}," in notes[0] and expected in notes[0]
    assert len(notes[0]) < 300  # a long value is quoted cut short, not pasted whole into the page
    if name != "search":
        assert values == {"explore.search": "queen"}  # the rest of the link still applies


def test_names_the_table_does_not_know_are_ignored():
    assert decode_view({"workspace": "abc", "utm_source": "mail"}, TABLE) == ({}, [])


def test_a_slider_value_is_kept_to_its_step_and_a_pasted_list_keeps_its_lines():
    values, _ = decode_view({"min_dist": "0.123456", "pasted": "a\nb\tc"}, TABLE)
    assert values == {"explore.min_dist": 0.12, "explore.pasted": "a\nb\tc"}


def test_a_value_a_setting_cannot_write_is_left_out_rather_than_written_wrong():
    table = {"k.choice": Choice("choice", {"a": "A"}), "k.text": Text("text", 3), "k.n": Whole("n", 0, 9),
             "k.x": Number("x", 0, 1)}
    assert encode_view({"k.choice": "B", "k.text": "long", "k.n": "7", "k.x": True}, table, {}) == {}


def test_every_setting_has_its_own_name_in_the_address_and_the_runs_are_private():
    names = [param.name for param in TABLE.values()]
    assert len(names) == len(set(names))
    assert {"run", "score_run", "compare_first.run", "compare_second.run", "axis_run"} <= set(PRIVATE_NAMES)

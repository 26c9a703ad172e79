"""One colour per embedding on every chart; a second run of one embedding keeps its hue with another marker."""

from embedlab_ui.colours import EMBEDDING_COLOURS, OTHER_COLOURS, run_colours


def test_each_embedding_keeps_its_colour_whatever_the_order_of_the_runs():
    forward = run_colours(["random", "glove-frozen", "glove-finetuned"])
    backward = run_colours(["glove-finetuned", "glove-frozen", "random"])
    assert [colour for colour, _ in forward] == [EMBEDDING_COLOURS[kind] for kind in
                                                 ("random", "glove-frozen", "glove-finetuned")]
    assert [colour for colour, _ in backward] == [colour for colour, _ in forward][::-1]


def test_a_repeated_embedding_keeps_its_hue_and_changes_its_marker():
    (first, first_marker), (_, _), (again, again_marker) = run_colours(["glove-frozen", "random", "glove-frozen"])
    assert first == again == EMBEDDING_COLOURS["glove-frozen"] and first_marker != again_marker


def test_runs_of_no_known_embedding_take_colours_no_embedding_uses():
    colours = [colour for colour, _ in run_colours([None, None, "random"])]
    assert colours[:2] == OTHER_COLOURS[:2] and not set(colours[:2]) & set(EMBEDDING_COLOURS.values())

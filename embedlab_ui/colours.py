"""One colour per embedding choice, on every chart: Train's curves, Compare, the Study.

A student who learns "GloVe frozen is blue" on one chart reads the next chart without its legend.
The three embeddings take three far-apart hues (grey for random: nothing learned before your
data); curves of runs without a known embedding take the other colours, in turn.
"""

from __future__ import annotations

EMBEDDING_COLOURS = {"random": "#7f7f7f", "glove-frozen": "#1f77b4", "glove-finetuned": "#d62728"}
OTHER_COLOURS = ["#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"]  # none is an embedding's
# A second or third run of one embedding in one chart keeps its hue, drawn with another marker.
MARKERS = ["circle", "square", "diamond", "triangle-up", "x", "star"]


def run_colours(embeddings: list[str | None]) -> list[tuple[str, str]]:
    """``(colour, marker)`` for each run, in order: its embedding's colour, another marker for a repeat.

    Example::

        run_colours(["glove-frozen", "random", "glove-frozen"])
        # [("#1f77b4", "circle"), ("#7f7f7f", "circle"), ("#1f77b4", "square")]
    """
    seen: dict[str, int] = {}
    others = 0
    chosen = []
    for embedding in embeddings:
        if embedding in EMBEDDING_COLOURS:
            colour = EMBEDDING_COLOURS[embedding]
        else:
            colour = OTHER_COLOURS[others % len(OTHER_COLOURS)]
            others += 1
        repeat = seen.get(colour, 0)
        seen[colour] = repeat + 1
        chosen.append((colour, MARKERS[repeat % len(MARKERS)]))
    return chosen

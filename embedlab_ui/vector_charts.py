"""Figures of the Analogies page: analogy parallelograms and benchmark results of word vectors.

Kept apart from ``charts`` (data and training figures). Words a visitor chose are shown as plain
text: Plotly reads a few HTML tags in labels, so labels are escaped. Numbers follow
``embedlab_ui.numbers`` (its d3 formats).
"""

from __future__ import annotations

import html

from embedlab_ui.numbers import PERCENT_D3, SCORE_D3

# Label sizes in pixels: the normal page, and presentation mode (read from the back of a room
# on a 1280×720 projector, where the normal 12 px labels were too small).
LABEL_SIZE, LARGE_LABEL_SIZE = 13, 24
SECTION_COLOUR, TOTAL_COLOUR = "#4C78A8", "#E45756"


def analogy_figure(points: list[dict], arrows: list[tuple[str, str]], large: bool = False):
    """Words as labelled dots in a PCA plane; arrows for the two sides of the parallelogram.

    ``large``: presentation mode — labels, dots, arrows and the legend sized for a projector.
    """
    import plotly.graph_objects as go

    label_size = LARGE_LABEL_SIZE if large else LABEL_SIZE
    height = 560 if large else 460
    by_word = {point["word"]: point for point in points}
    # Your words are placed first, so they keep the place above their dot.
    ordered = [point for point in points if point["role"] == "query"] + [
        point for point in points if point["role"] != "query"]
    positions = dict(zip((point["word"] for point in ordered), text_positions(ordered, label_size, height - 130)))
    figure = go.Figure()
    for role, colour, size in (("neighbour", "#9ca3af", 7), ("query", "#4f46e5", 11)):
        chosen = [point for point in points if point["role"] == role]
        figure.add_trace(go.Scatter(
            x=[point["x"] for point in chosen], y=[point["y"] for point in chosen], mode="markers+text",
            # Plotly reads a few HTML tags in labels; vocabulary words are shown as plain text.
            text=[html.escape(point["word"]) for point in chosen],
            textposition=[positions[point["word"]] for point in chosen],
            textfont={"size": label_size + (2 if role == "query" else 0)},
            marker={"color": colour, "size": size * (1.6 if large else 1)},
            name="your words" if role == "query" else "neighbours", hoverinfo="text", cliponaxis=False,
        ))
    for start, end in arrows:
        if start in by_word and end in by_word:
            figure.add_annotation(x=by_word[end]["x"], y=by_word[end]["y"], ax=by_word[start]["x"],
                                  ay=by_word[start]["y"], xref="x", yref="y", axref="x", ayref="y",
                                  showarrow=True, arrowhead=3, arrowwidth=3 if large else 2, arrowcolor="#ef4444",
                                  text="")
    figure.update_layout(height=height, margin={"l": 30, "r": 30, "t": 40, "b": 10},
                         xaxis={"visible": False}, yaxis={"visible": False, "scaleanchor": "x"},
                         legend={"orientation": "h", "font": {"size": label_size}}, font={"size": label_size})
    return figure


def text_positions(points: list[dict], font_size: float, plot_height: float, plot_width: float = 780.0) -> list[str]:
    """A Plotly ``textposition`` for each point's label, so labels overlap as little as they can.

    In order, each label takes the first of above, below, right and left whose box (in pixels
    of a plot of about this size, equal scales on both axes) overlaps the labels placed before
    it least (first of the free ones, when some are free).
    """
    if not points:
        return []
    xs, ys = [point["x"] for point in points], [point["y"] for point in points]
    scale = min(plot_width / max(max(xs) - min(xs), 1e-9), plot_height / max(max(ys) - min(ys), 1e-9))
    height, gap, boxes, chosen = 1.3 * font_size, 6.0, [], []
    for point in points:
        width = 0.55 * font_size * len(point["word"])
        px, py = (point["x"] - min(xs)) * scale, (point["y"] - min(ys)) * scale
        places = {"top center": (px - width / 2, py + gap, px + width / 2, py + gap + height),
                  "bottom center": (px - width / 2, py - gap - height, px + width / 2, py - gap),
                  "middle right": (px + gap, py - height / 2, px + gap + width, py + height / 2),
                  "middle left": (px - gap - width, py - height / 2, px - gap, py + height / 2)}
        name = min(places, key=lambda place: sum(_overlap(places[place], other) for other in boxes))
        boxes.append(places[name])
        chosen.append(name)
    return chosen


def _overlap(box, other) -> float:
    """Area shared by two (left, bottom, right, top) boxes."""
    return max(0.0, min(box[2], other[2]) - max(box[0], other[0])) * max(0.0, min(box[3], other[3]) - max(box[1],
                                                                                                      other[1]))


def section_accuracy_figure(rows: list[dict], vectors_name: str):
    """Analogy accuracy per section, and the semantic and syntactic totals drawn apart (another colour, at the end).

    ``rows``: dicts with ``section``, ``accuracy`` and ``kind`` ("section" or "total"),
    as ``embedlab_ui.benchmark_tables.section_rows`` makes them.
    """
    import plotly.graph_objects as go

    figure = go.Figure()
    for kind, name, colour in (("section", "section", SECTION_COLOUR), ("total", "semantic / syntactic total",
                                                                         TOTAL_COLOUR)):
        chosen = [row for row in rows if row["kind"] == kind]
        figure.add_trace(go.Bar(
            x=[row["section"] for row in chosen], y=[row["accuracy"] for row in chosen], name=name,
            marker={"color": colour, "pattern": {"shape": "/" if kind == "total" else ""}},
            text=[row["accuracy"] for row in chosen], texttemplate=f"%{{y:{PERCENT_D3}}}", textposition="outside",
            cliponaxis=False, hovertemplate=f"%{{x}}: %{{y:{PERCENT_D3}}}<extra></extra>"))
    figure.update_layout(title=f"Accuracy per section — {html.escape(vectors_name)}",
                         legend={"orientation": "h", "x": 1, "xanchor": "right", "y": 1.02, "yanchor": "bottom"},
                         yaxis={"tickformat": ".0%", "title": "accuracy"}, xaxis={"title": ""},
                         margin={"l": 10, "r": 10, "t": 60, "b": 10})
    return figure


def correlation_figure(results: list[dict], vectors_name: str):
    """Pearson and Spearman correlation with human judgements, per word-pair set (the benchmarks' rows)."""
    import plotly.graph_objects as go

    figure = go.Figure()
    for key, name, colour in (("pearson", "Pearson", SECTION_COLOUR), ("spearman", "Spearman", "#F58518")):
        figure.add_trace(go.Bar(x=[row["name"] for row in results], y=[row[key] for row in results], name=name,
                                marker={"color": colour}, texttemplate=f"%{{y:{SCORE_D3}}}", textposition="outside",
                                hovertemplate=f"%{{x}} {name}: %{{y:{SCORE_D3}}}<extra></extra>"))
    figure.update_layout(barmode="group", title=f"Correlation with human judgements — {html.escape(vectors_name)}",
                         yaxis={"title": "correlation", "tickformat": ".1f"}, xaxis={"title": "word-pair set"},
                         legend={"orientation": "h"}, margin={"l": 10, "r": 10, "t": 50, "b": 10})
    return figure

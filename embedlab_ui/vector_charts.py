"""Figures of the Analogies page: analogy parallelograms and benchmark results of word vectors.

Kept apart from ``charts`` (data and training figures). Words a visitor chose are shown as plain
text: Plotly reads a few HTML tags in labels, so labels are escaped.
"""

from __future__ import annotations

import html


def analogy_figure(points: list[dict], arrows: list[tuple[str, str]]):
    """Words as labelled dots in a PCA plane; arrows for the two sides of the parallelogram."""
    import plotly.graph_objects as go

    by_word = {point["word"]: point for point in points}
    figure = go.Figure()
    for role, colour, size in (("neighbour", "#9ca3af", 7), ("query", "#4f46e5", 11)):
        chosen = [point for point in points if point["role"] == role]
        figure.add_trace(go.Scatter(
            x=[point["x"] for point in chosen], y=[point["y"] for point in chosen], mode="markers+text",
            # Plotly reads a few HTML tags in labels; vocabulary words are shown as plain text.
            text=[html.escape(point["word"]) for point in chosen], textposition="top center",
            marker={"color": colour, "size": size}, name="your words" if role == "query" else "neighbours",
            hoverinfo="text",
        ))
    for start, end in arrows:
        if start in by_word and end in by_word:
            figure.add_annotation(x=by_word[end]["x"], y=by_word[end]["y"], ax=by_word[start]["x"],
                                  ay=by_word[start]["y"], xref="x", yref="y", axref="x", ayref="y",
                                  showarrow=True, arrowhead=3, arrowwidth=2, arrowcolor="#ef4444", text="")
    figure.update_layout(height=460, margin={"l": 10, "r": 10, "t": 30, "b": 10},
                         xaxis={"visible": False}, yaxis={"visible": False, "scaleanchor": "x"},
                         legend={"orientation": "h"})
    return figure


def section_accuracy_figure(sections, vectors_name: str):
    """Analogy accuracy per section (a table with ``section`` and ``accuracy`` columns)."""
    import plotly.express as px

    chart = px.bar(sections, x="section", y="accuracy", text_auto=".1%",
                   title=f"Accuracy per section — {html.escape(vectors_name)}")
    return chart.update_yaxes(tickformat=".0%")


def correlation_figure(table, vectors_name: str):
    """Pearson and Spearman correlation with human judgements, per word-pair set."""
    import plotly.express as px

    long = table.melt(id_vars="name", value_vars=["pearson", "spearman"], var_name="correlation")
    return px.bar(long, x="name", y="value", color="correlation", barmode="group",
                  title=f"Correlation with human judgements — {html.escape(vectors_name)}")

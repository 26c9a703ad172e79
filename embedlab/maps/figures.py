"""Plotly figures of word maps: WebGL scatter in 2D, Scatter3d in 3D, labels, highlights, moves.

Labels are layout annotations (SVG text, readable and not selectable); every marker
carries its word in ``customdata`` so a box or lasso selection maps back to words.
A 2D map is framed on the bulk of its points (``embedlab.maps.labels.frame``); a note
under the title counts the outliers left outside. Numeric colours use a diverging scale
centred on the value that means "no lean", over a range the colour bar spells out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from embedlab.errors import EmbedLabError
from embedlab.maps.labels import frame, label_shifts, readable_labels  # noqa: F401  (readable_labels: the pipeline's)

QUALITATIVE = [
    "#4C78A8", "#F58518", "#54A24B", "#E45756", "#72B7B2", "#EECA3B", "#B279A2", "#FF9DA6",
    "#9D755D", "#BAB0AC", "#1F77B4", "#2CA02C", "#D62728", "#9467BD", "#8C564B", "#17BECF",
]
DIM = "rgba(150,150,150,0.35)"
SELECTED_LABELS = 15  # a box or lasso's words labelled on the map; all of them are listed under it
# Red → grey → blue: a diverging scale whose middle (no lean) stays visible on a white page,
# where Plotly's RdBu fades to white and most of a sentiment-coloured map disappeared.
DIVERGING = [[0.0, "#b2182b"], [0.25, "#e0826a"], [0.5, "#b4b4b4"], [0.75, "#6fa4cf"], [1.0, "#2166ac"]]


def hover_texts(words: list[str], neighbours: np.ndarray | None, extra: list[str] | None = None) -> list[str]:
    """One hover line per word: the word, then its nearest words in the original space."""
    texts = []
    for i, word in enumerate(words):
        text = f"<b>{_escape(word)}</b>"
        if neighbours is not None:
            text += "<br>nearest: " + ", ".join(_escape(words[j]) for j in neighbours[i])
        if extra is not None:
            text += f"<br>{extra[i]}"
        texts.append(text)
    return texts


def _escape(word: str) -> str:
    """Plotly renders a small HTML subset in hover text and annotations; words are shown literally."""
    import html

    return html.escape(word, quote=False)


def word_map(words: list[str], coords: np.ndarray, neighbours: np.ndarray | None = None,
             colour: np.ndarray | None = None, colour_label: str = "", categorical: bool = False,
             labelled: list[str] | None = None, highlight: str | None = None, title: str = "",
             colour_extra: list[str] | None = None, colour_range: tuple[float, float, float] | None = None):
    """The figure of one map.

    Args:
        words, coords: the words and their ``(n, 2|3)`` coordinates.
        neighbours: ``(n, 5)`` rows of each word's nearest words (for hover and highlight).
        colour: one value per word (numbers → colour scale; ``categorical`` → one trace per value).
        labelled: words to write next to their points.
        highlight: a word to mark, with its neighbours; the rest are dimmed.
        colour_range: (low, middle, high) of a numeric colour scale; None fits it to the values.
    """
    import plotly.graph_objects as go

    coords = np.asarray(coords)
    three_d = coords.shape[1] == 3
    hover = hover_texts(words, neighbours, colour_extra)
    index = {word: i for i, word in enumerate(words)}
    marked = []
    if highlight is not None and highlight in index:
        row = index[highlight]
        marked = [row] + (list(neighbours[row]) if neighbours is not None else [])
    dimmed = bool(marked)
    fig = go.Figure()
    groups = _groups(words, colour, categorical)
    for name, rows, marker_colour in groups:
        marker = dict(size=4 if len(words) > 3000 else 6, opacity=0.25 if dimmed else 0.8)
        if marker_colour is not None:
            marker["color"] = marker_colour
        elif colour is not None and not categorical:
            marker.update(color=np.asarray(colour)[rows], colorscale=DIVERGING, showscale=True,
                          colorbar=colour_bar(colour_label, colour_range))
            if colour_range is not None:
                marker.update(cmin=colour_range[0], cmid=colour_range[1], cmax=colour_range[2])
            elif np.nanmin(colour) < 0 < np.nanmax(colour):
                marker["cmid"] = 0.0
        fig.add_trace(_scatter(coords[rows], [hover[i] for i in rows], [words[i] for i in rows], marker,
                               name, three_d, showlegend=name is not None))
    if marked:
        sizes = [16] + [11] * (len(marked) - 1)
        marker = dict(size=sizes, color=["#d62728"] + ["#ff7f0e"] * (len(marked) - 1), opacity=1.0,
                      line=dict(width=1, color="black"), symbol="diamond" if three_d else "star")
        fig.add_trace(_scatter(coords[marked], [hover[i] for i in marked], [words[i] for i in marked], marker,
                               f"“{highlight}” and its nearest words", three_d, showlegend=True))
    label_rows = [index[w] for w in dict.fromkeys((labelled or []) + [words[i] for i in marked]) if w in index]
    _annotate(fig, words, coords, label_rows, set(marked), three_d, marked[0] if marked else None)
    _layout(fig, title, three_d, colour_label if categorical else "")
    if not three_d and len(coords):
        _frame_bulk(fig, coords)
    return fig


def _frame_bulk(fig, coords, *notes: str) -> None:
    """Axis ranges on the bulk of the points; the outliers stay in the figure and are counted under the title,
    after any other ``notes``."""
    map_frame = frame(coords)
    fig.update_xaxes(range=list(map_frame.x))
    fig.update_yaxes(range=list(map_frame.y))
    lines = [_escape(note) for note in notes if note] + ([map_frame.note()] if map_frame.n_outside else [])
    if lines:
        fig.update_layout(title=dict(subtitle=dict(text="<br>".join(lines))), margin=dict(t=50 + 16 * len(lines)))


def colour_bar(label: str, colour_range: tuple[float, float, float] | None) -> dict:
    """A colour bar titled ``label``; with a range, five ticks from low to high that say the numbers."""
    bar = dict(title=dict(text=label))
    if colour_range is None:
        return bar
    low, _, high = colour_range
    step = (high - low) / 4.0
    decimals = max(2, -int(np.floor(np.log10(step)))) if step > 0 else 2
    ticks = [low + step * i for i in range(5)]
    return dict(bar, tickvals=ticks, ticktext=[f"{tick:.{decimals}f}" for tick in ticks])


def _groups(words, colour, categorical):
    """(legend name, rows, per-trace colour) for each trace of points."""
    everything = np.arange(len(words))
    if colour is None or not categorical:
        return [(None, everything, "#4C78A8" if colour is None else None)]
    values = np.asarray(colour)
    groups = []
    for number, value in enumerate(sorted(dict.fromkeys(values.tolist()), key=_natural_order)):
        rows = np.flatnonzero(values == value)
        groups.append((str(value), rows, QUALITATIVE[number % len(QUALITATIVE)]))
    return groups


def _natural_order(value) -> tuple:
    """"cluster 2" before "cluster 10": text with its numbers compared as numbers."""
    import re

    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", str(value)))


def _scatter(points, hover, customdata, marker, name, three_d, showlegend):
    import plotly.graph_objects as go

    common = dict(mode="markers", hovertext=hover, hoverinfo="text", customdata=customdata, marker=marker,
                  name=name or "words", showlegend=showlegend)
    if three_d:
        return go.Scatter3d(x=points[:, 0], y=points[:, 1], z=points[:, 2], **common)
    return go.Scattergl(x=points[:, 0], y=points[:, 1], **common)


def _annotate(fig, words, coords, rows, marked, three_d, highlight_row=None):
    """Word labels as annotations; the searched word's drawn last (on top), bold and boxed."""
    annotations = _annotations(words, coords, rows, marked, three_d, highlight_row)
    if three_d:
        fig.update_layout(scene=dict(annotations=annotations))
    else:
        fig.update_layout(annotations=annotations)


def _annotations(words, coords, rows, marked, three_d, highlight_row=None) -> list[dict]:
    annotations = []
    rows = [i for i in rows if i != highlight_row] + ([highlight_row] if highlight_row is not None else [])
    for i in rows:
        style = dict(text=_escape(words[i]), showarrow=False, yshift=10, bgcolor="rgba(255,255,255,0.75)",
                     font=dict(size=12, color="#a34400" if i in marked else "#222"))
        if i == highlight_row:
            style.update(text=f"<b>{_escape(words[i])}</b>", bgcolor="white", bordercolor="#b00020", borderpad=2,
                         font=dict(size=15, color="#b00020"), yshift=14)
        if three_d:
            annotations.append(dict(x=float(coords[i, 0]), y=float(coords[i, 1]), z=float(coords[i, 2]), **style))
        else:
            annotations.append(dict(x=float(coords[i, 0]), y=float(coords[i, 1]), **style))
    return annotations


def _layout(fig, title, three_d, legend_title):
    fig.update_layout(
        title=dict(text=_escape(title)) if title else None, height=650, margin=dict(l=10, r=10, t=40, b=10),
        # Below the plot, so it never sits on a colour bar's title at the right.
        legend=dict(title=dict(text=legend_title), itemsizing="constant", orientation="h", x=0, y=0,
                    yanchor="top"),
        dragmode="pan" if three_d else "zoom",
        plot_bgcolor="white",
    )
    if not three_d:
        fig.update_xaxes(showgrid=False, zeroline=False, showticklabels=False)
        fig.update_yaxes(showgrid=False, zeroline=False, showticklabels=False, scaleanchor="x", scaleratio=1)


def moves_map(words: list[str], first: np.ndarray, second: np.ndarray, moved: np.ndarray, first_name: str,
              second_name: str, show_moves: int = 10, summary: str = ""):
    """Both sources' words on one map (coordinates from one projection); the biggest moves as labelled segments.

    Only the ``show_moves`` biggest moves are drawn and named, so their labels stay readable;
    ``summary`` (how large the moves are) goes under the title.
    """
    import plotly.graph_objects as go

    fig = go.Figure()
    for points, name, colour in ((first, first_name, "#4C78A8"), (second, second_name, "#F58518")):
        hover = [f"<b>{_escape(w)}</b> ({_escape(name)})<br>moved {m:.3g}" for w, m in zip(words, moved)]
        fig.add_trace(go.Scattergl(x=points[:, 0], y=points[:, 1], mode="markers", name=name, customdata=words,
                                   hovertext=hover, hoverinfo="text", marker=dict(size=5, color=colour, opacity=0.6)))
    top = np.argsort(-moved, kind="stable")[:show_moves]
    xs, ys = [], []
    for i in top:
        xs += [float(first[i, 0]), float(second[i, 0]), None]
        ys += [float(first[i, 1]), float(second[i, 1]), None]
    fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name=f"the {len(top)} biggest moves",
                             line=dict(color="#d62728", width=1.5), hoverinfo="skip"))
    both = np.vstack([first, second])
    map_frame = frame(both)
    shifts = label_shifts([words[i] for i in top], second[top], map_frame)
    fig.update_layout(annotations=[
        dict(x=float(second[i, 0]), y=float(second[i, 1]), text=_escape(words[i]), showarrow=False, xshift=dx,
             yshift=dy, bgcolor="rgba(255,255,255,0.8)", font=dict(size=12, color="#b00020"))
        for i, (dx, dy) in zip(top, shifts)
    ])
    _layout(fig, f"{first_name} → {second_name}", False, "")
    _frame_bulk(fig, both, summary)
    return fig


def axis_map(words: list[str], coords: np.ndarray, scores: np.ndarray, labelled: list[str], class_name: str):
    """Words placed by the model's sentiment direction (x) and the main remaining variation (y)."""
    from embedlab.maps.colouring import centred_range

    fig = word_map(words, coords, colour=scores, colour_label=f"p({class_name})", labelled=labelled,
                   colour_extra=[f"p({_escape(class_name)}) alone: {s:.2f}" for s in scores],
                   colour_range=centred_range(scores, 0.5))
    fig.update_xaxes(showticklabels=True, title=dict(text=f"← less {class_name} · model's direction · "
                                                          f"more {class_name} →"))
    fig.update_yaxes(showticklabels=True, title=dict(text="first principal component orthogonal to it"),
                     scaleanchor=None)
    return fig


@dataclass(frozen=True)
class Highlight:
    """Words to mark on a drawn map: ``rows[0]`` the centre (a found, clicked or answered word), then its neighbours.

    ``hover`` holds one line per row (a cosine, say); ``name`` is the legend entry.
    """

    name: str
    rows: list[int]
    hover: list[str]


def with_overlay(base: dict, words: list[str], coords: np.ndarray, highlights: tuple[Highlight, ...] = (),
                 title: str = "", isolate: bool = False, density: bool = False, selected: tuple[int, ...] = ()):
    """A drawn map (``base``: a ``word_map`` figure's ``to_dict()``) with highlights, labels and density over it.

    ``selected`` rows (a box or lasso kept by the page) are ringed, and the first ``SELECTED_LABELS`` labelled.

    Only the small overlay is built here: ``base`` is shared read-only (a cache holds it), so its
    dicts are copied shallowly where they change and never written to. A search or a click then
    costs a few traces, not the 100,000-point figure. ``isolate`` leaves only the highlighted
    words; ``density`` draws contours of where the points crowd (2D maps).
    """
    import plotly.graph_objects as go

    coords = np.asarray(coords)
    three_d = coords.shape[1] == 3
    marked = [row for highlight in highlights for row in highlight.rows]
    data = [] if isolate and marked else [_dimmed(trace) if marked or selected else trace for trace in base["data"]]
    if density and not three_d and len(coords) > 2:
        data.insert(0, density_trace(coords))
    layout = dict(base["layout"])
    if selected:  # under the highlights, so a searched word's star stays on top
        ring = dict(size=9, color="rgba(0,0,0,0)", line=dict(width=1.5, color="#1f4e9c"))
        name = f"{len(selected):,} selected word" + "s" * (len(selected) != 1)
        data.append(_scatter(coords[list(selected)], [_escape(words[row]) for row in selected],
                             [words[row] for row in selected], ring, name, three_d, showlegend=True).to_plotly_json())
    for highlight in highlights:
        sizes = [16] + [11] * (len(highlight.rows) - 1)
        marker = dict(size=sizes, color=["#d62728"] + ["#ff7f0e"] * (len(highlight.rows) - 1), opacity=1.0,
                      line=dict(width=1, color="black"), symbol="diamond" if three_d else "star")
        hover = [f"<b>{_escape(words[row])}</b><br>{_escape(line)}"
                 for row, line in zip(highlight.rows, highlight.hover)]
        trace = _scatter(coords[highlight.rows], hover, [words[row] for row in highlight.rows], marker,
                         highlight.name, three_d, showlegend=True)
        data.append(trace.to_plotly_json())
    layout = _overlay_labels(layout, words, coords, highlights, three_d, keep_base=not (isolate and marked),
                             selected=selected)
    if marked and not isolate and not three_d:  # a found word outside the bulk's frame (an axis's end word, say)
        layout = _framed_to_show(layout, coords[marked])
    if isolate and marked and not three_d:  # frame the neighbourhood, not the whole map's bulk
        layout["xaxis"] = {**layout.get("xaxis", {}), "range": None, "autorange": True}
        layout["yaxis"] = {**layout.get("yaxis", {}), "range": None, "autorange": True}
    if title:
        layout["title"] = {**(layout.get("title") or {}), "text": _escape(title)}
    # The base was validated when it was built; the overlay traces just now (go.Scatter*). Validating the
    # whole dict again would walk every point (about 0.4 s at 100,000) on each search.
    return go.Figure(dict(data=data, layout=layout), _validate=False)


def _framed_to_show(layout: dict, points: np.ndarray) -> dict:
    """``layout`` with each axis's set range widened (a little beyond) to take in ``points``; unchanged if it does."""
    for axis, column in (("xaxis", 0), ("yaxis", 1)):
        shown = (layout.get(axis) or {}).get("range")
        if not shown:
            continue
        low, high = float(points[:, column].min()), float(points[:, column].max())
        pad = 0.04 * (max(high, shown[1]) - min(low, shown[0]))
        wanted = [min(shown[0], low - pad) if low < shown[0] else shown[0],
                  max(shown[1], high + pad) if high > shown[1] else shown[1]]
        if wanted != list(shown):
            layout = {**layout, axis: {**layout[axis], "range": wanted}}
    return layout


def _dimmed(trace: dict) -> dict:
    return {**trace, "marker": {**trace.get("marker", {}), "opacity": 0.25}}


def _overlay_labels(layout: dict, words, coords, highlights, three_d: bool, keep_base: bool, selected=()) -> dict:
    """``layout`` with the highlighted and first selected words' labels added (the centre's on top); base labels of
    those words dropped."""
    if not highlights and not selected:
        return layout
    marked = list(dict.fromkeys(row for highlight in highlights for row in highlight.rows))
    rows = list(dict.fromkeys(marked + list(selected[:SELECTED_LABELS])))
    centres = {highlight.rows[0] for highlight in highlights if highlight.rows}
    texts = {_escape(words[row]) for row in rows} | {f"<b>{_escape(words[row])}</b>" for row in rows}
    base = (layout.get("scene", {}) if three_d else layout).get("annotations", []) if keep_base else []
    kept = [annotation for annotation in base if annotation.get("text") not in texts]
    added = _annotations(words, coords, [row for row in rows if row not in centres], set(marked), three_d)
    added += [annotation for centre in centres
              for annotation in _annotations(words, coords, [centre], set(marked), three_d, centre)]
    if three_d:
        return {**layout, "scene": {**layout.get("scene", {}), "annotations": kept + added}}
    return {**layout, "annotations": kept + added}


def density_trace(coords: np.ndarray, bins: int = 60) -> dict:
    """Contours of how densely the points crowd (a smoothed 2D histogram), drawn under them.

    Computed here on a ``bins × bins`` grid, so the browser gets a small grid rather than every point again.
    """
    import plotly.graph_objects as go

    x, y = np.asarray(coords[:, 0], dtype=np.float64), np.asarray(coords[:, 1], dtype=np.float64)
    map_frame = frame(coords)  # the bulk's grid: a few far outliers would leave it coarse
    counts, x_edges, y_edges = np.histogram2d(x, y, bins=bins, range=[list(map_frame.x), list(map_frame.y)])
    kernel = np.array([1.0, 4.0, 6.0, 4.0, 1.0]) / 16.0  # binomial smoothing, twice in each direction
    for _ in range(2):
        counts = np.apply_along_axis(lambda row: np.convolve(row, kernel, mode="same"), 0, counts)
        counts = np.apply_along_axis(lambda row: np.convolve(row, kernel, mode="same"), 1, counts)
    return go.Contour(z=counts.T, x=(x_edges[:-1] + x_edges[1:]) / 2, y=(y_edges[:-1] + y_edges[1:]) / 2,
                      name="density", showscale=False, hoverinfo="skip", ncontours=10, showlegend=True,
                      colorscale=[[0.0, "rgba(255,255,255,0)"], [1.0, "rgba(80,80,160,0.45)"]],
                      line=dict(width=0.6, color="rgba(60,60,120,0.5)")).to_plotly_json()


def word_axes_map(words: list[str], coords: np.ndarray, labelled: list[str], x_label: str, y_label: str,
                  title: str = ""):
    """Words placed on two axes made of words (``embedlab.maps.word_axes``); each axis titled low → high."""
    fig = word_map(words, coords, labelled=labelled, title=title)
    fig.update_xaxes(showticklabels=True, zeroline=True, zerolinecolor="#ddd", title=dict(text=_escape(x_label)))
    fig.update_yaxes(showticklabels=True, zeroline=True, zerolinecolor="#ddd", title=dict(text=_escape(y_label)),
                     scaleanchor=None)
    return fig


def figure_html(fig) -> bytes:
    """A standalone HTML file of the figure that works offline (plotly.js inlined, so megabytes, not kilobytes)."""
    return fig.to_html(include_plotlyjs=True, full_html=True).encode("utf-8")


def figure_png(fig, width: int = 1200, height: int = 900, scale: float = 2.0) -> bytes:
    """The figure as a PNG, drawn by kaleido in a headless Chromium (slow: it starts a browser; WebGL included).

    Raises EmbedLabError, saying what to install, when kaleido or a Chromium-based browser
    is missing (kaleido looks on the PATH, or at the ``BROWSER_PATH`` variable).
    """
    try:
        import kaleido  # noqa: F401  (plotly imports it lazily; fail here with our message)
    except ImportError as error:
        raise EmbedLabError("PNG export needs kaleido: pip install -r requirements.txt; "
                            "or export the figure as HTML instead") from error
    try:
        return fig.to_image(format="png", width=width, height=height, scale=scale)
    except Exception as error:  # plotly, kaleido and choreographer raise several types for a missing browser
        detail = " ".join(str(error).split())[:160]
        raise EmbedLabError(
            "PNG export could not draw the figure: it needs Chromium or Chrome, which kaleido drives headless "
            "(on Debian/Ubuntu `apt-get install chromium`, or set BROWSER_PATH to a Chrome binary); the HTML "
            f"export works without one. ({type(error).__name__}: {detail})") from error

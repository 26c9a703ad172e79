"""What a word map frames and which words it writes on itself.

- ``frame``: axis ranges around the bulk of the points (robust quantiles), so a few
  outliers do not shrink the map into a corner; the outliers stay on the figure, reachable
  by zooming out, and are counted.
- ``readable_labels``: words worth writing on the map — frequent content words (no stop
  words, no punctuation), spread over the map, placed greedily so no label overlaps another
  or runs off the edge of the frame.

Label boxes are measured in pixels of a reference plot (``PLOT_WIDTH`` × ``PLOT_HEIGHT``,
the map's plotting area on a 1280-pixel-wide screen); a wider screen only adds room.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

# Common English function words (after NLTK's and scikit-learn's lists): frequent everywhere,
# so they say nothing about a region of the map.
STOP_WORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being below
between both but by can could did do does doing down during each even few for from further had has have
having he her here hers herself him himself his how i if in into is it its itself just me more most my
myself no nor not now of off on once only or other our ours ourselves out over own same she should so
some such than that the their theirs them themselves then there these they this those through to too
under until up very was we were what when where which while who whom why will with would you your yours
yourself yourselves 's n't 're 've 'll 'd 'm said says also one two three like well may might must us
mr mrs ms new get got make made many much yet still since per however another every although though
""".split())

PLOT_WIDTH, PLOT_HEIGHT = 780, 560  # pixels of the plotting area the labels are fitted to
CHAR_WIDTH, LABEL_HEIGHT, LABEL_LIFT = 7.0, 17.0, 10.0  # 12 px text: width per character, box height, yshift
FRAMED_SHARE = 0.98  # the share of points (per axis) the frame is fitted to
SMALL_MAP = 100  # maps of fewer words show every point: there is no "bulk" to frame


@dataclass(frozen=True)
class Frame:
    """Axis ranges of a map and the points left outside them."""

    x: tuple[float, float]
    y: tuple[float, float]
    outside: np.ndarray  # bool per point

    @property
    def n_outside(self) -> int:
        return int(self.outside.sum())

    def note(self) -> str:
        """A sentence for the reader about the points outside the frame ("" when none)."""
        if not self.n_outside:
            return ""
        return (f"Framed on the bulk of the words: {self.n_outside:,} outlying word(s) lie outside; zoom out "
                "(Autoscale in the toolbar) to see them.")


def is_telling(word: str) -> bool:
    """A word worth writing on a map: longer than one character, starting with a letter, made of letters,
    digits, dots, hyphens and apostrophes ("u.s." yes; "&amp;", "--" no), and not a stop word."""
    return (len(word) > 1 and re.fullmatch(r"[^\W\d_][\w.'-]*", word) is not None
            and word.lower() not in STOP_WORDS)


def frame(coords: np.ndarray, share: float = FRAMED_SHARE, pad: float = 0.15) -> Frame:
    """Axis ranges that hold the central ``share`` of the points on each axis, padded by ``pad`` of their span.

    The frame never reaches beyond the points themselves (plus the padding), so a map
    without outliers is framed on all its points. Maps of fewer than ``SMALL_MAP`` points
    are framed whole.
    """
    points = np.asarray(coords, dtype=np.float64)[:, :2]
    if len(points) == 0:
        return Frame((-1.0, 1.0), (-1.0, 1.0), np.zeros(0, dtype=bool))
    low, high = points.min(axis=0), points.max(axis=0)
    if len(points) >= SMALL_MAP:
        tail = (1.0 - share) / 2.0
        low, high = np.quantile(points, tail, axis=0), np.quantile(points, 1.0 - tail, axis=0)
    span = np.maximum(high - low, 1e-9)
    low = np.maximum(low - pad * span, points.min(axis=0) - pad * span)
    high = np.minimum(high + pad * span, points.max(axis=0) + pad * span)
    outside = ((points < low) | (points > high)).any(axis=1)
    return Frame((float(low[0]), float(high[0])), (float(low[1]), float(high[1])), outside)


def pixel_scale(map_frame: Frame) -> float:
    """Pixels per map unit: the frame fitted into the reference plot with equal scales on both axes."""
    width = max(map_frame.x[1] - map_frame.x[0], 1e-9)
    height = max(map_frame.y[1] - map_frame.y[0], 1e-9)
    return min(PLOT_WIDTH / width, PLOT_HEIGHT / height)


def label_box(word: str, x: float, y: float, scale: float, map_frame: Frame) -> tuple[float, float, float, float]:
    """(left, bottom, right, top) in pixels from the frame's lower-left corner of ``word`` written above (x, y)."""
    px = (x - map_frame.x[0]) * scale
    py = (y - map_frame.y[0]) * scale + LABEL_LIFT
    half_width = (CHAR_WIDTH * len(word) + 6.0) / 2.0  # the label's background box pads 3 px a side
    return px - half_width, py - LABEL_HEIGHT / 2.0, px + half_width, py + LABEL_HEIGHT / 2.0


def _overlaps(box, boxes) -> bool:
    left, bottom, right, top = box
    return any(left < other[2] and other[0] < right and bottom < other[3] and other[1] < top for other in boxes)


def readable_labels(words: list[str], coords: np.ndarray, n: int = 30, candidates: int = 1_000,
                    grid: tuple[int, int] = (5, 4)) -> list[str]:
    """Up to ``n`` words to write on a map: telling words, frequent first, spread out, never overlapping.

    Words are assumed frequency-ranked. Among the first ``candidates`` telling words inside
    the frame, the most frequent of each cell of a ``grid`` over the frame goes first (so
    every region gets a name), then the rest by frequency; a word is skipped when its label
    would overlap a label already placed or cross the frame's edge.
    """
    points = np.asarray(coords, dtype=np.float64)
    if len(points) == 0 or n <= 0:
        return []
    map_frame = frame(points)
    scale = pixel_scale(map_frame)
    limit = (map_frame.x[1] - map_frame.x[0]) * scale, (map_frame.y[1] - map_frame.y[0]) * scale
    rows = [i for i in range(min(len(words), candidates)) if is_telling(words[i]) and not map_frame.outside[i]]
    columns, lines = grid
    cells = {}
    for i in rows:
        column = min(int((points[i, 0] - map_frame.x[0]) / (map_frame.x[1] - map_frame.x[0] or 1) * columns),
                     columns - 1)
        line = min(int((points[i, 1] - map_frame.y[0]) / (map_frame.y[1] - map_frame.y[0] or 1) * lines), lines - 1)
        cells.setdefault((column, line), i)  # rows are in frequency order: the first is the cell's most frequent
    first = sorted(cells.values())
    placed_first = set(first)
    order = first + [i for i in rows if i not in placed_first]
    taken, boxes = [], []
    for i in order:
        box = label_box(words[i], points[i, 0], points[i, 1], scale, map_frame)
        if box[0] < 0 or box[1] < 0 or box[2] > limit[0] or box[3] > limit[1] or _overlaps(box, boxes):
            continue
        taken.append(i)
        boxes.append(box)
        if len(taken) == n:
            break
    return [words[i] for i in sorted(taken)]


def labels_in_order(words: list[str], coords: np.ndarray, rows: list[int], n: int = 40) -> list[str]:
    """Up to ``n`` words of ``rows``, taken in the order given, skipping any whose label would overlap one already
    taken or that lies outside the frame of all of ``coords`` (for maps whose telling words are not the frequent
    ones, such as the ends of an axis made of words)."""
    points = np.asarray(coords, dtype=np.float64)
    if len(points) == 0 or n <= 0:
        return []
    map_frame = frame(points)
    scale = pixel_scale(map_frame)
    taken, boxes = [], []
    for i in dict.fromkeys(rows):
        if map_frame.outside[i]:
            continue
        box = label_box(words[i], points[i, 0], points[i, 1], scale, map_frame)
        if not _overlaps(box, boxes):
            taken.append(words[i])
            boxes.append(box)
            if len(taken) == n:
                break
    return taken


def label_shifts(words: list[str], coords: np.ndarray, map_frame: Frame) -> list[tuple[float, float]]:
    """(xshift, yshift) in pixels for each label, so labels that must all be shown overlap as little as they can.

    Each label tries a few places around its point (above, below, above or below to either side, then
    farther up or down) and takes the first that overlaps no label placed before it; if every place
    overlaps, it stays above its point. Used where every label is wanted (the biggest moves), unlike
    ``readable_labels``, which leaves words out instead.
    """
    points = np.asarray(coords, dtype=np.float64)[:, :2]
    scale = pixel_scale(map_frame)
    boxes, shifts = [], []
    for word, (x, y) in zip(words, points):
        half_width = (CHAR_WIDTH * len(word) + 6.0) / 2.0
        side = half_width + 6.0
        above, below = LABEL_LIFT, -LABEL_LIFT - 2.0
        tries = [(0.0, above), (0.0, below), (side, above), (-side, above), (side, below), (-side, below)]
        tries += [(0.0, step * LABEL_HEIGHT * sign + (above if sign > 0 else below))
                  for step in (1, 2, 3, 4) for sign in (1, -1)]
        px, py = (x - map_frame.x[0]) * scale, (y - map_frame.y[0]) * scale
        chosen = tries[0]
        for dx, dy in tries:
            box = (px + dx - half_width, py + dy - LABEL_HEIGHT / 2, px + dx + half_width, py + dy + LABEL_HEIGHT / 2)
            if not _overlaps(box, boxes):
                chosen = (dx, dy)
                break
        dx, dy = chosen
        boxes.append((px + dx - half_width, py + dy - LABEL_HEIGHT / 2, px + dx + half_width,
                      py + dy + LABEL_HEIGHT / 2))
        shifts.append(chosen)
    return shifts

"""How many cells one study may have on this server: ``EMBEDLAB_MAX_STUDY_CELLS`` (60 unless set).

``check_cell_count`` refuses a bigger plan with a message saying how to fit it.
"""

from __future__ import annotations


from embedlab.errors import EmbedLabError
from embedlab.settings import whole_number_setting

MAX_CELLS_VARIABLE, DEFAULT_MAX_CELLS = "EMBEDLAB_MAX_STUDY_CELLS", 60


def max_study_cells() -> int:
    """Cells one study may have: ``EMBEDLAB_MAX_STUDY_CELLS`` (60 unless set)."""
    return whole_number_setting(MAX_CELLS_VARIABLE, DEFAULT_MAX_CELLS, "the cells one study may have")


def _count(number: int, word: str) -> str:
    return f"{number:,} {word}{'s' if number != 1 else ''}"


def check_cell_count(sizes: int, embeddings: int, seeds: int) -> None:
    """Refuse a study of more cells than ``max_study_cells()``, saying how to fit (EmbedLabError)."""
    limit, cells = max_study_cells(), sizes * embeddings * seeds
    if cells <= limit:
        return
    if sizes * embeddings <= limit:
        fit = limit // (sizes * embeddings)
        hint = f"with {_count(fit, 'seed')} it would be {fit * sizes * embeddings:,} cells"
    elif embeddings <= limit:
        fit = limit // embeddings
        hint = f"with 1 seed and {_count(fit, 'size')} it would be {fit * embeddings:,} cells"
    else:
        hint = f"with 1 size, 1 seed and {_count(limit, 'embedding')} it would be {limit:,} cells"
    raise EmbedLabError(f"This study would train {cells:,} cells ({_count(sizes, 'size')} × "
                        f"{_count(embeddings, 'embedding')} × {_count(seeds, 'seed')}), more than the {limit:,} one "
                        f"study may have on this server. Pick fewer sizes, embeddings or seeds to fit: {hint}.")

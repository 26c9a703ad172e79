"""Importing umap-learn, for the few places that hand work to it (a graph in pieces; parity tests; benches).

A map never needs umap itself (``steps`` beside it holds the steps it uses), so this import is rare.
"""

from __future__ import annotations

import sys
import threading
import warnings

_IMPORT_LOCK = threading.Lock()


def import_umap():
    """``import umap`` without pulling in TensorFlow when nothing else has (its import is slow and unused here).

    umap's package ``__init__`` imports ParametricUMAP, which imports TensorFlow; EmbedLab
    never uses ParametricUMAP, so its import is answered with ImportError (umap then
    puts a stub in its place) unless TensorFlow is already loaded anyway.
    """
    with _IMPORT_LOCK:  # the warm-up thread and a visitor's map may import at the same moment
        return _import_umap()


def _import_umap():
    if "umap" in sys.modules and hasattr(sys.modules["umap"], "UMAP"):
        return sys.modules["umap"]
    blocked = "tensorflow" not in sys.modules and "umap.parametric_umap" not in sys.modules
    if blocked:
        sys.modules["umap.parametric_umap"] = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import umap
    finally:
        if blocked:
            sys.modules.pop("umap.parametric_umap", None)
    return umap

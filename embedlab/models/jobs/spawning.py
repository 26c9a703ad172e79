"""Starting a helper process with ``spawn`` from inside a Streamlit server: the training workers, a study's baselines.

Always ``spawn``, never ``fork``: a forked copy of a process that has loaded TensorFlow
hangs or crashes (tensorflow#27074), and the server may have loaded it for a map or a
prediction.
"""

from __future__ import annotations

import sys
import threading
import types
from contextlib import contextmanager

_main_lock = threading.Lock()


@contextmanager
def no_script_as_main():
    """Hide the page script Streamlit installed as ``__main__`` while a process is spawned.

    Streamlit runs app.py as a module named ``__main__`` with app.py as its ``__file__`` and
    leaves it in ``sys.modules``; ``spawn`` re-runs the parent's ``__main__`` file in the child,
    so every child would run the whole app, without a session, before its first job.
    """
    with _main_lock:
        main = sys.modules.get("__main__")
        plain = sys.modules["__main__"] = types.ModuleType("__main__")
        try:
            yield
        finally:
            if sys.modules.get("__main__") is plain:  # a script run that started meanwhile keeps its own
                sys.modules["__main__"] = main

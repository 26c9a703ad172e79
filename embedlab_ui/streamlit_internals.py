"""Every use of Streamlit's private modules, in one place, so a Streamlit upgrade breaks one file.

EmbedLab reaches past Streamlit's public API twice, both for its old ``pages/`` mode, which
Streamlit keeps for any app with a ``pages/`` folder until the first ``st.navigation`` call:

- a real server: a deep link as its first request (``/predict?workspace=…``) runs that page's
  script alone, outside app.py's frame (``leave_old_pages_mode``);
- AppTest: it forgets before every run that app.py calls ``st.navigation``, and runs the last
  page's script alone (``apptest_runs_app_py``).

``missing_internals()`` lists what of these has changed; tests/test_streamlit_internals.py runs
it, so an upgrade that renames them fails with the name, not with a puzzling page.
"""

from __future__ import annotations

import runpy
from contextlib import contextmanager

TESTED_WITH = "1.67.0"  # the Streamlit these internals were read from (requirements.txt pins it)


def leave_old_pages_mode() -> bool:
    """Switch a real server out of the old ``pages/`` mode; True when it was in it (the caller then reruns).

    AppTest's runtime (a subclass of ``Runtime``) resets the mode on every run itself, so it is left alone.
    """
    from streamlit.runtime import Runtime
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory and type(Runtime._instance) is Runtime:
        PagesManager.uses_pages_directory = False
        return True
    return False


@contextmanager
def apptest_runs_app_py():
    """While inside, AppTest runs app.py on every run, as a real server does after its first.

    AppTest hands a script it thinks is an old-mode page to ``script_runner._mpa_v1``; this
    runs that script as it is (app.py, with its navigation and sidebar) instead.
    """
    from streamlit.runtime.scriptrunner import script_runner

    original = script_runner._mpa_v1
    script_runner._mpa_v1 = lambda path: runpy.run_path(path, run_name="__main__")
    try:
        yield
    finally:
        script_runner._mpa_v1 = original


def missing_internals() -> list[str]:
    """What of the private names above this Streamlit no longer has (empty when all is as expected)."""
    import streamlit

    missing = []
    try:
        from streamlit.runtime import Runtime
        from streamlit.runtime.pages_manager import PagesManager
        from streamlit.runtime.scriptrunner import script_runner
    except ImportError as error:
        return [f"{error} (Streamlit {streamlit.__version__}; read with {TESTED_WITH})"]
    for owner, name in ((Runtime, "_instance"), (PagesManager, "uses_pages_directory"), (script_runner, "_mpa_v1")):
        if not hasattr(owner, name):
            missing.append(f"{owner.__name__}.{name} is gone (Streamlit {streamlit.__version__}; read with "
                           f"{TESTED_WITH}): update embedlab_ui/streamlit_internals.py")
    if hasattr(PagesManager, "uses_pages_directory") and not isinstance(PagesManager.uses_pages_directory,
                                                                        (bool, type(None))):
        missing.append("PagesManager.uses_pages_directory is no longer a flag; update embedlab_ui/streamlit_internals.py")
    return missing

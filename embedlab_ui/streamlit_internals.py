"""Every use of Streamlit's private modules, in one place, so a Streamlit upgrade breaks one file.

EmbedLab reaches past Streamlit's public API three times. Twice for its old ``pages/`` mode, which
Streamlit keeps for any app with a ``pages/`` folder until the first ``st.navigation`` call:

- a real server: a deep link as its first request (``/predict?workspace=…``) runs that page's
  script alone, outside app.py's frame (``leave_old_pages_mode``);
- AppTest: it forgets before every run that app.py calls ``st.navigation``, and runs the last
  page's script alone (``apptest_runs_app_py``).

And once for speed: after every script run, a fragment's included, Streamlit calls
``keras.backend.clear_session()`` whenever Keras is imported, and that call runs a full garbage
collection (``skip_keras_collection_after_runs``).

And once for a thread that draws for a script: Explore computes a large map in a helper thread while
the script's own thread draws its progress bar, and that helper must carry the script's context
(``carry_script_context``), or the cached functions it calls run without a session and warn of it.

One more reader, for the benches only: the messages on a page's websocket (``websocket_message_kind``
for bench_load.py, to time the server's answer apart from the browser's drawing; ``protocol_messages``
for bench_serve.py, whose visitors speak that protocol without a browser).

``missing_internals()`` lists what of these has changed; tests/ui/test_streamlit_internals.py runs
it, so an upgrade that renames them fails with the name, not with a puzzling page.
"""

from __future__ import annotations

import runpy
import sys
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


def _clear_problem_modules_without_collecting() -> None:
    """Streamlit's own clean-up after a script run, minus the full collection inside Keras' ``clear_session``."""
    keras = sys.modules.get("keras")
    if keras is not None:
        try:
            keras.backend.clear_session(free_memory=False)  # names and kernel caches reset; no gc.collect()
        except Exception:  # noqa: S110  as Streamlit does: a failed clean-up must not fail the page
            pass
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is not None:
        try:
            plt.close("all")
        except Exception:  # noqa: S110  as above: a failed clean-up must not fail the page
            pass


_STREAMLIT_CLEAN_UP = []  # Streamlit's own clean-up function, kept when it is replaced


def skip_keras_collection_after_runs(skip: bool = True) -> None:
    """Stop the full garbage collection Streamlit triggers through Keras after every script run.

    The server imports TensorFlow (Predict loads models), so Streamlit's ``_clean_problem_modules``
    calls ``keras.backend.clear_session()``, which ends in ``gc.collect()``: a pass over every Python
    object of the server, a third of a second with TensorFlow loaded and longer as sessions pile up.
    The Train page's live panel reruns every second, so a visitor watching a training cost the
    server a third of a core and slowed the training beside it (bench/bench_jobs.py). Python's own
    generational collector still runs; ``runner.postScriptGC`` (.streamlit/config.toml) is off for
    the same reason. Idempotent; ``skip=False`` puts Streamlit's clean-up back.
    """
    from streamlit.runtime.scriptrunner import script_runner

    if not _STREAMLIT_CLEAN_UP:
        _STREAMLIT_CLEAN_UP.append(script_runner._clean_problem_modules)
    script_runner._clean_problem_modules = (_clear_problem_modules_without_collecting if skip
                                            else _STREAMLIT_CLEAN_UP[0])


def clean_up_as_after_a_run() -> None:
    """What Streamlit does after each script run to stateful modules (Keras, pyplot), as it now stands."""
    from streamlit.runtime.scriptrunner import script_runner

    script_runner._clean_problem_modules()


def websocket_message_kind(payload: bytes | str, from_browser: bool) -> str | None:
    """The kind of one Streamlit websocket message (``rerun_script``, ``script_finished``, …), None if not one.

    The browser sends ``BackMsg`` protobufs and the server answers with ``ForwardMsg`` ones;
    a rerun asked for and the ``script_finished`` that ends it bracket the server's work.
    """
    if not isinstance(payload, (bytes, bytearray)):
        return None
    from google.protobuf.message import DecodeError
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    try:
        message = (BackMsg if from_browser else ForwardMsg).FromString(bytes(payload))
    except DecodeError:
        return None
    return message.WhichOneof("type")


def protocol_messages():
    """Streamlit's websocket protobuf classes (BackMsg, ForwardMsg, NumberInput, WidgetState), for bench_serve.py.

    bench/bench_serve.py's visitors speak the browser's protocol without a browser.
    """
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.proto.NumberInput_pb2 import NumberInput
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    return BackMsg, ForwardMsg, NumberInput, WidgetState


def carry_script_context(thread) -> None:
    """Give ``thread`` (not started yet) the calling script run's context, as Streamlit's own threads have."""
    from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

    add_script_run_ctx(thread, get_script_run_ctx())


def missing_internals() -> list[str]:
    """What of the private names above this Streamlit no longer has (empty when all is as expected)."""
    import streamlit

    missing = []
    try:
        from streamlit.runtime import Runtime
        from streamlit.runtime.pages_manager import PagesManager
        from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx, script_runner  # noqa: F401
    except ImportError as error:
        return [f"{error} (Streamlit {streamlit.__version__}; read with {TESTED_WITH})"]
    for owner, name in ((Runtime, "_instance"), (PagesManager, "uses_pages_directory"), (script_runner, "_mpa_v1"),
                        (script_runner, "_clean_problem_modules")):
        if not hasattr(owner, name):
            missing.append(f"{owner.__name__}.{name} is gone (Streamlit {streamlit.__version__}; read with "
                           f"{TESTED_WITH}): update embedlab_ui/streamlit_internals.py")
    try:
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    except ImportError as error:
        missing.append(f"{error}: the load bench reads Streamlit's websocket messages with these")
    else:
        for message, kind in ((BackMsg, "rerun_script"), (ForwardMsg, "script_finished")):
            if kind not in message.DESCRIPTOR.fields_by_name:
                missing.append(f"{message.__name__} has no {kind} (Streamlit {streamlit.__version__}; read with "
                               f"{TESTED_WITH}): update embedlab_ui/streamlit_internals.py")
    if hasattr(PagesManager, "uses_pages_directory") and not isinstance(PagesManager.uses_pages_directory,
                                                                        (bool, type(None))):
        missing.append("PagesManager.uses_pages_directory is no longer a flag; update "
                       "embedlab_ui/streamlit_internals.py")
    return missing

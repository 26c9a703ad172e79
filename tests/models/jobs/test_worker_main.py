"""A training worker spawned by the app server does not run the page script that Streamlit installed as ``__main__``."""

import sys
import types

from embedlab.models.jobs.base import TrainingSpec
from embedlab.models.jobs.processes import ProcessJob, WorkerPool
from embedlab.models.jobs.slots import SlotQueue
from embedlab.models.training.options import TrainingOptions
from tests.models.training.test_fit import tiny_config, tiny_dataset


def test_a_worker_spawned_while_a_streamlit_script_is_main_does_not_run_that_script(tmp_path, monkeypatch):
    # Streamlit runs app.py as a module named __main__ whose __file__ is app.py, and leaves it in
    # sys.modules; `spawn` re-runs the parent's __main__ file in every child before its target.
    marker = tmp_path / "the script ran"
    script = tmp_path / "app.py"
    script.write_text(f"open({str(marker)!r}, 'w').close()\nraise SystemExit(3)\n")
    page_script = types.ModuleType("__main__")
    page_script.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", page_script)

    pool = WorkerPool(threads_per_worker=1)
    spec = TrainingSpec(tiny_dataset(), tiny_config(), TrainingOptions(epochs=1, batch_size=8), save_to=tmp_path)
    job = ProcessJob(spec, queue=SlotQueue(1), pool=pool).start()
    job.join(timeout=300)
    status = job.snapshot()
    for worker in pool.idle:
        worker.close()
    assert status.state == "done", status.failure
    assert not marker.exists()
    assert sys.modules["__main__"] is page_script  # the server's own __main__ is left as it was

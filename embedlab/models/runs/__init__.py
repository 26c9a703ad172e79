"""Saved runs: a trained model with its config, history and metrics, in a folder or under ``s3://``.

``catalog`` lists, reads, saves, renames and deletes runs; ``metrics`` gives a run's metrics.json
typed fields; ``storage`` is the file system behind it (local or fsspec); ``writing`` writes a run
atomically (with ``files``); ``pending`` keeps a run its folder or storage did not take, to retry;
``damage`` says what is wrong with a run that does not load. This face names what code outside the
package uses.
"""

from embedlab.models.runs.catalog import (
    DamagedRun, Run, damaged_runs, default_runs_dir, delete_run, ensure_writable_runs_folder, list_runs, read_run,
    remove_damaged_run, rename_run, save_run, scan_runs, workspace_dir, zip_run,
)
from embedlab.models.runs.metrics import RunMetrics
from embedlab.models.runs.pending import PendingRun, pending_uploads, retry_upload

__all__ = [
    "DamagedRun", "PendingRun", "Run", "RunMetrics", "damaged_runs", "default_runs_dir", "delete_run",
    "ensure_writable_runs_folder", "list_runs", "pending_uploads", "read_run", "remove_damaged_run", "rename_run",
    "retry_upload", "save_run", "scan_runs", "workspace_dir", "zip_run",
]

"""Runs a save could not put in place, kept aside: listed as not saved or not uploaded, retried, removed in time.

A run trained to a runs folder whose disk is full (or that cannot be written), or to s3:// storage
that did not take it (the endpoint died mid-upload, credentials expired), is not lost, nor left in a
temporary folder nobody can reach from a browser: the complete, checked run is kept under
EmbedLab's cache folder (``cache_dir("unsent-runs")``; the system's temporary folder when that disk
is full too), one folder per destination, so a workspace only ever lists its own::

    unsent-runs/<sha256 of the destination>/<run id>/       the run's files, as save_run writes them
                                            <run id>.json   where it was going, its name, why it is here

The record is written last (a copy without one is never listed); its modification time is when
the run was kept. ``scan_runs`` lists them (``RunListing.pending``), the Train page shows each with
a retry button, and ``retry_upload`` puts one in its runs folder (copied, synced, renamed into
place; published, manifest last, for s3://) and forgets it. Kept copies are a rescue, not
storage: any listing removes those older than ``KEEP_HOURS``, and those of one destination
beyond the newest ``MAX_KEPT``.

Messages never name a folder of the server: a visitor cannot reach it, and it is not theirs to know.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from embedlab.cache import cache_dir
from embedlab.errors import EmbedLabError
import embedlab.models.runs.files as run_files
import embedlab.models.runs.storage as run_storage

KEEP_HOURS = 48  # a kept run this old is removed (the messages promise this many hours)
MAX_KEPT = 10  # kept runs per destination; older ones beyond this are removed
FOLDER = "unsent-runs"
_FULL = (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))
_DENIED = (errno.EACCES, errno.EPERM, errno.EROFS)


@dataclass(frozen=True)
class PendingRun:
    """A complete run kept aside because its runs folder did not take it; ``retry_upload`` puts it there."""

    path: Path  # the kept run folder (on the server: never shown to a visitor)
    record: Path  # its <run id>.json; the file's modification time is when the run was kept
    destination: str  # the runs folder (or s3:// URL) it is meant for
    name: str
    reason: str  # why it is not there, in words without a server path
    kept_at: float

    @property
    def run_id(self) -> str:
        return self.path.name

    @property
    def remote(self) -> bool:
        return run_storage.is_remote(self.destination)

    @property
    def action(self) -> str:
        """The retry button's label."""
        return "Retry upload" if self.remote else "Retry save"

    @property
    def status(self) -> str:
        return "not uploaded" if self.remote else "not saved"

    @property
    def hours_left(self) -> int:
        return max(0, int((self.kept_at + KEEP_HOURS * 3600 - time.time()) // 3600))


def _roots() -> list[Path]:
    """Where kept runs go, in order: the cache folder, then the system's temporary folder."""
    roots = []
    try:
        roots.append(cache_dir(FOLDER))
    except OSError:
        pass
    return roots + [Path(tempfile.gettempdir()) / f"embedlab-{FOLDER}"]


def _destination_text(destination: Path | str) -> str:
    text = str(destination)
    return text.rstrip("/") if "://" in text else os.path.abspath(os.fspath(destination))


def _shelf(root: Path, destination: str) -> Path:
    return root / hashlib.sha256(destination.encode("utf-8")).hexdigest()[:24]


def write_aside(write_run, run_id: str, destination: Path | str, reason: str) -> PendingRun:
    """Write a run (``write_run(folder)``) aside for ``destination``; OSError if no place can take it."""
    destination, failure = _destination_text(destination), None
    for root in _roots():
        shelf = _shelf(root, destination)
        partial, final = shelf / f".{run_id}.partial", shelf / run_id
        try:
            shelf.mkdir(parents=True, exist_ok=True)
            shutil.rmtree(partial, ignore_errors=True)
            partial.mkdir()
            write_run(partial)
            os.rename(partial, final)
            return _record(final, destination, reason)
        except OSError as error:
            failure = error
            shutil.rmtree(partial, ignore_errors=True)
            shutil.rmtree(final, ignore_errors=True)
    raise failure or OSError(errno.ENOENT, "no folder to keep the run in")


def keep_aside(folder: Path, destination: Path | str, reason: str) -> PendingRun:
    """Move the complete run ``folder`` aside for ``destination`` (a rename when on one disk); OSError if it cannot."""
    destination, failure = _destination_text(destination), None
    for root in _roots():
        shelf = _shelf(root, destination)
        final = shelf / folder.name
        try:
            shelf.mkdir(parents=True, exist_ok=True)
            shutil.move(folder, final)
            return _record(final, destination, reason)
        except OSError as error:
            failure = error
            if folder.is_dir():
                shutil.rmtree(final, ignore_errors=True)
    raise failure or OSError(errno.ENOENT, "no folder to keep the run in")


def _record(folder: Path, destination: str, reason: str) -> PendingRun:
    """Write the record that makes a kept run listed (last, in one step); the folder goes if that fails."""
    record = folder.with_name(f"{folder.name}.json")
    try:
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        name = str(config.get("name") or folder.name) if isinstance(config, dict) else folder.name
    except (OSError, ValueError):
        name = folder.name
    payload = {"destination": destination, "name": name, "reason": reason}
    try:
        run_files.replace_durably(record, json.dumps(payload, indent=2))
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return _read(record)


def _read(record: Path) -> PendingRun | None:
    try:
        payload = json.loads(record.read_text(encoding="utf-8"))
        kept_at = record.stat().st_mtime
        folder = record.with_name(record.name.removesuffix(".json"))
        if not folder.is_dir():
            return None
        return PendingRun(folder, record, str(payload["destination"]), str(payload["name"]), str(payload["reason"]),
                          kept_at)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def pending_uploads(destination: Path | str) -> list[PendingRun]:
    """The runs kept aside for ``destination`` (a workspace's runs folder), newest first; old ones are removed first."""
    destination = _destination_text(destination)
    remove_expired()
    kept = []
    for root in _roots():
        shelf = _shelf(root, destination)
        if shelf.is_dir():
            found = (_read(record) for record in shelf.glob("*.json") if not record.name.startswith("."))
            kept += [pending for pending in found if pending is not None and pending.destination == destination]
    kept.sort(key=lambda pending: pending.kept_at, reverse=True)
    for pending in kept[MAX_KEPT:]:
        forget(pending)
    return kept[:MAX_KEPT]


def remove_expired(now: float | None = None) -> None:
    """Remove kept runs older than ``KEEP_HOURS`` for every destination, and leftovers of saves that died."""
    deadline = (now or time.time()) - KEEP_HOURS * 3600
    for root in _roots():
        try:
            shelves = [shelf for shelf in root.iterdir() if shelf.is_dir()]
        except OSError:
            continue
        for shelf in shelves:
            try:
                entries = list(shelf.iterdir())
                for entry in entries:
                    if entry.stat().st_mtime >= deadline:
                        continue
                    if entry.suffix == ".json" and not entry.name.startswith("."):
                        entry.unlink(missing_ok=True)  # the record first: no longer listed
                        shutil.rmtree(entry.with_name(entry.name.removesuffix(".json")), ignore_errors=True)
                    elif entry.is_dir() and not entry.with_name(f"{entry.name}.json").exists():
                        shutil.rmtree(entry, ignore_errors=True)  # no record: a keep cut short
                if not any(shelf.iterdir()):
                    shelf.rmdir()
            except OSError:
                continue  # removed meanwhile by another process


def forget(pending: PendingRun) -> None:
    """Remove a kept run: its record first (no longer listed), then its files."""
    pending.record.unlink(missing_ok=True)
    shutil.rmtree(pending.path, ignore_errors=True)


def retry_upload(pending: PendingRun) -> Path | str:
    """Put a kept run in its runs folder and forget the kept copy; return where it is now.

    EmbedLabError (without server paths) if the runs folder still does not take it: the run stays kept.
    """
    location = _upload(pending) if pending.remote else _save_in_folder(pending)
    forget(pending)
    return location


def _upload(pending: PendingRun) -> str:
    try:
        return run_storage.publish_run(pending.path, pending.destination)
    except EmbedLabError as error:
        raise EmbedLabError(
            f"could not upload the run “{pending.name}” yet: {storage_problem(error, still=True)}. It stays kept "
            f"for {pending.hours_left} more hours; press {pending.action} again later, or ask the server's admin to "
            "check the run storage"
        ) from None


def _save_in_folder(pending: PendingRun) -> Path:
    directory = Path(pending.destination)
    final, partial = directory / pending.run_id, directory / f".{pending.run_id}.partial"
    if final.is_dir():
        return final  # put there by an earlier retry that ended before it forgot the copy
    try:
        directory.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir()
        for file in sorted(pending.path.iterdir()):
            if file.is_file() and not file.name.startswith("."):
                run_files.copy_durably(file, partial / file.name)
        run_files.sync_path(partial)
        os.rename(partial, final)
        run_files.sync_path(directory)
    except OSError as error:
        shutil.rmtree(partial, ignore_errors=True)
        raise EmbedLabError(
            f"could not save the run “{pending.name}” yet: {folder_problem(error, still=True)}. It stays kept for "
            f"{pending.hours_left} more hours; press {pending.action} again later, or ask the server's admin to "
            "free disk space"
        ) from None
    return final


def _what(error: OSError) -> str:
    """The error in words, without the path an OSError may carry."""
    return error.strerror or (str(error) if error.filename is None else "") or type(error).__name__


def folder_problem(error: OSError, still: bool = False) -> str:
    """What went wrong with a runs folder, in words a visitor can act on (no path)."""
    what = _what(error)
    again = "still " if still else ""
    if error.errno in _FULL:
        return f"the runs folder's disk is {again}full ({what})"
    if error.errno in _DENIED:
        return f"the runs folder {again}cannot be written ({what})"
    return f"the runs folder {again}did not take the run ({what})"


def storage_problem(error: EmbedLabError, still: bool = False) -> str:
    """What went wrong with the run storage, in words without its address."""
    cause = getattr(error, "cause", "")
    return f"the run storage {'still ' if still else ''}did not answer as expected{f' ({cause})' if cause else ''}"


def kept_unsaved(write_run, run_id: str, destination, error: OSError) -> EmbedLabError:
    """Keep a run its folder did not take aside (``write_run(folder)`` writes it); the one line that says so."""
    problem = folder_problem(error)
    try:
        pending = write_aside(write_run, run_id, destination, problem)
    except OSError as second:
        return EmbedLabError(f"could not save the run: {problem}, nor keep a copy aside ({_what(second)}); free "
                             "some disk space (or ask the server's admin to) and train again")
    return EmbedLabError(
        f"could not save the run: {problem}. Nothing is lost: the trained run is kept for {KEEP_HOURS} hours as a "
        f"run {pending.status}; press {pending.action} in the Runs tab of the Train page once there is room, or ask "
        f"the server's admin to free disk space (on the command line, it is in the {FOLDER} folder of EmbedLab's "
        "cache)"
    )


def kept_unsent(folder: Path, url: str, error: EmbedLabError) -> EmbedLabError:
    """Keep a complete run the storage at ``url`` did not take aside (moved); the one line that says so."""
    problem = storage_problem(error)
    try:
        pending = keep_aside(folder, url, problem)
    except OSError as second:
        return EmbedLabError(f"could not upload the run: {problem}, nor keep a copy aside ({_what(second)}); "
                             "train again once the storage answers (or ask the server's admin to check it)")
    return EmbedLabError(
        f"could not upload the run: {problem}. Nothing is lost: the trained run is kept for {KEEP_HOURS} hours as "
        f"a run {pending.status}; press {pending.action} in the Runs tab of the Train page once the storage answers "
        "again, or ask the server's admin to check the run storage (on the command line, it is in the "
        f"{FOLDER} folder of EmbedLab's cache)"
    )

"""Where classes live: ``<runs folder>/.classes/<CODE>/…`` in the run storage (a local folder or ``s3://``).

The hidden ``.classes`` folder cannot be a workspace (a workspace name has no dot), so listing a
workspace's runs never meets it. Every file is small JSON written whole in one step: locally through a
temporary file renamed over it (``runs.files.replace_durably``), on object storage as one PUT, which
S3 makes visible whole. ``create`` writes a file only if it is not there yet (a member's name, a claim),
atomically on a local folder (``os.link`` refuses an existing name); on S3 it checks first, which leaves
a short race between two writers of the same new name.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import tempfile
from pathlib import Path

from embedlab.errors import EmbedLabError
import embedlab.models.runs.catalog as catalog
import embedlab.models.runs.files as files
import embedlab.models.runs.storage as storage

CLASSES_FOLDER = ".classes"


class ClassStore:
    """The files of one runs folder's classes, by relative path (``"K7QX2M/class.json"``)."""

    def __init__(self, runs_dir: Path | str | None = None) -> None:
        root = runs_dir if runs_dir is not None else catalog.default_runs_dir()
        self.remote = storage.is_remote(root)
        if self.remote:
            self.root = f"{str(root).rstrip('/')}/{CLASSES_FOLDER}"
        else:
            self.root = Path(root).expanduser() / CLASSES_FOLDER

    def __repr__(self) -> str:
        return f"ClassStore({self.root})"

    def _remote(self, relative: str):
        filesystem, path = storage.remote_filesystem(self.root)
        return filesystem, f"{path}/{relative}"

    def read_json(self, relative: str) -> dict | None:
        """The JSON object in ``relative``, None if there is no such file; EmbedLabError if it is damaged."""
        try:
            if self.remote:
                filesystem, path = self._remote(relative)
                text = filesystem.cat_file(path).decode("utf-8")
            else:
                text = (self.root / relative).read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError as error:
            raise EmbedLabError(f"cannot read the class file {relative} ({error.strerror or error}); "
                                "check the runs folder can be read") from None
        except Exception as error:  # botocore, aiohttp and fsspec each raise their own types
            raise _unreachable("read", relative, error) from None
        try:
            value = json.loads(text)
        except ValueError:
            value = None
        if not isinstance(value, dict):
            raise EmbedLabError(f"the class file {relative} is damaged (not a JSON object); "
                                "the instructor can start a new class")
        return value

    def write_json(self, relative: str, value: dict) -> None:
        """Write ``value`` to ``relative`` whole, in one step for readers."""
        text = json.dumps(value, indent=1, ensure_ascii=False)
        if self.remote:
            filesystem, path = self._remote(relative)
            self._remote_call(lambda: filesystem.pipe(path, text.encode("utf-8")), relative)
            return
        target = self.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        files.replace_durably(target, text)

    def create_json(self, relative: str, value: dict) -> bool:
        """Write ``value`` to ``relative`` unless a file is there already; True if this call wrote it."""
        text = json.dumps(value, indent=1, ensure_ascii=False)
        if self.remote:
            filesystem, path = self._remote(relative)
            if self._remote_call(lambda: filesystem.exists(path), relative):
                return False
            self._remote_call(lambda: filesystem.pipe(path, text.encode("utf-8")), relative)
            return True
        target = self.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write(text)
                file.flush()
                os.fsync(file.fileno())
            os.link(temporary, target)  # refuses an existing name: the first writer wins, whole
        except FileExistsError:
            return False
        finally:
            Path(temporary).unlink(missing_ok=True)
        files.sync_path(target.parent)
        return True

    def remove(self, relative: str) -> None:
        """Remove the file ``relative`` if it is there."""
        if self.remote:
            filesystem, path = self._remote(relative)
            with contextlib.suppress(FileNotFoundError):
                self._remote_call(lambda: filesystem.rm(path), relative)
            return
        (self.root / relative).unlink(missing_ok=True)

    def names(self, relative: str) -> list[str]:
        """Names of the visible JSON files in the folder ``relative`` (none if it is not there), sorted."""
        if self.remote:
            filesystem, path = self._remote(relative)
            try:
                filesystem.invalidate_cache(path)
                found = self._remote_call(lambda: filesystem.ls(path, detail=False), relative)
            except FileNotFoundError:
                return []
            names = [entry.rstrip("/").rsplit("/", 1)[-1] for entry in found]
        else:
            try:
                names = os.listdir(self.root / relative)
            except FileNotFoundError:
                return []
            except NotADirectoryError:
                raise EmbedLabError(f"the class path {relative} is a file, not a folder; "
                                    "the class is damaged") from None
        return sorted(name for name in names if name.endswith(".json") and not name.startswith("."))

    @contextlib.contextmanager
    def lock(self, relative: str):
        """Changes to the folder ``relative`` take turns among processes (local folders; object stores: no lock)."""
        if self.remote:
            yield
            return
        folder = self.root / relative
        folder.mkdir(parents=True, exist_ok=True)
        with files.folder_lock(folder):
            yield

    def _remote_call(self, call, relative: str):
        try:
            return call()
        except FileNotFoundError:
            raise
        except OSError as error:
            if error.errno == errno.ENOENT:
                raise FileNotFoundError(relative) from None
            raise _unreachable("use", relative, error) from None
        except Exception as error:  # botocore, aiohttp and fsspec each raise their own types
            raise _unreachable("use", relative, error) from None


def _unreachable(verb: str, relative: str, error: Exception) -> storage.RunStorageError:
    """One line for a storage that did not answer: the error's type, no address, no traceback."""
    return storage.RunStorageError(f"the run storage did not let EmbedLab {verb} the class file {relative} "
                                   f"({type(error).__name__}); check it is reachable", type(error).__name__)

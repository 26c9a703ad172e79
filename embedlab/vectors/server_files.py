"""Which vector files on the server a web visitor may load: an allow-list, checked after symlinks resolve.

A visitor never reads an arbitrary server path. They pick from (or type a path inside) these sources:

- the folder named by ``EMBEDLAB_VECTORS_DIR``, when set (an admin's collection of vector files);
- the cache's vectors folder (``cache_dir("vectors")``): an admin drops files there without any setting;
- a few sample vector files that the gensim wheel ships (written by gensim and fastText).

Every refusal is worded the same whether or not the path exists, and quotes no file's contents, so the
messages tell a visitor nothing about the server beyond these sources. The CLI is not limited: whoever
runs it already reads the server's files.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from embedlab.errors import EmbedLabError

VECTORS_DIR_ENV = "EMBEDLAB_VECTORS_DIR"
VECTOR_SUFFIXES = (".txt", ".vec", ".bin", ".tsv", ".w2v", ".gz")
# Vector files in gensim's test data, in formats other tools write (GloVe text, fastText .vec, word2vec binary).
GENSIM_SAMPLES = ("test_glove.txt", "lee_fasttext.vec", "pang_lee_polarity_fasttext.vec", "euclidean_vectors.bin",
                  "toy-model.vec", "crime-and-punishment.vec")
SAMPLES_LABEL = "samples"


@dataclass(frozen=True)
class ServerFolder:
    """A folder whose vector files are offered; ``label`` is what visitors see instead of its server path."""

    label: str
    path: Path


def allowed_folders() -> list[ServerFolder]:
    """The folders whose files a visitor may load: ``EMBEDLAB_VECTORS_DIR`` (if set) and the cache's vectors folder."""
    folders = []
    configured = os.environ.get(VECTORS_DIR_ENV, "").strip()
    if configured:
        folders.append(ServerFolder("vectors", Path(configured).expanduser().resolve()))
    try:
        from embedlab.cache import cache_dir

        folders.append(ServerFolder("cache", cache_dir("vectors").resolve()))
    except OSError:
        pass  # no writable cache folder: nothing can be dropped there either
    return folders


def sample_files() -> dict[str, Path]:
    """gensim's sample vector files that are installed, by file name (empty without gensim)."""
    try:
        import gensim
    except ImportError:
        return {}
    folder = Path(gensim.__file__).resolve().parent / "test" / "test_data"
    return {name: folder / name for name in GENSIM_SAMPLES if (folder / name).is_file()}


def list_server_files() -> list[str]:
    """Every file a visitor may pick, as ``label/relative/path`` (samples first, then each folder's files)."""
    listed = [f"{SAMPLES_LABEL}/{name}" for name in sample_files()]
    for folder in allowed_folders():
        if folder.path.is_dir():
            listed += [f"{folder.label}/{relative}" for relative in _vector_files(folder.path)]
    return listed


def _vector_files(folder: Path) -> list[str]:
    """Vector files below ``folder`` whose real path stays inside it, relative to it."""
    found = []
    for path in sorted(folder.rglob("*")):
        name = path.name.lower()
        if not name.endswith(VECTOR_SUFFIXES) or name.startswith(".") or "metadata" in name:
            continue  # a Projector metadata.tsv goes with its vectors.tsv; hidden files are the admin's own
        if path.is_file() and path.resolve().is_relative_to(folder):
            found.append(path.relative_to(folder).as_posix())
    return found


def resolve_server_file(name: str) -> Path:
    """The real path of the allowed vector file ``name`` names; EmbedLabError if it names anything else.

    ``name`` is a listed entry (``cache/glove.txt``, ``samples/test_glove.txt``), a path relative to an
    allowed folder, or an absolute path; symlinks are resolved before the check, so a link inside a folder
    that points outside it is refused like any other outside path.
    """
    typed = name.strip()
    samples = sample_files()
    label, _, rest = typed.partition("/")
    if label == SAMPLES_LABEL and rest in samples:
        return samples[rest]
    if typed in {str(sample) for sample in samples.values()}:  # a sample picked before, checked again
        return Path(typed)
    typed_path = Path(typed).expanduser()
    missing = None  # a path inside a folder that names no file: said as such, since it tells nothing outside
    for folder in allowed_folders():
        if typed_path.is_absolute():
            candidates = [typed_path]
        else:  # a listed "label/rest" entry first, then the path taken relative to the folder
            candidates = ([folder.path / rest] if label == folder.label and rest else []) + [folder.path / typed]
        for candidate in candidates:
            real = candidate.resolve()
            if real.is_relative_to(folder.path) and real != folder.path:
                if real.exists():
                    return _existing_file(real, folder)
                missing = missing or (real, folder)
            elif os.path.lexists(candidate) and Path(os.path.normpath(candidate)).is_relative_to(folder.path):
                raise not_offered(typed)  # a link inside the folder that leads out of it
    if missing is not None:
        _existing_file(*missing)
    raise not_offered(typed)


def _existing_file(real: Path, folder: ServerFolder) -> Path:
    shown = f"{folder.label}/{real.relative_to(folder.path).as_posix()}"
    if not real.exists():
        raise EmbedLabError(f"no file {shown} in the server's vector folders; pick one from the list")
    if not real.is_file():
        raise EmbedLabError(f"{shown} is a folder; pick a vector file inside it from the list")
    return real


def not_offered(typed: str) -> EmbedLabError:
    """The one refusal for any path outside the allowed sources, existing or not."""
    shown = typed if len(typed) <= 80 else typed[:77] + "…"
    return EmbedLabError(
        f"{shown!r} is not one of this server's vector files; pick a file from the list "
        f"(the admin can offer more by putting them in the folder {VECTORS_DIR_ENV} names)"
    )


def check_inside(path: Path, folder_of: Path) -> Path:
    """``path``'s real path if it stays in the allowed source that holds ``folder_of``; EmbedLabError otherwise.

    Used for the ``metadata.tsv`` read beside a Projector ``vectors.tsv``: a symlinked metadata file must
    not carry a read outside the folder the vectors came from.
    """
    real = path.resolve()
    roots = [folder.path for folder in allowed_folders()] + [sample.parent for sample in sample_files().values()]
    for root in roots:
        if folder_of.is_relative_to(root) and real.is_relative_to(root):
            return real
    raise EmbedLabError(f"{path.name} beside {folder_of.name} points outside the server's vector folders, so it "
                        "is not read; ask the admin to copy the real file there")

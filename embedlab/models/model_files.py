"""Loading ``.keras`` files safely, and refusing files EmbedLab did not make.

Every check that can refuse a file runs before Keras (and TensorFlow, 6 to 20 seconds and
about 700 MB) is imported: the zip's structure (not a zip, a bomb, entries that climb out,
archives inside it), then config.json (not JSON, nested too deep, a layer that carries
Python code, a layer, object or module that EmbedLab never saves, no text or embedding layer).
"""

from __future__ import annotations

import io
import json
import struct
import zipfile
from pathlib import Path

from embedlab.errors import EmbedLabError

# Layer and function records whose config carries Python code ("__lambda__" is how
# older Keras versions name a lambda serialised as an activation or other callable).
_CODE_CLASSES = {"Lambda", "TFOpLambda", "__lambda__"}
MAX_UPLOAD_BYTES = 500_000_000
# What an EmbedLab .keras holds: config.json and metadata.json (a few KB), model.weights.h5
# (the embedding and its optimizer slots: tens of MB), two vocabulary.txt assets and the class
# names. Declared sizes beyond these are zip bombs or data dumps, refused before anything is read.
# config.json: a few KB today; runs saved before the GloVe matrix left the config carry it
# as JSON lists (20 MB for 20k x 50), so those sizes still load. Object and list counts are
# bounded too: millions of tiny ones would take gigabytes as Python objects.
MAX_CONFIG_BYTES = 25_000_000
MAX_CONFIG_OBJECTS = 100_000
MAX_CONFIG_LISTS = 1_000_000
MAX_CLASS_NAMES_BYTES = 1_000_000
MAX_ENTRY_BYTES = 600_000_000
MAX_UNPACKED_BYTES = 1_000_000_000
MAX_ENTRIES = 64
MAX_COMPRESSION_RATIO = 50  # Keras stores entries uncompressed; re-zipped floats shrink about 1.1 times
RATIO_FLOOR_BYTES = 1_000_000  # small entries (text, JSON) may compress well and cost nothing
MAX_CONFIG_DEPTH = 64  # a model config nests about 10 deep; deeper is a file built to exhaust the parser
CLASS_NAMES_ENTRY = "embedlab.json"  # written by embedlab.models.runs.writing.add_class_names
_ENTRY_LIMITS = {"config.json": MAX_CONFIG_BYTES, "metadata.json": MAX_CLASS_NAMES_BYTES,
                 CLASS_NAMES_ENTRY: MAX_CLASS_NAMES_BYTES}
_END_RECORD_SEARCH = 22 + 65_535  # the end record and the longest comment a zip may carry
# What EmbedLab's models are made of (``embedlab.models.architecture``: every encoder and option, GloVe or not),
# as Keras 3 writes them in config.json. Any other record, or a module outside Keras, is not an EmbedLab model.
EMBEDLAB_CLASSES = frozenset({
    "Functional", "Sequential",  # the model, and the Conv1D encoder's block
    "InputLayer", "TextVectorization", "Embedding", "SpatialDropout1D", "Dense", "Dropout", "LSTM", "GRU",
    "Bidirectional", "Conv1D", "GlobalMaxPooling1D", "GlobalAveragePooling1D",
    "DTypePolicy", "FloatDTypePolicy",  # Keras' dtype records (the second in older Keras 3 releases)
    "GlorotUniform", "Orthogonal", "Zeros", "Constant", "RandomUniform",  # initializers (Constant: old GloVe runs)
    "Adam", "NotEqual",  # the optimizer; the embedding's padding mask, an op of the model's graph
    "__keras_tensor__", "__tuple__", "function",  # Keras' records of a tensor, a tuple, a registered function
})
_ARCHIVE_SUFFIXES = (".zip", ".keras", ".jar", ".gz", ".tgz", ".tar", ".bz2", ".xz", ".7z", ".rar", ".zst")
_ARCHIVE_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08", b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00",
                  b"7z\xbc\xaf\x27\x1c", b"Rar!\x1a\x07", b"\x28\xb5\x2f\xfd")


def load_embedlab_model(path: Path | str):
    """Load a ``.keras`` model saved by EmbedLab, with Keras' safe mode on.

    Refused with EmbedLabError, before Keras is imported: a file that is not a ``.keras`` zip
    (or is a zip bomb, climbs out of itself, or holds another archive), one whose config
    holds a Lambda layer or other Python code or anything EmbedLab never saves, and one
    without the TextVectorization and Embedding layers every EmbedLab model has.
    """
    path = Path(path)
    if not path.is_file():
        raise EmbedLabError(f"no model file at {path}; pick a run folder that has {path.name}")
    if not zipfile.is_zipfile(path):
        raise EmbedLabError(
            f"{path.name} is not a .keras model file (expected a zip archive with config.json); "
            "save the model with model.save('name.keras') and try again"
        )
    try:
        config_text = _read_config(path)
    except zipfile.BadZipFile:
        raise EmbedLabError(f"{path.name} is a damaged zip archive; save the model again") from None
    _refuse_code(config_text, path.name)
    _refuse_nested_archives(path)

    import keras

    from embedlab.text import register_with_keras

    register_with_keras()
    try:
        model = keras.models.load_model(path, safe_mode=True, compile=False)
    except Exception as error:  # Keras raises many types for a foreign or corrupt file
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise EmbedLabError(
            f"{path.name} could not be loaded as an EmbedLab model ({first_line[:300]}); "
            "use a .keras file saved by EmbedLab's Train page or `python -m embedlab train`"
        ) from None
    from embedlab.models.architecture import embedding_layer, vectorizer_layer

    vectorizer_layer(model)
    embedding_layer(model)
    return model


def load_embedlab_model_bytes(data: bytes, filename: str = "uploaded.keras"):
    """Load an uploaded ``.keras`` file's bytes with the same checks as ``load_embedlab_model``.

    The bytes go to a private temporary file (Keras loads from a path) that is removed
    as soon as the model is in memory, so one visitor's upload never lands in a
    folder another visitor can list.
    """
    import os
    import tempfile

    if not data:
        raise EmbedLabError(f"{filename} is empty; upload the .keras file saved by EmbedLab")
    if len(data) > MAX_UPLOAD_BYTES:
        raise EmbedLabError(
            f"{filename} is {len(data) / 1e6:.0f} MB; EmbedLab models are far smaller "
            f"(at most {MAX_UPLOAD_BYTES // 1_000_000} MB accepted) — upload the model.keras of a run"
        )
    handle, temporary = tempfile.mkstemp(suffix=".keras", prefix="embedlab-upload-")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        try:
            return load_embedlab_model(temporary)
        except EmbedLabError as error:  # name the visitor's file, not the temporary one
            raise EmbedLabError(str(error).replace(Path(temporary).name, filename)) from None
    finally:
        Path(temporary).unlink(missing_ok=True)


def _read_config(path: Path) -> str:
    """The text of config.json inside a .keras archive, once every entry's declared size has been checked."""
    _check_zip_directory(path)
    with zipfile.ZipFile(path) as archive:
        _check_entries(archive, path.name)
        try:
            info = archive.getinfo("config.json")
        except KeyError:
            raise EmbedLabError(f"{path.name} has no config.json inside; it is not a Keras 3 .keras file") from None
        try:
            return archive.read(info).decode("utf-8")
        except (UnicodeDecodeError, OSError, RuntimeError, zipfile.BadZipFile, EOFError):
            raise EmbedLabError(f"{path.name} has an unreadable config.json; the file is corrupt") from None


def _check_zip_directory(path: Path) -> None:
    """Refuse an archive whose table of contents is too large to read, from its last bytes alone.

    ``zipfile.ZipFile`` builds one object per entry as it opens a file, so a file with
    millions of tiny entries would take gigabytes before any other check could run.
    """
    size = path.stat().st_size
    with open(path, "rb") as file:
        file.seek(max(0, size - _END_RECORD_SEARCH))
        tail = file.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        return  # zipfile will say the archive is damaged
    if at >= 20 and tail[at - 20:at - 16] == b"PK\x06\x07":  # ZIP64: counts and sizes live elsewhere
        raise EmbedLabError(
            f"{path.name} is a ZIP64 archive (for over 65,535 entries or 4 GB), which no EmbedLab model needs; "
            "upload the model.keras of a run"
        )
    entries, directory_size = struct.unpack("<HI", tail[at + 10:at + 16])
    if entries > MAX_ENTRIES or directory_size > MAX_ENTRIES * 1024:
        raise EmbedLabError(
            f"{path.name} is an archive of {'more than 65,535' if entries == 0xFFFF else f'{entries:,}'} entries; "
            f"an EmbedLab model has a handful (at most {MAX_ENTRIES} accepted) — upload the model.keras of a run"
        )


def _check_entries(archive: zipfile.ZipFile, filename: str) -> None:
    """Refuse entries whose declared sizes or compression ratio no EmbedLab model has, before reading any."""
    entries = archive.infolist()
    for info in entries:  # Keras writes plain names; a path that climbs or is absolute is someone else's file
        name = info.filename.replace("\\", "/")
        if name.startswith("/") or ".." in name.split("/") or ":" in name.split("/")[0]:
            raise EmbedLabError(
                f"{filename} has an entry named '{info.filename[:80]}' that points outside the archive; "
                "a model saved by EmbedLab has none — use the .keras file from the run folder"
            )
    if len(entries) > MAX_ENTRIES:
        raise EmbedLabError(
            f"{filename} is an archive of {len(entries):,} entries; an EmbedLab model has a handful "
            f"(at most {MAX_ENTRIES} accepted) — upload the model.keras of a run"
        )
    total = 0
    for info in entries:
        limit = _ENTRY_LIMITS.get(info.filename, MAX_ENTRY_BYTES)
        if info.file_size > limit:
            raise EmbedLabError(
                f"{filename} has an entry '{info.filename[:80]}' that declares {info.file_size / 1e6:,.0f} MB "
                f"(at most {limit / 1e6:,.0f} MB accepted); the file is not an EmbedLab model — "
                "upload the model.keras of a run"
            )
        if info.file_size > RATIO_FLOOR_BYTES and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
            raise EmbedLabError(
                f"{filename} has an entry '{info.filename[:80]}' that would expand {info.file_size / 1e6:,.0f} MB "
                f"from {info.compress_size / 1e6:,.1f} MB, as zip bombs do; the file is not an EmbedLab model"
            )
        total += info.file_size
    if total > MAX_UNPACKED_BYTES:
        raise EmbedLabError(
            f"{filename} would unpack to {total / 1e6:,.0f} MB (at most {MAX_UNPACKED_BYTES / 1e6:,.0f} MB "
            "accepted); the file is not an EmbedLab model — upload the model.keras of a run"
        )


def stored_class_names(model_file: Path | str | bytes) -> list[str] | None:
    """The class names EmbedLab keeps inside a .keras file it saved (a path or the file's bytes), or None.

    Files saved before the names were kept, or by other programs, give None: the caller
    falls back to numbered classes or names typed by the visitor.
    """
    source = io.BytesIO(model_file) if isinstance(model_file, bytes) else Path(model_file)
    try:
        with zipfile.ZipFile(source) as archive:
            info = archive.getinfo(CLASS_NAMES_ENTRY)
            if info.file_size > MAX_CLASS_NAMES_BYTES:
                return None
            payload = json.loads(archive.read(info).decode("utf-8"))
    except (KeyError, OSError, ValueError, RecursionError, RuntimeError, zipfile.BadZipFile, EOFError):
        return None
    names = payload.get("class_names") if isinstance(payload, dict) else None
    if not isinstance(names, list) or not names or not all(isinstance(name, str) for name in names):
        return None
    return names


def _refuse_code(config_text: str, filename: str) -> None:
    """Raise if the model config names a layer that carries Python code."""
    if config_text.count("{") > MAX_CONFIG_OBJECTS or config_text.count("[") > MAX_CONFIG_LISTS:
        raise EmbedLabError(
            f"{filename} has a config.json of millions of records, far beyond any model description; "
            "the file is not an EmbedLab model"
        )
    try:
        config = json.loads(config_text)
    except json.JSONDecodeError:
        raise EmbedLabError(f"{filename} has a config.json that is not valid JSON; the file is corrupt") from None
    except RecursionError:  # the parser's own guard against nesting thousands deep
        raise _too_deep(filename) from None
    if _depth_exceeds(config, MAX_CONFIG_DEPTH):  # before any recursive walk (ours or Keras')
        raise _too_deep(filename)
    for class_name in _class_names(config):
        if class_name in _CODE_CLASSES:
            raise EmbedLabError(
                f"{filename} contains a {class_name} layer, which runs arbitrary Python code when loaded; "
                "EmbedLab refuses such files — rebuild the model without Lambda layers"
            )
    if _has_bytecode(config):
        raise EmbedLabError(
            f"{filename} contains a Python function saved as bytecode (a lambda), which runs arbitrary code "
            "when loaded; EmbedLab refuses such files — use named activations such as 'relu'"
        )
    _refuse_foreign_records(config, filename)


def _refuse_foreign_records(config, filename: str) -> None:
    """Raise unless every record of the config is one EmbedLab saves, and the text and embedding layers are there."""
    from embedlab.text import STANDARDIZERS

    functions = {f"embedlab>{name}" for name in STANDARDIZERS}
    advice = "use the model.keras of a run trained by EmbedLab (its Train page or `python -m embedlab train`)"
    found = set()
    for record in _records(config):
        class_name, module, registered = record["class_name"], record.get("module"), record.get("registered_name")
        found.add(class_name)
        if class_name == "function" or module == "builtins":
            if module != "builtins" or class_name != "function" or record.get("config") not in functions:
                raise EmbedLabError(
                    f"{filename} names the function {str(record.get('config'))[:80]!r}; an EmbedLab model names only "
                    f"its own text rules ({', '.join(sorted(functions))}) — {advice}"
                )
            continue
        foreign_module = not isinstance(module, (str, type(None))) or (
            isinstance(module, str) and module != "keras" and not module.startswith("keras."))
        if foreign_module or class_name not in EMBEDLAB_CLASSES:
            where = f"{str(module)[:60]}.{class_name[:60]}" if module else class_name[:60]
            raise EmbedLabError(
                f"{filename} names {where!r}, which EmbedLab never saves: its models hold only Keras' own layers "
                f"(TextVectorization, Embedding, LSTM, GRU, Conv1D, Dense, …) — {advice}"
            )
        if registered not in (None, class_name):
            raise EmbedLabError(
                f"{filename} has a {class_name} registered as {str(registered)[:80]!r}, custom code outside Keras "
                f"that EmbedLab never saves — {advice}"
            )
    for layer, purpose in (("TextVectorization", "so it cannot read raw text"),
                           ("Embedding", "so it has no word vectors")):
        if layer not in found:
            raise EmbedLabError(f"{filename} has no {layer} layer, {purpose}; it is not an EmbedLab model — {advice}")


def _refuse_nested_archives(path: Path) -> None:
    """Raise if an entry is itself an archive (by name or by its first bytes): no EmbedLab model holds one."""
    import zlib

    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if info.is_dir():
                    continue
                nested = info.filename.lower().endswith(_ARCHIVE_SUFFIXES)
                if not nested:
                    with archive.open(info) as entry:
                        head = entry.read(512)
                    nested = head.startswith(_ARCHIVE_MAGIC) or head[257:262] == b"ustar"
                if nested:
                    raise EmbedLabError(
                        f"{path.name} holds another archive ('{info.filename[:80]}'); a model saved by EmbedLab "
                        "holds none — use the .keras file from the run folder"
                    )
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError, zlib.error):
        raise EmbedLabError(f"{path.name} is a damaged zip archive; save the model again") from None


def _too_deep(filename: str) -> EmbedLabError:
    return EmbedLabError(
        f"{filename} has a config.json nested more than {MAX_CONFIG_DEPTH} levels deep; a model "
        "description nests about 10 — the file is not an EmbedLab model"
    )


def _depth_exceeds(node, limit: int) -> bool:
    """True if lists and dicts nest deeper than ``limit`` (walked without recursion)."""
    stack = [(node, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (dict, list)):
            if depth > limit:
                return True
            stack.extend((child, depth + 1) for child in (node.values() if isinstance(node, dict) else node))
    return False


def _has_bytecode(node) -> bool:
    """True if some record is Keras' form of a serialised lambda: ``{"value": [base64 marshal code, …]}``."""
    import base64
    import binascii

    if isinstance(node, dict):
        value = node.get("value")
        if set(node) == {"value"} and isinstance(value, list) and value and isinstance(value[0], str):
            try:
                head = base64.b64decode(value[0][:16].encode("ascii") + b"==", validate=False)[:1]
            except (binascii.Error, ValueError, UnicodeEncodeError):
                head = b""
            if head in (b"c", b"\xe3"):  # marshal's code-object tag, without and with its reference flag
                return True
        return any(_has_bytecode(child) for child in node.values())
    if isinstance(node, list):
        return any(_has_bytecode(child) for child in node)
    return False


def _records(node):
    """Every dict in the config with a text ``class_name``: the objects Keras would build."""
    if isinstance(node, dict):
        if isinstance(node.get("class_name"), str):
            yield node
        for value in node.values():
            yield from _records(value)
    elif isinstance(node, list):
        for value in node:
            yield from _records(value)


def _class_names(node):
    return (record["class_name"] for record in _records(node))

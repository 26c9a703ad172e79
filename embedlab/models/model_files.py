"""Loading ``.keras`` files safely, and refusing files EmbedLab did not make."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from embedlab.errors import EmbedLabError

# Layer and function records whose config carries Python code ("__lambda__" is how
# older Keras versions name a lambda serialised as an activation or other callable).
_CODE_CLASSES = {"Lambda", "TFOpLambda", "__lambda__"}
# A config.json bigger than this is not a model description but a zip bomb or a data dump.
MAX_CONFIG_BYTES = 50_000_000
MAX_UPLOAD_BYTES = 500_000_000


def load_embedlab_model(path: Path | str):
    """Load a ``.keras`` model saved by EmbedLab, with Keras' safe mode on.

    Refused with EmbedLabError: a file that is not a ``.keras`` zip, one whose config
    holds a Lambda layer or other Python code, and one without the TextVectorization
    and Embedding layers every EmbedLab model has.
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
    """The text of config.json inside a .keras archive, refusing missing, huge or undecodable ones."""
    with zipfile.ZipFile(path) as archive:
        try:
            info = archive.getinfo("config.json")
        except KeyError:
            raise EmbedLabError(f"{path.name} has no config.json inside; it is not a Keras 3 .keras file") from None
        if info.file_size > MAX_CONFIG_BYTES:
            raise EmbedLabError(
                f"{path.name} has a {info.file_size / 1e6:.0f} MB config.json, far beyond any model description; "
                "the file is not an EmbedLab model"
            )
        try:
            return archive.read(info).decode("utf-8")
        except (UnicodeDecodeError, OSError, RuntimeError):
            raise EmbedLabError(f"{path.name} has an unreadable config.json; the file is corrupt") from None


def _refuse_code(config_text: str, filename: str) -> None:
    """Raise if the model config names a layer that carries Python code."""
    try:
        config = json.loads(config_text)
    except json.JSONDecodeError:
        raise EmbedLabError(f"{filename} has a config.json that is not valid JSON; the file is corrupt") from None
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


def _class_names(node):
    if isinstance(node, dict):
        if isinstance(node.get("class_name"), str):
            yield node["class_name"]
        for value in node.values():
            yield from _class_names(value)
    elif isinstance(node, list):
        for value in node:
            yield from _class_names(value)

"""Loading ``.keras`` files safely, and refusing files EmbedLab did not make."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from embedlab.errors import EmbedLabError


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
    with zipfile.ZipFile(path) as archive:
        try:
            config_text = archive.read("config.json").decode("utf-8")
        except KeyError:
            raise EmbedLabError(f"{path.name} has no config.json inside; it is not a Keras 3 .keras file") from None
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
    from embedlab.modeling import embedding_layer, vectorizer_layer

    vectorizer_layer(model)
    embedding_layer(model)
    return model


def _refuse_code(config_text: str, filename: str) -> None:
    """Raise if the model config names a layer that carries Python code."""
    try:
        config = json.loads(config_text)
    except json.JSONDecodeError:
        raise EmbedLabError(f"{filename} has a config.json that is not valid JSON; the file is corrupt") from None
    for class_name in _class_names(config):
        if class_name in {"Lambda", "TFOpLambda"}:
            raise EmbedLabError(
                f"{filename} contains a {class_name} layer, which runs arbitrary Python code when loaded; "
                "EmbedLab refuses such files — rebuild the model without Lambda layers"
            )


def _class_names(node):
    if isinstance(node, dict):
        if isinstance(node.get("class_name"), str):
            yield node["class_name"]
        for value in node.values():
            yield from _class_names(value)
    elif isinstance(node, list):
        for value in node:
            yield from _class_names(value)

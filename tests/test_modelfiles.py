"""Model files: EmbedLab's own load; code-carrying, corrupt and foreign files are refused clearly."""

import io
import os
import zipfile

import numpy as np
import pytest

from embedlab.errors import EmbedLabError
from embedlab.models.model_files import load_embedlab_model, load_embedlab_model_bytes


def _lambda_model(path):
    import keras

    inputs = keras.Input(shape=(3,))
    outputs = keras.layers.Lambda(lambda x: x * 2.0, name="doubler")(inputs)
    keras.Model(inputs, outputs).save(path)


def _lambda_activation_model(path):
    import warnings

    import keras

    with warnings.catch_warnings():  # Keras warns that the lambda is unsafe: that is the point here
        warnings.simplefilter("ignore")
        keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation=lambda x: x * 2.0)]).save(path)


def _dense_only_model(path):
    import keras

    keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="softmax")]).save(path)


def _random_bytes(path):
    path.write_bytes(np.random.default_rng(0).bytes(4096))


def _zip_without_config(path):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("metadata.json", "{}")


def _zip_with_broken_config(path):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("config.json", "{not json")


def _zip_with_config_of_nothing(path):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("config.json", '{"class_name": "Banana", "config": {}}')


def _truncated_model(path, run):
    data = run.model_path.read_bytes()
    path.write_bytes(data[: len(data) // 2] + data[-200:])  # keep the end record, lose the middle


@pytest.mark.parametrize(
    "make, message",
    [
        (_lambda_model, "contains a Lambda layer, which runs arbitrary Python code"),
        (_lambda_activation_model, "contains a Python function saved as bytecode"),
        (_dense_only_model, "no TextVectorization layer"),
        (_random_bytes, "is not a .keras model file"),
        (_zip_without_config, "has no config.json inside"),
        (_zip_with_broken_config, "not valid JSON"),
        (_zip_with_config_of_nothing, "could not be loaded as an EmbedLab model"),
    ],
)
def test_unsafe_corrupt_and_foreign_files_are_refused(tmp_path, make, message):
    path = tmp_path / "model.keras"
    make(path)
    with pytest.raises(EmbedLabError, match=message):
        load_embedlab_model(path)


def test_a_damaged_embedlab_file_is_refused(tmp_path, tiny_run):
    path = tmp_path / "broken.keras"
    _truncated_model(path, tiny_run)
    with pytest.raises(EmbedLabError, match="broken.keras"):
        load_embedlab_model(path)


def test_uploaded_bytes_load_and_leave_no_file_behind(tmp_path, monkeypatch, tiny_run):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    model = load_embedlab_model_bytes(tiny_run.model_path.read_bytes(), "mine.keras")
    texts = np.asarray(["a wonderful film", "an awful film"], dtype=object)
    np.testing.assert_allclose(model(texts).numpy(), tiny_run.load_model()(texts).numpy(), atol=1e-6)
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize(
    "data, message",
    [(b"", "mine.keras is empty"), (b"PK\x03\x04 not really a zip", "mine.keras is not a .keras model file")],
)
def test_bad_uploads_are_named_by_the_visitors_file_name(tmp_path, monkeypatch, data, message):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with pytest.raises(EmbedLabError, match=message):
        load_embedlab_model_bytes(data, "mine.keras")
    assert os.listdir(tmp_path) == []


def test_an_uploaded_lambda_model_is_refused(tmp_path):
    path = tmp_path / "lambda.keras"
    _lambda_model(path)
    buffer = io.BytesIO(path.read_bytes())
    with pytest.raises(EmbedLabError, match="Lambda"):
        load_embedlab_model_bytes(buffer.getvalue(), "gift.keras")

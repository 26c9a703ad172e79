"""Model files: EmbedLab's own load; code-carrying, corrupt and foreign files are refused clearly."""

import io
import os
import zipfile
from pathlib import Path

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
        (_zip_with_config_of_nothing, "names 'Banana', which EmbedLab never saves"),
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


# Hostile archives: each is refused from its table of contents, before any entry is read.

def _declaring(path, entry: str, declared: int) -> None:
    """A small zip whose directory claims ``entry`` unpacks to ``declared`` bytes (no such data is written)."""
    import struct

    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("config.json", '{"class_name": "Functional", "config": {}}')
        archive.writestr(entry, b"\0" * 1000)
    data = bytearray(path.read_bytes())
    header = data.rindex(b"PK\x01\x02")  # the last central-directory record is ``entry``'s
    assert data[header + 46:header + 46 + len(entry)] == entry.encode()
    data[header + 24:header + 28] = struct.pack("<I", declared)
    path.write_bytes(bytes(data))


def _declaring_3_gb_weights(path):
    _declaring(path, "model.weights.h5", 3_000_000_000)


def _declaring_a_huge_config(path):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("config.json", "{}")
    data = bytearray(path.read_bytes())
    import struct

    header = data.rindex(b"PK\x01\x02")
    data[header + 24:header + 28] = struct.pack("<I", 600_000_000)
    path.write_bytes(bytes(data))


def _compressing_1000_to_1(path):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("config.json", "{}")
        archive.writestr("model.weights.h5", b"\0" * 20_000_000)


def _unpacking_to_2_gb_in_all(path):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("config.json", "{}")
        for i in range(4):
            archive.writestr(f"assets/{i}.txt", b"x")
    data = bytearray(path.read_bytes())
    import struct

    start = 0
    while (start := data.find(b"PK\x01\x02", start)) >= 0:
        if data[start + 46:start + 53] == b"assets/":
            data[start + 20:start + 28] = struct.pack("<II", 500_000_000, 500_000_000)  # stored: sizes agree
        start += 4
    path.write_bytes(bytes(data))


def _with_thousands_of_entries(path):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("config.json", "{}")
        for i in range(5_000):
            archive.writestr(f"e{i}", b"")


def _nested(depth: int):
    def make(path):
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("config.json", '{"config": ' + "[" * depth + "]" * depth + "}")
    make.__name__ = f"_nested_{depth}_deep"
    return make


def _millions_of_objects(path):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("config.json", "[" + "{}," * 3_000_000 + "{}]")


HOSTILE = [
    (_declaring_3_gb_weights, "declares 3,000 MB"),
    (_declaring_a_huge_config, "'config.json' that declares 600 MB"),
    (_compressing_1000_to_1, "as zip bombs do"),
    (_unpacking_to_2_gb_in_all, "would unpack to 2,000 MB"),
    (_with_thousands_of_entries, "archive of 5,001 entries"),
    (_nested(40_000), "nested more than 64 levels deep"),
    (_nested(200), "nested more than 64 levels deep"),  # parses, but deeper than any model config
    (_millions_of_objects, "millions of records"),
]


@pytest.mark.parametrize("make, message", HOSTILE, ids=[make.__name__ for make, _ in HOSTILE])
def test_hostile_archives_are_refused_before_anything_is_read(tmp_path, make, message, monkeypatch):
    path = tmp_path / "hostile.keras"
    make(path)
    read, real_open = [], zipfile.ZipFile.open

    def open_entry(self, name, *args, **kwargs):
        read.append(getattr(name, "filename", name))
        return real_open(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", open_entry)
    with pytest.raises(EmbedLabError, match=message):
        load_embedlab_model(path)
    # Sizes are refused from the directory alone; a config's shape once config.json (only it) is read.
    assert read == (["config.json"] if "nested" in message or "millions" in message else [])


def test_a_deeply_nested_config_is_one_line_in_the_cli(tmp_path, capsys):
    from embedlab.cli import main

    path = tmp_path / "deep.keras"
    _nested(40_000)(path)
    assert main(["predict", str(path), "a film"]) == 2
    error = capsys.readouterr().err.strip()
    assert error.startswith("error: deep.keras has a config.json nested") and "\n" not in error


def test_class_names_kept_in_the_file_are_read_back_and_files_without_them_give_none(tiny_run, tmp_path):
    from embedlab.models.model_files import stored_class_names

    assert stored_class_names(tiny_run.model_path) == ["negative", "positive"]
    assert stored_class_names(tiny_run.model_path.read_bytes()) == ["negative", "positive"]
    # saved before names were kept
    assert stored_class_names(Path(__file__).resolve().parents[1] / "golden" / "run" / "model.keras") is None
    with zipfile.ZipFile(tmp_path / "odd.keras", "w") as archive:
        archive.writestr("embedlab.json", '{"class_names": [1, 2]}')
    assert stored_class_names(tmp_path / "odd.keras") is None


def test_an_archive_with_entries_that_climb_out_is_refused_before_tensorflow_loads_it(tmp_path, tiny_run):
    import zipfile

    from embedlab.errors import EmbedLabError
    from embedlab.models.model_files import load_embedlab_model

    climbing = tmp_path / "dotdot.keras"
    with zipfile.ZipFile(tiny_run.model_path) as source, zipfile.ZipFile(climbing, "w") as copy:
        for entry in source.infolist():
            copy.writestr(entry, source.read(entry))
        copy.writestr("assets/../../evil.txt", "not a model file")
    with pytest.raises(EmbedLabError, match="points outside the archive"):
        load_embedlab_model(climbing)


def test_a_workspace_name_with_a_trailing_newline_is_refused():
    from embedlab.errors import EmbedLabError
    from embedlab.models.runs.catalog import workspace_dir

    with pytest.raises(EmbedLabError, match="not valid"):
        workspace_dir("abc\n")


# Hostile files refused from their zip structure and config.json alone, before TensorFlow is imported.

GOLDEN_MODEL = Path(__file__).resolve().parents[1] / "golden" / "run" / "model.keras"


def _golden_with(path, config=None, extra: dict | None = None):
    """A copy of the golden run's model.keras with ``config`` (a function of the parsed config.json) applied and
    ``extra`` entries added."""
    import json

    with zipfile.ZipFile(GOLDEN_MODEL) as source, zipfile.ZipFile(path, "w") as copy:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == "config.json" and config is not None:
                data = json.dumps(config(json.loads(data)))
            copy.writestr(entry, data)
        for name, data in (extra or {}).items():
            copy.writestr(name, data)


def _layer_swapped(module: str, class_name: str, layer_config: dict | None = None):
    def change(config):
        layer = config["config"]["layers"][-1]  # the output Dense
        layer.update(module=module, class_name=class_name)
        if layer_config is not None:
            layer["config"] = layer_config
        return config
    return change


def _inner_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as inner:
        inner.writestr("config.json", "{}")
    return buffer.getvalue()


def _without_text_layer(config):
    config["config"]["layers"] = [layer for layer in config["config"]["layers"]
                                  if layer["class_name"] != "TextVectorization"]
    return config


HOSTILE_BEFORE_TENSORFLOW = {
    "not_a_zip": (lambda path: path.write_bytes(b"\x89HDF\r\n" + bytes(4000)), "is not a .keras model file"),
    "bomb": (_compressing_1000_to_1, "as zip bombs do"),
    "climbing": (lambda path: _golden_with(path, extra={"../../evil.txt": "x"}), "points outside the archive"),
    "absolute": (lambda path: _golden_with(path, extra={"/etc/cron.d/evil": "x"}), "points outside the archive"),
    "lambda": (lambda path: _golden_with(path, _layer_swapped(
        "keras.layers", "Lambda", {"function": {"class_name": "__lambda__", "config": {"code": "4wEAAA=="}}})),
        "contains a Lambda layer"),
    "foreign_module": (lambda path: _golden_with(path, _layer_swapped("subprocess", "Popen", {"args": ["sh"]})),
                       "'subprocess.Popen', which EmbedLab never saves"),
    "foreign_class": (lambda path: _golden_with(path, _layer_swapped("keras.layers", "MultiHeadAttention")),
                      "'keras.layers.MultiHeadAttention', which EmbedLab never saves"),
    "custom_object": (lambda path: _golden_with(path, lambda config: {**config, "registered_name": "evil>Model"}),
                      "registered as 'evil>Model'"),
    "no_text_layer": (lambda path: _golden_with(path, _without_text_layer), "no TextVectorization layer"),
    "nested_zip": (lambda path: _golden_with(path, extra={"assets/inner.zip": _inner_zip()}), "another archive"),
    "nested_by_content": (lambda path: _golden_with(path, extra={"assets/layers/x/vocabulary.txt": _inner_zip()}),
                          "another archive"),
}


def test_hostile_files_are_refused_before_tensorflow_is_imported(tmp_path, project_root):
    import subprocess
    import sys

    for name, (make, _) in HOSTILE_BEFORE_TENSORFLOW.items():
        make(tmp_path / f"{name}.keras")
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from embedlab.errors import EmbedLabError\n"
        "from embedlab.models.model_files import load_embedlab_model\n"
        f"for name in {list(HOSTILE_BEFORE_TENSORFLOW)!r}:\n"
        f"    try:\n"
        f"        load_embedlab_model(Path({str(tmp_path)!r}) / (name + '.keras'))\n"
        f"        print(name, 'LOADED')\n"
        f"    except EmbedLabError as error:\n"
        f"        print(name, str(error).replace(chr(10), ' '))\n"
        "print('heavy:', sorted(m for m in ('tensorflow', 'keras') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=project_root, capture_output=True, text=True,
                          timeout=300)
    lines = dict(line.split(" ", 1) for line in done.stdout.splitlines())
    for name, (_, message) in HOSTILE_BEFORE_TENSORFLOW.items():
        assert message in lines.get(name, ""), (name, lines.get(name), done.stderr[-2000:])
    assert lines["heavy:"] == "[]", done.stdout
    assert "tmp" not in lines["climbing"]  # the message names the file, not where it was kept


def test_the_golden_runs_model_still_loads():
    model = load_embedlab_model(GOLDEN_MODEL)
    assert model(np.asarray(["a wonderful film"], dtype=object)).shape[0] == 1

"""A class record: made with a code and a fixed test split, loaded back, joined; bad input said clearly."""

from __future__ import annotations

import json

import numpy as np
import pytest

from embedlab.classes.records import (
    CODE_ALPHABET, class_dataset, create_class, dataset_file, join_class, load_class, member_by_key, members,
    normalise_code,
)
from embedlab.classes.store import ClassStore
from embedlab.errors import EmbedLabError


@pytest.fixture(params=["local", "s3"])
def store(request, tmp_path):
    if request.param == "local":
        return ClassStore(tmp_path / "runs")
    return ClassStore(request.getfixturevalue("s3_runs"))


def test_a_class_is_loaded_back_with_its_dataset_and_test_rows(store, dataset):
    record, key = create_class(dataset, store=store)

    assert len(record.code) == 6 and set(record.code) <= set(CODE_ALPHABET)
    loaded = load_class(record.code.lower(), store=store)  # typed in lower case: still found
    assert loaded == record
    assert loaded.is_instructor(key) and not loaded.is_instructor("guess") and not loaded.is_instructor("")
    again = class_dataset(loaded, store=store)
    assert again.fingerprint == dataset.fingerprint and list(again.texts) == list(dataset.texts)
    # Stratified: every class keeps test rows, about a fifth of the rows, none of them a training row.
    test = np.asarray(record.test_rows)
    assert set(np.asarray(dataset.labels)[test]) == {0, 1} and len(test) == 40
    assert not set(record.train_rows()) & set(record.test_rows)
    assert len(record.train_rows()) + len(test) == len(dataset)


def test_the_instructor_key_is_not_stored(tmp_path, dataset):
    store = ClassStore(tmp_path)
    record, key = create_class(dataset, store=store)
    stored = (tmp_path / ".classes" / record.code / "class.json").read_text()
    assert key not in stored


@pytest.mark.parametrize("typed, expected", [
    ("k7qx-2m", "K7QX2M"), (" K7Q X2M ", "K7QX2M"),
])
def test_codes_are_read_forgivingly(typed, expected):
    assert normalise_code(typed) == expected


@pytest.mark.parametrize("typed", ["", "K7QX2", "K7QX2MM", "K0QX2M", "K7QI2M", "../../x", "K7QX2M\n/"])
def test_a_malformed_code_says_what_a_code_looks_like(typed):
    with pytest.raises(EmbedLabError, match="is not a class code: a class code is 6 letters and digits"):
        normalise_code(typed)


def test_an_unknown_code_says_to_check_it(tmp_path):
    with pytest.raises(EmbedLabError, match="no class has the code K7QX2M; check the code"):
        load_class("K7QX2M", store=ClassStore(tmp_path))


def test_names_are_unique_in_any_case_and_the_class_has_a_limit(store, dataset):
    record, _ = create_class(dataset, max_members=2, store=store)
    join_class(record, "Ana  Lima", store=store)
    with pytest.raises(EmbedLabError, match="the name 'Ana Lima' is already taken in class .*pick another"):
        join_class(record, "ana lima", store=store)
    join_class(record, "Ben", store=store)
    with pytest.raises(EmbedLabError, match=r"class .* is full \(2 members\); ask your instructor"):
        join_class(record, "Cy", store=store)
    assert [member.name for member in members(record, store=store)] == ["Ana Lima", "Ben"]


@pytest.mark.parametrize("name, message", [
    ("   ", "cannot be empty"), ("x" * 41, "too long"), ("a\u200bb", "control or invisible"),
])
def test_bad_display_names_are_refused(tmp_path, dataset, name, message):
    record, _ = create_class(dataset, store=ClassStore(tmp_path))
    with pytest.raises(EmbedLabError, match=message):
        join_class(record, name, store=ClassStore(tmp_path))


def test_a_member_key_proves_the_membership(tmp_path, dataset):
    record, _ = create_class(dataset, store=ClassStore(tmp_path))
    member, key = join_class(record, "Ana", store=ClassStore(tmp_path))
    assert member.holds(key) and not member.holds("another")
    assert member_by_key(record, key, store=ClassStore(tmp_path)) == member  # a reload's link finds them again
    identity, _, secret = key.partition(".")
    for wrong in (f"{identity}.{secret[:-1]}x", identity, "", "../../etc.x", None):
        assert member_by_key(record, wrong, store=ClassStore(tmp_path)) is None


@pytest.mark.parametrize("damage", [
    lambda raw: "{not json", lambda raw: json.dumps([1, 2]), lambda raw: json.dumps({**raw, "test_rows": "abc"}),
    lambda raw: json.dumps({key: value for key, value in raw.items() if key != "dataset_rows"}),
    lambda raw: json.dumps({**raw, "test_rows": [10_000]}),
])
def test_a_damaged_record_says_so(tmp_path, dataset, damage):
    record, _ = create_class(dataset, store=ClassStore(tmp_path))
    path = tmp_path / ".classes" / record.code / "class.json"
    path.write_text(damage(json.loads(path.read_text())))
    with pytest.raises(EmbedLabError, match=f"class {record.code} is damaged|class file .* is damaged"):
        load_class(record.code, store=ClassStore(tmp_path))


def test_a_changed_dataset_copy_is_refused(tmp_path, dataset):
    record, _ = create_class(dataset, store=ClassStore(tmp_path))
    path = tmp_path / ".classes" / dataset_file(record)
    raw = json.loads(path.read_text())
    raw["labels"][0] = 1 - raw["labels"][0]
    path.write_text(json.dumps(raw))
    with pytest.raises(EmbedLabError, match="the dataset of class .* is missing or damaged"):
        class_dataset(record, store=ClassStore(tmp_path))


def test_a_code_drawn_twice_leaves_the_first_class_whole(tmp_path, dataset, monkeypatch):
    import embedlab.classes.records as records
    from embedlab.data.labelled import LabelledDataset

    monkeypatch.setattr(records, "new_code", lambda: "K7QX2M")
    store = ClassStore(tmp_path)
    first, _ = create_class(dataset, store=store)
    other = LabelledDataset(texts=[f"text {i}" for i in range(12)], labels=np.array([0, 1] * 6),
                            class_names=["a", "b"], name="other")
    with pytest.raises(EmbedLabError, match="no free class code was found"):
        create_class(other, store=store)
    assert class_dataset(load_class("K7QX2M", store=store), store=store).fingerprint == dataset.fingerprint

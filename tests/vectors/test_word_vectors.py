"""``unit_rows``: the one row normalisation behind every cosine, and the guards it replaced."""

from __future__ import annotations

import numpy as np
import pytest

from embedlab.vectors.word_vectors import WordVectors, unit_rows

ZERO, UNDERFLOWING, SHORT = 3, 5, 7


def _rows(dtype) -> np.ndarray:
    rows = np.random.default_rng(0).normal(size=(200, 50)).astype(dtype)
    rows[ZERO] = 0.0
    rows[UNDERFLOWING] *= 1e-30 if dtype == np.float32 else 1e-200  # squares underflow: length 0 in dtype
    rows[SHORT] *= 1e-15  # shorter than the 1e-12 floor clusters had, but a length
    return rows


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_rows_of_length_zero_stay_as_they_are_and_every_other_row_has_length_one(dtype):
    rows = _rows(dtype)
    unit = unit_rows(rows, dtype)
    assert unit.dtype == dtype
    assert np.array_equal(unit[[ZERO, UNDERFLOWING]], rows[[ZERO, UNDERFLOWING]])
    lengths = np.linalg.norm(np.delete(unit, [ZERO, UNDERFLOWING], axis=0).astype(np.float64), axis=1)
    np.testing.assert_allclose(lengths, 1.0, rtol=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("order", ["C", "F"])
def test_the_guards_it_replaced_give_the_same_bits_on_every_row_with_a_length(dtype, order):
    """norm == 0 → 1 (vectors, benchmarks, maps, alignment) to the bit; the floors (trustworthiness's
    tiny, clusters' 1e-12) on every row but those they treated differently."""
    rows = np.asarray(_rows(dtype), order=order)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    unit = unit_rows(rows, dtype)
    assert np.array_equal(unit, rows / np.where(norms == 0, 1.0, norms))
    ordinary = np.setdiff1d(np.arange(len(rows)), [UNDERFLOWING, SHORT])
    for floor in (np.finfo(dtype).tiny, 1e-12):
        assert np.array_equal(unit[ordinary], (rows / np.maximum(norms, dtype(floor)))[ordinary])


def test_sklearn_normalize_leaves_the_same_rows_alone():
    from sklearn.preprocessing import normalize

    rows = _rows(np.float32)
    theirs = normalize(rows)
    assert np.array_equal(theirs[[ZERO, UNDERFLOWING]], rows[[ZERO, UNDERFLOWING]])
    ordinary = np.setdiff1d(np.arange(len(rows)), [ZERO, UNDERFLOWING, SHORT])  # sklearn leaves SHORT alone too
    np.testing.assert_allclose(unit_rows(rows)[ordinary], theirs[ordinary], rtol=1e-6, atol=1e-7)


def test_unit_vectors_are_gensims_normed_vectors_and_read_only(tiny_vectors):
    from tests.gensim_reference import keyed_vectors

    assert np.array_equal(tiny_vectors.unit_vectors, keyed_vectors(tiny_vectors).get_normed_vectors())
    assert not tiny_vectors.unit_vectors.flags.writeable
    zero = WordVectors(["a", "b"], np.array([[0.0, 0.0], [0.0, 2.0]], dtype=np.float32))
    assert zero.unit_vectors.tolist() == [[0.0, 0.0], [0.0, 1.0]]  # gensim's first row would be NaN

"""Tests for sklearn_drsn.preprocessing.SignalStandardizer."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_drsn.preprocessing import SignalStandardizer


@parametrize_with_checks([SignalStandardizer(), SignalStandardizer(with_mean=False)])
def test_sklearn_compatible_transformer(estimator, check):
    check(estimator)


def _signals(ndim):
    shape = hnp.array_shapes(min_dims=ndim, max_dims=ndim, min_side=2, max_side=9)
    return hnp.arrays(np.float64, shape, elements=st.floats(-1e3, 1e3, width=64))


def _spread(X):
    """Signals whose spread is well above rounding error (the scaled case)."""
    return X.std(axis=-1) > 1e-3 * (1 + np.abs(X).max(axis=-1))


@settings(max_examples=50, deadline=None)
@given(X=st.one_of(_signals(2), _signals(3)))
def test_each_signal_gets_zero_mean_and_unit_std(X):
    Z = SignalStandardizer().fit_transform(X)
    assert Z.shape == X.shape and np.isfinite(Z).all()
    np.testing.assert_allclose(Z.mean(axis=-1), 0, atol=1e-9)
    spread = _spread(X)
    np.testing.assert_allclose(Z.std(axis=-1)[spread], 1, rtol=1e-9)


@settings(max_examples=50, deadline=None)
@given(
    X=_signals(3),
    gain=st.floats(1e-3, 1e3),
    offset=st.floats(-1e3, 1e3),
)
def test_gain_and_offset_of_a_signal_do_not_matter(X, gain, offset):
    # One signal's gain must not change another's output: scale just the first.
    X = X[_spread(X).all(axis=1)]
    if len(X) == 0:
        return
    Y = X.copy()
    Y[0] = gain * Y[0] + offset
    expected = SignalStandardizer().fit_transform(X)
    np.testing.assert_allclose(SignalStandardizer().fit_transform(Y), expected, atol=1e-6)


def test_constant_signals_become_zeros_not_nan():
    X = np.array([[3.0, 3.0, 3.0, 3.0], [0.0, 0.0, 0.0, 0.0], [1.0, -1.0, 1.0, -1.0]])
    Z = SignalStandardizer().fit_transform(X)
    np.testing.assert_array_equal(Z, [[0, 0, 0, 0], [0, 0, 0, 0], [1, -1, 1, -1]])


def test_without_mean_scales_about_the_origin():
    X = np.array([[1.0, 3.0, 1.0, 3.0]])
    Z = SignalStandardizer(with_mean=False).fit_transform(X)
    np.testing.assert_allclose(Z, X / np.sqrt(5.0))  # RMS of (1, 3, 1, 3) is sqrt(5)
    np.testing.assert_allclose(SignalStandardizer(with_std=False).fit_transform(X), X - 2.0)


def test_channels_are_scaled_separately():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(4, 2, 64))
    X[:, 1] *= 1000.0
    Z = SignalStandardizer().fit_transform(X)
    np.testing.assert_allclose(Z.std(axis=-1), 1)


@pytest.mark.parametrize(
    ("dtype", "expected"),
    [(np.float32, np.float32), (np.float64, np.float64), (np.int64, np.float64)],
)
def test_dtype(dtype, expected):
    X = np.arange(24).reshape(3, 8).astype(dtype)
    assert SignalStandardizer().fit_transform(X).dtype == expected


def test_callers_array_is_not_modified():
    X = np.random.default_rng(1).normal(3.0, 2.0, size=(5, 2, 32)).astype(np.float32)
    before = X.copy()
    for kw in ({}, {"with_mean": False}, {"with_std": False}):
        SignalStandardizer(**kw).fit(X).transform(X)
    np.testing.assert_array_equal(X, before)


def test_bad_input_is_explained():
    with pytest.raises(ValueError, match=r"2-D .* or 3-D"):
        SignalStandardizer().fit(np.zeros((2, 2, 2, 2)))
    with pytest.raises(ValueError, match=r"'with_mean' parameter .* must be .*bool"):
        SignalStandardizer(with_mean="yes").fit(np.zeros((2, 4)))
    with pytest.raises(ValueError, match="'with_std' parameter"):  # stateless: no fit needed
        SignalStandardizer(with_std=None).transform(np.zeros((2, 4)))
    fitted = SignalStandardizer().fit(np.zeros((2, 3, 8)))
    with pytest.raises(ValueError, match="features"):
        fitted.transform(np.zeros((2, 4, 8)))  # 4 channels, fitted on 3

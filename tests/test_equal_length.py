"""One length for series of unequal length: load_ts(length=...), to_equal_length, and the policy.

The policy: shorter series keep every value and are padded at their end with
``pad_value``; longer ones keep their first ``length`` values.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from sklearn_drsn.loaders import load_ts, to_equal_length

UNEQUAL = """@problemName Uneven
@timeStamps false
@univariate true
@equalLength false
@classLabel true a b
@data
1,2,3:a
4,5,6,7,8:b
9:a
"""


def write(tmp_path, text, name):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_load_ts_pads_or_cuts_to_the_length_asked_for(tmp_path):
    path = write(tmp_path, UNEQUAL, "d.ts")
    X, _ = load_ts(path, length=4)
    np.testing.assert_array_equal(X, [[1, 2, 3, 0], [4, 5, 6, 7], [9, 0, 0, 0]])
    X, _ = load_ts(path, length=7, pad_value=np.nan)
    np.testing.assert_array_equal(X[1, :5], [4, 5, 6, 7, 8])
    assert np.isnan(X[1, 5:]).all() and np.isnan(X[2, 1:]).all()
    # unequal decides only without a length, except that "error" still refuses the file.
    assert load_ts(path, unequal="truncate", length=2)[0].shape == (3, 2)
    with pytest.raises(ValueError, match=r"d\.ts: the series have unequal lengths"):
        load_ts(path, unequal="error", length=5)


def test_a_training_and_a_test_file_load_at_one_length(tmp_path):
    train = write(tmp_path, UNEQUAL, "train.ts")
    test = write(tmp_path, UNEQUAL.replace("4,5,6,7,8:b", "4,5,6,7,8,9,10:b"), "test.ts")
    assert load_ts(train)[0].shape != load_ts(test)[0].shape  # each to its own longest
    assert load_ts(train, length=7)[0].shape == load_ts(test, length=7)[0].shape == (3, 7)


@pytest.mark.parametrize("length", [0, -1, 2.5, True, "4"])
def test_load_ts_refuses_a_bad_length_before_reading(tmp_path, length):
    with pytest.raises(ValueError, match="length must be an integer >= 1"):
        load_ts(tmp_path / "missing.ts", length=length)


def test_aeon_list_of_2d_arrays():
    series = [np.arange(6.0).reshape(2, 3), np.arange(10.0).reshape(2, 5)]
    X = to_equal_length(series)
    assert X.shape == (2, 2, 5) and X.dtype == np.float32
    np.testing.assert_array_equal(X[0], [[0, 1, 2, 0, 0], [3, 4, 5, 0, 0]])
    np.testing.assert_array_equal(X[1], series[1])
    np.testing.assert_array_equal(to_equal_length(series, 2)[1], [[0, 1], [5, 6]])


def test_one_channel_series_give_a_2d_array():
    assert to_equal_length([[1, 2], [3, 4, 5]]).shape == (2, 3)
    assert to_equal_length(np.zeros((4, 6))).shape == (4, 6)  # already equal: unchanged
    assert to_equal_length(np.zeros((4, 2, 6)), length=3).shape == (4, 2, 3)


@pytest.mark.parametrize(
    "series, kwargs, match",
    [
        ([], {}, "series is empty"),
        ("abc", {}, "series must be a list"),
        (5, {}, "series must be a list"),
        ([np.zeros((2, 3)), np.zeros(3)], {}, r"series\[0\] is 2-D but series\[1\]"),
        ([np.zeros(3), np.zeros((2, 3))], {}, r"series\[0\] is 1-D but series\[1\] is 2-D"),
        ([np.zeros((2, 3)), np.zeros((3, 3))], {}, r"series\[1\] has 3 channels.*series\[0\]"),
        ([np.zeros(3), np.zeros(0)], {}, r"series\[1\] has shape \(0,\), with no values"),
        ([np.zeros((2, 2, 2))], {}, r"series\[0\] has shape \(2, 2, 2\)"),
        ([np.array(["a", "b"])], {}, r"series\[0\] must hold real numbers"),
        ([np.ones(2) * 1j], {}, r"series\[0\] must hold real numbers"),
        ([np.array([1e39])], {}, r"series\[0\]: channel 0 holds values beyond float32"),
        ([np.ones(2)], {"length": 0}, "length must be an integer >= 1"),
        ([np.ones(2)], {"pad_value": "zero"}, "pad_value must be a real number"),
        ([np.ones(2)], {"pad_value": 1e39}, "does not fit in float32"),
    ],
)
def test_errors_name_the_case_and_the_fix(series, kwargs, match):
    with pytest.raises(ValueError, match=match):
        to_equal_length(series, **kwargs)


values = st.floats(-1e6, 1e6, width=32) | st.just(np.nan)


@settings(max_examples=60, deadline=None)
@given(
    lengths=st.lists(st.integers(1, 12), min_size=1, max_size=6),
    channels=st.integers(1, 3),
    length=st.none() | st.integers(1, 15),
    pad_value=st.sampled_from([0.0, -1.5, np.nan]),
    data=st.data(),
)
def test_policy_keeps_the_first_values_and_pads_the_end(
    lengths, channels, length, pad_value, data
):
    series = [data.draw(hnp.arrays(np.float64, (channels, n), elements=values)) for n in lengths]
    copies = [s.copy() for s in series]
    X = to_equal_length(series, length, pad_value=pad_value)
    # By default nothing is lost: the target is the longest series.
    target = max(lengths) if length is None else length
    assert X.shape == (len(series), channels, target) and X.dtype == np.float32
    for s, row in zip(series, X, strict=True):
        kept = min(s.shape[1], target)
        np.testing.assert_array_equal(row[:, :kept], s[:, :kept].astype(np.float32))
        np.testing.assert_array_equal(row[:, kept:], np.float32(pad_value))
    # The caller's arrays are untouched and not shared with the result.
    for s, copy in zip(series, copies, strict=True):
        np.testing.assert_array_equal(s, copy)
        assert not np.shares_memory(s, X)


@settings(max_examples=30, deadline=None)
@given(lengths=st.lists(st.integers(1, 8), min_size=1, max_size=5), length=st.integers(1, 10))
def test_load_ts_and_to_equal_length_follow_one_policy(tmp_path_factory, lengths, length):
    rng = np.random.default_rng(len(lengths))
    series = [rng.integers(-9, 9, size=n).astype(float) for n in lengths]
    lines = [",".join(f"{v:g}" for v in s) + ":a" for s in series]
    path = tmp_path_factory.mktemp("ts") / "d.ts"
    path.write_text(
        "@problemName p\n@univariate true\n@classLabel true a\n@data\n" + "\n".join(lines) + "\n"
    )
    for kwargs in ({}, {"length": length}, {"pad_value": -7.0}):
        np.testing.assert_array_equal(
            load_ts(path, **kwargs)[0], to_equal_length(series, **kwargs)
        )
    shortest = min(lengths)
    np.testing.assert_array_equal(
        load_ts(path, unequal="truncate")[0], to_equal_length(series, length=shortest)
    )

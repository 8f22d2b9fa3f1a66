"""load_xy: the user's .npz, .npy, .mat, .csv and .ts files, and clear errors for broken ones."""

import re
import warnings

import numpy as np
import pytest
from scipy.io import savemat

from sklearn_drsn.io import load_xy


@pytest.fixture
def signals():
    rng = np.random.default_rng(0)
    return rng.normal(size=(6, 10)), np.array([0, 1, 2, 0, 1, 2])


def test_npz_round_trip(tmp_path, signals):
    X, y = signals
    np.savez(tmp_path / "d.npz", X=X, y=y)
    X2, y2 = load_xy(tmp_path / "d.npz")
    np.testing.assert_array_equal(X2, X)
    np.testing.assert_array_equal(y2, y)


def test_mat_with_column_labels(tmp_path, signals):
    X, y = signals
    savemat(tmp_path / "d.mat", {"data": X, "label": y[:, None]})
    X2, y2 = load_xy(tmp_path / "d.mat", x_key="data", y_key="label")
    np.testing.assert_allclose(X2, X)
    np.testing.assert_array_equal(y2, y)


def test_csv_with_header_and_string_labels(tmp_path, signals):
    X, _ = signals
    labels = ["ok", "inner", "outer", "ok", "inner", "outer"]
    lines = [",".join([*(f"t{i}" for i in range(10)), "label"])]
    lines += [",".join([*map(repr, row.tolist()), lab]) for row, lab in zip(X, labels)]
    (tmp_path / "d.csv").write_text("\n".join(lines))
    X2, y2 = load_xy(tmp_path / "d.csv")
    np.testing.assert_allclose(X2, X)
    assert y2.tolist() == labels


def test_csv_with_byte_order_mark_keeps_first_row(tmp_path):
    (tmp_path / "d.csv").write_bytes(b"\xef\xbb\xbf1,2,a\n3,4,b\n")  # as Excel writes it
    X, y = load_xy(tmp_path / "d.csv")
    np.testing.assert_array_equal(X, [[1, 2], [3, 4]])
    assert y.tolist() == ["a", "b"]


def test_multichannel_npz(tmp_path):
    np.savez(tmp_path / "d.npz", X=np.zeros((4, 3, 16)), y=[0, 1, 0, 1])
    assert load_xy(tmp_path / "d.npz")[0].shape == (4, 3, 16)


def test_npy_pair(tmp_path, signals):
    X, y = signals
    np.save(tmp_path / "X.npy", X)
    np.save(tmp_path / "y.npy", y)
    X2, y2 = load_xy(tmp_path / "X.npy")
    np.testing.assert_array_equal(X2, X)
    np.testing.assert_array_equal(y2, y)
    np.save(tmp_path / "signals.npy", X)
    np.save(tmp_path / "labels.npy", y)
    assert load_xy(tmp_path / "signals.npy", y_key="labels")[0].shape == (6, 10)


def test_npy_without_labels_file(tmp_path):
    np.save(tmp_path / "X.npy", np.zeros((2, 4)))
    with pytest.raises(ValueError, match=r"only the signals.*y\.npy does not exist"):
        load_xy(tmp_path / "X.npy")
    np.save(tmp_path / "y.npy", np.zeros(2))
    with pytest.raises(ValueError, match="this is the labels' file"):
        load_xy(tmp_path / "y.npy")


def test_ts_file(tmp_path):
    header = "@problemName p\n@timeStamps false\n@univariate true\n@classLabel true ok worn\n"
    (tmp_path / "d.ts").write_text(header + "@data\n1,2,3:ok\n4,5:worn\n")
    X, y = load_xy(tmp_path / "d.ts")
    np.testing.assert_array_equal(X, [[1, 2, 3], [4, 5, 0]])
    assert X.dtype == np.float32 and y.tolist() == ["ok", "worn"]
    (tmp_path / "u.ts").write_text(header.replace("true ok worn", "false") + "@data\n1,2\n")
    with pytest.raises(ValueError, match="no class labels"):
        load_xy(tmp_path / "u.ts")
    (tmp_path / "b.ts").write_text(header + "1,2:ok\n")
    with pytest.raises(ValueError, match="line 5: expected a header line"):
        load_xy(tmp_path / "b.ts")


@pytest.mark.parametrize(
    ("write", "match"),
    [
        (lambda p: None, "no such file"),
        (lambda p: p.write_text("x"), "unsupported file type"),
        (lambda p: np.savez(p, signals=np.zeros((2, 3)), y=[0, 1]), "no array named 'X'"),
        (lambda p: np.savez(p, X=np.zeros((2, 3)), y=[0, 1, 1]), "2 samples but y has 3"),
        (lambda p: np.savez(p, X=np.zeros(5), y=[0]), "2-D"),
        (lambda p: p.write_text("1,2,a\n3,x,b\n"), "must be numbers"),
        (lambda p: p.write_text("1,2,a\n3,4\n"), "rectangular"),
    ],
    ids=["missing", "suffix", "key", "lengths", "ndim", "csv_values", "csv_ragged"],
)
def test_broken_files_give_clear_errors(tmp_path, write, match):
    suffix = ".txt" if match == "unsupported file type" else ".npz"
    if "must be numbers" in match or "rectangular" in match:
        suffix = ".csv"
    path = tmp_path / f"data{suffix}"
    write(path)
    with pytest.raises(ValueError, match=match):
        load_xy(path)


def raises_naming_the_file(path, *matches, **kwargs):
    """load_xy(path) raises one ValueError whose message names the file and each match."""
    with pytest.raises(ValueError) as info:
        load_xy(path, **kwargs)
    message = str(info.value)
    assert message.startswith(str(path)), message
    for match in matches:
        assert re.search(match, message), (match, message)
    return message


@pytest.mark.parametrize("suffix", [".csv", ".npz", ".npy", ".mat", ".ts"])
def test_an_empty_file_is_one_clear_error(tmp_path, suffix):
    path = tmp_path / f"empty{suffix}"
    path.write_bytes(b"")
    raises_naming_the_file(path, "the file is empty", "Write it again")


@pytest.mark.parametrize(
    "text, match",
    [("\n\n", "holds no rows"), ("t0,t1,label\n", "a header line and no data")],
)
def test_a_csv_without_data_rows(tmp_path, text, match):
    path = tmp_path / "d.csv"
    path.write_text(text)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # NumPy's own warning about no data stays out
        raises_naming_the_file(path, match, "one signal per row")


@pytest.mark.parametrize(
    "content", [b"not a zip at all", b"PK\x03\x04truncated"], ids=["garbage", "truncated"]
)
def test_an_unreadable_npz(tmp_path, content):
    path = tmp_path / "d.npz"
    path.write_bytes(content)
    raises_naming_the_file(path, "not a readable .npz file", r"numpy\.savez")


def test_object_labels_in_npz_say_which_key_and_how_to_save(tmp_path):
    pandas = pytest.importorskip("pandas")
    labels = pandas.Series(["ok", "worn"]).values  # an object array
    np.savez(tmp_path / "d.npz", X=np.zeros((2, 4)), y=labels, other=np.array([None]))
    message = raises_naming_the_file(
        tmp_path / "d.npz", "'y' is an object array", r"np\.asarray\(y, dtype=str\)"
    )
    assert "allow_pickle" not in message
    # The fix the message gives works, and arrays not asked for are not read.
    np.savez(tmp_path / "d.npz", X=np.zeros((2, 4)), y=np.asarray(labels, dtype=str), o=labels)
    assert load_xy(tmp_path / "d.npz")[1].tolist() == ["ok", "worn"]


def test_object_labels_in_npy_pair(tmp_path):
    np.save(tmp_path / "X.npy", np.zeros((2, 4)))
    np.save(tmp_path / "y.npy", np.array(["ok", None], dtype=object), allow_pickle=True)
    with pytest.raises(ValueError, match=r"y\.npy: an object array.*np\.asarray\(y, dtype=str\)"):
        load_xy(tmp_path / "X.npy")


@pytest.mark.parametrize("suffix", [".npz", ".csv", ".mat"])
def test_nan_or_inf_in_x_names_the_file_and_counts(tmp_path, suffix):
    X = np.arange(24.0).reshape(6, 4)
    X[1, 2], X[1, 3], X[4, 0] = np.nan, np.inf, -np.inf
    y = np.array([0, 1, 0, 1, 0, 1])
    path = tmp_path / f"d{suffix}"
    if suffix == ".npz":
        np.savez(path, X=X, y=y)
    elif suffix == ".mat":
        savemat(path, {"X": X, "y": y})
    else:
        path.write_text(
            "".join(",".join([*map(str, row), str(lab)]) + "\n" for row, lab in zip(X, y))
        )
    raises_naming_the_file(
        path, "3 NaN or infinite values", "in 2 of 6 samples", "sample 1", "fill them in"
    )


def test_missing_values_in_a_ts_file_are_reported(tmp_path):
    path = tmp_path / "d.ts"
    path.write_text("@problemName p\n@univariate true\n@classLabel true a\n@data\n1,?,3:a\n")
    raises_naming_the_file(path, "1 NaN or infinite values", r"'\?' and NaN mark missing")


def test_non_numeric_x(tmp_path):
    np.savez(tmp_path / "d.npz", X=np.array([["a", "b"], ["c", "d"]]), y=[0, 1])
    raises_naming_the_file(tmp_path / "d.npz", "not numbers", "dtype=float")


def test_an_unreadable_mat(tmp_path):
    (tmp_path / "d.mat").write_bytes(b"MATLAB? no" * 20)
    raises_naming_the_file(tmp_path / "d.mat", "not a readable MATLAB .mat file", "savemat")

"""The loaders of the user's own files: .ts, long recordings and CWRU .mat files.

Every file is written here, small, into tmp_path; no test needs the network or
another package's data.
"""

import hashlib
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.io import savemat

from sklearn_drsn import features, windows
from sklearn_drsn.loaders import load_cwru, load_recording, load_recordings, load_ts
from sklearn_drsn.windows import sliding_windows


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --------------------------------------------------------------------------- windows


def test_sliding_windows_is_public_at_one_path():
    assert "sliding_windows" in windows.__all__
    assert "sliding_windows" not in features.__all__
    assert not hasattr(features, "sliding_windows")


def test_mixed_drop_keeps_only_pure_windows():
    labels = np.array(list("aaaabbbbbbcc"))
    w, y = sliding_windows(np.arange(12.0), 4, step=2, labels=labels, mixed="drop")
    # starts 0, 2, 4, 6, 8: [aaaa] [aabb] [bbbb] [bbbb] [bbcc]
    np.testing.assert_array_equal(w[:, 0], [0.0, 4.0, 6.0])
    assert y.tolist() == ["a", "b", "b"]
    w, y = sliding_windows(np.arange(12.0), 12, labels=labels, mixed="drop")
    assert w.shape == (0, 12) and y.shape == (0,)
    with pytest.raises(ValueError, match="mixed must be one of"):
        sliding_windows(np.arange(12.0), 4, labels=labels, mixed="vote")


@settings(max_examples=60, deadline=None)
@given(
    labels=st.lists(st.sampled_from("abc"), min_size=1, max_size=40),
    window=st.integers(1, 40),
    step=st.integers(1, 40),
)
def test_window_labels_are_the_majority_or_dropped_when_mixed(labels, window, step):
    labels = np.array(labels)
    if window > len(labels):
        return
    _, majority = sliding_windows(np.zeros(len(labels)), window, step=step, labels=labels)
    _, pure = sliding_windows(
        np.zeros(len(labels)), window, step=step, labels=labels, mixed="drop"
    )
    expected_pure = []
    for i, start in enumerate(range(0, len(labels) - window + 1, step)):
        values, counts = np.unique(labels[start : start + window], return_counts=True)
        assert majority[i] == values[counts.argmax()]  # ties: the smallest label
        if len(values) == 1:
            expected_pure.append(values[0])
    assert pure.tolist() == expected_pure


# --------------------------------------------------------------------------- .ts format

HEADER = """# A comment line, then a header in mixed case.
@problemName Tiny
@timeStamps false
@missing true
@UNIVARIATE true
@equalLength true
@seriesLength 4
@classLabel true normal inner_race outer_race
@data
"""


def write(tmp_path, text, name="d.ts"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_ts_univariate_equal_length(tmp_path):
    path = write(
        tmp_path,
        HEADER + "1,2,3,4:normal\n\n# a comment among the data\n5, 6 ,7,8:outer_race\n"
        "-1e-3,0,?,NaN:inner_race\n",
    )
    before = digest(path)
    X, y = load_ts(path)
    assert X.dtype == np.float32 and X.shape == (3, 4)
    np.testing.assert_array_equal(X[:2], [[1, 2, 3, 4], [5, 6, 7, 8]])
    assert X[2, 0] == np.float32(-1e-3) and np.isnan(X[2, 2:]).all()
    assert y.dtype.kind == "U" and y.tolist() == ["normal", "outer_race", "inner_race"]
    assert digest(path) == before


UNEQUAL = """@problemName Uneven
@timeStamps false
@univariate true
@equalLength false
@classLabel true 1 2 10
@data
1,2,3:1
4,5,6,7,8:10
9:2
"""


def test_ts_unequal_length_pad_truncate_error(tmp_path):
    path = write(tmp_path, UNEQUAL)
    X, y = load_ts(path)  # default: pad with zeros to the longest
    np.testing.assert_array_equal(X, [[1, 2, 3, 0, 0], [4, 5, 6, 7, 8], [9, 0, 0, 0, 0]])
    assert y.tolist() == ["1", "10", "2"]  # strings, in file order
    X, _ = load_ts(path, pad_value=np.nan)
    assert np.isnan(X[2, 1:]).all() and X.dtype == np.float32
    X, _ = load_ts(path, unequal="truncate")
    np.testing.assert_array_equal(X, [[1], [4], [9]])
    with pytest.raises(ValueError, match=r"from 1 \(line 9\) to 5 \(line 8\).*unequal='pad'"):
        load_ts(path, unequal="error")
    with pytest.raises(ValueError, match="unequal must be one of"):
        load_ts(path, unequal="resample")


MULTI = """@problemName Pumps
@timestamps false
@univariate false
@dimensions 3
@equallength false
@classlabel true ok worn
@data
1,2,3:4,5,6:7,8,9:ok
1,2:3,4,5,6:7:worn
"""


def test_ts_multivariate(tmp_path):
    X, y = load_ts(write(tmp_path, MULTI))
    assert X.shape == (2, 3, 4) and X.dtype == np.float32
    np.testing.assert_array_equal(X[0], [[1, 2, 3, 0], [4, 5, 6, 0], [7, 8, 9, 0]])
    np.testing.assert_array_equal(X[1], [[1, 2, 0, 0], [3, 4, 5, 6], [7, 0, 0, 0]])
    assert y.tolist() == ["ok", "worn"]
    assert load_ts(write(tmp_path, MULTI), unequal="truncate")[0].shape == (2, 3, 1)


def test_ts_without_labels_and_without_optional_header_lines(tmp_path):
    X, y = load_ts(write(tmp_path, "@problemName x\n@classLabel false\n@data\n1,2:3,4\n5,6:7,8\n"))
    assert y is None and X.shape == (2, 2, 2)  # dimensions from the first case


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("@problemName x\n@classLabel true a b\n1,2,3:a\n", r"line 3: expected a header line"),
        ("@problemName x\n@classLabel true a b\n", "no '@data' line"),
        (HEADER, "no cases after"),
        (HEADER + "1,2,3,4:normal\n1,2,3,4:2,3,4,5:normal\n", r"line 11: 2 dimension"),
        (MULTI + "1:2:ok\n", r"line 10: 2 dimension.*@dimensions says 3"),
        (HEADER + "1,2,3,4:broken\n", r"line 10: class label 'broken' is not declared"),
        (HEADER + "1,2,3,4\n", r"line 10: no class label"),
        (HEADER + "1,2,x,4:normal\n", r"line 10: dimension 0, value 3 is 'x', not a number"),
        (HEADER + "1,2,,4:normal\n", r"value 3 is an empty value"),
        (HEADER + "1,2,3:normal\n", r"line 10: dimension 0 has 3 values.*@seriesLength 4"),
        (
            HEADER.replace("@seriesLength 4\n", "") + "1,2,3,4:normal\n1,2,3:normal\n",
            r"line 10: .*'@equalLength true'",
        ),
        (HEADER.replace("@timeStamps false", "@timeStamps true"), "timestamped"),
        (HEADER + "(0,1.0),(1,2.0):normal\n", r"line 10: the timestamped \(t,v\) form"),
        (HEADER.replace("@classLabel true normal", "@targetLabel true\n@x"), "regression"),
        (
            HEADER.replace("@classLabel true normal inner_race outer_race", "@classLabel true"),
            "must list the class labels",
        ),
        (HEADER.replace("@UNIVARIATE true", "@univariate maybe"), "needs 'true' or 'false'"),
        (HEADER.replace("@seriesLength 4", "@seriesLength four"), "one positive integer"),
        (HEADER.replace("@UNIVARIATE true", "@univariate true\n@dimensions 2"), "univariate"),
        ("@data 7\n", "'@data' takes no value"),
        ("@classLabel false\n@data\n1,2\n1,2:3,4\n", r"line 4: 2 dim.*the first case says 1"),
        (
            "@univariate true\n@data\n1,2:a\n",
            r"line 3: 2 dimension.*@univariate true says 1.*@classLabel true .* missing",
        ),
    ],
    ids=[
        "no_data_line_before_data",
        "no_data_line",
        "no_cases",
        "dims_univariate",
        "dims_declared",
        "undeclared_label",
        "no_label",
        "non_numeric",
        "empty_value",
        "series_length",
        "equal_length",
        "timestamps_header",
        "timestamps_data",
        "regression",
        "labels_not_listed",
        "bad_boolean",
        "bad_integer",
        "univariate_with_dims",
        "data_with_value",
        "dims_inferred",
        "label_header_missing",
    ],
)
def test_ts_malformed_files_name_file_line_and_problem(tmp_path, text, match):
    path = write(tmp_path, text)
    with pytest.raises(ValueError, match=match) as info:
        load_ts(path)
    assert str(path) in str(info.value)


def test_ts_with_byte_order_mark_and_windows_line_endings(tmp_path):
    path = tmp_path / "bom.ts"
    path.write_bytes(
        b"\xef\xbb\xbf" + (HEADER + "1,2,3,4:normal\n").replace("\n", "\r\n").encode()
    )
    X, y = load_ts(path)
    assert X.tolist() == [[1, 2, 3, 4]] and y.tolist() == ["normal"]


def test_ts_missing_file_and_wrong_suffix(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        load_ts(tmp_path / "nope.ts")
    with pytest.raises(FileNotFoundError, match="is a folder"):
        load_ts(tmp_path)
    with pytest.raises(ValueError, match=r"reads \.ts files"):
        load_ts(write(tmp_path, HEADER, name="d.txt"))


# --------------------------------------------------------------------------- long recordings


def test_npy_1d_and_2d(tmp_path):
    rec = np.arange(1000.0)
    np.save(tmp_path / "a.npy", rec)
    X, y = load_recording(tmp_path / "a.npy", window=100, step=50, label="healthy")
    assert X.shape == (19, 100) and X.dtype == np.float32
    np.testing.assert_array_equal(X[1], np.arange(50.0, 150.0))
    assert y.tolist() == ["healthy"] * 19
    X, y = load_recording(tmp_path / "a.npy", window=300)
    assert X.shape == (3, 300) and y is None

    np.save(tmp_path / "b.npy", np.stack([rec, -rec, 2 * rec]))
    X, _ = load_recording(tmp_path / "b.npy", window=256, step=128)
    assert X.shape == (6, 3, 256)
    np.testing.assert_array_equal(X[2, 1], -np.arange(256.0, 512.0))


def test_per_sample_labels_majority_and_drop(tmp_path):
    np.save(tmp_path / "a.npy", np.zeros(12))
    labels = np.array([0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2])
    labels_before = labels.copy()
    _, y = load_recording(tmp_path / "a.npy", window=4, label=labels)
    assert y.tolist() == [0, 1, 2]  # [0 0 0 1] -> 0, [1 1 1 1] -> 1, [2 2 2 2] -> 2
    X, y = load_recording(tmp_path / "a.npy", window=4, step=2, label=labels, mixed="drop")
    assert y.tolist() == [1, 2] and X.shape == (2, 4)
    np.testing.assert_array_equal(labels, labels_before)
    with pytest.raises(ValueError, match="12 time steps but 5 labels"):
        load_recording(tmp_path / "a.npy", window=4, label=labels[:5])
    with pytest.raises(ValueError, match="left none"):
        load_recording(tmp_path / "a.npy", window=12, label=labels, mixed="drop")


def test_npz_keys_and_label_arrays(tmp_path):
    rec = np.sin(np.arange(600.0))
    states = np.repeat(["ok", "worn"], 300)
    np.savez(tmp_path / "one.npz", signal=rec)
    X, _ = load_recording(tmp_path / "one.npz", window=200)
    assert X.shape == (3, 200)
    np.savez(tmp_path / "two.npz", acc=np.stack([rec, rec]), state=states, speed=np.ones(3))
    X, y = load_recording(tmp_path / "two.npz", window=200, key="acc", label_column="state")
    assert X.shape == (3, 2, 200) and y.tolist() == ["ok", "ok", "worn"]
    with pytest.raises(ValueError, match=r"holds the arrays \['acc', 'state', 'speed'\]"):
        load_recording(tmp_path / "two.npz", window=200)
    with pytest.raises(ValueError, match=r"no array named 'vib' \(key\); the file holds"):
        load_recording(tmp_path / "two.npz", window=200, key="vib")


CSV = "time,acc_x,acc_y,state\n" + "\n".join(
    f"{t / 10},{t},{-t},{'ok' if t < 8 else 'worn'}" for t in range(16)
)


def test_csv_columns_header_and_label_column(tmp_path):
    path = tmp_path / "run.csv"
    path.write_text(CSV)
    before = digest(path)
    X, y = load_recording(path, window=4, key=["acc_x", "acc_y"], label_column="state")
    assert X.shape == (4, 2, 4) and X.dtype == np.float32
    np.testing.assert_array_equal(X[1], [[4, 5, 6, 7], [-4, -5, -6, -7]])
    assert y.tolist() == ["ok", "ok", "worn", "worn"]
    X, _ = load_recording(path, window=8, key="acc_y", label_column=-1)
    assert X.shape == (2, 8)
    X, _ = load_recording(path, window=8, key=1, label=7)
    assert X.shape == (2, 8)
    assert digest(path) == before

    headerless = tmp_path / "plain.csv"
    headerless.write_text("1,10,a\n2,20,a\n3,30,b\n4,40,b\n")
    X, y = load_recording(headerless, window=2, label_column=2)
    np.testing.assert_array_equal(X, [[[1, 2], [10, 20]], [[3, 4], [30, 40]]])
    assert y.tolist() == ["a", "b"]
    single = tmp_path / "single.csv"
    single.write_text("vib\n" + "\n".join(map(str, range(10))))
    assert load_recording(single, window=5)[0].shape == (2, 5)


def test_csv_with_byte_order_mark(tmp_path):
    # Excel writes one; it must not turn the first number or column name into text.
    (tmp_path / "plain.csv").write_bytes(b"\xef\xbb\xbf1,a\n2,a\n3,b\n4,b\n")
    X, y = load_recording(tmp_path / "plain.csv", window=2, label_column=1)
    assert X.tolist() == [[1, 2], [3, 4]] and y.tolist() == ["a", "b"]
    (tmp_path / "named.csv").write_bytes(b"\xef\xbb\xbfacc,state\n1,a\n2,a\n")
    X, _ = load_recording(tmp_path / "named.csv", window=2, key="acc", label_column="state")
    assert X.tolist() == [[1, 2]]


@pytest.mark.parametrize(
    ("name", "content", "kwargs", "match"),
    [
        ("r.csv", "1,2\n3,4\n5\n", {}, r"line 3: 1 columns, but line 1 has 2"),
        ("r.csv", "a,b\n1,2\n3,oops\n", {}, r"line 3, column 'b': 'oops' is not a number"),
        ("r.csv", "1,2\n3,oops\n", {}, r"line 2, column 1: 'oops' is not a number"),
        ("r.csv", "a,b\n1,2\n", {"key": "c"}, r"no column named 'c'; the columns are \['a'"),
        ("r.csv", "1,2\n3,4\n", {"label_column": 5}, "column 5 does not exist"),
        ("r.csv", "a,b\n", {}, "no data lines"),
        ("r.csv", "", {}, "is empty"),
        ("r.csv", "1,2\n3,4\n", {"label_column": 0, "key": []}, "no column left"),
        ("r.npy", "not numpy", {}, "not a readable NumPy .npy file"),
        ("r.txt", "1\n2\n", {}, r"reads .npy, .npz, .csv files, not '.txt'"),
    ],
    ids=[
        "ragged", "non_numeric_named", "non_numeric_index", "missing_column", "bad_index",
        "header_only", "empty", "no_channels", "bad_npy", "suffix",
    ],
)  # fmt: skip
def test_malformed_recordings(tmp_path, name, content, kwargs, match):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(ValueError, match=match) as info:
        load_recording(path, window=1, **kwargs)
    assert str(path) in str(info.value)


def test_recording_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        load_recording(tmp_path / "missing.npy", window=4)
    np.save(tmp_path / "long_by_channels.npy", np.zeros((1000, 2)))
    with pytest.raises(ValueError, match=r"window=256 is longer .*length 2.*array\.T") as info:
        load_recording(tmp_path / "long_by_channels.npy", window=256)
    assert "long_by_channels.npy" in str(info.value)
    np.save(tmp_path / "nan.npy", np.array([1.0, np.nan, 3.0]))
    with pytest.raises(ValueError, match=r"nan\.npy: recording contains NaN"):
        load_recording(tmp_path / "nan.npy", window=1)
    np.save(tmp_path / "cube.npy", np.zeros((2, 2, 8)))
    with pytest.raises(ValueError, match=r"1-D \(length,\) or 2-D.*\(2, 2, 8\)"):
        load_recording(tmp_path / "cube.npy", window=4)
    np.save(tmp_path / "text.npy", np.array(["a", "b"]))
    with pytest.raises(ValueError, match="must be numbers"):
        load_recording(tmp_path / "text.npy", window=1)
    np.save(tmp_path / "ok.npy", np.zeros(8))
    with pytest.raises(ValueError, match="not both"):
        load_recording(tmp_path / "ok.npy", window=4, label="a", label_column="s")
    with pytest.raises(ValueError, match=r"apply to \.npz and \.csv"):
        load_recording(tmp_path / "ok.npy", window=4, key="x")
    with pytest.raises(TypeError, match="window must be an integer"):
        load_recording(tmp_path / "ok.npy", window=4.0)
    with pytest.raises(ValueError, match="step must be positive"):
        load_recording(tmp_path / "ok.npy", window=4, step=0)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    length=st.integers(1, 300),
    window=st.integers(1, 300),
    step=st.integers(1, 300),
    channels=st.sampled_from([None, 1, 3]),
)
def test_window_count_property(tmp_path, length, window, step, channels):
    rng = np.random.default_rng(length)
    rec = rng.normal(size=length if channels is None else (channels, length))
    np.save(tmp_path / "r.npy", rec)
    if window > length:
        with pytest.raises(ValueError, match="longer than the recording"):
            load_recording(tmp_path / "r.npy", window=window, step=step)
        return
    X, y = load_recording(tmp_path / "r.npy", window=window, step=step, label=3)
    n = 1 + (length - window) // step
    assert X.shape == ((n, window) if channels is None else (n, channels, window))
    assert y.shape == (n,) and X.dtype == np.float32
    last = (n - 1) * step
    np.testing.assert_allclose(X[-1], rec[..., last : last + window].astype(np.float32))


def test_load_recordings_mapping_list_and_default_labels(tmp_path):
    np.save(tmp_path / "healthy.npy", np.arange(1000.0))
    np.save(tmp_path / "worn.npy", -np.arange(600.0))
    files = {tmp_path / "healthy.npy": "healthy", str(tmp_path / "worn.npy"): "worn"}
    files_before = dict(files)
    X, y = load_recordings(files, window=200, step=100)
    n_healthy, n_worn = 1 + (1000 - 200) // 100, 1 + (600 - 200) // 100
    assert X.shape == (n_healthy + n_worn, 200) and X.dtype == np.float32
    assert y.tolist() == ["healthy"] * n_healthy + ["worn"] * n_worn
    np.testing.assert_array_equal(X[n_healthy], -np.arange(200.0))  # no window spans files
    assert files == files_before

    paths = [tmp_path / "healthy.npy", tmp_path / "worn.npy"]
    X, y = load_recordings(paths, window=300, labels=[0, 1])
    assert X.shape == (5, 300) and y.tolist() == [0, 0, 0, 1, 1] and y.dtype.kind == "i"
    _, y = load_recordings(paths, window=300)
    assert y.tolist() == ["healthy"] * 3 + ["worn"] * 2
    X, y = load_recordings(tmp_path / "worn.npy", window=300)
    assert X.shape == (2, 300) and y.tolist() == ["worn", "worn"]


def test_load_recordings_label_columns_and_channels(tmp_path):
    (tmp_path / "a.csv").write_text("x,y,s\n" + "".join(f"{t},{t},{t // 4}\n" for t in range(8)))
    (tmp_path / "b.csv").write_text("x,y,s\n" + "".join(f"{t},{t},{9}\n" for t in range(4)))
    X, y = load_recordings([tmp_path / "a.csv", tmp_path / "b.csv"], window=4, label_column="s")
    assert X.shape == (3, 2, 4) and y.tolist() == ["0", "1", "9"]
    X, _ = load_recordings([tmp_path / "a.csv", tmp_path / "b.csv"], window=4, key="x")
    assert X.shape == (3, 4)
    np.savez(tmp_path / "c.npz", x=np.zeros((3, 8)))
    with pytest.raises(
        ValueError, match=r"c\.npz: windows of shape \(3, 4\), but those of .*a\.csv"
    ):
        load_recordings([tmp_path / "a.csv", tmp_path / "c.npz"], window=4, key="x")


def test_load_recordings_errors(tmp_path):
    np.save(tmp_path / "a.npy", np.zeros(8))
    with pytest.raises(ValueError, match="files is empty"):
        load_recordings([], window=4)
    with pytest.raises(ValueError, match="one label per file"):
        load_recordings([tmp_path / "a.npy"], window=4, labels=["a", "b"])
    with pytest.raises(ValueError, match="labels must be None"):
        load_recordings({tmp_path / "a.npy": "a"}, window=4, labels=["a"])
    with pytest.raises(ValueError, match="label_column reads the labels from the files"):
        load_recordings({tmp_path / "a.npy": "a"}, window=4, label_column="s")
    with pytest.raises(ValueError, match=r"a\.npy: the label must be one value for the file"):
        load_recordings({tmp_path / "a.npy": np.zeros(8)}, window=4)
    with pytest.raises(FileNotFoundError, match=r"b\.npy: no such file"):
        load_recordings([tmp_path / "a.npy", tmp_path / "b.npy"], window=4)
    with pytest.raises(ValueError, match=r"a\.npy: window=16 is longer"):
        load_recordings([tmp_path / "a.npy"], window=16)
    with pytest.raises(TypeError, match="window must be an integer"):
        load_recordings([tmp_path / "a.npy"], window="4")


# --------------------------------------------------------------------------- CWRU .mat


@pytest.fixture
def cwru(tmp_path):
    """A folder of tiny CWRU-like files (the real ones hold ~120k samples per sensor)."""
    rng = np.random.default_rng(0)
    col = lambda n: rng.normal(size=(n, 1))  # noqa: E731 (CWRU stores column vectors)
    savemat(tmp_path / "97.mat", {"X097_DE_time": col(5000), "X097_FE_time": col(5000),
                                  "X097RPM": np.array([[1796]])})  # fmt: skip
    savemat(tmp_path / "105.mat", {"X105_DE_time": col(3000), "X105_FE_time": col(3000),
                                   "X105_BA_time": col(3000)})  # fmt: skip
    two = {"X098_DE_time": col(2000), "X098_FE_time": col(2000), "X098RPM": np.array([[1772]]),
           "X099_DE_time": col(4000), "X099_FE_time": col(4000),
           "X099RPM": np.array([[1750]])}  # fmt: skip
    savemat(tmp_path / "99.mat", two)
    savemat(tmp_path / "two.mat", two)
    return tmp_path


def test_cwru_mapping_windows_labels_and_rpm(cwru):
    files = {cwru / "97.mat": "normal", str(cwru / "105.mat"): "inner_race_007"}
    files_before = dict(files)
    X, y, rpm = load_cwru(files, window=1024, step=512, return_rpm=True)
    n97, n105 = 1 + (5000 - 1024) // 512, 1 + (3000 - 1024) // 512
    assert X.shape == (n97 + n105, 1024) and X.dtype == np.float32
    assert y.tolist() == ["normal"] * n97 + ["inner_race_007"] * n105
    assert rpm.dtype == np.float64
    np.testing.assert_array_equal(rpm[:n97], 1796.0)
    assert np.isnan(rpm[n97:]).all()
    assert files == files_before
    from scipy.io import loadmat

    de = np.ravel(loadmat(cwru / "97.mat")["X097_DE_time"])
    np.testing.assert_allclose(X[1], de[512:1536].astype(np.float32))


def test_cwru_lists_sensors_and_default_labels(cwru):
    paths = [cwru / "97.mat", cwru / "105.mat"]
    X, y = load_cwru(paths, labels=[0, 1], sensor="fe")
    assert X.shape == (2 + 1, 2048) and y.tolist() == [0, 0, 1] and y.dtype.kind == "i"
    X, y = load_cwru(paths, sensor=("DE", "FE"), window=1000, step=1000)
    assert X.shape == (8, 2, 1000) and y.tolist() == ["97"] * 5 + ["105"] * 3
    X, y = load_cwru(str(cwru / "105.mat"), sensor=["BA"], window=1000)
    assert X.shape == (3, 1, 1000)


def test_cwru_file_with_two_recordings(cwru):
    X, _, rpm = load_cwru([cwru / "99.mat"], window=1000, return_rpm=True)
    assert len(X) == 4 and rpm[0] == 1750.0  # the file name says X099
    with pytest.raises(ValueError, match=r"holds 2 recordings \(X098, X099\).*recording="):
        load_cwru([cwru / "two.mat"], window=1000)
    for choice in (98, "098", "X098", {cwru / "two.mat": 98}, {str(cwru / "two.mat"): "98"}):
        X, _, rpm = load_cwru([cwru / "two.mat"], window=1000, recording=choice, return_rpm=True)
        assert len(X) == 2 and rpm[0] == 1772.0
    with pytest.raises(ValueError, match="no recording 100; the file holds X098, X099"):
        load_cwru([cwru / "two.mat"], recording=100)


def test_cwru_errors(cwru):
    with pytest.raises(ValueError, match=r"no BA sensor .*'X097_BA_time'.*X097_DE_time.*\['DE'"):
        load_cwru([cwru / "97.mat"], sensor="BA")
    savemat(cwru / "other.mat", {"signal": np.zeros((10, 1))})
    with pytest.raises(ValueError, match=r"no CWRU signal.*\['signal'\]"):
        load_cwru([cwru / "other.mat"])
    (cwru / "junk.mat").write_text("this is not a MATLAB file")
    with pytest.raises(ValueError, match=r"junk\.mat: not a readable MATLAB \.mat file"):
        load_cwru([cwru / "junk.mat"])
    with pytest.raises(ValueError, match=r"105\.mat: window=4096 is longer .*length 3000"):
        load_cwru([cwru / "97.mat", cwru / "105.mat"], window=4096)
    with pytest.raises(FileNotFoundError, match=r"130\.mat: no such file"):
        load_cwru({cwru / "130.mat": "outer"})
    with pytest.raises(ValueError, match="one label per file"):
        load_cwru([cwru / "97.mat", cwru / "105.mat"], labels=["normal"])
    with pytest.raises(ValueError, match="labels must be None"):
        load_cwru({cwru / "97.mat": "normal"}, labels=["normal"])
    with pytest.raises(ValueError, match="sensor must be one of"):
        load_cwru([cwru / "97.mat"], sensor="XX")
    with pytest.raises(ValueError, match="files is empty"):
        load_cwru([])


def test_error_messages_say_what_to_do(tmp_path):
    # Every malformed-file message names the file; spot-check one of each loader for a remedy.
    path = write(tmp_path, HEADER + "1,2,3,4:broken\n")
    with pytest.raises(ValueError) as info:
        load_ts(path)
    assert re.search(r"add it to the @classLabel line", str(info.value))

"""Read ``(X, y)`` from the user's files: ``.npz``, ``.npy`` pairs, ``.csv``, ``.mat`` and ``.ts``.

A data tool: it knows nothing of the estimators. Errors name the file and
what is wrong with it. For long recordings to cut into windows, and for the
CWRU bearing files, see :mod:`sklearn_drsn.loaders`.
"""

from __future__ import annotations

import warnings
import zipfile
from pathlib import Path

import numpy as np

__all__ = ["load_xy"]

#: How to write each file type that :func:`load_xy` reads, for messages.
_HOW_TO_SAVE = {
    ".npz": "numpy.savez(path, X=X, y=y)",
    ".npy": "numpy.save(path, X) and numpy.save('y.npy', y) beside it",
    ".mat": "scipy.io.savemat(path, {'X': X, 'y': y})",
    ".csv": "one signal per row, its label in the last column",
    ".ts": "sklearn_drsn's data guide describes the .ts format",
}


def load_xy(path: str | Path, x_key: str = "X", y_key: str = "y") -> tuple[np.ndarray, np.ndarray]:
    """Load signals and labels from a file.

    Parameters
    ----------
    path : str or Path
        One of

        - ``.npz`` or ``.mat`` holding arrays ``x_key`` and ``y_key``;
        - ``.npy`` holding the signals, with the labels in the ``.npy`` file
          named ``y_key`` next to it (``data/X.npy`` and ``data/y.npy``);
        - ``.csv`` with one signal per row and the label in the last column
          (a header line of non-numbers is skipped);
        - ``.ts``, the time-series-classification format of sktime and aeon,
          read by :func:`sklearn_drsn.loaders.load_ts` (series of unequal
          length are padded with zeros).
    x_key, y_key : str, default="X", "y"
        Names of the arrays in ``.npz`` and ``.mat`` files; ``y_key`` also
        names the labels' ``.npy`` file.

    Returns
    -------
    X : ndarray of shape (n_samples, length) or (n_samples, channels, length)
    y : ndarray of shape (n_samples,)

    Raises
    ------
    ValueError
        If the file is missing, empty, of an unknown type, malformed, lacks
        a key (or its labels' file), holds an object array (save labels as
        strings: ``np.asarray(y, dtype=str)``), X is not numeric or holds
        NaN or infinite values, or X and y do not have the same number of
        samples. The message names the file and says what to do.

    Examples
    --------
    >>> import numpy as np, tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "data.npz")
    >>> np.savez(path, X=np.zeros((4, 16)), y=[0, 1, 0, 1])
    >>> X, y = load_xy(path)
    >>> X.shape, y.shape
    ((4, 16), (4,))
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"no such file: {path}")
    suffix = path.suffix.lower()
    if suffix in _HOW_TO_SAVE and path.stat().st_size == 0:
        raise ValueError(
            f"{path}: the file is empty (0 bytes); was it written completely? "
            f"Write it again ({_HOW_TO_SAVE[suffix]})."
        )
    if suffix == ".npz":
        X, y = _read_npz(path, x_key, y_key)
    elif suffix == ".mat":
        X, y = _read_mat(path, x_key, y_key)
    elif suffix == ".npy":
        X, y = _read_npy_pair(path, y_key)
    elif suffix == ".csv":
        X, y = _read_csv(path)
    elif suffix == ".ts":
        from .loaders.ts_format import load_ts

        X, y = load_ts(path)
        if y is None:
            raise ValueError(f"{path}: the file has no class labels ('@classLabel false')")
    else:
        raise ValueError(
            f"{path}: unsupported file type {suffix!r}; use .npz, .npy, .mat, .csv or .ts"
        )
    X, y = np.asarray(X), np.ravel(np.asarray(y))
    if X.dtype.kind not in "biuf":
        raise ValueError(
            f"{path}: {x_key} holds {X.dtype} values, not numbers; save the signals as a "
            "numeric array (np.asarray(X, dtype=float))."
        )
    if X.ndim not in (2, 3):
        raise ValueError(
            f"{path}: {x_key} must be 2-D (n_samples, length) or 3-D "
            f"(n_samples, channels, length); got shape {X.shape}"
        )
    if len(X) != len(y):
        raise ValueError(f"{path}: {x_key} has {len(X)} samples but {y_key} has {len(y)} labels")
    _check_finite(X, path, x_key)
    return X, y


def _check_finite(X: np.ndarray, path: Path, x_key: str) -> None:
    """Raise, counting them, if ``X`` holds NaN or infinite values."""
    bad = ~np.isfinite(X)
    if not bad.any():
        return
    bad_samples = np.flatnonzero(bad.reshape(len(X), -1).any(axis=1))
    is_ts = path.suffix.lower() == ".ts"
    missing = " (in a .ts file, '?' and NaN mark missing values)" if is_ts else ""
    raise ValueError(
        f"{path}: {x_key} holds {int(bad.sum())} NaN or infinite values{missing}, in "
        f"{len(bad_samples)} of {len(X)} samples (the first: sample {bad_samples[0]}); "
        "fill them in (e.g. interpolate) or leave those samples out, then save the file again."
    )


def _read_npz(path: Path, x_key: str, y_key: str) -> tuple[np.ndarray, np.ndarray]:
    try:
        data = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        raise ValueError(
            f"{path}: not a readable .npz file ({exc}); write it with {_HOW_TO_SAVE['.npz']}."
        ) from None
    with data:
        _check_keys(data.files, x_key, y_key, path)
        return _array(data, x_key, path), _array(data, y_key, path)


def _array(data, key: str, path: Path) -> np.ndarray:
    """``data[key]``, with a message that says how to save an object array."""
    try:
        return data[key]
    except ValueError as exc:
        if "allow_pickle" not in str(exc):
            raise ValueError(f"{path}: cannot read the array {key!r} ({exc})") from None
        raise ValueError(
            f"{path}: the array {key!r} is an object array (as a pandas column's .values "
            "is), which is only readable by unpickling, and load_xy does not unpickle; "
            "save it as strings or numbers instead, e.g. "
            f"numpy.savez(path, ..., {key}=np.asarray({key}, dtype=str))."
        ) from None


def _read_mat(path: Path, x_key: str, y_key: str) -> tuple[np.ndarray, np.ndarray]:
    from scipy.io import loadmat
    from scipy.io.matlab import MatReadError

    try:
        data = loadmat(path)
    except (OSError, ValueError, MatReadError) as exc:
        raise ValueError(
            f"{path}: not a readable MATLAB .mat file ({exc}); write it with "
            f"{_HOW_TO_SAVE['.mat']}."
        ) from None
    _check_keys(list(data), x_key, y_key, path)
    return data[x_key], np.ravel(data[y_key])


def _check_keys(keys, x_key: str, y_key: str, path: Path) -> None:
    missing = [k for k in (x_key, y_key) if k not in keys]
    if missing:
        found = sorted(k for k in keys if not k.startswith("__"))
        raise ValueError(f"{path}: no array named {missing[0]!r}; the file holds {found}")


def _read_npy_pair(path: Path, y_key: str) -> tuple[np.ndarray, np.ndarray]:
    y_path = path.with_name(f"{y_key}.npy")
    if y_path == path:
        raise ValueError(f"{path}: this is the labels' file; pass the signals' .npy file")
    if not y_path.is_file():
        raise ValueError(
            f"{path}: a .npy file holds only the signals, and the labels' file {y_path} "
            "does not exist; save the labels there with numpy.save, or save both "
            "with numpy.savez(path, X=..., y=...)"
        )
    arrays = []
    for p, key in ((path, "X"), (y_path, y_key)):
        try:
            arrays.append(np.load(p, allow_pickle=False))
        except (ValueError, OSError, EOFError) as exc:
            if "allow_pickle" in str(exc):
                raise ValueError(
                    f"{p}: an object array (as a pandas column's .values is), which is only "
                    "readable by unpickling, and load_xy does not unpickle; save it as strings "
                    f"or numbers instead, e.g. np.save(path, np.asarray({key}, dtype=str))."
                ) from None
            raise ValueError(
                f"{p}: not a readable NumPy .npy file ({exc}); write it with numpy.save."
            ) from None
    return arrays[0], arrays[1]


def _read_csv(path: Path) -> tuple[np.ndarray, np.ndarray]:
    try:
        with warnings.catch_warnings():
            # Blank lines are skipped and an empty file is reported below, in one message,
            # instead of NumPy's warnings about either.
            warnings.filterwarnings("ignore", "loadtxt: input contained no data")
            warnings.filterwarnings("ignore", "Input line [0-9]+ contained no data")
            # utf-8-sig: a byte-order mark (Excel) would hide the first number.
            rows = np.loadtxt(path, delimiter=",", dtype=str, ndmin=2, encoding="utf-8-sig")
    except ValueError as exc:
        raise ValueError(f"{path}: not a rectangular CSV file ({exc})") from None
    if rows.size == 0:
        raise ValueError(f"{path}: the file holds no rows; write {_HOW_TO_SAVE['.csv']}.")
    try:
        float(rows[0, 0])
    except ValueError:
        rows = rows[1:]  # header line
    if len(rows) == 0:
        raise ValueError(
            f"{path}: the file holds a header line and no data; write {_HOW_TO_SAVE['.csv']}."
        )
    if rows.shape[1] < 2:
        raise ValueError(f"{path}: need rows of at least one value and a label")
    try:
        X = rows[:, :-1].astype(float)
    except ValueError:
        raise ValueError(f"{path}: signal values must be numbers") from None
    return X, rows[:, -1]

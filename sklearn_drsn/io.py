"""Read ``(X, y)`` from the user's files: ``.npz``, ``.npy`` pairs, ``.csv``, ``.mat`` and ``.ts``.

A data tool: it knows nothing of the estimators. Errors name the file and
what is wrong with it. For long recordings to cut into windows, and for the
CWRU bearing files, see :mod:`sklearn_drsn.loaders`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

__all__ = ["load_xy"]


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
        If the file is missing, of an unknown type, malformed, lacks a key
        (or its labels' file), or X and y do not have the same number of
        samples.

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
    if suffix == ".npz":
        with np.load(path, allow_pickle=False) as data:
            X, y = _pick(dict(data), x_key, y_key, path)
    elif suffix == ".mat":
        from scipy.io import loadmat

        X, y = _pick(loadmat(path), x_key, y_key, path)
        y = np.ravel(y)
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
    if X.ndim not in (2, 3):
        raise ValueError(
            f"{path}: {x_key} must be 2-D (n_samples, length) or 3-D "
            f"(n_samples, channels, length); got shape {X.shape}"
        )
    if len(X) != len(y):
        raise ValueError(f"{path}: {x_key} has {len(X)} samples but {y_key} has {len(y)} labels")
    return X, y


def _pick(data: dict, x_key: str, y_key: str, path: Path) -> tuple[np.ndarray, np.ndarray]:
    missing = [k for k in (x_key, y_key) if k not in data]
    if missing:
        found = sorted(k for k in data if not k.startswith("__"))
        raise ValueError(f"{path}: no array named {missing[0]!r}; the file holds {found}")
    return data[x_key], data[y_key]


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
    for p in (path, y_path):
        try:
            arrays.append(np.load(p, allow_pickle=False))
        except (ValueError, OSError, EOFError) as exc:
            raise ValueError(f"{p}: not a readable NumPy .npy file ({exc})") from None
    return arrays[0], arrays[1]


def _read_csv(path: Path) -> tuple[np.ndarray, np.ndarray]:
    try:
        # utf-8-sig: a byte-order mark (Excel) would hide the first number.
        rows = np.loadtxt(path, delimiter=",", dtype=str, ndmin=2, encoding="utf-8-sig")
    except ValueError as exc:
        raise ValueError(f"{path}: not a rectangular CSV file ({exc})") from None
    try:
        float(rows[0, 0])
    except ValueError:
        rows = rows[1:]  # header line
    if rows.shape[1] < 2 or len(rows) == 0:
        raise ValueError(f"{path}: need rows of at least one value and a label")
    try:
        X = rows[:, :-1].astype(float)
    except ValueError:
        raise ValueError(f"{path}: signal values must be numbers") from None
    return X, rows[:, -1]

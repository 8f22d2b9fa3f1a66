"""Read ``(X, y)`` from the user's files: ``.npz``, ``.npy`` pairs, ``.csv`` and ``.mat``.

A data tool: it knows nothing of the estimators. Errors name the file and
what is wrong with it.
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
        ``.npz`` or ``.mat`` holding arrays ``x_key`` and ``y_key``; or
        ``.csv`` with one signal per row and the label in the last column (a
        header line of non-numbers is skipped).
    x_key, y_key : str, default="X", "y"
        Names of the arrays in ``.npz`` and ``.mat`` files.

    Returns
    -------
    X : ndarray of shape (n_samples, length) or (n_samples, channels, length)
    y : ndarray of shape (n_samples,)

    Raises
    ------
    ValueError
        If the file is missing, of an unknown type, lacks a key, or X and y
        do not have the same number of samples.

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
    elif suffix == ".csv":
        X, y = _read_csv(path)
    else:
        raise ValueError(f"{path}: unsupported file type {suffix!r}; use .npz, .mat or .csv")
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


def _read_csv(path: Path) -> tuple[np.ndarray, np.ndarray]:
    try:
        rows = np.loadtxt(path, delimiter=",", dtype=str, ndmin=2)
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

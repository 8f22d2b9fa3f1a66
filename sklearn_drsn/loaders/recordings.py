"""Load long recordings from ``.npy``, ``.npz`` or ``.csv`` files and cut them into windows."""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from ..windows import check_window_args
from ._common import existing_file, files_and_labels
from ._common import window as _window

__all__ = ["load_recording", "load_recordings"]

_SUFFIXES = (".npy", ".npz", ".csv")
_TRANSPOSE_HINT = (
    "recordings are stored as (length,) or (channels, length); if yours is "
    "(length, channels), save its transpose (array.T)"
)


def load_recording(
    path: str | Path,
    *,
    window: int,
    step: int | None = None,
    label=None,
    key: str | int | Sequence[str | int] | None = None,
    label_column: str | int | None = None,
    mixed: str = "majority",
) -> tuple[np.ndarray, np.ndarray | None]:
    """Load one long recording and cut it into fixed-length windows.

    Parameters
    ----------
    path : str or Path
        One of

        - ``.npy``: an array of shape ``(length,)`` or ``(channels, length)``;
        - ``.npz``: the same, in the array named ``key`` (which may be left
          out when the file holds a single array besides ``label_column``);
        - ``.csv``: one row per time step, one column per channel, values
          separated by ``,``; an optional first line of column names.
    window : int
        Window length in samples.
    step : int or None, default=None
        Hop between window starts; ``None`` means ``window`` (no overlap).
        Trailing samples that do not fill a window are dropped, so there are
        ``1 + (length - window) // step`` windows.
    label : scalar, array-like of shape (length,) or None, default=None
        One label for the whole recording, or one per time step.
    key : str, int, sequence of those, or None, default=None
        ``.npz``: the name of the signal array. ``.csv``: the column(s)
        holding the channels, by name (from the first line) or 0-based
        index; by default all columns but ``label_column``. Not used for
        ``.npy``.
    label_column : str, int or None, default=None
        Where the file keeps one label per time step: a column (name or
        index) of a ``.csv``, or the name of an array of an ``.npz``.
        ``.csv`` labels are strings.
    mixed : {"majority", "drop"}, default="majority"
        With a label per time step, how a window spanning several labels is
        labelled: ``"majority"`` gives it the most frequent label inside it
        (ties go to the smallest label in sort order), ``"drop"`` leaves the
        window out.

    Returns
    -------
    X : ndarray of shape (n_windows, window) or (n_windows, channels, window)
        ``float32`` windows in time order; 2-D for a 1-D ``.npy``/``.npz``
        array and for a ``.csv`` with one channel column.
    y : ndarray of shape (n_windows,) or None
        The label of each window, or ``None`` when neither ``label`` nor
        ``label_column`` is given.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If the file is malformed (ragged or non-numeric CSV rows, a missing
        key or column, an array of the wrong shape, NaN values), the window
        is longer than the recording, or ``label`` and ``label_column`` are
        both given. The message names the file (and line, for CSV files).

    See Also
    --------
    load_recordings : several files, each with its label, in one call.
    sklearn_drsn.windows.sliding_windows : the windowing on in-memory arrays.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from sklearn_drsn.loaders import load_recording
    >>> folder = tempfile.mkdtemp()
    >>> np.save(os.path.join(folder, "pump.npy"), np.sin(np.arange(1000) / 7))
    >>> X, y = load_recording(os.path.join(folder, "pump.npy"), window=256, label="ok")
    >>> X.shape, X.dtype, y[:2]
    ((3, 256), dtype('float32'), array(['ok', 'ok'], dtype='<U2'))

    A CSV file with two channels and a label per time step; windows that
    span the change of label (here the third of five) are dropped:

    >>> rows = [f"{t},{-t},{'ok' if t < 6 else 'worn'}" for t in range(12)]
    >>> with open(os.path.join(folder, "run.csv"), "w") as f:
    ...     _ = f.write("acc_x,acc_y,state\\n" + "\\n".join(rows))
    >>> X, y = load_recording(
    ...     os.path.join(folder, "run.csv"), window=4, step=2,
    ...     label_column="state", mixed="drop",
    ... )
    >>> X.shape, y.tolist()
    ((4, 2, 4), ['ok', 'ok', 'worn', 'worn'])
    """
    check_window_args(window, step, mixed)
    if label is not None and label_column is not None:
        raise ValueError(
            "pass either label (one for the recording or one per time step) or "
            "label_column (labels read from the file), not both."
        )
    path = existing_file(path, _SUFFIXES, "load_recording")
    suffix = path.suffix.lower()
    hint = ""
    if suffix == ".csv":
        recording, file_labels = _read_csv(path, key, label_column)
    else:
        recording, file_labels = _read_numpy(path, key, label_column)
        hint = _TRANSPOSE_HINT if recording.ndim == 2 else ""
    if recording.ndim not in (1, 2):
        raise ValueError(
            f"{path}: the recording must be 1-D (length,) or 2-D (channels, length); "
            f"got shape {recording.shape}."
        )
    labels = file_labels if label_column is not None else label
    if labels is not None and np.ndim(labels) == 1 and len(labels) != recording.shape[-1]:
        raise ValueError(
            f"{path}: the recording has {recording.shape[-1]} time steps but "
            f"{len(labels)} labels; give one label, or one per time step."
        )
    return _window(
        recording, window=window, step=step, labels=labels, mixed=mixed, source=str(path),
        hint=hint,
    )  # fmt: skip


def load_recordings(
    files: str | Path | Sequence[str | Path] | Mapping[str | Path, object],
    *,
    window: int,
    step: int | None = None,
    labels: Sequence | None = None,
    key: str | int | Sequence[str | int] | None = None,
    label_column: str | int | None = None,
    mixed: str = "majority",
) -> tuple[np.ndarray, np.ndarray]:
    """Load several long recordings, cut each into windows, and stack them.

    The typical folder holds one file per machine state (``healthy.npy``,
    ``inner_race.npy``, ...); this reads each with :func:`load_recording`
    and concatenates the windows, file by file. Windows never span two
    files.

    Parameters
    ----------
    files : path, sequence of paths or mapping of path to label
        The ``.npy``, ``.npz`` or ``.csv`` files (see :func:`load_recording`),
        e.g. ``{"healthy.npy": "healthy", "worn.npy": "worn"}``. All must
        hold the same number of channels.
    window : int
        Window length in samples.
    step : int or None, default=None
        Hop between window starts; ``None`` means ``window`` (no overlap).
        Each file of ``length`` samples gives ``1 + (length - window) // step``
        windows.
    labels : sequence or None, default=None
        One label per file when ``files`` is a sequence. Not allowed when
        ``files`` is a mapping (which holds the labels) or with
        ``label_column``.
    key : str, int, sequence of those, or None, default=None
        As for :func:`load_recording`, the same for every file.
    label_column : str, int or None, default=None
        Read one label per time step from every file instead (as for
        :func:`load_recording`); ``files`` must then be a sequence.
    mixed : {"majority", "drop"}, default="majority"
        With ``label_column``: how a window spanning several labels is
        labelled (see :func:`load_recording`).

    Returns
    -------
    X : ndarray of shape (n_windows, window) or (n_windows, channels, window)
        ``float32`` windows, in the order of ``files``.
    y : ndarray of shape (n_windows,)
        The label of each window: its file's label, its label from
        ``label_column``, or, when neither ``labels`` nor ``label_column``
        is given, its file's name without suffix (``"healthy"``).

    Raises
    ------
    FileNotFoundError
        If a file does not exist.
    ValueError
        As for :func:`load_recording`, naming the file; also if the files
        hold different numbers of channels, or the labels do not match the
        files.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from sklearn_drsn.loaders import load_recordings
    >>> folder = tempfile.mkdtemp()
    >>> rng = np.random.default_rng(0)
    >>> np.save(os.path.join(folder, "healthy.npy"), rng.normal(size=1000))
    >>> np.save(os.path.join(folder, "worn.npy"), rng.normal(size=700))
    >>> X, y = load_recordings(
    ...     {os.path.join(folder, "healthy.npy"): 0, os.path.join(folder, "worn.npy"): 1},
    ...     window=256,
    ... )
    >>> X.shape, X.dtype, y.tolist()
    ((5, 256), dtype('float32'), [0, 0, 0, 1, 1])

    Without labels, each window is labelled with its file's name:

    >>> paths = [os.path.join(folder, name) for name in ("healthy.npy", "worn.npy")]
    >>> X, y = load_recordings(paths, window=256, step=128)
    >>> np.unique(y, return_counts=True)
    (array(['healthy', 'worn'], dtype='<U7'), array([6, 4]))
    """
    check_window_args(window, step, mixed)
    if label_column is not None and (isinstance(files, Mapping) or labels is not None):
        raise ValueError(
            "label_column reads the labels from the files, so pass the files as a "
            "sequence of paths and no labels (neither {path: label} nor labels=[...])."
        )
    paths, file_labels = files_and_labels(files, labels, ".npy, .npz or .csv file")
    if file_labels is None and label_column is None:
        file_labels = [Path(p).stem for p in paths]
    for path, label in zip(paths, file_labels or []):
        if np.ndim(label) != 0:
            raise ValueError(
                f"{path}: the label must be one value for the file, got an array of shape "
                f"{np.shape(label)}; for a label per time step, use load_recording(label=...) "
                "or label_column."
            )

    X_parts, y_parts = [], []
    for i, path in enumerate(paths):
        X, y = load_recording(
            path, window=window, step=step, key=key, label_column=label_column, mixed=mixed
        )
        if X_parts and X.shape[1:] != X_parts[0].shape[1:]:
            raise ValueError(
                f"{path}: windows of shape {X.shape[1:]}, but those of {paths[0]} have "
                f"shape {X_parts[0].shape[1:]}; every file needs the same number of "
                "channels (choose them with key=...)."
            )
        X_parts.append(X)
        y_parts.append(y if file_labels is None else np.full(len(X), i))
    X = np.concatenate(X_parts)
    if file_labels is None:
        return X, np.concatenate(y_parts)
    return X, np.asarray(file_labels)[np.concatenate(y_parts)]


def _read_numpy(path: Path, key, label_column) -> tuple[np.ndarray, np.ndarray | None]:
    try:
        loaded = np.load(path, allow_pickle=False)
    except (ValueError, OSError, EOFError) as exc:
        raise ValueError(
            f"{path}: not a readable NumPy {path.suffix} file ({exc}); "
            f"write it with numpy.{'save' if path.suffix.lower() == '.npy' else 'savez'}."
        ) from None
    if isinstance(loaded, np.ndarray):
        if key is not None or label_column is not None:
            raise ValueError(
                f"{path}: a .npy file holds one array; key and label_column apply to "
                ".npz and .csv files only (pass per-time-step labels as label=...)."
            )
        return _numeric(loaded, path), None
    with loaded as data:
        names = list(data.files)
        for name, role in ((label_column, "label_column"), (key, "key")):
            if name is not None and name not in names:
                raise ValueError(
                    f"{path}: no array named {name!r} ({role}); the file holds {names}."
                )
        if key is None:
            candidates = [n for n in names if n != label_column]
            if len(candidates) != 1:
                raise ValueError(
                    f"{path}: holds the arrays {names}; pass key=... to say which one is "
                    "the recording."
                )
            key = candidates[0]
        recording = _numeric(data[key], path, key)
        labels = None if label_column is None else np.ravel(data[label_column])
    return recording, labels


def _numeric(array: np.ndarray, path: Path, name: str | None = None) -> np.ndarray:
    if array.dtype.kind not in "biuf":
        what = f"array {name!r}" if name else "the array"
        raise ValueError(f"{path}: {what} has dtype {array.dtype}; the recording must be numbers.")
    return array


def _read_csv(path: Path, key, label_column) -> tuple[np.ndarray, np.ndarray | None]:
    try:
        with open(path, newline="", encoding="utf-8-sig") as file:
            rows = [(n, row) for n, row in enumerate(csv.reader(file), start=1) if row]
    except (UnicodeDecodeError, csv.Error) as exc:
        raise ValueError(f"{path}: not a readable CSV text file ({exc}).") from None
    if not rows:
        raise ValueError(f"{path}: the file is empty.")
    width = len(rows[0][1])
    for number, row in rows:
        if len(row) != width:
            raise ValueError(
                f"{path}, line {number}: {len(row)} columns, but line {rows[0][0]} has {width}; "
                "every line needs one value per column."
            )

    first = rows[0][1]
    label_index = label_column % width if isinstance(label_column, int) else None
    has_header = isinstance(label_column, str) or any(
        not _is_number(cell) for i, cell in enumerate(first) if i != label_index
    )
    names = [cell.strip() for cell in first] if has_header else []
    body = rows[1:] if has_header else rows
    if not body:
        raise ValueError(f"{path}: no data lines after the header line.")

    label_index = None if label_column is None else _column(label_column, names, width, path)
    if key is None:
        channels = [i for i in range(width) if i != label_index]
    elif isinstance(key, (str, int)):
        channels = [_column(key, names, width, path)]
    else:
        channels = [_column(k, names, width, path) for k in key]
    if not channels:
        raise ValueError(f"{path}: no column left for the signal besides the label column.")

    cells = np.array([row for _, row in body], dtype=str)
    try:
        values = cells[:, channels].astype(np.float64)
    except ValueError:
        for number, row in body:
            for i in channels:
                if not _is_number(row[i]):
                    column = f"column {names[i]!r}" if names else f"column {i}"
                    raise ValueError(
                        f"{path}, line {number}, {column}: {row[i].strip()!r} is not a number; "
                        "signal columns must hold numbers (set label_column for a label "
                        "column, key for the signal columns)."
                    ) from None
        raise  # pragma: no cover
    recording = values[:, 0] if len(channels) == 1 else values.T
    labels = None if label_index is None else np.char.strip(cells[:, label_index])
    return recording, labels


def _column(column: str | int, names: list[str], width: int, path: Path) -> int:
    if isinstance(column, str):
        if column not in names:
            where = f"the columns are {names}" if names else "the file has no header line"
            raise ValueError(f"{path}: no column named {column!r}; {where}.")
        return names.index(column)
    if isinstance(column, bool) or not isinstance(column, int) or not -width <= column < width:
        raise ValueError(
            f"{path}: column {column!r} does not exist; the file has {width} columns "
            f"(indices 0 to {width - 1})."
        )
    return column % width


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True

"""Cut long recordings into fixed-length windows.

A data tool that needs only NumPy, used by the file loaders of
:mod:`sklearn_drsn.loaders` and before the feature transformers of
:mod:`sklearn_drsn.features`. This is the one public path of
:func:`sliding_windows`.
"""

from __future__ import annotations

import numbers

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

__all__ = ["MIXED_LABELS", "sliding_windows"]

#: The values of ``mixed`` that :func:`sliding_windows` accepts.
MIXED_LABELS = ("majority", "drop")


def sliding_windows(
    recording,
    window: int,
    step: int | None = None,
    labels=None,
    *,
    mixed: str = "majority",
) -> tuple[np.ndarray, np.ndarray | None]:
    """Cut a long recording into fixed-length windows.

    Parameters
    ----------
    recording : array-like of shape (length,) or (channels, length)
        One real, finite recording; time is the last axis.
    window : int
        Window length in samples, ``1 <= window <= length``.
    step : int or None, default=None
        Hop between window starts; ``None`` means ``window`` (no overlap).
        Trailing samples that do not fill a whole window are dropped.
    labels : scalar, array-like of shape (length,) or None, default=None
        Either one label for the whole recording, repeated for every window,
        or one label per time step, in which case ``mixed`` decides the
        label of a window that spans more than one label.
    mixed : {"majority", "drop"}, default="majority"
        With per-time-step ``labels``: ``"majority"`` gives each window the
        most frequent label inside it (ties go to the smallest label in sort
        order); ``"drop"`` leaves out every window that spans more than one
        label, so that each remaining window is pure.

    Returns
    -------
    windows : ndarray of shape (n_windows, window) or (n_windows, channels, window)
        A new, writeable ``float64`` array, with
        ``n_windows = 1 + (length - window) // step`` (fewer with
        ``mixed="drop"``, possibly none).
    window_labels : ndarray of shape (n_windows,) or None
        The label of each window (same dtype as ``labels``), or ``None``
        when ``labels`` is ``None``.

    Raises
    ------
    TypeError
        If ``window`` or ``step`` is not an integer.
    ValueError
        If ``window`` or ``step`` is not positive, ``window`` exceeds the
        recording length, the recording is not 1-D or 2-D, empty, complex
        or non-finite, ``labels`` has the wrong shape or ``mixed`` is
        unknown.

    Notes
    -----
    This is a function, not a transformer: scikit-learn pipelines cannot
    change the number of samples, so windowing happens before the pipeline.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_drsn.windows import sliding_windows
    >>> recording = np.arange(10.0)
    >>> labels = np.array([0, 0, 0, 1, 1, 1, 1, 1, 1, 1])
    >>> windows, y = sliding_windows(recording, window=4, step=3, labels=labels)
    >>> windows
    array([[0., 1., 2., 3.],
           [3., 4., 5., 6.],
           [6., 7., 8., 9.]])
    >>> y
    array([0, 1, 1])

    Leaving out the first window, which spans both labels:

    >>> windows, y = sliding_windows(recording, 4, step=3, labels=labels, mixed="drop")
    >>> windows[:, 0], y
    (array([3., 6.]), array([1, 1]))
    """
    check_window_args(window, step, mixed)
    window = int(window)
    step = window if step is None else int(step)

    recording = np.asarray(recording)
    if np.iscomplexobj(recording):
        raise ValueError("recording must be real-valued, got a complex array.")
    try:
        recording = recording.astype(np.float64, copy=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"recording must be numeric, got dtype {recording.dtype}.") from exc
    if recording.ndim not in (1, 2):
        raise ValueError(
            "recording must be 1-D (length,) or 2-D (channels, length); "
            f"got {recording.ndim}-D with shape {recording.shape}."
        )
    if recording.size == 0:
        raise ValueError(f"recording is empty (shape {recording.shape}).")
    if not np.all(np.isfinite(recording)):
        raise ValueError("recording contains NaN or infinite values.")
    length = recording.shape[-1]
    if window > length:
        raise ValueError(f"window={window} is longer than the recording (length {length}).")

    n_windows = 1 + (length - window) // step
    # (..., n_positions, window) -> keep every step-th start -> windows first.
    view = sliding_window_view(recording, window, axis=-1)[..., ::step, :]
    windows = np.ascontiguousarray(np.moveaxis(view, -2, 0))
    if np.shares_memory(windows, recording):
        # Only happens when the view is already contiguous (one window, one channel);
        # callers must be able to write to the windows without touching the recording.
        windows = windows.copy()

    if labels is None:
        return windows, None
    labels = np.asarray(labels)
    if labels.ndim == 0:
        return windows, np.full(n_windows, labels[()], dtype=labels.dtype)
    if labels.shape != (length,):
        raise ValueError(
            "labels must be a scalar or have one entry per time step, shape "
            f"({length},); got shape {labels.shape}."
        )
    classes, codes = np.unique(labels, return_inverse=True)
    codes = codes.reshape(-1)
    windowed = sliding_window_view(codes, window)[::step]
    counts = np.zeros((n_windows, len(classes)), dtype=np.intp)
    np.add.at(counts, (np.arange(n_windows)[:, np.newaxis], windowed), 1)
    # argmax picks the first maximum, i.e. the smallest label on ties.
    window_labels = classes[counts.argmax(axis=1)]
    if mixed == "drop":
        pure = np.count_nonzero(counts, axis=1) == 1
        return windows[pure], window_labels[pure]
    return windows, window_labels


def check_window_args(window, step, mixed: str) -> None:
    """Reject bad ``window``, ``step`` and ``mixed`` (the loaders call it before reading)."""
    for value, name in ((window, "window"), (step, "step")):
        if value is None and name == "step":
            continue
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise TypeError(f"{name} must be an integer, got {value!r}.")
        if value <= 0:
            raise ValueError(f"{name} must be positive, got {value}.")
    if mixed not in MIXED_LABELS:
        raise ValueError(f"mixed must be one of {MIXED_LABELS}, got {mixed!r}.")

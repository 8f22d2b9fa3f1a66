"""Series of unequal length brought to one length, as the estimators need.

The policy, shared by :func:`to_equal_length`, :func:`~sklearn_drsn.loaders.load_ts`
and :func:`~sklearn_drsn.datasets.load_archive_dataset`: a series shorter than
the target length keeps all its values and is padded **at its end** with
``pad_value``; a longer one keeps its first ``length`` values and loses the
rest (its end). Every channel of a case is treated alike.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np

from .._validation import check_positive_int

__all__ = ["to_equal_length"]


def to_equal_length(
    series: Sequence[np.ndarray], length: int | None = None, *, pad_value: float = 0.0
) -> np.ndarray:
    """Stack series of different lengths into one array of one length.

    This converts the convention of aeon and sktime for collections of
    unequal length, a list of 2-D arrays ``(channels, length_i)``, into the
    array that :class:`~sklearn_drsn.DRSNClassifier` and the feature
    transformers take. Use the same ``length`` for the training and the
    test series.

    Parameters
    ----------
    series : sequence of array-like, each of shape (channels, length_i) or (length_i,)
        The cases: all 2-D with the same number of channels, or all 1-D
        (one channel). ``NaN`` values are kept. The inputs are not modified.
    length : int or None, default=None
        The length of the result. ``None`` means the longest series, so
        that nothing is lost. A shorter series is padded at its end with
        ``pad_value``; a longer one keeps its first ``length`` values, and
        its last ``length_i - length`` values are dropped (to cut every
        series to the shortest, pass
        ``length=min(np.shape(s)[-1] for s in series)``).
    pad_value : float, default=0.0
        The value appended to shorter series. Zero is neutral for
        zero-mean signals; ``numpy.nan`` marks the padding instead (impute
        it before training).

    Returns
    -------
    X : ndarray of shape (n_cases, channels, length), or (n_cases, length) for 1-D series
        A new ``float32`` array, like the loaders return.

    Raises
    ------
    ValueError
        If ``series`` is empty, a case is not 1-D or 2-D, has no values, is
        not numeric or is complex, the cases mix 1-D and 2-D or differ in
        their number of channels, a value does not fit in ``float32``,
        ``length`` is not an integer >= 1, or ``pad_value`` is not a real
        number. The message names the case.

    See Also
    --------
    sklearn_drsn.loaders.load_ts : Reads ``.ts`` files with the same policy.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_drsn.loaders import to_equal_length
    >>> series = [np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), np.array([[7.0], [8.0]])]
    >>> to_equal_length(series)
    array([[[1., 2., 3.],
            [4., 5., 6.]],
    <BLANKLINE>
           [[7., 0., 0.],
            [8., 0., 0.]]], dtype=float32)
    >>> to_equal_length(series, length=2, pad_value=np.nan)[:, 0]
    array([[ 1.,  2.],
           [ 7., nan]], dtype=float32)
    >>> to_equal_length([[1, 2, 3], [4]]).shape
    (2, 3)
    """
    if isinstance(series, (str, bytes)) or not isinstance(series, (Sequence, np.ndarray)):
        raise ValueError(
            "series must be a list of arrays of shape (channels, length_i) or (length_i,), "
            f"got {type(series).__name__}."
        )
    if len(series) == 0:
        raise ValueError("series is empty; pass at least one case.")
    if length is not None:
        length = check_positive_int(length, "length")
    pad_value = check_pad_value(pad_value)
    arrays = [_as_case(s, i) for i, s in enumerate(series)]
    ndims = {a.ndim for a in arrays}
    if len(ndims) > 1:
        i, odd = next((i, a) for i, a in enumerate(arrays) if a.ndim != arrays[0].ndim)
        raise ValueError(
            f"series[0] is {arrays[0].ndim}-D but series[{i}] is {odd.ndim}-D; pass all cases "
            "as (channels, length_i), or all as (length_i,) for one channel."
        )
    channels = [len(a) if a.ndim == 2 else 1 for a in arrays]
    for i, n in enumerate(channels):
        if n != channels[0]:
            raise ValueError(
                f"series[{i}] has {n} channels but series[0] has {channels[0]}; every case "
                "needs the same channels (time is the last axis: (channels, length_i))."
            )
    cases = [list(a) if a.ndim == 2 else [a] for a in arrays]
    if length is None:
        length = max(a.shape[-1] for a in arrays)
    X = fit_to_length(cases, length, pad_value, [f"series[{i}]" for i in range(len(cases))])
    return X if ndims == {2} else X[:, 0, :]


def fit_to_length(
    cases: Sequence[Sequence[np.ndarray]],
    length: int,
    pad_value: float,
    names: Sequence[str],
) -> np.ndarray:
    """``(n_cases, channels, length)`` float32 by the module's policy; messages use ``names``."""
    X = np.full((len(cases), len(cases[0]), length), pad_value, dtype=np.float32)
    for i, case in enumerate(cases):
        for c, values in enumerate(case):
            n = min(len(values), length)
            try:
                with np.errstate(over="raise"):
                    X[i, c, :n] = values[:n]
            except FloatingPointError:
                raise ValueError(
                    f"{names[i]}: channel {c} holds values beyond float32's range "
                    f"(±{np.finfo(np.float32).max:.3g}); rescale the data first."
                ) from None
    return X


def _as_case(values, i: int) -> np.ndarray:
    """One case as a real array, 1-D or 2-D, with at least one value."""
    a = np.asarray(values)
    if np.iscomplexobj(a) or a.dtype.kind not in "biuf":
        raise ValueError(
            f"series[{i}] must hold real numbers, got dtype {a.dtype}; convert it with "
            "np.asarray(..., dtype=float) or drop it."
        )
    if a.ndim not in (1, 2):
        raise ValueError(
            f"series[{i}] has shape {a.shape}; each case must be 2-D (channels, length_i) "
            "or 1-D (length_i,)."
        )
    if a.shape[-1] == 0 or a.size == 0:
        raise ValueError(
            f"series[{i}] has shape {a.shape}, with no values; drop it or give it at least one."
        )
    return a


def check_pad_value(pad_value) -> float:
    """``pad_value`` as a float, or a ValueError unless it is a real number that fits float32."""
    if isinstance(pad_value, bool) or not isinstance(pad_value, numbers.Real):
        raise ValueError(f"pad_value must be a real number (or numpy.nan), got {pad_value!r}.")
    if np.isfinite(pad_value) and abs(pad_value) > float(np.finfo(np.float32).max):
        raise ValueError(f"pad_value={pad_value!r} does not fit in float32; pick a smaller one.")
    return float(pad_value)

"""Input checks shared by the data tools (NumPy only: no torch, skorch or scikit-learn)."""

from __future__ import annotations

import numbers

import numpy as np


def check_signal_ndim(X: np.ndarray) -> None:
    """Raise unless ``X`` is a batch of 1-channel (2-D) or multichannel (3-D) signals."""
    if X.ndim > 3:
        raise ValueError(
            "X must be 2-D (n_samples, length) or 3-D (n_samples, channels, length); "
            f"got {X.ndim}-D with shape {X.shape}."
        )


def check_positive_int(value, name: str) -> int:
    """``value`` as an int, or a ValueError unless it is an integer >= 1 (bools are not)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} must be an integer >= 1, got {value!r}.")
    return int(value)

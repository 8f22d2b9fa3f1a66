"""Input checks shared by the signal transformers (no torch, no skorch)."""

from __future__ import annotations

import numpy as np


def check_signal_ndim(X: np.ndarray) -> None:
    """Raise unless ``X`` is a batch of 1-channel (2-D) or multichannel (3-D) signals."""
    if X.ndim > 3:
        raise ValueError(
            "X must be 2-D (n_samples, length) or 3-D (n_samples, channels, length); "
            f"got {X.ndim}-D with shape {X.shape}."
        )

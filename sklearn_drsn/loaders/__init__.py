"""Read the user's own data from local files: ``(X, y)`` ready for the estimators.

No function here touches the network; all of them read local files only.

- :func:`load_cwru`: Case Western Reserve University bearing ``.mat`` files,
  cut into windows.
- :func:`load_recording`: one long recording from ``.npy``, ``.npz`` or
  ``.csv``, cut into windows; :func:`load_recordings` for several files,
  each with its label.
- :func:`load_ts`: the ``.ts`` time-series-classification format of
  sktime, aeon and the UEA/UCR archive.
- :func:`to_equal_length`: series of unequal length (aeon's and sktime's
  list of ``(channels, length_i)`` arrays) padded or cut to one length.

Like the other data tools they do not import PyTorch, skorch or
scikit-learn.
"""

from __future__ import annotations

from .cwru import CWRU_SENSORS, load_cwru
from .equal_length import to_equal_length
from .recordings import load_recording, load_recordings
from .ts_format import UNEQUAL_LENGTH, load_ts

__all__ = [
    "CWRU_SENSORS",
    "UNEQUAL_LENGTH",
    "load_cwru",
    "load_recording",
    "load_recordings",
    "load_ts",
    "to_equal_length",
]

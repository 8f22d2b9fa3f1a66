"""Deep Residual Shrinkage Networks as scikit-learn estimators."""

from __future__ import annotations

from ._version import __version__

__all__ = ["DRSNClassifier", "__version__"]


def __getattr__(name: str):
    # Lazy: the data tools (noise, features, datasets, io) are usable without
    # paying for the torch and skorch imports that the estimator needs.
    if name == "DRSNClassifier":
        from .classifier import DRSNClassifier

        return DRSNClassifier
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

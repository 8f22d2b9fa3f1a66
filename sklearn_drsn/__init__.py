"""Deep Residual Shrinkage Networks as scikit-learn estimators."""

from __future__ import annotations

__version__ = "0.1.0.dev0"

__all__ = ["DRSNClassifier", "__version__"]


def __getattr__(name: str):
    # Lazy: the data tools (noise, features, datasets, io) are usable without
    # paying for the torch and skorch imports that the estimator needs.
    if name == "DRSNClassifier":
        from .classifier import DRSNClassifier

        return DRSNClassifier
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""Deep Residual Shrinkage Networks as scikit-learn estimators."""

from .classifier import DRSNClassifier

__version__ = "0.1.0.dev0"

__all__ = ["DRSNClassifier", "__version__"]

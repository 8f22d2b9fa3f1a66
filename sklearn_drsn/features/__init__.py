"""Hand-crafted vibration features as scikit-learn transformers.

These are the classic condition-monitoring features that vibration
engineers feed to shallow classifiers, and the usual baseline a DRSN is
compared against:

- :class:`TimeDomainFeatures`: statistics and dimensionless indicators
  (RMS, kurtosis, crest factor, ...).
- :class:`SpectralBandEnergies`: power in equal-width frequency bands.
- :class:`EnvelopeSpectrum`: the binned spectrum of the Hilbert envelope,
  where bearing fault frequencies show up.
- :func:`make_vibration_features`: a :class:`~sklearn.pipeline.FeatureUnion`
  of the three.

To cut long recordings into fixed-length windows first, use
:func:`sklearn_drsn.windows.sliding_windows` (a function, because a
transformer in a pipeline cannot change the number of samples).

All transformers accept ``X`` of shape ``(n_samples, length)`` (one channel)
or ``(n_samples, channels, length)``; features are computed per channel and
concatenated channel-major (all features of channel 0, then channel 1, ...).
Outputs are ``float64`` and finite.
"""

from ._envelope import EnvelopeSpectrum
from ._spectral import SpectralBandEnergies
from ._time_domain import TimeDomainFeatures
from ._union import make_vibration_features

__all__ = [
    "EnvelopeSpectrum",
    "SpectralBandEnergies",
    "TimeDomainFeatures",
    "make_vibration_features",
]

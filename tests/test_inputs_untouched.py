"""Bad input never changes the caller's arrays: every data tool raises, or returns new arrays.

Each tool is called on arrays that hypothesis draws, some valid and some not (NaN,
infinities, empty or mis-shaped arrays, read-only memory); whatever the call does, the
caller's array keeps its values, and a result never shares memory with it.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from sklearn_drsn.features import EnvelopeSpectrum, SpectralBandEnergies, TimeDomainFeatures
from sklearn_drsn.loaders import to_equal_length
from sklearn_drsn.noise import add_noise, snr_db
from sklearn_drsn.preprocessing import SignalStandardizer
from sklearn_drsn.windows import sliding_windows

TOOLS = {
    "add_noise": lambda X: add_noise(X, 0.0, random_state=0),
    "snr_db": lambda X: snr_db(X, X + 1.0),
    "sliding_windows": lambda X: sliding_windows(X, 2),
    "to_equal_length": lambda X: to_equal_length(list(X), length=3),
    "SignalStandardizer": lambda X: SignalStandardizer().fit_transform(X),
    "TimeDomainFeatures": lambda X: TimeDomainFeatures().fit_transform(X),
    "SpectralBandEnergies": lambda X: SpectralBandEnergies(n_bands=2).fit_transform(X),
    "EnvelopeSpectrum": lambda X: EnvelopeSpectrum(n_bins=2).fit_transform(X),
}

elements = st.floats(-1e6, 1e6, width=32) | st.sampled_from([np.nan, np.inf, -np.inf, 0.0])
arrays = hnp.arrays(
    dtype=st.sampled_from([np.float32, np.float64]),
    shape=hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=6),
    elements=elements,
)


@pytest.mark.filterwarnings("ignore::UserWarning", "ignore::RuntimeWarning")
@pytest.mark.parametrize("name", TOOLS)
@settings(max_examples=40, deadline=None)
@given(X=arrays, read_only=st.booleans())
def test_the_callers_array_keeps_its_values(name, X, read_only):
    before = X.copy()
    X.flags.writeable = not read_only
    try:
        out = TOOLS[name](X)
    except ValueError as exc:
        assert str(exc)  # a message, and nothing changed
    else:
        for result in out if isinstance(out, tuple) else (out,):
            if isinstance(result, np.ndarray):
                assert not np.shares_memory(result, X), name
    np.testing.assert_array_equal(X, before)

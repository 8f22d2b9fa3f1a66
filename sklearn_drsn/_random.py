"""One rule for ``random_state`` in the data tools (NumPy only, no torch, no scikit-learn).

The rule, for :func:`as_generator` and :func:`draw_seed` alike:

- ``None``: fresh entropy from the operating system, different on every
  call; NumPy's global random state is neither used nor advanced.
- an int (a Python or NumPy integer, not a bool) in ``[0, 2**32)``: the
  seed; the same int gives the same draws.
- a :class:`numpy.random.Generator`: used as it is, so each call advances
  it and the caller's later draws differ.
- a :class:`numpy.random.RandomState`: one seed ``randint(2**31 - 1)`` is
  drawn from it, which advances it, as scikit-learn seeds sub-estimators
  from a ``RandomState``.

Anything else is a ``ValueError`` that lists these four.
"""

from __future__ import annotations

import numbers

import numpy as np

#: Seeds drawn from a RandomState or Generator lie in ``[0, SEED_BOUND)``.
SEED_BOUND = 2**31 - 1

_SEED_LIMIT = 2**32


def draw_seed(random_state) -> int:
    """The int seed that ``random_state`` stands for, by the module's rule.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_drsn._random import draw_seed
    >>> draw_seed(7)
    7
    >>> draw_seed(np.random.RandomState(0)) == np.random.RandomState(0).randint(2**31 - 1)
    True
    """
    if random_state is None:
        return int(np.random.SeedSequence().generate_state(1)[0])
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(SEED_BOUND))
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(SEED_BOUND))
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        if not 0 <= random_state < _SEED_LIMIT:
            raise ValueError(
                f"random_state must be an int in [0, 2**32), got {random_state!r}; "
                "pick a non-negative seed."
            )
        return int(random_state)
    raise ValueError(
        "random_state must be None, an int, a numpy.random.Generator or a "
        f"numpy.random.RandomState; got {random_state!r}."
    )


def as_generator(random_state) -> np.random.Generator:
    """A :class:`numpy.random.Generator` for ``random_state``, by the module's rule.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_drsn._random import as_generator
    >>> rng = np.random.default_rng(0)
    >>> as_generator(rng) is rng
    True
    >>> float(as_generator(3).random()) == float(np.random.default_rng(3).random())
    True
    """
    if isinstance(random_state, np.random.Generator):
        return random_state
    if random_state is None:
        # All of the operating system's entropy, rather than one 32-bit seed drawn from it.
        return np.random.default_rng()
    return np.random.default_rng(draw_seed(random_state))

"""One random_state rule for the data tools: the noise and the simulator follow it alike."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sklearn_drsn._random import SEED_BOUND, as_generator, draw_seed
from sklearn_drsn.datasets import make_drivetrain
from sklearn_drsn.noise import add_noise

X = np.sin(np.arange(64.0)).reshape(2, 32)


def noise(random_state):
    return add_noise(X, 0.0, random_state=random_state)


def simulate(random_state):
    return make_drivetrain(
        n_per_class=1, length=64, return_conditions=False, random_state=random_state
    )[0]


@given(st.integers(0, 2**32 - 1))
def test_an_int_is_the_seed(seed):
    assert draw_seed(seed) == seed and draw_seed(np.uint32(seed)) == seed
    assert as_generator(seed).random() == np.random.default_rng(seed).random()


@pytest.mark.parametrize("tool", [noise, simulate])
def test_a_random_state_gives_one_seed_to_noise_and_simulator_alike(tool):
    seed = np.random.RandomState(5).randint(SEED_BOUND)
    state = np.random.RandomState(5)
    np.testing.assert_array_equal(tool(state), tool(seed))
    # The RandomState advanced, so the next call differs.
    assert not np.array_equal(tool(state), tool(seed))


@pytest.mark.parametrize("tool", [noise, simulate])
def test_a_generator_is_used_as_it_is(tool):
    rng = np.random.default_rng(3)
    first = tool(rng)
    np.testing.assert_array_equal(first, tool(np.random.default_rng(3)))
    assert not np.array_equal(tool(rng), first)


@pytest.mark.parametrize("tool", [noise, simulate])
def test_none_draws_fresh_entropy(tool):
    assert not np.array_equal(tool(None), tool(None))


@pytest.mark.parametrize("tool", [noise, simulate])
@pytest.mark.parametrize(
    "bad, match",
    [
        (True, "None, an int"),
        ("0", "None, an int"),
        (1.5, "None, an int"),
        (-1, r"\[0, 2\*\*32\)"),
        (2**32, r"\[0, 2\*\*32\)"),
    ],
)
def test_the_same_values_are_refused_with_the_same_message(tool, bad, match):
    with pytest.raises(ValueError, match=match):
        tool(bad)


def test_draw_seed_of_a_generator_or_state_lies_below_the_bound():
    assert 0 <= draw_seed(np.random.default_rng(0)) < SEED_BOUND
    assert draw_seed(np.random.RandomState(0)) == np.random.RandomState(0).randint(SEED_BOUND)
    assert 0 <= draw_seed(None) < 2**32

"""One seed on the network makes a run bit-for-bit repeatable."""

import numpy as np
from test_compat import build_new, build_old

from pymonn import *


def run(builder, seed, steps=200):
    net = builder(seed=seed)
    net.initialize()
    net.simulate_iterations(steps)
    return net


def test_same_seed_same_run_bit_for_bit():
    for builder in (build_old, build_new):
        a, b = run(builder, 11), run(builder, 11)
        np.testing.assert_array_equal(a["v", 0], b["v", 0])
        np.testing.assert_array_equal(a["fired", 0], b["fired", 0])
        assert a["v", 0].tobytes() == b["v", 0].tobytes()


def test_different_seed_differs_and_seed_is_kept():
    a, b = run(build_new, 1), run(build_new, 2)
    assert not np.array_equal(a["v", 0], b["v", 0])
    unseeded = Network()
    assert isinstance(unseeded.seed, int)
    again = Network(seed=unseeded.seed)
    assert unseeded.rng.random() == again.rng.random()


def test_draws_inside_behaviours_use_the_network_generator():
    np.random.seed(0)  # numpy's global state must not matter
    a = run(build_new, 5, steps=50)
    np.random.seed(123)
    np.random.random(1000)
    b = run(build_new, 5, steps=50)
    np.testing.assert_array_equal(a["v", 0], b["v", 0])


def test_derived_generators_are_repeatable_independent_and_leave_the_main_stream_alone():
    a, b = Network(seed=9), Network(seed=9)
    first = a.derived_rng("rounding", "exc", 30).random(5)
    np.testing.assert_array_equal(first, b.derived_rng("rounding", "exc", 30).random(5))
    assert not np.array_equal(first, a.derived_rng("rounding", "inh", 30).random(5))
    assert a.rng.random() == Network(seed=9).rng.random()  # nothing was drawn from net.rng

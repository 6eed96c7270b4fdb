"""Init-string grammar: every accepted form, and every rejected form with its error."""

import numpy as np
import pytest

from pymonn import *
from pymonn.init_strings import parse


@pytest.fixture
def group():
    net = Network(seed=7)
    return NeuronGroup(net, 20000, {}, tag="g")


def test_numbers_and_constants(group):
    np.testing.assert_array_equal(group.vector(), 0)
    np.testing.assert_array_equal(group.vector(-65), -65)
    np.testing.assert_array_equal(group.vector("1e-3"), 1e-3)
    np.testing.assert_array_equal(group.vector("-2.5"), -2.5)
    np.testing.assert_array_equal(group.vector("ones"), 1)
    assert group.vector(bool).dtype == bool and not group.vector("bool").any()
    assert group.vector(int).dtype == np.int64
    assert group.vector().dtype == np.float64 and group.vector().shape == (20000,)
    assert group.get_neuron_vec().sum() == 0  # pre-3.0 spelling


def test_range_is_uniform_between_the_two_numbers(group):
    v = group.vector("0;-65")
    assert v.min() >= -65 and v.max() <= 0
    assert abs(v.mean() + 32.5) < 0.5
    w = group.vector("2;4")
    assert 2 <= w.min() and w.max() <= 4 and abs(w.mean() - 3) < 0.03


def test_distributions_with_positional_and_keyword_arguments(group):
    u = group.vector("uniform")
    assert 0 <= u.min() and u.max() < 1 and abs(u.mean() - 0.5) < 0.01
    n = group.vector("normal(2, 0.5)")
    assert abs(n.mean() - 2) < 0.02 and abs(n.std() - 0.5) < 0.02
    ln = group.vector("lognormal(mean=0, sigma=0.5)")
    assert abs(np.log(ln).std() - 0.5) < 0.02
    p = group.vector("poisson(3)")
    assert abs(p.mean() - 3) < 0.05
    e = group.vector("exponential(scale=2)")
    assert abs(e.mean() - 2) < 0.06


def test_density_and_scale(group):
    d = group.vector("ones", density=0.25)
    assert abs(d.mean() - 0.25) < 0.01 and set(np.unique(d)) == {0.0, 1.0}
    s = group.vector("uniform", scale=10)
    assert s.max() > 9 and s.max() < 10


def test_matrix_shape_order_and_dtype():
    net = Network(seed=1, dtype=np.float32)
    a = NeuronGroup(net, 30, tag="a")
    b = NeuronGroup(net, 20, tag="b")
    s = SynapseGroup(net, a, b)
    W = s.matrix("uniform", density=0.5)
    assert W.shape == (20, 30) and W.flags.f_contiguous and W.dtype == np.float32
    assert 0.4 < (W > 0).mean() < 0.6
    assert s.get_synapse_mat("uniform").flags.f_contiguous
    sxd = Network(settings={"synapse_mode": "SxD"})
    x = NeuronGroup(sxd, 3)
    y = NeuronGroup(sxd, 5)
    assert SynapseGroup(sxd, x, y).matrix().shape == (3, 5)


def test_arrays_are_copied_and_broadcast(group):
    src = np.arange(20000.0)
    v = group.vector(src)
    v[0] = 99
    assert src[0] == 0
    with pytest.raises(InitStringError, match="cannot fill shape"):
        group.vector(np.zeros(3))


@pytest.mark.parametrize("text, message", [
    ("__import__('os').system('echo hi')", "not understood"),
    ("os.system('x')", "not understood"),
    ("uniform(a)", "literal numbers"),
    ("normal(1, x=y)", "literal numbers"),
    ("gaussian(0, 1)", "not an allowed distribution"),
    ("banana", "unknown name 'banana'"),
    ("1;2;3", "exactly two numbers"),
    ("uniform(", "not understood"),
    ("normal(**{'loc': 1})", r"'\*\*' is not allowed"),
    ("lambda: 1", "not understood"),
    ("1 + 2", "not understood"),
    ("normal(0, -1)", "scale < 0"),
])
def test_rejected_forms(group, text, message):
    with pytest.raises(InitStringError, match=message) as info:
        group.vector(text)
    assert text[:6] in str(info.value)  # the message names the string


def test_parse_never_evaluates(tmp_path):
    marker = tmp_path / "pwned"
    with pytest.raises(InitStringError):
        parse(f"__import__('pathlib').Path({str(marker)!r}).touch()")
    assert not marker.exists()
    with pytest.raises(InitStringError, match="must be a str"):
        parse(3)

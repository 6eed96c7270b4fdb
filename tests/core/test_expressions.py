"""Recorder expressions are parsed, never evaluated."""

import numpy as np
import pytest

from pymonn import *
from pymonn.expressions import compile_expression, normalize, variable_names


class Obj:
    def describe(self):
        return "NeuronGroup 'x'"


@pytest.fixture
def obj():
    o = Obj()
    o.v = np.array([-70.0, -50.0, -60.0])
    o.fired = np.array([True, False, True])
    o.W = np.arange(6.0).reshape(2, 3)
    return o


@pytest.mark.parametrize("expression, expected", [
    ("v", [-70, -50, -60]),
    ("n.v", [-70, -50, -60]),
    ("np.mean(v)", -60.0),
    ("np.sum(fired)", 2),
    ("np.mean(W, axis=0)", [1.5, 2.5, 3.5]),
    ("v[0]", -70.0),
    ("v[1:]", [-50, -60]),
    ("W[:, 2]", [2, 5]),
    ("v * 2 + 1", [-139, -99, -119]),
    ("-v", [70, 50, 60]),
    ("v > -65", [False, True, True]),
    ("np.max(s.W) ** 2", 25.0),
])
def test_allowed(obj, expression, expected):
    np.testing.assert_array_equal(compile_expression(expression, obj)(), expected)


@pytest.mark.parametrize("expression, message", [
    ("__import__('os')", "only np.<function>"),
    ("np.load('x.npy')", "only np.<function>"),
    ("v.__class__", "Attribute is not allowed"),
    ("[x for x in v]", "ListComp is not allowed"),
    ("v[np]", "must be a literal"),
    ("np", "alone is not a value"),
    ("v +", "not valid syntax"),
])
def test_rejected(obj, expression, message):
    with pytest.raises(ExpressionError, match=message):
        compile_expression(expression, obj)


def test_missing_variable_is_named(obj):
    read = compile_expression("np.mean(u)", obj)
    with pytest.raises(ExpressionError, match="NeuronGroup 'x' has no variable 'u'"):
        read()


def test_normalize_and_names():
    assert normalize("n.v") == "v" and normalize("np.mean(n.v)") == "np.mean(v)"
    assert variable_names("np.mean(n.v) + s.W[0, 0] * u") == ["v", "W", "u"]


def test_a_variable_named_like_a_prefix_is_readable(obj):
    obj.n = np.array([0.3, 0.4, 0.5])  # Hodgkin-Huxley's potassium gate
    np.testing.assert_array_equal(compile_expression("n", obj)(), [0.3, 0.4, 0.5])
    assert compile_expression("np.mean(n.n)", obj)() == pytest.approx(0.4)

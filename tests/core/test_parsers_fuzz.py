"""Fuzzing both parsers (issue 15, item 6): whatever the text, an init string gives an array or an
InitStringError, and a recorder expression a value or an ExpressionError; nothing else escapes and
no call runs past a bound (a guard of a few seconds against hangs, far above the microseconds a call
takes). The budget is a few seconds in CI (the 'ci' hypothesis profile, tests/conftest.py); run
``HYPOTHESIS_PROFILE=slow pytest -m slow tests/core/test_parsers_fuzz.py`` for 20,000 examples each."""

from __future__ import annotations

import contextlib
import signal
import warnings

import numpy as np
import pytest

hypothesis = pytest.importorskip("hypothesis", reason="the fuzz tests need hypothesis (the [test] extra)")
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from pymonn import Network, NeuronGroup  # noqa: E402
from pymonn.errors import ExpressionError, InitStringError  # noqa: E402
from pymonn.expressions import compile_expression  # noqa: E402
from pymonn.init_strings import DISTRIBUTIONS, make_array  # noqa: E402

BOUND_S = 5  # seconds: a call past this is a hang, not a slow machine


class Hang(Exception):
    pass


@contextlib.contextmanager
def bounded():
    def alarm(signum, frame):
        raise Hang(f"a parser call ran longer than {BOUND_S} s")

    old = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(BOUND_S)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


# -- text that looks like the grammars (and text that does not) ---------------------------------------
NUMBERS = st.one_of(
    st.integers(-10**25, 10**25).map(str), st.floats(allow_nan=False).map(repr),
    st.sampled_from(["1e999", "-1e999", "1e-400", "0", "0.0", "9" * 30, "0x10", "1_000", "1j", "True", "None", "nan"]),
)
WORDS = st.sampled_from(sorted(DISTRIBUTIONS) + ["zeros", "ones", "rand", "rnd", "bool", "int", "float", "x", "os",
                                                 "__import__", "lambda", "np", "exec", "eval", "open"])


def init_strings():
    atom = st.one_of(NUMBERS, WORDS)
    return st.recursive(
        atom,
        lambda inner: st.one_of(
            st.tuples(WORDS, st.lists(inner, max_size=4)).map(lambda p: f"{p[0]}({', '.join(p[1])})"),
            st.tuples(WORDS, WORDS, inner).map(lambda p: f"{p[0]}({p[1]}={p[2]})"),
            st.tuples(inner, inner).map(lambda p: f"{p[0]};{p[1]}"),
            st.tuples(st.sampled_from(["-", "+", "--", "~", "not "]), inner).map("".join),
            st.tuples(inner, st.sampled_from(["**", "*", "+", "(", ")", ",", "[", "]"]), inner).map("".join),
            inner.map(lambda s: f"({s})"),
        ),
        max_leaves=12,
    )


VARIABLES = st.sampled_from(["v", "n.v", "s.W", "W", "fired", "t", "iteration", "dt", "size", "k", "n", "self.v",
                             "n.network", "n.rng", "n.__class__", "n.__dict__", "n._dt", "tags", "behaviours",
                             "neurons.v", "missing", "np", "np.pi"])
FUNCS = st.sampled_from(["np.mean", "np.sum", "np.max", "np.sqrt", "np.exp", "np.log", "np.percentile", "np.round",
                         "np.load", "np.save", "__import__", "print", "np.abs", "np.count_nonzero"])


def expressions():
    atom = st.one_of(NUMBERS, VARIABLES)
    return st.recursive(
        atom,
        lambda inner: st.one_of(
            st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "**", "//", "%", ">", "<=", "==", " and ", "@"]),
                      inner).map(lambda p: f"{p[0]} {p[1]} {p[2]}"),
            st.tuples(FUNCS, st.lists(inner, min_size=1, max_size=3)).map(lambda p: f"{p[0]}({', '.join(p[1])})"),
            st.tuples(FUNCS, inner, NUMBERS).map(lambda p: f"{p[0]}({p[1]}, axis={p[2]})"),
            st.tuples(inner, st.sampled_from(["[0]", "[1:3]", "[::-1]", "[::0]", "[10**20]", "[:, 0]", "[-1]",
                                              "[v]", "[0.5]", "[(1, 2)]"])).map("".join),
            st.tuples(st.sampled_from(["-", "+", "~", "not "]), inner).map("".join),
            inner.map(lambda s: f"({s})"),
        ),
        max_leaves=12,
    )


TEXT = st.text(st.characters(codec="utf-8"), max_size=300)


@pytest.fixture(scope="module")
def group():
    net = Network(dt=0.1, seed=1)
    g = NeuronGroup(net, 6, tag="g")
    g.v = np.linspace(-70.0, -50.0, 6)
    g.fired = np.array([True, False] * 3)
    g.W = np.arange(12.0).reshape(3, 4)
    g.k = 7  # a Python int variable: '9 ** k ** 9' must not compute an enormous int
    g.n = np.full(6, 0.3)
    return g


def check_init_string(text, rng):
    with bounded(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            out = make_array(text, (5,), rng, np.float64)
        except InitStringError as exc:
            assert str(exc)
            return
    assert isinstance(out, np.ndarray) and out.shape == (5,)


def check_expression(text, group):
    with bounded(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            read = compile_expression(text, group)
            value = read()
        except ExpressionError as exc:
            assert str(exc)
            return
    assert not isinstance(value, (type, dict, list)) and not callable(value)
    assert np.asarray(value).dtype.kind in "biufc"


@given(st.one_of(init_strings(), TEXT))
def test_init_strings_raise_only_init_string_errors(text):
    check_init_string(text, np.random.default_rng(0))


@given(st.one_of(expressions(), TEXT))
def test_expressions_raise_only_expression_errors(group, text):
    check_expression(text, group)


@pytest.mark.parametrize("text", [
    pytest.param(t, id=t[:30]) for t in [
    "binomial(100000000000000000000, 0.5)", "uniform(-1e999)", "normal(" + "(" * 1000 + "1" + ")" * 1000 + ")",
    "-" * 1000 + "1", "normal(0, " + "-" * 500 + "1)", "x" * 10_000, "integers(0, 2**64)", "\x00", "zipf(1.0)",
]])
def test_init_string_limits(text):
    with pytest.raises(InitStringError) as info:
        check_init_string_strict(text)
    assert repr(text[:20])[1:-1][:10] in str(info.value) or "characters" in str(info.value)


def check_init_string_strict(text):
    with bounded():
        make_array(text, (3,), np.random.default_rng(0), np.float64)


@pytest.mark.parametrize("text, words", [pytest.param(t, w, id=t[:30]) for t, w in [
    ("9**9**9", "exponent"), ("k ** 9 ** 9", "exponent"), ("v ** 1000", "exponent"), ("2**63", "too large"),
    ("10**20 * v", "too large"), ("1e308 * 10 + v", "finite"), ("(" * 400 + "v" + ")" * 400, "nests|syntax"),
    ("-" * 900 + "v", "nests"), ("v" + "[0]" * 200, "nests"), ("+".join(["v"] * 300), "nests|parts"), ("None", "not a value"),
    ("v" * 2000, "longer"), ("n.__class__", "private"), ("n.__dict__", "private"), ("n._dt", "private"),
    ("n.network", "not a variable"), ("tags", "not a variable"), ("np.mean(n.network)", "not a variable"),
    ("v[::0]", "cannot be zero"), ("v[10]", "cannot be computed"), ("W + v", "cannot be computed"),
]])
def test_expression_limits(group, text, words):
    with bounded(), pytest.raises(ExpressionError, match=words):
        compile_expression(text, group)()


@pytest.mark.slow
@given(st.one_of(init_strings(), expressions(), TEXT))
@hypothesis.settings(max_examples=20_000)
def test_both_parsers_at_length(group, text):
    check_init_string(text, np.random.default_rng(0))
    check_expression(text, group)

"""``Behavior.parameter(name, default, obj)`` reads strings as PymoNNto 3.0.6 does (issue 10, item 3).

PymoNNto's ``parameter`` (NetworkCore/Behavior.py) returns a plain string unchanged, converts a
string to the type of a non-None default (``'2'`` with default 1 gives 2), replaces gene strings
by the gene's value, and pymonn additionally evaluates init strings per element when given the
object. Each case below is one of those rules.
"""

import pytest

from pymonn import *
from pymonn.errors import ConfigurationError, InitStringError


class Reads(Behavior):
    """Stores what ``parameter`` returned for each (name, default, with_object) it is asked for."""

    def __init__(self, asks, **kwargs):
        super().__init__(**kwargs)
        self.asks, self.got = asks, {}

    def initialize(self, n):
        for name, default, with_obj in self.asks:
            self.got[name] = self.parameter(name, default, n if with_obj else None)


def read(asks, seed=1, **kwargs):
    net = Network(seed=seed)
    b = Reads(asks, **kwargs)
    NeuronGroup(net, 5, {1: b}, "n")
    net.initialize()
    return b.got


def test_a_plain_string_is_returned_unchanged():
    got = read([("syn_type", "GLUTAMATE", True), ("mode", None, True), ("name", None, False)],
               syn_type="GABA", mode="GLUTAMATE", name="anything at all")
    assert got == {"syn_type": "GABA", "mode": "GLUTAMATE", "name": "anything at all"}


def test_a_string_default_keeps_even_an_init_string_a_string():
    assert read([("target", "I", True)], target="uniform") == {"target": "uniform"}


@pytest.mark.parametrize("text, default, expected", [
    ("2", 1, 2), ("2.0", 1, 2), ("2.5", 1, 2.5), ("-3", 1.0, -3.0), ("1e-3", 0.5, 0.001),
    ("10%", 1.0, 0.1), ("True", False, True), ("false", True, False),
])
def test_a_number_string_takes_the_type_of_a_number_default(text, default, expected):
    for with_obj in (False, True):
        got = read([("x", default, with_obj)], x=text)["x"]
        assert got == expected and type(got) is type(expected)


def test_an_init_string_gives_one_value_per_neuron_with_the_object():
    got = read([("v", -65.0, True), ("w", None, True), ("u", 0.0, False)], v="normal(-65, 2)", w="0;-8", u="uniform")
    assert got["v"].shape == (5,) and abs(got["v"].mean() + 65) < 5
    assert got["w"].shape == (5,) and ((got["w"] <= 0) & (got["w"] >= -8)).all()
    assert got["u"] == "uniform"  # without the object there is nobody to draw for: the caller decides


def test_a_number_default_with_a_string_that_is_neither_number_nor_init_string_is_an_error():
    with pytest.raises(BehaviourError) as info:
        read([("tau", 10.0, True)], tau="unifrom")
    assert isinstance(info.value.__cause__, InitStringError)
    assert "Reads parameter 'tau' on NeuronGroup 'n'" in str(info.value)


def test_a_bool_default_refuses_a_non_bool_word():
    with pytest.raises(BehaviourError) as info:
        read([("flag", False, False)], flag="maybe")
    assert isinstance(info.value.__cause__, ConfigurationError) and "'maybe' is not True or False" in str(info.value)


def test_gene_strings_give_the_genes_value():
    set_genome({"a": 3.0})
    try:
        got = read([("x", 1.0, True), ("y", 1, False), ("z", None, False), ("expr", None, False)],
                   x="[2.0#a]", y="[7#b]", z="[4#c]", expr="10+[5#a]")
        assert got == {"x": 3.0, "y": 7, "z": 4, "expr": "10+3"}
        assert get_genome() == {"a": 3.0, "b": 7, "c": 4}  # genes read with a default join the genome
    finally:
        set_genome({})


def test_set_init_attrs_as_variables_with_the_behaviour_itself_copies_values_as_given():
    class Own(Behavior):
        def initialize(self, n):
            self.set_parameters_as_variables(self)

    net = Network()
    b = Own(Vr=-70, label="GLUTAMATE", I=[0.4, 2, 4])
    NeuronGroup(net, 3, {1: b})
    net.initialize()
    assert (b.Vr, b.label, b.I) == (-70, "GLUTAMATE", [0.4, 2, 4])

"""Grid points, seeds, keys and gene specifications (no Dask needed)."""

import numpy as np
import pytest

from pymonn.errors import ConfigurationError, ConfigurationTypeError
from pymonn.sweeps.points import derive_seed, expand, make_runs, run_key
from pymonn.sweeps.specs import parse_grid_gene, parse_search_gene, search_space


def test_a_dict_grid_is_the_cartesian_product_with_the_last_name_fastest():
    points = expand({"g": [3, 4], "eta": np.array([1.0, 2.0, 4.0]), "scale": 0.1})
    assert points == [{"g": g, "eta": e, "scale": 0.1} for g in (3, 4) for e in (1.0, 2.0, 4.0)]
    assert type(points[0]["eta"]) is float and type(points[0]["g"]) is int  # numpy values become plain ones
    assert expand([{"a": 1}, {"a": 2, "b": "x"}]) == [{"a": 1}, {"a": 2, "b": "x"}]


def test_seeds_are_the_seed_sequence_spawned_by_point_and_repeat():
    runs = make_runs(expand({"a": [1, 2, 3]}), repeats=2, seed=7)
    grandchildren = [child.spawn(2) for child in np.random.SeedSequence(7).spawn(3)]
    for run in runs:
        expected = grandchildren[run.point][run.repeat].generate_state(1, np.uint32)[0]
        assert run.seed == int(expected)
    assert len({r.seed for r in runs}) == 6
    # a point's seed does not depend on the size of the grid, so a grown grid keeps its finished runs
    assert [r.seed for r in make_runs(expand({"a": [1, 2, 3, 4]}), 2, 7)][:6] == [r.seed for r in runs]
    assert derive_seed(7, 5) == int(np.random.SeedSequence(7).spawn(6)[5].generate_state(1, np.uint32)[0])


def test_a_run_key_names_parameters_repeat_and_seed():
    assert run_key({"a": 1, "b": 2.0}, 0, 5) == run_key({"b": 2.0, "a": 1}, 0, 5)
    assert len({run_key({"a": 1}, 0, 5), run_key({"a": 1}, 1, 5), run_key({"a": 1}, 0, 6), run_key({"a": 2}, 0, 5)}) == 4


@pytest.mark.parametrize("grid, error, message", [
    ({}, ConfigurationError, "the grid is empty"),
    ([], ConfigurationError, "empty list"),
    ({"a": []}, ConfigurationError, "'a' has no values"),
    ({"a b": [1]}, ConfigurationError, "Python identifiers"),
    ({"seed": [1, 2]}, ConfigurationError, "'seed' is a column the table writes itself"),
    ({"a": [1, "x"]}, ConfigurationError, "'a' mixes number and str values"),
    ({"a": [[1, 2]]}, ConfigurationTypeError, "values must be numbers, bools or strings"),
    ({"a": {"x": 1}}, ConfigurationTypeError, "must be a list of values"),
    ([{"a": 1}, 3], ConfigurationTypeError, "grid point 1 must be a dict"),
    ("a=1,2", ConfigurationTypeError, "grid must be a dict of value lists or a list of dicts"),
])
def test_bad_grids_are_named(grid, error, message):
    with pytest.raises(error, match=message):
        expand(grid)


def test_repeats_must_be_positive():
    with pytest.raises(ConfigurationError, match="repeats must be an int >= 1"):
        make_runs(expand({"a": [1]}), 0, 1)


def test_command_line_genes_of_a_grid():
    assert parse_grid_gene("a=1,2,3") == ("a", [1, 2, 3])
    assert parse_grid_gene("g=3:6:4") == ("g", [3, 4, 5, 6])
    assert parse_grid_gene("g=0.5:1:3") == ("g", [0.5, 0.75, 1.0])
    name, values = parse_grid_gene("x=1:100:3:log")
    assert name == "x" and np.allclose(values, [1, 10, 100])
    assert parse_grid_gene("mode=fast") == ("mode", ["fast"])
    for bad, message in [("a", "NAME=VALUES"), ("g=6:3:4", "low < high"), ("g=3:6", "low:high:count"),
                         ("g=3:6:1", "count must be an int >= 2"), ("g=0:6:3:log", "log range needs low > 0"),
                         ("g=a:6:3", "'a' is not a number")]:
        with pytest.raises(ConfigurationError, match=message):
            parse_grid_gene(bad)


def test_command_line_genes_of_a_search():
    assert parse_search_gene("a=1.0:5.0") == ("a", (1.0, 5.0))
    assert parse_search_gene("t=0.1:10:log") == ("t", (0.1, 10, "log"))
    assert parse_search_gene("n=10,20,40") == ("n", [10, 20, 40])
    assert parse_search_gene("m=fast") == ("m", "fast")
    with pytest.raises(ConfigurationError, match="low < high"):
        parse_search_gene("a=5:1")
    with pytest.raises(ConfigurationError, match="low:high or low:high:log"):
        parse_search_gene("a=1:5:4")


def test_search_spaces():
    space = search_space({"a": (1.0, 5.0), "n": (1, 9), "t": (0.1, 10.0, "log"), "c": [10, 20], "m": "fast"})
    assert [(g.name, g.kind) for g in space.values()] == [("a", "float"), ("n", "int"), ("t", "float"),
                                                          ("c", "categorical"), ("m", "fixed")]
    assert space["t"].log and space["n"].low == 1 and space["c"].choices == (10, 20) and space["m"].value == "fast"
    for genes, message in [({"a": (5.0, 1.0)}, r"the range \(5.0, 1.0\) needs low < high"),
                           ({"a": (2, 2)}, "needs low < high"), ({"a": (0.0, 1.0, "log")}, "log range needs low > 0"),
                           ({"a": (1.0, 2.0, 3.0)}, "a range is"), ({"a": []}, "choices is empty"),
                           ({"a": [1, 1]}, "repeat a value"), ({"m": "x"}, "no gene is searched"),
                           ({"a": (1.0, float("inf"))}, "must be finite")]:
        with pytest.raises(ConfigurationError, match=message):
            search_space(genes)
    with pytest.raises(ConfigurationTypeError, match="genes must be a dict"):
        search_space([("a", (1, 2))])

"""pymonn.plot.sweep: heat maps and lines of a sweep's table, averaged over repeats."""

import numpy as np
import pandas as pd
import pytest

from pymonn import plot
from pymonn.errors import ConfigurationError

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


@pytest.fixture
def table():
    rows = []
    for g in (3, 5, 4):
        for eta in (1.0, 2.0):
            for repeat, noise in enumerate((-0.5, 0.5, 0.0)):
                rows.append({"g": g, "eta": eta, "repeat": repeat, "rate": 10 * g + eta + noise})
    rows.append({"g": 5, "eta": 2.0, "repeat": 3, "rate": np.nan})  # a failed run: left out
    return pd.DataFrame(rows)


def test_a_heat_map_holds_the_mean_over_repeats(table):
    fig, ax = plt.subplots()
    image = plot.sweep(table, "g", "eta", "rate", ax=ax)
    expected = np.array([[10 * g + eta for g in (3, 4, 5)] for eta in (1.0, 2.0)])
    np.testing.assert_allclose(np.asarray(image.get_array()), expected)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["3", "4", "5"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["1", "2"]
    assert ax.get_xlabel() == "g" and ax.get_ylabel() == "eta" and len(fig.axes) == 2  # and a colour bar
    plt.close(fig)


def test_a_line_has_error_bars_over_repeats(table):
    fig, ax = plt.subplots()
    one = table[table.eta == 1.0]
    (bars,) = plot.sweep(one, "g", value="rate", ax=ax)
    line, _, (segments,) = bars.lines
    np.testing.assert_allclose(line.get_ydata(), [31.0, 41.0, 51.0])
    spans = [seg[1, 1] - seg[0, 1] for seg in segments.get_segments()]
    np.testing.assert_allclose(spans, 2 * np.std([-0.5, 0.5, 0.0], ddof=1))  # +- one standard deviation
    (sem,) = plot.sweep(one, "g", value="rate", ax=ax, err="sem")
    spans = [seg[1, 1] - seg[0, 1] for seg in sem.lines[2][0].get_segments()]
    np.testing.assert_allclose(spans, 2 * np.std([-0.5, 0.5, 0.0], ddof=1) / np.sqrt(3))
    lines = plot.sweep(table, "g", "eta", "rate", lines=True)
    assert [b.get_label() for b in lines] == ["eta = 1", "eta = 2"]
    np.testing.assert_allclose(lines[1].lines[0].get_ydata(), [32.0, 42.0, 52.0])
    plt.close("all")


def test_missing_columns_and_values_are_named(table):
    with pytest.raises(ConfigurationError, match="give value="):
        plot.sweep(table, "g")
    with pytest.raises(ConfigurationError, match="the table has no column 'cv'"):
        plot.sweep(table, "g", value="cv")
    with pytest.raises(ConfigurationError, match="err must be"):
        plot.sweep(table, "g", value="rate", err="iqr")
    plt.close("all")

"""examples/pymonnto_izhikevich.py: the seed's 800/200 network runs, saves its raster, opens the explorer."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load_example():
    spec = importlib.util.spec_from_file_location("pymonnto_izhikevich", ROOT / "examples" / "pymonnto_izhikevich.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_example_runs_in_the_seed_rate_band_and_writes_its_raster(tmp_path):
    pytest.importorskip("matplotlib", reason="the example saves its raster with matplotlib")
    example = load_example()
    assert example.net.NeuronGroups[0].size == 800 and not example.net.initialized  # what pymonn.ui opens
    out = tmp_path / "raster.png"
    net = example.main(["--steps", "1000", "--out", str(out)])
    assert out.stat().st_size > 10_000
    for group in net.NeuronGroups:
        rate = group["spikes", 0].count() / (group.size * 1000)
        assert 0.0125 <= rate <= 0.0155, (group.tag, rate)  # spikes per neuron per step, as in the seed
    assert net["v", 0].shape == (1000, 800)


def test_example_explore_flag_opens_the_explorer(monkeypatch):
    example = load_example()
    import pymonn.ui

    opened = []
    monkeypatch.setattr(pymonn.ui, "explore", lambda net, **kw: opened.append(net), raising=False)
    net = example.main(["--explore"])
    assert opened == [net] and net.initialized and net.iteration == 0

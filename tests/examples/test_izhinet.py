"""izhinet's run.py in pymonn: -rt/-dt usage, timed inputs, recorded v and u, spike-train plot."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from example_loader import EXAMPLES, load


def test_usage_has_izhinets_options():
    result = subprocess.run([sys.executable, str(EXAMPLES / "izhinet.py"), "-h"], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0
    assert "Run random spiking neural networks." in result.stdout
    assert "-rt RUNTIME, --runtime RUNTIME" in result.stdout
    assert "-dt DELTAT, --deltat DELTAT" in result.stdout
    assert "Simulation runtime in milliseconds per input." in result.stdout


def test_timed_inputs_drive_their_neurons_and_state_is_recorded(tmp_path):
    pytest.importorskip("matplotlib", reason="the example plots with matplotlib")
    izhinet = load("izhinet")
    out, save = tmp_path / "spike_train.png", tmp_path / "state.npz"
    res = izhinet.main(["--quick", "-rt", "100", "-dt", "0.5", "--out", str(out), "--save", str(save)])
    net, inputs, rates = res["net"], res["inputs"], res["rates"]
    assert inputs.shape == (3, 100)
    # each input window: the neurons it drives fire (I = 10 is far above the RS rheobase, about 4),
    # the others stay nearly silent (recurrent input only)
    assert np.all(rates[:, 0] > 15.0), rates
    assert np.all(rates[:, 1] < 2.0), rates
    rec, spikes = net.izh["Recorder", 0], net.izh["EventRecorder", 0]
    assert rec["v"].shape == rec["u"].shape == (600, 100)
    # the input and synaptic current of a step: I = schedule + recurrent; with no spikes in step 1 it is the schedule
    np.testing.assert_allclose(rec["I"][0], inputs[0])
    # a spike in step k leaves v at the neuron's reset value c in that step
    it, idx = spikes["fired.iteration"], spikes["fired.i"]
    assert it.size > 300
    c = net.izh["Izhikevich", 0].c
    c = np.broadcast_to(c, (100,))
    np.testing.assert_allclose(rec["v"][it - 1, idx], c[idx], rtol=1e-12)
    # u jumps by d at the spike
    assert np.all(rec["u"][it - 1, idx] > rec["u"][it - 2, idx])
    data = np.load(save)
    np.testing.assert_array_equal(data["v"], rec["v"])
    import matplotlib.image

    image = matplotlib.image.imread(out)
    assert image.shape[0] > 500 and image.shape[1] > 800
    rgb = image[..., :3]
    blue = ((rgb[..., 2] > 0.6) & (rgb[..., 0] < 0.4)).sum()
    red = ((rgb[..., 0] > 0.7) & (rgb[..., 2] < 0.3)).sum()
    assert blue > 1000 and red > 300

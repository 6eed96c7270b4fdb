"""CUBA and COBA (Vogels & Abbott 2005 / Brette et al. 2007): rates against Brian2's reference, AI state."""

from __future__ import annotations

import pathlib
import subprocess
import sys

import numpy as np
import pytest
from example_loader import EXAMPLES, load


def check_png(path: pathlib.Path) -> None:
    import matplotlib.image

    assert path.exists() and path.stat().st_size > 20_000
    image = matplotlib.image.imread(path)
    assert image.shape[0] > 500 and image.shape[1] > 800
    rgb = image[..., :3]
    assert ((rgb[..., 2] > 0.6) & (rgb[..., 0] < 0.4)).sum() > 5000  # excitatory dots
    assert ((rgb[..., 0] > 0.7) & (rgb[..., 2] < 0.3)).sum() > 1000  # inhibitory dots


@pytest.mark.parametrize("kind", ["cuba", "coba"])
def test_rates_match_reference_and_activity_is_asynchronous_irregular(kind, tmp_path):
    pytest.importorskip("matplotlib", reason="the example plots with matplotlib")
    module = load(kind)
    out = tmp_path / f"{kind}.png"
    stats = module.main(["--quick", "--out", str(out)])
    reference = {"cuba": 5.55, "coba": 18.6}[kind]  # Brian2 2.9, its own example scripts (3 seeds)
    assert stats["synapses"] == pytest.approx(4000 * 80, rel=0.01)
    assert abs(stats["rate"] / reference - 1) < 0.3, stats["rate"]
    # excitatory and inhibitory neurons fire alike in this network
    assert abs(stats["rate_exc"] / stats["rate_inh"] - 1) < 0.2
    # asynchronous irregular: irregular spike trains, weak population synchrony
    assert stats["cv"] > 0.3
    assert stats["synchrony"] < 0.2
    check_png(out)


def test_cuba_cli_and_float32(tmp_path):
    pytest.importorskip("matplotlib", reason="the example plots with matplotlib")
    out = tmp_path / "c.png"
    result = subprocess.run([sys.executable, str(EXAMPLES / "cuba.py"), "--quick", "--dtype", "float32", "--out",
                             str(out)], capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    line = next(ln for ln in result.stdout.splitlines() if ln.startswith("rate "))
    rate = float(line.split()[1])
    assert abs(rate / 5.55 - 1) < 0.3
    assert out.exists()


def test_same_seed_same_spikes_other_seed_other_spikes():
    """The seed decides the run: the same seed repeats every spike (time and neuron), another seed
    (another connectivity and initial state) gives another spike train at a similar rate."""
    module = load("vogels_abbott")
    a, b, c = (module.build("cuba", 500, seed=s) for s in (3, 3, 4))
    for net in (a, b, c):
        net.run(100, progress=False)
    ra, rb, rc = (n.P["EventRecorder", 0] for n in (a, b, c))
    np.testing.assert_array_equal(ra["fired.i"], rb["fired.i"])
    np.testing.assert_array_equal(ra["fired.t"], rb["fired.t"])
    np.testing.assert_array_equal(a.P.v, b.P.v)
    assert ra.count() > 50
    assert ra.count() != rc.count() or not np.array_equal(ra["fired.i"], rc["fired.i"])
    assert 0.5 < rc.count() / ra.count() < 2.0

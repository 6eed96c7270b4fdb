"""The README's main example runs, stays in the seed's rate band and writes a real raster PNG."""

import pathlib
import subprocess
import sys

import pytest

EXAMPLE = pathlib.Path(__file__).resolve().parents[2] / "examples" / "quickstart.py"


def test_quickstart_writes_raster_and_fires_in_band(tmp_path):
    pytest.importorskip("matplotlib", reason="the example plots with matplotlib")
    out = tmp_path / "raster.png"
    result = subprocess.run([sys.executable, str(EXAMPLE), "--out", str(out), "--seed", "2"],
                            capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rates = {line.split(":")[0]: float(line.split(",")[1].split()[0])
             for line in result.stdout.splitlines() if "spikes/neuron/step" in line}
    assert 0.0125 <= rates["exc"] <= 0.0155
    assert 0.005 <= rates["inh"] <= 0.03
    import matplotlib.image

    image = matplotlib.image.imread(out)
    assert image.shape[0] > 400 and image.shape[1] > 800
    # a raster has many coloured dots: blue (exc) and red (inh) pixels must both be present
    rgb = image[..., :3]
    blue = ((rgb[..., 2] > 0.6) & (rgb[..., 0] < 0.4)).sum()
    red = ((rgb[..., 0] > 0.7) & (rgb[..., 2] < 0.3)).sum()
    assert blue > 2000 and red > 500

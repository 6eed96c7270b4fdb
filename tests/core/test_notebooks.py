"""The example notebooks run top to bottom (nbclient) and reach the numbers they claim."""

import json
import pathlib

import pytest

nbformat = pytest.importorskip("nbformat", reason="running the notebooks needs the [notebooks] extra")
nbclient = pytest.importorskip("nbclient", reason="running the notebooks needs the [notebooks] extra")
pytest.importorskip("ipykernel", reason="running the notebooks needs the [notebooks] extra (ipykernel)")
pytest.importorskip("matplotlib", reason="the notebooks plot: needs the [plot] extra")

NOTEBOOKS = pathlib.Path(__file__).resolve().parents[2] / "examples" / "notebooks"


def run(name, tmp_path, monkeypatch):
    book = nbformat.read(NOTEBOOKS / name, as_version=4)
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel's inline backend draws the figures as PNGs
    client = nbclient.NotebookClient(book, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    errors = [o for c in book.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors
    last = book.cells[-1]["outputs"]
    text = "".join(o.get("text", "") for o in last if o.get("output_type") == "stream")
    images = sum(1 for c in book.cells if c.cell_type == "code" for o in c.get("outputs", [])
                 if "image/png" in o.get("data", {}))
    return json.loads(text.strip().splitlines()[-1]), images


def test_izhikevich_network_notebook(tmp_path, monkeypatch):
    results, images = run("izhikevich_network.ipynb", tmp_path, monkeypatch)
    assert images >= 5
    exc, inh = results["exc"], results["inh"]
    # Izhikevich (2003), Fig. 3: irregular firing of a few Hz with population rhythms
    assert 2.0 < exc["rate_Hz"] < 20.0 and 2.0 < inh["rate_Hz"] < 40.0
    assert 0.1 < exc["cv_isi"] < 1.5
    # what the prose says of the spectrum: the strongest rhythm near 8 Hz, 25-40 Hz about a fifth of it
    assert 6.0 <= results["peak_hz"] <= 10.0 and 0.1 < results["gamma_ratio"] < 0.35
    assert exc["chi"] > 0.1  # synchronised well above independent neurons (1/sqrt(800) = 0.035)
    assert -75.0 < results["v_mean"] < -55.0
    assert results["restored_equal"] is True
    assert list(tmp_path.glob("*.npz")) == []  # the saved state goes to a temporary folder, not the checkout


def test_stdp_learning_notebook(tmp_path, monkeypatch):
    results, images = run("stdp_learning.ipynb", tmp_path, monkeypatch)
    assert images >= 3
    assert results["window_error"] < 1e-12  # the simulated window is the formula
    assert results["input_rate_Hz"] == pytest.approx(10.0, rel=0.05)
    assert results["input_corr_correlated"] > 0.02 > abs(results["input_corr_independent"])
    # correlated inputs win, independent ones lose
    assert results["mean_w_correlated"] > results["mean_w_before"] + 0.08
    assert results["mean_w_independent"] < results["mean_w_before"]
    assert results["at_upper_bound_correlated"] > 3 * results["at_upper_bound_independent"]
    assert 0.5 < results["output_rate_Hz"] < 30.0

"""PymoNNto-style networks on pymonn give PymoNNto 3.0.6's figures (issue 10, "a handful of networks").

The networks (Izhikevich 80/20, leaky threshold units with homeostasis + STDP + normalisation,
Hopfield, Brunel-Hakim) are in ``pymonnto_style.py``, written in PymoNNto's spelling. The reference
figures below were measured by running that same file with its import line switched to
``from PymoNNto import *``; pymonn runs it seeded (``Network(seed=...)`` and, for the Brunel-Hakim
noise, which calls ``np.random`` directly as PymoNNto's example does, ``np.random.seed``).

Source of every number in REFERENCE: PymoNNto 3.0.6 (numpy 2.4.6), benchmarks/pymonnto_reference.py,
20 runs per network and dtype, unseeded, 2026-12-03: (mean, sample sd). float32 is PymoNNto's
default dtype (``settings={'dtype': float32}``), float64 pymonn's; each is compared with its own
reference. Band: |pymonn - mean| <= 4 sd + 1e-5 |mean| (the floor only matters where PymoNNto's sd
is 0: the row sums that the normalisation fixes at 10).
"""

import numpy as np
import pytest
from pymonnto_style import FIGURES, izhikevich_figures, stdp_figures

# PymoNNto 3.0.6, benchmarks/pymonnto_reference.py, 20 runs, 2026-12-03: (mean, sd)
REFERENCE = {
    "izhikevich/float32": {"rate_exc": (0.0112374, 5.36e-05), "rate_inh": (0.0411985, 0.000148),
                           "mean_v_exc_end": (-74.7079, 1.02)},
    "izhikevich/float64": {"rate_exc": (0.0112523, 5.44e-05), "rate_inh": (0.04119, 0.000117),
                           "mean_v_exc_end": (-73.8329, 1.58)},
    "stdp/float32": {"rate": (0.00544558, 0.000171), "mean_voltage": (0.0492663, 0.00043),
                     "mean_exhaustion": (-0.00104454, 0.000252), "row_sum_mean": (10, 0),
                     "col_sum_sd": (2.59989, 0.125), "weight_cv": (0.632073, 0.009),
                     "weight_drift": (0.0105383, 0.00109)},
    "stdp/float64": {"rate": (0.00540646, 0.000214), "mean_voltage": (0.0490391, 0.000363),
                     "mean_exhaustion": (-0.00117576, 0.000221), "row_sum_mean": (10, 0),
                     "col_sum_sd": (2.59424, 0.127), "weight_cv": (0.632146, 0.00879),
                     "weight_drift": (0.0104933, 0.0012)},
    "hopfield/float32": {"overlap_first_step": (0.971709, 0.00636), "overlap_recalled": (0.992891, 0.00822),
                         "energy_recalled": (-0.996076, 0.013)},
    "hopfield/float64": {"overlap_first_step": (0.971233, 0.00696), "overlap_recalled": (0.987891, 0.0167),
                         "energy_recalled": (-0.999745, 0.014)},
    "brunel_hakim/float32": {"rate_hz": (3.6426, 0.0482), "cv_1ms": (1.29826, 0.0663), "peak_hz": (133.5, 14.6),
                             "band_fraction": (0.320119, 0.0332)},
    "brunel_hakim/float64": {"rate_hz": (3.645, 0.035), "cv_1ms": (1.29264, 0.0749), "peak_hz": (135, 13.2),
                             "band_fraction": (0.329429, 0.0365)},
}
SDS = 4.0
REL_FLOOR = 1e-5
SEED = 1
DTYPES = {"float32": np.float32, "float64": np.float64}


def band(mean: float, sd: float) -> float:
    """Allowed |pymonn - PymoNNto mean| for one figure."""
    return SDS * sd + REL_FLOOR * abs(mean)


def outside(figures: dict, reference: dict) -> dict:
    """{figure: (pymonn value, PymoNNto mean, allowed distance)} for figures outside their band."""
    return {k: (figures[k], m, band(m, s)) for k, (m, s) in reference.items() if abs(figures[k] - m) > band(m, s)}


def run(name: str, dtype: str | None = None, **kwargs):
    """Run one network seeded; dtype None means pymonn's default (no settings)."""
    np.random.seed(SEED)
    settings = {"dtype": DTYPES[dtype]} if dtype else None
    return FIGURES[name](seed=SEED, settings=settings, **kwargs)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", ["izhikevich", "stdp", "hopfield", "brunel_hakim"])
def test_figures_match_pymonnto(name, dtype):
    reference = REFERENCE[f"{name}/{dtype}"]
    figures = run(name, None if dtype == "float64" else dtype)
    assert set(figures) == set(reference)
    assert outside(figures, reference) == {}


def test_default_dtype_is_float64_and_float32_setting_reaches_the_state():
    _, net64 = izhikevich_figures(seed=SEED, steps=5, return_network=True)
    _, net32 = izhikevich_figures(seed=SEED, settings={"dtype": np.float32}, steps=5, return_network=True)
    for net, dtype in ((net64, np.float64), (net32, np.float32)):
        exc = net["exc", 0]
        assert exc.v.dtype == dtype and exc.u.dtype == dtype and exc.I.dtype == dtype
        assert all(s.W.dtype == dtype for s in net.SynapseGroups)
        assert exc.fired.dtype == bool


def test_weights_are_destination_by_source_and_rows_are_normalised():
    figures, net = stdp_figures(seed=SEED, steps=20, return_network=True)
    syn = net.SynapseGroups[0]
    assert syn.W.shape == (syn.dst.size, syn.src.size)
    rows = syn.W.sum(axis=1)
    np.testing.assert_allclose(rows[rows > 0], 10.0, rtol=1e-9)
    assert figures["col_sum_sd"] > 1.0  # columns are not normalised


def test_same_seed_same_figures():
    for name in ("hopfield", "brunel_hakim"):
        assert run(name) == run(name)


# The bands are narrow enough to catch a broken network: each of these changes one thing.
@pytest.mark.parametrize("name, change, figure", [
    ("stdp", {"stdp_factor": 0.0}, "weight_drift"),        # a missing plasticity step
    ("izhikevich", {"inh": 0.0}, "rate_exc"),              # GABA synapses doing nothing
    ("brunel_hakim", {"delay": 0.5}, "band_fraction"),     # the wrong synaptic delay
    ("hopfield", {"flip": 0.5}, "overlap_recalled"),       # cues carrying no information
])
def test_bands_reject_a_broken_network(name, change, figure):
    broken = run(name, **change)
    assert figure in outside(broken, REFERENCE[f"{name}/float64"])


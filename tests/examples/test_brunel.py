"""Brunel 2000 model A: the four states of Fig. 8, checked by rate, CV of ISIs and population synchrony."""

from __future__ import annotations

import pytest
from example_loader import load

#: Brian2 2.9 running the same model (scale 0.4: 4,000 + 1,000 neurons, C_E = 400, J = 0.25 mV),
#: 600 ms, statistics after 100 ms: (rate in Hz, mean CV of the ISIs of the first 1,000 neurons).
BRIAN2_AT_04 = {"SR": (311.8, 0.007), "AI": (40.1, 0.72), "SI": (59.1, 1.04), "SIslow": (11.8, 0.56)}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    pytest.importorskip("matplotlib", reason="the example plots with matplotlib")
    brunel = load("brunel")
    out = tmp_path_factory.mktemp("brunel")
    results = {}
    for state in ("SR", "AI", "SI", "SIslow"):
        duration = "250" if state == "SR" else "600"  # SR fires at ~300 Hz: costly, and regular at once
        results[state] = brunel.main(["--quick", "--state", state, "--duration", duration,
                                      "--out", str(out / f"{state}.png")])
        results[state]["png"] = out / f"{state}.png"
    return results


@pytest.mark.parametrize("state", ["SR", "AI", "SI", "SIslow"])
def test_rate_and_cv_match_brian2_reference(runs, state):
    rate, cv = BRIAN2_AT_04[state]
    got = runs[state]
    assert abs(got["rate"] / rate - 1) < 0.15, (got["rate"], rate)
    assert abs(got["cv"] - cv) < 0.15, (got["cv"], cv)
    png = got["png"]
    assert png.exists() and png.stat().st_size > 20_000


def test_states_are_the_papers(runs):
    sr, ai, si, slow = (runs[s] for s in ("SR", "AI", "SI", "SIslow"))
    # SR: neurons fire regularly (CV ~ 0) near saturation, the population locked
    assert sr["cv"] < 0.1 and sr["rate"] > 200 and sr["pop_cv"] > 1.0
    # AI and SI: irregular single neurons; SI more irregular and with a fast (~180 Hz) global oscillation
    assert ai["cv"] > 0.5 and si["cv"] > ai["cv"] + 0.1
    assert si["peak_hz"] > 140 and ai["peak_hz"] < si["peak_hz"]
    # SI slow: low rate, slow global oscillation, the strongest population synchrony of the irregular states
    assert slow["rate"] < 20 and slow["peak_hz"] < 60
    assert slow["pop_cv"] > 1.2 > max(ai["pop_cv"], si["pop_cv"])
    assert slow["synchrony"] > max(ai["synchrony"], si["synchrony"])

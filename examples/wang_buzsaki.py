"""The Wang-Buzsaki interneuron (Wang & Buzsaki 1996), written as equations: its f-I curve.

    python examples/wang_buzsaki.py                  # writes wang_buzsaki.png, prints the f-I curve
    python examples/wang_buzsaki.py --quick          # fewer currents, shorter, coarser step

A model the library does not have, defined with :class:`~pymonn.behaviours.equations.Equations`:
a fast-spiking hippocampal basket cell with an instantaneous sodium activation,

    C dv/dt = I - g_Na m_inf^3 h (v - E_Na) - g_K n^4 (v - E_K) - g_L (v - E_L)
    dh/dt = phi (alpha_h (1 - h) - beta_h h),   dn/dt = phi (alpha_n (1 - n) - beta_n n)

with phi = 5, g_Na = 35, g_K = 9, g_L = 0.1 mS/cm2, E_Na = 55, E_K = -90, E_L = -65 mV,
C = 1 uF/cm2 (Wang & Buzsaki 1996, J. Neurosci. 16:6402). Its excitability is of type 1: the
firing rate rises continuously from 0 at the rheobase and the cell fires at high rates without
adaptation. ``m_inf`` depends on ``v``, so the equation of ``v`` is not linear in ``v`` and
``exponential_euler`` is refused; the script uses ``rk4``. A group of neurons, each with its own
constant current (one value per neuron), gives the whole f-I curve in one run.
"""

from __future__ import annotations

import argparse

import numpy as np
from pymonn.behaviours import ConstantCurrent
from pymonn.behaviours.equations import Equations

from pymonn import EventRecorder, Network, NeuronGroup, Recorder

WANG_BUZSAKI = """
    dv/dt = (I - g_Na*m_inf**3*h*(v - E_Na) - g_K*n**4*(v - E_K) - g_L*(v - E_L))/C
    dh/dt = phi*(alpha_h*(1 - h) - beta_h*h)
    dn/dt = phi*(alpha_n*(1 - n) - beta_n*n)
    m_inf = alpha_m/(alpha_m + beta_m)
    alpha_m = 1/exprel(-(v + 35)/10)
    beta_m = 4*exp(-(v + 60)/18)
    alpha_h = 0.07*exp(-(v + 58)/20)
    beta_h = 1/(1 + exp(-(v + 28)/10))
    alpha_n = 0.1/exprel(-(v + 34)/10)
    beta_n = 0.125*exp(-(v + 44)/80)
"""
#: Wang & Buzsaki 1996: mS/cm2, mV, uF/cm2; the initial state is the resting state (I = 0)
PARAMETERS = dict(g_Na=35.0, g_K=9.0, g_L=0.1, E_Na=55.0, E_K=-90.0, E_L=-65.0, C=1.0, phi=5.0,
                  v=-64.0, h=0.78, n=0.09)


def model(method: str = "rk4") -> Equations:
    return Equations(WANG_BUZSAKI, threshold="v >= 0", refractory="v >= 0", method=method, **PARAMETERS)


def f_i_curve(currents: np.ndarray, duration: float, dt: float, method: str = "rk4", transient: float = 100.0):
    """Rates (Hz) of cells driven by ``currents`` (uA/cm2), counted after ``transient`` ms; and the net."""
    net = Network(dt=dt, seed=0)
    cells = NeuronGroup(net, len(currents), tag="wb", behaviour={
        10: ConstantCurrent(amplitude=np.asarray(currents, dtype=float)),
        30: model(method),
        90: EventRecorder("fired"),
        91: Recorder(["v"]),
    })
    net.initialize()
    net.run(duration, progress=False)
    rec = cells["EventRecorder", 0]
    t, i = rec["fired.t"], rec["fired.i"]
    late = t > transient
    rates = np.bincount(i[late], minlength=len(currents)) / ((duration - transient) / 1000.0)
    return rates, net


def plot(currents, rates, net, path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 3.8))
    a.plot(currents, rates, "o-", c="tab:blue", ms=3)
    a.set(xlabel="I (uA/cm2)", ylabel="rate (Hz)", title="Wang-Buzsaki f-I curve (type 1)")
    rec = net.wb["Recorder", 0]
    k = int(np.argmin(np.abs(np.asarray(currents) - 1.0)))
    shown = rec.t <= 100
    b.plot(rec.t[shown], rec["v"][shown, k], c="k", lw=0.8)
    b.set(xlabel="time (ms)", ylabel="v (mV)", title=f"I = {currents[k]:.2f} uA/cm2")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--max-current", type=float, default=3.0, help="largest current in uA/cm2 (default 3)")
    parser.add_argument("--cells", type=int, default=61, help="number of currents from 0 (default 61)")
    parser.add_argument("--duration", type=float, default=1100.0, help="simulated ms (default 1100, the first 100 "
                        "ms are not counted)")
    parser.add_argument("--dt", type=float, default=0.01, help="time step in ms (default 0.01)")
    parser.add_argument("--method", default="rk4", help="integration method (default rk4)")
    parser.add_argument("--out", default="wang_buzsaki.png", help="PNG to write (default wang_buzsaki.png)")
    parser.add_argument("--quick", action="store_true", help="16 currents, 600 ms, dt = 0.02 ms (for tests)")
    args = parser.parse_args(argv)
    if args.quick:
        args.cells, args.duration, args.dt = 16, 600.0, 0.02
    currents = np.linspace(0.0, args.max_current, args.cells)
    rates, net = f_i_curve(currents, args.duration, args.dt, args.method)
    firing = np.flatnonzero(rates > 0)
    rheobase = float(currents[firing[0]]) if firing.size else float("nan")
    print("I (uA/cm2)  rate (Hz)")
    for c, r in zip(currents, rates, strict=True):
        print(f"{c:9.3f}  {r:8.1f}")
    print(f"rheobase between {currents[max(firing[0] - 1, 0)]:.3f} and {rheobase:.3f} uA/cm2; "
          f"lowest rate above it {rates[firing[0]]:.1f} Hz" if firing.size else "no spikes")
    plot(currents, rates, net, args.out)
    print(f"figure saved to {args.out}")
    return {"currents": currents, "rates": rates, "rheobase": rheobase}


if __name__ == "__main__":
    main()

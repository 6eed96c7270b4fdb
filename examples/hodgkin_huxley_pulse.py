"""A Hodgkin-Huxley neuron driven by a square current pulse: Neurapse's first example, in pymonn.

    python examples/hodgkin_huxley_pulse.py                        # writes hh_pulse.png
    python examples/hodgkin_huxley_pulse.py --amplitude 5 --out weak.png

Neurapse's parameters: C = 1 uF/cm2, E_Na = 50, E_K = -77, E_L = -55 mV, g_Na = 120, g_K = 36,
g_L = 0.3 mS/cm2, dt = 0.01 ms, 150 ms in all, and a pulse of I0 = 15 uA/cm2 from 60 to 90 ms
(Neurapse's ``SQUARE_PULSE(t_start=6000, t_end=9000)`` in steps of 10 us). The figure shows the
input current, the membrane potential and the gating variables m, h and n; the script prints the
spike times and the resting and peak potentials.
"""

from __future__ import annotations

import argparse

import numpy as np
from pymonn.behaviours import HodgkinHuxley, SquarePulse

from pymonn import EventRecorder, Network, NeuronGroup, Recorder

#: Neurapse's Hodgkin-Huxley parameters, in mV, mS/cm2 and uF/cm2.
NEURAPSE_HH = {"C": 1.0, "E_Na": 50.0, "E_K": -77.0, "E_L": -55.0, "g_Na": 120.0, "g_K": 36.0, "g_L": 0.3}


def build(amplitude: float = 15.0, start: float = 60.0, end: float = 90.0, dt: float = 0.01) -> Network:
    """One HH neuron at rest (v = -65 mV, gates at steady state) with a square pulse; initialized."""
    net = Network(dt=dt, seed=0)
    NeuronGroup(net, 1, tag="hh", behaviour={
        10: SquarePulse(start=start, end=end, amplitude=amplitude),
        30: HodgkinHuxley(v=-65.0, **NEURAPSE_HH),
        90: Recorder(["I", "v", "m", "h", "n.n"]),  # a bare "n" is the group itself
        91: EventRecorder("fired"),
    })
    net.initialize()
    return net


def plot(net: Network, path: str, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rec = net.hh["Recorder", 0]
    t = rec.t
    fig, axes = plt.subplots(3, 1, figsize=(9, 7), sharex=True, gridspec_kw={"height_ratios": [1, 2, 2]})
    axes[0].plot(t, rec["I"][:, 0], c="k")
    axes[0].set_ylabel("I (uA/cm2)")
    axes[1].plot(t, rec["v"][:, 0], c="tab:blue")
    axes[1].set_ylabel("v (mV)")
    for name, colour in (("m", "tab:red"), ("h", "tab:green"), ("n.n", "tab:purple")):
        axes[2].plot(t, rec[name][:, 0], c=colour, label=name[-1])
    axes[2].set(ylabel="gating variable", xlabel="time (ms)", ylim=(-0.02, 1.02))
    axes[2].legend(loc="upper right", ncol=3, frameon=False)
    axes[0].set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--amplitude", type=float, default=15.0, help="pulse amplitude in uA/cm2 (default 15)")
    parser.add_argument("--start", type=float, default=60.0, help="pulse onset in ms (default 60)")
    parser.add_argument("--end", type=float, default=90.0, help="pulse offset in ms (default 90)")
    parser.add_argument("--duration", type=float, default=150.0, help="simulated time in ms (default 150)")
    parser.add_argument("--dt", type=float, default=0.01, help="time step in ms (default 0.01, Neurapse's)")
    parser.add_argument("--out", default="hh_pulse.png", help="PNG to write (default hh_pulse.png)")
    parser.add_argument("--quick", action="store_true", help="dt = 0.025 ms (for tests)")
    args = parser.parse_args(argv)
    if args.quick:
        args.dt = max(args.dt, 0.025)
    net = build(args.amplitude, args.start, args.end, args.dt)
    net.run(args.duration, progress=False)
    spikes = net.hh["EventRecorder", 0]["fired.t"]
    v = net.hh["Recorder", 0]["v"][:, 0]
    rest = float(v[net.hh["Recorder", 0].t <= args.start].mean()) if args.start > args.dt else float(v[0])
    in_pulse = spikes[(spikes > args.start) & (spikes <= args.end + 5.0)]
    result = {"spike_times": spikes, "rest_mV": rest, "peak_mV": float(v.max()),
              "rate_hz": 1000.0 * len(in_pulse) / (args.end - args.start)}
    print(f"{len(spikes)} spikes at t = {np.array2string(spikes, precision=2, separator=', ')} ms")
    print(f"resting potential {rest:.2f} mV, peak {result['peak_mV']:.2f} mV, "
          f"{result['rate_hz']:.1f} spikes/s during the {args.amplitude:g} uA/cm2 pulse")
    plot(net, args.out, f"Hodgkin-Huxley neuron, {args.amplitude:g} uA/cm2 from {args.start:g} to {args.end:g} ms")
    print(f"figure saved to {args.out}")
    return result


if __name__ == "__main__":
    main()

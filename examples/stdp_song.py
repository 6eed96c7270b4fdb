"""Song, Miller & Abbott (2000): additive STDP drives the weights of 1,000 Poisson inputs apart.

    python examples/stdp_song.py                      # 100 s; writes stdp_song.png
    python examples/stdp_song.py --inputs 1000 --duration 50 --out w.png

One leaky integrate-and-fire neuron (tau_m = 10 ms, E_L = -74 mV, threshold -54 mV, reset -60 mV)
receives ``--inputs`` excitatory Poisson spike trains of 15 Hz through conductance synapses
(E_e = 0 mV, tau_e = 5 ms). The synapses learn with additive, all-to-all pair STDP: A_+ = 0.01,
A_-/A_+ = 1.05, tau_+ = tau_- = 20 ms, weights bounded to [0, g_max], started uniformly in
[0, g_max]. These are the parameters of Brian2's version of the paper's experiment (g_max = 0.01
in units of the leak conductance; here the conductance is in nS with R = 1 GOhm, which is the
same equation). Because depression slightly outweighs potentiation, the inputs compete: the
final weight distribution is bimodal, with most weights at 0 or g_max (the paper's Fig. 1).

Prints the weight statistics and the output rate; saves the final weight histogram, the
weights against input index and the weight distribution over time.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from pymonn.behaviours import LIF, STDP, ConductanceSynapse, PoissonGroup

from pymonn import EventRecorder, Network, NeuronGroup, SynapseGroup

G_MAX = 0.01


def build(inputs: int = 1000, *, rate: float = 15.0, a_plus: float = 0.01, ratio: float = 1.05, dt: float = 0.1,
          seed: int = 1, sparse: bool | None = None) -> Network:
    """The input group ``net.inputs``, the neuron ``net.neuron`` and the plastic synapses; initialized."""
    net = Network(dt=dt, seed=seed)
    NeuronGroup(net, inputs, tag="inputs", behaviour={30: PoissonGroup(rate=rate)})
    NeuronGroup(net, 1, tag="neuron", behaviour={
        30: LIF(tau_m=10.0, R=1000.0, v_rest=-74.0, v_reset=-60.0, v_th=-54.0, t_ref=0.0, v=-74.0),
        90: EventRecorder("fired"),
    })
    mode = "sparse" if (sparse if sparse is not None else inputs > 20_000) else "dense"
    SynapseGroup(net, "inputs", "neuron", tag="plastic", behaviour={
        20: ConductanceSynapse(mode=mode, weight=f"uniform(0, {G_MAX})", tau=5.0, E=0.0),
        40: STDP(A_plus=a_plus, A_minus=a_plus * ratio, tau_plus=20.0, tau_minus=20.0, w_min=0.0, w_max=G_MAX,
                 weight_dependence="additive"),
    })
    net.initialize()
    return net


def weights(net: Network) -> np.ndarray:
    """The current weights as a flat array (one per input)."""
    return np.array(net.SynapseGroups[0].W, dtype=np.float64).ravel()


def describe(w: np.ndarray) -> dict:
    """Fractions of weights near 0, near g_max and in the middle, relative to g_max."""
    x = w / G_MAX
    return {"low": float(np.mean(x < 0.1)), "high": float(np.mean(x > 0.9)),
            "middle": float(np.mean((x > 0.3) & (x < 0.7))), "mean": float(x.mean())}


def plot(history: list[tuple[float, np.ndarray]], out: str, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    final = history[-1][1] / G_MAX
    fig, axes = plt.subplots(1, 3, figsize=(13, 4))
    axes[0].hist(final, bins=25, range=(0, 1), color="tab:blue", edgecolor="w")
    axes[0].set(xlabel="w / g_max", ylabel="synapses", title="final weight distribution")
    axes[1].plot(final, ".", ms=2, c="tab:blue")
    axes[1].set(xlabel="input index", ylabel="w / g_max", ylim=(-0.05, 1.05), title="final weights")
    times = np.array([t for t, _ in history]) / 1000.0
    image = np.array([np.histogram(w / G_MAX, bins=25, range=(0, 1))[0] for _, w in history]).T
    shown = axes[2].imshow(image, aspect="auto", origin="lower", cmap="viridis",
                           extent=(times[0], times[-1], 0, 1), interpolation="nearest")
    fig.colorbar(shown, ax=axes[2], label="synapses per weight bin (1/25 of g_max)")
    axes[2].set(xlabel="time (s)", ylabel="w / g_max", title="weight distribution over time")
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--inputs", type=int, default=1000, help="Poisson inputs (default 1000)")
    parser.add_argument("--duration", type=float, default=None, help="simulated time in s (default 100; 30 with --quick)")
    parser.add_argument("--rate", type=float, default=15.0, help="input rate in Hz (default 15)")
    parser.add_argument("--a-plus", type=float, default=None, help="A_+ (default 0.01; 0.03 with --quick)")
    parser.add_argument("--dt", type=float, default=0.1, help="time step in ms (default 0.1)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default="stdp_song.png", help="PNG to write (default stdp_song.png)")
    parser.add_argument("--quick", action="store_true",
                        help="30 s with three times faster learning (A_+ = 0.03), for tests")
    args = parser.parse_args(argv)
    if args.duration is None:
        args.duration = 30.0 if args.quick else 100.0
    if args.a_plus is None:
        args.a_plus = 0.03 if args.quick else 0.01
    start = time.perf_counter()
    net = build(args.inputs, rate=args.rate, a_plus=args.a_plus, dt=args.dt, seed=args.seed)
    setup = time.perf_counter() - start
    history = [(0.0, weights(net))]
    chunks = 20
    start = time.perf_counter()
    for _ in range(chunks):
        net.run(args.duration * 1000.0 / chunks, progress=False)
        history.append((net.t, weights(net)))
    wall = time.perf_counter() - start
    w = history[-1][1]
    stats = describe(w)
    out_rate = net.neuron["EventRecorder", 0].count() / args.duration
    print(f"{args.inputs} Poisson inputs at {args.rate:g} Hz, additive STDP (A_+ = {args.a_plus:g}, "
          f"A_-/A_+ = 1.05), {args.duration:g} s simulated in {wall:.1f} s (set-up {setup:.2f} s)")
    print(f"output rate {out_rate:.1f} Hz; final weights: {100 * stats['low']:.0f}% below 0.1 g_max, "
          f"{100 * stats['high']:.0f}% above 0.9 g_max, {100 * stats['middle']:.0f}% between 0.3 and 0.7; "
          f"mean {stats['mean']:.2f} g_max")
    plot(history, args.out, f"Song, Miller & Abbott 2000: {args.inputs} inputs, {args.duration:g} s")
    print(f"figure saved to {args.out}")
    stats.update(net=net, weights=w, output_rate=out_rate, wall_s=wall, setup_s=setup, history=history)
    return stats


if __name__ == "__main__":
    main()

"""Layers of LIF neurons passing volleys forward: Neurapse's feed-forward LIF network, in pymonn.

    python examples/feedforward_lif.py                   # writes feedforward_lif.png
    python examples/feedforward_lif.py --layers 6 --fan-in 40

An input layer of ``--width`` neurons fires volleys: every ``--period`` ms each input neuron
spikes once, at a time jittered by ``--jitter`` ms (standard deviation). Behind it stand
``--layers`` layers of ``--width`` leaky integrate-and-fire neurons (Neurapse's LIF: C = 300 pF,
g_L = 30 nS so tau_m = 10 ms, E_L = -70 mV, threshold -50 mV, 2 ms refractory). Each neuron of a
layer receives ``--fan-in`` random synapses from the layer before (exponential current, 2 ms,
``--weight`` pA, axonal delay ``--delay`` ms) and an independent background current
(Ornstein-Uhlenbeck noise, mean 450 pA, standard deviation 150 pA, 5 ms), so the layers also
fire a little on their own. The volley travels down the layers: each layer
answers later by about the delay plus the integration time, and the volley stays compact.

Prints, per layer, the background rate, the fraction of neurons answering each volley, the
latency of the answer and its temporal spread; saves a raster of all layers with the
response histograms.
"""

from __future__ import annotations

import argparse

import numpy as np
from pymonn.behaviours import LIF, ExponentialSynapse, OUNoise, SpikeGenerator

from pymonn import EventRecorder, Network, NeuronGroup, SynapseGroup

LIF_NEURAPSE = {"C_m": 300.0, "tau_m": 10.0, "v_rest": -70.0, "v_reset": -70.0, "v_th": -50.0, "t_ref": 2.0}


def build(layers: int = 4, width: int = 100, *, fan_in: int = 30, weight: float = 80.0, delay: float = 1.0,
          period: float = 50.0, jitter: float = 1.0, duration: float = 500.0, noise_mu: float = 450.0,
          noise_sigma: float = 150.0, seed: int = 1, dt: float = 0.1) -> Network:
    """Input layer ``net.L0`` and LIF layers ``net.L1 ... net.L<layers>``, initialized."""
    net = Network(dt=dt, seed=seed)
    rng = np.random.default_rng(seed)
    onsets = np.arange(period / 2, duration, period)
    times = (onsets[:, None] + jitter * rng.standard_normal((onsets.size, width))).ravel()
    times = np.clip(times, dt, duration)
    indices = np.tile(np.arange(width), onsets.size)
    NeuronGroup(net, width, tag="L0", behaviour={30: SpikeGenerator(indices=indices, times=times),
                                                 90: EventRecorder("fired")})
    d = int(round(delay / dt)) - 1  # a spike of step t arrives in step t + 1 + d
    for layer in range(1, layers + 1):
        NeuronGroup(net, width, tag=f"L{layer}", behaviour={
            10: OUNoise(mu=noise_mu, sigma=noise_sigma, tau=5.0),
            30: LIF(v=f"{LIF_NEURAPSE['v_rest']};-55", **LIF_NEURAPSE),
            90: EventRecorder("fired"),
        })
        SynapseGroup(net, f"L{layer - 1}", f"L{layer}", tag=f"ff{layer}", behaviour={
            20: ExponentialSynapse(indegree=fan_in, weight=weight, tau=2.0, delay=d if d > 0 else None),
        })
    net.initialize()
    net.onsets = onsets
    net.layers = layers
    return net


def responses(net: Network, window: float = 15.0) -> list[dict]:
    """Per layer: background rate (Hz), fraction answering, mean latency and spread (ms) of the answers."""
    out = []
    for layer in range(net.layers + 1):
        g = getattr(net, f"L{layer}")
        rec = g["EventRecorder", 0]
        t, i = rec["fired.t"], rec["fired.i"]
        rel = t[:, None] - net.onsets[None, :]
        in_window = (rel > -3.0) & (rel <= window)
        hit = in_window.any(axis=1)
        lat = rel[in_window]
        answered = []
        for k in range(net.onsets.size):
            sel = in_window[:, k]
            answered.append(np.unique(i[sel]).size / g.size)
        background = (~hit).sum() / (g.size * (net.t - net.onsets.size * (window + 3.0)) / 1000.0)
        out.append({"layer": layer, "answered": float(np.mean(answered)), "latency": float(np.mean(lat)) if lat.size
                    else float("nan"), "spread": float(np.std(lat)) if lat.size else float("nan"),
                    "background_hz": float(background), "latencies": lat})
    return out


def plot(net: Network, stats: list[dict], path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cmap = plt.get_cmap("viridis")
    fig, (ax, axh) = plt.subplots(1, 2, figsize=(12, 5), gridspec_kw={"width_ratios": [3, 1]})
    width = net.L0.size
    for layer in range(net.layers + 1):
        g = getattr(net, f"L{layer}")
        rec = g["EventRecorder", 0]
        colour = cmap(layer / max(net.layers, 1))
        ax.scatter(rec["fired.t"], rec["fired.i"] + layer * width, s=1.5, color=colour, linewidths=0)
        ax.text(net.t * 1.005, (layer + 0.5) * width, "input" if layer == 0 else f"L{layer}", va="center", fontsize=8)
        axh.hist(stats[layer]["latencies"], bins=np.arange(-3, 15.5, 0.5), histtype="step", color=colour,
                 label="input" if layer == 0 else f"layer {layer}")
    ax.set(xlabel="time (ms)", ylabel="neuron (layer by layer)", xlim=(0, net.t), ylim=(0, (net.layers + 1) * width),
           title="Volleys through a feed-forward LIF network")
    axh.set(xlabel="time after volley onset (ms)", ylabel="spikes", title="responses")
    axh.legend(fontsize=8, frameon=False)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--layers", type=int, default=4, help="LIF layers after the input (default 4)")
    parser.add_argument("--width", type=int, default=100, help="neurons per layer (default 100)")
    parser.add_argument("--fan-in", type=int, default=30, help="synapses from the previous layer (default 30)")
    parser.add_argument("--weight", type=float, default=80.0, help="synaptic weight in pA (default 80)")
    parser.add_argument("--delay", type=float, default=1.0, help="axonal delay in ms (default 1)")
    parser.add_argument("--period", type=float, default=50.0, help="ms between input volleys (default 50)")
    parser.add_argument("--jitter", type=float, default=1.0, help="spike-time jitter of the input volley, ms (1)")
    parser.add_argument("--duration", type=float, default=500.0, help="simulated time in ms (default 500)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default="feedforward_lif.png", help="PNG to write")
    parser.add_argument("--quick", action="store_true", help="200 ms (for tests)")
    args = parser.parse_args(argv)
    if args.quick:
        args.duration = min(args.duration, 200.0)
    if args.fan_in > args.width:
        parser.error("--fan-in cannot exceed --width")
    net = build(args.layers, args.width, fan_in=args.fan_in, weight=args.weight, delay=args.delay,
                period=args.period, jitter=args.jitter, duration=args.duration, seed=args.seed)
    net.run(args.duration, progress=False)
    stats = responses(net)
    print(f"{args.layers} layers of {args.width} LIF neurons, fan-in {args.fan_in}, {net.onsets.size} volleys")
    print(f"{'layer':>6}{'answered':>10}{'latency ms':>12}{'spread ms':>11}{'background Hz':>15}")
    for s in stats:
        name = "input" if s["layer"] == 0 else str(s["layer"])
        print(f"{name:>6}{100 * s['answered']:>9.0f}%{s['latency']:>12.2f}{s['spread']:>11.2f}{s['background_hz']:>15.2f}")
    plot(net, stats, args.out)
    print(f"figure saved to {args.out}")
    return stats


if __name__ == "__main__":
    main()

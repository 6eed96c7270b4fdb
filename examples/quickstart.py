"""Quickstart: Izhikevich's 800/200 random network (as in PymoNNto's tutorial), raster saved to PNG.

800 excitatory and 200 inhibitory Izhikevich neurons, all-to-all random weights, uniform noise
input; 1000 steps of 0.5 ms. Excitatory spikes excite (x0.5), inhibitory spikes inhibit.

    python examples/quickstart.py                  # writes quickstart_raster.png
    python examples/quickstart.py --steps 2000 --out raster.png --seed 3
"""

from __future__ import annotations

import argparse

from pymonn import *


class Izhikevich(Behaviour):
    """v' = 0.04 v^2 + 5 v + 140 - u + I, u' = a (b v - u); at v > 30 mV: v <- c, u <- u + d (ms, mV)."""

    def initialize(self, n):
        for name, default in (("a", 0.02), ("b", 0.2), ("c", -65.0), ("d", 8.0)):
            setattr(n, name, self.parameter(name, default))
        n.v = self.parameter("v", -65.0, n) * n.vector("uniform")
        n.u = self.parameter("u", -8.0, n) * n.vector("uniform")
        n.fired = n.vector(bool)

    def iteration(self, n):
        n.fired = n.v > 30
        n.v[n.fired] = n.c
        n.u[n.fired] += n.d
        n.v += n.dt * (0.04 * n.v**2 + 5 * n.v + 140 - n.u + n.I)
        n.u += n.dt * (n.a * (n.b * n.v - n.u))


class NoiseAndSynapses(Behaviour):
    """I = noise * uniform + 0.5 * excitatory input - inhibitory input (weights uniform in [0, 1))."""

    def initialize(self, n):
        self.noise = self.parameter("noise", 20.0)
        for s in n.synapses(afferent):
            s.W = s.matrix("uniform")

    def iteration(self, n):
        n.I = self.noise * n.vector("uniform")
        for s in n.synapses(afferent, "GLUTAMATE"):
            n.I += 0.5 * s.W[:, s.src.fired].sum(axis=1)  # column-major W: reads only fired columns
        for s in n.synapses(afferent, "GABA"):
            n.I -= s.W[:, s.src.fired].sum(axis=1)


def build(seed: int | None = 1, n_exc: int = 800, n_inh: int = 200) -> Network:
    """The network, ready to initialize."""
    net = Network(dt=0.5, seed=seed)
    for tag, size in (("exc", n_exc), ("inh", n_inh)):
        NeuronGroup(net, get_squared_dim(size), tag=tag, behaviour={
            1: NoiseAndSynapses(),
            2: Izhikevich(v="0;-65", u="0;-8"),
            9: EventRecorder("fired"),
        })
    SynapseGroup(net, "exc", "exc", tag="GLUTAMATE")
    SynapseGroup(net, "exc", "inh", tag="GLUTAMATE")
    SynapseGroup(net, "inh", "exc", tag="GABA")
    SynapseGroup(net, "inh", "inh", tag="GABA")
    return net


def save_raster(net: Network, path: str) -> None:
    """Excitatory spikes in blue below, inhibitory in red above."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 5))
    offset = 0
    for group, colour in ((net.exc, "tab:blue"), (net.inh, "tab:red")):
        spikes = group["EventRecorder", 0]
        ax.scatter(spikes["fired.t"], spikes["fired.i"] + offset, s=0.6, c=colour, label=group.tag, linewidths=0)
        offset += group.size
    ax.set(xlabel="time (ms)", ylabel="neuron", xlim=(0, net.t), ylim=(0, offset),
           title=f"Izhikevich network: {net.exc.size} exc + {net.inh.size} inh, {net.iteration} steps of {net.dt} ms")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), markerscale=12, frameon=False)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv: list[str] | None = None) -> Network:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=1000, help="steps of 0.5 ms (default 1000)")
    parser.add_argument("--seed", type=int, default=1, help="network seed (default 1)")
    parser.add_argument("--out", default="quickstart_raster.png", help="PNG to write")
    args = parser.parse_args(argv)
    net = build(seed=args.seed)
    net.initialize()
    net.simulate_iterations(args.steps, measure_block_time=True)
    for group in (net.exc, net.inh):
        spikes = group["EventRecorder", 0].count()
        print(f"{group.tag}: {spikes} spikes, {spikes / (group.size * args.steps):.4f} spikes/neuron/step")
    save_raster(net, args.out)
    print(f"raster saved to {args.out}")
    return net


if __name__ == "__main__":
    main()

"""Quickstart: 800 excitatory and 200 inhibitory Izhikevich neurons, as PymoNNto's tutorial builds them.

A simplified version of Izhikevich's (2003) random network: every neuron here is regular spiking
(the library's `Izhikevich`, a, b, c, d = 0.02, 0.2, -65, 8), where the paper varies the parameters
per neuron and makes the inhibitory cells fast spiking (examples/notebooks/izhikevich_network.ipynb
builds the paper's version). All-to-all random weights, uniform in [0, 1); uniform noise input of
amplitude 20; 1000 steps of 0.5 ms. Excitatory spikes excite (x0.5), inhibitory spikes inhibit; the
input behaviour adds noise and synaptic input into the step's accumulator, which the model reads.

    python examples/quickstart.py                  # writes quickstart_raster.png
    python examples/quickstart.py --steps 2000 --out raster.png --seed 3
"""

from __future__ import annotations

import argparse
import time

from pymonn.behaviours import Izhikevich

from pymonn import *


class NoiseAndSynapses(Behaviour):
    """I += noise * uniform + 0.5 * excitatory input - inhibitory input (weights uniform in [0, 1))."""

    def initialize(self, n):
        self.noise = self.parameter("noise", 20.0)
        for s in n.synapses(afferent):
            s.W = s.matrix("uniform")

    def iteration(self, n):
        current = n.accumulator("I")                        # this step's input, zeroed on first use
        current += self.noise * n.vector("uniform")
        for s in n.synapses(afferent, "GLUTAMATE"):
            current += 0.5 * s.W[:, s.src.fired].sum(axis=1)  # column-major W: reads only fired columns
        for s in n.synapses(afferent, "GABA"):
            current -= s.W[:, s.src.fired].sum(axis=1)


def build(seed: int | None = 1, n_exc: int = 800, n_inh: int = 200) -> Network:
    """The network, ready to initialize."""
    net = Network(dt=0.5, seed=seed)
    for tag, size in (("exc", n_exc), ("inh", n_inh)):
        NeuronGroup(net, get_squared_dim(size), tag=tag, behaviour={
            10: NoiseAndSynapses(),
            30: Izhikevich(v="0;-65", u="0;-8"),  # v, u uniform in [-65, 0), [-8, 0)
            90: EventRecorder("fired"),
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
           title=f"Izhikevich neurons (all RS): {net.exc.size} exc + {net.inh.size} inh, {net.iteration} steps of {net.dt} ms")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), markerscale=12, frameon=False)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv: list[str] | None = None) -> Network:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=1000, help="steps of 0.5 ms (default 1000)")
    parser.add_argument("--seed", type=int, default=1, help="network seed (default 1)")
    parser.add_argument("--out", default="quickstart_raster.png", help="PNG to write")
    parser.add_argument("--quick", action="store_true", help="250 steps (125 ms), for tests")
    args = parser.parse_args(argv)
    if args.quick:
        args.steps = min(args.steps, 250)
    net = build(seed=args.seed)
    net.initialize()
    start = time.perf_counter()
    net.simulate_iterations(args.steps)
    print(f"simulated {net.t:g} ms ({args.steps} steps of {net.dt:g} ms) in {time.perf_counter() - start:.2f} s")
    for group in (net.exc, net.inh):
        spikes = group["EventRecorder", 0].count()
        print(f"{group.tag}: {spikes} spikes, {spikes / (group.size * args.steps):.4f} spikes/neuron/step")
    save_raster(net, args.out)
    print(f"raster saved to {args.out}")
    return net


if __name__ == "__main__":
    main()

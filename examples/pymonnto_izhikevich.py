"""PymoNNto's Izhikevich tutorial network (800 excitatory + 200 inhibitory neurons) in pymonn's style.

The seed script (PymoNNto's "Izhikevich Neuron PymoNNto Implementation") rewritten with pymonn's
API: ``initialize`` / ``iteration``, ``vector()`` / ``matrix()``, the library's ``Izhikevich``
model, ``Recorder`` and ``EventRecorder``. Every neuron gets a uniform random drive of 0-20 each
step; excitatory spikes add ``0.5 * W`` and inhibitory spikes subtract ``W`` (weights uniform in
[0, 1), all to all); dt = 0.5 ms.

    python examples/pymonnto_izhikevich.py                 # 1000 steps, writes pymonnto_izhikevich.png
    python examples/pymonnto_izhikevich.py --explore       # opens the Qt explorer instead
    python -m pymonn.ui examples/pymonnto_izhikevich.py    # the same, through pymonn.ui

The module builds ``net`` at import, which is what ``python -m pymonn.ui`` opens.
"""

from __future__ import annotations

import argparse
import time

from pymonn.behaviours import Izhikevich

from pymonn import *


class IzhikevichInput(Behaviour):
    """Noise plus synaptic input, added into ``n.accumulator('I')`` (Izhikevich's dimensionless units).

    ``I = amplitude * uniform[0, 1) + 0.5 * sum(W_exc[:, fired_exc]) - sum(W_inh[:, fired_inh])``
    with the sums over the afferent synapse groups tagged ``GLUTAMATE`` and ``GABA``. Afferent
    weights are created here as ``W = uniform[0, 1)``, (dst, src), column-major.

    Parameters
    ----------
    amplitude : float
        Peak of the uniform noise drive (default 20, as in Izhikevich 2003 and the seed script).
    exc_scale : float
        Factor on excitatory input (default 0.5).
    """

    default_key = 10

    def initialize(self, n):
        self.amplitude = self.parameter("amplitude", 20.0)
        self.exc_scale = self.parameter("exc_scale", 0.5)
        for s in n.synapses(afferent):
            s.W = s.matrix("uniform")

    def iteration(self, n):
        current = n.accumulator("I")
        current += self.amplitude * n.vector("uniform")
        for s in n.synapses(afferent, "GLUTAMATE"):
            current += self.exc_scale * s.W[:, s.src.fired].sum(axis=1)  # reads only the fired columns
        for s in n.synapses(afferent, "GABA"):
            current -= s.W[:, s.src.fired].sum(axis=1)


def build(seed: int | None = 1, trace_steps: int = 2000) -> Network:
    """The seed network, ready to initialize; its trace recorders keep the newest ``trace_steps`` steps."""
    net = Network(dt=0.5, seed=seed)
    for tag, size in (("excitatory_neurons", 800), ("inhibitory_neurons", 200)):
        NeuronGroup(net, get_squared_dim(size), tag=tag, behaviour={
            10: IzhikevichInput(amplitude=20.0),
            30: Izhikevich(a=0.02, b=0.2, c=-65.0, d=8.0, v="0;-65", u="0;-8"),
            90: Recorder(["v", "u"], tag="my_recorder", max_length=trace_steps),
            91: EventRecorder("fired", tag="spikes"),
        })
    SynapseGroup(net, "excitatory_neurons", "excitatory_neurons", tag="GLUTAMATE")
    SynapseGroup(net, "excitatory_neurons", "inhibitory_neurons", tag="GLUTAMATE")
    SynapseGroup(net, "inhibitory_neurons", "excitatory_neurons", tag="GABA")
    SynapseGroup(net, "inhibitory_neurons", "inhibitory_neurons", tag="GABA")
    return net


def save_raster(net: Network, path: str) -> None:
    """Raster of both groups (excitatory below, inhibitory above) and the first neuron's v and u."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax, ax_v) = plt.subplots(2, 1, figsize=(9, 6.5), sharex=True, gridspec_kw={"height_ratios": [3, 1]})
    offset = 0
    for group, colour in ((net.excitatory_neurons, "tab:blue"), (net.inhibitory_neurons, "tab:red")):
        spikes = group["spikes", 0]
        ax.scatter(spikes["fired.t"], spikes["fired.i"] + offset, s=0.6, c=colour, label=group.tag, linewidths=0)
        offset += group.size
    ax.set(ylabel="neuron", ylim=(0, offset),
           title=f"PymoNNto's Izhikevich network in pymonn: {net.iteration} steps of {net.dt} ms")
    ax.legend(loc="upper right", markerscale=12, frameon=True, fontsize=8)
    rec = net.excitatory_neurons["my_recorder", 0]
    ax_v.plot(rec.t, rec["v"][:, 0], lw=0.8, label="v (mV), neuron 0")
    ax_v.plot(rec.t, rec["u"][:, 0], lw=0.8, label="u, neuron 0")
    ax_v.set(xlabel="time (ms)", xlim=(0, net.t))
    ax_v.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


#: The network ``python -m pymonn.ui examples/pymonnto_izhikevich.py`` opens.
net = build()


def main(argv: list[str] | None = None) -> Network:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=1000, help="steps of 0.5 ms (default 1000)")
    parser.add_argument("--seed", type=int, default=1, help="network seed (default 1)")
    parser.add_argument("--out", default="pymonnto_izhikevich.png", help="PNG to write")
    parser.add_argument("--explore", action="store_true", help="open the Qt explorer instead of running")
    parser.add_argument("--quick", action="store_true", help="250 steps (125 ms), for tests")
    args = parser.parse_args(argv)
    if args.quick:
        args.steps = min(args.steps, 250)
    network = build(seed=args.seed, trace_steps=max(1, args.steps))
    network.initialize()
    if args.explore:
        from pymonn.ui import explore

        explore(network)
        return network
    start = time.perf_counter()
    network.simulate_iterations(args.steps, progress=False)
    print(f"simulated {network.t:g} ms ({args.steps} steps of {network.dt:g} ms) in {time.perf_counter() - start:.2f} s")
    for group in network.NeuronGroups:
        count = group["spikes", 0].count()
        print(f"{group.tag}: {count} spikes, {count / (group.size * args.steps):.4f} spikes/neuron/step")
    save_raster(network, args.out)
    print(f"raster saved to {args.out}")
    return network


if __name__ == "__main__":
    main()

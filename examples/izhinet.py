"""Random Izhikevich networks on a sequence of inputs: izhinet's ``run.py``, with what it lacked.

    python examples/izhinet.py -h
    python examples/izhinet.py -rt 200 -dt 0.5              # writes spike_train.png

As in izhinet, a random network of Izhikevich (2003) neurons is simulated on a set of inputs, each
for ``--runtime`` ms at resolution ``--deltat`` ms, and its spike trains are plotted. izhinet's
to-do list is done here: the inputs are one timed schedule that switches from one input to the
next during a single run (no restart between inputs), and the state variables ``v`` and ``u``
are recorded along with the spikes (``--save FILE.npz`` stores them).

Network: ``--neurons`` cells, 80% excitatory regular-spiking and 20% inhibitory fast-spiking with
Izhikevich's per-cell heterogeneity (a, b, c, d drawn as in his 2003 paper), random sparse
weights (each pair connected with probability ``--p``; excitatory weights uniform in [0, 0.5),
inhibitory in (-1, 0]). Each input drives a random subset of the neurons (``--fraction``) with a
constant current of ``--current`` (the model's mV/ms units) and leaves the others at 0.
"""

from __future__ import annotations

import argparse

import numpy as np
from pymonn.behaviours import DeltaSynapse, Izhikevich, TimedSchedule

from pymonn import EventRecorder, Network, NeuronGroup, Recorder, SynapseGroup


def make_inputs(n_inputs: int, n_neurons: int, fraction: float, current: float, rng: np.random.Generator) -> np.ndarray:
    """(n_inputs, n_neurons) currents: each input drives a random ``fraction`` of the neurons."""
    drive = np.zeros((n_inputs, n_neurons))
    k = max(1, int(round(fraction * n_neurons)))
    for row in drive:
        row[rng.choice(n_neurons, size=k, replace=False)] = current
    return drive


def build(neurons: int = 100, inputs: np.ndarray | None = None, runtime: float = 200.0, deltat: float = 0.5,
          p: float = 0.1, seed: int = 1) -> Network:
    """The network with its timed input schedule, initialized (``net.izh`` is the neuron group)."""
    net = Network(dt=deltat, seed=seed)
    rng = np.random.default_rng(seed)
    n_exc = int(round(0.8 * neurons))
    exc = np.arange(neurons) < n_exc
    r = rng.random(neurons)
    # Izhikevich 2003: excitatory a=0.02, b=0.2, c=-65+15r^2, d=8-6r^2; inhibitory a=0.02+0.08r, b=0.25-0.05r, c=-65, d=2
    a = np.where(exc, 0.02, 0.02 + 0.08 * r)
    b = np.where(exc, 0.2, 0.25 - 0.05 * r)
    c = np.where(exc, -65.0 + 15.0 * r**2, -65.0)
    d = np.where(exc, 8.0 - 6.0 * r**2, 2.0)
    times = [k * runtime for k in range(len(inputs))]
    NeuronGroup(net, neurons, tag="izh", behaviour={
        10: TimedSchedule(times=times, values=list(inputs)),
        30: Izhikevich(a=a, b=b, c=c, d=d, v=-65.0),
        90: Recorder(["v", "u", "I"]),
        91: EventRecorder("fired"),
    })
    # weights (dst, src): excitatory columns in [0, 0.5), inhibitory in (-1, 0], each pair with probability p
    mask = rng.random((neurons, neurons)) < p
    np.fill_diagonal(mask, False)
    w = np.where(exc[None, :], 0.5 * rng.random((neurons, neurons)), -rng.random((neurons, neurons))) * mask
    SynapseGroup(net, "izh", "izh", tag="recurrent", behaviour={20: DeltaSynapse(W=w)})
    net.initialize()
    return net


def plot(net: Network, runtime: float, n_inputs: int, path: str, trace_neuron: int) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    g = net.izh
    spikes = g["EventRecorder", 0]
    rec = g["Recorder", 0]
    n_exc = int(round(0.8 * g.size))
    fig, (ax, axv) = plt.subplots(2, 1, figsize=(10, 7), sharex=True, gridspec_kw={"height_ratios": [3, 2]})
    t, i = spikes["fired.t"], spikes["fired.i"]
    ax.scatter(t[i < n_exc], i[i < n_exc], s=3, c="tab:blue", linewidths=0, label="excitatory (RS)")
    ax.scatter(t[i >= n_exc], i[i >= n_exc], s=3, c="tab:red", linewidths=0, label="inhibitory (FS)")
    for k in range(1, n_inputs):
        ax.axvline(k * runtime, c="0.5", lw=0.8, ls="--")
        axv.axvline(k * runtime, c="0.5", lw=0.8, ls="--")
    for k in range(n_inputs):
        ax.text((k + 0.5) * runtime, g.size * 1.01, f"input {k}", ha="center", va="bottom", fontsize=9)
    ax.set(ylabel="neuron", ylim=(-1, g.size * 1.08), title="Spike trains of a random Izhikevich network")
    ax.legend(loc="upper right", bbox_to_anchor=(1.0, -0.02), ncol=2, markerscale=4, frameon=False, fontsize=8)
    axv.plot(rec.t, rec["v"][:, trace_neuron], c="tab:blue", lw=0.8, label=f"v (mV), neuron {trace_neuron}")
    axv.set(xlabel="time (ms)", ylabel="v (mV)", xlim=(0, net.t))
    axu = axv.twinx()  # u has the unit of dv/dt (mV/ms) and its own range: a second axis
    axu.plot(rec.t, rec["u"][:, trace_neuron], c="tab:orange", lw=0.8, label="u (mV/ms)")
    axu.set_ylabel("u (mV/ms)", color="tab:orange")
    lines = axv.get_lines()[-1:] + axu.get_lines()
    axv.legend(lines, [line.get_label() for line in lines], loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=2,
               fontsize=8, frameon=False)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description="Run random spiking neural networks.", epilog=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-rt", "--runtime", type=float, default=200.0,
                        help="Simulation runtime in milliseconds per input.")
    parser.add_argument("-dt", "--deltat", type=float, default=0.5, help="Simulation delta time (dt), resolution.")
    parser.add_argument("--neurons", type=int, default=100, help="network size (default 100)")
    parser.add_argument("--inputs", type=int, default=4, help="number of inputs, applied one after another (default 4)")
    parser.add_argument("--fraction", type=float, default=0.3, help="fraction of neurons each input drives (0.3)")
    parser.add_argument("--current", type=float, default=10.0, help="input current of driven neurons (default 10)")
    parser.add_argument("--p", type=float, default=0.1, help="connection probability (default 0.1)")
    parser.add_argument("--seed", type=int, default=1, help="seed (default 1)")
    parser.add_argument("--out", default="spike_train.png", help="spike-train plot (default spike_train.png)")
    parser.add_argument("--save", default=None, help="also save t, v, u and the spikes to this .npz file")
    parser.add_argument("--quick", action="store_true", help="3 inputs of 100 ms (for tests)")
    args = parser.parse_args(argv)
    if args.quick:
        args.inputs, args.runtime = min(args.inputs, 3), min(args.runtime, 100.0)
    if args.runtime <= 0 or args.deltat <= 0 or args.neurons < 2 or args.inputs < 1:
        parser.error("runtime and deltat must be positive, neurons >= 2 and inputs >= 1")
    inputs = make_inputs(args.inputs, args.neurons, args.fraction, args.current, np.random.default_rng(args.seed + 1))
    net = build(args.neurons, inputs, args.runtime, args.deltat, args.p, args.seed)
    net.run(args.runtime * args.inputs, progress=False)
    g = net.izh
    spikes = g["EventRecorder", 0]
    t, i = spikes["fired.t"], spikes["fired.i"]
    rates = np.zeros((args.inputs, 2))
    print(f"{args.neurons} Izhikevich neurons, {args.inputs} inputs x {args.runtime:g} ms at dt = {args.deltat:g} ms")
    for k in range(args.inputs):
        window = (t > k * args.runtime) & (t <= (k + 1) * args.runtime)
        driven = inputs[k] > 0
        counts = np.bincount(i[window], minlength=args.neurons)
        rates[k] = [1000.0 * counts[driven].mean() / args.runtime, 1000.0 * counts[~driven].mean() / args.runtime]
        print(f"input {k}: driven neurons {rates[k, 0]:6.1f} Hz, others {rates[k, 1]:6.1f} Hz")
    rec = g["Recorder", 0]
    print(f"recorded v and u: {rec['v'].shape[0]} steps x {args.neurons} neurons; {len(t)} spikes")
    trace = int(np.flatnonzero(inputs[0] > 0)[0])
    plot(net, args.runtime, args.inputs, args.out, trace)
    print(f"spike trains saved to {args.out}")
    if args.save:
        np.savez_compressed(args.save, t=rec.t, v=rec["v"], u=rec["u"], spike_t=t, spike_i=i, inputs=inputs)
        print(f"state saved to {args.save}")
    return {"net": net, "inputs": inputs, "rates": rates}


if __name__ == "__main__":
    main()

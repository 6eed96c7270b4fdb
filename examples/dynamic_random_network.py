"""A random recurrent LIF network learning with both kinds of STDP: Neurapse's dynamic random network.

    python examples/dynamic_random_network.py                       # both rules; dynamic_random_network.png
    python examples/dynamic_random_network.py --stdp additive --duration 20

N = 500 LIF neurons (Neurapse's LIF: C = 300 pF, tau_m = 10 ms, E_L = -70 mV, threshold
-50 mV, 2 ms refractory), 80% excitatory. Every excitatory neuron sends 50 synapses to random
other neurons with axonal delays drawn uniformly from 1-20 ms; every inhibitory neuron sends 50
synapses to random excitatory neurons with a delay of 1 ms (exponential currents, 5 ms). The
first 25 neurons are driven by a strong noisy current (Ornstein-Uhlenbeck, mean 800 pA,
standard deviation 150 pA, 5 ms), the others by a weaker one (mean 450 pA, just below
threshold), so that they fire irregularly at a few spikes per second. Activity spreads from the driven neurons through the random
connections.

The excitatory synapses are plastic, with one of Neurapse's two kinds of STDP (pair-based,
tau = 20 ms, weights in [0, 120] pA, started uniformly in that range):

* additive (Song, Miller & Abbott 2000): every pair changes w by A_+ w_max or -A_- w_max; the
  weights compete and split towards the bounds - a bimodal distribution;
* multiplicative (van Rossum, Bi & Turrigiano 2000): depression is proportional to w, which
  pulls every weight towards one equilibrium - a unimodal distribution.

``--stdp both`` (default) runs the same network (same seed) once with each rule and plots the
rasters, the final weight distributions and the mean weight over time side by side.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from pymonn.behaviours import LIF, STDP, ExponentialSynapse, OUNoise
from pymonn.behaviours.connectivity import CSR, fixed_outdegree

from pymonn import EventRecorder, Network, NeuronGroup, SynapseGroup

N, N_EXC, FAN_OUT, DRIVEN = 500, 400, 50, 25
W_MAX, W_INH = 120.0, -75.0  # pA


def connectivity(rng: np.random.Generator, dt: float) -> tuple[CSR, np.ndarray, CSR]:
    """Excitatory CSR (E -> all, no self), its delays in steps, inhibitory CSR (I -> E)."""
    ptr_e, idx_e = fixed_outdegree(N_EXC, N, FAN_OUT, rng)
    own = np.repeat(np.arange(N_EXC), FAN_OUT)
    # a neuron never targets itself: redirect such a synapse to the next free neuron of its row
    rows = idx_e.reshape(N_EXC, FAN_OUT).astype(np.int64)
    for r in np.flatnonzero((rows == own.reshape(N_EXC, FAN_OUT)).any(axis=1)):
        free = np.setdiff1d(np.arange(N), np.append(rows[r], r))
        rows[r][rows[r] == r] = rng.choice(free)
        rows[r].sort()
    exc_ptr = np.concatenate([ptr_e, np.full(N - N_EXC, ptr_e[-1])])
    exc = CSR(exc_ptr, rows.ravel(), rng.uniform(0.0, W_MAX, rows.size), N, N)
    delay_ms = rng.integers(1, 21, size=rows.size)
    delays = np.round(delay_ms / dt).astype(np.int64) - 1  # a spike of step t arrives in step t + 1 + d
    ptr_i, idx_i = fixed_outdegree(N - N_EXC, N_EXC, FAN_OUT, rng)
    inh_ptr = np.concatenate([np.zeros(N_EXC, dtype=np.int64), ptr_i])
    inh = CSR(inh_ptr, idx_i, np.full(idx_i.size, W_INH), N, N)
    return exc, delays, inh


def build(rule: str, *, seed: int = 1, dt: float = 0.1, a_plus: float = 0.01) -> Network:
    """The network with ``rule`` ('additive' or 'multiplicative') on the excitatory synapses; initialized."""
    net = Network(dt=dt, seed=seed)
    mu = np.where(np.arange(N) < DRIVEN, 800.0, 520.0)
    NeuronGroup(net, N, tag="net", behaviour={
        10: OUNoise(mu=mu, sigma=150.0, tau=5.0),
        30: LIF(C_m=300.0, tau_m=10.0, v_rest=-70.0, v_reset=-70.0, v_th=-50.0, t_ref=2.0, v="-70;-60"),
        90: EventRecorder("fired"),
    })
    exc, delays, inh = connectivity(np.random.default_rng(seed), dt)
    # multiplicative: depression A_- * w * y; with A_- = 2 A_+ the weights settle around the middle
    a_minus = 1.05 * a_plus if rule == "additive" else 2.0 * a_plus
    SynapseGroup(net, "net", "net", tag="exc", behaviour={
        20: ExponentialSynapse(W=exc, tau=5.0, delay=delays),
        40: STDP(A_plus=a_plus, A_minus=a_minus, w_min=0.0, w_max=W_MAX, weight_dependence=rule),
    })
    SynapseGroup(net, "net", "net", tag="inh", behaviour={21: ExponentialSynapse(W=inh, tau=5.0, delay=9)})
    net.initialize()
    return net


def run(rule: str, duration_s: float, *, seed: int, a_plus: float, samples: int = 20) -> dict:
    net = build(rule, seed=seed, a_plus=a_plus)
    sg = net.exc
    history = [(0.0, float(np.mean(sg.W)) / W_MAX, float(np.std(sg.W)) / W_MAX)]
    start = time.perf_counter()
    for _ in range(samples):
        net.run(duration_s * 1000.0 / samples, progress=False)
        history.append((net.t, float(np.mean(sg.W)) / W_MAX, float(np.std(sg.W)) / W_MAX))
    wall = time.perf_counter() - start
    w = np.array(sg.W, dtype=np.float64) / W_MAX
    rec = net.net["EventRecorder", 0]
    rate = rec.count() / (N * duration_s)
    counts = np.histogram(w, bins=10, range=(0, 1))[0] / w.size
    return {"rule": rule, "net": net, "weights": w, "history": history, "rate": rate, "wall_s": wall,
            "edges": float(counts[0] + counts[-1]), "middle": float(counts[3:7].sum()), "std": float(w.std()),
            "mean": float(w.mean())}


def plot(results: list[dict], path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(len(results), 3, figsize=(14, 3.8 * len(results)), squeeze=False,
                             gridspec_kw={"width_ratios": [2.2, 1, 1]})
    for row, res in zip(axes, results, strict=True):
        net = res["net"]
        rec = net.net["EventRecorder", 0]
        t, i = rec["fired.t"], rec["fired.i"]
        last = t > net.t - 1000.0
        exc = i < N_EXC
        row[0].scatter(t[last & exc], i[last & exc], s=0.8, c="tab:blue", linewidths=0)
        row[0].scatter(t[last & ~exc], i[last & ~exc], s=0.8, c="tab:red", linewidths=0)
        row[0].set(xlabel="time (ms)", ylabel="neuron", ylim=(0, N), xlim=(max(0, net.t - 1000.0), net.t),
                   title=f"{res['rule']} STDP: last second, {res['rate']:.1f} Hz")
        row[1].hist(res["weights"], bins=20, range=(0, 1), color="tab:blue", edgecolor="w")
        row[1].set(xlabel="w / w_max", ylabel="synapses", title="final excitatory weights")
        h = np.array(res["history"])
        row[2].plot(h[:, 0] / 1000.0, h[:, 1], c="k", label="mean")
        row[2].plot(h[:, 0] / 1000.0, h[:, 2], c="tab:orange", label="standard deviation")
        row[2].set(xlabel="time (s)", ylabel="w / w_max", ylim=(0, 0.8), title="weights over time")
        row[2].legend(frameon=False, fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stdp", choices=["additive", "multiplicative", "both"], default="both")
    parser.add_argument("--duration", type=float, default=None, help="simulated seconds per rule (20; 4 with --quick)")
    parser.add_argument("--a-plus", type=float, default=None, help="A_+ (default 0.02; 0.05 with --quick)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default="dynamic_random_network.png")
    parser.add_argument("--quick", action="store_true", help="4 s per rule with faster learning (for tests)")
    args = parser.parse_args(argv)
    duration = args.duration or (4.0 if args.quick else 20.0)
    a_plus = args.a_plus or (0.05 if args.quick else 0.02)
    rules = ["additive", "multiplicative"] if args.stdp == "both" else [args.stdp]
    results = [run(rule, duration, seed=args.seed, a_plus=a_plus) for rule in rules]
    print(f"{N} LIF neurons ({N_EXC} excitatory), {N * FAN_OUT} synapses, delays 1-20 ms; {duration:g} s per rule, "
          f"A_+ = {a_plus:g}")
    for res in results:
        print(f"{res['rule']:>15}: rate {res['rate']:.1f} Hz, final w/w_max mean {res['mean']:.2f}, std "
              f"{res['std']:.2f}, {100 * res['edges']:.0f}% in the outer bins, {100 * res['middle']:.0f}% in the "
              f"middle 40% ({res['wall_s']:.1f} s)")
    plot(results, args.out)
    print(f"figure saved to {args.out}")
    return results


if __name__ == "__main__":
    main()

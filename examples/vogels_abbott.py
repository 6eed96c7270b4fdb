"""The Vogels & Abbott (2005) network as benchmarks 1 (COBA) and 2 (CUBA) of Brette et al. (2007).

Shared by ``cuba.py`` and ``coba.py`` (run those, or ``vogels_abbott.py [cuba|coba] [options]``, CUBA when
no network is named). 4,000 leaky integrate-and-fire neurons, the first
80% excitatory and the rest inhibitory, every ordered pair connected with probability 2% (80
inputs per neuron on average; ``--size N`` keeps the 80 inputs, p = 80 / N), in one neuron group
``net.P`` as in Brian2's versions of the benchmarks. Parameters (Brette et al. 2007, appendix):
tau_m = 20 ms, V_t = -50 mV, V_r = -60 mV, refractory period 5 ms; C_m = 200 pF (g_L = 10 nS).

* CUBA: E_L = -49 mV (just above threshold, so the network needs no external input), exponential
  synaptic currents with tau_e = 5 ms and tau_i = 10 ms; the weights are the voltage jumps
  60 * 0.27 / 10 = 1.62 mV and -20 * 4.5 / 10 = -9 mV, i.e. 16.2 pA and -90 pA into 200 pF / 20 ms.
* COBA: E_L = -60 mV, exponential conductances (tau_e = 5 ms, E_e = 0 mV, 6 nS; tau_i = 10 ms,
  E_i = -80 mV, 67 nS), started from Brian2's random initial state (v ~ E_L + N(-5, 5) mV,
  g_e ~ 10 N(4, 1.5) nS, g_i ~ 10 N(20, 12) nS).

Both networks settle into self-sustained asynchronous irregular activity. The reference for
the rates is Brian2 2.9 running its own example scripts of these benchmarks (same equations,
4,000 neurons, 1 s, dt = 0.1 ms; three seeds): CUBA 5.5 - 5.6 spikes/s, COBA 18.4 - 18.9
spikes/s. The tests check pymonn's rates against those within 30%.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from pymonn.behaviours import LIF, ConductanceSynapse, ExponentialSynapse
from pymonn.behaviours.connectivity import CSR, fixed_probability

from pymonn import EventRecorder, Network, NeuronGroup, SynapseGroup, analysis

#: Rates (spikes/s) Brian2 2.9 gives for its own CUBA / COBA example scripts (4000 neurons, 1 s).
BRIAN2_RATES = {"cuba": 5.55, "coba": 18.6}

CUBA = {"v_rest": -49.0, "w_e": 16.2, "w_i": -90.0}   # pA into C_m = 200 pF
COBA = {"v_rest": -60.0, "g_e": 6.0, "g_i": 67.0, "E_e": 0.0, "E_i": -80.0}   # nS, mV


def rows_csr(n_src_total: int, first: int, n_rows: int, n_dst: int, p: float, rng: np.random.Generator,
             weight: float, dtype) -> CSR:
    """Connections from sources ``first .. first + n_rows - 1`` only (other rows empty), probability ``p``."""
    indptr, indices = fixed_probability(n_rows, n_dst, p, rng)
    full = np.empty(n_src_total + 1, dtype=np.int64)
    full[:first + 1] = 0
    full[first + 1:first + n_rows + 1] = indptr[1:]
    full[first + n_rows + 1:] = indptr[-1]
    return CSR(full, indices, np.full(indices.size, weight, dtype=dtype), n_src_total, n_dst)


def build(kind: str, size: int = 4000, *, seed: int = 1, dtype=np.float64, dt: float = 0.1) -> Network:
    """The CUBA or COBA network, initialized; neurons are ``net.P`` (first 80% excitatory)."""
    net = Network(dt=dt, seed=seed, dtype=dtype)
    n_exc = int(round(0.8 * size))
    p = min(1.0, 80.0 / size)
    rng = net.rng
    params = CUBA if kind == "cuba" else COBA
    P = NeuronGroup(net, size, tag="P", behaviour={
        30: LIF(tau_m=20.0, C_m=200.0, v_rest=params["v_rest"], v_reset=-60.0, v_th=-50.0, t_ref=5.0,
                v="-60;-50" if kind == "cuba" else "normal(-65, 5)"),
        90: EventRecorder("fired"),
    })
    if kind == "cuba":
        exc = rows_csr(size, 0, n_exc, size, p, rng, params["w_e"], net.dtype)
        inh = rows_csr(size, n_exc, size - n_exc, size, p, rng, params["w_i"], net.dtype)
        # one synapse group: positive weights decay with tau = 5 ms, negative ones with tau_inh = 10 ms
        both = CSR(np.concatenate([exc.indptr[:n_exc + 1], exc.indptr[n_exc] + inh.indptr[n_exc + 1:]]),
                   np.concatenate([exc.indices, inh.indices]), np.concatenate([exc.data, inh.data]), size, size)
        SynapseGroup(net, P, P, tag="recurrent", behaviour={20: ExponentialSynapse(W=both, tau=5.0, tau_inh=10.0)})
    else:
        exc = rows_csr(size, 0, n_exc, size, p, rng, params["g_e"], net.dtype)
        inh = rows_csr(size, n_exc, size - n_exc, size, p, rng, params["g_i"], net.dtype)
        SynapseGroup(net, P, P, tag="exc", behaviour={20: ConductanceSynapse(W=exc, tau=5.0, E=params["E_e"])})
        SynapseGroup(net, P, P, tag="inh", behaviour={21: ConductanceSynapse(W=inh, tau=10.0, E=params["E_i"])})
    net.initialize()
    if kind == "coba":  # Brian2's initial conductances (nS), never negative
        net.SynapseGroups[0].g[:] = np.maximum(0.0, 10.0 * rng.normal(4.0, 1.5, size))
        net.SynapseGroups[1].g[:] = np.maximum(0.0, 10.0 * rng.normal(20.0, 12.0, size))
    net.n_exc = n_exc
    return net


def statistics(net: Network, t_start: float = 0.0) -> dict:
    """Rates of the excitatory and inhibitory neurons, CV of the ISIs and synchrony (after ``t_start``)."""
    rec = net.P["EventRecorder", 0]
    t, i = rec["fired.t"], rec["fired.i"]
    keep = t > t_start
    t, i = t[keep], i[keep]
    span = (net.t - t_start) / 1000.0
    n, n_exc = net.P.size, net.n_exc
    trains = analysis.as_spike_trains((t, i), n=n, t_start=t_start, t_stop=net.t)
    cv = analysis.cv_isi(trains)
    return {
        "rate": len(t) / (n * span),
        "rate_exc": np.sum(i < n_exc) / (n_exc * span),
        "rate_inh": np.sum(i >= n_exc) / ((n - n_exc) * span),
        "cv": float(np.nanmean(cv)),
        "synchrony": analysis.spike_synchrony(trains, bin_ms=1.0, width_ms=5.0) if len(t) else float("nan"),
        "spikes": int(rec.count()),
    }


def plot(net: Network, title: str, path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rec = net.P["EventRecorder", 0]
    t, i = rec["fired.t"], rec["fired.i"]
    fig, (ax, axr) = plt.subplots(2, 1, figsize=(9, 6), sharex=True, gridspec_kw={"height_ratios": [3, 1]})
    exc = i < net.n_exc
    ax.scatter(t[exc], i[exc], s=0.3, c="tab:blue", linewidths=0, label="excitatory", rasterized=True)
    ax.scatter(t[~exc], i[~exc], s=0.3, c="tab:red", linewidths=0, label="inhibitory", rasterized=True)
    ax.set(ylabel="neuron", ylim=(0, net.P.size), title=title)
    ax.legend(loc="upper right", markerscale=15, frameon=True, fontsize=8)
    trains = analysis.as_spike_trains((t, i), n=net.P.size, t_start=0.0, t_stop=net.t)
    tc, rate = analysis.population_rate(trains, bin_ms=1.0, width_ms=3.0)
    axr.plot(tc, rate, c="k", lw=0.8)
    axr.set(xlabel="time (ms)", ylabel="rate (Hz)", xlim=(0, net.t))
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(kind: str, argv: list[str] | None = None) -> dict:
    """Command line of cuba.py / coba.py."""
    name = kind.upper()
    doc = (__doc__ or "").split("\n\n", 1)[1]
    parser = argparse.ArgumentParser(description=f"The {name} network of Brette et al. (2007).\n\n{doc}",
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=4000, help="neurons (default 4000; 80 inputs each)")
    parser.add_argument("--duration", type=float, default=1000.0, help="simulated time in ms (default 1000)")
    parser.add_argument("--dt", type=float, default=0.1, help="time step in ms (default 0.1)")
    parser.add_argument("--dtype", choices=["float64", "float32", "float16"], default="float64")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default=f"{kind}_raster.png", help=f"raster PNG (default {kind}_raster.png)")
    parser.add_argument("--quick", action="store_true", help="500 ms (for tests)")
    args = parser.parse_args(argv)
    if args.quick:
        args.duration = min(args.duration, 500.0)
    start = time.perf_counter()
    net = build(kind, args.size, seed=args.seed, dtype=np.dtype(args.dtype), dt=args.dt)
    setup = time.perf_counter() - start
    nnz = sum(sg.csr.nnz for sg in net.SynapseGroups)
    start = time.perf_counter()
    net.run(args.duration, progress=False)
    wall = time.perf_counter() - start
    stats = statistics(net, t_start=min(100.0, args.duration / 5))
    stats.update(setup_s=setup, wall_s=wall, synapses=nnz)
    print(f"{name}: {args.size} neurons, {nnz} synapses, {args.duration:g} ms at dt = {args.dt:g} ms ({args.dtype})")
    print(f"set-up {setup:.2f} s, simulation {wall:.2f} s, {stats['spikes']} spikes")
    print(f"rate {stats['rate']:.2f} Hz (excitatory {stats['rate_exc']:.2f}, inhibitory {stats['rate_inh']:.2f}); "
          f"mean CV of ISIs {stats['cv']:.2f}; synchrony chi {stats['synchrony']:.3f}")
    print(f"reference (Brian2 2.9, 4000 neurons): {BRIAN2_RATES[kind]:.1f} Hz")
    plot(net, f"{name} network (Vogels & Abbott 2005; Brette et al. 2007): {args.size} neurons", args.out)
    print(f"raster saved to {args.out}")
    stats["net"] = net
    return stats


if __name__ == "__main__":
    import sys

    if len(sys.argv) > 1 and sys.argv[1] in ("cuba", "coba"):
        main(sys.argv[1], sys.argv[2:])
    elif len(sys.argv) > 1 and not sys.argv[1].startswith("-"):
        sys.exit(f"usage: python examples/vogels_abbott.py [cuba|coba] [options]: unknown network {sys.argv[1]!r}")
    else:  # options only (--help, --quick, ...): the CUBA network, as cuba.py runs it
        main("cuba", sys.argv[1:])

"""Brunel (2000) model A: a sparse network of excitatory and inhibitory LIF neurons and its four states.

    python examples/brunel.py --state AI            # writes brunel_AI.png
    python examples/brunel.py --state SR --scale 0.5 --duration 500

Model A of Brunel (2000, J. Comput. Neurosci. 8:183): N_E = 10,000 excitatory and N_I = 2,500
inhibitory leaky integrate-and-fire neurons (tau = 20 ms, theta = 20 mV, V_r = 10 mV, refractory
period 2 ms, potentials relative to rest); every neuron receives exactly C_E = 1,000 excitatory
and C_I = 250 inhibitory synapses (epsilon = 0.1), delta synapses of J = 0.1 mV (excitatory) and
-g J (inhibitory) with a transmission delay of D = 1.5 ms, and C_E external Poisson inputs of
rate nu_ext = eta * nu_thr, where nu_thr = theta / (J C_E tau) = 10 Hz drives the mean input to
threshold. ``--state`` picks (g, eta) from the four examples of the paper's Fig. 8:

    SR      g = 3,   eta = 2     synchronous regular: neurons fire regularly, in phase
    SI      g = 6,   eta = 4     synchronous irregular, fast population oscillation
    AI      g = 5,   eta = 2     asynchronous irregular: Poisson-like neurons, flat population rate
    SIslow  g = 4.5, eta = 0.9   synchronous irregular, slow population oscillation

``--scale s`` shrinks the network for quick runs: N_E, N_I, C_E and C_I all scale by s and J by
1/s, so that the mean input J C_E and the external drive stay those of the paper (fluctuations
grow by 1/sqrt(s)). The script prints the population rate, the mean CV of the inter-spike
intervals and the synchrony (Golomb's chi of the spike trains) and draws a raster and the
population rate.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from pymonn.behaviours import LIF, DeltaSynapse, PoissonInput
from pymonn.behaviours.connectivity import CSR, fixed_indegree

from pymonn import EventRecorder, Network, NeuronGroup, SynapseGroup, analysis

#: (g, eta) of Brunel 2000, Fig. 8 A-D.
STATES = {"SR": (3.0, 2.0), "SI": (6.0, 4.0), "AI": (5.0, 2.0), "SIslow": (4.5, 0.9)}

TAU, THETA, V_RESET, T_REF, DELAY = 20.0, 20.0, 10.0, 2.0, 1.5  # ms, mV, mV, ms, ms
C_M = 250.0  # pF; any value works: the weights below are voltage jumps divided by tau/C


def build(state: str = "AI", scale: float = 1.0, *, dt: float = 0.1, seed: int = 1, record_v: int = 0,
          g: float | None = None, eta: float | None = None) -> Network:
    """The network in ``state`` (or explicit ``g``, ``eta``), initialized; neurons are ``net.N``."""
    g0, eta0 = STATES[state]
    g = g0 if g is None else g
    eta = eta0 if eta is None else eta
    n_exc, n_inh = int(round(10_000 * scale)), int(round(2_500 * scale))
    c_exc, c_inh = int(round(1_000 * scale)), int(round(250 * scale))
    n = n_exc + n_inh
    J = 0.1 / scale  # mV
    nu_thr = 1000.0 * THETA / (J * c_exc * TAU)  # Hz
    nu_ext = eta * nu_thr
    net = Network(dt=dt, seed=seed)
    # a delta current of w pA during one step moves v by exactly w * (tau / C) * (1 - exp(-dt / tau)) mV
    w = J / ((TAU / C_M) * (1.0 - np.exp(-dt / TAU)))
    behaviour = {
        10: PoissonInput(N=c_exc, rate=nu_ext, weight=w * dt),  # weight: charge per spike, pA ms
        30: LIF(tau_m=TAU, C_m=C_M, v_rest=0.0, v_reset=V_RESET, v_th=THETA, t_ref=T_REF, v=f"0;{THETA}"),
        90: EventRecorder("fired"),
    }
    N = NeuronGroup(net, n, tag="N", behaviour=behaviour)
    rng = net.rng
    ptr_e, idx_e = fixed_indegree(n_exc, n, c_exc, rng)
    ptr_i, idx_i = fixed_indegree(n_inh, n, c_inh, rng)
    indptr = np.concatenate([ptr_e, ptr_e[-1] + ptr_i[1:]])
    weights = np.concatenate([np.full(idx_e.size, w), np.full(idx_i.size, -g * w)])
    csr = CSR(indptr, np.concatenate([idx_e, idx_i]), weights, n, n)
    # a spike of step t reaches the input of step t + 1 + d: D = 1.5 ms is d = D / dt - 1 steps
    d = int(round(DELAY / dt)) - 1
    SynapseGroup(net, N, N, tag="recurrent", behaviour={20: DeltaSynapse(W=csr, delay=d)})
    net.initialize()
    net.brunel = {"state": state, "g": g, "eta": eta, "n_exc": n_exc, "n_inh": n_inh, "C_E": c_exc, "C_I": c_inh,
                  "J": J, "nu_ext": nu_ext, "synapses": csr.nnz}
    return net


def statistics(net: Network, t_start: float = 100.0, sample: int = 1000) -> dict:
    """Activity after ``t_start``: population rate (Hz), mean CV of the ISIs and synchrony chi of the first
    ``sample`` neurons, CV of the population rate (0.5 ms bins) and the peak of its spectrum (>= 5 Hz)."""
    rec = net.N["EventRecorder", 0]
    t, i = rec["fired.t"], rec["fired.i"]
    keep = t > t_start
    t, i = t[keep], i[keep]
    n = net.N.size
    span = (net.t - t_start) / 1000.0
    m = min(sample, n)
    sel = i < m
    trains = analysis.as_spike_trains((t[sel], i[sel]), n=m, t_start=t_start, t_stop=net.t)
    cv = analysis.cv_isi(trains)
    all_trains = analysis.as_spike_trains((t, i), n=n, t_start=t_start, t_stop=net.t)
    _, pop = analysis.population_rate(all_trains, bin_ms=0.5)
    f, power = analysis.power_spectrum(all_trains, bin_ms=0.5)
    band = f >= 5.0
    return {
        "rate": len(t) / (n * span),
        "cv": float(np.nanmean(cv)) if np.isfinite(cv).any() else float("nan"),
        "synchrony": analysis.spike_synchrony(trains, bin_ms=1.0, width_ms=2.0),
        "pop_cv": float(pop.std() / pop.mean()) if pop.mean() > 0 else float("nan"),
        "peak_hz": float(f[band][np.argmax(power[band])]) if len(t) else float("nan"),
        "spikes": int(len(t)),
    }


def plot(net: Network, path: str, stats: dict) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    info = net.brunel
    rec = net.N["EventRecorder", 0]
    t, i = rec["fired.t"], rec["fired.i"]
    t_end = net.t
    t0 = max(0.0, t_end - 200.0)
    show = (t > t0) & (i < 100) | (t > t0) & (i >= info["n_exc"]) & (i < info["n_exc"] + 25)
    fig, (ax, axr) = plt.subplots(2, 1, figsize=(9, 6), sharex=True, gridspec_kw={"height_ratios": [2, 1]})
    y = np.where(i[show] < info["n_exc"], i[show], i[show] - info["n_exc"] + 100)
    colours = np.where(i[show] < info["n_exc"], "tab:blue", "tab:red")
    ax.scatter(t[show], y, s=2, c=colours, linewidths=0)
    ax.set(ylabel="neuron (100 exc, 25 inh)", ylim=(-1, 126),
           title=f"Brunel 2000 model A, state {info['state']} (g = {info['g']:g}, "
                 f"nu_ext/nu_thr = {info['eta']:g}): {stats['rate']:.1f} Hz, CV {stats['cv']:.2f}, "
                 f"chi {stats['synchrony']:.2f}")
    trains = analysis.as_spike_trains((t, i), n=net.N.size, t_start=0.0, t_stop=t_end)
    tc, rate = analysis.population_rate(trains, bin_ms=0.1)
    sel = tc > t0
    axr.plot(tc[sel], rate[sel], c="k", lw=0.6)
    axr.set(xlabel="time (ms)", ylabel="population rate (Hz)", xlim=(t0, t_end))
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--state", choices=list(STATES), default="AI", help="network state (default AI)")
    parser.add_argument("--g", type=float, default=None, help="relative inhibition g (overrides --state)")
    parser.add_argument("--eta", type=float, default=None, help="nu_ext / nu_thr (overrides --state)")
    parser.add_argument("--scale", type=float, default=1.0, help="network size factor (default 1: 12,500 neurons)")
    parser.add_argument("--duration", type=float, default=None, help="simulated time in ms (default 1000; 400 with --quick)")
    parser.add_argument("--dt", type=float, default=0.1, help="time step in ms (default 0.1)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default=None, help="PNG to write (default brunel_<state>.png)")
    parser.add_argument("--quick", action="store_true", help="scale 0.4 and 400 ms (for tests)")
    args = parser.parse_args(argv)
    if args.quick:
        args.scale = min(args.scale, 0.4)
    if args.duration is None:
        args.duration = 400.0 if args.quick else 1000.0
    if not 0 < args.scale <= 1:
        parser.error("--scale must lie in (0, 1]")
    out = args.out or f"brunel_{args.state}.png"
    start = time.perf_counter()
    net = build(args.state, args.scale, dt=args.dt, seed=args.seed, g=args.g, eta=args.eta)
    setup = time.perf_counter() - start
    start = time.perf_counter()
    net.run(args.duration)
    wall = time.perf_counter() - start
    info = net.brunel
    stats = statistics(net, t_start=min(100.0, args.duration / 4))
    print(f"Brunel model A, state {args.state}: g = {info['g']:g}, nu_ext = {info['nu_ext']:.1f} Hz "
          f"(eta = {info['eta']:g}); {info['n_exc']} + {info['n_inh']} neurons, C_E = {info['C_E']}, "
          f"J = {info['J']:.3g} mV, {info['synapses']} synapses")
    print(f"set-up {setup:.2f} s, simulation of {args.duration:g} ms {wall:.2f} s")
    print(f"rate {stats['rate']:.2f} Hz, mean CV of ISIs {stats['cv']:.2f}, synchrony chi {stats['synchrony']:.3f}, "
          f"CV of the population rate {stats['pop_cv']:.2f}, its spectral peak at {stats['peak_hz']:.0f} Hz")
    plot(net, out, stats)
    print(f"figure saved to {out}")
    stats.update(net=net, wall_s=wall, setup_s=setup)
    return stats


if __name__ == "__main__":
    main()

"""The cortical microcircuit of Potjans & Diesmann (2014), at full scale or shrunk with ``--scale``.

    python examples/potjans_diesmann.py --scale 0.1                 # 7,717 neurons, ~3 million synapses
    python examples/potjans_diesmann.py --scale 1 --duration 100    # 77,169 neurons, ~300 million synapses

Eight populations (L2/3, L4, L5 and L6, excitatory and inhibitory) of current-based LIF neurons
(NEST's iaf_psc_exp: C_m = 250 pF, tau_m = 10 ms, E_L = V_reset = -65 mV, V_th = -50 mV,
2 ms refractory, exponential synaptic currents of 0.5 ms). Connection probabilities between the
populations are the paper's table (Potjans & Diesmann 2014, Cereb. Cortex 24:785, Table 5);
the synapses are drawn as a fixed total number per pair of populations, with multiple synapses
per pair allowed and no autapses. Excitatory synapses evoke PSPs of 0.15 mV (0.3 mV from L4e to
L2/3e), inhibitory ones -4 times that, each weight drawn with a relative spread of 10%.
Layer- and type-specific axonal delays: excitatory 1.5 +- 0.75 ms, inhibitory 0.75 +- 0.375 ms
(normal, redrawn below one step). Every neuron gets independent Poisson background input of
8 Hz through K_ext synapses (1600 ... 2900 per population).

Storage: one neuron group of all neurons (populations are index ranges) and one synapse group
in sparse CSR, float32 weights (4 bytes) + int32 targets (4 bytes) + uint8 delays (1 byte) per
synapse, so the full-scale circuit needs about 2.7 GB.

Scaling (as in NEST's reference implementation of the model): ``--scale s`` multiplies the
neuron numbers and the in-degrees by s; the weights grow by 1/sqrt(s) and a DC current restores
the mean input of the full-scale circuit, computed from its published population rates, so that
the rates stay close to the full-scale ones. Those rates (spikes/s) are the reference the
output is compared with: L2/3e 0.971, L2/3i 2.868, L4e 4.746, L4i 5.396, L5e 8.142, L5i 9.078,
L6e 0.991, L6i 7.523. The scaling is not perfect: at scale 0.1 NEST 3.10 itself, running this
same scaled circuit, gives 0.69, 3.16, 4.44, 7.00, 7.80, 7.74, 1.23, 8.12 spikes/s (mean of two
seeds, 1.2 s), up to 30% from the full-scale rates (L4i +30%, L2/3e -29%); pymonn reproduces
those within a few percent. At scale 0.5 the deviations from the full-scale rates shrink to
at most about 20%.

Delays: a spike of step t reaches the synaptic current of step t + 1 + d, which covers the interval
from d steps after the spike on; NEST starts the current D after the spike, so d = D / dt here.
Exponential currents are delivered step by step as the exact mean current of each step
(ExponentialSynapse does this), so each PSC carries exactly the charge w tau, as in NEST.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time

import numpy as np
from pymonn.behaviours import LIF, ConstantCurrent, ExponentialSynapse
from pymonn.behaviours.connectivity import CSR, place_runs

from pymonn import Behaviour, EventRecorder, Network, NeuronGroup, SynapseGroup

POPULATIONS = ("L2/3e", "L2/3i", "L4e", "L4i", "L5e", "L5i", "L6e", "L6i")
FULL_NEURONS = np.array([20683, 5834, 21915, 5479, 4850, 1065, 14395, 2948])
#: Full-scale mean rates (Hz) of NEST's reference implementation, used for the scaling and as reference.
FULL_RATES = np.array([0.971, 2.868, 4.746, 5.396, 8.142, 9.078, 0.991, 7.523])
#: NEST 3.10 running the circuit scaled to 0.1 as here (mean of seeds 1 and 2, 1.2 s, rates after 200 ms).
NEST_RATES_AT_01 = np.array([0.694, 3.163, 4.441, 7.000, 7.801, 7.736, 1.225, 8.124])
#: Connection probabilities, rows = target population, columns = source population.
CONN_PROBS = np.array([
    [0.1009, 0.1689, 0.0437, 0.0818, 0.0323, 0.0, 0.0076, 0.0],
    [0.1346, 0.1371, 0.0316, 0.0515, 0.0755, 0.0, 0.0042, 0.0],
    [0.0077, 0.0059, 0.0497, 0.135, 0.0067, 0.0003, 0.0453, 0.0],
    [0.0691, 0.0029, 0.0794, 0.1597, 0.0033, 0.0, 0.1057, 0.0],
    [0.1004, 0.0622, 0.0505, 0.0057, 0.0831, 0.3726, 0.0204, 0.0],
    [0.0548, 0.0269, 0.0257, 0.0022, 0.06, 0.3158, 0.0086, 0.0],
    [0.0156, 0.0066, 0.0211, 0.0166, 0.0572, 0.0197, 0.0396, 0.2252],
    [0.0364, 0.001, 0.0034, 0.0005, 0.0277, 0.008, 0.0658, 0.1443],
])
K_EXT = np.array([1600, 1500, 2100, 1900, 2000, 1900, 2900, 2100])
BG_RATE = 8.0  # Hz per external synapse
NEURON = {"C_m": 250.0, "tau_m": 10.0, "v_rest": -65.0, "v_reset": -65.0, "v_th": -50.0, "t_ref": 2.0}
TAU_SYN = 0.5  # ms
PSP_EXC, G, PSP_REL_SD = 0.15, -4.0, 0.1  # mV, relative inhibition, relative weight spread
DELAY_EXC, DELAY_INH, DELAY_REL_SD = 1.5, 0.75, 0.5  # ms


def psc_per_psp(c_m: float = 250.0, tau_m: float = 10.0, tau_s: float = TAU_SYN) -> float:
    """Peak of the PSP (mV) of an exponential current of 1 pA amplitude, inverted: pA per mV."""
    t_peak = tau_m * tau_s / (tau_m - tau_s) * np.log(tau_m / tau_s)
    psp = tau_s * tau_m / (c_m * (tau_m - tau_s)) * (np.exp(-t_peak / tau_m) - np.exp(-t_peak / tau_s))
    return 1.0 / psp


def full_synapse_numbers() -> np.ndarray:
    """Total synapses per (target, source) population pair at full scale (multapses allowed)."""
    prod = np.outer(FULL_NEURONS, FULL_NEURONS).astype(np.float64)
    return np.log1p(-CONN_PROBS) / np.log1p(-1.0 / prod)


def parameters(scale: float) -> dict:
    """Neuron and synapse numbers, weights (pA) and DC compensation (pA) of the circuit at ``scale``."""
    neurons = np.round(FULL_NEURONS * scale).astype(np.int64)
    full_syn = full_synapse_numbers()
    synapses = np.round(full_syn * scale * scale).astype(np.int64)  # N and K both scaled by `scale`
    k_ext = np.round(K_EXT * scale).astype(np.int64)
    w_unit = psc_per_psp()
    psp = np.where(np.arange(8) % 2 == 0, PSP_EXC, PSP_EXC * G)[None, :] * np.ones((8, 1))
    psp[0, 2] = 2 * PSP_EXC  # L4e -> L2/3e
    w = psp * w_unit
    w_ext = PSP_EXC * w_unit
    dc = np.zeros(8)
    if scale != 1.0:  # keep the mean input of the full-scale circuit (van Albada et al. 2015)
        indegree = full_syn / FULL_NEURONS[:, None]
        rec = np.sum(w * indegree * FULL_RATES[None, :], axis=1)
        ext = w_ext * K_EXT * BG_RATE
        dc = 0.001 * TAU_SYN * (1.0 - np.sqrt(scale)) * (rec + ext)
        w = w / np.sqrt(scale)
        w_ext = w_ext / np.sqrt(scale)
    return {"neurons": neurons, "synapses": synapses, "k_ext": k_ext, "w": w, "w_ext": w_ext, "dc": dc}


def _truncated_normal(rng: np.random.Generator, mean: float, sd: float, low: float, out: np.ndarray) -> np.ndarray:
    """Fill ``out`` (float32) with draws of N(mean, sd), each one below ``low`` drawn again."""
    rng.standard_normal(dtype=np.float32, out=out)
    out *= np.float32(sd)
    out += np.float32(mean)
    bad = np.flatnonzero(out < low)
    while bad.size:
        out[bad] = rng.standard_normal(bad.size, dtype=np.float32) * np.float32(sd) + np.float32(mean)
        bad = bad[out[bad] < low]
    return out


def connectivity(p: dict, dt: float, rng: np.random.Generator, dtype=np.float32,
                 log=None) -> tuple[CSR, np.ndarray]:
    """The CSR of all recurrent synapses and their delays in whole steps (uint8).

    Every synapse of a pair of populations (target i, source j) has a source drawn uniformly from
    j and a target drawn uniformly from i (no autapses: a target equal to its source is drawn
    again). Drawing the sources as counts per source neuron (a multinomial, which is what m uniform
    draws amount to) puts the synapses in CSR order directly: no sort, and the scratch memory is
    one block of (i, j) at a time, in float32."""
    neurons, synapses, w = p["neurons"], p["synapses"], p["w"]
    offsets = np.concatenate([[0], np.cumsum(neurons)])
    n = int(offsets[-1])
    nnz = int(synapses.sum())
    indptr = np.zeros(n + 1, dtype=np.int64)
    indices = np.empty(nnz, dtype=np.int32)
    data = np.empty(nnz, dtype=dtype)
    delays = np.empty(nnz, dtype=np.uint8)
    scratch = np.empty(int(synapses.max()), dtype=np.float32)  # reused by every block (no new pages each time)
    for j in range(8):  # source population
        n_j = int(neurons[j])
        counts = np.zeros((8, n_j), dtype=np.int64)  # synapses of each source neuron onto population i
        for i in range(8):
            if synapses[i, j]:
                counts[i] = rng.multinomial(int(synapses[i, j]), np.full(n_j, 1.0 / n_j))
        per_source = counts.sum(axis=0)
        row_start = indptr[offsets[j]] if j else 0
        indptr[offsets[j] + 1:offsets[j + 1] + 1] = row_start + np.cumsum(per_source)
        starts = indptr[offsets[j]:offsets[j + 1]].copy()  # where each source's next run begins
        mean_d = DELAY_EXC if j % 2 == 0 else DELAY_INH
        for i in range(8):  # target population
            m = int(synapses[i, j])
            if m == 0:
                continue
            d = rng.integers(0, neurons[i], m, dtype=np.int32)
            if i == j:  # no autapses: draw targets equal to their source again
                src = np.repeat(np.arange(n_j, dtype=np.int32), counts[i])
                same = np.flatnonzero(src == d)
                while same.size:
                    d[same] = rng.integers(0, neurons[i], same.size, dtype=np.int32)
                    same = same[src[same] == d[same]]
                del src
            d += np.int32(offsets[i])
            place_runs(indices, d, starts, counts[i])
            mean_w = w[i, j]
            weights = rng.standard_normal(dtype=np.float32, out=scratch[:m])
            weights *= np.float32(abs(mean_w) * PSP_REL_SD)
            weights += np.float32(mean_w)
            np.maximum(weights, 0, out=weights) if mean_w > 0 else np.minimum(weights, 0, out=weights)
            place_runs(data, weights.astype(dtype, copy=False), starts, counts[i])
            # A spike of step t reaches the input current of step t + 1 + d, which covers the interval
            # (t + d) dt .. (t + d + 1) dt: the current starts d steps after the spike. NEST's
            # iaf_psc_exp starts it D after the spike, hence d = D / dt.
            delay = _truncated_normal(rng, mean_d, mean_d * DELAY_REL_SD, dt, scratch[:m])
            delay /= np.float32(dt)
            np.clip(np.rint(delay, out=delay), 1, 255, out=delay)
            place_runs(delays, delay, starts, counts[i])  # (whole numbers: converted exactly to uint8)
            starts += counts[i]
            del d, weights, delay
        if log:
            log(f"  {POPULATIONS[j]:>6}: {int(per_source.sum()):,} outgoing synapses")
    indptr[offsets[-1]:] = indptr[offsets[-1]]
    return CSR(indptr, indices, data, n, n), delays


class PoissonBackground(Behaviour):
    """Independent Poisson background spikes into the synaptic current of the recurrent synapse group.

    Each neuron ``i`` receives ``K_i`` external synapses firing at ``rate`` Hz: every step a
    Poisson count with mean ``K_i * rate * dt / 1000`` is drawn from ``net.rng`` and ``w * count``
    is added to the synapse group's exponential current ``I_syn`` before it is delivered (run
    this at a key below the transmission's), so the background PSCs have exactly the shape of
    the recurrent ones. Parameters: ``k`` (per neuron), ``rate`` (Hz), ``weight`` (pA).
    """

    def initialize(self, sg) -> None:
        self.k = np.asarray(self.parameter("k", required=True), dtype=np.float64)
        self.rate = float(self.parameter("rate", required=True))
        self.weight = float(self.parameter("weight", required=True))
        self._dt = None

    def iteration(self, sg) -> None:
        if sg.dt != self._dt:
            self._lam = self.k * self.rate * sg.dt / 1000.0
            self._dt = sg.dt
        counts = sg.network.rng.poisson(self._lam)
        sg.I_syn += (self.weight * counts).astype(sg.I_syn.dtype)


def build(scale: float = 0.1, *, dt: float = 0.1, seed: int = 1, log=None) -> Network:
    """The microcircuit at ``scale``, initialized: neurons ``net.cortex``, synapses ``net.recurrent``."""
    p = parameters(scale)
    n = int(p["neurons"].sum())
    net = Network(dt=dt, seed=seed, dtype=np.float32)
    pop_of = np.repeat(np.arange(8), p["neurons"])
    behaviour = {
        30: LIF(v="normal(-58, 10)", **NEURON),
        90: EventRecorder("fired"),
    }
    if np.any(p["dc"] != 0):
        behaviour[10] = ConstantCurrent(amplitude=p["dc"][pop_of])
    cortex = NeuronGroup(net, n, tag="cortex", behaviour=behaviour)
    start = time.perf_counter()
    csr, delays = connectivity(p, dt, net.rng, np.float32, log)
    if log:
        log(f"connectivity: {csr.nnz:,} synapses in {time.perf_counter() - start:.1f} s")
    SynapseGroup(net, cortex, cortex, tag="recurrent", behaviour={
        15: PoissonBackground(k=p["k_ext"][pop_of], rate=BG_RATE, weight=p["w_ext"]),
        20: ExponentialSynapse(W=csr, delay=delays, tau=TAU_SYN, copy=False),  # the arrays made here are the group's
    })
    net.initialize()
    net.pd = {"scale": scale, **p, "pop_of": pop_of}
    return net


def population_rates(net: Network, t_start: float) -> np.ndarray:
    """Mean rate (Hz) of each population after ``t_start`` ms."""
    rec = net.cortex["EventRecorder", 0]
    t, i = rec["fired.t"], rec["fired.i"]
    counts = np.bincount(net.pd["pop_of"][i[t > t_start]], minlength=8)
    return counts / (net.pd["neurons"] * (net.t - t_start) / 1000.0)


def plot(net: Network, rates: np.ndarray, path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rec = net.cortex["EventRecorder", 0]
    t, i = rec["fired.t"], rec["fired.i"]
    t0 = max(0.0, net.t - 100.0)
    offsets = np.concatenate([[0], np.cumsum(net.pd["neurons"])])
    # at most 300 neurons per population in the raster, L2/3 on top as in the paper
    fig, (ax, axb) = plt.subplots(1, 2, figsize=(12, 6), gridspec_kw={"width_ratios": [2, 1]})
    y0 = 0
    ticks = []
    for pop in range(7, -1, -1):
        shown = min(300, net.pd["neurons"][pop])
        sel = (t > t0) & (i >= offsets[pop]) & (i < offsets[pop] + shown)
        colour = "tab:blue" if pop % 2 == 0 else "tab:red"
        ax.scatter(t[sel], i[sel] - offsets[pop] + y0, s=1.0, c=colour, linewidths=0)
        ticks.append((y0 + shown / 2, POPULATIONS[pop]))
        y0 += shown
    ax.set_yticks([y for y, _ in ticks], [name for _, name in ticks])
    ax.set(xlabel="time (ms)", xlim=(t0, net.t), ylim=(0, y0),
           title=f"Potjans & Diesmann microcircuit, scale {net.pd['scale']:g}: last 100 ms")
    ypos = np.arange(8)[::-1]
    axb.barh(ypos + 0.2, rates, height=0.4, color=["tab:blue", "tab:red"] * 4, label="pymonn")
    axb.barh(ypos - 0.2, FULL_RATES, height=0.4, color="0.6", label="reference (full scale)")
    axb.set_yticks(ypos, POPULATIONS)
    axb.set(xlabel="rate (spikes/s)", title="population rates")
    axb.legend(frameon=False, fontsize=8, loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def peak_rss_gib() -> float:
    """Peak resident memory of this process in GiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=0.1, help="size factor for neurons and in-degrees (0.1)")
    parser.add_argument("--duration", type=float, default=None, help="simulated ms (default 1000; 600 with --quick)")
    parser.add_argument("--transient", type=float, default=200.0,
                        help="ms left out of the rates at the start (default 200)")
    parser.add_argument("--dt", type=float, default=0.1, help="time step in ms (default 0.1)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default="potjans_diesmann.png", help="PNG to write")
    parser.add_argument("--quick", action="store_true", help="scale 0.1, 600 ms (for tests)")
    args = parser.parse_args(argv)
    if args.quick:
        args.scale = min(args.scale, 0.1)
    duration = args.duration or (600.0 if args.quick else 1000.0)
    transient = args.transient
    if not 0 < args.scale <= 1:
        parser.error("--scale must lie in (0, 1]")
    if duration <= transient:
        parser.error("--duration must exceed --transient")

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    start = time.perf_counter()
    net = build(args.scale, dt=args.dt, seed=args.seed, log=log)
    setup = time.perf_counter() - start
    csr = net.recurrent.csr
    syn_bytes = csr.nbytes + net.recurrent.delay.nbytes
    mem_setup = peak_rss_gib()
    start = time.perf_counter()
    net.run(duration)
    wall = time.perf_counter() - start
    rates = population_rates(net, transient)
    rel = rates / FULL_RATES - 1
    n = net.cortex.size
    print(f"Potjans & Diesmann microcircuit at scale {args.scale:g}: {n:,} neurons, {csr.nnz:,} synapses "
          f"({syn_bytes / 2**30:.2f} GiB of weights, targets, delays and row pointers)")
    print(f"set-up {setup:.1f} s; {duration:g} ms simulated in {wall:.1f} s; peak memory {peak_rss_gib():.2f} GiB "
          f"(after set-up {mem_setup:.2f} GiB)")
    nest = f"{'NEST at 0.1':>13}" if args.scale == 0.1 else ""
    print(f"{'population':>10}{'rate Hz':>10}{'full scale':>12}{'deviation':>11}{nest}")
    for k, (name, r, ref, d) in enumerate(zip(POPULATIONS, rates, FULL_RATES, rel, strict=True)):
        extra = f"{NEST_RATES_AT_01[k]:>13.3f}" if nest else ""
        print(f"{name:>10}{r:>10.3f}{ref:>12.3f}{100 * d:>10.0f}%{extra}")
    plot(net, rates, args.out)
    print(f"figure saved to {args.out}")
    return {"net": net, "rates": rates, "deviation": rel, "setup_s": setup, "wall_s": wall,
            "peak_gib": peak_rss_gib(), "synapse_bytes": syn_bytes, "synapses": csr.nnz, "neurons": n}


if __name__ == "__main__":
    main()

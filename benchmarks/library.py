"""Speed and memory of the behaviour library on the issue's reference workloads (run by hand).

    python benchmarks/library.py                 # all four workloads + cold compile probe
    python benchmarks/library.py --quick         # the two small workloads only
    python benchmarks/library.py --dtype float32 --repeats 5 --breakdown

Workloads (1 s of biological time at dt = 0.1 ms, i.e. 10,000 steps, single thread):

* CUBA (Brian2's CUBA example after Vogels & Abbott 2005): LIF neurons (tau_m 20 ms, E_l -49 mV,
  threshold -50 mV, reset -60 mV, refractory 5 ms, v0 uniform in [-60, -50] mV), 80 % excitatory,
  80 synapses per neuron on average (p = 80 / N, p = 0.02 at N = 4,000), exponential current
  synapses (5 ms excitatory, 10 ms inhibitory: one sparse group with ``tau_inh``), weights
  1.62 mV and -9 mV expressed as currents, a spike recorder. N = 4,000 and 100,000.
* STDP (Brian2's example after Song, Miller & Abbott 2000): N Poisson inputs at 15 Hz onto one
  LIF neuron (tau_m 10 ms, E_l -74, threshold -54, reset -60 mV, no refractory period) through
  conductance synapses (tau 5 ms, E 0 mV) with additive STDP (tau 20 ms, A+ = 0.01 g_max,
  A- = 1.05 A+), weights uniform in [0, g_max]. N = 1,000 and 100,000.

Reported: set-up time (building and initialising the network, first step included), simulation
time of 10,000 steps (best of ``--repeats``), bytes per synapse of the connectivity, and the
first-run compile time of a CUBA script with a cold numba cache (a subprocess with
``NUMBA_CACHE_DIR`` set to a fresh temporary folder). Targets and peer figures are those of the
issue (measured there for Brian2 2.9 cython and a hand-written numba loop). Because machines
differ, the CUBA rows also run that hand-written loop here (``cuba_reference.py``, same
connectivity and arithmetic, so the same spikes) and give pymonn's time as a multiple of it:
the issue's targets are 0.09 / 0.057 = 1.58x (4k) and 3.0 / 2.49 = 1.20x (100k) of the loop.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # cuba_reference, next to this file

TARGETS = {"CUBA 4k": 0.09, "CUBA 100k": 3.0, "STDP 1k": 0.25, "STDP 100k": 5.0}
PEERS = {  # the issue's measurements: Brian2 2.9 cython, hand-written numba loop
    "CUBA 4k": (0.45, 0.057), "CUBA 100k": (4.99, 2.49), "STDP 1k": (0.61, 0.17), "STDP 100k": (13.3, 13.3),
}
COMPILE_TARGET = 5.0
STEPS = 10_000


def build_cuba(n: int, dtype, seed: int = 1):
    """Brian2's CUBA network in pymonn; returns (net, group, synapse group)."""
    from pymonn.behaviours import LIF, ExponentialSynapse
    from pymonn.behaviours.connectivity import CSR, fixed_probability

    from pymonn import EventRecorder, Network, NeuronGroup, SynapseGroup

    net = Network(dt=0.1, seed=seed, dtype=dtype)
    C, tau_m = 200.0, 20.0  # any C works: the weights below are voltages times C / tau_m
    P = NeuronGroup(net, n, {30: LIF(tau_m=tau_m, C_m=C, v_rest=-49.0, v_reset=-60.0, v_th=-50.0, t_ref=5.0,
                                     v="-60;-50"),
                             90: EventRecorder("fired")}, tag="P")
    n_exc = int(0.8 * n)
    indptr, indices = fixed_probability(n, n, 80.0 / n, net.rng)
    sources = np.repeat(np.arange(n, dtype=np.int32), np.diff(indptr))
    weights = np.where(sources < n_exc, 1.62 * C / tau_m, -9.0 * C / tau_m)  # we = 1.62 mV, wi = -9 mV
    del sources
    sg = SynapseGroup(net, P, P, tag="PP", behaviour={20: ExponentialSynapse(W=CSR(indptr, indices, weights, n, n),
                                                                             tau=5.0, tau_inh=10.0)})
    return net, P, sg


def build_stdp(n: int, dtype, seed: int = 1, mode: str = "dense"):
    """Brian2's Song-Miller-Abbott STDP example in pymonn; returns (net, output group, synapse group)."""
    from pymonn.behaviours import LIF, STDP, ConductanceSynapse, PoissonGroup

    from pymonn import EventRecorder, Network, NeuronGroup, SynapseGroup

    net = Network(dt=0.1, seed=seed, dtype=dtype)
    C, tau_m = 100.0, 10.0
    g_max = 0.01 * C / tau_m  # Brian2's g_max = 0.01 in units of the leak conductance C / tau_m = 10 nS
    inputs = NeuronGroup(net, n, {30: PoissonGroup(rate=15.0)}, tag="inputs")
    out = NeuronGroup(net, 1, {30: LIF(tau_m=tau_m, C_m=C, v_rest=-74.0, v_reset=-60.0, v_th=-54.0, t_ref=0.0),
                               90: EventRecorder("fired")}, tag="out")
    sg = SynapseGroup(net, inputs, out, tag="S", behaviour={
        20: ConductanceSynapse(weight=f"uniform(0, {g_max})", tau=5.0, E=0.0, mode=mode),
        40: STDP(w_max=g_max, A_plus=0.01, A_minus=0.0105, tau_plus=20.0, tau_minus=20.0),
    })
    return net, out, sg


def connectivity_bytes(sg) -> tuple[int, int]:
    """(bytes of the connectivity structures, number of synapses)."""
    csr = sg.__dict__.get("csr")
    if csr is not None:
        extra = sg.delay.nbytes if sg.__dict__.get("delay") is not None else 0
        return csr.nbytes + extra, csr.nnz
    mask = sg.__dict__.get("mask")
    nnz = int(mask.sum()) if mask is not None else sg.W.size
    return sg.W.nbytes + (mask.nbytes if mask is not None else 0), nnz


def run_workload(name: str, builder, repeats: int, breakdown: bool) -> dict:
    t0 = time.perf_counter()
    net, group, sg = builder()
    net.initialize()
    net.simulate_iterations(1, progress=False)  # loads (or compiles) the kernels
    setup = time.perf_counter() - t0
    rec = group["EventRecorder", 0]
    best = np.inf
    spikes = 0
    for _ in range(repeats):
        rec.clear()
        start = time.perf_counter()
        net.simulate_iterations(STEPS, progress=False)
        best = min(best, time.perf_counter() - start)
        spikes = rec.count()
    if name.startswith("CUBA"):
        # the hand-written loop on this machine, from the network's current state; then the same
        # steps in pymonn, whose spikes must be the loop's exactly
        import cuba_reference

        loop = min(cuba_reference.run_like(net, group, sg, STEPS)[0] for _ in range(repeats))
        _, ref_spikes = cuba_reference.run_like(net, group, sg, STEPS)
        rec.clear()
        net.simulate_iterations(STEPS, progress=False)
        same = rec.count() == ref_spikes
    else:
        loop, same = None, None
    nbytes, nnz = connectivity_bytes(sg)
    row = {"loop_s": loop, "same_spikes": same,
           "workload": name, "neurons": group.size if group.size > 1 else sg.src.size + 1, "synapses": nnz,
           "setup_s": setup, "sim_s": best, "bytes_per_synapse": nbytes / max(nnz, 1),
           "rate_hz": spikes / group.size / (STEPS * net.dt / 1000.0)}
    if breakdown:
        net.simulate_iterations(2000, progress=False, timing=True)
        row["breakdown"] = net.timing_report()
    return row


def compile_probe() -> None:
    """Run in a subprocess with a fresh NUMBA_CACHE_DIR: time the imports and the first (compiling) step."""
    t0 = time.perf_counter()
    import pymonn.behaviours  # noqa: F401  (numba and the library)
    t_import = time.perf_counter() - t0
    net, _, _ = build_cuba(4000, np.float64)
    net.initialize()
    t1 = time.perf_counter()
    net.simulate_iterations(1, progress=False)
    first = time.perf_counter() - t1
    t2 = time.perf_counter()
    net.simulate_iterations(100, progress=False)
    per_step = (time.perf_counter() - t2) / 100
    print(json.dumps({"import_s": t_import, "first_step_s": first, "compile_s": first - per_step,
                      "total_s": time.perf_counter() - t0}))


def cold_compile() -> dict:
    with tempfile.TemporaryDirectory(prefix="pymonn-numba-cache-") as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        out = subprocess.run([sys.executable, os.path.abspath(__file__), "--compile-probe"], env=env,
                             capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _fmt(x, spec: str) -> str:
    return "-" if x is None else format(x, spec)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="only the small workloads (CUBA 4k, STDP 1k)")
    parser.add_argument("--dtype", default="float64", choices=["float64", "float32"])
    parser.add_argument("--repeats", type=int, default=3, help="simulation runs per workload; the best is shown")
    parser.add_argument("--stdp-mode", default="dense", choices=["dense", "sparse"])
    parser.add_argument("--breakdown", action="store_true", help="per-behaviour time per step")
    parser.add_argument("--no-compile", action="store_true", help="skip the cold-cache compile probe")
    parser.add_argument("--compile-probe", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.compile_probe:
        compile_probe()
        return
    dtype = np.dtype(args.dtype)
    workloads = [("CUBA 4k", lambda: build_cuba(4000, dtype)),
                 ("STDP 1k", lambda: build_stdp(1000, dtype, mode=args.stdp_mode))]
    if not args.quick:
        workloads += [("CUBA 100k", lambda: build_cuba(100_000, dtype)),
                      ("STDP 100k", lambda: build_stdp(100_000, dtype, mode=args.stdp_mode))]
    rows = [run_workload(name, builder, args.repeats, args.breakdown) for name, builder in workloads]

    print(f"pymonn behaviour library, {args.dtype}, dt = 0.1 ms, {STEPS} steps (1 s), best of {args.repeats}; "
          f"STDP synapses {args.stdp_mode}")
    head = (f"| {'workload':<10} | {'neurons':>8} | {'synapses':>10} | {'set-up s':>8} | {'sim s':>7} | {'target s':>8} |"
            f" {'':>4} | {'B/synapse':>9} | {'rate Hz':>8} | {'Brian2 s':>8} | {'numba loop s':>12} |"
            f" {'loop here s':>11} | {'x loop':>6} | {'target x':>8} |")
    print(head)
    print("|" + "|".join("-" * (len(c)) for c in head.split("|")[1:-1]) + "|")
    for r in rows:
        target = TARGETS[r["workload"]]
        ok = "ok" if r["sim_s"] <= target else "MISS"
        brian, loop = PEERS[r["workload"]]
        print(f"| {r['workload']:<10} | {r['neurons']:>8} | {r['synapses']:>10} | {r['setup_s']:>8.2f} | {r['sim_s']:>7.3f} |"
              f" {target:>8.2f} | {ok:>4} | {r['bytes_per_synapse']:>9.2f} | {r['rate_hz']:>8.1f} | {brian:>8.2f} |"
              f" {loop:>12.3f} | {_fmt(r['loop_s'], '.3f'):>11} | {_fmt(r['loop_s'] and r['sim_s'] / r['loop_s'], '.2f'):>6} |"
              f" {_fmt(r['loop_s'] and target / loop, '.2f'):>8} |")
    for r in rows:
        if r["same_spikes"] is not None:
            print(f"{r['workload']}: pymonn's spikes equal the hand-written loop's: {r['same_spikes']}")
    if not args.no_compile:
        c = cold_compile()
        ok = "ok" if c["compile_s"] < COMPILE_TARGET else "MISS"
        print(f"\ncold numba cache, CUBA 4k script: compile {c['compile_s']:.2f} s (target < {COMPILE_TARGET:.0f} s: {ok}); "
              f"import {c['import_s']:.2f} s; whole script {c['total_s']:.2f} s")
    if args.breakdown:
        for r in rows:
            print(f"\n{r['workload']}: time per behaviour (2000 steps, timing=True)\n{r['breakdown']}")


if __name__ == "__main__":
    main()

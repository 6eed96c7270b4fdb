"""The workloads of ``benchmarks/peers.py``, one implementation per engine, run one at a time.

    python peers_workloads.py ENGINE WORKLOAD SIZE [--seed S]

ENGINE is ``pymonn``, ``pymonnto``, ``brian2`` or ``nest``; WORKLOAD ``izhikevich`` (SIZE neurons,
80% excitatory, all-to-all), ``cuba`` (SIZE neurons), ``stdp`` (SIZE Poisson inputs) or
``lif20k`` (SIZE ignored). Prints one JSON line: set-up seconds (building, connecting and, for
Brian2, code generation and compilation), simulation seconds, spike count, peak resident
memory of the process (MiB) and the simulated time.

Every engine builds the same model from the same numbers. Random connectivity is drawn here,
with numpy, from the seed, and handed to each engine as (source, target, weight) arrays, so the
networks are identical; the Poisson and noise inputs are each engine's own random streams.
pymonn uses its behaviour library (compiled kernels, sparse CSR); PymoNNto is written in its own
numpy style (dense matrices, like the seed script); Brian2 runs in its default runtime mode
(Cython); NEST on one thread.

Workloads
---------
izhikevich  Izhikevich's 2003 network as in the PymoNNto seed: N neurons (a, b, c, d = 0.02, 0.2,
            -65, 8), input 20 * uniform(0, 1) each step, all-to-all weights uniform(0, 1) times
            1000/N (the seed's regime at any size), excitatory spikes add 0.5 w, inhibitory -w to
            the input; dt = 0.5 ms, 1000 steps.
cuba        Vogels & Abbott's CUBA network (Brette et al. 2007 benchmark 2, as examples/cuba.py):
            80 synapses per neuron (p = 80/N), 1 s at dt = 0.1 ms.
stdp        Song, Miller & Abbott 2000 (examples/stdp_song.py): N Poisson inputs at 15 Hz onto
            one conductance-based LIF neuron with additive STDP; g_max = 0.01 * 1000/N; 10 s.
lif20k      examples/lif_20k.py with a constant drive: 20,000 LIF neurons, 200 synapses each
            (4 million), exponential currents, 1 s at dt = 0.1 ms.
"""

from __future__ import annotations

import argparse
import json
import resource
import time

import numpy as np

parser = argparse.ArgumentParser()
parser.add_argument("engine", choices=["pymonn", "pymonnto", "brian2", "nest"])
parser.add_argument("workload", choices=["izhikevich", "cuba", "stdp", "lif20k"])
parser.add_argument("size", type=int)
parser.add_argument("--seed", type=int, default=1)
args = parser.parse_args()

DURATION = {"izhikevich": 500.0, "cuba": 1000.0, "stdp": 10_000.0, "lif20k": 1000.0}  # ms
DT = {"izhikevich": 0.5, "cuba": 0.1, "stdp": 0.1, "lif20k": 0.1}


# -- shared model data (numpy only) ----------------------------------------------------------------
def izh_weights(n: int, rng: np.random.Generator) -> np.ndarray:
    """(dst, src) input weights: 0.5 w from excitatory, -w from inhibitory sources, w ~ U(0,1) * 1000/n."""
    n_exc = int(0.8 * n)
    w = rng.random((n, n)) * (1000.0 / n)
    w[:, :n_exc] *= 0.5
    w[:, n_exc:] *= -1.0
    return w


def cuba_pairs(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(src, dst, weight pA) with p = 80/n: 16.2 pA from the first 80%, -90 pA from the rest."""
    p = min(1.0, 80.0 / n)
    counts = rng.binomial(n, p, n)
    src = np.repeat(np.arange(n), counts)
    dst = rng.integers(0, n, src.size)
    w = np.where(src < int(0.8 * n), 16.2, -90.0)
    return src, dst, w


def lif20k_pairs(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(src, dst, weight pA, drive pA): five populations of 4000 (E1-E4, I), 200 inputs per neuron."""
    npp, n = 4000, 20000
    srcs, dsts = [], []
    for pop in range(5):
        dst = np.arange(pop * npp, (pop + 1) * npp)
        if pop < 4:
            own = rng.integers(0, npp, (npp, 80)) + pop * npp
            other = rng.integers(0, 3 * npp, (npp, 80))
            other = other + (other >= pop * npp) * npp
            inh = rng.integers(0, npp, (npp, 40)) + 4 * npp
            s = np.hstack([own, other, inh])
        else:
            s = np.hstack([rng.integers(0, 4 * npp, (npp, 160)), rng.integers(0, npp, (npp, 40)) + 4 * npp])
        srcs.append(s.ravel())
        dsts.append(np.repeat(dst, 200))
    src, dst = np.concatenate(srcs), np.concatenate(dsts)
    w = np.where(src < 4 * npp, 12.0, -60.0)
    drive = rng.uniform(240.0, 290.0, n)
    return src, dst, w, drive


def to_csr(src, dst, w, n_src, n_dst, dtype):
    from pymonn.behaviours.connectivity import CSR

    order = np.argsort(src, kind="stable")
    indptr = np.zeros(n_src + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=n_src), out=indptr[1:])
    return CSR(indptr, dst[order].astype(np.int32), np.asarray(w, dtype=dtype)[order], n_src, n_dst)


# -- pymonn ------------------------------------------------------------------------------------------
def run_pymonn(workload: str, n: int, rng: np.random.Generator) -> tuple[float, float, int]:
    from pymonn.behaviours import (
        LIF,
        STDP,
        ConductanceSynapse,
        ConstantCurrent,
        DeltaSynapse,
        ExponentialSynapse,
        Izhikevich,
        PoissonGroup,
    )

    import pymonn

    start = time.perf_counter()
    dt = DT[workload]
    if workload == "izhikevich":
        class UniformNoise(pymonn.Behaviour):
            def iteration(self, g):
                g.accumulator("I")[:] += 20.0 * g.rng.random(g.size)

        net = pymonn.Network(dt=dt, seed=args.seed)
        g = pymonn.NeuronGroup(net, n, tag="g", behaviour={
            10: UniformNoise(), 30: Izhikevich(v="-65;0", u="-8;0"), 90: pymonn.EventRecorder("fired")})
        pymonn.SynapseGroup(net, g, g, behaviour={20: DeltaSynapse(W=izh_weights(n, rng))})
        recorders = [g]
    elif workload == "cuba":
        net = pymonn.Network(dt=dt, seed=args.seed)
        src, dst, w = cuba_pairs(n, rng)
        g = pymonn.NeuronGroup(net, n, tag="g", behaviour={
            30: LIF(tau_m=20.0, C_m=200.0, v_rest=-49.0, v_reset=-60.0, v_th=-50.0, t_ref=5.0, v="-60;-50"),
            90: pymonn.EventRecorder("fired")})
        pymonn.SynapseGroup(net, g, g, behaviour={
            20: ExponentialSynapse(W=to_csr(src, dst, w, n, n, np.float64), tau=5.0, tau_inh=10.0)})
        recorders = [g]
    elif workload == "stdp":
        net = pymonn.Network(dt=dt, seed=args.seed)
        gmax = 0.01 * 1000.0 / n
        pymonn.NeuronGroup(net, n, tag="inputs", behaviour={30: PoissonGroup(rate=15.0)})
        post = pymonn.NeuronGroup(net, 1, tag="post", behaviour={
            30: LIF(tau_m=10.0, R=1000.0, v_rest=-74.0, v_reset=-60.0, v_th=-54.0, t_ref=0.0, v=-74.0),
            90: pymonn.EventRecorder("fired")})
        pymonn.SynapseGroup(net, "inputs", "post", behaviour={
            20: ConductanceSynapse(mode="dense", weight=f"uniform(0, {gmax})", tau=5.0, E=0.0),
            40: STDP(A_plus=0.01, A_minus=0.0105, w_min=0.0, w_max=gmax)})
        recorders = [post]
    else:
        net = pymonn.Network(dt=dt, seed=args.seed)  # float64, like the peers
        src, dst, w, drive = lif20k_pairs(rng)
        g = pymonn.NeuronGroup(net, 20000, tag="g", behaviour={
            10: ConstantCurrent(amplitude=drive),
            30: LIF(tau_m=20.0, C_m=250.0, v_rest=-70.0, v_reset=-70.0, v_th=-50.0, t_ref=2.0, v="-70;-50"),
            90: pymonn.EventRecorder("fired")})
        pymonn.SynapseGroup(net, g, g, behaviour={
            20: ExponentialSynapse(W=to_csr(src, dst, w, 20000, 20000, np.float64), tau=5.0, tau_inh=10.0)})
        recorders = [g]
    net.initialize()
    net.simulate_iterations(1, progress=False)  # loads the cached compiled kernels
    setup = time.perf_counter() - start
    steps = int(round(DURATION[workload] / dt)) - 1
    start = time.perf_counter()
    net.simulate_iterations(steps, progress=False)
    sim = time.perf_counter() - start
    return setup, sim, int(sum(r["EventRecorder", 0].count() for r in recorders))


# -- PymoNNto (its own numpy style, dense matrices) --------------------------------------------------
def run_pymonnto(workload: str, n: int, rng: np.random.Generator) -> tuple[float, float, int]:
    import PymoNNto as P

    if workload == "lif20k" or (workload == "cuba" and n > 4000):
        print(json.dumps({"skipped": f"dense {n} x {n} matrices ({8 * n * n / 2**30:.1f} GiB float64)"}))
        raise SystemExit(0)
    dt = DT[workload]
    start = time.perf_counter()

    class Count(P.Behavior):
        def initialize(self, g):
            g.spike_count = 0

        def iteration(self, g):
            g.spike_count += int(np.sum(g.fired))

    if workload == "izhikevich":
        W = izh_weights(n, rng)

        class Izh(P.Behavior):
            def initialize(self, g):
                g.v = -65.0 * g.vector("uniform")
                g.u = -8.0 * g.vector("uniform")
                g.fired = g.vector() > 0
                g.W = W

            def iteration(self, g):  # the seed's update: spikes of this step feed this step's input
                g.fired = g.v >= 30
                g.v[g.fired] = -65.0
                g.u[g.fired] += 8.0
                inp = 20.0 * g.vector("uniform") + g.W[:, g.fired].sum(axis=1)
                g.v += dt * (0.04 * g.v ** 2 + 5 * g.v + 140 - g.u + inp)
                g.u += dt * (0.02 * (0.2 * g.v - g.u))

        net = P.Network()
        g = P.NeuronGroup(net=net, tag="g", size=n, behavior={1: Izh(), 9: Count()})
        groups = [g]
    elif workload == "cuba":
        src, dst, w = cuba_pairs(n, rng)
        W = np.zeros((n, n))
        np.add.at(W, (dst, src), w)
        n_exc = int(0.8 * n)
        de, di, dm = np.exp(-dt / 5.0), np.exp(-dt / 10.0), np.exp(-dt / 20.0)

        class CubaLIF(P.Behavior):
            def initialize(self, g):
                g.v = -60.0 + 10.0 * g.vector("uniform")
                g.ie, g.ii = g.vector(), g.vector()
                g.ref = np.zeros(n, dtype=int)
                g.fired = g.vector() > 0

            def iteration(self, g):
                fired = g.fired
                g.ie += W[:, :n_exc][:, fired[:n_exc]].sum(axis=1)
                g.ii += W[:, n_exc:][:, fired[n_exc:]].sum(axis=1)
                v_inf = -49.0 + 0.1 * (g.ie + g.ii)  # R = tau_m / C_m = 0.1 GOhm
                v = v_inf + (g.v - v_inf) * dm
                active = g.ref <= 0
                g.v = np.where(active, v, -60.0)
                g.ref -= 1
                g.fired = active & (g.v >= -50.0)
                g.v[g.fired] = -60.0
                g.ref[g.fired] = 50
                g.ie *= de
                g.ii *= di

        net = P.Network()
        g = P.NeuronGroup(net=net, tag="g", size=n, behavior={1: CubaLIF(), 9: Count()})
        groups = [g]
    elif workload == "stdp":
        gmax = 0.01 * 1000.0 / n
        p_spike = 15.0 * dt / 1000.0
        a_pre, a_post = 0.01 * gmax, -0.0105 * gmax
        dpre, dpost, dge, dm = np.exp(-dt / 20.0), np.exp(-dt / 20.0), np.exp(-dt / 5.0), dt / 10.0

        class Inputs(P.Behavior):
            def initialize(self, g):
                g.fired = g.vector() > 0

            def iteration(self, g):
                g.fired = g.vector("uniform") < p_spike

        class SongNeuron(P.Behavior):
            def initialize(self, g):
                g.v = g.vector() - 74.0
                g.ge = g.vector()
                g.fired = g.vector() > 0
                g.w = rng.random(n) * gmax
                g.apre = np.zeros(n)
                g.apost = 0.0

            def iteration(self, g):
                pre = inputs.fired
                g.apre *= dpre
                g.apost *= dpost
                g.ge += g.w[pre].sum()
                g.apre[pre] += a_pre
                g.w[pre] = np.clip(g.w[pre] + g.apost, 0, gmax)
                g.v += dm * (g.ge * (0.0 - g.v) + (-74.0) - g.v)
                g.ge *= dge
                g.fired = g.v > -54.0
                if g.fired[0]:
                    g.v[:] = -60.0
                    g.apost += a_post
                    g.w = np.clip(g.w + g.apre, 0, gmax)

        net = P.Network()
        inputs = P.NeuronGroup(net=net, tag="inputs", size=n, behavior={1: Inputs()})
        post = P.NeuronGroup(net=net, tag="post", size=1, behavior={2: SongNeuron(), 9: Count()})
        groups = [post]
    net.initialize(info=False)
    setup = time.perf_counter() - start
    steps = int(round(DURATION[workload] / dt))
    start = time.perf_counter()
    net.simulate_iterations(steps, measure_block_time=False)
    sim = time.perf_counter() - start
    return setup, sim, int(sum(g.spike_count for g in groups))


# -- Brian2 (runtime mode, Cython) -------------------------------------------------------------------
def run_brian2(workload: str, n: int, rng: np.random.Generator) -> tuple[float, float, int]:
    import brian2 as b

    b.prefs.codegen.target = "cython"
    b.seed(args.seed)
    b.defaultclock.dt = DT[workload] * b.ms
    start = time.perf_counter()
    objs = []
    if workload == "izhikevich":
        W = izh_weights(n, rng)
        g = b.NeuronGroup(n, """dv/dt = (0.04*v**2 + 5*v + 140 - u + I) / ms : 1
                               du/dt = 0.02 * (0.2*v - u) / ms : 1
                               I : 1""", threshold="v >= 30", reset="v = -65; u += 8", method="euler")
        g.v = "-65 * rand()"
        g.u = "-8 * rand()"
        g.run_regularly("I = 20 * rand()", when="start")
        s = b.Synapses(g, g, "w : 1", on_pre="v_post += 0.5 * w")  # dt * w: the input is multiplied by dt
        j, i = np.nonzero(np.ones((n, n), dtype=bool))
        s.connect(i=i, j=j)
        s.w = W[j, i]
        objs += [g, s]
    elif workload == "cuba":
        src, dst, w = cuba_pairs(n, rng)
        g = b.NeuronGroup(n, """dv/dt = (-(v + 49) + 0.1 * (ie + ii)) / (20 * ms) : 1 (unless refractory)
                               die/dt = -ie / (5 * ms) : 1
                               dii/dt = -ii / (10 * ms) : 1""",
                          threshold="v >= -50", reset="v = -60", refractory=5 * b.ms, method="exact")
        g.v = "-60 + 10 * rand()"
        exc = w > 0
        se = b.Synapses(g, g, "w : 1", on_pre="ie_post += w")
        se.connect(i=src[exc], j=dst[exc])
        se.w = w[exc]
        si = b.Synapses(g, g, "w : 1", on_pre="ii_post += w")
        si.connect(i=src[~exc], j=dst[~exc])
        si.w = w[~exc]
        objs += [g, se, si]
    elif workload == "stdp":
        gmax = 0.01 * 1000.0 / n
        inputs = b.PoissonGroup(n, rates=15 * b.Hz)
        g = b.NeuronGroup(1, """dv/dt = (ge * (0 - v) - 74 - v) / (10 * ms) : 1
                               dge/dt = -ge / (5 * ms) : 1""", threshold="v > -54", reset="v = -60", method="euler")
        g.v = -74
        s = b.Synapses(inputs, g, """w : 1
                       dApre/dt = -Apre / (20 * ms) : 1 (event-driven)
                       dApost/dt = -Apost / (20 * ms) : 1 (event-driven)""",
                       on_pre="""ge += w
                                 Apre += 0.01 * gmax
                                 w = clip(w + Apost, 0, gmax)""",
                       on_post="""Apost += -0.0105 * gmax
                                  w = clip(w + Apre, 0, gmax)""", namespace={"gmax": gmax})
        s.connect()
        s.w = rng.random(n) * gmax
        objs += [inputs, g, s]
    else:
        src, dst, w, drive = lif20k_pairs(rng)
        g = b.NeuronGroup(20000, """dv/dt = (-(v + 70) + 0.08 * (ie + ii + drive)) / (20 * ms) : 1 (unless refractory)
                                   die/dt = -ie / (5 * ms) : 1
                                   dii/dt = -ii / (10 * ms) : 1
                                   drive : 1 (constant)""",
                          threshold="v >= -50", reset="v = -70", refractory=2 * b.ms, method="exact")
        g.v = "-70 + 20 * rand()"
        g.drive = drive
        exc = w > 0
        se = b.Synapses(g, g, "w : 1", on_pre="ie_post += w")
        se.connect(i=src[exc], j=dst[exc])
        se.w = w[exc]
        si = b.Synapses(g, g, "w : 1", on_pre="ii_post += w")
        si.connect(i=src[~exc], j=dst[~exc])
        si.w = w[~exc]
        objs += [g, se, si]
    mon = b.SpikeMonitor(g)
    net = b.Network(*objs, mon)
    net.run(0 * b.ms)  # code generation and compilation
    setup = time.perf_counter() - start
    start = time.perf_counter()
    net.run(DURATION[workload] * b.ms)
    sim = time.perf_counter() - start
    return setup, sim, int(mon.num_spikes)


# -- NEST (one thread) -------------------------------------------------------------------------------
def run_nest(workload: str, n: int, rng: np.random.Generator) -> tuple[float, float, int]:
    import nest

    if hasattr(nest, "VerbosityLevel"):
        nest.verbosity = nest.VerbosityLevel.ERROR
    else:
        nest.set_verbosity("M_ERROR")
    nest.ResetKernel()
    dt = DT[workload]
    nest.SetKernelStatus({"resolution": dt, "rng_seed": args.seed, "local_num_threads": 1, "print_time": False})
    start = time.perf_counter()
    if workload == "izhikevich":
        g = nest.Create("izhikevich", n, params={"a": 0.02, "b": 0.2, "c": -65.0, "d": 8.0, "V_th": 30.0,
                                                 "consistent_integration": False})
        g.V_m = nest.random.uniform(-65.0, 0.0)
        g.U_m = nest.random.uniform(-8.0, 0.0)
        # uniform(0, 20) each step: mean 10 as I_e, the fluctuation as white noise of the same variance
        g.I_e = 10.0
        noise = nest.Create("noise_generator", params={"mean": 0.0, "std": 20.0 / np.sqrt(12.0), "dt": dt})
        nest.Connect(noise, g)
        W = izh_weights(n, rng)
        ids = np.array(g.tolist())
        j, i = np.nonzero(np.ones((n, n), dtype=bool))
        nest.Connect(ids[i], ids[j], "one_to_one", {"weight": dt * W[j, i], "delay": np.full(i.size, dt)})
    elif workload == "cuba":
        src, dst, w = cuba_pairs(n, rng)
        g = nest.Create("iaf_psc_exp", n, params={"E_L": -49.0, "C_m": 200.0, "tau_m": 20.0, "t_ref": 5.0,
                                                  "V_th": -50.0, "V_reset": -60.0, "tau_syn_ex": 5.0,
                                                  "tau_syn_in": 10.0})
        g.V_m = nest.random.uniform(-60.0, -50.0)
        ids = np.array(g.tolist())
        nest.Connect(ids[src], ids[dst], "one_to_one", {"weight": w, "delay": np.full(w.size, dt)})
    elif workload == "stdp":
        gmax = 0.01 * 1000.0 / n * 10.0  # nS: Brian2's g / g_L with g_L = 10 nS
        pg = nest.Create("poisson_generator", params={"rate": 15.0})
        parrots = nest.Create("parrot_neuron", n)
        nest.Connect(pg, parrots)
        g = nest.Create("iaf_cond_exp", 1, params={"C_m": 100.0, "g_L": 10.0, "E_L": -74.0, "V_th": -54.0,
                                                   "V_reset": -60.0, "t_ref": 0.0, "E_ex": 0.0, "tau_syn_ex": 5.0})
        g.V_m = -74.0
        nest.Connect(parrots, g, "all_to_all", {
            "synapse_model": "stdp_synapse", "weight": nest.random.uniform(0.0, gmax), "Wmax": gmax,
            "lambda": 0.01, "alpha": 1.05, "mu_plus": 0.0, "mu_minus": 0.0, "tau_plus": 20.0, "delay": dt})
        nest.SetStatus(g, {"tau_minus": 20.0})
    else:
        src, dst, w, drive = lif20k_pairs(rng)
        g = nest.Create("iaf_psc_exp", 20000, params={"E_L": -70.0, "C_m": 250.0, "tau_m": 20.0, "t_ref": 2.0,
                                                      "V_th": -50.0, "V_reset": -70.0, "tau_syn_ex": 5.0,
                                                      "tau_syn_in": 10.0})
        g.V_m = nest.random.uniform(-70.0, -50.0)
        g.I_e = drive
        ids = np.array(g.tolist())
        nest.Connect(ids[src], ids[dst], "one_to_one", {"weight": w, "delay": np.full(w.size, dt)})
    rec = nest.Create("spike_recorder")
    nest.Connect(g, rec)
    nest.Prepare()
    nest.Cleanup()
    setup = time.perf_counter() - start
    start = time.perf_counter()
    nest.Simulate(DURATION[workload])
    sim = time.perf_counter() - start
    return setup, sim, int(rec.n_events)


RUNNERS = {"pymonn": run_pymonn, "pymonnto": run_pymonnto, "brian2": run_brian2, "nest": run_nest}

if __name__ == "__main__":
    rng = np.random.default_rng(args.seed)
    setup, sim, spikes = RUNNERS[args.engine](args.workload, args.size, rng)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(json.dumps({"engine": args.engine, "workload": args.workload, "size": args.size, "setup_s": setup,
                      "sim_s": sim, "spikes": spikes, "peak_mib": peak, "simulated_ms": DURATION[args.workload]}))

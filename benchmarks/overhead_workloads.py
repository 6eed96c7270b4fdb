"""Workloads of benchmarks/overhead.py, written once in PymoNNto's 3.x spelling.

Run as ``python overhead_workloads.py ENGINE WORKLOAD [--size N]`` where ENGINE is ``pymonn``
or ``PymoNNto``; prints one JSON line with the measured seconds. The same text runs on both
engines, which is the point: only the import differs.
"""

from __future__ import annotations

import argparse
import importlib
import json
import time

parser = argparse.ArgumentParser()
parser.add_argument("engine", choices=["pymonn", "PymoNNto"])
parser.add_argument("workload", choices=["overhead", "izhikevich"])
parser.add_argument("--size", type=int, default=1000, help="neurons in the Izhikevich network (80%% exc)")
parser.add_argument("--steps", type=int, default=1000)
parser.add_argument("--repeats", type=int, default=3)
parser.add_argument("--keep-regime", action="store_true",
                    help="scale weights by 1000/size so a larger network stays in the seed's firing regime")
args = parser.parse_args()

engine = importlib.import_module(args.engine)
np = engine.np
Behavior, Network, NeuronGroup, SynapseGroup = engine.Behavior, engine.Network, engine.NeuronGroup, engine.SynapseGroup
Recorder, get_squared_dim, afferent = engine.Recorder, engine.get_squared_dim, engine.afferent
quiet = {"progress": False} if args.engine == "pymonn" else {}


class Trivial(Behavior):
    def initialize(self, n):
        self.calls = 0

    def iteration(self, n):
        self.calls += 1


class Izhikevich(Behavior):
    def initialize(self, n):
        n.a, n.b, n.c, n.d = 0.02, 0.2, -65.0, 8.0
        n.v = -65.0 * n.vector("uniform")
        n.u = -8.0 * n.vector("uniform")
        n.I = n.vector()
        n.fired = n.vector() > 0
        n.dt = 0.5

    def iteration(self, n):
        n.fired = n.v > 30
        n.v[n.fired] = n.c
        n.u[n.fired] += n.d
        n.v += n.dt * (0.04 * n.v**2 + 5 * n.v + 140 - n.u + n.I)
        n.u += n.dt * (n.a * (n.b * n.v - n.u))


class Input(Behavior):
    def initialize(self, n):
        scale = 1000 / args.size if args.keep_regime else 1.0
        for s in n.synapses(afferent):
            s.W = s.matrix("uniform") * scale

    def iteration(self, n):
        n.I = 20 * n.vector("uniform")
        for s in n.synapses(afferent, "GLUTAMATE"):
            n.I += 0.5 * np.sum(s.W[:, s.src.fired], axis=1)
        for s in n.synapses(afferent, "GABA"):
            n.I -= np.sum(s.W[:, s.src.fired], axis=1)


def overhead():
    net = Network()
    for g in range(10):
        NeuronGroup(net=net, tag=f"g{g}", size=1, behavior={k: Trivial() for k in range(5)})
    net.initialize(info=False)
    net.simulate_iterations(1000, measure_block_time=False, **quiet)  # warm up
    best = float("inf")
    steps = 20000
    for _ in range(args.repeats):
        start = time.perf_counter()
        net.simulate_iterations(steps, measure_block_time=False, **quiet)
        best = min(best, time.perf_counter() - start)
    return {"us_per_call": 1e6 * best / (steps * 50)}


def izhikevich():
    times, setups, rates = [], [], []
    for _ in range(args.repeats):
        start = time.perf_counter()
        net = Network()
        n_exc = int(args.size * 0.8)
        groups = []
        for tag, size in (("exc", n_exc), ("inh", args.size - n_exc)):
            groups.append(NeuronGroup(net=net, tag=tag, size=get_squared_dim(size), behavior={
                1: Izhikevich(), 2: Input(), 9: Recorder(["v", "u", "fired"])}))
        e, i = groups
        SynapseGroup(net=net, src=e, dst=e, tag="GLUTAMATE")
        SynapseGroup(net=net, src=e, dst=i, tag="GLUTAMATE")
        SynapseGroup(net=net, src=i, dst=e, tag="GABA")
        SynapseGroup(net=net, src=i, dst=i, tag="GABA")
        net.initialize(info=False)
        setups.append(time.perf_counter() - start)
        start = time.perf_counter()
        net.simulate_iterations(args.steps, measure_block_time=False, **quiet)
        times.append(time.perf_counter() - start)
        fired = np.array(net["fired", 0]) if args.engine == "pymonn" else np.array(e["fired", 0])
        rates.append(float(fired.mean()))
    return {"seconds": min(times), "setup": min(setups), "rate": rates[-1],
            "dtype": str(np.asarray(e.v).dtype)}


print(json.dumps({"overhead": overhead, "izhikevich": izhikevich}[args.workload]()))

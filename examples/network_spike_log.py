"""A random network of Hindmarsh-Rose neurons logging every spike: the Rust seed's ``network-spike-log``.

    python examples/network_spike_log.py --size=10
    python examples/network_spike_log.py --size=13000 --real-time --duration 5000 > spikes.log

Prints one line per spike, ``t=660: neuron 8 is spiking`` (time in ms), as spiking-neural-net's
example does. With ``--real-time`` the simulation is paced to the wall clock: one simulated
second takes one second, and a summary on stderr says whether it kept up (the largest lag behind
the clock stays under one step) or fell behind.

Model. ``--size`` Hindmarsh-Rose neurons (r = 0.001, x_R = -1.6, s = 4), each driven by a constant
current drawn uniformly from ``[--i-min, --i-max]`` (bursting to tonic spiking) and by
``--fan-in`` random excitatory synapses from other neurons whose current decays exponentially
(post-synaptic potentials; weight ``--weight``, time constant ``--tau`` ms). A spike is an upward
crossing of x = 1. Time scale as in ``single_neuron_trace.py``: one model time unit is 100 ms and
the step is 10 ms (the seed's output grid), integrated by classical Runge-Kutta.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np
from pymonn.behaviours import ConstantCurrent, ExponentialSynapse, HindmarshRose

from pymonn import EventRecorder, Network, NeuronGroup, SynapseGroup


def build(size: int, *, fan_in: int = 10, weight: float = 0.1, tau_ms: float = 20.0, i_min: float = 2.5,
          i_max: float = 4.0, dt_ms: float = 10.0, time_unit_ms: float = 100.0, seed: int = 1,
          dtype=np.float64, record: bool = False) -> Network:
    """The network, initialized; time in model units (``dt = dt_ms / time_unit_ms``)."""
    net = Network(dt=dt_ms / time_unit_ms, seed=seed, dtype=dtype)
    behaviour = {
        10: ConstantCurrent(amplitude=f"{i_min};{i_max}"),
        30: HindmarshRose(r=0.001, x="-1.6;1.0"),
    }
    if record:
        behaviour[90] = EventRecorder("fired")
    group = NeuronGroup(net, size, tag="hr", behaviour=behaviour)
    k = min(fan_in, size - 1)
    if k > 0:
        SynapseGroup(net, group, group, tag="psp", behaviour={
            20: ExponentialSynapse(indegree=k, weight=weight, tau=tau_ms / time_unit_ms, allow_self=False),
        })
    net.initialize()
    return net


class SpikeLog:
    """Step callback: prints the spikes of the step and paces the run to the wall clock."""

    def __init__(self, group, step_ms: float, out, real_time: bool, quiet: bool = False,
                 clock=time.perf_counter, sleep=time.sleep):
        self.group, self.step_ms, self.out = group, step_ms, out
        self.real_time, self.quiet = real_time, quiet
        self.clock, self.sleep = clock, sleep  # injectable, so that pacing can be tested without a real clock
        self.spikes = 0
        self.max_lag = 0.0
        self.late_steps = 0  # steps that ended more than one step behind the clock
        self.start = clock()

    def __call__(self, net) -> None:
        fired = np.flatnonzero(self.group.fired)
        t = int(round(net.iteration * self.step_ms))
        if fired.size:
            self.spikes += fired.size
            if not self.quiet:
                self.out.write("".join(f"t={t}: neuron {i} is spiking\n" for i in fired.tolist()))
        if self.real_time:
            self.out.flush()
            ahead = self.start + t / 1000.0 - self.clock()
            if ahead > 0:
                self.sleep(ahead)
            else:
                self.max_lag = max(self.max_lag, -ahead)
                self.late_steps += -ahead >= self.step_ms / 1000.0


def main(argv: list[str] | None = None, out=None) -> dict:
    """Run the log; returns a summary dict (spikes, wall time, max lag, kept_up)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=10, help="number of neurons (default 10)")
    parser.add_argument("--duration", type=float, default=10_000.0, help="simulated time in ms (default 10000)")
    parser.add_argument("--real-time", action="store_true", help="pace the simulation to the wall clock")
    parser.add_argument("--fan-in", type=int, default=10, help="synapses onto each neuron (default 10)")
    parser.add_argument("--weight", type=float, default=0.1, help="synaptic weight (current units, default 0.1)")
    parser.add_argument("--tau", type=float, default=20.0, help="synaptic time constant in ms (default 20)")
    parser.add_argument("--i-min", type=float, default=2.5, help="smallest drive current (default 2.5)")
    parser.add_argument("--i-max", type=float, default=4.0, help="largest drive current (default 4.0)")
    parser.add_argument("--dt", type=float, default=10.0, help="step in ms (default 10, the seed's grid)")
    parser.add_argument("--seed", type=int, default=1, help="network seed (default 1)")
    parser.add_argument("--quiet", action="store_true", help="count spikes but print no lines (timing runs)")
    parser.add_argument("--quick", action="store_true", help="2 s of simulated time (for tests)")
    args = parser.parse_args(argv)
    if args.quick:
        args.duration = min(args.duration, 2000.0)
    if args.size < 1:
        parser.error("--size must be >= 1")
    if not (args.duration > 0 and args.dt > 0):
        parser.error("--duration and --dt must be positive")
    out = out or sys.stdout
    # load the compiled kernels (from numba's cache) with a throw-away two-neuron copy, so that the
    # paced run does not start with a fraction of a second of loading
    build(2, fan_in=1, dt_ms=args.dt).simulate_iterations(1, progress=False)
    build_start = time.perf_counter()
    net = build(args.size, fan_in=args.fan_in, weight=args.weight, tau_ms=args.tau, i_min=args.i_min,
                i_max=args.i_max, dt_ms=args.dt, seed=args.seed)
    setup = time.perf_counter() - build_start
    log = SpikeLog(net.hr, args.dt, out, args.real_time, args.quiet)
    steps = int(round(args.duration / args.dt))
    log.start = time.perf_counter()
    net.simulate_iterations(steps, progress=False, callback=log)
    wall = time.perf_counter() - log.start
    out.flush()
    kept_up = log.max_lag < args.dt / 1000.0 if args.real_time else wall <= args.duration / 1000.0
    summary = {"size": args.size, "spikes": log.spikes, "simulated_s": steps * args.dt / 1000.0, "wall_s": wall,
               "setup_s": setup, "max_lag_ms": 1000.0 * log.max_lag, "late_steps": log.late_steps,
               "kept_up": bool(kept_up)}
    mode = "paced to the wall clock" if args.real_time else "as fast as possible"
    verdict = ("kept up with real time" if kept_up else "fell behind real time")
    print(f"# {args.size} neurons, {log.spikes} spikes, {summary['simulated_s']:g} s simulated in {wall:.2f} s wall "
          f"({mode}; set-up {setup:.2f} s); max lag {summary['max_lag_ms']:.1f} ms: {verdict}", file=sys.stderr)
    return summary


if __name__ == "__main__":
    main()

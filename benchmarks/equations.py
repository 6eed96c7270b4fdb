"""Models from equations: compile time (cold and warm) and simulation speed, against the library's
hand-written kernels and Brian2 on the same equations (issue 11); prints tables.

    python benchmarks/equations.py                      # 10,000 neurons, 10,000 steps, 3 repeats, Brian2
    python benchmarks/equations.py --quick --no-brian2  # a smoke run

Compile: each probe runs in a fresh process. *Cold* uses an empty cache folder (pymonn:
``PYMONN_CACHE_DIR``; Brian2: its Cython cache, ``codegen.runtime.cython.cache_dir``), *warm* a second
process on the folder the cold one filled. The time is the network's set-up from building the
model to the end of its first step (pymonn: ``net.initialize()`` + one step, which parses, checks,
generates the kernel and compiles or loads it; Brian2: ``run(defaultclock.dt)``, its code
generation and Cython compilation); imports are timed separately (pymonn.behaviours loads numba).

Speed: ``--neurons`` neurons for ``--steps`` steps of 0.1 ms after a 100-step warm-up, wall time of
the run only, median of ``--repeats``; the library's model (for the LIF both its default, which
fuses the synapse's pass into the LIF, and ``fuse_synapses=False``), the same model as
``Equations``, and Brian2 (runtime mode, Cython) in the peer environment (``peer_env``;
Brian2 2.9 needs numpy < 2.4 there). The three models:

* Izhikevich (2003), regular spiking, constant input drawn uniformly in [5, 15], forward Euler;
* AdEx (Brette & Gerstner 2005 parameters), input in [600, 1000] pA, forward Euler;
* LIF (tau_m 10 ms, 250 pF, t_ref 2 ms) with an exponential current (tau 2 ms), input in
  [350, 450] pA, recurrent synapses with p = 0.01 and w = 5 pA, method 'exact'.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
MODELS = ("izhikevich", "adex", "lif_exp")

IZHIKEVICH = "dv/dt = 0.04*v**2 + 5*v + 140 - u + I\ndu/dt = a*(b*v - u)"
ADEX = ("dv/dt = (-g_L*(v - E_L) + g_L*Delta_T*exp(minimum((v - V_T)/Delta_T, 80.0)) - w + I)/C\n"
        "dw/dt = (a*(v - E_L) - w)/tau_w")
LIF_EXP = ("dv/dt = (v_rest - v + R*(I + I_syn))/tau_m (unless refractory)\n"
           "dI_syn/dt = -I_syn/tau_s")

#: the pymonn side of every probe: builds one model (library or equations) on N neurons
PYMONN_MODEL = r'''
import numpy as np
from pymonn import Network, NeuronGroup, SynapseGroup
from pymonn.behaviours import LIF, AdEx, ConstantCurrent, ExponentialSynapse, Izhikevich
from pymonn.behaviours.equations import Equations, SynapticEquations

def build(model, kind, n, fuse=True):
    net = Network(dt=0.1, seed=1)
    amp = {"izhikevich": "uniform(5, 15)", "adex": "uniform(600, 1000)", "lif_exp": "uniform(350, 450)"}[model]
    syn = None
    if model == "izhikevich":
        beh = Izhikevich() if kind == "library" else Equations(IZHIKEVICH, threshold="v >= 30", reset="v = c; u += d",
                                                               a=0.02, b=0.2, c=-65.0, d=8.0, v=-65.0, u=-13.0)
    elif model == "adex":
        beh = AdEx() if kind == "library" else Equations(
            ADEX, threshold="v >= 0", reset="v = V_r; w += b", C=281.0, g_L=30.0, E_L=-70.6, V_T=-50.4, Delta_T=2.0,
            a=4.0, tau_w=144.0, b=80.5, V_r=-70.6, v=-70.6, w=0.0)
    else:
        if kind == "library":
            beh, syn = LIF(t_ref=2.0, fuse_synapses=fuse), ExponentialSynapse(p=0.01, weight=5.0, tau=2.0)
        else:
            beh = Equations(LIF_EXP, threshold="v >= v_th", reset="v = v_reset", refractory=2.0, method="exact",
                            v_rest=-70.0, R=0.04, tau_m=10.0, tau_s=2.0, v_th=-55.0, v_reset=-70.0, v=-70.0)
            syn = SynapticEquations(on_pre="I_syn += w", p=0.01, weight=5.0)
    g = NeuronGroup(net, n, {10: ConstantCurrent(amplitude=amp), 30: beh}, tag="g")
    if syn is not None:
        SynapseGroup(net, g, g, behaviour={20: syn})
    return net
'''

PYMONN_COMPILE = r'''
import json, sys, time
t0 = time.perf_counter()
import pymonn, pymonn.behaviours, pymonn.behaviours.equations
t1 = time.perf_counter()
IZHIKEVICH, ADEX, LIF_EXP = json.loads(sys.argv[2])
''' + PYMONN_MODEL + r'''
t2 = time.perf_counter()
net = build(sys.argv[1], "equations", 100)
net.initialize()
net.simulate_iterations(1, progress=False)
t3 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "compile": t3 - t2}))
'''

PYMONN_SPEED = r'''
import json, sys, time
IZHIKEVICH, ADEX, LIF_EXP = json.loads(sys.argv[5])
''' + PYMONN_MODEL + r'''
model, kind, n, steps = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
net = build(model, kind.split("-")[0], n, fuse=not kind.endswith("unfused"))
net.initialize()
net.simulate_iterations(100, progress=False)
t = time.perf_counter()
net.simulate_iterations(steps, progress=False)
print(json.dumps({"run": time.perf_counter() - t}))
'''

BRIAN2 = r'''
import json, sys, time
t0 = time.perf_counter()
from brian2 import *
t1 = time.perf_counter()
model, n, steps, cache = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
prefs.codegen.target = "cython"
prefs.codegen.runtime.cython.cache_dir = cache
prefs.codegen.runtime.cython.multiprocess_safe = False
defaultclock.dt = 0.1*ms
seed(1)
t2 = time.perf_counter()
if model == "izhikevich":
    G = NeuronGroup(n, """dv/dt = (0.04*v**2 + 5*v + 140 - u + I)/ms : 1
                          du/dt = a*(b*v - u)/ms : 1
                          I : 1""", threshold="v >= 30", reset="v = c; u += d", method="euler",
                    namespace=dict(a=0.02, b=0.2, c=-65.0, d=8.0))
    G.v, G.u, G.I = -65.0, -13.0, "5 + 10*rand()"
elif model == "adex":
    G = NeuronGroup(n, """dv/dt = (-g_L*(v - E_L) + g_L*Delta_T*exp(clip((v - V_T)/Delta_T, -1e9, 80)) - w + I)/C : volt
                          dw/dt = (a*(v - E_L) - w)/tau_w : amp
                          I : amp""", threshold="v >= 0*mV", reset="v = V_r; w += b", method="euler",
                    namespace=dict(C=281*pF, g_L=30*nS, E_L=-70.6*mV, V_T=-50.4*mV, Delta_T=2*mV, a=4*nS,
                                   tau_w=144*ms, b=80.5*pA, V_r=-70.6*mV))
    G.v, G.I = -70.6*mV, "(600 + 400*rand())*pA"
else:
    G = NeuronGroup(n, """dv/dt = (v_rest - v + R*(I + I_syn))/tau_m : volt (unless refractory)
                          dI_syn/dt = -I_syn/tau_s : amp
                          I : amp""", threshold="v >= v_th", reset="v = v_reset", refractory=2*ms, method="exact",
                    namespace=dict(v_rest=-70*mV, R=40*Mohm, tau_m=10*ms, tau_s=2*ms, v_th=-55*mV, v_reset=-70*mV))
    G.v, G.I = -70*mV, "(350 + 100*rand())*pA"
    S = Synapses(G, G, on_pre="I_syn_post += 5*pA")
    S.connect(p=0.01)
run(defaultclock.dt)
t3 = time.perf_counter()
out = {"import": t1 - t0, "compile": t3 - t2}
if steps:
    run(99*defaultclock.dt)
    t4 = time.perf_counter()
    run(steps*defaultclock.dt)
    out["run"] = time.perf_counter() - t4
print(json.dumps(out))
'''


def _json_out(cmd: list[str], env: dict | None = None, timeout: int = 900) -> dict:
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout, cwd=ROOT)
    if out.returncode:
        raise RuntimeError(f"{' '.join(cmd[:3])} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _env(cache: str) -> dict:
    env = dict(os.environ, PYMONN_CACHE_DIR=cache)
    env.pop("NUMBA_CACHE_DIR", None)
    return env


def pymonn_compile(model: str, repeats: int) -> dict:
    cold, warm, imports = [], [], []
    sources = json.dumps([IZHIKEVICH, ADEX, LIF_EXP])
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as cache:
            a = _json_out([sys.executable, "-c", PYMONN_COMPILE, model, sources], _env(cache))
            b = _json_out([sys.executable, "-c", PYMONN_COMPILE, model, sources], _env(cache))
        cold.append(a["compile"])
        warm.append(b["compile"])
        imports.append(b["import"])
    return {"cold": statistics.median(cold), "warm": statistics.median(warm), "import": statistics.median(imports)}


def brian2_compile(python: str, model: str, repeats: int) -> dict:
    cold, warm, imports = [], [], []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as cache:
            a = _json_out([python, "-c", BRIAN2, model, "100", "0", cache])
            b = _json_out([python, "-c", BRIAN2, model, "100", "0", cache])
        cold.append(a["compile"])
        warm.append(b["compile"])
        imports.append(b["import"])
    return {"cold": statistics.median(cold), "warm": statistics.median(warm), "import": statistics.median(imports)}


def pymonn_speed(model: str, kind: str, n: int, steps: int, repeats: int, cache: str) -> float:
    sources = json.dumps([IZHIKEVICH, ADEX, LIF_EXP])
    runs = [_json_out([sys.executable, "-c", PYMONN_SPEED, model, kind, str(n), str(steps), sources], _env(cache))["run"]
            for _ in range(repeats)]
    return statistics.median(runs)


def brian2_speed(python: str, model: str, n: int, steps: int, repeats: int, cache: str) -> float:
    return statistics.median(_json_out([python, "-c", BRIAN2, model, str(n), str(steps), cache])["run"]
                             for _ in range(repeats))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--neurons", type=int, default=10_000)
    parser.add_argument("--steps", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-brian2", action="store_true", help="leave Brian2 out")
    parser.add_argument("--peer-python", help="python with Brian2 (default: the peer environment, created on first use)")
    parser.add_argument("--quick", action="store_true", help="1,000 neurons, 1,000 steps, one repeat")
    parser.add_argument("--json", metavar="OUT", help="write the results as JSON")
    args = parser.parse_args()
    if args.quick:
        args.neurons, args.steps, args.repeats = 1000, 1000, 1
    brian = None
    if not args.no_brian2:
        sys.path.insert(0, str(HERE))
        from peer_env import ENV_DIR, peer_python

        brian = args.peer_python or str(ENV_DIR / "bin" / "python")
        ready = pathlib.Path(brian).exists() and subprocess.run([brian, "-c", "import brian2, Cython"],
                                                                capture_output=True).returncode == 0
        if not ready and not args.peer_python:
            brian = str(peer_python("numpy<2.4", "brian2", "cython", "setuptools"))
    load = os.getloadavg()[0]
    results: dict = {"neurons": args.neurons, "steps": args.steps, "repeats": args.repeats, "load_before": load}
    print(f"## Compile time (s, median of {args.repeats} fresh processes; load average {load:.2f})\n")
    print("| model | pymonn cold | pymonn warm | Brian2 cold | Brian2 warm | imports pymonn / Brian2 |")
    print("|---|---|---|---|---|---|")
    results["compile"] = {}
    for model in MODELS:
        ours = pymonn_compile(model, args.repeats)
        theirs = brian2_compile(brian, model, args.repeats) if brian else None
        results["compile"][model] = {"pymonn": ours, "brian2": theirs}
        b = (f"{theirs['cold']:.2f} | {theirs['warm']:.2f}" if theirs else "- | -")
        imp = f"{ours['import']:.2f} / " + (f"{theirs['import']:.2f}" if theirs else "-")
        print(f"| {model} | {ours['cold']:.2f} | {ours['warm']:.3f} | {b} | {imp} |", flush=True)
    print(f"\n## Simulation ({args.neurons:,} neurons, {args.steps:,} steps of 0.1 ms; s, median of {args.repeats})\n")
    print("| model | library | Equations | ratio Equations / library | Brian2 | Brian2 / Equations |")
    print("|---|---|---|---|---|---|")
    results["speed"] = {}
    with tempfile.TemporaryDirectory() as cache:
        for model in MODELS:
            kinds = ["library", "equations"] + (["library-unfused"] if model == "lif_exp" else [])
            row = {k: pymonn_speed(model, k, args.neurons, args.steps, args.repeats, cache) for k in kinds}
            if brian:
                with tempfile.TemporaryDirectory() as bcache:
                    row["brian2"] = brian2_speed(brian, model, args.neurons, args.steps, args.repeats, bcache)
            results["speed"][model] = row
            lib = f"{row['library']:.3f}" + (f" (unfused {row['library-unfused']:.3f})" if "library-unfused" in row else "")
            ratio = f"{row['equations'] / row['library']:.2f}" + (
                f" ({row['equations'] / row['library-unfused']:.2f})" if "library-unfused" in row else "")
            b = f"{row['brian2']:.3f} | {row['brian2'] / row['equations']:.1f}x" if brian else "- | -"
            print(f"| {model} | {lib} | {row['equations']:.3f} | {ratio} | {b} |", flush=True)
    results["load_after"] = os.getloadavg()[0]
    print(f"\nload average after: {results['load_after']:.2f}; {time.strftime('%Y-%m-%d %H:%M')}, "
          f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()

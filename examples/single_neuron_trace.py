"""One Hindmarsh-Rose neuron, its state printed as CSV: the Rust seed's ``single-neuron-trace``.

    python examples/single_neuron_trace.py > output.csv
    python examples/single_neuron_trace.py --duration 5000 --current 3.0 --header > bursting.csv

Every line is one sampled step: ``time (ms), x, y, z, I`` - the membrane potential ``x``, the fast
recovery (sodium-potassium) variable ``y``, the slow adaptation variable ``z`` and the applied
current ``I``, the columns of spiking-neural-net's example.

Time scale. The Hindmarsh-Rose equations are dimensionless. The Rust seed prints a row every
10 ms and its neuron spikes roughly twice a second; its rows are reproduced to rounding error by a
classical Runge-Kutta step of 0.1 time units with r = 0.001 (x_R = -1.6, s = 4, I = 5), i.e. one
model time unit is 100 ms. Those are the defaults here (``--time-unit 100 --dt 10 --r 0.001``), and
the default initial state is the seed's first printed row, so the first lines of the output are
the seed's README lines.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np
from pymonn.behaviours import ConstantCurrent, HindmarshRose

from pymonn import Network, NeuronGroup, Recorder

#: The first row the Rust seed prints (time 0): x, y, z.
SEED_STATE = (-0.8389827395482743, -3.16059326818377, 4.380507094353632)


def build(current: float, dt_ms: float, time_unit_ms: float, r: float, state: tuple[float, float, float],
          every: int = 1) -> Network:
    """A one-neuron network (dt in model time units = ``dt_ms / time_unit_ms``) recording x, y, z, I."""
    net = Network(dt=dt_ms / time_unit_ms, seed=0)
    x0, y0, z0 = state
    NeuronGroup(net, 1, tag="neuron", behaviour={
        10: ConstantCurrent(amplitude=current),
        30: HindmarshRose(r=r, x=x0, y=y0, z=z0),
        90: Recorder(["x", "y", "z", "I"], every=every),
    })
    net.initialize()
    return net


def main(argv: list[str] | None = None, out=None) -> np.ndarray:
    """Run the trace and write the CSV to ``out`` (stdout); returns the rows as an array."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=10_000.0, help="simulated time in ms (default 10000)")
    parser.add_argument("--dt", type=float, default=10.0, help="integration step in ms (default 10, the seed's)")
    parser.add_argument("--every", type=int, default=1, help="print every k-th step (default 1)")
    parser.add_argument("--current", type=float, default=5.0, help="applied current I (default 5, the seed's)")
    parser.add_argument("--r", type=float, default=0.001, help="slow time scale r (default 0.001, the seed's)")
    parser.add_argument("--time-unit", type=float, default=100.0, help="ms per model time unit (default 100)")
    parser.add_argument("--x0", type=float, default=SEED_STATE[0], help="initial x (default: the seed's first row)")
    parser.add_argument("--y0", type=float, default=SEED_STATE[1], help="initial y")
    parser.add_argument("--z0", type=float, default=SEED_STATE[2], help="initial z")
    parser.add_argument("--header", action="store_true", help="print a header line first")
    parser.add_argument("--quick", action="store_true", help="1 s of simulated time (for tests)")
    args = parser.parse_args(argv)
    if args.quick:
        args.duration = min(args.duration, 1000.0)
    for name in ("duration", "dt", "time_unit"):
        if not getattr(args, name) > 0:
            parser.error(f"--{name.replace('_', '-')} must be positive")
    if args.every < 1:
        parser.error("--every must be >= 1")
    out = out or sys.stdout
    net = build(args.current, args.dt, args.time_unit, args.r, (args.x0, args.y0, args.z0), args.every)
    rec = net["Recorder", 0]
    steps = int(round(args.duration / args.dt))
    net.simulate_iterations(steps, progress=False)
    # row 0 is the initial state (time 0, as the seed prints it), then one row per sampled step
    t = np.concatenate([[0.0], rec.iterations * args.dt])
    state = np.column_stack([rec[v][:, 0] for v in ("x", "y", "z")]).astype(np.float64)
    state = np.vstack([[args.x0, args.y0, args.z0], state])
    current = np.concatenate([[args.current], rec["I"][:, 0]])
    rows = np.column_stack([t, state, current])
    if args.header:
        out.write("time_ms, x, y, z, I\n")
    out.write("".join(f"{ti:g}, {x!r}, {y!r}, {z!r}, {i:g}\n" for ti, x, y, z, i in
                      zip(t, state[:, 0].tolist(), state[:, 1].tolist(), state[:, 2].tolist(), current, strict=True)))
    out.flush()
    return rows


if __name__ == "__main__":
    main()

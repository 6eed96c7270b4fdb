"""A hand-written numba loop for Brian2's CUBA network: the speed floor pymonn is measured against.

Issue 3 states its CUBA 4k target (0.09 s) next to a hand-written numba loop (0.057 s) measured
on another machine. Machines differ by up to 2x, so ``benchmarks/library.py`` runs this loop on
the same connectivity in the same process and reports pymonn's time as a multiple of it
(target: 0.09 / 0.057 = 1.58x).

The loop is the whole simulation in one compiled function, one pass over the neurons per step,
with pymonn's arithmetic: exponential currents (5 ms excitatory, 10 ms inhibitory) whose exact
mean over the step drives a LIF integrated exactly, with a refractory count. It makes the same
floating-point operations in the same order as ``ExponentialSynapse`` + ``LIF``, so it produces
the same spikes: :func:`run` returns the spike count, which the benchmark compares.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, fastmath=False)
def run(steps, indptr, indices, w, v, ref, fired, ge, gi, coef, lif, n_ref):
    """Simulate ``steps`` steps in place; return the number of spikes.

    ``coef`` (2, 2): decay factors and mean-current factors of the two channels (as
    ``ExponentialSynapse.coef``); ``lif``: v_rest, v_reset, v_th, gain, decay, decay_last.
    Negative weights feed ``gi``.
    """
    n = v.shape[0]
    a0, a1, s0, s1 = coef[0, 0], coef[0, 1], coef[1, 0], coef[1, 1]
    vr, vz, th, g, d, dl = lif[0], lif[1], lif[2], lif[3], lif[4], lif[5]
    spikes = np.empty(n, np.int64)
    count = 0
    for i in range(n):
        if fired[i]:
            spikes[count] = i
            count += 1
    total = 0
    for _ in range(steps):
        for q in range(count):  # arrivals of the previous step's spikes
            i = spikes[q]
            for k in range(indptr[i], indptr[i + 1]):
                x = w[k]
                if x < 0:
                    gi[indices[k]] += x
                else:
                    ge[indices[k]] += x
        count = 0
        for j in range(n):  # one pass: mean current, decay, membrane
            x0 = ge[j]
            x1 = gi[j]
            current = x0 * s0 + x1 * s1
            y0 = x0 * a0
            y1 = x1 * a1
            ge[j] = y0 if abs(y0) >= 1.1754944e-38 else 0.0
            gi[j] = y1 if abs(y1) >= 1.1754944e-38 else 0.0
            r = ref[j]
            dd = dl if r == 1 else d
            v_inf = vr + g * current
            xv = v_inf + (v[j] - v_inf) * dd
            spike = xv >= th and r <= 1
            v[j] = vz if (r > 1 or spike) else xv
            ref[j] = n_ref if spike else max(r - 1, 0)
            fired[j] = spike
            count += spike
        if count:  # collected after the pass: an indexed store inside it would stop vectorisation
            count = 0
            for j in range(n):
                if fired[j]:
                    spikes[count] = j
                    count += 1
        total += count
    return total


def run_like(net, group, sg, steps: int) -> tuple[float, int]:
    """Run the loop on a copy of a CUBA network's state (``benchmarks/library.py``'s ``build_cuba``).

    Returns (seconds, spikes). The network itself is left untouched.
    """
    import time

    beh = sg.behaviours[20]
    lif = group.behaviours[30]
    indptr, indices, w = beh._conn_args(sg)[:3]
    coef = np.ascontiguousarray(beh.coef, dtype=np.float64)
    table = np.ascontiguousarray(lif.P[:6, 0], dtype=np.float64)
    state = beh.state.astype(np.float64)
    args = (indptr, indices, w, group.v.astype(np.float64), group.refractory.copy(), group.fired.copy(),
            state[0].copy(), state[1].copy(), coef, table, int(lif.n_ref[0]))
    run(1, *(a.copy() if isinstance(a, np.ndarray) else a for a in args))  # compile or load
    start = time.perf_counter()
    spikes = run(steps, *args)
    return time.perf_counter() - start, int(spikes)

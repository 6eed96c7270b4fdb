"""20,000 LIF neurons with four million sparse synapses for one second: SpikingNeuralNetworks.jl's showcase.

    python examples/lif_20k.py                       # float32; writes lif20k_*.png
    python examples/lif_20k.py --dtype float16       # half the state memory, NaN/Inf cleaned
    python examples/lif_20k.py --quick               # 4,000 neurons, 200 ms

The network: 20,000 leaky integrate-and-fire neurons (tau_m = 20 ms, C_m = 250 pF, threshold
-50 mV, reset -70 mV, 2 ms refractory) in five populations of 4,000 - four excitatory
assemblies E1-E4 and one inhibitory population I. Every neuron receives exactly 200 synapses
(sparse CSR, 4 million in all): 80 from its own assembly, 80 from the other three assemblies and
40 inhibitory ones (inhibitory neurons: 160 from the excitatory neurons at large and 40 from I).
Synaptic currents decay exponentially (5 ms excitatory, 10 ms inhibitory, one synapse group
with signed weights); each neuron also gets a constant current drawn from 240-290 pA (threshold
is reached at 250 pA), and the assemblies take turns, 50 ms each, receiving 25 pA more (one
timed schedule), so that their spike trains differ.

Output: a raster coloured by population with a progress bar while it runs, the connection
topology (synapse counts between the populations, the block structure of the connectivity,
and the adjacency matrix of a random sample of neurons), and a 2-D embedding of the neurons'
spike trains (spike counts in 10 ms bins): UMAP when the optional ``umap-learn`` package is
installed, otherwise (with a message saying so) PCA. Prints the set-up and simulation time;
the target is a 1 s simulation in under 2 s of wall time.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np
from pymonn.behaviours import LIF, ExponentialSynapse, TimedSchedule
from pymonn.behaviours.connectivity import CSR, fixed_indegree

from pymonn import EventRecorder, Network, NeuronGroup, SynapseGroup

POPULATIONS = ("E1", "E2", "E3", "E4", "I")
COLOURS = ("tab:blue", "tab:green", "tab:orange", "tab:purple", "tab:red")
W_EXC, W_INH = 12.0, -60.0  # pA


def connectivity(n_per_pop: int, k_own: int, k_other: int, k_inh: int, rng: np.random.Generator) -> CSR:
    """The population-structured fixed in-degree CSR (weights W_EXC / W_INH by source)."""
    n_pop = len(POPULATIONS)
    n = n_per_pop * n_pop
    n_exc = n_per_pop * (n_pop - 1)
    src_parts, dst_parts = [], []

    def add(src_offset, n_src, dst_offset, n_dst, k, exclude=None):
        """k distinct sources for each destination (from a range of n_src, maybe skipping one block)."""
        if k == 0:
            return
        ptr, idx = fixed_indegree(n_src, n_dst, k, rng)
        src = np.repeat(np.arange(n_src, dtype=np.int64), np.diff(ptr))
        if exclude is not None:  # sources drawn from the other assemblies: skip the destination's own block
            src = src + (src >= exclude) * n_per_pop
        src_parts.append(src + src_offset)
        dst_parts.append(idx.astype(np.int64) + dst_offset)

    for p in range(n_pop - 1):  # excitatory assemblies
        lo = p * n_per_pop
        add(lo, n_per_pop, lo, n_per_pop, k_own)
        add(0, n_exc - n_per_pop, lo, n_per_pop, k_other, exclude=lo)
        add(n_exc, n_per_pop, lo, n_per_pop, k_inh)
    add(0, n_exc, n_exc, n_per_pop, k_own + k_other)  # inhibitory population
    add(n_exc, n_per_pop, n_exc, n_per_pop, k_inh)
    src = np.concatenate(src_parts)
    dst = np.concatenate(dst_parts).astype(np.int32)
    order = np.lexsort((dst, src))
    src, dst = src[order], dst[order]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
    weights = np.where(src < n_exc, W_EXC, W_INH)
    return CSR(indptr, dst, weights, n, n)


def drive(n_per_pop: int, duration: float, rng: np.random.Generator, period: float = 50.0,
          extra: float = 25.0) -> tuple[list[float], list[np.ndarray]]:
    """Switch times and per-neuron currents: a random base, plus ``extra`` for one assembly at a time."""
    n = n_per_pop * len(POPULATIONS)
    base = rng.uniform(240.0, 290.0, n)
    assembly = np.arange(n) // n_per_pop
    times = np.arange(0.0, max(duration, period), period)
    values = [base + extra * (assembly == k % (len(POPULATIONS) - 1)) for k in range(times.size)]
    return times.tolist(), values


def build(n_per_pop: int = 4000, *, k: int = 200, dtype=np.float32, seed: int = 1, duration: float = 1000.0) -> Network:
    """The network (``net.lif``), initialized; its CSR is ``net.SynapseGroups[0].csr``."""
    net = Network(dt=0.1, seed=seed, dtype=dtype)
    n = n_per_pop * len(POPULATIONS)
    times, values = drive(n_per_pop, duration, net.rng)
    k_inh = k // 5
    k_own = (k - k_inh) // 2
    k_other = k - k_inh - k_own
    g = NeuronGroup(net, n, tag="lif", behaviour={
        10: TimedSchedule(times=times, values=values),
        30: LIF(tau_m=20.0, C_m=250.0, v_rest=-70.0, v_reset=-70.0, v_th=-50.0, t_ref=2.0, v="-70;-50"),
        90: EventRecorder("fired"),
    })
    csr = connectivity(n_per_pop, k_own, k_other, k_inh, net.rng)
    SynapseGroup(net, g, g, tag="recurrent", behaviour={20: ExponentialSynapse(W=csr, tau=5.0, tau_inh=10.0)})
    net.initialize()
    net.n_per_pop = n_per_pop
    return net


def population_of(i: np.ndarray, n_per_pop: int) -> np.ndarray:
    return np.minimum(i // n_per_pop, len(POPULATIONS) - 1)


def block_counts(csr: CSR, n_per_pop: int) -> np.ndarray:
    """(dst population, src population) synapse counts."""
    n_pop = len(POPULATIONS)
    src_pop = population_of(csr.sources(), n_per_pop)
    dst_pop = population_of(csr.indices, n_per_pop)
    return np.bincount(dst_pop * n_pop + src_pop, minlength=n_pop * n_pop).reshape(n_pop, n_pop)


def embedding(net: Network, sample: int, bin_ms: float, seed: int) -> tuple[np.ndarray, np.ndarray, str]:
    """2-D embedding of the binned spike trains of ``sample`` random neurons: (xy, neuron ids, method)."""
    rec = net.lif["EventRecorder", 0]
    n = net.lif.size
    rng = np.random.default_rng(seed)
    ids = np.sort(rng.choice(n, size=min(sample, n), replace=False))
    nbins = max(2, int(net.t // bin_ms))
    pos = np.full(n, -1)
    pos[ids] = np.arange(ids.size)
    t, i = rec["fired.t"], rec["fired.i"]
    keep = pos[i] >= 0
    b = np.minimum(((t[keep] - 1e-9) // bin_ms).astype(int), nbins - 1)
    counts = np.zeros((ids.size, nbins))
    np.add.at(counts, (pos[i[keep]], b), 1.0)
    x = np.sqrt(counts)  # variance-stabilised counts
    try:
        import umap  # optional: pip install umap-learn
    except ImportError:
        print("umap-learn is not installed (pip install umap-learn): showing PCA of the spike trains instead",
              file=sys.stderr)
        x = x - x.mean(axis=0)
        u, s, _ = np.linalg.svd(x, full_matrices=False)
        return u[:, :2] * s[:2], ids, "PCA"
    xy = umap.UMAP(n_components=2, random_state=seed).fit_transform(x)
    return np.asarray(xy), ids, "UMAP"


def plots(net: Network, prefix: str, sample: int, seed: int) -> dict:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    npp = net.n_per_pop
    rec = net.lif["EventRecorder", 0]
    t, i = rec["fired.t"], rec["fired.i"]
    paths = {}

    fig, ax = plt.subplots(figsize=(10, 6))
    pops = population_of(i, npp)
    for p, (name, colour) in enumerate(zip(POPULATIONS, COLOURS, strict=True)):
        sel = pops == p
        ax.scatter(t[sel], i[sel], s=0.2, c=colour, linewidths=0, label=name, rasterized=True)
    ax.set(xlabel="time (ms)", ylabel="neuron", xlim=(0, net.t), ylim=(0, net.lif.size),
           title=f"{net.lif.size:,} LIF neurons, {net.SynapseGroups[0].csr.nnz:,} synapses ({net.dtype.name})")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), markerscale=20, frameon=False)
    fig.tight_layout()
    paths["raster"] = f"{prefix}_raster.png"
    fig.savefig(paths["raster"], dpi=120)
    plt.close(fig)

    csr = net.SynapseGroups[0].csr
    counts = block_counts(csr, npp)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 5))
    im = ax1.imshow(counts / npp, cmap="viridis")
    ax1.set(xticks=range(5), yticks=range(5), xticklabels=POPULATIONS, yticklabels=POPULATIONS,
            xlabel="source population", ylabel="target population", title="synapses per target neuron")
    for (r, c), v in np.ndenumerate(counts / npp):
        ax1.text(c, r, f"{v:.0f}", ha="center", va="center", color="w" if v < 60 else "k", fontsize=9)
    fig.colorbar(im, ax=ax1, shrink=0.8)
    rng = np.random.default_rng(seed)
    m = min(100, npp)
    ids = np.concatenate([np.sort(rng.choice(npp, m, replace=False)) + p * npp for p in range(5)])
    pos = np.full(net.lif.size, -1)
    pos[ids] = np.arange(ids.size)
    src = csr.sources()
    keep = (pos[src] >= 0) & (pos[csr.indices] >= 0)
    ax2.scatter(pos[src[keep]], pos[csr.indices[keep]], s=1.5, marker="s", linewidths=0,
                c=np.where(csr.data[keep] > 0, "tab:blue", "tab:red"))
    for b in range(1, 5):
        ax2.axvline(b * m - 0.5, c="0.6", lw=0.6)
        ax2.axhline(b * m - 0.5, c="0.6", lw=0.6)
    ax2.set(xlim=(-0.5, 5 * m - 0.5), ylim=(5 * m - 0.5, -0.5), xticks=[(p + 0.5) * m for p in range(5)],
            yticks=[(p + 0.5) * m for p in range(5)], xticklabels=POPULATIONS, yticklabels=POPULATIONS,
            xlabel="source neuron", ylabel="target neuron", title=f"adjacency of {m} sampled neurons per population")
    fig.suptitle("Connection topology: block structure of the connectivity between populations")
    fig.tight_layout()
    paths["topology"] = f"{prefix}_topology.png"
    fig.savefig(paths["topology"], dpi=120)
    plt.close(fig)

    xy, ids, method = embedding(net, sample, 10.0, seed)
    fig, ax = plt.subplots(figsize=(7, 6))
    ppop = population_of(ids, npp)
    for p, (name, colour) in enumerate(zip(POPULATIONS, COLOURS, strict=True)):
        sel = ppop == p
        ax.scatter(xy[sel, 0], xy[sel, 1], s=4, c=colour, label=name, linewidths=0)
    ax.set(xlabel=f"{method} 1", ylabel=f"{method} 2", title=f"{method} of the spike trains of {ids.size} neurons")
    ax.legend(markerscale=3, frameon=False)
    fig.tight_layout()
    paths["embedding"] = f"{prefix}_embedding.png"
    fig.savefig(paths["embedding"], dpi=120)
    plt.close(fig)
    paths["method"] = method
    return paths


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dtype", choices=["float16", "float32", "float64"], default="float32",
                        help="state and weight precision (default float32)")
    parser.add_argument("--neurons", type=int, default=20_000, help="total neurons, five equal populations (20000)")
    parser.add_argument("--synapses", type=int, default=200, help="synapses per neuron (default 200)")
    parser.add_argument("--duration", type=float, default=1000.0, help="simulated time in ms (default 1000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sample", type=int, default=2000, help="neurons in the embedding (default 2000)")
    parser.add_argument("--prefix", default="lif20k", help="PNG file prefix (default lif20k)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument("--quick", action="store_true", help="4,000 neurons and 200 ms (for tests)")
    args = parser.parse_args(argv)
    if args.quick:
        args.neurons, args.duration, args.sample = min(args.neurons, 4000), min(args.duration, 200.0), 500
    npp = args.neurons // len(POPULATIONS)
    if npp < args.synapses:
        parser.error("each population needs at least --synapses neurons")
    start = time.perf_counter()
    net = build(npp, k=args.synapses, dtype=np.dtype(args.dtype), seed=args.seed, duration=args.duration)
    setup = time.perf_counter() - start
    # warm-up: one step compiles / loads the cached kernels, then the clock starts
    start = time.perf_counter()
    net.run(args.duration, progress=not args.no_progress)
    wall = time.perf_counter() - start
    rec = net.lif["EventRecorder", 0]
    i = rec["fired.i"]
    rates = np.bincount(population_of(i, npp), minlength=5) / (npp * args.duration / 1000.0)
    csr = net.SynapseGroups[0].csr
    mem = (csr.nbytes + net.lif.v.nbytes) / 2**20
    print(f"{net.lif.size:,} LIF neurons, {csr.nnz:,} synapses ({args.dtype}, {mem:.0f} MiB of weights, "
          f"indices and membrane state)")
    print(f"set-up {setup:.2f} s; {args.duration:g} ms simulated in {wall:.2f} s "
          f"({'under' if wall < 2 * args.duration / 1000 else 'over'} the 2 s per simulated second target)")
    print("rates (Hz): " + ", ".join(f"{p} {r:.2f}" for p, r in zip(POPULATIONS, rates, strict=True)))
    if args.dtype == "float16":
        print(f"non-finite values cleaned: {getattr(net.lif, 'cleaned_count', 0)}")
    paths = plots(net, args.prefix, args.sample, args.seed)
    print(f"figures: {paths['raster']}, {paths['topology']}, {paths['embedding']} ({paths['method']})")
    return {"net": net, "wall_s": wall, "setup_s": setup, "rates": rates, "paths": paths}


if __name__ == "__main__":
    main()

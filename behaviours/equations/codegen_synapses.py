"""Kernel source of synaptic equations: one event pathway (``on_pre`` or ``on_post``) per function.

A pathway visits the synapses of every neuron that fired (CSR: the row of a source neuron, or the
synapses of a destination neuron through the post index; dense: a column or a row of the
(n_dst, n_src) matrix, ``mask`` respected), brings the event-driven variables of each synapse up
to the current time, and runs the statements. Synaptic variables are kept in locals while one
synapse is handled; neuron variables are read and written in their arrays. As in
:mod:`.codegen`, only generated names and validated trees make up the source, and the numpy twin
(whole sets of synapses at once, ``np.add.at`` for the neuron variables) comes from the same trees.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import ir
from .codegen import FORMAT, HEADER, helpers_source, render, uses

__all__ = ["Pathway", "synapse_source"]

_UFUNC = {"+=": "np.add.at", "-=": "np.subtract.at", "*=": "np.multiply.at", "/=": "np.divide.at"}


@dataclass
class Pathway:
    """One event pathway with generated names.

    ``syn``: number of synaptic arrays (``Y0..``; ``Y0`` is the weight); ``pre``/``post``: numbers
    of source / destination arrays (``A0..`` / ``B0..``); ``events``: event-driven variables as
    ``(index into syn, x_inf node, rate node)`` (``x <- x_inf + (x - x_inf) exp(rate * elapsed)``);
    ``statements``: ``(kind, index, op, node)`` with kind 'y', 'a' or 'b'.
    """

    name: str
    side: str                   # 'pre' (rows of fired sources) or 'post' (fired destinations)
    n_syn: int
    n_pre: int
    n_post: int
    n_param: int
    events: list = field(default_factory=list)
    statements: list = field(default_factory=list)
    pre_reads: list = field(default_factory=list)
    post_reads: list = field(default_factory=list)
    syn_reads: list | None = None     # synaptic arrays loaded (None: all)
    syn_writes: list | None = None    # synaptic arrays stored back (None: all)


def _loads(p: Pathway) -> list[int]:
    return list(range(p.n_syn)) if p.syn_reads is None else p.syn_reads


def _stores(p: Pathway) -> list[int]:
    return list(range(p.n_syn)) if p.syn_writes is None else p.syn_writes


def _args(p: Pathway, sparse: bool) -> str:
    conn = ["indptr", "indices", "post_ptr", "post_syn", "post_src"] if sparse else ["mask"]
    arrays = [f"Y{j}" for j in range(p.n_syn)] + [f"A{j}" for j in range(p.n_pre)] + [f"B{j}" for j in range(p.n_post)]
    return ", ".join(["fired", "idx"] + conn + arrays + ["LU", "P", "t"])


def _target(kind: str, j: int) -> str:
    return {"y": f"_y{j}", "a": f"A{j}[_i]", "b": f"B{j}[_j]"}[kind]


def _loads_and_decays(p: Pathway, at: str, vector: bool) -> list[str]:
    """Load the synapses' state at ``at``, advance event-driven variables to ``t`` exactly, read the
    pre/post neuron arrays (``vector``: numpy array code for the twin, else scalar numba code)."""
    L = [f"_y{j} = Y{j}{at}" for j in _loads(p)]
    if p.events:
        L.append(f"_el = t - LU{at}")
        for j, inf, rate in p.events:
            if isinstance(inf, ir.Num) and inf.value == 0:
                L.append(f"_y{j} = _y{j} * np.exp({render(rate, vector)} * _el)")
            else:
                L.append(f"_inf{j} = {render(inf, vector)}")
                L.append(f"_y{j} = _inf{j} + (_y{j} - _inf{j}) * np.exp({render(rate, vector)} * _el)")
        L.append(f"LU{at} = t")
    return L + [f"_a{j} = A{j}[_i]" for j in p.pre_reads] + [f"_b{j} = B{j}[_j]" for j in p.post_reads]


def _body(p: Pathway, at: str) -> list[str]:
    L = _loads_and_decays(p, at, False)
    for kind, j, op, node in p.statements:
        L.append(f"{_target(kind, j)} {op} {render(node, False)}")
    L += [f"Y{j}{at} = _y{j}" for j in _stores(p)]
    return L


def _numba(p: Pathway, sparse: bool) -> list[str]:
    name = f"{p.name}_{'sparse' if sparse else 'dense'}"
    out = ["@njit(cache=True, fastmath=False, error_model='numpy')", f"def {name}({_args(p, sparse)}):"]
    out += [f"    _p{j} = P[{j}]" for j in range(p.n_param)]
    out.append("    _m = fired_indices(fired, idx)")  # the spikes, scanned eight at a time
    if sparse:
        if p.side == "pre":
            out += ["    for _q in range(_m):", "        _i = idx[_q]",
                    "        for _k in range(indptr[_i], indptr[_i + 1]):", "            _j = indices[_k]"]
        else:
            out += ["    for _q in range(_m):", "        _j = idx[_q]",
                    "        for _r in range(post_ptr[_j], post_ptr[_j + 1]):", "            _k = post_syn[_r]",
                    "            _i = post_src[_r]"]
        at = "[_k]"
    else:
        outer, inner = ("_i", "_j") if p.side == "pre" else ("_j", "_i")
        size = "Y0.shape[0]" if p.side == "pre" else "Y0.shape[1]"
        out += ["    _masked = mask.shape[0] > 0", "    for _q in range(_m):", f"        {outer} = idx[_q]",
                f"        for {inner} in range({size}):", "            if _masked and not mask[_j, _i]:",
                "                continue"]
        at = "[_j, _i]"
    out += [f"            {line}" for line in _body(p, at)]
    return out


def _numpy(p: Pathway, sparse: bool) -> list[str]:
    out = [f"def {p.name}_{'sparse' if sparse else 'dense'}_numpy({_args(p, sparse)}):"]
    L = [f"_p{j} = P[{j}]" for j in range(p.n_param)]
    L.append("_f = np.flatnonzero(fired)")
    if sparse:
        if p.side == "pre":
            L += ["_k = expand_rows(indptr, _f)", "_i = np.repeat(_f, indptr[_f + 1] - indptr[_f])", "_j = indices[_k]"]
        else:
            L += ["_r = expand_rows(post_ptr, _f)", "_k = post_syn[_r]", "_i = post_src[_r]"]
            L += ["_j = np.repeat(_f, post_ptr[_f + 1] - post_ptr[_f])"]
        at = "[_k]"
    else:
        if p.side == "pre":
            L += ["_i = np.repeat(_f, Y0.shape[0])", "_j = np.tile(np.arange(Y0.shape[0]), _f.shape[0])"]
        else:
            L += ["_j = np.repeat(_f, Y0.shape[1])", "_i = np.tile(np.arange(Y0.shape[1]), _f.shape[0])"]
        L += ["if mask.shape[0] > 0:", "    _keep = mask[_j, _i]", "    _i = _i[_keep]", "    _j = _j[_keep]"]
        at = "[_j, _i]"
    L += _loads_and_decays(p, at, True)
    for kind, j, op, node in p.statements:
        value = render(node, True)
        if kind == "y":
            L.append(f"_y{j} = {value}" if op == "=" else f"_y{j} = _y{j} {op[0]} {value}")
        else:
            arr, idx = (f"A{j}", "_i") if kind == "a" else (f"B{j}", "_j")
            if op == "=":
                L.append(f"{arr}[{idx}] = {value}")
            else:
                L.append(f"{_UFUNC[op]}({arr}, {idx}, {value})")
    L += [f"Y{j}{at} = _y{j}" for j in _stores(p)]
    return out + [f"    {line}" for line in L]


def synapse_source(pathways: list[Pathway]) -> str:
    """The module source: for each pathway, sparse and dense kernels and their numpy twins."""
    nodes = [n for p in pathways for *_, n in p.statements] + [r for p in pathways for _, _, r in p.events]
    text = HEADER + f"# format {FORMAT}\n" + helpers_source(uses(nodes, "exprel"))
    text += "from pymonn.behaviours.connectivity import expand_rows\n"
    text += "from pymonn.behaviours.synapses._propagation import fired_indices\n\n"
    for p in pathways:
        for sparse in (True, False):
            text += "\n" + "\n".join(_numba(p, sparse)) + "\n\n\n" + "\n".join(_numpy(p, sparse)) + "\n\n"
    return text

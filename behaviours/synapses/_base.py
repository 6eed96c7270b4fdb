"""What every synapse behaviour shares: building the connectivity, delays, backends, validation.

Connectivity lives on the :class:`~pymonn.SynapseGroup` once built, so that transmission and
plasticity behaviours of the same group share it:

``sg.W``      dense: the (n_dst, n_src) weight matrix, column-major; sparse: the weight of each
              synapse (1-D, the same array as ``sg.csr.data``)
``sg.csr``    sparse: the :class:`~pymonn.behaviours.connectivity.CSR`; dense: None
``sg.mask``   dense built from a connection rule: bool (n_dst, n_src), True where a synapse
              exists (plasticity only changes those); None when every entry is a synapse
``sg.delay``  per-synapse axonal delay in whole steps (same layout as ``sg.W``), or None

The first behaviour that needs connectivity builds it from its own parameters; later ones reuse
it (and do not accept these parameters). A script can also set ``sg.W`` (a dense matrix or a
CSR) itself in a behaviour with a smaller key.

Connectivity parameters (at most one rule; none means all-to-all)
-----------------------------------------------------------------
mode : {'dense', 'sparse'}
    Dense column-major matrix or CSR by source. Default: dense for all-to-all, sparse with a rule.
p : float
    Each pair connected with probability ``p`` (geometric skipping, no N x N matrix).
indegree, outdegree : int
    Exactly this many distinct partners per destination / source, chosen uniformly.
i, j : int arrays
    Explicit (source, destination) pairs.
W : array (n_dst, n_src) or CSR
    Explicit weights (dense matrix: its non-zero pattern does not matter, every entry is a synapse;
    CSR: its synapses). Cannot be combined with ``weight``.
weight : number, init string or array
    The weights (default 1): ``'uniform(0, 0.1)'``, ``'normal(1, 0.1)'``, ... drawn per synapse
    from ``net.rng``, or one value per synapse (per (i, j) pair with ``i``/``j``).
allow_self : bool
    Allow ``i -> i`` synapses within one group (default True, as Brian2).
delay : int, init string or array
    Axonal delay in whole steps (``'integers(1, 20)'`` or one per synapse); a spike of the source
    in step ``t - 1`` is delivered in step ``t + delay``. Values must be whole and non-negative
    (they are never rounded); the ring buffer holds ``max(delay) + 1`` slots of one value per
    destination neuron and channel.
copy : bool
    With ``W`` as a CSR and ``delay`` as an array: give the group its own copies (default True,
    so that plasticity never changes the caller's arrays). ``copy=False`` uses the given arrays
    where their dtype already fits (the group's dtype; the smallest unsigned int that holds the
    delays), which saves their size in memory for very large networks; they are then the group's
    and change with it.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from pymonn.behaviour import Behaviour
from pymonn.errors import ConfigurationError, ConfigurationTypeError
from pymonn.init_strings import make_array
from pymonn.synapse_group import SynapseGroup

from .._precision import compiled_entry, needs_cleaning
from ..connectivity import CSR, all_to_all, fixed_indegree, fixed_outdegree, fixed_probability, from_indices

BACKENDS = ("numba", "numpy")
_RULES = ("p", "indegree", "outdegree", "i", "W")


def _fail(behaviour: Behaviour, obj: Any, name: str, expected: str, value: Any) -> ConfigurationError:
    shown = value if not isinstance(value, np.ndarray) or value.size <= 6 else f"array of shape {value.shape}"
    return ConfigurationError(
        f"{type(behaviour).__name__} on {obj.describe()}: parameter {name!r} must be {expected}, got {shown!r}"
    )


def read_number(behaviour: Behaviour, obj: Any, name: str, default: Any, *, positive: bool = False,
                non_negative: bool = False, unit: str = "") -> float:
    """Read a scalar parameter and validate it (finite; positive / non-negative when asked)."""
    value = behaviour.parameter(name, default)
    what = ("a positive" if positive else "a non-negative" if non_negative else "a finite") + " number" + (
        f" of {unit}" if unit else "")
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        raise _fail(behaviour, obj, name, what, value)
    if (positive and not value > 0) or (non_negative and value < 0):
        raise _fail(behaviour, obj, name, what, value)
    return float(value)


def require_synapse_group(behaviour: Behaviour, obj: Any) -> None:
    if not isinstance(obj, SynapseGroup):
        raise ConfigurationTypeError(
            f"{type(behaviour).__name__} belongs on a SynapseGroup, but was attached to {obj.describe()}"
        )


def read_backend(behaviour: Behaviour, obj: Any) -> str:
    """'numba' or 'numpy'; float16 networks always run the numpy twins (numba has no float16)."""
    backend = behaviour.parameter("backend", "numba")
    if backend not in BACKENDS:
        raise _fail(behaviour, obj, "backend", f"one of {BACKENDS}", backend)
    return "numpy" if obj.dtype == np.float16 else backend


def wants_cleaning(behaviour: Behaviour, obj: Any) -> bool:
    return needs_cleaning(obj.dtype, behaviour.parameter("check_finite", None))


# -- connectivity ---------------------------------------------------------------------------------
def ensure_connectivity(behaviour: Behaviour, sg: SynapseGroup) -> None:
    """Build ``sg.W`` / ``sg.csr`` / ``sg.mask`` / ``sg.delay`` from ``behaviour``'s parameters,
    unless the group already has them (then the parameters are not read)."""
    existing = sg.__dict__.get("W")
    source = None
    if existing is None:
        source = _build(behaviour, sg)
    else:
        _adopt(behaviour, sg, existing)
    if "delay" not in sg.__dict__:
        sg.delay = _read_delay(behaviour, sg, source)


def is_sparse(sg: SynapseGroup) -> bool:
    return sg.__dict__.get("csr") is not None


def _adopt(behaviour: Behaviour, sg: SynapseGroup, W: Any) -> None:
    """Use connectivity set by someone else: a CSR, or a dense (n_dst, n_src) matrix."""
    if isinstance(W, CSR):
        csr = W
    elif sg.__dict__.get("csr") is not None:
        csr = sg.csr
        if W is not csr.data:  # weights replaced by a script: keep the CSR in step
            _check_sparse_weights(behaviour, sg, W, csr)
            csr.data = W
    else:
        csr = None
    if csr is not None:
        if (csr.n_src, csr.n_dst) != (sg.src.size, sg.dst.size):
            raise _fail(behaviour, sg, "W", f"a CSR from {sg.src.size} sources to {sg.dst.size} destinations",
                        repr(csr))
        if csr.data.dtype != sg.dtype:
            csr.data = csr.data.astype(sg.dtype)
        sg.csr, sg.W = csr, csr.data
        sg.__dict__.setdefault("mask", None)
        return
    _check_dense(behaviour, sg, W)
    sg.W = W if W.flags.f_contiguous and W.dtype == sg.dtype else np.asfortranarray(W, dtype=sg.dtype)
    sg.csr = None
    sg.__dict__.setdefault("mask", None)


def _check_mode(behaviour: Behaviour, sg: SynapseGroup) -> None:
    if sg.network.synapse_mode != "DxS":
        raise ConfigurationError(
            f"{type(behaviour).__name__} on {sg.describe()}: dense synapses need the network's synapse_mode "
            f"'DxS' (matrices (n_dst, n_src)), got {sg.network.synapse_mode!r}"
        )


def _check_dense(behaviour: Behaviour, sg: SynapseGroup, W: Any) -> None:
    _check_mode(behaviour, sg)
    if not isinstance(W, np.ndarray) or W.shape != (sg.dst.size, sg.src.size):
        shape = getattr(W, "shape", type(W).__name__)
        raise _fail(behaviour, sg, "W", f"a ({sg.dst.size}, {sg.src.size}) matrix (n_dst, n_src) or a CSR", shape)
    if W.dtype.kind not in "fiu" or not np.all(np.isfinite(W)):
        raise _fail(behaviour, sg, "W", "a matrix of finite numbers", W)


def _check_sparse_weights(behaviour: Behaviour, sg: SynapseGroup, W: Any, csr: CSR) -> None:
    if not isinstance(W, np.ndarray) or W.shape != (csr.nnz,):
        raise _fail(behaviour, sg, "W", f"one weight per synapse (shape ({csr.nnz},))", getattr(W, "shape", W))


def _build(behaviour: Behaviour, sg: SynapseGroup) -> CSR | None:
    """Build the connectivity; returns the CSR a dense matrix was made from (for per-synapse delays)."""
    p = behaviour.parameter
    given = [r for r in _RULES if r in behaviour.init_kwargs]
    if len(given) > 1:
        raise ConfigurationError(
            f"{type(behaviour).__name__} on {sg.describe()}: give at most one connection rule of "
            f"{list(_RULES)} (with 'i' goes 'j'), got {given}"
        )
    rule = given[0] if given else None
    mode = p("mode", None)
    if mode not in (None, "dense", "sparse"):
        raise _fail(behaviour, sg, "mode", "'dense' or 'sparse'", mode)
    allow_self = p("allow_self", True)
    if not isinstance(allow_self, (bool, np.bool_)):
        raise _fail(behaviour, sg, "allow_self", "True or False", allow_self)
    n_src, n_dst, rng, dtype = sg.src.size, sg.dst.size, sg.rng, sg.dtype
    weight = p("weight", 1.0)

    if rule == "W":
        W = p("W")
        source = None
        if isinstance(W, CSR):
            if mode == "dense":
                source = W
                _adopt(behaviour, sg, W.to_dense())
                sg.mask = W.mask()
            else:  # by default a copy: the group owns (and plasticity changes) its weights
                data = W.data.astype(sg.dtype, copy=_copies(behaviour, sg))
                _adopt(behaviour, sg, CSR(W.indptr, W.indices, data, W.n_src, W.n_dst))
        else:
            _check_dense(behaviour, sg, W)
            if mode == "sparse":
                _adopt(behaviour, sg, CSR.from_dense(np.asarray(W, dtype=dtype)))
            else:
                _adopt(behaviour, sg, np.array(W, dtype=dtype, order="F"))
        if "weight" in behaviour.init_kwargs:
            raise ConfigurationError(
                f"{type(behaviour).__name__} on {sg.describe()}: 'weight' cannot be combined with 'W' (W holds the weights)"
            )
        return source

    if rule is None and mode != "sparse":  # dense all-to-all: the classic PymoNNto matrix, sg.matrix(weight)
        _check_mode(behaviour, sg)
        W = _weights(behaviour, sg, weight, None)
        if not allow_self and sg.src is sg.dst:
            np.fill_diagonal(W, 0)
            sg.mask = ~np.eye(n_dst, dtype=bool, order="F")
        else:
            sg.mask = None
        sg.W, sg.csr = W, None
        _check_dense(behaviour, sg, W)
        return None

    order = None
    if rule is None:
        indptr, indices = all_to_all(n_src, n_dst, allow_self=allow_self or sg.src is not sg.dst)
    elif rule == "p":
        prob = p("p")
        if isinstance(prob, bool) or not isinstance(prob, numbers.Real) or not 0.0 <= prob <= 1.0:
            raise _fail(behaviour, sg, "p", "a connection probability in [0, 1]", prob)
        indptr, indices = fixed_probability(n_src, n_dst, float(prob), rng, allow_self=allow_self or sg.src is not sg.dst)
    elif rule in ("indegree", "outdegree"):
        k = p(rule)
        limit = n_src if rule == "indegree" else n_dst
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 0 <= k <= limit:
            raise _fail(behaviour, sg, rule, f"an int in [0, {limit}]", k)
        builder = fixed_indegree if rule == "indegree" else fixed_outdegree
        indptr, indices = builder(n_src, n_dst, int(k), rng, allow_self=allow_self or sg.src is not sg.dst)
    else:  # i, j
        if "j" not in behaviour.init_kwargs:
            raise ConfigurationError(f"{type(behaviour).__name__} on {sg.describe()}: 'i' needs 'j' (destinations)")
        try:
            indptr, indices, order = from_indices(p("i"), p("j"), n_src, n_dst)
        except ConfigurationError as exc:
            raise ConfigurationError(f"{type(behaviour).__name__} on {sg.describe()}: {exc}") from None
    nnz = indices.shape[0]
    if isinstance(weight, np.ndarray | list | tuple) and order is not None:
        w = np.asarray(weight)
        if w.shape != (nnz,):
            raise _fail(behaviour, sg, "weight", f"a number, an init string or {nnz} values (one per (i, j) pair)", w)
        data = _weights(behaviour, sg, w[order], (nnz,))
    else:
        data = _weights(behaviour, sg, weight, (nnz,))
    csr = CSR(indptr, indices, data, n_src, n_dst)
    if mode == "dense":
        W = csr.to_dense()
        _check_dense(behaviour, sg, W)
        sg.W, sg.csr, sg.mask = W, None, csr.mask()
        return csr
    sg.csr, sg.W, sg.mask = csr, csr.data, None
    return None


def _weights(behaviour: Behaviour, sg: SynapseGroup, spec: Any, shape: tuple | None, order: str = "C") -> np.ndarray:
    """Weights from ``spec``: one per synapse (``shape``) or, with ``shape=None``, ``sg.matrix(spec)``."""
    try:
        out = sg.matrix(spec) if shape is None else make_array(spec, shape, sg.rng, sg.dtype, order=order)
    except ConfigurationError as exc:
        raise _fail(behaviour, sg, "weight", "a number, an init string or one value per synapse", spec) from exc
    if out.dtype != sg.dtype:
        out = out.astype(sg.dtype, order="F" if shape is None else order)
    if not np.all(np.isfinite(out)):
        raise _fail(behaviour, sg, "weight", "finite values", spec)
    return out


def _read_delay(behaviour: Behaviour, sg: SynapseGroup, source: CSR | None = None) -> np.ndarray | None:
    """Per-synapse delays in whole steps (uint8/16/32), laid out like ``sg.W``; None for no delay.

    ``source``: the CSR a dense matrix was built from; an array with one delay per synapse of it
    is then placed onto the matrix.
    """
    spec = behaviour.parameter("delay", None)
    if spec is None:
        return None
    sparse = is_sparse(sg)
    shape = (sg.csr.nnz,) if sparse else sg.W.shape
    order = "C" if sparse else "F"
    if isinstance(spec, np.ndarray) and spec.dtype.kind in "ui" and spec.shape == shape:
        # whole numbers already: checked and copied in their own dtype (a float64 copy of 300
        # million delays would need 2.4 GB, several times the delays themselves)
        low = int(spec.min()) if spec.size else 0
        top = int(spec.max()) if spec.size else 0
        if low < 0:
            raise _fail(behaviour, sg, "delay", "whole, non-negative numbers of steps (delays are not rounded)", spec)
        return _delay_array(behaviour, sg, spec, top, order, _copies(behaviour, sg))
    if isinstance(spec, np.ndarray | list | tuple):
        arr = np.asarray(spec)
        if not sparse and source is not None and arr.shape == (source.nnz,):
            full = np.zeros(shape, dtype=np.float64, order="F")
            full[source.indices, source.sources()] = arr
            arr = full
        try:
            values = np.array(np.broadcast_to(arr, shape), dtype=np.float64, order=order)
        except ValueError:
            raise _fail(behaviour, sg, "delay", f"a whole number of steps or an array of shape {shape}", arr) from None
    elif isinstance(spec, str) or (isinstance(spec, numbers.Real) and not isinstance(spec, bool)):
        try:
            values = make_array(spec, shape, sg.rng, np.float64, order=order).astype(np.float64)
        except ConfigurationError as exc:
            raise _fail(behaviour, sg, "delay", "a whole number of steps or an init string such as "
                        "'integers(1, 20)'", spec) from exc
    else:
        raise _fail(behaviour, sg, "delay", "a whole number of steps, an init string or an array", spec)
    if values.size and (not np.all(np.isfinite(values)) or np.any(values < 0) or np.any(values != np.round(values))):
        raise _fail(behaviour, sg, "delay", "whole, non-negative numbers of steps (delays are not rounded)", spec)
    return _delay_array(behaviour, sg, values, int(values.max()) if values.size else 0, order)


def _delay_array(behaviour: Behaviour, sg: SynapseGroup, values: np.ndarray, top: int, order: str,
                 copy: bool = True) -> np.ndarray | None:
    """Checked delays in the smallest unsigned dtype that holds ``top``: the group's own copy, or
    with ``copy=False`` the given array itself where it already has that dtype and layout."""
    if top == 0:
        return None
    if top >= 2**32:
        raise _fail(behaviour, sg, "delay", "whole numbers of steps below 2**32", top)
    dtype = np.uint8 if top < 2**8 else np.uint16 if top < 2**16 else np.uint32
    if copy:
        return np.array(values, dtype=dtype, order=order)
    return np.asarray(values, dtype=dtype, order=order)  # (numpy < 2 has no copy=None)


def _copies(behaviour: Behaviour, sg: SynapseGroup) -> bool:
    copy = behaviour.parameter("copy", True)
    if not isinstance(copy, (bool, np.bool_)):
        raise _fail(behaviour, sg, "copy", "True or False", copy)
    return bool(copy)


def _memory_bytes() -> int:
    """Physical memory of this machine in bytes (a large number where it cannot be read)."""
    try:
        import os

        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):  # pragma: no cover - not POSIX
        return 2**62


# -- the transmission base class --------------------------------------------------------------------
class SynapticTransmission(Behaviour):
    """Base class of the synapse kernels (not used directly); see the module docstring.

    Subclasses set ``kind`` and implement ``_setup_state(sg)`` and ``_kernels()``.
    """

    #: Synapses run after inputs (10) and before the neuron model (30).
    default_key = 20
    #: Kernel-specific parameters that take a second, inhibitory value (sign split).
    splittable = False
    #: True when the kernel takes a last argument ``overwrite`` and then *stores* its output into
    #: the destination's accumulator when it is the step's first writer (no zero-fill, one pass
    #: less); ``_make_call`` then returns ``call(fired, I, t, overwrite)``.
    overwrites = False
    #: the neuron model that runs this synapse's per-neuron pass (None: the synapse runs it)
    fused_into: Any = None

    def initialize(self, sg: SynapseGroup) -> None:
        require_synapse_group(self, sg)
        self.target = self.parameter("target", "I")
        if not isinstance(self.target, str) or not self.target.isidentifier():
            raise _fail(self, sg, "target", "the name of an input array of the destination (e.g. 'I')", self.target)
        sg.dst.accumulator(self.target)  # exists from initialize on (recorders and state files see it)
        self.backend = read_backend(self, sg)
        self._clean = wants_cleaning(self, sg)
        ensure_connectivity(self, sg)
        self.sparse = is_sparse(sg)
        self.split = self._read_split(sg)
        self.n_channels = 2 if self.split else 1
        self.delayed = sg.delay is not None
        n_dst = sg.dst.size
        if self.delayed:
            self.max_delay = int(sg.delay.max())
            self.buffer = self._ring_buffer(sg, (self.max_delay + 1, self.n_channels, n_dst))
        else:
            self.max_delay = 0
            self.buffer = None
        self._idx = np.zeros(sg.src.size, dtype=np.int64)
        self._setup_state(sg)
        self._bind(sg)

    def _read_split(self, sg: SynapseGroup) -> bool:
        return False

    def _ring_buffer(self, sg: SynapseGroup, shape: tuple[int, int, int]) -> np.ndarray:
        """The delay ring buffer, or a ConfigurationError saying how much memory the delays need."""
        nbytes = int(np.prod(shape, dtype=np.float64) * sg.dtype.itemsize)
        problem = None
        if nbytes > _memory_bytes():
            problem = "more than this machine's memory"
        else:
            try:
                return np.zeros(shape, dtype=sg.dtype)
            except MemoryError:
                problem = "more memory than is free"
        raise ConfigurationError(
            f"{type(self).__name__} on {sg.describe()}: parameter 'delay': the largest delay, {shape[0] - 1} steps "
            f"({(shape[0] - 1) * sg.dt:g} ms at dt = {sg.dt} ms), needs a ring buffer of {shape[0]} x {shape[1]} x "
            f"{shape[2]} {sg.dtype} values = {nbytes / 2**30:.1f} GiB, {problem}; use shorter delays (in steps)"
        )

    def _setup_state(self, sg: SynapseGroup) -> None:
        """Create the kernel state (override)."""

    def _bind(self, sg: SynapseGroup) -> None:
        """(Re)build the per-step call around the current weight array and time step."""
        if self.sparse and sg.W is not sg.csr.data:  # a script replaced the weights
            _check_sparse_weights(self, sg, sg.W, sg.csr)
            sg.csr.data = np.ascontiguousarray(sg.W, dtype=sg.dtype)
            sg.W = sg.csr.data
        elif not self.sparse and getattr(self, "_W", sg.W) is not sg.W:
            _check_dense(self, sg, sg.W)
            if not (sg.W.flags.f_contiguous and sg.W.dtype == sg.dtype):
                sg.W = np.asfortranarray(sg.W, dtype=sg.dtype)
        self._W = sg.W
        self._dt = sg.dt
        self._net, self._src, self._dst = sg.network, sg.src, sg.dst
        self._call = self._make_call(sg)

    def _make_call(self, sg: SynapseGroup):
        """A function ``call(fired, I, t)`` running one step of the kernel (override)."""
        raise NotImplementedError

    def _compiled_call(self, kernel, rest: tuple):
        """``call(fired, I, t, overwrite)`` running ``kernel(fired, I, t, *rest, overwrite)``.

        Also prepares the fast path of :meth:`iteration`: after the first call through numba's
        dispatcher, later steps call the compiled entry point of that signature directly (no type
        resolution of the dozen arguments: about 0.4 us per step), as long as ``fired`` and the
        accumulator are the same array objects as in that first call (the rest is fixed here).
        """
        self._kernel, self._rest = kernel, rest
        self._entry = None
        self._seen = (None, None)
        return lambda fired, I, t, overwrite: kernel(fired, I, t, *rest, overwrite)  # noqa: E741

    def _slow_call(self, fired, I, t, first) -> None:  # noqa: E741
        """Call through the dispatcher (type-checked), then remember the entry point for these arrays."""
        self._call(fired, I, t, first)
        entry = compiled_entry(self._kernel, (fired, I, t) + self._rest + (first,))
        if entry is not None:
            self._entry = entry
            self._seen = (fired, I)

    def _conn_args(self, sg: SynapseGroup) -> tuple:
        """Connectivity arguments of the arrival kernels, delays and ring buffer included."""
        if self.sparse:
            base = (sg.csr.indptr, sg.csr.indices, sg.W)
        else:
            base = (sg.W,)
        if self.delayed:
            return base + (sg.delay, self.buffer)
        return base

    def iteration(self, sg: SynapseGroup) -> None:
        # (sg._dt or network dt) is sg.dt without the property call: this runs every step
        if sg.W is not self._W or (sg._dt or self._net._dt) != self._dt:
            self._bind(sg)
        if self.overwrites:
            if self.fused_into is None:
                I, first = self._dst.accumulator_fresh(self.target)  # noqa: E741
            else:  # the destination's model adds the current (see ExponentialSynapse.hand_over_pass)
                I, first = self._spare, False  # noqa: E741
            fired = self._src.fired
            seen = self._seen
            if fired is seen[0] and I is seen[1]:
                self._entry(fired, I, self._net._iteration, *self._rest, first)
            else:
                self._slow_call(fired, I, self._net._iteration, first)
        else:
            self._call(self._src.fired, self._dst.accumulator(self.target), self._net._iteration)
        if self._clean:
            self._clean_state(sg)

    def _clean_state(self, sg: SynapseGroup) -> None:
        """Reset non-finite synaptic state (override when there is state)."""

    def reset_state(self) -> None:
        """Zero the synaptic state and the delay buffer (spikes in flight are dropped)."""
        if self.buffer is not None:
            self.buffer.fill(0)

    def check_loaded_state(self, sg: SynapseGroup, value_of) -> list[str]:
        """Problems of a state file's delays for this synapse group (they must fit the ring buffer)."""
        delay = value_of(sg, "delay")
        if self.delayed:
            if not isinstance(delay, np.ndarray):
                return ["the synapses have delays, the file has none"]
            if delay.size and int(delay.max()) > self.max_delay:
                return [f"delays must be at most {self.max_delay} steps (the ring buffer has {self.max_delay + 1} "
                        f"slots), got {int(delay.max())}"]
        elif isinstance(delay, np.ndarray) and np.any(delay != 0):
            return ["the synapses have no delays, the file has some"]
        return []

"""Shared machinery of the neuron models: parameter reading and validation, state set-up, backends.

Every model keeps its parameters in one table ``beh.P`` of shape (parameters, m) in the compute
dtype, with m = 1 when all neurons share the values and m = N when any parameter differs between
neurons (then all are expanded). Each parameter is also an attribute of the behaviour that views its
row (``beh.tau_m`` is ``beh.P[k]``; writing into it changes the model). Kernels take the table as one
argument (numba's per-argument call overhead is about 0.1 us) and, when m == 1, read the values
once before the loop, so a homogeneous population streams only its state through memory.
"""

from __future__ import annotations

import numbers
import warnings
from typing import Any

import numpy as np

from pymonn.behaviour import Behaviour
from pymonn.errors import ConfigurationError, ConfigurationTypeError, ConversionWarning, InitStringError, TimeStepWarning

from .._precision import WorkingCopies, clean_nonfinite, compute_dtype, needs_cleaning

BACKENDS = ("numba", "numpy")
#: what a compiled neuron kernel raises when its arrays do not have one entry per neuron
STATE_SIZES = ("a neuron model's kernel got state arrays of different lengths (a script replaced v, I, fired or "
               "another state variable by an array of another size?)")


def _positive(x: np.ndarray) -> bool:
    return bool(np.all(x > 0))


def _non_negative(x: np.ndarray) -> bool:
    return bool(np.all(x >= 0))


def _finite(x: np.ndarray) -> bool:
    return bool(np.all(np.isfinite(x)))


#: Named checks for :meth:`NeuronModel.read_parameter`: (test, what was expected).
CHECKS = {
    "finite": (_finite, "a finite number (mV, ms, ... as documented)"),
    "positive": (_positive, "a positive finite number"),
    "non-negative": (_non_negative, "a non-negative finite number"),
}


def warn_default_dt(behaviour: Behaviour, obj: Any) -> None:
    """Warn once per network when a model integrates on the default dt of 1 ms nobody chose."""
    net = obj.network
    if getattr(net, "dt_given", True) or net.__dict__.get("_default_dt_warned"):
        return
    net._default_dt_warned = True
    warnings.warn(TimeStepWarning(
        f"{type(behaviour).__name__} on {obj.describe()} integrates with the network's default time step "
        f"dt = {net.dt} ms (one step per ms, as PymoNNto counts), because {net.describe()} was built "
        "without dt; physical models are usually run at dt = 0.1 ms or less: pass Network(dt=...) "
        "(or Network(dt=1.0) to keep 1 ms and silence this)"
    ), stacklevel=4)


class NeuronModel(Behaviour):
    """Base class of the library's neuron models (not used directly).

    Common parameters
    -----------------
    backend : {'numba', 'numpy'}
        Run the compiled kernel (default) or its plain-numpy twin (used by the tests and useful
        for debugging). The twin gives the same results bit for bit, in float64, float32 and
        float16 networks and with per-neuron parameters, with one exception: in float64 networks
        the exponentials of ``AdEx`` and ``HodgkinHuxley`` come from numpy's ``exp`` in the twin
        and from the C library's in the kernel, which may differ in the last bit; one step then
        agrees to 1e-13 mV (AdEx ``v``; ``w`` exactly) and 1e-11 mV (HH ``v``; gates to 1e-13),
        and long runs drift apart as rounding differences do (tests/behaviours/test_twins.py).
    check_finite : bool, optional
        Check the state for NaN/Inf after each step and reset such values (counted in
        ``group.cleaned_count``). Default: only in float16 networks.
    per_neuron : bool
        Keep one column of parameters per neuron even when all neurons share the values (default
        False), so that a behaviour can later change them neuron by neuron (``beh.v_th[:] = ...``).
    stochastic_rounding : bool
        float16 networks only: store the float32 results of each step into the float16 state
        with unbiased stochastic rounding (default True, uniforms from ``net.rng``), so that
        slow variables whose change per step is below float16's spacing (AdEx's ``w``,
        Hindmarsh-Rose's ``z``) still evolve; False rounds to nearest.
    """

    #: Key under which the model is usually attached (input 10 < synapses 20 < model 30 < plasticity 40).
    default_key = 30

    def _common_setup(self, obj: Any) -> None:
        warn_default_dt(self, obj)
        backend = self.parameter("backend", "numba")
        if backend not in BACKENDS:
            raise ConfigurationError(
                f"{type(self).__name__} on {obj.describe()}: parameter 'backend' must be one of "
                f"{BACKENDS}, got {backend!r}"
            )
        self.backend = backend
        self.cleaned_count = 0
        self._clean = needs_cleaning(obj.dtype, self.parameter("check_finite", None))
        self._work = WorkingCopies(obj.dtype)
        self.work_dtype = compute_dtype(obj.dtype)
        stochastic = self.parameter("stochastic_rounding", True)
        if not isinstance(stochastic, (bool, np.bool_)):
            raise self._fail(obj, "stochastic_rounding", "True or False", stochastic)
        #: generator for stochastic rounding of float16 state (None: round to nearest / no rounding)
        # a private stream, so float16 rounding does not change the model's random inputs
        self._round_rng = (obj.network.derived_rng("stochastic_rounding", obj.tag, self.key)
                           if (stochastic and self._work.converting) else None)
        #: float32/float64 without NaN checks: the kernel runs directly on the state arrays
        self._fast = not self._work.converting and not self._clean
        if not hasattr(obj, "cleaned_count"):
            obj.cleaned_count = 0
        self._verified: tuple = ()  # the state arrays verify_state last accepted
        if hasattr(obj, "accumulator"):
            obj.accumulator("I")  # the input exists from initialize on (recorders and state files see it)

    # -- parameters ----------------------------------------------------------------------------
    def state_loaded(self) -> None:
        """A state file was loaded: recompute what is derived from the parameters at the next step."""
        if "_dt" in vars(self):
            self._dt = None

    #: dtypes of state variables that are not in the network's dtype
    STATE_DTYPES = {"fired": np.dtype(bool), "refractory": np.dtype(np.int32)}

    def verify_state(self, obj: Any, names: tuple[str, ...], arrays: tuple) -> tuple:
        """The state arrays ``names`` of ``obj`` after one of them was replaced by a script.

        Each must hold one number per neuron. An array of another numeric dtype (``g.v = np.zeros(n,
        dtype=int)``) is converted to the model's dtype and put back on the group, with a
        :class:`~pymonn.errors.ConversionWarning` (an integer ``v`` would otherwise be truncated at
        every step and stay stuck); anything else raises ConfigurationError naming the variable.
        Models call this only when an array is not the object they checked last (one identity test
        per array and step).
        """
        out = []
        for name, a in zip(names, arrays, strict=True):
            want = self.STATE_DTYPES.get(name, np.dtype(obj.dtype))
            if not isinstance(a, np.ndarray) or a.shape != (obj.size,) or a.dtype.kind not in "biuf":
                got = f"{a.dtype} array of shape {a.shape}" if isinstance(a, np.ndarray) else type(a).__name__
                raise ConfigurationError(
                    f"{type(self).__name__} on {obj.describe()}: variable {name!r} must be an array of {obj.size} "
                    f"{want} values (one per neuron), got {got}; assign into it with n.{name}[:] = values"
                )
            if a.dtype != want or not a.flags.c_contiguous or not a.flags.writeable:
                if a.dtype != want:
                    warnings.warn(ConversionWarning(
                        f"{type(self).__name__} on {obj.describe()}: variable {name!r} was replaced by an array of "
                        f"{a.dtype}; converted back to {want} (assign into it with n.{name}[:] = values to keep its "
                        "dtype)"), stacklevel=4)
                a = np.array(a, dtype=want, order="C")
                setattr(obj, name, a)
            out.append(a)
        return tuple(out)

    def store(self, arrays, work) -> None:
        """Write the kernel's working copies back into the state (float16: rounding as configured)."""
        self._work.store(arrays, work, self._round_rng)

    def _fail(self, obj: Any, name: str, expected: str, value: Any) -> ConfigurationError:
        shown = value if not isinstance(value, np.ndarray) or value.size <= 6 else f"array {value.shape}"
        return ConfigurationError(
            f"{type(self).__name__} on {obj.describe()}: parameter {name!r} must be {expected}, got {shown!r}"
        )

    def read_parameter(self, obj: Any, name: str, default: Any, check: str | None = "finite",
                       expected: str | None = None, value: Any = None) -> np.ndarray:
        """Read a parameter as a float64 array of length 1 (shared) or ``obj.size`` (per neuron).

        A number, an init string (``'0.02;0.1'``, ``'normal(-65, 2)'``) or an array of one value
        per neuron are accepted. An array whose values are all equal collapses to length 1.
        ``check`` names an entry of :data:`CHECKS`; a failing value raises ConfigurationError.
        """
        raw = self.parameter(name, default) if value is None else value
        if raw is None or isinstance(raw, (bool, np.bool_)):
            raise self._fail(obj, name, expected or "a number, an init string or one value per neuron", raw)
        if isinstance(raw, str):
            arr = np.asarray(self.evaluate(obj, name, raw, np.float64), dtype=np.float64)
        elif isinstance(raw, numbers.Real):
            arr = np.array([float(raw)])
        else:
            try:
                arr = np.asarray(raw, dtype=np.float64)
            except (TypeError, ValueError):
                raise ConfigurationTypeError(
                    f"{type(self).__name__} on {obj.describe()}: parameter {name!r} must be a number, an "
                    f"init string or an array of {obj.size} values, got {type(raw).__name__}"
                ) from None
            if arr.ndim == 0:
                arr = arr.reshape(1)
            elif arr.shape not in ((1,), (obj.size,)):
                raise self._fail(obj, name, f"a number or an array of shape ({obj.size},)", arr.shape)
        arr = np.ascontiguousarray(arr, dtype=np.float64)
        if arr.size > 1 and np.all(arr == arr[0]):
            arr = arr[:1].copy()
        if not _finite(arr):
            raise self._fail(obj, name, expected or CHECKS["finite"][1], raw)
        if check is not None:
            test, what = CHECKS[check]
            if not test(arr):
                raise self._fail(obj, name, expected or what, raw)
        return arr

    def finish_parameters(self, obj: Any, params: dict[str, np.ndarray]) -> np.ndarray:
        """Pack the parameters into the table ``self.P`` (see the module docstring) and return it.

        Rows follow the order of ``params``; each name becomes an attribute viewing its row. Sets
        ``self.ps`` (1 when the table holds one column per neuron, else 0).
        """
        force = self.parameter("per_neuron", False)
        if not isinstance(force, (bool, np.bool_)):
            raise self._fail(obj, "per_neuron", "True or False", force)
        per_neuron = bool(force) or any(a.size > 1 for a in params.values())
        self.ps = 1 if per_neuron else 0
        width = obj.size if per_neuron else 1
        table = np.empty((len(params), width), dtype=self.work_dtype)
        for row, (name, a) in enumerate(params.items()):
            table[row] = a
            setattr(self, name, table[row])
        self.P = table
        self.p = {name: table[row] for row, name in enumerate(params)}
        return table

    def compute_array(self, values: Any) -> np.ndarray:
        """A contiguous compute-dtype array (for derived per-neuron constants)."""
        return np.ascontiguousarray(values, dtype=self.work_dtype)

    # -- state ---------------------------------------------------------------------------------
    def init_state(self, obj: Any, name: str, default: Any) -> np.ndarray:
        """Create ``obj.<name>`` in the network's dtype from the parameter ``name`` (or ``default``)."""
        spec = self.parameter(name, default)
        if isinstance(spec, np.ndarray) or isinstance(spec, (list, tuple)):
            arr = np.asarray(spec, dtype=np.float64)
            if arr.shape not in ((), (1,), (obj.size,)):
                raise self._fail(obj, name, f"a number, an init string or an array of shape ({obj.size},)", arr.shape)
            spec = arr
        value = self.evaluate(obj, name, spec)
        if not _finite(value.astype(np.float64)):
            raise self._fail(obj, name, "finite initial values", spec)
        setattr(obj, name, value)
        return value

    def evaluate(self, obj: Any, name: str, spec: Any, dtype: Any = None) -> np.ndarray:
        """``obj.vector(spec)``, with init-string errors naming this behaviour, group and parameter."""
        try:
            return obj.vector(spec, dtype=dtype)
        except InitStringError as exc:
            raise InitStringError(f"{type(self).__name__} on {obj.describe()}: parameter {name!r}: {exc}") from None

    def clean(self, obj: Any, pairs) -> None:
        """Reset NaN/Inf state (float16 networks, or when ``check_finite=True``)."""
        if self._clean:
            clean_nonfinite(obj, self, pairs)


def same_objects(a: tuple, b: tuple) -> bool:
    """Whether two tuples hold the very same objects (identity, never array equality)."""
    return len(a) == len(b) and all(x is y for x, y in zip(a, b, strict=True))


def steps_of(duration: np.ndarray, dt: float) -> tuple[np.ndarray, np.ndarray]:
    """Split durations (ms) into whole steps and the remaining fraction of a step.

    Values within 1e-9 of a whole number of steps count as whole (so 2.0 ms at dt = 0.1 is
    20 steps, not 19 and 0.99999).
    """
    x = np.asarray(duration, dtype=np.float64) / dt
    whole = np.floor(x + 1e-9)
    frac = x - whole
    frac[np.abs(frac) < 1e-9] = 0.0
    return whole.astype(np.int64), np.clip(frac, 0.0, 1.0)

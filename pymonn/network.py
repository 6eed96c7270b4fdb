"""``Network``: owns the groups, the clock, the random generator and the step loop."""

from __future__ import annotations

import math
import signal
import sys
import threading
import time
import warnings
import zlib
from collections.abc import Callable
from typing import Any

import numpy as np

from .behaviour import Behaviour
from .errors import (
    BehaviourError,
    ConfigurationError,
    ConfigurationTypeError,
    DurationError,
    StateError,
    UnusedParameterWarning,
)
from .network_object import NetworkObject
from .storage import StateMixin  # state_dict / load_state_dict / save / load (issue 6)
from .units import to_ms

#: Time step (ms) of a network built without one: one step per ms, as PymoNNto scripts count time.
DEFAULT_DT = 1.0
_SETTINGS = ("dt", "seed", "dtype", "synapse_mode", "syn_dim")
_DTYPES = (np.float64, np.float32, np.float16)
#: Synapse layouts by every spelling a setting may use (PymoNNto: the ints SxD = 0 and DxS = 1).
_LAYOUTS = {"DxS": "DxS", "SxD": "SxD", 1: "DxS", 0: "SxD"}
#: Most steps one call may be asked to run (a duration that needs more is refused).
MAX_STEPS = 2**62


def _check_dt(dt: Any) -> float:
    if isinstance(dt, bool) or not isinstance(dt, (int, float, np.integer, np.floating)) or not (
            dt > 0 and math.isfinite(dt)):
        raise ConfigurationError(f"Network dt must be a positive number of ms (finite), got {dt!r}")
    return float(dt)


def _check_seed(seed: Any) -> Any:
    """A seed numpy's SeedSequence takes: a non-negative int, or a non-empty sequence of them."""
    def whole(x):
        return isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_)) and x >= 0
    if whole(seed):
        return int(seed)
    if isinstance(seed, (list, tuple)) and seed and all(whole(x) for x in seed):
        return [int(x) for x in seed]
    raise ConfigurationError(
        f"Network seed must be a non-negative int (or a list of them), or None for a fresh one; got {seed!r}"
    )


def _layout(settings: dict) -> str:
    """The synapse layout the settings ask for ('DxS' when they name none)."""
    given = [(k, settings[k]) for k in ("synapse_mode", "syn_dim") if k in settings]
    layouts = set()
    for key, value in given:
        if isinstance(value, bool) or not isinstance(value, (str, int, np.integer)) or value not in _LAYOUTS:
            raise ConfigurationError(
                f"Network setting {key}={value!r} is not a synapse layout; use 'DxS' or 'SxD' "
                "(or PymoNNto's constants DxS and SxD)"
            )
        layouts.add(_LAYOUTS[value])
    if len(layouts) > 1:
        raise ConfigurationError(f"Network settings {dict(given)} ask for two different synapse layouts")
    return layouts.pop() if layouts else "DxS"


class Network(StateMixin, NetworkObject):
    """A spiking network: neuron groups, synapse groups and the behaviours that drive them.

    Parameters
    ----------
    tag : str, optional
    behaviour : dict, list or Behaviour, optional
        Network-level behaviours (they receive the network as ``obj``).
    settings : dict, optional
        Any of ``dt``, ``seed``, ``dtype`` and the synapse layout ``synapse_mode`` (``'DxS'``:
        matrices are (dst, src), the default; ``'SxD'``: (src, dst)). PymoNNto's spellings work
        too: ``settings={'dtype': float32, 'syn_dim': SxD}`` with its constants ``SxD``/``DxS``.
        Unknown settings raise :class:`~pymonn.errors.ConfigurationError`.
    dt : float
        Time step in ms (default 1.0: one step is one ms, the clock PymoNNto scripts assume;
        physical models usually want 0.1 or less, and the library's models warn when they run
        on a dt nobody chose).
    seed : int, optional
        Seeds the network's ``numpy.random.Generator``; one seed makes a run bit-for-bit
        repeatable. Without one a fresh seed is drawn and kept in ``net.seed``.
    dtype : numpy floating dtype
        float64 (default), float32 or float16 for every state vector and matrix.

    Notes
    -----
    Every step increments ``net.iteration`` (1 during the first step) and calls each enabled
    behaviour of every object in key order (ties in creation order). ``net.t`` is
    ``iteration * dt`` in ms; so is every other time pymonn reports (``rec.t``,
    ``rec['fired.t']``), while ``iteration`` values count steps.
    """

    _is_network = True

    def __init__(self, tag: str | None = None, behaviour: Any = None, settings: dict | None = None, *,
                 dt: float | None = None, seed: int | None = None, dtype: Any = np.float64,
                 behavior: Any = None):
        if not isinstance(settings, (dict, type(None))):
            raise ConfigurationTypeError(f"Network settings must be a dict, got {type(settings).__name__}")
        settings = dict(settings or {})
        unknown = set(settings) - set(_SETTINGS)
        if unknown:
            raise ConfigurationError(f"Network settings {sorted(unknown)} are unknown; known: {list(_SETTINGS)}")
        dt = settings.get("dt", dt)
        self._dt_given = dt is not None
        dt = DEFAULT_DT if dt is None else dt
        seed = settings.get("seed", seed)
        dtype = settings.get("dtype", dtype)
        self.synapse_mode = _layout(settings)
        dt = _check_dt(dt)
        seed = None if seed is None else _check_seed(seed)
        try:
            np_dtype = np.dtype(dtype)
        except TypeError:
            np_dtype = None
        if np_dtype is None or np_dtype.type not in _DTYPES:
            raise ConfigurationTypeError(f"Network dtype must be float64, float32 or float16, got {dtype!r}")
        if behaviour is not None and behavior is not None:
            raise ConfigurationTypeError("Network: give behaviour= or behavior=, not both")
        self._dt = float(dt)
        self._dtype = np_dtype
        self._iteration = 0
        self.seed = int(np.random.SeedSequence().entropy) if seed is None else seed
        self._rng = np.random.default_rng(self.seed)
        self.NeuronGroups: list = []
        self.SynapseGroups: list = []
        self._registry: list[tuple[float, int, NetworkObject, Behaviour]] = []
        self._counter = 0
        self._schedule: list[tuple[Callable, Any]] = []
        self._dirty = True
        self._stop = False
        self._interrupted = False
        self._failed: BaseException | None = None
        self.initialized = False
        self.timing: dict[int, list] = {}
        super().__init__(tag, None, behaviour if behaviour is not None else behavior)
        self._attach_pending(self)

    # -- clock ---------------------------------------------------------------------------------
    @property
    def dt(self) -> float:
        """Time step in ms."""
        return self._dt

    @dt.setter
    def dt(self, value: float) -> None:
        self._dt = _check_dt(value)
        self._dt_given = True

    @property
    def dt_given(self) -> bool:
        """False while the time step is the default 1 ms rather than one the script chose."""
        return self._dt_given

    @property
    def def_dtype(self) -> type:
        """The network's float type (``np.float64`` ...), PymoNNto's name for :attr:`dtype`."""
        return self._dtype.type

    @property
    def transposed_synapse_matrix_mode(self) -> bool:
        """True when synapse matrices are (src, dst) ('SxD'), PymoNNto's name for the layout."""
        return self.synapse_mode == "SxD"

    @property
    def iteration(self) -> int:
        """Steps simulated so far (1 during the first step)."""
        return self._iteration

    @iteration.setter
    def iteration(self, value: int) -> None:
        self._iteration = int(value)

    @property
    def rng(self) -> np.random.Generator:
        """The network's random generator; every random draw comes from it."""
        return self._rng

    @rng.setter
    def rng(self, generator: np.random.Generator) -> None:
        self._rng = generator

    def derived_rng(self, *keys: Any) -> np.random.Generator:
        """An independent generator derived from the network's seed and ``keys``.

        It never draws from ``net.rng``, so a behaviour that needs private randomness (e.g. the
        stochastic rounding of float16 state) leaves the model's random stream untouched while
        the run stays repeatable from the one seed. ``keys`` are ints or strings.
        """
        spawn = tuple(k if isinstance(k, (int, np.integer)) and k >= 0 else zlib.crc32(str(k).encode())
                      for k in keys)
        return np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=spawn))

    # -- structure -----------------------------------------------------------------------------
    def _children(self):
        return [*self.NeuronGroups, *self.SynapseGroups]

    def all_objects(self) -> list[NetworkObject]:
        """The network, then its neuron groups, then its synapse groups."""
        return [self, *self.NeuronGroups, *self.SynapseGroups]

    def _attach_pending(self, obj: NetworkObject) -> None:
        pending, obj._pending_behaviours = obj._pending_behaviours, {}
        for key, b in pending.items():
            obj._attach(key, b)
        early = [(obj, k, b) for k, b in sorted(pending.items()) if b.initialize_on_init]
        if early:  # PymoNNto's behaviours that set up their object as soon as it exists
            self._initialize_behaviours(early, warn_unused=False)

    def all_behaviors(self) -> list[Behaviour]:
        """Every behaviour of every object, network first (PymoNNto's ``all_behaviors``)."""
        return [b for obj in self.all_objects() for b in obj.behaviours.values()]

    all_behaviours = all_behaviors

    def _add_group(self, group) -> None:
        self.NeuronGroups.append(group)
        self._register_shortcuts(group)
        self._attach_pending(group)

    def _add_synapse_group(self, group) -> None:
        self.SynapseGroups.append(group)
        self._register_shortcuts(group)
        self._attach_pending(group)

    def _register_behaviour(self, obj: NetworkObject, key: float, behaviour: Behaviour) -> None:
        self._registry.append((key, self._counter, obj, behaviour))
        self._counter += 1
        self._dirty = True

    def _schedule_changed(self) -> None:
        self._dirty = True

    def sorted_behaviours(self) -> list[tuple[NetworkObject, float, Behaviour]]:
        """Every attached behaviour as (object, key, behaviour) in execution order."""
        live = [(k, c, o, b) for k, c, o, b in self._registry if o.behaviours.get(k) is b]
        self._registry = live
        return [(o, k, b) for k, c, o, b in sorted(live, key=lambda e: (e[0], e[1]))]

    def _rebuild(self) -> list:
        entries = [(obj, b) for obj, _, b in self.sorted_behaviours() if b.behaviour_enabled]
        if self.initialized:
            for obj, b in entries:  # before the step functions are taken: a hook may change them
                if b.initialized and type(b).schedule_changed is not Behaviour.schedule_changed:
                    b.schedule_changed(obj, entries)
        self._schedule = [(fn, obj) for obj, b in entries if (fn := b.step_function()) is not None]
        self._dirty = False
        return self._schedule

    # -- initialization ------------------------------------------------------------------------
    def initialize(self, info: bool = False, warn_unused: bool = True, storage_manager: Any = None,
                   warnings: bool | None = None, **_: Any) -> Network:
        """Initialize every behaviour in key order (recorders last); call once before running.

        Parameters
        ----------
        info : bool
            Print :meth:`summary` (PymoNNto printed it by default; pymonn does not).
        warn_unused : bool
            Warn about keyword parameters a behaviour never read (``warnings=`` in PymoNNto).
        storage_manager : StorageManager, optional
            Save the genome (and the summary when ``info``) into this run's ``config.ini``, as
            PymoNNto's ``initialize(storage_manager=sm)`` does.
        """
        if warnings is not None:
            warn_unused = bool(warnings)
        self._initialize_behaviours(
            [e for e in self.sorted_behaviours() if not e[2].initialized], warn_unused
        )
        self.initialized = True
        if info:
            print(self.summary())
        if storage_manager is not None:
            from .compat.genes import get_genome

            genome = dict(get_genome())
            if info:
                storage_manager.save_param("info", self.summary())
            storage_manager.save_param("evolution_params", genome)
            storage_manager.save_param_dict(genome)
        return self

    def _initialize_behaviours(self, entries: list, warn_unused: bool = True) -> None:
        ordered = [e for e in entries if not e[2].initialize_last] + [e for e in entries if e[2].initialize_last]
        for obj, key, b in ordered:
            try:
                b.set_gene_variables()
                b.initialize(obj)
            except Exception as exc:
                raise BehaviourError(obj, b, key, self._iteration, "initialize", exc) from exc
            b.initialized = True
        if warn_unused:
            for obj, key, b in ordered:
                unused = b.unused_parameters()
                if unused:
                    warnings.warn(UnusedParameterWarning(
                        f"{type(b).__name__} (key {key}) of {obj.describe()} never read its "
                        f"parameter(s) {unused}: misspelled, or not a parameter of this behaviour?"
                    ), stacklevel=3)
        self._dirty = True

    # -- running -------------------------------------------------------------------------------
    def stop(self) -> None:
        """Ask a running ``simulate_iterations`` / ``run`` to stop after the current step."""
        self._stop = True

    @property
    def failed(self) -> BaseException | None:
        """The error that stopped a step half-way (a BehaviourError or KeyboardInterrupt), else None.

        After a behaviour raised during a step (or the run was interrupted inside one), the
        behaviours before it have done that step and the others have not: the state is half of
        a step. The network then refuses to run (``StateError``) until one of

        * :meth:`resume_after_error` (continue from the half-done step, knowingly),
        * loading a saved state (``net.load`` / ``load_state_dict`` / ``Checkpointer.resume``),
        * the explorer's reset.

        Recorders end at the last complete step (samples of the failed step are dropped from
        those that had taken them), and everything they hold stays readable.
        """
        return self._failed

    def resume_after_error(self) -> BaseException | None:
        """Allow running again after a failed step; returns the error that was recorded (or None).

        The next step continues from the half-done state the failure left (see :attr:`failed`).
        """
        failed, self._failed = self._failed, None
        return failed

    def _check_runnable(self) -> None:
        failed = self._failed
        if failed is not None:
            what = f"{type(failed).__name__}: {failed}" if str(failed) else type(failed).__name__
            raise StateError(
                f"{self.describe()} stopped half-way through step {self._iteration} ({what[:300]}); its state is "
                "part of a step. Call net.resume_after_error() to continue from it anyway, or load a saved state "
                "(net.load / Checkpointer.resume), or build the network again"
            )

    def _fail(self, fn, obj, exc: Exception) -> BehaviourError:
        behaviour = getattr(fn, "__self__", None)
        return BehaviourError(obj, behaviour, getattr(behaviour, "key", None), self._iteration, "iteration", exc)

    def _mark_failed(self, error: BaseException) -> None:
        """Record a failure inside step ``self.iteration`` and cut every recorder back to the step before."""
        self._failed = error
        for obj in self.all_objects():
            for b in list(obj.behaviours.values()):
                discard = getattr(b, "discard_from", None)
                if discard is not None and getattr(b, "is_recorder", False):
                    try:
                        discard(self._iteration)
                    except Exception:  # noqa: BLE001 - a failing recorder must not hide the original error
                        pass

    def simulate_iteration(self, measure_behavior_execution_time: bool = False) -> dict[float, float] | None:
        """Advance the network by one step.

        With ``measure_behavior_execution_time=True`` (PymoNNto's option) the step is timed and the
        wall time in ms spent so far in timed steps is returned per behaviour key, summed over the
        objects that use the key (what PymoNNto returns); :meth:`timing_report` has the details.
        """
        if not self.initialized:
            self.initialize()
        self._check_runnable()
        if not measure_behavior_execution_time:
            self._steps(1)
            return None
        self._timed_steps(1)
        per_key: dict[float, float] = {}
        for _, behaviour, seconds, _ in self.timing.values():
            per_key[behaviour.key] = per_key.get(behaviour.key, 0.0) + 1e3 * seconds
        return per_key

    def _steps(self, n: int) -> int:
        """The hot loop: ``n`` steps, a flat list of (bound method, object) per step."""
        sched = self._rebuild() if self._dirty else self._schedule
        done = 0
        fn = obj = None
        while done < n and not self._stop:
            if self._dirty:
                sched = self._rebuild()
            self._iteration += 1
            try:
                for fn, obj in sched:
                    fn(obj)
            except Exception as exc:
                error = self._fail(fn, obj, exc)
                self._mark_failed(error)
                raise error from exc
            except BaseException as exc:  # KeyboardInterrupt (a second Ctrl-C, or outside the main thread)
                self._mark_failed(exc)
                raise
            done += 1
        return done

    def _timed_steps(self, n: int) -> int:
        """Like :meth:`_steps`, accumulating wall time per behaviour in ``self.timing``."""
        clock = time.perf_counter
        done = 0
        while done < n and not self._stop:
            sched = self._rebuild() if self._dirty else self._schedule
            self._iteration += 1
            for fn, obj in sched:
                start = clock()
                try:
                    fn(obj)
                except Exception as exc:
                    error = self._fail(fn, obj, exc)
                    self._mark_failed(error)
                    raise error from exc
                except BaseException as exc:
                    self._mark_failed(exc)
                    raise
                entry = self.timing.get(id(fn.__self__))
                if entry is None:
                    entry = self.timing[id(fn.__self__)] = [obj, fn.__self__, 0.0, 0]
                entry[2] += clock() - start
                entry[3] += 1
            done += 1
        return done

    def simulate_iterations(self, iterations: int | str, batch_size: int | str = 100, measure_block_time: bool = False,
                            disable_recording: bool = False, batch_progress_update_func: Callable | None = None, *,
                            progress: bool | None = None, callback: Callable[[Network], Any] | None = None,
                            timing: bool = False, **_: Any) -> int:
        """Run ``iterations`` steps; returns how many ran (fewer when stopped).

        Parameters
        ----------
        iterations : int or str
            Steps, or a duration such as ``'1000*ms'`` or ``'1.5 s'``: ``round(duration / dt)``
            steps, or what the ``time_to_iterations`` method of a behaviour tagged ``'Clock'``
            returns (PymoNNto's rule).
        batch_size : int or str
            Steps per call of ``batch_progress_update_func`` (PymoNNto's option).
        measure_block_time : bool
            Print the wall time of the block when done (PymoNNto's option).
        disable_recording : bool
            Switch every recorder off for this run (and back on after it).
        batch_progress_update_func : callable, optional
            ``f(percent_done, net)`` after every ``batch_size`` steps (PymoNNto's option).
        progress : bool, optional
            tqdm progress bar: None shows one for runs that take over a second when tqdm is
            installed; False never; True always (plain text without tqdm).
        callback : callable, optional
            ``callback(net)`` after every step; returning True stops the run.
        timing : bool
            Accumulate wall time per behaviour into ``net.timing`` (see :meth:`timing_report`).
        """
        iterations = self._steps_of(iterations, "iterations")
        if batch_progress_update_func is not None:
            callback = _batch_reporter(batch_progress_update_func, max(1, self._steps_of(batch_size, "batch_size")),
                                       iterations, self.iteration, callback)
        if disable_recording:
            self.recording_off()
            try:
                return self.simulate_iterations(iterations, measure_block_time=measure_block_time, progress=progress,
                                                callback=callback, timing=timing)
            finally:
                self.recording_on()
        if not self.initialized:
            self.initialize()
        self._check_runnable()
        self._stop = False
        start = time.perf_counter()
        step = self._timed_steps if timing else self._steps
        bar = _progress_bar(int(iterations), progress)
        done = 0
        previous = self._defer_interrupts()
        try:
            if callback is None and bar is None:
                done = step(int(iterations))
            else:
                block = 1 if callback is not None else max(1, int(iterations) // 200)
                while done < iterations and not self._stop:
                    ran = step(min(block, int(iterations) - done))
                    done += ran
                    if bar is not None:
                        bar.update(ran)
                    if callback is not None and callback(self) is True:
                        break
        finally:
            if previous is not None:
                signal.signal(signal.SIGINT, previous)
            if bar is not None:
                bar.close()
            self._stop = False
            interrupted, self._interrupted = self._interrupted, False
        if interrupted:
            raise KeyboardInterrupt(f"{self.describe()} was interrupted after step {self._iteration}; every "
                                    "behaviour and recorder completed that step, and the run can continue")
        if measure_block_time:
            elapsed = time.perf_counter() - start
            print(f"{done}xBatch: {elapsed:.3f}s ({1e3 * elapsed / max(done, 1):.3f} ms/step)")
        return done

    def _defer_interrupts(self):
        """Make Ctrl-C stop the run after the current step (main thread, Python's own handler only).

        Returns the handler to put back afterwards, or None when nothing was changed. A second
        Ctrl-C during the same step interrupts at once (the step is then left half done: see
        :attr:`failed`).
        """
        if threading.current_thread() is not threading.main_thread() or \
                signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
            return None

        def handler(signum, frame):
            if self._interrupted:  # the second Ctrl-C: now
                signal.signal(signal.SIGINT, signal.default_int_handler)
                raise KeyboardInterrupt
            self._interrupted = True
            self._stop = True

        try:
            signal.signal(signal.SIGINT, handler)
        except (ValueError, OSError):  # pragma: no cover - not the main interpreter
            return None
        return signal.default_int_handler

    def _steps_of(self, value: Any, what: str) -> int:
        """A step count from an int or a duration string (``'1000*ms'``)."""
        if isinstance(value, str):
            clock = self["Clock", 0]
            if clock is not None and callable(getattr(clock, "time_to_iterations", None)):
                return int(clock.time_to_iterations(value))  # a clock behaviour converts (PymoNNto's rule)
            try:
                return self._duration_steps(value, f"simulate_iterations {what}")
            except ConfigurationError as err:
                raise ConfigurationError(f"simulate_iterations {what}: {err}") from None
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
            raise ConfigurationError(
                f"simulate_iterations needs a non-negative int or a duration such as '250ms' for {what}, got {value!r}"
            )
        return int(value)

    def set_behaviors(self, tag: Any, enabled: bool) -> list[Behaviour]:
        """Enable or disable every behaviour of the network matching ``tag`` (PymoNNto's ``set_behaviors``)."""
        return self._set_enabled(tag, bool(enabled))

    def _duration_steps(self, duration: Any, who: str) -> int:
        """``round(duration / dt)`` for a finite, non-negative duration (else DurationError)."""
        ms = to_ms(duration)
        steps = ms / self._dt
        if not (math.isfinite(ms) and steps < MAX_STEPS):
            raise DurationError(f"{who}: the duration must be a finite number of ms (at most {MAX_STEPS:.3g} "
                                f"steps of dt = {self._dt} ms), got {duration!r}")
        return int(round(steps))

    def run(self, duration: Any, **kwargs: Any) -> int:
        """Simulate a duration: ``'250ms'``, ``'1.5s'`` or a number of ms; returns the steps run."""
        return self.simulate_iterations(self._duration_steps(duration, f"{self.describe()}.run"), **kwargs)

    def timing_report(self) -> str:
        """A table of the wall time each behaviour took in runs with ``timing=True``."""
        rows = sorted(self.timing.values(), key=lambda r: -r[2])
        total = sum(r[2] for r in rows) or 1.0
        lines = [f"{'object':<32}{'key':>6}  {'behaviour':<24}{'total s':>10}{'us/call':>10}{'share':>8}"]
        for obj, b, seconds, calls in rows:
            lines.append(f"{obj.describe()[:31]:<32}{b.key!s:>6}  {type(b).__name__[:23]:<24}"
                         f"{seconds:>10.4f}{1e6 * seconds / max(calls, 1):>10.2f}{seconds / total:>8.1%}")
        return "\n".join(lines)

    # -- description ---------------------------------------------------------------------------
    def summary(self) -> str:
        """A readable description of the network's groups and behaviours."""
        lines = [f"Network {self.tags[0]!r}: dt={self._dt} ms, dtype={self._dtype.name}, seed={self.seed}, "
                 f"iteration={self._iteration}"]
        for obj in self.all_objects():
            size = f" size={obj.size}" if obj is not self else ""
            lines.append(f"  {obj.describe()}{size}")
            for key in sorted(obj.behaviours):
                b = obj.behaviours[key]
                state = "" if b.behaviour_enabled else " (disabled)"
                lines.append(f"    {key}: {b!r}{state}")
        return "\n".join(lines)

    def describe(self) -> str:
        return f"Network {self.tags[0]!r}"


def _batch_reporter(report: Callable, batch: int, total: int, start: int, then: Callable | None) -> Callable:
    """A step callback that calls ``report(percent_done, net)`` every ``batch`` steps, then ``then``."""

    def callback(net: Network) -> Any:
        done = net.iteration - start
        if done % batch == 0 or done == total:
            report(100.0 * done / max(total, 1), net)
        return then(net) if then is not None else None

    return callback


def _progress_bar(total: int, progress: bool | None):
    if progress is False or total == 0:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return _TextProgress(total) if progress else None
    return tqdm(total=total, unit="step", delay=0.0 if progress else 1.0, disable=None if progress is None else False)


class _TextProgress:
    """Minimal stand-in for tqdm: prints every 10%."""

    def __init__(self, total: int):
        self.total, self.done, self.next = total, 0, 0.1

    def update(self, n: int) -> None:
        self.done += n
        if self.done / self.total >= self.next:
            print(f"{self.done}/{self.total} steps", file=sys.stderr)
            self.next += 0.1

    def close(self) -> None:
        pass

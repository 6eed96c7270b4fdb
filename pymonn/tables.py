"""Recordings as tables (pandas) and as Neo objects (for Elephant and the rest of the Neo world).

Both libraries are optional and imported only inside these functions: pandas for
:func:`to_dataframe`, ``neo`` and ``quantities`` (extra ``[neo]``) for :func:`to_neo`.

Examples
--------
>>> df = net.exc['Recorder', 0].to_dataframe()        # columns t, iteration, variable, neuron, value
>>> trains = net.exc['EventRecorder', 0].to_neo()     # list of neo.SpikeTrain, one per neuron
>>> import elephant.statistics as es
>>> es.mean_firing_rate(trains[0]).rescale('Hz')
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .errors import ConfigurationError

__all__ = ["to_dataframe", "to_neo", "DEFAULT_UNITS"]

#: Units assumed for common variable names when ``units`` does not say otherwise.
DEFAULT_UNITS: dict[str, str] = {"v": "mV", "I": "pA", "u": "mV", "g_e": "nS", "g_i": "nS", "t": "ms"}


def _is_event_recorder(rec: Any) -> bool:
    from .recording import EventRecorder

    return isinstance(rec, EventRecorder)


def _check_recorder(rec: Any, who: str) -> None:
    from .recording import Recorder

    if not isinstance(rec, Recorder):
        raise ConfigurationError(f"{who} needs a Recorder or EventRecorder, got {type(rec).__name__}")
    if rec.network is None:
        raise ConfigurationError(f"{who}: the recorder is not attached to a network")


def _pandas():
    try:
        import pandas as pd
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ConfigurationError("to_dataframe needs pandas: pip install pandas") from exc
    return pd


def to_dataframe(recorder: Any, variables: Any = None):
    """A recorder's samples as a long-format :class:`pandas.DataFrame`.

    Parameters
    ----------
    recorder : Recorder or EventRecorder
    variables : str or list of str, optional
        Which recorded expressions (default: all).

    Returns
    -------
    pandas.DataFrame
        For a Recorder, one row per sample and element: ``t`` (ms), ``iteration``,
        ``variable``, ``neuron`` (flat index into the recorded value; 0 for a scalar such as
        ``'np.mean(v)'``) and ``value``. Values keep their dtype when one variable is asked for
        and are float64 when several of different dtypes are. For an EventRecorder, one row per
        event: ``t``, ``iteration``, ``variable``, ``neuron``.
    """
    pd = _pandas()
    _check_recorder(recorder, "to_dataframe")
    names = recorder.variables if variables is None else ([variables] if isinstance(variables, str) else list(variables))
    frames = []
    if _is_event_recorder(recorder):
        dt = recorder.network.dt
        for var in names:
            it = np.asarray(recorder[f"{var}.iteration"], dtype=np.int64)
            frames.append(pd.DataFrame({"t": it * dt, "iteration": it, "variable": var,
                                        "neuron": np.asarray(recorder[f"{var}.i"], dtype=np.int64)}))
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
            columns=["t", "iteration", "variable", "neuron"])
    iterations = np.asarray(recorder.iterations, dtype=np.int64)
    t = np.asarray(recorder.t, dtype=np.float64)
    values = [np.asarray(recorder[v]) for v in names]
    kinds = {v.dtype for v in values if v.size}
    for var, x in zip(names, values, strict=True):
        x = x.reshape(len(iterations), -1) if len(iterations) else x.reshape(0, 1)
        if len(kinds) > 1:
            x = x.astype(np.float64)
        n = x.shape[1]
        frames.append(pd.DataFrame({
            "t": np.repeat(t, n), "iteration": np.repeat(iterations, n), "variable": var,
            "neuron": np.tile(np.arange(n, dtype=np.int64), len(iterations)), "value": x.ravel(),
        }))
    return pd.concat(frames, ignore_index=True)


def _neo():
    try:
        import neo
        import quantities as pq
    except ImportError as exc:
        raise ConfigurationError("to_neo needs neo and quantities: pip install 'pymonn[neo]'") from exc
    return neo, pq


def _unit_of(var: str, units: dict | None) -> str:
    from .expressions import normalize

    if units and var in units:
        return units[var]
    return DEFAULT_UNITS.get(normalize(var), "dimensionless")


def to_neo(obj: Any, *, units: dict[str, str] | None = None, t_start: float = 0.0):
    """Convert recordings to Neo objects with units.

    Parameters
    ----------
    obj : EventRecorder, Recorder, NeuronGroup or Network
        An EventRecorder gives a list of :class:`neo.SpikeTrain` (one per neuron of its group,
        silent ones included, spanning ``t_start`` to the network's current time); a Recorder a
        list of :class:`neo.AnalogSignal` (one per expression, channels = elements; an
        :class:`neo.IrregularlySampledSignal` if the samples are not evenly spaced); a group or
        a network a :class:`neo.Block` with one Segment holding everything its recorders have,
        annotated with the group's tag.
    units : dict, optional
        Unit per expression, e.g. ``{'np.mean(v)': 'mV'}``. Defaults: :data:`DEFAULT_UNITS`
        (``v`` mV, ``I`` pA, else dimensionless).
    t_start : float
        Start of the spike trains in ms.
    """
    neo, pq = _neo()
    from .recording import Recorder

    if isinstance(obj, Recorder):
        _check_recorder(obj, "to_neo")
        return _recorder_to_neo(obj, neo, pq, units, t_start)
    groups = None
    if hasattr(obj, "NeuronGroups"):
        groups = [*obj.NeuronGroups, *obj.SynapseGroups]
        name = obj.tags[0]
    elif hasattr(obj, "behaviours"):
        groups = [obj]
        name = obj.tags[0]
    if groups is None:
        raise ConfigurationError(f"to_neo needs a recorder, a group or a network, got {type(obj).__name__}")
    block = neo.Block(name=name)
    segment = neo.Segment(name=name)
    block.segments.append(segment)
    for group in groups:
        for key in sorted(group.behaviours):
            rec = group.behaviours[key]
            if not isinstance(rec, Recorder) or rec.network is None:
                continue
            for item in _recorder_to_neo(rec, neo, pq, units, t_start):
                item.annotations["group"] = group.tags[0]
                if isinstance(item, neo.SpikeTrain):
                    segment.spiketrains.append(item)
                elif isinstance(item, neo.IrregularlySampledSignal):
                    segment.irregularlysampledsignals.append(item)
                else:
                    segment.analogsignals.append(item)
                item.segment = segment
    return block


def _recorder_to_neo(rec: Any, neo, pq, units, t_start: float) -> list:
    net = rec.network
    group = rec.parent
    tag = group.tags[0] if group is not None else ""
    if _is_event_recorder(rec):
        n = int(getattr(group, "size", 0))
        t_stop = max(net.t, t_start)
        out = []
        for var in rec.variables:
            t = np.asarray(rec[f"{var}.t"], dtype=np.float64)
            i = np.asarray(rec[f"{var}.i"], dtype=np.int64)
            order = np.lexsort((t, i))
            t, i = t[order], i[order]
            bounds = np.searchsorted(i, np.arange(n + 1))
            for k in range(n):  # one SpikeTrain object per neuron: Neo's data model
                times = t[bounds[k]:bounds[k + 1]]
                out.append(neo.SpikeTrain(times * pq.ms, t_start=t_start * pq.ms, t_stop=t_stop * pq.ms,
                                          name=f"{tag}[{k}]", neuron=k, variable=var, source=tag))
        return out
    times = np.asarray(rec.t, dtype=np.float64)
    out = []
    step = net.dt * rec.every
    regular = times.size < 2 or np.allclose(np.diff(times), step, rtol=1e-9, atol=1e-9 * step)
    for var in rec.variables:
        x = np.asarray(rec[var])
        x = x.reshape(len(times), -1) if len(times) else np.empty((0, 1))
        if x.dtype.kind == "b":
            x = x.astype(np.float64)
        unit = pq.Quantity(1.0, _unit_of(var, units)).units
        if regular:
            signal = neo.AnalogSignal(x, units=unit, sampling_period=step * pq.ms,
                                      t_start=(times[0] if times.size else step) * pq.ms, name=var,
                                      variable=var, source=tag)
        else:
            signal = neo.IrregularlySampledSignal(times * pq.ms, x, units=unit, time_units=pq.ms, name=var,
                                                  variable=var, source=tag)
        out.append(signal)
    return out

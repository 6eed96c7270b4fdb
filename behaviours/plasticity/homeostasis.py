"""Intrinsic homeostasis: a per-neuron bias current that moves each neuron's rate toward a target."""

from __future__ import annotations

import numpy as np

from pymonn.behaviour import Behaviour
from pymonn.errors import ConfigurationError, ConfigurationTypeError
from pymonn.neuron_group import NeuronGroup

from ..synapses._base import read_number

__all__ = ["IntrinsicHomeostasis"]


class IntrinsicHomeostasis(Behaviour):
    r"""Intrinsic plasticity toward a target firing rate through an adaptive bias current.

    Each neuron keeps a running estimate ``r`` of its own rate (an exponential average over
    ``tau``) and a bias current ``b`` that integrates the rate error:

    .. math::

        \tau \frac{dr}{dt} = -r + 1000 \sum_k \delta(t - t_k), \qquad
        \frac{db}{dt} = \eta \, (r_{target} - r) / 1000

    (``r`` in Hz, ``t`` in ms, ``eta`` in pA per second per Hz of error). Every step ``b`` is
    added to ``n.accumulator(target)``, so any neuron model that reads its input current is
    regulated: too slow a neuron gets a growing depolarising bias, too fast a one a
    hyperpolarising bias, until its rate matches ``target_rate`` (the intrinsic plasticity of
    SORN, Lazar et al. 2009, with a current instead of a threshold, which makes it independent of
    the neuron model).

    It reads ``fired`` as the neuron model left it in the previous step and must run before the
    model reads its input: the default key is 25 (after inputs 10 and synapses 20, before the
    model at 30).

    Parameters
    ----------
    target_rate : float, Hz
        Desired rate (default 5 Hz); a number or one value per neuron.
    tau : float, ms
        Averaging time of the rate estimate (default 1000 ms).
    eta : float, pA / (Hz s)
        Learning rate of the bias (default 10).
    target : str
        Input array the bias is added to (default ``'I'``).
    b : float, pA
        Initial bias (default 0).
    r : float, Hz
        Initial rate estimate (default ``target_rate``, so that nothing moves before evidence).

    Variables written on the neuron group
    -------------------------------------
    rate_estimate : Hz (network dtype). I_homeostasis : pA, the bias current.

    Example
    -------
    >>> NeuronGroup(net, 100, {10: ConstantCurrent(amplitude='300;500'), 25: IntrinsicHomeostasis(target_rate=10.0),
    ...                        30: LIF()})
    """

    default_key = 25

    def initialize(self, n: NeuronGroup) -> None:
        if not isinstance(n, NeuronGroup):
            raise ConfigurationTypeError(f"IntrinsicHomeostasis belongs on a NeuronGroup, not on {n.describe()}")
        rate = self.parameter("target_rate", 5.0)
        try:
            rate = n.vector(rate, dtype=np.float64) if not isinstance(rate, np.ndarray) else np.asarray(rate, float)
        except ConfigurationError as exc:
            raise ConfigurationError(f"IntrinsicHomeostasis on {n.describe()}: parameter 'target_rate': {exc}") from None
        if rate.shape not in ((n.size,), ()) or not np.all(np.isfinite(rate)) or np.any(rate < 0):
            raise ConfigurationError(
                f"IntrinsicHomeostasis on {n.describe()}: parameter 'target_rate' must be non-negative rates in Hz "
                f"(a number or {n.size} values), got {self.parameter('target_rate')!r}"
            )
        self.target_rate = np.broadcast_to(rate, (n.size,)).astype(n.dtype)
        self.tau = read_number(self, n, "tau", 1000.0, positive=True, unit="ms")
        self.eta = read_number(self, n, "eta", 10.0, non_negative=True, unit="pA per second per Hz")
        self.target = self.parameter("target", "I")
        if not isinstance(self.target, str) or not self.target.isidentifier():
            raise ConfigurationError(
                f"IntrinsicHomeostasis on {n.describe()}: parameter 'target' must be an input array name, got {self.target!r}"
            )
        n.I_homeostasis = n.vector(self.parameter("b", 0.0))
        r0 = self.parameter("r", None)
        n.rate_estimate = self.target_rate.copy() if r0 is None else n.vector(r0)
        self._dt = None

    def iteration(self, n: NeuronGroup) -> None:
        dt = n.dt
        if dt != self._dt:
            self._decay = n.dtype.type(np.exp(-dt / self.tau))
            self._jump = n.dtype.type((1.0 - np.exp(-dt / self.tau)) * 1000.0 / dt)  # Hz per spike, averaged
            self._gain = n.dtype.type(self.eta * dt / 1000.0)
            self._dt = dt
        r = n.rate_estimate
        r *= self._decay
        fired = getattr(n, "fired", None)
        if fired is not None:
            r += self._jump * fired
        b = n.I_homeostasis
        b += self._gain * (self.target_rate - r)
        n.accumulator(self.target)[:] += b

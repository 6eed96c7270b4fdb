"""Constant input current."""

from __future__ import annotations

from typing import Any

from ._base import InputBehaviour

__all__ = ["ConstantCurrent"]


class ConstantCurrent(InputBehaviour):
    """Add the same current to the target accumulator in every step.

    ``n.<target> += amplitude`` each step (``target='I'`` by default).

    Parameters
    ----------
    amplitude : float, init string or array, pA (uA/cm2 for HodgkinHuxley, dimensionless for
        HindmarshRose / Izhikevich)
        The current; one number for all neurons or one value per neuron (required).
    target : str
        Accumulator to add into (default ``'I'``).

    Example
    -------
    >>> NeuronGroup(net, 5, {10: ConstantCurrent(amplitude=[100, 200, 300, 400, 500]), 30: LIF()})
    """

    def initialize(self, obj: Any) -> None:
        self.read_target(obj)
        self.amplitude = self.read_amplitude(obj, "amplitude", required=True)

    def iteration(self, obj: Any) -> None:
        acc = obj.accumulator(self.target)
        acc += self.amplitude

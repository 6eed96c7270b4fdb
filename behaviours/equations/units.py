"""Physical dimensions and the unit names equations may use.

pymonn holds every number in one coherent set of units, the library's: **ms, mV, pA, um** and
what follows from them (nS = pA/mV, pF = pA ms/mV, GOhm = mV/pA, 1/ms = kHz). A unit name is a
constant of that system: ``ms`` is 1, ``second`` 1000, ``Hz`` 0.001, ``nS`` 1, ``uS`` 1000.
So ``'10 Hz'`` is stored as 0.01 (per ms) and ``'0.5 nA'`` as 500 (pA).

A :class:`Dim` is a vector of exponents over the four base dimensions (time, voltage, current,
length); dimensions multiply by adding exponents. Exponents are fractions so that ``sqrt`` works.
"""

from __future__ import annotations

from fractions import Fraction

__all__ = ["Dim", "DIMENSIONLESS", "UNITS", "unit_value", "describe_dim"]

_BASE = ("ms", "mV", "pA", "um")


class Dim(tuple):
    """Exponents of (time, voltage, current, length); immutable and hashable."""

    def __new__(cls, t=0, v=0, i=0, length=0):
        return super().__new__(cls, (Fraction(t), Fraction(v), Fraction(i), Fraction(length)))

    def __mul__(self, other: Dim) -> Dim:  # type: ignore[override]
        return Dim(*(a + b for a, b in zip(self, other, strict=True)))

    def __truediv__(self, other: Dim) -> Dim:
        return Dim(*(a - b for a, b in zip(self, other, strict=True)))

    def __pow__(self, k) -> Dim:
        k = Fraction(k)
        return Dim(*(a * k for a in self))

    @property
    def dimensionless(self) -> bool:
        return not any(self)

    def __repr__(self) -> str:
        return describe_dim(self)


DIMENSIONLESS = Dim()
TIME, VOLTAGE, CURRENT, LENGTH = Dim(1), Dim(0, 1), Dim(0, 0, 1), Dim(0, 0, 0, 1)
CONDUCTANCE = CURRENT / VOLTAGE
CAPACITANCE = CURRENT * TIME / VOLTAGE
RESISTANCE = VOLTAGE / CURRENT
AREA = LENGTH ** 2

#: name -> (value in pymonn's units, dimension)
UNITS: dict[str, tuple[float, Dim]] = {}


def _add(dim: Dim, **names: float) -> None:
    for name, value in names.items():
        UNITS[name] = (value, dim)


_add(TIME, ms=1.0, msecond=1.0, second=1000.0, usecond=1e-3, us=1e-3, minute=60_000.0)
_add(TIME ** -1, Hz=1e-3, hertz=1e-3, kHz=1.0)
_add(VOLTAGE, volt=1e3, mV=1.0, mvolt=1.0, uV=1e-3, uvolt=1e-3)
_add(CURRENT, amp=1e12, mA=1e9, uA=1e6, nA=1e3, pA=1.0, namp=1e3, pamp=1.0, uamp=1e6)
_add(CONDUCTANCE, siemens=1e9, mS=1e6, uS=1e3, nS=1.0, pS=1e-3, msiemens=1e6, usiemens=1e3, nsiemens=1.0)
_add(CAPACITANCE, farad=1e12, uF=1e6, nF=1e3, pF=1.0, ufarad=1e6, nfarad=1e3, pfarad=1.0)
_add(RESISTANCE, ohm=1e-9, kohm=1e-6, Mohm=1e-3, Gohm=1.0)
_add(LENGTH, metre=1e6, meter=1e6, cm=1e4, mm=1e3, um=1.0, umetre=1.0)
_add(AREA, cm2=1e8, mm2=1e6, um2=1.0)

#: dimensions with a name of their own, for messages
_NAMED = {
    DIMENSIONLESS: "1 (dimensionless)", TIME: "ms (time)", TIME ** -1: "1/ms (rate)", VOLTAGE: "mV (voltage)",
    CURRENT: "pA (current)", CONDUCTANCE: "nS (conductance)", CAPACITANCE: "pF (capacitance)",
    RESISTANCE: "GOhm (resistance)", VOLTAGE / TIME: "mV/ms", CURRENT / TIME: "pA/ms", LENGTH: "um (length)",
    CURRENT / AREA: "pA/um2 (current density)", CONDUCTANCE / AREA: "nS/um2 (conductance density)",
    CAPACITANCE / AREA: "pF/um2 (capacitance density)", CONDUCTANCE / TIME: "nS/ms",
}


def unit_value(name: str) -> tuple[float, Dim] | None:
    """(value, dimension) of a unit name, or None when ``name`` is not a unit."""
    return UNITS.get(name)


def describe_dim(dim: Dim) -> str:
    """A readable name of a dimension: ``'mV (voltage)'``, ``'ms^-2 mV'``."""
    named = _NAMED.get(dim)
    if named is not None:
        return named
    parts = []
    for base, k in zip(_BASE, dim, strict=True):
        if k == 1:
            parts.append(base)
        elif k:
            parts.append(f"{base}^{k}")
    return " ".join(parts)

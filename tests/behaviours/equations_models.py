"""Models written as equations for the tests (and the numbers they are compared with)."""

from __future__ import annotations

import numpy as np

IZHIKEVICH = """
    dv/dt = 0.04*v**2 + 5*v + 140 - u + I
    du/dt = a*(b*v - u)
"""
IZHIKEVICH_PARAMS = dict(a=0.02, b=0.2, c=-65.0, d=8.0, v=-65.0, u=-13.0)

#: AdEx with the library's arithmetic (its exponent capped at 80)
ADEX = """
    dv/dt = (-g_L*(v - E_L) + g_L*Delta_T*exp(minimum((v - V_T)/Delta_T, 80.0)) - w + I)/C
    dw/dt = (a*(v - E_L) - w)/tau_w
"""
#: Brette & Gerstner 2005, the library's AdEx defaults
ADEX_PARAMS = dict(C=281.0, g_L=30.0, E_L=-70.6, V_T=-50.4, Delta_T=2.0, a=4.0, tau_w=144.0, b=80.5, V_r=-70.6,
                   v=-70.6, w=0.0)

#: AdEx in units (pF, nS, mV, ms, pA)
ADEX_UNITS = """
    dv/dt = (-g_L*(v - E_L) + g_L*Delta_T*exp(minimum((v - V_T)/Delta_T, 80.0)) - w + I)/C : mV
    dw/dt = (a*(v - E_L) - w)/tau_w : pA
    I : pA
"""
ADEX_UNIT_PARAMS = dict(C="281 pF", g_L="30 nS", E_L="-70.6 mV", V_T="-50.4 mV", Delta_T="2 mV", a="4 nS",
                        tau_w="144 ms", b="80.5 pA", V_r="-70.6 mV", v="-70.6 mV", w="0 pA")

HODGKIN_HUXLEY = """
    dv/dt = (I - g_Na*m**3*h*(v - E_Na) - g_K*n**4*(v - E_K) - g_L*(v - E_L))/C
    dm/dt = alpha_m*(1 - m) - beta_m*m
    dh/dt = alpha_h*(1 - h) - beta_h*h
    dn/dt = alpha_n*(1 - n) - beta_n*n
    alpha_m = 1/exprel(-(v + 40)/10)
    beta_m = 4*exp(-(v + 65)/18)
    alpha_h = 0.07*exp(-(v + 65)/20)
    beta_h = 1/(1 + exp(-(v + 35)/10))
    alpha_n = 0.1/exprel(-(v + 55)/10)
    beta_n = 0.125*exp(-(v + 65)/80)
"""


def hh_params() -> dict:
    from pymonn.behaviours.neurons.hodgkin_huxley import hh_rates

    am, bm, ah, bh, an, bn = hh_rates(-65.0)
    return dict(C=1.0, g_Na=120.0, g_K=36.0, g_L=0.3, E_Na=50.0, E_K=-77.0, E_L=-54.387, v=-65.0,
                m=float(am / (am + bm)), h=float(ah / (ah + bh)), n=float(an / (an + bn)))


#: the library's LIF (tau_m 10 ms, C_m 250 pF, t_ref 2 ms, NEST iaf_psc_delta values) as equations
LIF = "dv/dt = (v_rest - v + R*I)/tau_m (unless refractory)"
LIF_PARAMS = dict(v_rest=-70.0, R=10.0 / 250.0, tau_m=10.0, v_th=-55.0, v_reset=-70.0, v=-70.0)


def spike_trains(group) -> list[np.ndarray]:
    rec = group["EventRecorder", 0]
    t, i = rec["fired.t"], rec["fired.i"]
    return [t[i == k] for k in range(group.size)]

"""Functions the sweep tests run on Dask workers (a module of its own, so that workers import it by name)."""

from __future__ import annotations

import os
import pathlib
import time

import numpy as np


def affine(params, seed):
    """An analytic result and a draw from the run's seed: y = 10 a + b, u ~ U(0, 1) from ``seed``."""
    return {"y": 10 * params["a"] + params["b"], "u": float(np.random.default_rng(seed).random())}


def noisy_square(params, seed):
    """y = a^2 + N(0, 0.1) noise from the seed."""
    return {"y": params["a"] ** 2 + 0.1 * float(np.random.default_rng(seed).standard_normal())}


def fails_on_two(params, seed):
    if params["a"] == 2:
        raise ZeroDivisionError("a == 2 divides by zero")
    return {"y": params["a"]}


def bad_return(params, seed):
    return {"trace": np.zeros(100)} if params["a"] == 1 else {"y": 1.0}


def logged(params, seed):
    """Appends ``a`` to the file ``log``, then returns 3 a; a >= ``slow_from`` first sleeps 5 s."""
    with open(params["log"], "a") as fh:
        fh.write(f"{params['a']}\n")
    if params["a"] >= params.get("slow_from", 10**9):
        time.sleep(5.0)
    return {"y": 3 * params["a"]}


def killed_once(params, seed):
    """The run of a = 3 writes its pid to ``marker`` and waits (the test kills its worker); its retry returns."""
    if params["a"] == 3:
        marker = pathlib.Path(params["marker"])
        try:
            fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            pass
        else:
            os.write(fd, str(os.getpid()).encode())
            os.close(fd)
            time.sleep(30.0)
    return {"y": params["a"] ** 2, "pid": os.getpid()}


def quadratic(params, seed):
    """The score to maximize: -(a - 3)^2 - (n - 20)^2 / 1000; best at a = 3, n = 20."""
    return -(params["a"] - 3.0) ** 2 - (params.get("n", 20) - 20) ** 2 / 1000.0


def two_objectives(params, seed):
    """(x, (1 - x)^2): maximize the first, minimize the second; the Pareto front is 1 <= x <= 2."""
    x = params["x"]
    return {"score": [x, (1.0 - x) ** 2], "x2": x * x}

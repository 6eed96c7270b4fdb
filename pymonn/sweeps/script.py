"""A script as the work of a run: a fresh Python process with the genes set, its score read back.

The script is a PymoNNto-style program: it reads its genes with gene strings (``'[2.0#a]'``) or
``get_gene('a', 2.0)`` and reports its result with ``set_score(score, info={...})``
(:mod:`pymonn.compat.genes`). For each run the worker starts ``python script.py`` in a new process
with

* ``PYMONN_GENOME``: the run's genes as a JSON object, with the run's seed as the gene ``seed``
  (``Network(seed=get_gene('seed', 1))`` makes the run repeatable; ``PYMONN_SEED`` holds it too);
* ``PYMONN_SCORE_FILE``: where ``set_score`` writes its JSON record, read back by the worker;
* ``OMP_NUM_THREADS``, ``MKL_NUM_THREADS``, ``OPENBLAS_NUM_THREADS``, ``NUMBA_NUM_THREADS``: 1 unless
  set, so that runs sharing a machine do not oversubscribe its cores; ``MPLBACKEND``: Agg unless
  set (a ``plt.show()`` does not wait for a window).

The row gets the score (``score``, or ``score_0, score_1, ...`` for several objectives), the info
values, ``returncode`` and the last :data:`TAIL` characters of the output (``stdout``, stderr
included). A script that exits with an error, runs past ``timeout`` seconds (its process group is
killed) or never calls ``set_score`` gives a row with the error. The script process dies with the
worker (Linux: ``PR_SET_PDEATHSIG``), so a killed worker leaves no orphan behind.
"""

from __future__ import annotations

import json
import math
import numbers
import os
import signal
import subprocess
import sys
import tempfile
from typing import Any

from ..errors import ConfigurationError
from .tasks import RunFailed, values_of

#: Characters of the script's output kept in the row.
TAIL = 2000

#: Started as ``python -c BOOT PARENT_PID SCRIPT``: die with the parent, then run SCRIPT as ``__main__``.
BOOT = """\
import os, runpy, sys
parent, script = int(sys.argv[1]), sys.argv[2]
if sys.platform.startswith('linux'):
    import ctypes
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, 9)  # PR_SET_PDEATHSIG = SIGKILL
    except (OSError, AttributeError):
        pass
if os.getppid() != parent:
    os._exit(70)
sys.argv = sys.argv[2:]
sys.path[0] = os.path.dirname(os.path.abspath(script))
runpy.run_path(script, run_name='__main__')
"""

THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMBA_NUM_THREADS")


def check_script(path: Any, who: str) -> str:
    """The absolute path of an existing ``.py`` file; a named error otherwise."""
    if not isinstance(path, (str, os.PathLike)):
        raise ConfigurationError(f"{who}: expected a function or the path of a script, got {type(path).__name__}")
    full = os.path.abspath(os.fspath(path))
    if not os.path.isfile(full):
        raise ConfigurationError(f"{who}: the script {os.fspath(path)!r} does not exist (looked for {full})")
    if not full.endswith(".py"):
        raise ConfigurationError(f"{who}: the script {os.fspath(path)!r} must be a Python file ending in .py")
    return full


def _tail(path: str) -> str:
    with open(path, "rb") as fh:
        fh.seek(0, os.SEEK_END)
        size = fh.tell()
        fh.seek(max(0, size - 4 * TAIL))
        text = fh.read().decode("utf-8", errors="replace")
    return text[-TAIL:]


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def read_score(path: str) -> dict[str, Any]:
    """The score and info of a score file written by ``set_score`` (untrusted: checked, never executed)."""
    try:
        with open(path, encoding="utf-8") as fh:
            record = json.load(fh)
    except (OSError, ValueError) as exc:
        raise RunFailed(f"the score file could not be read: {exc}") from None
    score = record.get("score") if isinstance(record, dict) else None
    numbers_only = [score] if not isinstance(score, list) else score
    if not numbers_only or any(isinstance(v, bool) or not isinstance(v, numbers.Real) for v in numbers_only):
        raise RunFailed(f"the score file holds no number or list of numbers as 'score': {str(record)[:200]}")
    info = record.get("info") or {}
    if not isinstance(info, dict):
        raise RunFailed(f"the score file's 'info' is not an object: {str(info)[:200]}")
    return {"score": score, **info}


class ScriptTask:
    """Run the script at ``path`` with a run's genes; see the module docstring."""

    kind = "script"

    def __init__(self, path: str, *, timeout: float | None = None, cwd: str | None = None) -> None:
        self.path = path
        self.name = path
        self.timeout = timeout
        self.cwd = cwd or os.getcwd()

    def environment(self, params: dict[str, Any], seed: int, run: dict[str, Any]) -> dict[str, str]:
        env = dict(os.environ)
        env["PYMONN_GENOME"] = json.dumps({**params, "seed": seed})
        env["PYMONN_SEED"] = str(seed)
        for name in THREAD_VARIABLES:
            env.setdefault(name, "1")
        env.setdefault("MPLBACKEND", "Agg")
        for name in ("PYMONN_EVO_NAME", "PYMONN_EVO_ID", "PYMONN_EVO_GENERATION"):
            env.pop(name, None)
        if run.get("evo_name"):
            env["PYMONN_EVO_NAME"] = str(run["evo_name"])
            env["PYMONN_EVO_ID"] = str(run.get("evo_id", ""))
        return env

    def __call__(self, params: dict[str, Any], seed: int, run: dict[str, Any]) -> tuple[dict, dict]:
        if not os.path.isfile(self.path):
            raise RunFailed(f"the script {self.path} does not exist on this worker (a cluster needs the script on a "
                            "file system its workers share)")
        if not os.path.isdir(self.cwd):
            raise RunFailed(f"the working directory {self.cwd} does not exist on this worker")
        with tempfile.TemporaryDirectory(prefix="pymonn-run-") as tmp:
            env = self.environment(params, seed, run)
            env["PYMONN_SCORE_FILE"] = score_file = os.path.join(tmp, "score.json")
            out_file, err_file = os.path.join(tmp, "stdout"), os.path.join(tmp, "stderr")
            with open(out_file, "wb") as out, open(err_file, "wb") as err:
                proc = subprocess.Popen([sys.executable, "-c", BOOT, str(os.getpid()), self.path], cwd=self.cwd,
                                        env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                        start_new_session=True)
                try:
                    proc.wait(timeout=self.timeout)
                    timed_out = False
                except subprocess.TimeoutExpired:
                    timed_out = True
                except BaseException:  # the worker is stopping: take the script with it
                    _kill(proc)
                    raise
                finally:
                    if proc.poll() is None:
                        _kill(proc)
            stdout, stderr = _tail(out_file), _tail(err_file)
            extra = {"returncode": proc.returncode, "stdout": (stdout + stderr)[-TAIL:]}
            values = {}
            if os.path.exists(score_file):
                try:
                    values = values_of(read_score(score_file), params)
                except (RunFailed, ConfigurationError, TypeError) as exc:
                    raise RunFailed(str(exc), {}, extra) from None
            if timed_out:
                raise RunFailed(f"timed out after {self.timeout:g} s (the script's processes were killed)", values, extra)
            if proc.returncode != 0:
                raise RunFailed(f"exit status {proc.returncode}: {_last_line(stderr) or _last_line(stdout)}",
                                values, extra)
            if not values:
                raise RunFailed("the script finished without calling set_score(...)", values, extra)
            return values, extra


def _kill(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()


def check_timeout(timeout: Any, who: str) -> float | None:
    if timeout is None:
        return None
    if isinstance(timeout, bool) or not isinstance(timeout, numbers.Real) or not math.isfinite(timeout) or timeout <= 0:
        raise ConfigurationError(f"{who}: timeout must be a positive number of seconds, got {timeout!r}")
    return float(timeout)

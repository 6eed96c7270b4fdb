"""Genes and scores: the single-script side of PymoNNto's evolution interface.

A script takes part in a parameter search through three things, as in PymoNNto:

* **gene strings** in behaviour keywords: ``LIF(tau='[20.0#tau]')`` reads the gene ``tau`` with the
  default 20.0; ``'10+[5#a]'`` puts the gene's value into a longer string. ``[name]`` has no default.
* **the genome**: ``get_gene('tau', 20.0)`` (or ``gene``) reads one gene anywhere in a script,
  ``set_genome({'tau': 15.0})`` sets them, ``get_genome()`` returns them all. A runner passes genes on
  the command line as PymoNNto's does (``python run.py tau=15 __evo_name__=search __evo_id__=3``) or
  in the environment variable ``PYMONN_GENOME`` (a JSON object).
* **the score**: ``set_score(x)`` (a number, or a list of numbers for several objectives) records
  the run's result where a runner finds it: in the JSON file named by ``PYMONN_SCORE_FILE`` when that
  variable is set, in the run's StorageManager folder ``Data/StorageManager/<evo_name>/<evo_name>
  id<evo_id>/config.ini`` (PymoNNto's layout) when the run has an evolution name and id, in
  ``storage_manager=`` when given, and always in :func:`get_scores` for runners in the same process.

Gene values are parsed, never evaluated: a default must be a number or a quoted string.
"""

from __future__ import annotations

import ast
import json
import math
import numbers
import os
import re
import sys
import tempfile
from typing import Any

import numpy as np

from ..errors import ConfigurationError, ConfigurationTypeError

#: ``[default#name]`` or ``[name]`` inside a string keyword.
GENE_TOKEN = re.compile(r"\[\s*(?:([^\[\]#]*?)\s*#\s*)?([A-Za-z_]\w*)\s*\]")
_EVO_KEYS = {"__evo_name__": "name", "__evo_id__": "id", "__evo_generation__": "generation"}


class _Run:
    """What this process knows about the search it belongs to (loaded lazily)."""

    def __init__(self) -> None:
        self.loaded = False
        self.genome: dict[str, Any] = {}
        self.name: str | None = None
        self.id: str | None = None
        self.generation: str | None = None
        self.scores: list[dict[str, Any]] = []

    def load(self) -> None:
        """Read the genome and the run's identity from the environment and sys.argv (argv wins)."""
        if self.loaded:
            return
        self.loaded = True
        raw = os.environ.get("PYMONN_GENOME")
        if raw:
            try:
                genome = json.loads(raw)
            except ValueError as exc:
                raise ConfigurationError(f"PYMONN_GENOME is not a JSON object: {exc}") from None
            if not isinstance(genome, dict):
                raise ConfigurationError(f"PYMONN_GENOME must be a JSON object of genes, got {type(genome).__name__}")
            for key, value in genome.items():
                self.genome[_check_name(key)] = _check_value(key, value)
        for env, field in (("PYMONN_EVO_NAME", "name"), ("PYMONN_EVO_ID", "id"), ("PYMONN_EVO_GENERATION", "generation")):
            if os.environ.get(env):
                setattr(self, field, os.environ[env])
        for arg in sys.argv[1:]:
            key, sep, value = arg.partition("=")
            if not sep or "=" in value:
                continue
            if key in _EVO_KEYS:
                setattr(self, _EVO_KEYS[key], value)
            elif key.isidentifier() and not key.startswith("-"):
                self.genome[key] = value

    def reset(self) -> None:
        self.__init__()


_run = _Run()


def _check_name(key: Any) -> str:
    if not isinstance(key, str) or not key.isidentifier():
        raise ConfigurationError(f"gene names must be Python identifiers such as 'tau_m', got {key!r}")
    return key


def _check_value(key: str, value: Any) -> Any:
    if isinstance(value, (bool, np.bool_, str)) or value is None:
        return value if not isinstance(value, np.bool_) else bool(value)
    if isinstance(value, numbers.Real):
        return value.item() if isinstance(value, np.generic) else value
    raise ConfigurationTypeError(f"gene {key!r} must be a number, bool or str, got {type(value).__name__} {value!r}")


def _number(text: str) -> int | float | None:
    """The number a string spells (``'2'``, ``'-1.5e-3'``, ``'10%'`` = 0.1), else None."""
    text = text.strip()
    percent = text.endswith("%")
    if percent:
        text = text[:-1].strip()
    try:
        value: int | float = int(text)
    except ValueError:
        try:
            value = float(text)
        except ValueError:
            return None
    return value / 100.0 if percent else value


def cast_to_default(value: Any, default: Any, what: str = "gene") -> Any:
    """``value`` in the type of ``default``: numbers for number defaults, bools for bool defaults.

    A string that is not a number where the default is one raises ConfigurationError naming it.
    An int default keeps integral values ints (PymoNNto made every number gene a float).
    """
    if isinstance(default, (bool, np.bool_)):
        if isinstance(value, str):
            word = value.strip().lower()
            if word == "true":
                return True
            if word == "false":
                return False
            raise ConfigurationError(f"{what}: {value!r} is not True or False")
        return bool(value)
    if isinstance(default, numbers.Real):
        number = _number(value) if isinstance(value, str) else value
        if number is None or isinstance(number, bool) or not isinstance(number, numbers.Real):
            raise ConfigurationError(f"{what}: {value!r} is not a number (the default is {default!r})")
        if isinstance(default, numbers.Integral) and float(number).is_integer():
            return int(number)
        return float(number)
    return value


def get_genome() -> dict[str, Any]:
    """All genes of this run: those given to it and those read with a default so far."""
    _run.load()
    return _run.genome


def set_genome(genome: dict[str, Any]) -> None:
    """Replace the genome (names -> numbers, bools or strings)."""
    if not isinstance(genome, dict):
        raise ConfigurationTypeError(f"set_genome needs a dict of genes, got {type(genome).__name__}")
    _run.load()
    _run.genome = {_check_name(k): _check_value(k, v) for k, v in genome.items()}


def get_gene(key: str, default: Any) -> Any:
    """The gene ``key`` in the type of ``default``; a gene not in the genome takes the default."""
    _run.load()
    genome = _run.genome
    if _check_name(key) not in genome:
        genome[key] = default
    if genome[key] is None:
        raise ConfigurationError(f"gene {key!r} has no value and no default")
    return cast_to_default(genome[key], default, f"gene {key!r}")


gene = get_gene


def get_evo_name() -> str | None:
    """The name of the search this run belongs to (``__evo_name__=``), or None."""
    _run.load()
    return _run.name


def get_evo_id() -> str | None:
    """This run's id within its search (``__evo_id__=``), or None."""
    _run.load()
    return _run.id


def get_evo_generation() -> str | None:
    """This run's generation (``__evo_generation__=``), or None."""
    _run.load()
    return _run.generation


def is_evolution_mode() -> bool:
    """True when the run was started by a search (it has an evolution name)."""
    return get_evo_name() is not None


def get_gene_file(evo_name: str, evo_id: Any = None) -> str:
    """The folder name of one run of a search, as PymoNNto names it: ``'<name> id<id>'``."""
    return f"{evo_name} id{evo_id}"


def _parse_default(text: str, token: str) -> Any:
    if text is None or not text.strip():
        return None
    try:
        value = ast.literal_eval(text.strip())
    except (ValueError, SyntaxError):
        raise ConfigurationError(
            f"gene string {token!r}: the default {text!r} must be a number or a quoted string"
        ) from None
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, str)):
        raise ConfigurationError(f"gene string {token!r}: the default {text!r} must be a number or a quoted string")
    return value


def _format(value: Any) -> str:
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return f"{float(value):.15f}".rstrip("0").rstrip(".") if math.isfinite(value) else str(float(value))
    return str(value)


def has_genes(text: Any) -> bool:
    """True when ``text`` is a string holding at least one gene token."""
    return isinstance(text, str) and GENE_TOKEN.search(text) is not None


def substitute_genes(text: str) -> Any:
    """Replace every ``[default#name]`` in ``text`` by the gene's value.

    A string that is exactly one token gives the value itself (a number for a number default);
    tokens inside a longer string are replaced by the value written out (``'10+[5#a]'`` ->
    ``'10+5'``).
    """
    whole = GENE_TOKEN.fullmatch(text.strip())
    if whole:
        return get_gene(whole.group(2), _parse_default(whole.group(1), text))

    def replace(match: re.Match) -> str:
        return _format(get_gene(match.group(2), _parse_default(match.group(1), match.group(0))))

    return GENE_TOKEN.sub(replace, text)


def _plain(value: Any) -> Any:
    """A JSON-writable copy of a score or an info value."""
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, np.generic):
        return value.item()
    if value is None or isinstance(value, (bool, numbers.Real, str)):
        return value
    return str(value)


def _check_score(score: Any) -> Any:
    values = list(score) if isinstance(score, (list, tuple, np.ndarray)) else [score]
    if not values or any(isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Real) for v in values):
        raise ConfigurationTypeError(
            f"set_score needs a number or a list of numbers (one per objective), got {score!r}"
        )
    return _plain(score)


def set_score(score: Any, info: dict | None = None, sm: Any = None) -> dict[str, Any]:
    """Record this run's score (a number, or a list of numbers for several objectives).

    Parameters
    ----------
    score : float or list of float
    info : dict, optional
        More values to keep with the score (written next to it).
    sm : StorageManager, optional
        Also write the score into this manager's ``config.ini``.

    Returns
    -------
    dict
        What was recorded: ``score``, ``info``, ``genome``, ``evo_name``, ``evo_id``, ``generation``.

    Notes
    -----
    As in PymoNNto the genome is forgotten afterwards (the next gene read starts again from what
    the command line and environment give).
    """
    score = _check_score(score)
    info = dict(info or {})
    _run.load()
    record = {"score": score, "info": _plain(info), "genome": _plain(dict(_run.genome)),
              "evo_name": _run.name, "evo_id": _run.id, "generation": _run.generation}
    if sm is None and _run.name is not None and _run.id is not None:
        from .storage_manager import StorageManager

        sm = StorageManager(_run.name, folder_name=get_gene_file(_run.name, _run.id), print_msg=False,
                            add_new_when_exists=False, use_evolution_path=False)
    if sm is not None:
        sm.save_param("score", str(score))
        sm.save_param("evo_name", str(_run.name))
        sm.save_param("id", str(_run.id))
        sm.save_param("generation", str(_run.generation))
        sm.save_param_dict(record["genome"])
        sm.save_param_dict(record["info"])
    target = os.environ.get("PYMONN_SCORE_FILE")
    if target:
        _write_json(target, record)
    _run.scores.append(record)
    print("score set to:", score, info)
    genome_scores = _run.scores
    _run.reset()
    _run.scores = genome_scores
    return record


def get_scores() -> list[dict[str, Any]]:
    """Every score this process recorded with :func:`set_score`, oldest first."""
    return list(_run.scores)


def _write_json(path: str, record: dict) -> None:
    """Write ``record`` to ``path`` atomically (a runner never reads half a file)."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".score-", suffix=".json")
    try:
        with os.fdopen(fd, "w") as fh:
            json.dump(record, fh)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


__all__ = ["get_gene", "gene", "set_genome", "get_genome", "set_score", "get_scores", "get_evo_name",
           "get_evo_id", "get_evo_generation", "is_evolution_mode", "get_gene_file"]

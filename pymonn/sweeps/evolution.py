"""``evolve``: an Optuna study whose trials run on Dask workers, kept on disk so that a stopped search resumes.

The driver asks the study for a trial, runs it on a worker (several at once), and tells the study
its score; it alone talks to the store, so SQLite and Optuna's journal file are safe. A trial
that fails (raises, exits with an error, times out, loses its worker ``retries + 1`` times)
is told as FAIL with its error. On Ctrl-C, and when a study is resumed after its driver was
killed, the trials that were still running are marked ``interrupted`` (FAIL) and queued again
with their parameters and seed, so the resumed search runs them first.
"""

from __future__ import annotations

import contextlib
import math
import numbers
import os
import re
import sys
import warnings
from typing import Any

from ..errors import ConfigurationError, ConfigurationTypeError, StateFileError
from .backend import backend, check_client, check_picklable, check_retries
from .grid import make_task
from .points import Run, check_seed, derive_seed
from .progress import Progress
from .script import ScriptTask
from .specs import Gene, search_space
from .table import frame

SAMPLERS = ("cmaes", "tpe", "nsga2", "random")
JOURNAL_SUFFIXES = (".log", ".journal", ".jsonl")
SQLITE_SUFFIXES = (".db", ".sqlite", ".sqlite3")
#: Trial attributes the driver writes (the rest of a trial's user attributes are its returned values).
RECORD = ("seed", "error", "attempts", "wall_s", "worker", "returncode", "stdout", "interrupted")


def check_directions(directions: Any, who: str) -> list[str]:
    """``None`` -> ['maximize'] (PymoNNto's evolution maximizes the score); a str or a list of them."""
    if directions is None:
        return ["maximize"]
    items = [directions] if isinstance(directions, str) else directions
    if not isinstance(items, (list, tuple)) or not items:
        raise ConfigurationTypeError(f"{who}: directions must be 'maximize', 'minimize' or a list of them, "
                                     f"got {directions!r}")
    for d in items:
        if d not in ("maximize", "minimize"):
            raise ConfigurationError(f"{who}: direction {d!r} is not 'maximize' or 'minimize'")
    return list(items)


def check_sampler(sampler: Any, directions: list[str], who: str) -> Any:
    if isinstance(sampler, str):
        if sampler not in SAMPLERS:
            raise ConfigurationError(f"{who}: unknown sampler {sampler!r}; expected one of {', '.join(SAMPLERS)} "
                                     "or an optuna sampler object")
        if sampler == "cmaes" and len(directions) > 1:
            raise ConfigurationError(f"{who}: sampler 'cmaes' searches one objective, got {len(directions)} "
                                     "directions; use 'nsga2', 'tpe' or 'random'")
        return sampler
    if hasattr(sampler, "sample_relative") and hasattr(sampler, "sample_independent"):
        return sampler
    raise ConfigurationTypeError(f"{who}: sampler must be one of {', '.join(SAMPLERS)} or an optuna sampler, "
                                 f"got {sampler!r}")


def check_storage(store: Any, who: str) -> Any:
    """The Optuna storage ``store`` names: None (in memory), a .db/.sqlite file, a journal file, a URL."""
    if store is None or (hasattr(store, "create_new_study") and hasattr(store, "get_all_studies")):
        return store
    if not isinstance(store, (str, os.PathLike)):
        raise ConfigurationTypeError(f"{who}: store must be a file name (study.db, study.log), a database URL or an "
                                     f"optuna storage, got {store!r}")
    store = os.fspath(store)
    if "://" in store:
        return store
    if not store.endswith(SQLITE_SUFFIXES + JOURNAL_SUFFIXES):
        raise ConfigurationError(f"{who}: store {store!r} must end in {', '.join(SQLITE_SUFFIXES)} (SQLite) or "
                                 f"{', '.join(JOURNAL_SUFFIXES)} (Optuna's journal file)")
    folder = os.path.dirname(os.path.abspath(store))
    if not os.path.isdir(folder):
        raise ConfigurationError(f"{who}: the folder of store {store!r} does not exist ({folder})")
    return os.path.abspath(store)


def _storage(store: Any, optuna: Any) -> Any:
    if not isinstance(store, str) or "://" in store:
        return store
    if store.endswith(JOURNAL_SUFFIXES):
        from optuna.storages.journal import JournalFileBackend, JournalStorage

        return JournalStorage(JournalFileBackend(store))
    return f"sqlite:///{store}"


def _distributions(space: dict[str, Gene], optuna: Any) -> dict[str, Any]:
    d = optuna.distributions
    out = {}
    for name, g in space.items():
        if g.kind == "float":
            out[name] = d.FloatDistribution(g.low, g.high, log=g.log)
        elif g.kind == "int":
            out[name] = d.IntDistribution(g.low, g.high, log=g.log)
        elif g.kind == "categorical":
            out[name] = d.CategoricalDistribution(list(g.choices))
    return out


def _sampler(sampler: Any, seed: int, space: dict[str, Gene], optuna: Any, who: str) -> Any:
    if not isinstance(sampler, str):
        return sampler
    s = optuna.samplers
    if sampler == "cmaes":
        choices = [name for name, g in space.items() if g.kind == "categorical"]
        if choices:
            warnings.warn(f"{who}: CMA-ES searches ranges; the choices of {', '.join(map(repr, choices))} are drawn at "
                          "random (use sampler='tpe' to search them too)", UserWarning, stacklevel=3)
        return s.CmaEsSampler(seed=seed, independent_sampler=s.RandomSampler(seed=seed),
                              warn_independent_sampling=False)
    return {"tpe": s.TPESampler, "nsga2": s.NSGAIISampler, "random": s.RandomSampler}[sampler](seed=seed)


def _objective(values: dict[str, Any], n: int) -> tuple[list[float] | None, str | None]:
    """The score(s) a run returned: ``score`` (or ``score_0``) for one direction, ``score_0 .. score_{n-1}`` for n."""
    numbered = sorted((k for k in values if re.fullmatch(r"score_\d+", k)), key=lambda k: int(k[6:]))
    names = (["score"] if "score" in values else numbered) if n == 1 else numbered
    if len(names) != n or (n > 1 and names != [f"score_{k}" for k in range(n)]):
        got = ["score"] * ("score" in values) + numbered
        want = "a score" if n == 1 else f"{n} scores, one per direction,"
        return None, (f"a run must give {want} (return a number{'' if n == 1 else ' list'} or a dict with 'score'; "
                      f"a script calls set_score), got {', '.join(got) or 'no score'}")
    scores = []
    for k in names:
        v = values[k]
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or not math.isfinite(v):
            return None, f"the score {k} = {v!r} is not a finite number"
        scores.append(float(v))
    return scores, None


def _name(task: Any) -> str:
    stem = os.path.splitext(os.path.basename(task.name))[0] if isinstance(task, ScriptTask) else task.name
    return "pymonn-" + re.sub(r"[^\w.-]+", "_", stem)


def _check_resume(study: Any, directions: list[str], distributions: dict[str, Any], store: Any, who: str) -> None:
    stored = [d.name.lower() for d in study.directions]
    if stored != directions:
        raise ConfigurationError(f"{who}: the study {study.study_name!r} in {store} has directions {stored}, "
                                 f"not {directions}")
    for t in study.get_trials(deepcopy=False):
        if t.distributions and t.distributions != distributions:
            raise ConfigurationError(
                f"{who}: the study {study.study_name!r} in {store} searched other genes "
                f"({sorted(t.distributions)} with other ranges or choices than {sorted(distributions)}); "
                "give another store or study_name")


def _interrupt(study: Any, trial: Any, seed: int, optuna: Any) -> None:
    """Mark a trial that was running as interrupted (FAIL) and queue its parameters and seed again."""
    trial.set_user_attr("interrupted", True)
    study.tell(trial, state=optuna.trial.TrialState.FAIL)
    study.enqueue_trial(dict(trial.params), user_attrs={"seed": seed}, skip_if_exists=False)


def trials_table(study: Any, space: dict[str, Gene]):
    """One row per trial of ``study`` (interrupted ones left out): trial, genes, seed, score(s), values, state."""
    rows = []
    params = list(space)
    n = len(study.directions)
    for t in study.get_trials(deepcopy=False):
        attrs = t.user_attrs
        if attrs.get("interrupted") or t.state.name in ("RUNNING", "WAITING"):
            continue
        row: dict[str, Any] = {"trial": t.number}
        row.update({p: t.params.get(p, attrs.get(p)) for p in params})
        row["seed"] = attrs.get("seed")
        scores = t.values if t.values is not None else [None] * n
        row.update({"score": scores[0]} if n == 1 else {f"score_{k}": v for k, v in enumerate(scores)})
        row.update({k: v for k, v in attrs.items() if k not in RECORD and k not in params})
        row.update({k: attrs[k] for k in ("returncode", "stdout") if k in attrs})
        row.update(state=t.state.name, error=attrs.get("error"), attempts=attrs.get("attempts"),
                   wall_s=attrs.get("wall_s"), worker=attrs.get("worker"))
        rows.append(row)
    return frame(rows, params)


@contextlib.contextmanager
def _quiet(optuna: Any):
    """Optuna's per-trial INFO lines off while the bar runs (its level is restored afterwards)."""
    level = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    try:
        yield
    finally:
        optuna.logging.set_verbosity(level)


def evolve(fn_or_script: Any, genes: Any, trials: int = 100, sampler: Any = "cmaes", directions: Any = None,
           client: Any = None, store: Any = "study.db", resume: bool = False, seed: int = 0, *,
           study_name: str | None = None, parallel: int | None = None, retries: int = 2,
           timeout: float | None = None, cwd: Any = None, evo_name: str | None = None, progress: bool = True):
    """Search ``genes`` for the best score with Optuna, the trials running on Dask workers.

    Parameters
    ----------
    fn_or_script : callable or str
        ``fn(params, seed)`` returning the score (a number; a list of numbers, one per direction;
        or a dict with ``'score'`` and more values), or a script that calls ``set_score``.
    genes : dict
        ``{'a': (1.0, 5.0), 'tau': (1.0, 100.0, 'log'), 'n': [10, 20, 40], 'mode': 'fast'}``: float or
        int ranges (a tuple), choices (a list) and fixed values (:mod:`pymonn.sweeps.specs`).
    trials : int
        Trials the study should hold when the call returns (finished ones already in a resumed
        store count; interrupted ones do not).
    sampler : {'cmaes', 'tpe', 'nsga2', 'random'} or an optuna sampler
        Seeded with ``seed`` (and the number of trials already in the study, so a resumed search
        does not repeat itself). 'cmaes' searches one objective; several directions need 'nsga2',
        'tpe' or 'random'.
    directions : str or list of str, optional
        'maximize' (the default, as PymoNNto's evolution) or 'minimize', one per objective.
    client
        Where trials run, as for :func:`~pymonn.sweeps.sweep` (None: an embedded LocalCluster).
    store : str or optuna storage, optional
        ``'study.db'`` (SQLite), ``'study.log'`` (Optuna's journal file), a database URL, or None
        (in memory). The study is written as each trial ends.
    resume : bool
        Continue the study found in ``store``; without it a study that already has trials is an error.
    seed : int
        Trial ``n`` runs with ``SeedSequence(seed, spawn_key=(n,))`` as its seed.
    study_name : str, optional
        Default: 'pymonn-' and the function's or script's name.
    parallel : int, optional
        Trials running at once (default: the workers' threads when the search starts).
    retries, timeout, cwd
        As for :func:`~pymonn.sweeps.sweep`.
    evo_name : str, optional
        Scripts only: run them as PymoNNto's evolution does (``get_evo_name()`` is this name and
        ``get_evo_id()`` the trial number), so that ``set_score`` also writes
        ``Data/StorageManager/<evo_name>/<evo_name> id<trial>/config.ini``.
    progress : bool
        A tqdm bar over finished trials.

    Returns
    -------
    study : optuna.Study
        Optuna's own plots and analyses work on it (``optuna.visualization``).
    table : pandas.DataFrame
        One row per trial: ``trial``, the genes, ``seed``, ``score`` (or ``score_0``, ...), the
        other returned values, ``state`` (COMPLETE or FAIL), ``error``, ``attempts``, ``wall_s``,
        ``worker``.
    """
    who = "evolve"
    task = make_task(fn_or_script, timeout, cwd, who)
    space = search_space(genes, who)
    if isinstance(trials, bool) or not isinstance(trials, numbers.Integral) or trials < 1:
        raise ConfigurationError(f"{who}: trials must be an int >= 1, got {trials!r}")
    directions = check_directions(directions, who)
    sampler = check_sampler(sampler, directions, who)
    client = check_client(client, who)
    retries = check_retries(retries, who)
    seed = check_seed(seed, who)
    store = check_storage(store, who)
    if parallel is not None and (isinstance(parallel, bool) or not isinstance(parallel, numbers.Integral) or parallel < 1):
        raise ConfigurationError(f"{who}: parallel must be an int >= 1, got {parallel!r}")
    if study_name is not None and (not isinstance(study_name, str) or not study_name.strip()):
        raise ConfigurationError(f"{who}: study_name must be a non-empty str, got {study_name!r}")
    if evo_name is not None:
        if not isinstance(task, ScriptTask):
            raise ConfigurationError(f"{who}: evo_name= applies to scripts (their set_score writes PymoNNto's folders)")
        if not isinstance(evo_name, str) or not re.fullmatch(r"[\w.-]+", evo_name) or evo_name in (".", ".."):
            raise ConfigurationError(f"{who}: evo_name must be a plain folder name (letters, digits, _ . -), "
                                     f"got {evo_name!r}")
    serial = isinstance(client, str) and client == "serial"
    if not serial:
        check_picklable(task, who)
    try:
        import optuna
    except ImportError as exc:
        raise ConfigurationError(f"{who}: searching needs Optuna: pip install 'pymonn[sweep]'") from exc
    distributions = _distributions(space, optuna)
    fixed = {name: g.value for name, g in space.items() if g.kind == "fixed"}
    name = study_name or _name(task)
    storage = _storage(store, optuna)
    where = store if isinstance(store, str) else "the given storage"
    with _quiet(optuna):
        try:
            existing = name in optuna.study.get_all_study_names(storage) if storage is not None else False
            if existing:
                study = optuna.load_study(study_name=name, storage=storage)
            else:
                study = None
        except Exception as exc:
            raise StateFileError(f"{who}: {where} could not be opened as an Optuna store: {type(exc).__name__}: {exc}") \
                from None
        if study is not None:
            if study.trials and not resume:
                raise ConfigurationError(
                    f"{who}: the study {name!r} in {where} already has {len(study.trials)} trials; pass resume=True to "
                    "continue it, or give another store or study_name")
            _check_resume(study, directions, distributions, where, who)
        n_before = len(study.trials) if study is not None else 0
        study = optuna.create_study(storage=storage, study_name=name, directions=directions, load_if_exists=True,
                                    sampler=_sampler(sampler, derive_seed(seed, n_before, 1), space, optuna, who))
        for t in study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.RUNNING,)):
            _interrupt(study, optuna.trial.Trial(study, t._trial_id), t.user_attrs.get("seed", derive_seed(seed, t.number)),
                       optuna)
        finished = sum(1 for t in study.get_trials(deepcopy=False)
                       if t.state.is_finished() and not t.user_attrs.get("interrupted"))
        _run_trials(study, task, distributions, fixed, trials - finished, finished, trials, client, retries, seed,
                    parallel, evo_name, bool(progress), optuna, who)
    return study, trials_table(study, space)


def _run_trials(study, task, distributions, fixed, remaining, finished, total, client, retries, seed, parallel,
                evo_name, progress, optuna, who) -> None:
    if remaining <= 0:
        return
    n = len(study.directions)
    bar = Progress(0, on=False)
    running: dict[int, tuple[Any, int]] = {}
    asked = 0
    try:
        with backend(client, retries, who) as runner:
            bar = Progress(total, finished, progress, desc="trials", unit="trial")
            at_once = parallel or runner.workers
            while asked < remaining or runner.pending:
                while asked < remaining and runner.pending < at_once:
                    trial = study.ask(distributions)
                    trial_seed = int(trial.user_attrs.get("seed", derive_seed(seed, trial.number)))
                    trial.set_user_attr("seed", trial_seed)
                    for k, v in fixed.items():
                        trial.set_user_attr(k, v)
                    extra = {"evo_name": evo_name, "evo_id": trial.number} if evo_name else None
                    runner.submit(Run(trial.number, 0, {**trial.params, **fixed}, trial_seed), task, extra)
                    running[trial.number] = (trial, trial_seed)
                    asked += 1
                failed = 0
                batch = runner.next_done()
                for run, result in batch:
                    trial, _ = running.pop(run.point)
                    failed += not _tell(study, trial, run, result, n, optuna)
                postfix = {}
                if n == 1 and any(t.state.name == "COMPLETE" for t in study.get_trials(deepcopy=False)):
                    postfix["best"] = f"{study.best_value:.4g}"
                bar.update(len(batch), failed, **postfix)
    except KeyboardInterrupt:
        for trial, trial_seed in running.values():
            _interrupt(study, trial, trial_seed, optuna)
        print(f"evolve interrupted: {len(running)} running trials queued again; resume=True continues the study",
              file=sys.stderr)
        raise
    finally:
        bar.close()


def _tell(study: Any, trial: Any, run: Run, result: dict[str, Any], n: int, optuna: Any) -> bool:
    values = result["values"]
    scores, error = (None, result["error"]) if result["error"] is not None else _objective(values, n)
    wall = result["wall_s"]
    record = {**{k: v for k, v in values.items() if k != "score" and not re.fullmatch(r"score_\d+", k)},
              **result["extra"], "error": error, "attempts": run.attempts,
              "wall_s": None if wall is None or (isinstance(wall, float) and math.isnan(wall)) else wall,
              "worker": result["worker"] or None}
    for k, v in record.items():
        trial.set_user_attr(k, v)
    if scores is None:
        study.tell(trial, state=optuna.trial.TrialState.FAIL)
        return False
    study.tell(trial, scores if n > 1 else scores[0])
    return True

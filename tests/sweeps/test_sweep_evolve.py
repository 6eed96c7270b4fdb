"""evolve(): Optuna studies whose trials run on Dask workers, kept in a store that a stopped search resumes."""

import math

import numpy as np
import pandas as pd
import pytest
from sweep_helpers import quadratic, two_objectives

from pymonn.errors import ConfigurationError, ConfigurationTypeError
from pymonn.sweeps import evolve

optuna = pytest.importorskip("optuna")
pytest.importorskip("distributed")


def test_cmaes_finds_the_maximum_and_the_table_holds_every_trial():
    study, table = evolve(quadratic, {"a": (1.0, 5.0)}, trials=40, sampler="cmaes", client="serial", store=None,
                          seed=2, progress=False)
    assert abs(study.best_params["a"] - 3.0) < 0.1 and study.best_value > -0.01
    assert list(table.columns) == ["trial", "a", "seed", "score", "state", "error", "attempts", "wall_s", "worker"]
    assert len(table) == 40 and (table.state == "COMPLETE").all()
    np.testing.assert_allclose(table.score, -(table.a - 3.0) ** 2)  # the score told is the function's
    assert list(table.seed) == [int(np.random.SeedSequence(2, spawn_key=(n,)).generate_state(1, np.uint32)[0])
                                for n in range(40)]


def test_a_serial_search_repeats_bit_for_bit():
    tables = [evolve(quadratic, {"a": (1.0, 5.0), "n": [10, 20, 40]}, trials=12, sampler="tpe", client="serial",
                     store=None, seed=5, progress=False)[1] for _ in range(2)]
    pd.testing.assert_frame_equal(tables[0].drop(columns="wall_s"), tables[1].drop(columns="wall_s"))


def test_trials_run_on_the_workers_several_at_once(inprocess_client):
    study, table = evolve(quadratic, {"a": (1.0, 5.0), "n": (10, 30)}, trials=16, sampler="random",
                          client=inprocess_client, store=None, progress=False)
    assert table.worker.nunique() == 2 and (table.state == "COMPLETE").all()
    assert table.n.map(type).eq(int).all()  # an int range gives ints
    np.testing.assert_allclose(table.score, -(table.a - 3.0) ** 2 - (table.n - 20) ** 2 / 1000.0)


@pytest.mark.parametrize("store", ["study.db", "study.log"])
def test_a_study_resumes_from_its_store(store, tmp_path):
    path = tmp_path / store
    genes = {"a": (1.0, 5.0)}
    study, first = evolve(quadratic, genes, trials=6, sampler="tpe", client="serial", store=path, progress=False)
    with pytest.raises(ConfigurationError, match="already has 6 trials; pass resume=True"):
        evolve(quadratic, genes, trials=10, client="serial", store=path, progress=False)
    calls = []

    def counted(params, seed):
        calls.append(params["a"])
        return quadratic(params, seed)

    study, table = evolve(counted, genes, trials=10, sampler="tpe", client="serial", store=path, resume=True,
                          study_name=study.study_name, progress=False)
    assert len(calls) == 4 and len(table) == 10 and list(table.trial) == list(range(10))
    pd.testing.assert_frame_equal(table.iloc[:6].reset_index(drop=True), first)  # the stored trials came back
    assert not set(calls) & set(first.a)  # the resumed sampler did not repeat itself
    study, table = evolve(counted, genes, trials=10, client="serial", store=path, resume=True,
                          study_name=study.study_name, progress=False)
    assert len(calls) == 4 and len(table) == 10  # done already: nothing ran


def test_trials_left_running_by_a_killed_driver_run_again_with_their_seed(tmp_path):
    path = tmp_path / "study.db"
    study, _ = evolve(quadratic, {"a": (1.0, 5.0)}, trials=3, client="serial", store=path, progress=False)
    orphan = study.ask({"a": optuna.distributions.FloatDistribution(1.0, 5.0)})  # what a killed driver leaves
    orphan.set_user_attr("seed", 1234)
    seen = []

    def recorded(params, seed):
        seen.append((params["a"], seed))
        return quadratic(params, seed)

    study, table = evolve(recorded, {"a": (1.0, 5.0)}, trials=5, client="serial", store=path, resume=True,
                          study_name=study.study_name, progress=False)
    assert seen[0] == (orphan.params["a"], 1234) and len(seen) == 2
    assert len(table) == 5 and (table.state == "COMPLETE").all() and 3 not in set(table.trial)
    stale = study.trials[3]
    assert stale.state.name == "FAIL" and stale.user_attrs["interrupted"] is True


def test_several_objectives_with_nsga2_give_the_pareto_front(client):
    study, table = evolve(two_objectives, {"x": (0.0, 2.0)}, trials=24, sampler="nsga2",
                          directions=["maximize", "minimize"], client=client, store=None, progress=False)
    np.testing.assert_allclose(table.score_0, table.x)
    np.testing.assert_allclose(table.score_1, (1 - table.x) ** 2)
    np.testing.assert_allclose(table.x2, table.x ** 2)  # another returned value, kept with the trial
    values = table[["score_0", "score_1"]].to_numpy()

    def dominated(k):
        better = (values[:, 0] >= values[k, 0]) & (values[:, 1] <= values[k, 1])
        strictly = (values[:, 0] > values[k, 0]) | (values[:, 1] < values[k, 1])
        return bool(np.any(better & strictly))

    front = {t.number for t in study.best_trials}
    assert front == {k for k in range(len(table)) if not dominated(k)}
    assert all(table.x[k] >= 1.0 for k in front) or min(table.x) >= 1.0  # the front lies in 1 <= x <= 2


def test_a_failing_trial_is_failed_and_the_search_goes_on():
    def fn(params, seed):
        if params["a"] > 4.0:
            raise ValueError("too large")
        return params["a"]

    study, table = evolve(fn, {"a": (1.0, 5.0)}, trials=20, sampler="random", client="serial", store=None,
                          progress=False)
    failed = table[table.state == "FAIL"]
    assert len(failed) and (failed.a > 4.0).all() and failed.error.str.startswith("ValueError: too large").all()
    assert (table[table.state == "COMPLETE"].a <= 4.0).all() and study.best_value == table.score.max()


def test_a_run_without_a_score_fails_its_trial():
    study, table = evolve(lambda p, s: {"rate": 3.0}, {"a": (1.0, 2.0)}, trials=2, client="serial", store=None,
                          sampler="random", progress=False)
    assert (table.state == "FAIL").all() and table.error[0].startswith("a run must give a score")
    assert list(table.rate) == [3.0, 3.0]
    _, table = evolve(lambda p, s: math.nan, {"a": (1.0, 2.0)}, trials=1, client="serial", store=None,
                      sampler="random", progress=False)
    assert table.error[0] == "the score score = nan is not a finite number"


def test_cmaes_warns_once_that_choices_are_drawn_at_random():
    with pytest.warns(UserWarning, match="CMA-ES searches ranges; the choices of 'n' are drawn at random"):
        evolve(quadratic, {"a": (1.0, 5.0), "n": [10, 20]}, trials=3, client="serial", store=None, progress=False)


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(genes={"a": (5.0, 1.0)}), ConfigurationError, "needs low < high"),
    (dict(sampler="annealing"), ConfigurationError, "unknown sampler 'annealing'"),
    (dict(sampler=3), ConfigurationTypeError, "sampler must be one of"),
    (dict(directions=["maximize", "minimize"]), ConfigurationError, "'cmaes' searches one objective"),
    (dict(directions="up"), ConfigurationError, "direction 'up' is not"),
    (dict(trials=0), ConfigurationError, "trials must be an int >= 1"),
    (dict(store="study.txt"), ConfigurationError, "must end in .db"),
    (dict(parallel=0), ConfigurationError, "parallel must be an int >= 1"),
    (dict(client="cluster"), ConfigurationTypeError, "client must be None"),
])
def test_bad_input_is_refused_before_anything_runs(kwargs, error, message):
    calls = []
    args = {"genes": {"a": (1.0, 5.0)}, "client": "serial", "store": None, **kwargs}
    with pytest.raises(error, match=message):
        evolve(lambda p, s: calls.append(p) or 1.0, progress=False, **args)
    assert calls == []


def test_a_store_of_other_genes_is_refused(tmp_path):
    path = tmp_path / "study.db"
    evolve(quadratic, {"a": (1.0, 5.0)}, trials=2, client="serial", store=path, progress=False)
    with pytest.raises(ConfigurationError, match="searched other genes"):
        evolve(quadratic, {"a": (0.0, 5.0)}, trials=4, client="serial", store=path, resume=True, progress=False)
    with pytest.raises(ConfigurationError, match="has directions"):
        evolve(quadratic, {"a": (1.0, 5.0)}, trials=4, client="serial", store=path, resume=True,
               directions="minimize", progress=False)
    (tmp_path / "junk.db").write_text("not a database")
    with pytest.raises(Exception, match="could not be opened as an Optuna store"):
        evolve(quadratic, {"a": (1.0, 5.0)}, trials=1, client="serial", store=tmp_path / "junk.db", progress=False)


def test_ctrl_c_queues_the_running_trial_again_and_resume_runs_it_first(tmp_path):
    path = tmp_path / "study.log"
    seen = []

    def interrupted_at_third(params, seed):
        seen.append((params["a"], seed))
        if len(seen) == 3:
            raise KeyboardInterrupt  # what Ctrl-C does in the middle of the third trial
        return quadratic(params, seed)

    with pytest.raises(KeyboardInterrupt):
        evolve(interrupted_at_third, {"a": (1.0, 5.0)}, trials=5, sampler="random", client="serial", store=path,
               study_name="s", progress=False)
    study, table = evolve(interrupted_at_third, {"a": (1.0, 5.0)}, trials=5, sampler="random", client="serial",
                          store=path, study_name="s", resume=True, progress=False)
    assert seen[3] == seen[2] and len(seen) == 6  # the interrupted trial ran again first, with its seed
    assert len(table) == 5 and (table.state == "COMPLETE").all()


def test_optunas_own_plots_work_on_the_returned_study():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import warnings

    study, table = evolve(quadratic, {"a": (1.0, 5.0)}, trials=5, client="serial", store=None, progress=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # optuna marks its matplotlib plots experimental
        ax = optuna.visualization.matplotlib.plot_optimization_history(study)
    (best,) = [line for line in ax.lines if len(line.get_ydata()) == 5]
    np.testing.assert_allclose(best.get_ydata(), table.score.cummax())  # the best-so-far line of our scores
    import matplotlib.pyplot as plt

    plt.close("all")

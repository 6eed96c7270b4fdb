"""Time values a PymoNNto script sees (issue 10, item 4).

What PymoNNto 3.0.6 returns (NetworkCore/Network.py, NetworkBehavior/Recorder/Recorder.py):
``net.iteration`` counts steps (1 during the first), ``EventRecorder`` rows are
``[iteration, index]`` so ``'spike.t'`` is the step of each spike, ``Recorder('iteration')`` records
the step, and ``simulate_iterations('1000*ms')`` converts with its clock (1 ms per step by default).
PymoNNto has no network time step; pymonn's is ``dt`` in ms, 1 ms unless a script sets it, so a
PymoNNto script sees the same numbers while ``t = iteration * dt`` stays pymonn's ms-based rule.
"""

import warnings

import pytest

from pymonn import *
from pymonn.errors import ConfigurationError, TimeStepWarning


class Fire(Behavior):
    """Neuron i fires at every step divisible by i + 2 (a pattern whose times are known)."""

    def initialize(self, n):
        n.spike = n.vector(bool)

    def iteration(self, n):
        n.spike = (n.iteration % (n.id + 2)) == 0


def build(**network_args):
    net = Network(**network_args)
    NeuronGroup(net=net, tag="n", size=3, behavior={
        1: Fire(), 9: Recorder(["iteration", "t"], tag="rec"), 10: EventRecorder("spike", tag="events")})
    net.initialize()
    return net


def expected_events(steps, size=3):
    return [(it, i) for it in range(1, steps + 1) for i in range(size) if it % (i + 2) == 0]


def test_a_network_built_without_dt_counts_one_ms_per_step():
    net = Network()
    assert net.dt == 1.0 and not net.dt_given
    assert Network(dt=0.1).dt_given and Network(settings={"dt": 0.5}).dt == 0.5


def test_event_times_are_the_steps_as_in_pymonnto():
    net = build()
    net.simulate_iterations(12)
    events = expected_events(12)
    np.testing.assert_array_equal(net["spike.t", 0], [it for it, _ in events])
    np.testing.assert_array_equal(net["spike.i", 0], [i for _, i in events])
    np.testing.assert_array_equal(net["spike", 0], np.array(events, dtype=float))  # PymoNNto's [t, i] rows
    np.testing.assert_array_equal(net["iteration", 0], np.arange(1, 13))
    np.testing.assert_array_equal(net["t", 0], np.arange(1, 13) * 1.0)
    assert net.iteration == 12 and net.t == 12.0


def test_with_a_time_step_times_are_ms_and_iterations_stay_steps():
    net = build(dt=0.25)
    net.simulate_iterations(12)
    events = expected_events(12)
    np.testing.assert_allclose(net["spike.t", 0], [0.25 * it for it, _ in events])
    np.testing.assert_array_equal(net.n.events["spike.iteration"], [it for it, _ in events])
    np.testing.assert_array_equal(net["iteration", 0], np.arange(1, 13))
    np.testing.assert_allclose(net.n.rec.t, 0.25 * np.arange(1, 13))


@pytest.mark.parametrize("duration, dt, steps", [
    ("1000*ms", None, 1000), ("1000*ms", 0.1, 10000), ("1.5 s", 0.5, 3000), ("250ms", 0.1, 2500), (40, 0.1, 40),
])
def test_simulate_iterations_takes_a_duration_string(duration, dt, steps):
    net = build() if dt is None else build(dt=dt)
    assert net.simulate_iterations(duration, progress=False) == steps
    assert net.iteration == steps


def test_a_bad_duration_names_the_argument():
    net = build()
    with pytest.raises(ConfigurationError, match=r"simulate_iterations iterations: duration '1000\*parsec' is not understood"):
        net.simulate_iterations("1000*parsec")


def test_batch_progress_and_disable_recording_as_pymonnto_calls_them():
    net = build()
    seen = []
    net.simulate_iterations(10, batch_size=4, batch_progress_update_func=lambda pct, n: seen.append((pct, n.iteration)))
    assert seen == [(40.0, 4), (80.0, 8), (100.0, 10)]
    net.simulate_iterations(5, disable_recording=True)
    assert len(net["iteration", 0]) == 10 and net.iteration == 15 and net.n.rec.active


def test_library_models_warn_about_a_time_step_nobody_chose():
    from pymonn.behaviours import LIF

    net = Network()
    NeuronGroup(net, 3, {30: LIF()})
    with pytest.warns(TimeStepWarning, match="default time step dt = 1.0 ms"):
        net.initialize()
    chosen = Network(dt=0.1)
    NeuronGroup(chosen, 3, {30: LIF()})
    with warnings.catch_warnings():
        warnings.simplefilter("error", TimeStepWarning)
        chosen.initialize()


class OwnClock(Behavior):
    """A PymoNNto-style clock: keeps ``t`` itself and converts durations (as PymoNNto's Clock)."""

    def initialize(self, n):
        self.add_tag("Clock")
        self.step = self.parameter("step", 0.25)
        n.t = 0.0

    def iteration(self, n):
        n.t += self.step

    def time_to_iterations(self, text):
        return int(round(float(text.split("*")[0]) / self.step))


def test_a_script_may_keep_its_own_t_and_clock():
    net = Network()
    ng = NeuronGroup(net, 2, {1: OwnClock(step=0.5), 9: Recorder("t")})
    net.initialize()
    assert net.simulate_iterations("10*ms") == 20  # the clock behaviour converted the duration
    assert ng.t == 10.0 and net.t == 20.0  # the group's own t; the network's stays iteration * dt
    np.testing.assert_allclose(ng["t", 0][:3], [0.5, 1.0, 1.5])
    del ng.t
    assert ng.t == 20.0


def test_simulate_iteration_can_time_the_step_per_key_as_pymonnto_returns_it():
    net = build()
    assert net.simulate_iteration() is None
    first = net.simulate_iteration(measure_behavior_execution_time=True)
    second = net.simulate_iteration(measure_behavior_execution_time=True)
    assert set(first) == set(second) == {1, 9, 10} and net.iteration == 3
    assert all(second[k] >= first[k] > 0 for k in first)  # cumulative ms, as PymoNNto sums them

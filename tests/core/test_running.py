"""run(duration), callbacks that stop, progress bars and per-behaviour timing."""

import pytest

from pymonn import *
from pymonn.units import to_ms


class Tick(Behaviour):
    def iteration(self, n):
        n.ticks = getattr(n, "ticks", 0) + 1


def net_with_tick(dt=0.1):
    net = Network(dt=dt)
    NeuronGroup(net, 1, {1: Tick()}, tag="g")
    return net


@pytest.mark.parametrize("text, ms", [("250ms", 250), ("1.5s", 1500), ("2 second", 2000), ("100 msecond", 100),
                                      (40, 40), ("3e2 ms", 300), ("1min", 60000)])
def test_durations(text, ms):
    assert to_ms(text) == pytest.approx(ms)


def test_run_duration_counts_steps():
    net = net_with_tick(dt=0.1)
    assert net.run("25ms") == 250
    assert net.iteration == 250 and net.g.ticks == 250
    assert net.t == pytest.approx(25.0)


def test_simulate_iteration_auto_initializes():
    net = net_with_tick()
    net.simulate_iteration()
    assert net.initialized and net.iteration == 1


def test_callback_can_stop_a_run():
    net = net_with_tick()
    seen = []
    done = net.simulate_iterations(100, callback=lambda n: seen.append(n.iteration) or n.iteration >= 30)
    assert done == 30 and net.iteration == 30 and seen == list(range(1, 31))


def test_stop_from_a_behaviour():
    class Stopper(Behaviour):
        def iteration(self, n):
            if n.iteration == 7:
                n.network.stop()

    net = Network()
    NeuronGroup(net, 1, {1: Stopper()})
    assert net.simulate_iterations(50) == 7
    assert net.simulate_iterations(5) == 5  # the stop request does not outlive its run


def test_progress_bar_shows_and_can_be_switched_off(capsys):
    pytest.importorskip("tqdm", reason="the progress bar needs tqdm")
    net = net_with_tick()
    net.simulate_iterations(500, progress=True)
    assert "500/500" in capsys.readouterr().err
    net.simulate_iterations(500, progress=False)
    assert capsys.readouterr().err == ""


def test_per_behaviour_timing():
    net = net_with_tick()
    net.simulate_iterations(100, timing=True)
    (obj, behaviour, seconds, calls), = net.timing.values()
    assert obj is net.g and isinstance(behaviour, Tick) and calls == 100 and seconds > 0
    report = net.timing_report()
    assert "Tick" in report and "us/call" in report


def test_summary_lists_groups_and_behaviours():
    net = net_with_tick()
    net.g.deactivate_behaviors("Tick")
    text = net.summary()
    assert "NeuronGroup 'g' size=1" in text and "1: Tick() (disabled)" in text

"""One spelling in the docs, both in the code; tag lookups answer as PymoNNto 3.0.6 does.

The docs write ``Behaviour``, ``behaviour=``, ``add_behaviour``; README says once, in its "Spelling"
paragraph, that PymoNNto's American spellings work too (its "Coming from PymoNNto" section shows
PymoNNto code as PymoNNto spells it). ``net['typo', 0]`` is None and ``net['typo']`` is [] as in
PymoNNto 3.0.6 (checked by hand against /work/peer-venv: ``None []``), so PymoNNto scripts that test
``net[tag, 0] is None`` keep working; ``net.typo`` raises.
"""

from __future__ import annotations

import pathlib
import re

import pytest

from pymonn import Behavior, Behaviour, EventRecorder, Network, NeuronGroup, Recorder

ROOT = pathlib.Path(__file__).resolve().parents[2]
AMERICAN = re.compile(r"\b\w*[Bb]ehavior\w*")


def readme_outside_pymonnto_section() -> str:
    text = (ROOT / "README.md").read_text()
    start = text.index("## Coming from PymoNNto")
    end = text.index("\n## ", start + 3)
    return text[:start] + text[end:]


def test_the_docs_use_one_spelling_and_say_once_that_both_work():
    text = readme_outside_pymonnto_section()
    paragraphs = [p for p in text.split("\n\n") if AMERICAN.search(p)]
    assert len(paragraphs) == 1 and paragraphs[0].startswith("Spelling:")
    for page in ("writing_behaviours.md", "models.md"):
        assert AMERICAN.findall((ROOT / "docs" / page).read_text()) == [], page


def test_both_spellings_name_the_same_things():
    class Count(Behavior):
        def initialize(self, n):
            n.count = n.vector(0.0)

        def iteration(self, n):
            n.count += 1

    assert Behavior is Behaviour
    net = Network(dt=1.0, seed=1)
    a = NeuronGroup(net, 3, behavior={1: Count()}, tag="a")
    b = NeuronGroup(net, 3, behaviour={1: Count(behavior_enabled=False)}, tag="b")
    net.initialize()
    net.simulate_iterations(4, progress=False)
    assert a.count.tolist() == [4, 4, 4] and b.count.tolist() == [0, 0, 0]  # behavior_enabled=False: off
    a.add_behaviour(2, Recorder(["count"]))
    a.add_behavior(3, EventRecorder("count"), initialize=False)
    assert sorted(a.behaviours) == [1, 2, 3]
    assert type(a).add_behavior is type(a).add_behaviour and type(a).remove_behavior is type(a).remove_behaviour


def test_a_missing_tag_gives_none_and_an_empty_list_as_in_pymonnto():
    net = Network(dt=1.0, seed=1)
    NeuronGroup(net, 3, behaviour={}, tag="exc")
    net.initialize()
    assert net["typo", 0] is None and net["typo"] == [] and net["exc", 0] is net.exc
    with pytest.raises(AttributeError, match="'typo'"):
        net.typo  # noqa: B018
    readme = (ROOT / "README.md").read_text()
    assert "`net['typo', 0]` gives `None`" in readme

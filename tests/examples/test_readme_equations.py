"""The README's "Models from equations" block runs as written and counts what forward Euler gives."""

import pathlib
import re
import warnings

README = (pathlib.Path(__file__).resolve().parents[2] / "README.md").read_text()
SECTION = README[README.index("## Models from equations"):README.index("## Many runs")]
CODE = re.findall(r"```python\n(.*?)```", SECTION, re.S)[0]


def euler_spikes(steps: int = 2000, dt: float = 0.5, current: float = 10.0) -> int:
    """Izhikevich's equations by forward Euler (both variables from the old state), one neuron."""
    a, b, c, d = 0.02, 0.2, -65.0, 8.0
    v, u, spikes = -65.0, -13.0, 0
    for _ in range(steps):
        v, u = v + dt * (0.04 * v * v + 5 * v + 140 - u + current), u + dt * a * (b * v - u)
        if v >= 30:
            v, u, spikes = c, u + d, spikes + 1
    return spikes


def test_the_equations_block_runs_and_gives_the_euler_spike_count(capsys):
    namespace: dict = {}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        exec(compile(CODE, "README.md (Models from equations)", "exec"), namespace)
    printed = int(capsys.readouterr().out.split()[0])
    expected = 10 * euler_spikes()  # ten identical neurons
    assert expected > 100
    assert printed == expected

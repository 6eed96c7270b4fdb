"""The README's code stays true: its Python example runs and its commands name real files."""

import pathlib
import re
import warnings

ROOT = pathlib.Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()


def test_readme_python_example_runs_without_warnings():
    code = re.findall(r"```python\n(.*?)```", README, re.S)[0]
    namespace: dict = {}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        exec(compile(code, "README.md", "exec"), namespace)
    net = namespace["net"]
    assert net.iteration == 1000 and net["v", 0].shape == (1000, 100)
    assert net.exc["EventRecorder", 0].count() > 100  # noise of 12 drives the neurons to fire


def test_readme_opens_with_the_two_commands_and_ci_runs_the_same_test_command():
    commands = re.findall(r"```bash\n(.*?)```", README, re.S)[0].strip().splitlines()
    assert "examples/quickstart.py" in commands[0] and (ROOT / "examples" / "quickstart.py").exists()
    test_command = commands[1].split("#")[0].strip()
    assert "pytest" in test_command
    ci = (ROOT / ".ci" / "run").read_text().strip().splitlines()
    assert ci[-1].strip() == test_command

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


def test_readme_opens_with_two_commands_the_quickstart_in_a_venv_and_ci_s_test_command():
    commands = [line.split("#")[0].strip() for line in
                re.findall(r"```bash\n(.*?)```", README, re.S)[0].strip().splitlines()]
    assert len(commands) == 2
    venv, activate, install, run = commands[0].split(" && ")
    assert (venv, activate) == ("python3 -m venv .venv", ". .venv/bin/activate")
    assert ".venv/" in (ROOT / ".gitignore").read_text().split()
    assert install == 'python3 -m pip install -e ".[plot]"' and run == "python3 examples/quickstart.py"
    install, test_command = commands[1].split(" && ")
    assert install == 'python3 -m pip install -e ".[all,test]"'
    ci = (ROOT / ".ci" / "run").read_text().strip().splitlines()
    assert ci[-1].strip() == test_command and '-e ".[test,all]"' in "\n".join(ci)


def test_the_quickstart_needs_only_the_plot_extra():
    # what `pip install -e ".[plot]"` gives: numpy, numba, matplotlib; quickstart.py imports nothing else
    import ast
    import configparser

    tree = ast.parse((ROOT / "examples" / "quickstart.py").read_text())
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module and node.level == 0}
    assert imported <= {"__future__", "argparse", "time", "pymonn", "matplotlib"}
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    assert config["options.extras_require"]["plot"].strip().startswith("matplotlib")

"""The README stays true: its shell examples run, its column table matches the code.

Its Python example runs as a doctest (``--doctest-glob=README.md``).
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sim.columns import COLUMNS
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text()


def shell_examples() -> list[str]:
    blocks = re.findall(r"```console\n(.*?)```", README, flags=re.S)
    return [line[2:] for block in blocks for line in block.splitlines() if line.startswith("$ ")]


def test_quickstart_names_the_two_make_targets_that_ci_runs():
    quickstart = README.split("## Quickstart", 1)[1].split("##", 1)[0]
    assert "make run" in quickstart and "make test" in quickstart
    assert "make test" in (ROOT / ".ci" / "run").read_text()


@pytest.mark.parametrize("command", shell_examples())
def test_shell_example_runs(command):
    environment = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    command = command.replace(".venv/bin/negsim", "negsim")
    result = subprocess.run(
        ["bash", "-c", command],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr


def test_every_column_is_documented_in_the_readme():
    table = README.split("## Output columns", 1)[1]
    for name in COLUMNS:
        assert f"| `{name}` |" in table, name

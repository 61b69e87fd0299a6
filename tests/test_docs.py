"""The docs stay true: their examples run, and their reference pages are what the code says now.

Each page's console examples (```` ```console ```` blocks, lines starting with ``$ ``) run in order,
one test per page, after the page's YAML examples that name a file under ``results/`` on their
first line (``# results/howto/x.yaml``) are written there. Python examples run as doctests
(``--doctest-glob=*.md`` in pyproject.toml).
"""

import argparse
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sim.columns import COLUMNS
from tests.conftest import ROOT

DOCS = ROOT / "docs"
PAGES = [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))]
YAML_FILE = re.compile(r"# (results/\S+\.ya?ml)\n")


def console_lines(text: str) -> list[str]:
    blocks = re.findall(r"```console\n(.*?)```", text, flags=re.S)
    return [line[2:] for block in blocks for line in block.splitlines() if line.startswith("$ ")]


def yaml_files(text: str) -> dict[str, str]:
    """The YAML examples a page asks the reader to save, by the path on their first line."""
    blocks = re.findall(r"```yaml\n(.*?)```", text, flags=re.S)
    return {match[1]: block for block in blocks if (match := YAML_FILE.match(block))}


def page_id(path: Path) -> str:
    return str(path.relative_to(ROOT))


def load_generator():
    spec = importlib.util.spec_from_file_location(
        "generate_reference", DOCS / "generate_reference.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    "page", [page for page in PAGES if console_lines(page.read_text())], ids=page_id
)
def test_console_examples_run(page):
    text = page.read_text()
    for name, content in yaml_files(text).items():
        (ROOT / name).parent.mkdir(parents=True, exist_ok=True)
        (ROOT / name).write_text(content)
    environment = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    for command in console_lines(text):
        result = subprocess.run(
            ["bash", "-c", command.replace(".venv/bin/negsim", "negsim")],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, f"{command}\n{result.stderr}"


def test_yaml_examples_to_save_are_valid_scenarios():
    from sim.scenario.loading import load_scenario

    examples = {name: body for page in PAGES for name, body in yaml_files(page.read_text()).items()}
    assert len(examples) >= 3
    for name, content in examples.items():
        (ROOT / name).parent.mkdir(parents=True, exist_ok=True)
        (ROOT / name).write_text(content)
        load_scenario(ROOT / name)


@pytest.mark.parametrize(
    "name", ["reference/scenario.md", "reference/cli.md", "reference/columns.md"]
)
def test_generated_reference_page_is_current(name):
    generator = load_generator()
    assert (DOCS / name).read_text() == generator.PAGES[name](), (
        f"docs/{name} is out of date: run .venv/bin/python docs/generate_reference.py"
    )


def test_every_column_is_documented():
    table = (DOCS / "reference" / "columns.md").read_text()
    for name in COLUMNS:
        assert f"| `{name}` |" in table, name


def test_every_cli_command_has_a_section():
    from sim.cli.commands import build_parser

    reference = (DOCS / "reference" / "cli.md").read_text()
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert len(commands.choices) >= 10
    for command in commands.choices:
        assert f"## `negsim {command}`" in reference, command


def test_every_page_is_in_the_navigation():
    config = (ROOT / "mkdocs.yml").read_text()
    for page in DOCS.rglob("*.md"):
        assert str(page.relative_to(DOCS)) in config, page


def test_pages_link_to_pages_that_exist():
    for page in PAGES:
        for target in re.findall(r"\]\(([^)#:]+\.md)(?:#[^)]*)?\)", page.read_text()):
            assert (page.parent / target).resolve().exists(), f"{page_id(page)}: {target}"

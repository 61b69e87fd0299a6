"""The README stays a newcomer's first page: its quickstart is what CI runs, its links lead on.

Its console examples run with every page of the docs (``tests/test_docs.py``), its Python example
as a doctest (``--doctest-glob=*.md``), and the column reference it used to hold lives in
``docs/reference/columns.md``, checked there.
"""

import re

from tests.conftest import ROOT

README = (ROOT / "README.md").read_text()


def test_quickstart_names_the_two_make_targets_that_ci_runs():
    quickstart = README.split("## Quickstart", 1)[1].split("##", 1)[0]
    assert "make run" in quickstart and "make test" in quickstart
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_make_test_builds_the_docs():
    makefile = (ROOT / "Makefile").read_text()
    test_target = re.search(r"(?m)^test:(.*)$", makefile)[1]
    assert "docs" in test_target
    assert "mkdocs build --strict" in makefile


def test_readme_leads_into_the_docs():
    for section in ("tutorial", "how-to", "reference", "explanation"):
        assert f"](docs/{section}/" in README, section
    assert "![" in README and (ROOT / "docs" / "images" / "deal_probability.png").exists()

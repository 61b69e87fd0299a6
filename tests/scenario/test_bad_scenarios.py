"""Every file in bad_scenarios/ must be refused with a short message naming file, line and field.

The first line of each file says what the message must contain (``# expect: ...``).
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from sim.cli.commands import main

CORPUS = Path(__file__).parent / "bad_scenarios"
FILES = sorted(CORPUS.glob("*.yaml"))
SPECIAL = {"binary.yaml": "is a binary file"}
NO_LINE = {"binary.yaml", "not_utf8.yaml", "empty.yaml", "only_comments.yaml"}


def expectation(path: Path) -> str:
    if path.name in SPECIAL:
        return SPECIAL[path.name]
    first = path.read_bytes().split(b"\n", 1)[0].decode("ascii")
    return first.removeprefix("# expect: ")


def test_corpus_is_large_enough():
    assert len(FILES) >= 40


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_bad_file_gives_a_clean_message(path, capsys):
    status = main(["validate", str(path)])
    error = capsys.readouterr().err
    assert status == 2
    assert expectation(path) in error
    assert "Traceback" not in error
    assert len(error.splitlines()) <= 25
    if path.name not in NO_LINE:
        assert re.search(r"\.yaml:\d+:", error), error


def test_directory_is_refused(tmp_path, capsys):
    assert main(["validate", str(tmp_path)]) == 2
    assert "is not a file" in capsys.readouterr().err


def test_missing_file_is_refused(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "nope.yaml")]) == 2
    assert "no such file" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["billion_laughs", "weight_negative", "syntax_error"])
def test_run_on_bad_file_exits_2_without_traceback_and_writes_nothing(name, tmp_path):
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "sim.cli", "run", str(CORPUS / f"{name}.yaml"), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("negsim: error:")
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []

"""Fuzzing the scenario loader: whatever a file holds, ``negsim validate`` exits with 0 or 2.

Three kinds of input: random bytes; the shipped scenarios with lines deleted, duplicated,
re-indented or changed by hand-picked YAML tokens; and the shipped scenarios with random fields
replaced, deleted or added. Mutants are written next to unmodified copies of the shipped files, so
that their ``extends:`` lines still find the files they extend. A mutant that passes validation
must also simulate without an error.
"""

import contextlib
import copy
import datetime as dt
import io
import re
import shutil
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.batch.chunks import run_batch
from sim.cli.commands import main
from sim.params.numbers import support
from sim.scenario.loading import load_scenario
from sim.scenario.observed import OBSERVED_FOLDER
from tests.conftest import SCENARIOS

SHIPPED = {
    str(path.relative_to(SCENARIOS)): path.read_text(encoding="utf-8")
    for path in sorted(SCENARIOS.rglob("*.yaml"))
    if OBSERVED_FOLDER not in path.relative_to(SCENARIOS).parts
}
"""The text of every shipped scenario, by its path inside ``scenarios/`` (observed outcomes in
``scenarios/observed/`` are not scenarios)."""
RESOLVED = {name: load_scenario(SCENARIOS / name).resolved for name in SHIPPED}
"""The shipped scenarios with their ``extends:`` merged in."""
FUZZ = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
YAML_CHARACTERS = "abz019 -_.:,#&*!|>'\"%@`?[]{}\n\t\\~\x85\u2028\ufeffé"


@pytest.fixture(scope="module")
def folder():
    """A temporary copy of ``scenarios/``; mutants are written into it."""
    with tempfile.TemporaryDirectory() as directory:
        shutil.copytree(SCENARIOS, Path(directory), dirs_exist_ok=True)
        yield Path(directory)


def validate(path: Path) -> tuple[int, str]:
    """Exit status and standard error of ``negsim validate path``."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["validate", str(path)])
    return status, err.getvalue()


def check_clean_exit(path: Path, folder: Path) -> int:
    """Validate ``path``: status 0, or 2 with one ``file:line: field: message`` per problem."""
    status, error = validate(path)
    assert status in (0, 2)
    if status == 2:
        assert error.startswith("negsim: error: "), error
        assert "Traceback" not in error
        for line in error.removeprefix("negsim: error: ").rstrip("\n").split("\n"):
            assert line.startswith(str(folder)), error
    else:
        assert error == ""
    return status


# Random files.


@FUZZ
@given(
    content=st.one_of(
        st.binary(max_size=400),
        st.text(YAML_CHARACTERS, max_size=400).map(lambda text: text.encode("utf-8")),
    )
)
def test_random_bytes_give_exit_status_0_or_2(folder, content):
    path = folder / "random.yaml"
    path.write_bytes(content)
    check_clean_exit(path, folder)


# Line mutations of the shipped scenarios.

RAW_TOKENS = [
    *["2025-02-30", "2025-13-01", "0000-01-01", "2025-01-01 25:00:00", "2025-01-01 10:00 +24"],
    *["0x_", "0b_", "1_000", "0o17", "1:30", "1e999", "1.0e+999", ".nan", ".inf", "-.inf"],
    *["!!int x", "!!int ''", "!!float x", "!!bool x", "!!timestamp x", "!!binary x", "!!set {a}"],
    *["!!python/object/apply:os.system [ls]", "!custom x", "&a [*a]", "*nowhere", "&b x"],
    *["~", "null", "yes", "No", "[", "]", "{", "}", "'", '"', "|", ">", "? x", "- x", "---"],
    *["...", "%YAML 1.1", '"\\t"', '"\\x00"', '"\\x01"', "\x85", "\u2028", "a: b: c", "[[[]]]"],
]
"""Tokens that exercise corners of YAML and of the schema, inserted as they are (unquoted)."""
raw_text = st.one_of(st.sampled_from(RAW_TOKENS), st.text(YAML_CHARACTERS, min_size=1, max_size=8))
VALUE = re.compile(r"(?<=: )[^\s{}\[\],#][^{}\[\],#\n]*")
"""A scalar value after ``key: ``, on its own line or inside a flow mapping."""


@st.composite
def line_mutation(draw, text: str) -> str:
    """``text`` with one line deleted, duplicated, re-indented or changed."""
    lines = text.splitlines(keepends=True)
    content = [i for i, line in enumerate(lines) if line.strip() and line.lstrip()[0] != "#"]
    index = draw(st.sampled_from(content or [0]))
    kind = draw(st.sampled_from(["delete", "duplicate", "value", "indent", "insert", "digit"]))
    line = lines[index]
    if kind == "delete":
        del lines[index]
    elif kind == "duplicate":
        lines.insert(index, line)
    elif kind == "value":
        spots = list(VALUE.finditer(line))
        if not spots:
            return text
        spot = draw(st.sampled_from(spots))
        lines[index] = line[: spot.start()] + draw(raw_text) + line[spot.end() :]
    elif kind == "indent":
        shift = draw(st.integers(-4, 4))
        stripped = line.lstrip(" ")
        lines[index] = " " * max(0, len(line) - len(stripped) + shift) + stripped
    elif kind == "insert":
        where = draw(st.integers(0, len(line)))
        lines[index] = line[:where] + draw(raw_text) + line[where:]
    else:
        digits = [match.start() for match in re.finditer(r"\d", line)]
        if not digits:
            return text
        where = draw(st.sampled_from(digits))
        lines[index] = line[:where] + draw(st.sampled_from("0123456789")) + line[where + 1 :]
    return "".join(lines)


@st.composite
def line_mutants(draw) -> tuple[str, str]:
    """A shipped scenario's path and its text with one to three line mutations."""
    name = draw(st.sampled_from(sorted(SHIPPED)))
    text = SHIPPED[name]
    for _ in range(draw(st.integers(1, 3))):
        text = draw(line_mutation(text))
    return name, text


@FUZZ
@given(mutant=line_mutants())
def test_line_mutants_give_exit_status_0_or_2(folder, mutant):
    check_clean_exit(write_mutant(folder, mutant), folder)


# Field mutations of the shipped scenarios.

VALUES_OF_NOTE = [
    *[10**400, -(10**400), 2**63, 2**64, -1, 0, 1e308, -1e308, 5e-324],
    *[float("nan"), float("inf"), -float("inf"), True, None, "", "x" * 300, "a\0b"],
    *[[], {}, [[[]]], [1, 2, 3], [0, 1e308], {"dist": "uniform"}, {"name": "time_dependent"}],
    *[dt.date(1, 1, 1), dt.date(2025, 6, 15), dt.date(9999, 12, 31)],
]
scalars = st.one_of(
    st.text(max_size=12), st.integers(), st.floats(), st.booleans(), st.none(), st.dates()
)
values = st.one_of(
    st.sampled_from(VALUES_OF_NOTE),
    scalars,
    st.lists(scalars, max_size=3),
    st.dictionaries(
        st.sampled_from(["dist", "name", "low", "high", "a", "x"]), scalars, max_size=3
    ),
)
KEYS = ["name", "dist", "extends", "label", "weight", "wieght", "low", "high", "values", "x", "0"]


def children(node) -> list[tuple]:
    """The ``(key, child)`` pairs of a mapping or a list of parsed YAML; none for a scalar."""
    if isinstance(node, dict):
        return list(node.items())
    return list(enumerate(node)) if isinstance(node, list) else []


def node_paths(node, prefix: tuple = ()):
    """The path of every node of parsed YAML data, the root included."""
    yield prefix
    for key, child in children(node):
        yield from node_paths(child, (*prefix, key))


def node_at(data, path: tuple):
    """The node at ``path`` in parsed YAML data."""
    for key in path:
        data = data[key]
    return data


@st.composite
def field_mutants(draw) -> tuple[str, str]:
    """A shipped scenario, as written or with its ``extends:`` merged in, with fields changed."""
    name = draw(st.sampled_from(sorted(SHIPPED)))
    data = RESOLVED[name] if draw(st.booleans()) else yaml.safe_load(SHIPPED[name])
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(list(node_paths(data))))
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if not path:
            data = draw(values) if action == "replace" else data
            continue
        data = copy.deepcopy(data)
        parent = node_at(data, path[:-1])
        node = parent[path[-1]]
        if action == "replace":
            parent[path[-1]] = draw(values)
        elif action == "delete":
            del parent[path[-1]]
        elif isinstance(node, dict):
            node[draw(st.sampled_from(KEYS))] = draw(values)
        elif isinstance(node, list):
            node.append(draw(values))
    return name, yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def write_mutant(folder: Path, mutant: tuple[str, str]) -> Path:
    """Write a mutant next to the copy of the scenario it comes from."""
    name, text = mutant
    path = folder / Path(name).parent / "mutant.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@FUZZ
@given(mutant=field_mutants())
def test_field_mutants_give_exit_status_0_or_2(folder, mutant):
    check_clean_exit(write_mutant(folder, mutant), folder)


# Mutants that pass validation.


def meetings(scenario) -> float:
    """Largest number of rounds a run of ``scenario`` can last."""
    calendar = scenario.calendar
    days = (calendar.deadline - calendar.start).days + support(calendar.extension.days)[1]
    return days / support(calendar.meeting_interval_days)[0]


@settings(FUZZ, max_examples=40)
@given(mutant=st.one_of(line_mutants(), field_mutants()))
def test_mutants_that_validate_also_simulate(folder, mutant):
    path = write_mutant(folder, mutant)
    if check_clean_exit(path, folder) != 0:
        return
    scenario = load_scenario(path).scenario
    if meetings(scenario) > 1_000:  # a far deadline is valid but slow to simulate
        return
    table = run_batch(scenario, runs=4, seed=0)
    assert len(table) == 4


# Every field of a small scenario, replaced in turn by each of a few awkward values.

FULL = {
    "name": "sweep",
    "runs": 10,
    "seed": 1,
    "calendar": {
        "start": dt.date(2025, 1, 1),
        "deadline": dt.date(2025, 1, 22),
        "meeting_interval_days": 7,
        "extension": {"probability": 0.5, "days": {"dist": "choice", "values": [7, 14]}},
    },
    "protocol": {"first_proposer": "a", "breakdown_per_day": 0.01, "discount_per_day": 0.99},
    "issues": {"price": {"label": "Price", "unit": "USD", "bounds": [0, 100], "no_deal": 50}},
    "negotiators": {
        "a": {
            "label": "A",
            "strategy": {
                "name": "time_dependent",
                "beta": {"dist": "uniform", "low": 1, "high": 2},
            },
            "acceptance": {"name": "next", "margin": 0.0},
            "offer_rule": "uniform",
            "outside_option": 0.1,
            "preferences": {"price": {"ideal": 100, "weight": 1}},
        },
        "b": {
            "label": "B",
            "strategy": {"name": "time_dependent", "beta": 1.0, "kappa": 0.1},
            "preferences": {
                "price": {
                    "ideal": {"dist": "normal", "mean": 5, "sd": 2, "low": 0, "high": 10},
                    "weight": 1,
                }
            },
        },
    },
}
AWKWARD = [10**400, float("nan"), None, "x" * 300, [1, [2]], {"a": {"b": 1}}]


def leaf_paths(node) -> list[tuple]:
    """The path of every scalar in parsed YAML data."""
    return [path for path in node_paths(node) if not isinstance(node_at(node, path), dict | list)]


@pytest.mark.parametrize("value", AWKWARD, ids=lambda value: type(value).__name__)
def test_every_field_takes_awkward_values_cleanly(folder, value):
    file = folder / "sweep.yaml"
    for path in leaf_paths(FULL):
        data = copy.deepcopy(FULL)
        node_at(data, path[:-1])[path[-1]] = value
        file.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        status = check_clean_exit(file, folder)
        if not isinstance(value, str):  # no field takes these; text fits a label
            assert status == 2, path


def test_an_unreadable_file_is_refused(folder, monkeypatch):
    def refuse(path):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    status, error = validate(folder / "korea_us_2025.yaml")
    assert status == 2
    assert "korea_us_2025.yaml: cannot be read (Permission denied)" in error

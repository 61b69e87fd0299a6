"""Scenario files that point elsewhere (link loops, files of other kinds) and calendar limits."""

import pytest

from sim.cli.commands import main
from sim.errors import ScenarioError
from sim.scenario.loading import load_scenario
from tests.conftest import BASELINE

SECRET = "root:$6$Zx9secret$hash:20228:0:99999:7:::\ndaemon:*:20228:0:99999:7:::\n"


def test_extends_through_a_loop_of_links_is_one_problem(tmp_path, capsys):
    (tmp_path / "a.yaml").symlink_to(tmp_path / "b.yaml")
    (tmp_path / "b.yaml").symlink_to(tmp_path / "a.yaml")
    variant = tmp_path / "variant.yaml"
    variant.write_text("extends: a.yaml\nname: variant\n")
    assert main(["validate", str(variant)]) == 2
    error = capsys.readouterr().err
    assert error == (
        f"negsim: error: {variant}:1: extends: 'a.yaml' is not a usable file path "
        "(a loop of symbolic links)\n"
    )


@pytest.mark.parametrize("name", ["shadow", "shadow.yaml"])
def test_a_file_that_is_no_scenario_is_never_quoted(name, tmp_path, capsys):
    (tmp_path / name).write_text(SECRET)
    variant = tmp_path / "variant.yaml"
    variant.write_text(f"extends: {name}\nname: variant\n")
    assert main(["validate", str(variant)]) == 2
    error = capsys.readouterr().err
    assert "is not a scenario file" in error and error.count("\n") == 1
    assert "Zx9secret" not in error and "daemon" not in error and "20228" not in error
    assert main(["validate", str(tmp_path / name)]) == 2
    error = capsys.readouterr().err
    assert "is not a scenario file" in error and "Zx9secret" not in error and "20228" not in error


def calendar_variant(tmp_path, calendar):
    variant = tmp_path / "variant.yaml"
    variant.write_text(f"extends: {BASELINE}\ncalendar:\n{calendar}")
    return variant


@pytest.mark.parametrize(
    ("deadline", "refused"), [("2038-09-09", False), ("2038-09-10", True)], ids=["5000", "5001"]
)
def test_at_most_5000_meetings(deadline, refused, tmp_path):
    calendar = f"  start: 2025-01-01\n  deadline: {deadline}\n  meeting_interval_days: 1\n"
    variant = calendar_variant(tmp_path, calendar + "  extension: {probability: 0, days: 0}\n")
    if refused:
        with pytest.raises(ScenarioError, match="allows up to 5,001 meetings"):
            load_scenario(variant)
    else:
        load_scenario(variant)


def test_what_validate_accepts_run_can_do_at_the_far_end_of_the_calendar(tmp_path, capsys):
    calendar = "  start: 9880-01-01\n  deadline: 9880-06-01\n"
    accepted = calendar_variant(tmp_path, calendar + "  extension: {probability: 1, days: 3650}\n")
    assert main(["run", str(accepted), "--runs", "50", "--out", str(tmp_path / "out")]) == 0
    calendar = "  start: 9999-12-01\n  deadline: 9999-12-20\n"
    refused = calendar_variant(tmp_path, calendar + "  extension: {probability: 1, days: 3650}\n")
    capsys.readouterr()
    assert main(["run", str(refused), "--runs", "50", "--out", str(tmp_path / "no")]) == 2
    assert "must lie between 0100-01-01 and 9900-12-31" in capsys.readouterr().err

"""The README's table across cases and its calibration view are what its command produces.

The command of the "## Backtesting" section is rerun as written (its runs and the scenarios'
seeds), into a temporary folder and without the HTML report, and the block the README shows
between its markers must equal the block made from that folder (``tests.readme_cases``).
About 20 s: five batches of 2,000 runs and their charts.
"""

from sim.cli.commands import main
from tests.readme_cases import README, block, cases_command, shown_block


def test_the_readme_shows_the_cases_table_its_command_produces(tmp_path, capsys):
    readme = README.read_text()
    arguments = cases_command(readme)
    out = arguments.index("--out")
    arguments[out + 1] = str(tmp_path / "cases")
    assert main([*arguments, "--no-report"]) == 0, capsys.readouterr().err
    assert shown_block(readme) == block(tmp_path / "cases")


def test_the_command_backtests_every_shipped_case(tmp_path):
    from tests.conftest import SCENARIOS

    arguments = cases_command(README.read_text())
    observed = {arguments[i + 2] for i, word in enumerate(arguments) if word == "--case"}
    shipped = {f"scenarios/observed/{path.name}" for path in (SCENARIOS / "observed").glob("*")}
    assert observed == shipped

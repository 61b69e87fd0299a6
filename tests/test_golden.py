import json

import numpy as np
import pandas as pd
import pytest

from tests import golden

EXPECTED = json.loads(golden.DIGESTS.read_text())


def test_every_shipped_scenario_has_a_digest():
    assert sorted(EXPECTED) == sorted(path.as_posix() for path in golden.shipped_scenarios())


@pytest.mark.parametrize("scenario", sorted(EXPECTED))
def test_numbers_are_unchanged(scenario):
    """A change of the model's numbers must regenerate the digests (python -m tests.golden)."""
    assert golden.digest(scenario) == EXPECTED[scenario]


def test_a_difference_in_the_last_bit_leaves_the_digest_alone():
    """numpy's exp and log differ in the last bit between processors (AVX-512 or not)."""
    table = pd.DataFrame({"utility": [0.1, 0.7310585786300049, 1 / 3], "round": [1, 2, 3]})
    nudged = table.assign(utility=np.nextafter(table["utility"], 2.0))
    assert golden.table_digest(nudged) == golden.table_digest(table)


def test_a_change_of_a_number_changes_the_digest():
    table = pd.DataFrame({"utility": [0.1, 0.7310585786300049, 1 / 3], "round": [1, 2, 3]})
    assert golden.table_digest(table.assign(utility=table["utility"] + 1e-8)) != (
        golden.table_digest(table)
    )
    assert golden.table_digest(table.assign(round=[1, 2, 4])) != golden.table_digest(table)

import json

import pytest

from tests import golden

EXPECTED = json.loads(golden.DIGESTS.read_text())


def test_every_shipped_scenario_has_a_digest():
    assert sorted(EXPECTED) == sorted(path.as_posix() for path in golden.shipped_scenarios())


@pytest.fixture(scope="module")
def found():
    return golden.digests()


@pytest.mark.parametrize("scenario", sorted(EXPECTED))
def test_numbers_are_unchanged(found, scenario):
    """A change of the model's numbers must regenerate the digests (python -m tests.golden)."""
    assert found[scenario] == EXPECTED[scenario]

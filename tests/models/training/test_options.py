"""Training options: every out-of-range value is refused with a message naming the bounds the check enforces."""

import pytest

from embedlab.errors import EmbedLabError
from embedlab.models.training.options import TrainingOptions

# field, values just outside the check's bounds, values at its edges that it accepts, the bounds the message names
BOUNDS = [
    ("epochs", [0, 1_001], [1, 1_000], "pick 1 to 1,000"),
    ("batch_size", [0, 65_537], [1, 65_536], "pick 1 to 65,536"),
    ("test_split", [0.0, 0.9, -0.1], [0.01, 0.89], "pick a share above 0 and below 0.9"),
    ("validation_split", [-0.01, 0.9], [0.0, 0.89], "pick 0 (none) or a share below 0.9"),
    ("patience", [0, -3], [1, 500], "pick 1 or more epochs"),
]


@pytest.mark.parametrize("field, bad, good, bounds", BOUNDS, ids=[row[0] for row in BOUNDS])
def test_a_bad_option_names_the_bounds_its_check_enforces(field, bad, good, bounds):
    for value in bad:
        with pytest.raises(EmbedLabError) as raised:
            TrainingOptions(**{field: value}).validate()
        assert str(value) in str(raised.value) and bounds in str(raised.value)
    for value in good:  # the bounds named are the ones enforced: the values at their edges pass
        TrainingOptions(**{field: value}).validate()

from embedlab_ui.numbers import count, percent, points, score, seconds


def test_a_ratio_reads_as_a_percentage_not_a_fraction():
    assert percent(0.1001) == "10.0%"
    assert percent(0.001001) == "0.1%"
    assert percent(None) == "–"


def test_counts_get_thousands_separators_and_scores_fixed_decimals():
    assert count(19486) == "19,486"
    assert count(3099.0) == "3,099"
    assert score(0.63321) == "0.633"
    assert points(-0.0712) == "-7.1 points"


def test_durations_read_in_seconds_then_minutes():
    assert seconds(0.84) == "0.8 s"
    assert seconds(14.2) == "14 s"
    assert seconds(185) == "3 min 05 s"


def test_no_number_reads_the_same_in_every_style():
    for style in (percent, points, count, score, seconds):
        assert style(None) == style(float("nan")) == "–"
    assert score.__name__ == "score" and "0.633" in score.__doc__  # the wrapper keeps each style's own name and doc

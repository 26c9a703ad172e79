"""Numbers from the server's environment: unset means the default; anything else wrong says how to fix it."""

from __future__ import annotations

import pytest

from embedlab.errors import EmbedLabError
from embedlab.settings import megabytes_setting, whole_number_setting


@pytest.mark.parametrize(("value", "expected"), [(None, 6), ("", 6), ("  ", 6), ("1", 1), ("40", 40), (" 7 ", 7)])
def test_a_whole_number_setting_reads_the_number_or_the_default(monkeypatch, value, expected):
    if value is None:
        monkeypatch.delenv("EMBEDLAB_TEST_COUNT", raising=False)
    else:
        monkeypatch.setenv("EMBEDLAB_TEST_COUNT", value)
    assert whole_number_setting("EMBEDLAB_TEST_COUNT", 6, "the things counted") == expected


@pytest.mark.parametrize("value", ["0", "-1", "2.5", "many", "1e3", "²", "٣"])
def test_a_whole_number_out_of_range_names_the_variable_the_rule_and_the_default(monkeypatch, value):
    monkeypatch.setenv("EMBEDLAB_TEST_COUNT", value)
    with pytest.raises(EmbedLabError) as raised:
        whole_number_setting("EMBEDLAB_TEST_COUNT", 6, "the things counted")
    message = str(raised.value)
    assert f"EMBEDLAB_TEST_COUNT is {value!r}" in message and "1 or more (the things counted)" in message
    assert message.endswith("the default, 6")


def test_a_whole_number_with_a_top_says_the_range(monkeypatch):
    monkeypatch.setenv("EMBEDLAB_TEST_COUNT", "20")
    with pytest.raises(EmbedLabError, match="from 0 to 19"):
        whole_number_setting("EMBEDLAB_TEST_COUNT", 10, "a nice value", low=0, high=19)


@pytest.mark.parametrize(("value", "expected"), [(None, 500_000_000), ("0", 0), ("0.5", 500_000), ("2", 2_000_000)])
def test_megabytes_become_bytes(monkeypatch, value, expected):
    if value is None:
        monkeypatch.delenv("EMBEDLAB_TEST_MB", raising=False)
    else:
        monkeypatch.setenv("EMBEDLAB_TEST_MB", value)
    assert megabytes_setting("EMBEDLAB_TEST_MB", 500, "nothing is kept") == expected


@pytest.mark.parametrize("value", ["-1", "inf", "nan", "lots", "1,000"])
def test_megabytes_that_are_not_a_size_say_what_stops_until_fixed(monkeypatch, value):
    monkeypatch.setenv("EMBEDLAB_TEST_MB", value)
    with pytest.raises(EmbedLabError) as raised:
        megabytes_setting("EMBEDLAB_TEST_MB", 500, "nothing is kept")
    message = str(raised.value)
    assert f"EMBEDLAB_TEST_MB is {value!r}, not a number of megabytes" in message
    assert "nothing is kept until whoever runs the server fixes it (the default is 500)" in message

"""The overfitting rule: a gap of 10 points or more (or twice the held-out standard error) between training and
held-out accuracy, read epoch by epoch on validation curves, or against the test rows without them."""

import pytest

from embedlab.models.training.overfitting import MIN_GAP, fit_gap, threshold


def test_a_gap_that_opens_and_stays_open_is_overfitting_from_the_epoch_it_opened():
    history = {"accuracy": [0.60, 0.75, 0.90, 0.97, 0.99], "val_accuracy": [0.58, 0.72, 0.76, 0.75, 0.74]}
    gap = fit_gap(history, held_out_rows=1_000)
    assert gap.overfitting and gap.against == "validation"
    assert gap.opened_at == 3  # 0.90 − 0.76 = 14 points; epoch 2's 3 points were level
    assert gap.gap == pytest.approx(0.25)
    sentence = gap.sentence()
    assert sentence.startswith("Overfitting from epoch 3 on:")
    assert "training accuracy 99.0% against validation accuracy 74.0%" in sentence and "25.0 points" in sentence


def test_curves_that_stay_level_are_said_to_show_no_overfitting():
    history = {"accuracy": [0.6, 0.7, 0.8], "val_accuracy": [0.58, 0.69, 0.75]}
    gap = fit_gap(history, held_out_rows=1_000)
    assert not gap.overfitting and gap.opened_at is None
    assert gap.sentence().startswith("No sign of overfitting:")


def test_a_gap_that_closed_again_by_the_last_epoch_is_not_called_overfitting():
    history = {"accuracy": [0.9, 0.9, 0.8], "val_accuracy": [0.7, 0.7, 0.78]}
    assert not fit_gap(history, held_out_rows=1_000).overfitting


def test_without_validation_curves_the_training_accuracy_is_set_against_the_test_rows():
    history = {"accuracy": [0.55, 0.91, 0.99], "loss": [0.69, 0.6, 0.5]}
    gap = fit_gap(history, test_accuracy=0.525, test_rows=40)
    assert gap.overfitting and gap.against == "test" and gap.opened_at is None
    assert "against test accuracy 52.5%" in gap.sentence()


def test_few_held_out_rows_need_a_wider_gap_than_ten_points():
    # On 16 validation rows at 50% one standard error is 12.5 points: a 15-point gap is within the noise.
    assert threshold(0.5, 16) == pytest.approx(0.25)
    assert threshold(0.5, 10_000) == MIN_GAP and threshold(0.9, None) == MIN_GAP
    history = {"accuracy": [0.65], "val_accuracy": [0.5]}
    assert not fit_gap(history, held_out_rows=16).overfitting
    assert fit_gap(history, held_out_rows=2_000).overfitting


@pytest.mark.parametrize("history,test_accuracy", [({}, 0.5), ({"loss": [0.6]}, 0.5), ({"accuracy": [0.9]}, None)])
def test_nothing_to_compare_is_no_finding(history, test_accuracy):
    assert fit_gap(history, test_accuracy=test_accuracy) is None

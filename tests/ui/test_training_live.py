"""The Train page's live panel names overfitting while the training runs, once its validation gap opens."""

from types import SimpleNamespace

from embedlab_ui.training import live_gap


def _job(rows: int, validation_split: float):
    options = SimpleNamespace(test_split=0.2, validation_split=validation_split)
    return SimpleNamespace(spec=SimpleNamespace(dataset=range(rows), options=options))


def test_a_gap_opening_on_160_validation_rows_is_named_from_the_epoch_it_opened():
    history = {"accuracy": [0.70, 0.90, 0.99], "val_accuracy": [0.68, 0.75, 0.74]}
    gap = live_gap(_job(2_000, 0.1), history)  # 2,000 rows: 1,600 after the test split, 160 of them validate
    assert gap.overfitting and gap.opened_at == 2
    assert gap.sentence().startswith("Overfitting from epoch 2 on:")


def test_the_same_gap_on_16_validation_rows_is_within_their_noise():
    history = {"accuracy": [0.70, 0.90, 0.90], "val_accuracy": [0.68, 0.75, 0.75]}
    assert not live_gap(_job(200, 0.1), history).overfitting  # 16 rows: a 15-point gap is under 2 standard errors


def test_no_validation_split_is_no_live_finding():
    assert live_gap(_job(200, 0.0), {"accuracy": [0.6, 0.99]}) is None

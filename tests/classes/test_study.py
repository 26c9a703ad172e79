"""A class study: cells handed out one claim at a time, a silent claim handed on, results drawn as one study."""

from __future__ import annotations

import pytest

from embedlab.classes.records import create_class
from embedlab.classes.store import ClassStore
from embedlab.classes.study import claim_next, finish_cell, renew_claim, start_class_study, study_json
from embedlab.models.study.cells import StudyPlan
from embedlab.models.study.reading import reading

PLAN = StudyPlan(sizes=(40, 120), embeddings=("random", "glove-frozen", "glove-finetuned"), seeds=1)


def metrics(accuracy: float) -> dict:
    return {"accuracy": accuracy, "f1": accuracy, "best_epoch": 2, "seconds": 1.0, "epochs_run": 2}


@pytest.fixture
def study_class(tmp_path, dataset, tiny_vectors):
    store = ClassStore(tmp_path)
    record, _ = create_class(dataset, store=store)
    study = start_class_study(record, PLAN, tiny_vectors, store=store)
    return record, store, study


def test_two_students_share_the_cells_and_the_board_reads_one_study(study_class):
    record, store, study = study_class
    assert study["planned_cells"] == 6 and study["baselines"]
    taken = []
    while True:
        for student in ("Ana", "Ben"):
            claim = claim_next(record, student, store=store)
            if claim is None:
                break
            taken.append((student, claim.cell.size, claim.cell.embedding))
            assert finish_cell(record, claim, metrics(0.5 + claim.cell.size / 1000), student, store=store)
        else:
            continue
        break
    assert len(taken) == 6 and len({cell[1:] for cell in taken}) == 6  # every cell once
    assert {student for student, *_ in taken} == {"Ana", "Ben"}
    assert [size for _, size, _ in taken[:3]] == [40, 40, 40]  # smallest size first: the chart fills from the left
    result = study_json(record, store=store)
    assert len(result["cells"]) == 6 and result["planned_cells"] == 6 and result["training"] == 0
    sentences = reading(result)
    assert sentences and "No cell has finished yet." not in sentences


def test_a_held_cell_is_not_handed_out_until_its_claim_goes_silent(study_class):
    record, store, _ = study_class
    first = claim_next(record, "Ana", store=store, now=1000.0)
    second = claim_next(record, "Ben", store=store, now=1010.0)
    assert second.index != first.index
    assert renew_claim(record, first, store=store, now=1050.0)
    # Ana is still training at 1100 (renewed at 1050): Ben gets another cell, not hers.
    assert claim_next(record, "Ben", store=store, now=1100.0).index not in (first.index,)
    # Ana left: 90 s after her last renewal her cell goes to the next one who asks.
    handed = [claim_next(record, "Cy", store=store, now=1141.0 + step).index for step in range(6)]
    assert first.index in handed
    assert not renew_claim(record, first, store=store)  # Ana's token no longer holds it


def test_the_first_result_of_a_cell_wins(study_class):
    record, store, _ = study_class
    claim = claim_next(record, "Ana", store=store)
    assert finish_cell(record, claim, metrics(0.7), "Ana", store=store)
    assert not finish_cell(record, claim, metrics(0.1), "Ana", store=store)
    assert [cell["accuracy"] for cell in study_json(record, store=store)["cells"]] == [0.7]

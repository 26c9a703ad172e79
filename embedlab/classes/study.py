"""A class study: one learning-curve study (sizes × embeddings × seeds) whose cells the members' browsers share.

    start_class_study(record, plan, vectors)  the instructor: fixes the cells (``study.cells.plan_cells``),
                                              scores the baselines once, and publishes the study
    claim_next(record, student)               a member's browser: the next cell nobody holds, claimed
    renew_claim / finish_cell                 while training / once trained: its numbers, for everyone
    study_json(record)                        the study so far, in ``StudyResult.to_json()``'s form, so the
                                              Study tab's chart and reading draw it

Files, beside the class (``classes.store``)::

    .classes/<CODE>/study.json                       the current study: id, plan, baselines, when started
                    study-<id>/claims/<cell>.json    who trains a cell, renewed while they do
                    study-<id>/results/<cell>.json   a finished cell's numbers (the first result wins)

A claim not renewed for ``CLAIM_SECONDS`` (a student who closed the tab) is handed to the next member
who asks. Cells are numbered by their place in ``plan_cells``' list, which is the same every time for
the same dataset and plan, so the cells' rows are never stored: each browser plans them again.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import asdict, dataclass

from embedlab.classes.records import ClassRecord, class_dataset, normalise_name
from embedlab.classes.store import ClassStore
from embedlab.errors import EmbedLabError
from embedlab.models.study.cells import CellPlan, StudyCell, StudyPlan, cell_record, plan_cells, start_order

CLAIM_SECONDS = 90.0  # a claim not renewed for this long goes to the next member who asks


@dataclass(frozen=True)
class Claim:
    """A cell this member trains: its number, the cell, and the token that proves the claim is theirs."""

    index: int
    cell: StudyCell
    token: str
    study_id: str


def plan_of(study: dict) -> StudyPlan:
    """The ``StudyPlan`` a study's description holds."""
    plan = dict(study["plan"])
    plan["sizes"] = tuple(plan["sizes"])
    plan["embeddings"] = tuple(plan["embeddings"])
    return StudyPlan(**plan)


def start_class_study(record: ClassRecord, plan: StudyPlan, vectors=None, store: ClassStore | None = None) -> dict:
    """Start ``plan`` as the class's study (replacing any earlier one); returns the study's description.

    The baselines (``embedlab.models.baselines``) are scored here, once per (size, seed), on the cells'
    training rows and the study's test rows; ``vectors`` are the GloVe the mean-vector baseline and the
    GloVe cells use.
    """
    from embedlab.models.baselines import Baselines

    store = store or ClassStore()
    dataset = class_dataset(record, store)
    cell_plan = plan_cells(dataset, plan)
    baselines, scorer, scored = [], Baselines(dataset, vectors), set()
    for cell in cell_plan.cells:
        if (cell.size, cell.seed) not in scored:
            scored.add((cell.size, cell.seed))
            baselines.extend({"size": cell.size, "name": score.name, "accuracy": score.accuracy, "f1": score.f1,
                              "seed": cell.seed} for score in scorer.score(cell.train_rows, cell_plan.test_rows))
    study = {"id": secrets.token_hex(6), "plan": asdict(plan), "planned_cells": len(cell_plan.cells),
             "test_rows": len(cell_plan.test_rows), "notes": list(cell_plan.notes), "baselines": baselines,
             "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    store.write_json(f"{record.code}/study.json", study)
    return study


def current_study(record: ClassRecord, store: ClassStore | None = None) -> dict | None:
    """The class's current study's description, or None when the instructor has not started one."""
    return (store or ClassStore()).read_json(f"{record.code}/study.json")


def study_cells(record: ClassRecord, study: dict, store: ClassStore | None = None) -> CellPlan:
    """The study's cells with their rows, planned again from the class dataset (the same every time)."""
    try:
        plan = plan_of(study)
    except (KeyError, TypeError, ValueError):
        raise EmbedLabError(f"the study of class {record.code} is damaged; the instructor can start it again") from None
    return plan_cells(class_dataset(record, store), plan)


def _folder(record: ClassRecord, study: dict) -> str:
    return f"{record.code}/study-{study['id']}"


def claim_next(record: ClassRecord, student: str, store: ClassStore | None = None, now: float | None = None,
               claim_seconds: float = CLAIM_SECONDS, study: dict | None = None,
               cells: CellPlan | None = None) -> Claim | None:
    """Claim the next cell no one has finished or holds (smallest size first); None when none is left.

    A cell whose claim was not renewed for ``claim_seconds`` is claimed again; this member's own
    earlier claim on an unfinished cell is handed back to them first. ``study`` and ``cells`` (its
    ``study_cells``) spare a caller that asks often from reading and planning them again.
    """
    store = store or ClassStore()
    student, now = normalise_name(student), time.time() if now is None else now
    study = study or current_study(record, store)
    if study is None:
        return None
    cells = (cells or study_cells(record, study, store)).cells
    folder = _folder(record, study)
    with store.lock(folder):  # on a local folder, one claimer at a time
        finished = set(store.names(f"{folder}/results"))
        claims = {name: store.read_json(f"{folder}/claims/{name}") for name in store.names(f"{folder}/claims")}
        order = sorted(range(len(cells)), key=lambda index: start_order(cells[index]))
        for index in order:
            name = f"{index}.json"
            if name in finished:
                continue
            held = claims.get(name)
            if held and now - float(held.get("at", 0)) < claim_seconds and held.get("student") != student:
                continue
            token = secrets.token_hex(8)
            store.write_json(f"{folder}/claims/{name}", {"student": student, "at": now, "token": token})
            return Claim(index, cells[index], token, study["id"])
    return None


def renew_claim(record: ClassRecord, claim: Claim, store: ClassStore | None = None, now: float | None = None) -> bool:
    """Keep ``claim`` this member's while they train it; False when it was handed to someone else meanwhile."""
    store = store or ClassStore()
    path = f"{record.code}/study-{claim.study_id}/claims/{claim.index}.json"
    held = store.read_json(path)
    if not held or held.get("token") != claim.token:
        return False
    store.write_json(path, {**held, "at": time.time() if now is None else now})
    return True


def finish_cell(record: ClassRecord, claim: Claim, metrics: dict, student: str,
                store: ClassStore | None = None) -> bool:
    """Publish a trained cell's numbers (the first result of a cell wins); True if this one was kept."""
    store = store or ClassStore()
    folder = f"{record.code}/study-{claim.study_id}"
    kept = store.create_json(f"{folder}/results/{claim.index}.json",
                             {**cell_record(claim.cell, metrics), "student": normalise_name(student)})
    held = store.read_json(f"{folder}/claims/{claim.index}.json")
    if held and held.get("token") == claim.token:
        store.remove(f"{folder}/claims/{claim.index}.json")
    return kept


def study_json(record: ClassRecord, store: ClassStore | None = None, seen: dict | None = None) -> dict | None:
    """The class study so far in ``StudyResult.to_json()``'s form (cells, baselines, test_rows, …), or None.

    ``seen``: a dict kept by the caller between calls; results (which never change) are read once.
    Adds ``"training"``: the cells claimed now and not finished, and ``"students"``: who trained each cell.
    """
    store = store or ClassStore()
    study = current_study(record, store)
    if study is None:
        return None
    folder = _folder(record, study)
    seen = {} if seen is None else seen
    cells, finished = [], store.names(f"{folder}/results")
    for name in finished:
        key = (study["id"], name)
        if key not in seen:
            try:
                seen[key] = store.read_json(f"{folder}/results/{name}")
            except EmbedLabError:
                continue
        cells.append(seen[key])
    training = [name for name in store.names(f"{folder}/claims") if name not in set(finished)]
    return {"cells": cells, "baselines": study.get("baselines", []), "test_rows": study.get("test_rows", 0),
            "planned_cells": study.get("planned_cells", 0), "plan": study.get("plan", {}),
            "notes": study.get("notes", []), "failures": [], "stopped": False, "seconds": 0.0,
            "training": len(training), "id": study["id"]}

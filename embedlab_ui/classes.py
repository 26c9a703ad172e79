"""Class glue: this visitor's place in a class (member or instructor), and a member's trainings on its split.

A member is kept in the session and in the page's link (``?class=CODE&member=KEY``), so a reload or a
restart of the server finds them again; the instructor's key rides in the board's link
(``?class=CODE&key=KEY``). A training this visitor starts while they are a member and the class
dataset is their current dataset is the class's (``class_spec``): trained on every row but the class's
test rows, tested on those, and put on the board once saved, with its numbers only: by a thread that
waits for the job on the server (``board_when_saved``), so a student who closes the tab mid-training is
still on the board, and again by the member's next page run (``record_finished``, which says what failed).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import replace

import streamlit as st

from embedlab.classes.board import class_rows, record_run
from embedlab.classes.records import (
    ClassRecord, class_dataset, create_class, join_class, load_class, member_by_key, normalise_code, owned_classes,
)
from embedlab.errors import EmbedLabError
from embedlab_ui.datasets import DATASET_KEY, current_dataset, set_current_dataset
from embedlab_ui.login import start_class_refusal
from embedlab_ui.session import literal, show_error, workspace_name

MEMBER_KEY = "classes.member"  # {"code", "name", "key"} of the class this visitor joined, or absent
INSTRUCTING_KEY = "classes.instructing"  # {"code", "key"} of the class this visitor started, or absent
SPECS_KEY = "classes.specs"  # [{"spec", "code", "name", "recorded"}]: this visitor's class trainings
RECORDS_KEY = "classes.records"  # code → ClassRecord, read once per session
PROBLEMS_KEY = "classes.problems"  # why a class training could not go on the board, until the Train page says it
CODE_PARAM, MEMBER_PARAM, KEY_PARAM = "class", "member", "key"
# The Train page's job list (embedlab_ui.training.JOBS_KEY, which imports this module: named here, not imported).
JOBS_KEY = "train.jobs"


def class_record(code: str) -> ClassRecord:
    """The class ``code`` (read once per session: a record never changes); EmbedLabError for a bad code."""
    records = st.session_state.setdefault(RECORDS_KEY, {})
    code = normalise_code(code)
    if code not in records:
        records[code] = load_class(code)
    return records[code]


def membership() -> tuple[ClassRecord, str] | None:
    """(class, this visitor's display name) when they are a member; restored from the link after a reload."""
    member = st.session_state.get(MEMBER_KEY)
    if member is None and st.query_params.get(MEMBER_PARAM):
        try:
            record = class_record(st.query_params.get(CODE_PARAM, ""))
            found = member_by_key(record, st.query_params.get(MEMBER_PARAM))
        except EmbedLabError:
            found = None
        if found is not None:
            member = {"code": record.code, "name": found.name, "key": st.query_params[MEMBER_PARAM]}
            st.session_state[MEMBER_KEY] = member
            if st.session_state.get(DATASET_KEY) is None:  # a new tab or a reload: the class dataset again
                set_current_dataset(class_dataset(record))
    if member is None:
        return None
    st.query_params[CODE_PARAM], st.query_params[MEMBER_PARAM] = member["code"], member["key"]
    return class_record(member["code"]), member["name"]


def keep_class_link() -> None:
    """On every page: a member's link keeps ``?class=…&member=…`` (a reload anywhere finds them again), and a
    new session opened by such a link is the member again, with the class dataset, before any page draws."""
    try:
        if membership() is not None:  # a class training that ended while another page was open: on the board now
            st.session_state.setdefault(PROBLEMS_KEY, []).extend(record_finished())
    except EmbedLabError:
        pass  # said on the Class and Train pages, which call membership() themselves


def start_class(dataset) -> tuple[ClassRecord, str]:
    """Start a class on ``dataset`` with this visitor as its instructor; EmbedLabError if it cannot be."""
    refusal = start_class_refusal()  # with login on, only the instructors the server lists
    if refusal is not None:
        raise EmbedLabError(refusal)
    record, key = create_class(dataset, owner=workspace_name())
    st.session_state.setdefault(RECORDS_KEY, {})[record.code] = record
    st.session_state[INSTRUCTING_KEY] = {"code": record.code, "key": key}
    return record, key


def instructing(code: str | None = None, key: str | None = None) -> tuple[ClassRecord, str] | None:
    """(class, instructor key) when this visitor holds the key of class ``code`` (or of the class they started)."""
    if code:
        try:
            record = class_record(code)
        except EmbedLabError:
            return None
        if record.is_instructor(key) or record.is_owner(workspace_name()):  # the key, or the workspace that started it
            st.session_state[INSTRUCTING_KEY] = {"code": record.code, "key": key or ""}
            return record, key or ""
        return None
    started = st.session_state.get(INSTRUCTING_KEY)
    return (class_record(started["code"]), started["key"]) if started else None


def own_classes() -> list[str]:
    """Codes of the classes this visitor's workspace (their login's, with login on) started."""
    return owned_classes(workspace_name())


def join(code: str, name: str) -> ClassRecord:
    """Join class ``code`` as ``name`` and load its dataset as this visitor's; EmbedLabError saying what is wrong."""
    record = class_record(code)
    dataset = class_dataset(record)
    member, key = join_class(record, name)
    st.session_state[MEMBER_KEY] = {"code": record.code, "name": member.name, "key": key}
    st.query_params[CODE_PARAM], st.query_params[MEMBER_PARAM] = record.code, key
    set_current_dataset(dataset)
    return record


def leave() -> None:
    """Stop being a member in this browser (the name stays taken on the board); the join form shows again."""
    st.session_state.pop(MEMBER_KEY, None)
    for param in (MEMBER_PARAM, CODE_PARAM):
        st.query_params.pop(param, None)


def load_class_dataset() -> None:
    """Make the class's dataset this member's current dataset again."""
    joined = membership()
    if joined is not None:
        set_current_dataset(class_dataset(joined[0]))


def for_class(dataset) -> tuple[ClassRecord, str] | None:
    """(class, name) when a training of ``dataset`` now would be this member's class training."""
    joined = membership()
    if joined is None or dataset.fingerprint != joined[0].dataset_fingerprint:
        return None
    return joined


def class_spec(spec):
    """``spec`` as a class training when this visitor is a member training the class dataset, else unchanged."""
    joined = for_class(spec.dataset)
    if joined is None:
        return spec
    record, name = joined
    spec = replace(spec, **class_rows(record))
    st.session_state.setdefault(SPECS_KEY, []).append({"spec": spec, "code": record.code, "name": name,
                                                       "recorded": False})
    return spec


_LOGGER = logging.getLogger(__name__)


def board_when_saved(jobs) -> None:
    """For each of ``jobs`` that is this member's class training: put its run on the board when it is saved.

    One daemon thread per such job waits on the server, so the board fills whether or not the
    student's browser is still open. Putting a run on the board twice writes the same file.
    """
    entries = {id(entry["spec"]): entry for entry in st.session_state.get(SPECS_KEY, [])}
    for job in jobs:
        entry = entries.get(id(job.spec))
        if entry is not None:
            threading.Thread(target=_board_after, args=(job, entry["code"], entry["name"]),
                             name=f"embedlab-class-{entry['code']}", daemon=True).start()


def _board_after(job, code: str, name: str) -> None:
    while not job.finished:  # a queued job has no thread to join yet: wait in short steps
        job.join(1.0)
        time.sleep(0.5)
    run = job.snapshot().run
    if run is None:
        return  # stopped before an epoch, failed or cancelled: nothing to put on the board
    try:
        record_run(load_class(code), name, run)
    except Exception:  # the member's page says it on their next run (record_finished)
        _LOGGER.warning("class %s: %s's run could not go on the board", code, name, exc_info=True)


def record_finished() -> list[str]:
    """Put this member's class trainings saved since the last call on the board; returns messages of failures."""
    pending = [entry for entry in st.session_state.get(SPECS_KEY, []) if not entry["recorded"]]
    if not pending:
        return []
    jobs = {id(job.spec): job for job in st.session_state.get(JOBS_KEY, [])}
    problems = []
    for entry in pending:
        job = jobs.get(id(entry["spec"]))
        status = job.snapshot() if job is not None else None
        if status is not None and not status.finished:
            continue
        entry["recorded"] = True
        if status is None or status.run is None:
            continue  # cancelled, failed, or gone with an old job list: nothing to show
        try:
            record_run(class_record(entry["code"]), entry["name"], status.run)
        except EmbedLabError as error:
            problems.append(str(error))
    st.session_state[SPECS_KEY] = [entry for entry in st.session_state.get(SPECS_KEY, []) if not entry["recorded"]]
    return problems


def train_banner(dataset) -> None:
    """The Train page's line for a member: their trainings go on the class board, or why this one would not."""
    joined = membership()
    if joined is None:
        return
    for problem in st.session_state.pop(PROBLEMS_KEY, []) + record_finished():
        st.error(literal(problem), icon=":material/warning:")
    record, name = joined
    if for_class(dataset) is not None:
        st.info(f"Class {record.code}, as {literal(name)}: your runs train on the class dataset and are tested "
                f"on its {len(record.test_rows):,} shared test rows, and their scores go on the class board.",
                icon=":material/school:")
        return
    left, right = st.columns([4, 1], vertical_alignment="center")
    left.warning(f"Class {record.code}: your current dataset is not the class's ({literal(record.dataset_name)}), "
                 "so runs you train now stay off the class board.", icon=":material/school:")
    if right.button("Load the class dataset", key="classes.reload_dataset"):
        try:
            load_class_dataset()
            st.rerun()
        except EmbedLabError as error:
            show_error(error)


def current_dataset_line() -> str:
    """The current dataset in a few words, for the Start-a-class form."""
    dataset = current_dataset()
    return f"**{literal(dataset.name)}** ({len(dataset):,} rows, classes {literal(', '.join(dataset.class_names))})"

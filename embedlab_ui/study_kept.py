"""The studies kept in this visitor's workspace (``embedlab.models.study.keeping``): listed, shown, resumed.

A study's cells are kept in the workspace's run storage as they finish, so this page's address,
in a new tab or after a restart, brings back what had finished. A study another tab of this
server is running redraws every two seconds from its file; one a restart or a crash ended
reads "interrupted", and one that was stopped "stopped": both can be resumed, training only the
cells they lack, once the dataset they were made on (by content) and the same word vectors are loaded.
"""

from __future__ import annotations

import datetime

import streamlit as st

from embedlab.errors import EmbedLabError
from embedlab_ui import numbers
from embedlab_ui.session import literal, show_error
from embedlab_ui.study_results import show_result

KEPT_KEY = "study.kept"
SHOWN_KEY = "study.kept_shown"  # the session's own study, once chosen for the visitor


def _label(study) -> str:
    name = study.dataset.get("name") or "a dataset"
    when = datetime.datetime.fromtimestamp(study.updated).strftime("%d %b %H:%M")
    done, planned = len(study.data["cells"]), study.data.get("planned_cells") or len(study.data["cells"])
    return f"{name} — {done} of {planned} cells, {study.condition} ({when})"


def kept_panel(folder, dataset, vectors, current_id: str | None, resume) -> None:
    """The workspace's kept studies: a picker (the session's own study first chosen), the chosen one shown.

    ``resume(dataset, plan)`` starts a study again (its finished cells are kept, the rest trained).
    """
    from embedlab.models.study.keeping import kept_studies

    try:
        studies, damaged = kept_studies(folder)
    except EmbedLabError as error:
        from embedlab_ui.runs import storage_problem_said

        if storage_problem_said():  # one message for one storage down, at the top of the page
            st.caption("Kept studies cannot be listed now: see the message at the top of the page.")
        else:
            show_error(error)
        return
    for message in damaged:
        st.warning(literal(message))
    if not studies:
        return
    ids = [study.id for study in studies]
    if current_id in ids and st.session_state.get(SHOWN_KEY) != current_id:
        st.session_state[KEPT_KEY] = st.session_state[SHOWN_KEY] = current_id  # a study just run here is shown
    elif st.session_state.get(KEPT_KEY) not in ids:
        st.session_state[KEPT_KEY] = ids[0]  # the newest
    labels = {study.id: _label(study) for study in studies}
    chosen = st.selectbox("Studies kept in this workspace", ids, format_func=labels.get, key=KEPT_KEY,
                          help="Each study is kept as its cells finish: this page's address brings them back.")
    study = studies[ids.index(chosen)]
    if study.running_now:
        _running_elsewhere(folder, study.id)
    else:
        _kept_study(study, dataset, vectors, resume)


@st.fragment(run_every=2.0)
def _running_elsewhere(folder, identifier: str) -> None:
    from embedlab.models.study.keeping import load_study

    try:
        study = load_study(folder, identifier)
    except EmbedLabError as error:
        show_error(error)
        return
    if not study.running_now:
        st.rerun()
    _progress(study)
    st.caption("This study is running in another tab or process; its finished cells are shown as they come.")
    show_result(study.data, running=True, key=study.id)


def _progress(study) -> None:
    done, planned = len(study.data["cells"]), study.data.get("planned_cells") or 0
    name = study.dataset.get("name") or "a dataset"
    st.progress(min(1.0, done / max(1, planned)),
                text=f"Study on {literal(name)}: {done} of {planned} cells, "  # as the live study's line reads
                     f"{numbers.seconds(study.data['seconds']) + ', ' if study.data.get('seconds') else ''}"
                     f"{study.condition}")


def _kept_study(study, dataset, vectors, resume) -> None:
    _progress(study)
    if study.missing and study.condition in ("stopped", "interrupted"):
        _resume_controls(study, dataset, vectors, resume)
    show_result(study.data, running=False, key=study.id)


def _resume_controls(study, dataset, vectors, resume) -> None:
    from embedlab.models.study.cells import StudyPlan

    made_on = study.dataset.get("name") or "another dataset"
    vectors_then = (study.vectors or {}).get("fingerprint")
    if study.dataset.get("fingerprint") != dataset.fingerprint:
        st.info(literal(f"This study was made on “{made_on}”, which is not the dataset loaded now: load it on the "
                        f"Data page to resume the study ({study.missing} cells are missing)."),
                icon=":material/info:")
        return
    if vectors_then is not None and vectors_then != getattr(vectors, "fingerprint", None):
        st.info(literal(f"This study was made with the word vectors “{study.vectors.get('name')}”: pick them in the "
                        f"sidebar to resume it."), icon=":material/info:")
        return
    if st.button(f"Resume: train the {study.missing} missing cells", key=f"study.resume.{study.id}", type="primary",
                 help="The finished cells are kept as they are; only the missing ones are trained."):
        try:
            resume(dataset, StudyPlan.from_json(study.plan))
        except EmbedLabError as error:
            show_error(error)
            return
        st.rerun()

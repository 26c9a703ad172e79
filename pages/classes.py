"""Class: start a class (instructor) or join one with its code or link (student)."""

from __future__ import annotations

import streamlit as st

from embedlab.errors import EmbedLabError
from embedlab_ui import class_board, class_study
from embedlab_ui import classes as ui
from embedlab_ui.session import literal, route_through_app, show_error

route_through_app()  # a deep link on a fresh server still gets app.py's frame

st.title("Class")
st.caption("An instructor starts a class on a dataset and gets a short code; students join with the code or the "
           "link, train on the class dataset, and every run is tested on the same rows, so the class board can "
           "rank them.")


def page_url(path: str) -> str:
    """``path`` on this server, as a link a person can copy (the page's own address gives the host)."""
    url = str(st.context.url or "")
    base = url.split("?", 1)[0].rstrip("/")
    base = base[: base.rfind("/")] if base.count("/") > 2 else base  # drop this page's own path
    return f"{base}/{path}"


def show_member(record, name: str) -> None:
    st.success(f"You are in class **{record.code}** as **{literal(name)}**. Train on the Train page (in the "
               f"sidebar): your runs are tested on the class's {len(record.test_rows):,} shared test rows and go "
               "on the class board.",
               icon=":material/school:")
    st.button("Leave this class", key="classes.leave", on_click=ui.leave,
              help="Join another class from this browser. Your runs stay on the board under your name.")


def join_form() -> None:
    st.subheader("Join a class")
    code = st.text_input("Class code", value=st.query_params.get(ui.CODE_PARAM, ""), max_chars=12,
                         key="classes.join_code", placeholder="e.g. K7QX2M")
    name = st.text_input("Your display name (the class sees it)", max_chars=40, key="classes.join_name")
    if st.button("Join", type="primary", key="classes.join", disabled=not code.strip() or not name.strip()):
        try:
            ui.join(code, name)
            st.rerun()
        except EmbedLabError as error:
            show_error(error)


def board_link(code: str, key: str) -> str:
    """The board's address: with the instructor key, or (for the class's owner) with their own workspace."""
    proof = f"{ui.KEY_PARAM}={key}" if key else f"workspace={st.session_state.get('workspace', '')}"
    return f"class-board?{ui.CODE_PARAM}={code}&{proof}"


def show_started(record, key: str) -> None:
    join_path = f"class?{ui.CODE_PARAM}={record.code}"
    board_path = board_link(record.code, key)
    st.markdown(f"Class code: **{record.code}** · {literal(record.dataset_name)}, {record.dataset_rows:,} rows, "
                f"{len(record.test_rows):,} shared test rows, up to {record.max_members} students")
    st.markdown(f"<p style='font-size:4rem;font-weight:700;letter-spacing:0.3em;margin:0'>{record.code}</p>",
                unsafe_allow_html=True)  # the code alone: letters and digits we made, never a visitor's text
    st.text_input("Join link for students", value=page_url(join_path), key="classes.join_link", disabled=True)
    st.text_input("Your instructor link (keep it to yourself: it opens the board)", value=page_url(board_path),
                  key="classes.board_link", disabled=True)
    st.markdown(f"[Open the class board]({board_path}) (in a new tab; put it on the projector)")


def start_form() -> None:
    st.subheader("Start a class")
    started = ui.instructing()
    if started is not None:
        show_started(*started)
        return
    owned = ui.own_classes()
    if owned:
        st.markdown("Your classes: " + " · ".join(f"[{code}]({board_link(code, '')})" for code in owned))
    st.markdown(f"The class works on your current dataset: {ui.current_dataset_line()}. Pick another on the Data "
                "page first if you want; every student gets a copy, and a fifth of its rows (stratified) become "
                "the test rows every run is scored on.")
    if st.button("Start a class", key="classes.start"):
        try:
            ui.start_class(ui.current_dataset())
            st.rerun()
        except EmbedLabError as error:
            show_error(error)


try:
    joined = ui.membership()
except EmbedLabError as error:
    show_error(error)
    joined = None
left, right = st.columns(2, gap="large")
with left:
    if joined is not None:
        show_member(*joined)
        st.fragment(class_study.member_panel, run_every=class_study.WORK_SECONDS)(*joined)
    else:
        join_form()
with right:
    if joined is None or ui.instructing() is not None:  # a student in a class is not offered to start one
        start_form()
if joined is not None:  # the class's runs as numbers, refreshed like the instructor's board
    st.fragment(class_board.member_board, run_every=class_board.BOARD_SECONDS)(joined[0])

"""Class board: the instructor's live table, leaderboard and curves of every student's runs on the class dataset."""

from __future__ import annotations

import streamlit as st

from embedlab_ui import class_board as board
from embedlab_ui import class_study, classes
from embedlab_ui.session import literal, route_through_app

route_through_app()  # a deep link on a fresh server still gets app.py's frame

started = classes.instructing(st.query_params.get(classes.CODE_PARAM), st.query_params.get(classes.KEY_PARAM))
if started is None:
    started = classes.instructing()  # the class this visitor started in this session
if started is None:
    st.title("Class board")
    st.warning("The class board is for the class's instructor: open the instructor link you were given when you "
               "started the class (it holds the class code and a key). Students see their own runs on the Train "
               "page.", icon=":material/lock:")
    st.stop()
record, key = started
st.query_params[classes.CODE_PARAM], st.query_params[classes.KEY_PARAM] = record.code, key
presenter = st.toggle("Presenter view", key="class_board.presenter", help="Large type for a projector.")
if not presenter:
    st.title(f"Class board · {record.code}")
    st.caption(f"Join with the code {record.code} on the Class page · dataset: {literal(record.dataset_name)}")
else:
    st.markdown(f"# Join: {record.code}")
if not presenter:
    class_study.start_form(record)
st.fragment(board.board_panel, run_every=board.BOARD_SECONDS)(record, presenter)

"""The instructor's board: the class's runs as a table, a leaderboard, curves overlaid, and a presenter view.

It refreshes itself (``BOARD_SECONDS``) as a fragment: each refresh lists the class's board folder and
reads only entries it has not seen (``classes.board.read_board``'s ``seen``, kept in this session), so a
board left open all lesson costs the server one listing every few seconds.
"""

from __future__ import annotations

import html

import streamlit as st

from embedlab.classes.board import BoardRow, read_board
from embedlab.classes.records import ClassRecord
from embedlab.classes.store import ClassStore
from embedlab.errors import EmbedLabError
from embedlab_ui.charts import CURVE_COLOURS, TOOLBAR_MARGIN
from embedlab_ui.class_study import study_panel
from embedlab_ui.numbers import percent
from embedlab_ui.session import literal, show_error

BOARD_SECONDS = 3.0  # how often an open board looks for new runs: "no faster than every few seconds"
SEEN_KEY = "class_board.seen"  # code → {entry file name → BoardRow}: entries never change, read once
TABLE_COLUMNS = {"accuracy": st.column_config.NumberColumn("test accuracy", format="percent"),
                 "rows": st.column_config.NumberColumn("training rows", format="localized"),
                 "test_rows": st.column_config.NumberColumn("test rows", format="localized")}


def board_rows(record: ClassRecord) -> list[BoardRow]:
    seen = st.session_state.setdefault(SEEN_KEY, {}).setdefault(record.code, {})
    return read_board(record, seen=seen)


def joined_count(record: ClassRecord) -> int:
    return len(ClassStore().names(f"{record.code}/members"))


def board_panel(record: ClassRecord, presenter: bool) -> None:
    """The board as it is now; called again every ``BOARD_SECONDS`` without reloading the page."""
    try:
        rows, members = board_rows(record), joined_count(record)
    except EmbedLabError as error:
        show_error(error)
        return
    st.caption(f"{members} student{'s' if members != 1 else ''} joined · {len(rows)} run{'s' if len(rows) != 1 else ''}"
               f" · every run tested on the same {len(record.test_rows):,} rows · updates every "
               f"{BOARD_SECONDS:g} s")
    if not rows:
        st.info(f"No runs yet. Students join with the code {record.code} on the Class page, then train.",
                icon=":material/hourglass_top:")
    elif presenter:
        presenter_view(rows)
    else:
        leaderboard(rows)
        st.dataframe(board_table(rows), hide_index=True, column_config=TABLE_COLUMNS, key="class_board.table")
        st.plotly_chart(curves_figure(rows), key="class_board.curves")
    try:
        study_panel(record, presenter)
    except EmbedLabError as error:
        show_error(error)


def member_board(record: ClassRecord) -> None:
    """What a member sees of the class's runs: the board's numbers (never another student's run or model)."""
    try:
        rows = board_rows(record)
    except EmbedLabError as error:
        show_error(error)
        return
    st.subheader("The class's runs")
    if not rows:
        st.caption("No runs on the class board yet.")
        return
    st.dataframe(board_table(rows), hide_index=True, column_config=TABLE_COLUMNS, key="class_board.member_table")


def leaderboard(rows: list[BoardRow], places: int = 3) -> None:
    for column, (place, row) in zip(st.columns(places), enumerate(rows[:places], 1)):
        column.metric(f"{place}. {literal(row.student)}", percent(row.accuracy),
                      help=f"{row.embedding} {row.encoder}, {row.rows:,} training rows")


def presenter_view(rows: list[BoardRow], places: int = 8) -> None:
    """Large enough to read from the back of a room: the leaderboard in heading type, then the curves."""
    for place, row in enumerate(rows[:places], 1):
        st.markdown(f"## {place}. {literal(row.student)} — {percent(row.accuracy)}")
        settings = f"{row.embedding} {row.encoder}"
        st.caption(settings if row.run == settings else f"{literal(row.run)} · {settings}")
    st.plotly_chart(curves_figure(rows, height=560, font=22), key="class_board.presenter_curves")


def board_table(rows: list[BoardRow]):
    import pandas as pd

    return pd.DataFrame([{"student": row.student, "run": row.run, "embedding": row.embedding,
                          "encoder": row.encoder, "rows": row.rows, "accuracy": row.accuracy,
                          "test_rows": row.test_rows, "when": row.when.replace("T", " ").rstrip("Z")} for row in rows])


def curves_figure(rows: list[BoardRow], height: int = 380, font: int = 13):
    """Accuracy per epoch, one line per run: on its validation rows, or (dotted, and said) its training rows when it
    kept none (small data); the test accuracies are the table's."""
    import plotly.graph_objects as go

    figure = go.Figure()
    kinds = set()
    for index, row in enumerate(rows):
        # Training accuracy climbs toward 100% on rows the model has seen: its lines are dotted and say so.
        kind = "validation" if row.history.get("val_accuracy") else "training"
        kinds.add(kind)
        values = row.history.get("val_accuracy") or row.history.get("accuracy") or []
        label = html.escape(f"{row.student} · {row.run} · {kind}")  # Plotly reads a few HTML tags in labels
        figure.add_trace(go.Scatter(x=list(range(1, len(values) + 1)), y=values, mode="lines+markers", name=label,
                                    line={"color": CURVE_COLOURS[index % len(CURVE_COLOURS)],
                                          "dash": "solid" if kind == "validation" else "dot"}))
    title = "validation accuracy" if kinds == {"validation"} else (
        "training accuracy (rows it learned from)" if kinds == {"training"} else "accuracy (validation or training)")
    figure.update_layout(height=height, margin=TOOLBAR_MARGIN, font={"size": font}, xaxis_title="epoch", xaxis_dtick=1,
                         yaxis_title=title, yaxis_tickformat=".0%", legend_title_text="")
    return figure

"""What the Study tab shows of a study, live or kept: its headline first, the chart, the reading, the tables.

Drawn from the study's JSON form (``StudyResult.to_json()``, or a kept study's data), so a study
running in this session, one kept in the workspace and one another tab is running draw the same
way. When the test set was too small to show anything, the tab offers the larger built-in dataset
in one click.
"""

from __future__ import annotations

import streamlit as st

from embedlab.errors import EmbedLabError
from embedlab_ui.session import literal, show_error

LARGER_DATASET = "rotten-tomatoes-10k"  # the largest built-in dataset that works without internet


def show_result(data: dict, running: bool, key: str) -> None:
    """The headline, the chart, the reading (once the study has ended), the tables and the downloads."""
    from embedlab.models.study.reading import convergence, headline, needs_more_data, reading
    from embedlab_ui import study_charts as charts
    from embedlab_ui.maps import png_button

    for note in data.get("notes", []):
        st.caption(literal(note))
    for failure in data.get("failures", []):
        st.warning(literal(failure))
    if not data["cells"]:
        return
    said = headline(data)
    with st.container(key=f"study-headline-{key}"):
        st.markdown(f"**{'So far: ' if running else ''}{literal(said)}**")
    if not running and needs_more_data(data):
        offer_larger_dataset(key)
    figure = charts.study_figure(data)
    st.plotly_chart(figure, width="stretch", key=f"study.chart.{key}.{len(data['cells'])}")
    if not running:
        st.markdown("**What the numbers say**")
        for sentence in reading(data):
            st.markdown(f"- {literal(sentence)}")
    st.dataframe(charts.study_table(data), hide_index=True, width="stretch", column_config=charts.STUDY_TABLE_FORMATS)
    st.markdown("**Convergence** — how soon each embedding reached its best epoch by validation loss, over the "
                "cells large enough to keep validation rows")
    converging = convergence(data, validated_only=True)
    if converging:
        st.dataframe(charts.convergence_table(converging), hide_index=True, width="stretch",
                     column_config=charts.CONVERGENCE_FORMATS)
    else:
        st.caption("No cell kept validation rows (they need 1,000 training rows or more): each trained every epoch "
                   "allowed and kept the last, so there is no best epoch to compare.")
    st.download_button("Download the cells (.csv)", charts.study_csv(data), "study.csv", "text/csv",
                       key=f"study.csv.{key}", help="The headline, the reading, the plan, every cell and baseline: "
                                                    "what `python -m embedlab study --json` prints")
    if not running:
        png_button(figure, f"study.{key}", "study")


def offer_larger_dataset(key: str) -> None:
    """Say the data is too small for the lesson and switch to the larger built-in dataset on one click."""
    from embedlab.data.builtins import BUILTIN_DATASETS
    from embedlab_ui.datasets import builtin, current_dataset, set_current_dataset

    title = BUILTIN_DATASETS[LARGER_DATASET]
    if current_dataset().name == title:
        return
    st.info("This dataset is too small for the study to show when pre-trained vectors pay. The built-in Rotten "
            "Tomatoes snippets (10,605 rated sentences) are large enough: use them, then start the study again.",
            icon=":material/dataset:")
    if st.button("Use the Rotten Tomatoes dataset (10,605 snippets)", key=f"study.larger.{key}", type="primary"):
        bar = st.progress(0.0, text="Loading Rotten Tomatoes…")
        try:
            dataset = builtin(LARGER_DATASET, _progress=lambda fraction, message: bar.progress(fraction, text=message))
        except EmbedLabError as error:
            bar.empty()
            show_error(error)
            return
        set_current_dataset(dataset)
        st.rerun()

"""A map's progress bar: the work runs beside the script, its stages fill the bar, its result or error comes back."""

from streamlit.testing.v1 import AppTest


def _script():
    import time

    import streamlit as st

    from embedlab.errors import EmbedLabError
    from embedlab_ui.maps import with_progress_bar

    def slow(report):
        for done in (0.0, 0.5, 1.0):
            report("neighbours", done)
            time.sleep(0.3)
        report("layout", 1.0)
        return 42

    def failing(report):
        time.sleep(0.5)
        raise EmbedLabError("no map today")

    st.write(f"answer {with_progress_bar(slow)}")
    st.write(f"quick {with_progress_bar(lambda report: 7)}")
    try:
        with_progress_bar(failing)
    except EmbedLabError as error:
        st.error(str(error))


def test_the_result_and_the_error_come_back_and_no_bar_is_left_behind():
    at = AppTest.from_function(_script, default_timeout=30).run()
    assert not at.exception
    assert [markdown.value for markdown in at.markdown] == ["answer 42", "quick 7"]
    assert at.error[0].value == "no map today"
    assert len(at.get("progress")) == 0  # each bar is emptied once its map is back

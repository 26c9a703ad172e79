"""EmbedLab: the router and shared frame. Each page lives in pages/."""

import streamlit as st

st.set_page_config(page_title="EmbedLab", page_icon="🧭", layout="wide")

from embedlab_ui.classes import keep_class_link  # noqa: E402  (set_page_config must come first)
from embedlab_ui.login import login_sidebar  # noqa: E402  (set_page_config must come first)
from embedlab_ui.maps import start_warm_up  # noqa: E402  (set_page_config must come first)
from embedlab_ui.session import workspace  # noqa: E402  (set_page_config must come first)
from embedlab_ui.streamlit_internals import skip_keras_collection_after_runs  # noqa: E402  (set_page_config must come first)
from embedlab_ui.uploads import session_ran  # noqa: E402  (set_page_config must come first)
from embedlab_ui.vectors import vector_source_sidebar  # noqa: E402  (set_page_config must come first)
from embedlab_ui.warmup import start_server_warm_up  # noqa: E402  (set_page_config must come first)
from embedlab_ui.welcome import welcome_strip  # noqa: E402  (set_page_config must come first)

skip_keras_collection_after_runs()  # no full garbage collection after each rerun (the live panel's every second)
name = workspace()  # give this visitor their workspace before any page lists runs
keep_class_link()  # a class member stays one on every page and after a reload (embedlab_ui.classes)
session_ran()  # a session that still runs keeps its uploads' share of the server's budget
start_warm_up()  # once per server process: compile the map kernels before the first visitor asks
start_server_warm_up()  # once per server: GloVe, TensorFlow, the default map, a training worker

pages = [
    st.Page("pages/data.py", title="Data", icon=":material/table_chart:", url_path="data-home", default=True),
    st.Page("pages/train.py", title="Train", icon=":material/model_training:", url_path="train"),
    st.Page("pages/explore.py", title="Explore", icon=":material/scatter_plot:", url_path="explore"),
    st.Page("pages/analogies.py", title="Analogies", icon=":material/functions:", url_path="analogies"),
    st.Page("pages/predict.py", title="Predict", icon=":material/chat:", url_path="predict"),
    st.Page("pages/classes.py", title="Class", icon=":material/school:", url_path="class"),
    st.Page("pages/class_board.py", title="Class board", icon=":material/leaderboard:", url_path="class-board",
            visibility="hidden"),  # reached by the instructor's link
    # The default page lives at "/"; this hidden twin keeps "/data" links working too.
    st.Page("pages/data.py", title="Data", icon=":material/table_chart:", url_path="data", visibility="hidden"),
]
navigation = st.navigation(pages)
login_sidebar()  # with login on: who is logged in, and Log out
vector_source_sidebar()  # every page: the visitor's word vectors (built-in GloVe until they pick another)
if navigation.title == "Data":  # the first screen: what the app is for, until the visitor closes it
    welcome_strip(name)
navigation.run()

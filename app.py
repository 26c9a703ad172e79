"""EmbedLab: the router and shared frame. Each page lives in pages/."""

import streamlit as st

st.set_page_config(page_title="EmbedLab", page_icon="🧭", layout="wide")

from embedlab_ui.session import workspace  # noqa: E402  (set_page_config must come first)

workspace()  # give this visitor their workspace before any page lists runs

from embedlab_ui.projection import start_warm_up  # noqa: E402

start_warm_up()  # once per server process: compile the map kernels before the first visitor asks

pages = [
    st.Page("pages/data.py", title="Data", icon="📄", url_path="data", default=True),
    st.Page("pages/train.py", title="Train", icon="🏋️", url_path="train"),
    st.Page("pages/explore.py", title="Explore", icon="🗺️", url_path="explore"),
    st.Page("pages/analogies.py", title="Analogies", icon="👑", url_path="analogies"),
    st.Page("pages/predict.py", title="Predict", icon="💬", url_path="predict"),
]
navigation = st.navigation(pages)
navigation.run()

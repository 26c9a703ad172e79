"""Streamlit-only glue: workspaces, cached loaders, shared widgets.

The core (``embedlab``) never imports streamlit; this package is the one place that
joins the two. Caches here hold only read-only things shared by every visitor
(vector sets, benchmark files); anything built from one visitor's data lives in
``st.session_state``.
"""

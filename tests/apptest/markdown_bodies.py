"""Every string an AppTest page hands to Streamlit's Markdown renderer, found by walking the element tree.

Markdown is rendered in markdown and caption bodies, alerts, headings, toasts, progress texts,
metric labels, every widget's label and help, radio options, tab and expander labels. Not in
``st.text``, ``st.code``, ``st.html`` (escaped separately), selectbox and multiselect options,
text inputs' values, tables or charts, so those are left out.
"""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

PLAIN_ELEMENTS = {"text", "code", "html", "exception", "json", "plotly_chart", "arrow_data_frame", "dataframe",
                  "table", "image"}
MARKDOWN_FIELDS = ("body", "label", "help", "text")
OPTIONS_IN_MARKDOWN = {"radio"}  # a radio's options are Markdown; a selectbox's are plain text


def _fields(proto) -> set[str]:
    return {field.name for field, _ in proto.ListFields()} if hasattr(proto, "ListFields") else set()


def markdown_bodies(at: AppTest) -> list[tuple[str, str]]:
    """``(element type, Markdown source)`` for everything on the page that is rendered as Markdown."""
    found = []
    for node in at._tree:  # the root block: iterating it walks every block (tabs, expanders) and element below
        proto, kind = getattr(node, "proto", None), getattr(node, "type", "")
        if proto is None or kind in PLAIN_ELEMENTS:
            continue
        present = _fields(proto)
        for name in MARKDOWN_FIELDS:
            value = getattr(proto, name, None) if name in present else None
            if isinstance(value, str) and value:
                found.append((kind, value))
        if kind in OPTIONS_IN_MARKDOWN:
            found += [(kind, option) for option in proto.options]
    return found

"""Predict: type text and watch a trained model's prediction move, with the words that drove it."""

from __future__ import annotations

import html

import streamlit as st
from st_keyup import st_keyup

from embedlab.errors import EmbedLabError
from embedlab.models.explanations import METHOD_LABELS
from embedlab.models.prediction import read_batch_texts
from embedlab_ui.numbers import class_label
from embedlab_ui.runs import (forget_deleted_picks, predictor_for_upload, run_label, run_picker, run_predictor,
                              upload_class_names, workspace_runs)
from embedlab_ui.session import literal, route_through_app, show_error
from embedlab_ui.uploads import hold, parsed_upload, release

route_through_app()  # a deep link on a fresh server still gets app.py's frame

SOURCE_RUN, SOURCE_UPLOAD = "A run of this workspace", "A .keras file saved by EmbedLab"
PREDICTED = "the predicted class"

st.session_state.setdefault("predict.uploaded", None)  # the uploaded keras model or its refusal (embedlab_ui.uploads)
st.session_state.setdefault("predict.batch", None)  # (model name, DataFrame)


def loaded_predictor(run):
    """This visitor's Predictor for ``run`` (one load per model file, shared with the other pages)."""
    with st.spinner(f"Loading {literal(run.name)}…"):
        return run_predictor(run)


def read_model(data: bytes, name: str):
    """An uploaded .keras file's model and the class names to start from (read from it when it keeps them)."""
    from embedlab.models.model_files import load_embedlab_model_bytes

    model = load_embedlab_model_bytes(data, name)
    return model, upload_class_names(data, model)


def uploaded_predictor():
    """A Predictor for the .keras file this visitor uploaded, or None until there is one."""
    upload = st.file_uploader("Model file (.keras)", type=["keras"], key="predict.upload")
    # Loaded once per file, its bytes not kept; a refusal too, not again on every keystroke.
    parsed = parsed_upload(upload, "predict.uploaded", read_model, "Checking and loading")
    if parsed is None:
        return None
    sha256, (model, class_names) = parsed
    digest = sha256[:20]
    # A run's .keras keeps its class names; one per file, so a second upload starts from its own names.
    names = st.text_input(
        "Class names, in the model's output order", value=class_names,
        key=f"predict.upload_classes.{digest}",
        help="Read from the file when EmbedLab saved it; a .keras from elsewhere gets a guess to edit.",
    )
    return predictor_for_upload(f"upload:{digest}", model, [name.strip() for name in names.split(",") if name.strip()],
                                upload.name)


def label_badge(label: str, probability: float) -> str:
    """The predicted label as a large badge; the label comes from a dataset, so it is escaped."""
    return (
        '<div style="font-size:1.6rem;font-weight:600;margin:0.2rem 0 0.6rem 0;">'
        f'<span class="embedlab-label" data-label="{html.escape(label, quote=True)}" '
        'style="background:#eef1ff;border-radius:8px;padding:2px 12px;">'
        f"{html.escape(class_label(label))}</span>"
        f' <span style="font-size:1rem;color:#6b7280;">{probability:.1%}</span></div>'
    )


def show_probabilities(prediction, key: str, badge: bool = True) -> None:
    """Badge with the predicted label (unless shown already) and a bar per class."""
    import pandas as pd

    if badge:
        st.html(label_badge(prediction.label, prediction.probabilities[prediction.label]))
    probabilities = prediction.probabilities
    table = pd.DataFrame({"class": [class_label(name) for name in probabilities],
                          "probability": list(probabilities.values())})
    st.dataframe(
        table, hide_index=True, key=key, width="stretch",
        column_config={"probability": st.column_config.ProgressColumn("probability", min_value=0.0, max_value=1.0,
                                                                      format="percent")},
    )


def show_explanation(predictor, text: str, words) -> None:
    """The tokens coloured by contribution (drawn in ``words``, under the label), with the method and class."""
    from embedlab.models.explanations import contributions_html, explain

    left, right = st.columns(2)
    method = left.radio("Explain with", list(METHOD_LABELS), format_func=METHOD_LABELS.get, horizontal=True,
                        key="predict.method",
                        help="Occlusion: how much the probability drops when the word is deleted. Integrated "
                             "gradients: the gradient along a path from all-padding to your words.")
    # Two classes: a fixed direction (toward the second, usually "positive") reads better
    # than one that flips with the prediction; with more classes the predicted one leads.
    options = list(predictor.class_names) if predictor.binary else [PREDICTED, *predictor.class_names]
    target = right.selectbox("Colour words by their push toward", options, index=1 if predictor.binary else 0,
                             key="predict.target", format_func=class_label)
    explanation = explain(predictor, text, method=method, class_name=None if target == PREDICTED else target)
    words.html(contributions_html(explanation))
    words.caption(
        f"Green words push the prediction toward “{literal(class_label(explanation.class_name))}”, red words push "
        "away from it; the stronger the colour, the bigger the push (relative to the strongest word here). Grey, "
        "struck-through "
        "words marked ? are outside the model's vocabulary: it reads them all as the same unknown token. "
        "Hover a word for its number."
    )
    for note in explanation.notes:
        st.info(literal(note), icon=":material/info:")
    with st.expander("Contributions as numbers"):
        import pandas as pd

        st.dataframe(
            pd.DataFrame(
                [(t.token, t.in_vocabulary, t.contribution) for t in explanation.tokens[:2_000]],
                columns=["token", "in vocabulary", f"contribution to p({class_label(explanation.class_name)})"],
            ),
            hide_index=True, width="stretch",
        )


def show_comparison(text: str, current_run_id: str | None) -> None:
    """The same text scored by up to three other runs, side by side."""
    listing = workspace_runs()
    every_run = {run.run_id: run for run in (listing.runs if listing else [])}
    runs = {run_id: run for run_id, run in every_run.items() if run_id != current_run_id}
    forget_deleted_picks("predict.compare", every_run, runs)
    if not runs:
        return
    st.subheader("Side by side")
    chosen = st.multiselect("Score the same text with other runs (up to three)", list(runs),
                            format_func=lambda run_id: run_label(runs[run_id]), max_selections=3,
                            key="predict.compare")
    for column, run_id in zip(st.columns(max(len(chosen), 1)), chosen):
        with column:
            st.text(run_label(runs[run_id]))
            try:
                show_probabilities(loaded_predictor(runs[run_id]).predict(text), key=f"predict.compare_table.{run_id}")
            except EmbedLabError as error:
                show_error(error)


@st.fragment
def show_live(predictor, run_id: str | None) -> None:
    """The live box and what it drives. A fragment: a keystroke reruns only this, not the page and its frame."""
    live = st.toggle("Update as I type", value=True, key="predict.live",
                     help="Off: a multi-line box for long passages, scored when you press Ctrl+Enter.")
    if live:
        text = st_keyup("Text to score", key="predict.text", debounce=200,
                        placeholder="Type a sentence, e.g. “a wonderful and moving film”")
    else:
        text = st.text_area("Text to score", key="predict.passage", height=160)
    if not text:
        st.info("Type some text above: the prediction and the words that drove it appear here.")
        return
    try:
        prediction = predictor.predict(text)
    except EmbedLabError as error:
        show_error(error)
        return
    for warning in prediction.warnings:
        st.warning(literal(warning), icon=":material/warning:")
    for note in prediction.notes:
        st.info(literal(note), icon=":material/info:")
    # The label and the coloured words first, so both are on the first screen; the numbers and settings below.
    st.html(label_badge(prediction.label, prediction.probabilities[prediction.label]))
    words = st.container()
    show_probabilities(prediction, key="predict.probabilities", badge=False)
    st.subheader("How the words were scored")
    try:
        show_explanation(predictor, prediction.text, words)
    except EmbedLabError as error:
        show_error(error)
    show_comparison(prediction.text, run_id)


def show_batch(predictor) -> None:
    lines = st.text_area("Paste texts, one per line", key="predict.batch_lines", height=160)
    upload = st.file_uploader("…or upload a .txt (one text per line) or .csv (a “text” column, else the first)",
                              type=["txt", "csv"], key="predict.batch_file")
    if st.button("Score every text", key="predict.batch_score", type="primary"):
        try:
            if upload is None:
                release("predict.batch")
                texts = read_batch_texts(lines)
            else:  # the scored texts are kept: they count in the server's uploads budget
                hold("predict.batch", upload.file_id, upload.size, upload.name)
                texts = read_batch_texts(upload.getvalue(), upload.name)
            with st.spinner(f"Scoring {len(texts):,} texts…"):
                st.session_state["predict.batch"] = (predictor.name, predictor.predict_batch(texts))
        except EmbedLabError as error:
            show_error(error)
    if st.session_state["predict.batch"] is None:
        return
    name, table = st.session_state["predict.batch"]
    st.caption(f"{len(table):,} texts scored by {literal(name)}")
    st.dataframe(
        table, hide_index=True, width="stretch", key="predict.batch_table",
        column_config={column: st.column_config.ProgressColumn(column, min_value=0.0, max_value=1.0, format="percent")
                       for column in table.columns if column.startswith("p(")},
    )
    from embedlab.data.spreadsheet import spreadsheet_csv  # texts like "=HYPERLINK(…)" stay inert in a spreadsheet

    st.download_button("Download CSV", spreadsheet_csv(table).encode("utf-8"), file_name="predictions.csv",
                       mime="text/csv", key="predict.batch_download")


st.title("Predict")
st.caption("Type text and watch a trained model's prediction move as you type, with the words that drove it.")

source_column, model_column = st.columns([2, 3])  # side by side: the live box and its answer stay on screen one
source = source_column.radio("Model", [SOURCE_RUN, SOURCE_UPLOAD], key="predict.source")
predictor, run_id = None, None
try:
    with model_column:
        if source == SOURCE_RUN:
            run = run_picker("Run", key="predict.run")
            if run is not None:
                predictor, run_id = loaded_predictor(run), run.run_id
        else:
            predictor = uploaded_predictor()
except EmbedLabError as error:
    show_error(error)

if predictor is not None:
    live_tab, batch_tab = st.tabs(["Live", "Many texts"])
    with live_tab:
        show_live(predictor, run_id)
    with batch_tab:
        show_batch(predictor)

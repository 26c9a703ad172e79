"""Data: pick a built-in dataset or upload a labelled file, then see what is in it."""

from __future__ import annotations

import streamlit as st

from embedlab.data.builtins import BUILTIN_DATASETS, DEFAULT_DATASET
from embedlab.data.files import label_variant_groups, labelled_from_table
from embedlab.data.tables import MAX_BYTES, MAX_CLASSES, MAX_ROWS, inspect_table
from embedlab.errors import EmbedLabError
from embedlab.models.runs.kept_datasets import limits
from embedlab_ui import charts
from embedlab_ui.datasets import builtin, current_dataset, dataset_stats, set_current_dataset
from embedlab_ui.kept_datasets import DELETED_KEY, NOTICE_KEY, forget, kept_index, kept_upload, load_kept, said
from embedlab_ui.session import literal, route_through_app, show_error
from embedlab_ui.uploads import parsed_upload
from embedlab_ui.vectors import current_vectors

route_through_app()  # a deep link on a fresh server still gets app.py's frame

FORMAT_NAMES = {"csv": "CSV", "tsv": "TSV", "delimited": "delimited text", "jsonl": "JSON Lines",
                "json": "JSON records", "fasttext": "fastText (__label__ lines)", "text": "text"}
DELIMITER_NAMES = {",": "comma", "\t": "tab", ";": "semicolon", "|": "pipe"}
PREVIEW_ROWS = 500

st.session_state.setdefault("data.table", None)  # this visitor's parsed upload (embedlab_ui.uploads)


def load_builtin_section() -> None:
    name = st.radio("Built-in dataset", list(BUILTIN_DATASETS), format_func=BUILTIN_DATASETS.get,
                    index=list(BUILTIN_DATASETS).index(DEFAULT_DATASET), key="data.builtin")
    if st.button("Load", key="data.load", type="primary"):
        bar = st.progress(0.0, text=f"Loading {name}…")
        try:
            dataset = builtin(name, _progress=lambda fraction, message: bar.progress(fraction, text=message))
        except EmbedLabError as error:
            bar.empty()
            show_error(error)
            return
        bar.empty()
        set_current_dataset(dataset)
        st.success(f"Now using {literal(dataset.name)}: {len(dataset):,} texts.", icon=":material/check_circle:")


def upload_section() -> None:
    upload = st.file_uploader(
        "Labelled text file", type=["csv", "tsv", "txt", "jsonl", "json"], key="data.upload",
        help=f"CSV/TSV with a header, JSON Lines, a JSON list of records, or fastText lines (`__label__pos text`). "
             f"Up to {MAX_BYTES // 1024**2} MB and {MAX_ROWS:,} rows; at most {MAX_CLASSES} classes.",
    )
    parsed = parsed_upload(upload, "data.table", inspect_table)  # a TableFile, parsed once per file
    if parsed is None:
        st.caption(f"One text and one label per row; 2 to {MAX_CLASSES} classes. Numeric ratings can be split "
                   "into negative/positive by a threshold.")
        return
    _, table = parsed
    delimiter = ""
    if table.delimiter:
        delimiter = f" · delimiter: {DELIMITER_NAMES.get(table.delimiter, repr(table.delimiter))}"
    st.markdown(f"**Detected:** {FORMAT_NAMES.get(table.format, table.format)} · encoding: `{table.encoding}`"
                f"{delimiter} · {len(table.frame):,} rows · {len(table.columns)} columns")
    for note in table.notes:
        st.info(literal(note), icon=":material/info:")
    columns = table.columns
    left, right = st.columns(2)
    text_column = left.selectbox("Text column", columns, key="data.text_column",
                                 index=columns.index(table.text_column) if table.text_column in columns else 0)
    label_default = table.label_column if table.label_column in columns else columns[min(1, len(columns) - 1)]
    label_column = right.selectbox("Label column", columns, index=columns.index(label_default),
                                   key="data.label_column")
    threshold = None
    split = table.needs_threshold(label_column)
    if not split and table.is_numeric(label_column):
        split = st.checkbox(f"Split “{literal(label_column)}” into negative/positive at a threshold", key="data.split",
                            help="For star ratings and scores; leave off to keep each value as its own class.")
    if split:
        threshold = st.number_input(
            f"“{literal(label_column)}” holds numeric ratings: above this threshold is positive, below it negative "
            "(rows exactly at it are dropped and counted)",
            value=table.suggested_threshold(label_column), key="data.threshold",
        )
    merge = threshold is None and merge_label_variants_choice(table, label_column)
    st.dataframe(table.frame.head(20), hide_index=True, width="stretch", key="data.raw_preview")
    if st.button("Use this dataset", key="data.use", type="primary"):
        try:
            dataset = labelled_from_table(table, text_column, label_column, threshold, merge_label_variants=merge)
            set_current_dataset(dataset, upload)  # counted as that upload in the server's uploads budget
        except EmbedLabError as error:
            show_error(error)
            return
        st.success(f"Now using {literal(dataset.name)}: {len(dataset):,} texts in {dataset.num_classes} classes.",
                   icon=":material/check_circle:")


def kept_section() -> None:
    """The datasets this workspace keeps with its address: pick one to use again, or delete one to make room."""
    index = kept_index()
    for problem in (st.session_state.get(NOTICE_KEY), index.problem):
        if problem:
            st.warning(literal(problem), icon=":material/history:")
    deleted = st.session_state.pop(DELETED_KEY, None)
    if deleted is not None:
        st.success(f"Deleted {literal(deleted)} from this workspace.", icon=":material/delete:")
    most, most_bytes = limits()
    if not index.datasets:
        st.caption(f"An upload you use is kept here, with this page's address (up to {most} datasets): open the "
                   "address in a new tab, or after a restart, and it is the current dataset again.")
        return
    by_fingerprint = {entry.fingerprint: entry for entry in index.datasets}
    held = sum(entry.size for entry in index.datasets)
    st.caption(f"Kept with this page's address: {len(index.datasets)} of at most {most} datasets, "
               f"{f'{held / 1e6:.1f} MB' if held >= 100_000 else f'{max(held / 1e3, 1):.0f} kB'} of "
               f"{most_bytes / 1e6:g} MB.")
    chosen = by_fingerprint[st.selectbox(  # options are plain text: a file's name shows as typed
        "Your datasets", list(by_fingerprint), key="data.kept",
        format_func=lambda fingerprint: f"{by_fingerprint[fingerprint].name} · {by_fingerprint[fingerprint].rows:,} "
                                        f"texts · {by_fingerprint[fingerprint].classes} classes")]
    use, delete = st.columns(2)
    if use.button("Use this one again", key="data.kept_use", type="primary"):
        dataset = load_kept(chosen)  # EmbedLabError (damaged, budget full) is shown by the tab's caller
        set_current_dataset(dataset, kept_upload(chosen))
        st.success(f"Now using {literal(dataset.name)}: {len(dataset):,} texts.", icon=":material/check_circle:")
    if delete.button("Delete", key="data.kept_delete", help="Removes it from this workspace's storage"):
        forget(chosen)
        if current_dataset().fingerprint == chosen.fingerprint:
            set_current_dataset(builtin(DEFAULT_DATASET))
        st.rerun()


def merge_label_variants_choice(table, label_column: str) -> bool:
    """Say which labels differ only in case, spaces or leading zeros; ask whether to merge them (False if none do)."""
    variants = label_variant_groups(table.frame[label_column])
    if not variants:
        return False
    groups = "; ".join(" / ".join(repr(name) for name in names) for names in variants)
    st.warning(literal(f"Some labels in “{label_column}” differ only in case, spaces or leading zeros, so each "
                       f"spelling would be a class of its own: {groups}."), icon=":material/warning:")
    return st.checkbox("Merge classes that differ only in case, spaces or leading zeros", key="data.merge_labels",
                       help="Each group becomes one class, named by its most frequent spelling.")


def show_dataset(dataset) -> None:
    import pandas as pd

    st.header(f"Current dataset: {literal(dataset.name)}", anchor=False)
    if dataset.dropped:
        total = sum(dataset.dropped.values())
        st.warning(literal(f"{total:,} {'row was' if total == 1 else 'rows were'} left out: "
                           + "; ".join(f"{reason}: {count:,}" for reason, count in dataset.dropped.items())),
                   icon=":material/warning:")
    for note in dataset.notes:
        st.info(literal(note), icon=":material/info:")
    vectors = current_vectors()
    with st.spinner("Counting words…"):
        summary, words, coverage = dataset_stats(dataset.fingerprint, vectors.fingerprint, dataset, vectors)

    metrics = st.columns(4)
    metrics[0].metric("Texts", f"{summary.num_examples:,}")
    metrics[1].metric("Classes", len(summary.class_counts))
    metrics[2].metric("Vocabulary", f"{summary.vocabulary_size:,}", help="distinct tokens, cut as the model cuts them")
    metrics[3].metric("Suggested sequence length", summary.suggested_sequence_length,
                      help="95th percentile of tokens per text, rounded up to a multiple of 8 (8..512)")

    preview = pd.DataFrame({"text": dataset.texts[:PREVIEW_ROWS],
                            "label": [dataset.class_names[label] for label in dataset.labels[:PREVIEW_ROWS]]})
    st.caption(f"First {len(preview):,} of {len(dataset):,} texts")
    st.dataframe(preview, hide_index=True, width="stretch", key="data.preview")

    balance, lengths = st.columns(2)
    with balance:
        st.subheader("Class balance", anchor=False)
        st.plotly_chart(charts.class_balance_figure(summary.class_counts), key="data.balance")
    with lengths:
        st.subheader("Text length", anchor=False)
        st.plotly_chart(charts.text_length_figure(summary.histogram_edges, summary.histogram_counts,
                                                  summary.suggested_sequence_length), key="data.lengths")
        st.caption(f"Tokens per text: mean {summary.mean_length:.1f}, 95th percentile {summary.p95_length:.0f}, "
                   f"longest {summary.max_length:,}.")

    st.subheader("Top words per class", anchor=False)
    st.caption("Most frequent, and most telling (log-odds against the other classes, smoothed so rare words do "
               "not win by luck). Common function words and punctuation are left out.")
    for name, column in zip(summary.class_counts, st.columns(min(len(summary.class_counts), 4))):
        own = words[words["class"] == name]
        table = pd.DataFrame({
            "most frequent": pd.Series(own[own["kind"] == "count"]["word"].tolist(), dtype=object),
            "most telling": pd.Series(own[own["kind"] == "log-odds"]["word"].tolist(), dtype=object),
        })
        column.markdown(f"**{literal(name)}**")
        column.dataframe(table, hide_index=True, width="stretch", key=f"data.words.{name}")

    # This visitor's name for the set: the cached coverage may come from another visitor's identical file.
    st.subheader(f"Coverage by {literal(vectors.name)}", anchor=False)
    left, middle, right = st.columns(3)
    left.metric("Tokens with a vector", f"{coverage.token_share:.1%}")
    middle.metric("Distinct tokens with a vector", f"{coverage.type_share:.1%}")
    right.metric("Distinct tokens", f"{coverage.num_types:,}")
    if coverage.missing:
        st.caption("Most frequent tokens without a vector (the model reads each as the unknown token):")
        st.dataframe(pd.DataFrame(coverage.missing, columns=["token", "count"]), hide_index=True,
                     key="data.missing")


st.title("Data")
st.caption("Pick a built-in dataset or upload your own labelled texts, then see what is in them.")

builtin_tab, upload_tab, kept_tab = st.tabs(["Built-in", "Upload", "Your datasets"])
with builtin_tab:
    load_builtin_section()
with upload_tab:
    try:
        upload_section()
    except EmbedLabError as error:
        show_error(error)
with kept_tab:
    try:
        kept_section()
    except EmbedLabError as error:
        show_error(EmbedLabError(said(error)))  # a storage's failure without its address

try:
    show_dataset(current_dataset())
except EmbedLabError as error:
    show_error(error)

"""``python -m embedlab dataset NAME|FILE``: what is in a built-in dataset or a labelled file."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_commands(subparsers) -> None:
    """Register ``dataset``."""
    from embedlab.cli import add_json_flag
    from embedlab.datasets import BUILTIN_DATASETS

    parser = subparsers.add_parser(
        "dataset",
        help="describe a built-in dataset or a labelled text file (classes, lengths, words, GloVe coverage)",
        description=f"Describe a dataset: one of {', '.join(BUILTIN_DATASETS)}, or a CSV/TSV/JSON/JSONL/fastText file.",
    )
    parser.add_argument("source", metavar="NAME|FILE", help="a built-in dataset name or the path of a labelled file")
    parser.add_argument("--text-column", help="column holding the texts (default: suggested)")
    parser.add_argument("--label-column", help="column holding the labels (default: suggested)")
    parser.add_argument("--threshold", type=float, help="binarise numeric ratings: above is positive, at it dropped")
    parser.add_argument("--top", type=int, default=10, help="words per class to list (default 10)")
    parser.add_argument("--no-coverage", action="store_true", help="skip GloVe coverage (no vectors loaded)")
    add_json_flag(parser)
    parser.set_defaults(handler=dataset_command)


def load_dataset(source: str, text_column=None, label_column=None, threshold=None):
    """A built-in dataset by name, else a labelled file by path."""
    from embedlab.dataset_files import read_labelled_file
    from embedlab.datasets import BUILTIN_DATASETS, builtin_dataset
    from embedlab.errors import EmbedLabError

    if source in BUILTIN_DATASETS:
        return builtin_dataset(source)
    if not Path(source).expanduser().is_file():
        raise EmbedLabError(f"{source} is neither a built-in dataset ({', '.join(BUILTIN_DATASETS)}) nor a file; "
                            "give one of those names or the path of a labelled file")
    return read_labelled_file(source, text_column=text_column, label_column=label_column, rating_threshold=threshold)


def dataset_command(args: argparse.Namespace) -> tuple[dict, str]:
    """Summary, top words and (unless --no-coverage) GloVe coverage of one dataset."""
    from embedlab.dataset_stats import describe, glove_coverage, tokenize_all, top_words

    dataset = load_dataset(args.source, args.text_column, args.label_column, args.threshold)
    tokens = tokenize_all(dataset.texts)
    summary = describe(dataset, tokens)
    words = top_words(dataset, args.top, tokens)
    result = summary.to_dict()
    result["class_names"] = list(dataset.class_names)
    result["top_words"] = {
        name: {kind: group["word"].tolist() for kind, group in words[words["class"] == name].groupby("kind")}
        for name in dataset.class_names
    }
    lines = [
        summary.name,
        f"{summary.num_examples:,} examples: "
        + ", ".join(f"{name} {count:,}" for name, count in summary.class_counts.items()),
    ]
    if summary.dropped:
        lines.append("dropped: " + ", ".join(f"{reason} {count:,}" for reason, count in summary.dropped.items()))
    lines += [
        f"tokens per text: mean {summary.mean_length:.1f}, 95th percentile {summary.p95_length:.0f}, max "
        f"{summary.max_length:,} → suggested sequence length {summary.suggested_sequence_length}",
        f"vocabulary: {summary.vocabulary_size:,} distinct tokens",
    ]
    for name, kinds in result["top_words"].items():
        lines.append(f"top words ({name}): {', '.join(kinds.get('count', []))}")
        lines.append(f"telling words ({name}): {', '.join(kinds.get('log-odds', []))}")
    if not args.no_coverage:
        from embedlab.vector_io import load_default_vectors

        coverage = glove_coverage(dataset, load_default_vectors(), tokens=tokens)
        result["coverage"] = coverage.to_dict()
        lines.append(f"{coverage.vectors_name} covers {coverage.token_share:.1%} of tokens, {coverage.type_share:.1%} "
                     f"of distinct tokens; most frequent missing: {', '.join(w for w, _ in coverage.missing[:10])}")
    lines += [f"note: {note}" for note in summary.notes]
    return result, "\n".join(lines)

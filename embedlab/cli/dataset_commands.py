"""``python -m embedlab dataset NAME|FILE``: what is in a built-in dataset or a labelled file."""

from __future__ import annotations

import argparse

from embedlab.cli.options import add_data_arguments, add_json_flag, dataset_from
from embedlab.data.builtins import BUILTIN_DATASETS


def add_commands(subparsers) -> None:
    """Register ``dataset``."""

    parser = subparsers.add_parser(
        "dataset",
        help="describe a built-in dataset or a labelled text file (classes, lengths, words, GloVe coverage)",
        description=f"Describe a dataset: one of {', '.join(BUILTIN_DATASETS)}, or a CSV/TSV/JSON/JSONL/fastText file.",
    )
    add_data_arguments(parser)
    parser.add_argument("--top", type=int, default=10, help="words per class to list (default 10)")
    parser.add_argument("--no-coverage", action="store_true", help="skip GloVe coverage (no vectors loaded)")
    add_json_flag(parser)
    parser.set_defaults(handler=dataset_command)


def dataset_command(args: argparse.Namespace) -> tuple[dict, str]:
    """Summary, top words and (unless --no-coverage) GloVe coverage of one dataset."""
    from embedlab.data.stats import class_words, describe, glove_coverage, tokenize_all

    dataset = dataset_from(args)
    tokens = tokenize_all(dataset.texts)
    summary = describe(dataset, tokens)
    words = class_words(dataset, args.top, tokens)
    result = summary.to_dict()
    result["class_names"] = list(dataset.class_names)
    result["label_variants"] = [list(names) for names in dataset.label_variants]
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
        from embedlab.vectors.io import load_default_vectors

        coverage = glove_coverage(dataset, load_default_vectors(), tokens=tokens)
        result["coverage"] = coverage.to_dict()
        lines.append(f"{coverage.vectors_name} covers {coverage.token_share:.1%} of tokens, {coverage.type_share:.1%} "
                     f"of distinct tokens; most frequent missing: {', '.join(w for w, _ in coverage.missing[:10])}")
    lines += [f"note: {note}" for note in summary.notes]
    if dataset.label_variants:
        lines.append("note: add --merge-label-variants to treat each group of "
                     + " / ".join(f"{{{', '.join(names)}}}" for names in dataset.label_variants) + " as one class")
    return result, "\n".join(lines)

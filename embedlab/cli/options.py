"""The options every command shares, defined once: ``--json``, ``--vectors``, and where a dataset comes from."""

from __future__ import annotations

import argparse
from pathlib import Path

from embedlab.data.builtins import BUILTIN_DATASETS, builtin_dataset
from embedlab.errors import EmbedLabError
from embedlab.vectors.io import DEFAULT_SPEC


def add_json_flag(parser: argparse.ArgumentParser) -> None:
    """Every command takes --json for machine-readable output."""
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def add_vectors_flag(parser) -> None:
    """``--vectors SPEC`` on a parser (or a group of exclusive options); read it back with ``vectors_from``."""
    parser.add_argument(
        "--vectors", default=DEFAULT_SPEC, metavar="SPEC",
        help=f"'{DEFAULT_SPEC}' (built in, the default) or the path of a GloVe/word2vec text or binary file, "
             "or of a Projector vectors.tsv with metadata.tsv beside it",
    )


def vectors_from(args: argparse.Namespace):
    """The WordVectors that ``--vectors`` names (parsed once, then read from the vector cache)."""
    from embedlab.vectors.io import load_vectors

    return load_vectors(args.vectors)


def add_data_arguments(parser: argparse.ArgumentParser, optional_default: str | None = None) -> None:
    """DATA (a built-in dataset name or a labelled file) and how to read a file's columns."""
    parser.add_argument("data", metavar="DATA", nargs="?" if optional_default else None, default=optional_default,
                        help=f"a built-in dataset name ({', '.join(BUILTIN_DATASETS)}) or a labelled CSV/TSV/"
                             "JSON/JSONL/fastText file")
    parser.add_argument("--text-column", default=None, help="column with the texts (files only; default: suggested)")
    parser.add_argument("--label-column", default=None,
                        help="column with the labels (files only; default: suggested)")
    parser.add_argument("--rating-threshold", "--threshold", dest="rating_threshold", type=float, default=None,
                        help="a numeric label column becomes positive above this value, negative below, and rows "
                             "at it are dropped (files only)")
    parser.add_argument("--merge-label-variants", action="store_true",
                        help="treat labels that differ only in case or spaces (NEG/Neg, True/true), or numbers only "
                             "in leading zeros (01/1), as one class, "
                             "named by the most frequent spelling (files only)")


def dataset_from(args: argparse.Namespace):
    """The LabelledDataset that DATA names: a built-in dataset, else a labelled file."""
    from embedlab.data.files import read_labelled_file

    if args.data in BUILTIN_DATASETS:
        return builtin_dataset(args.data)
    path = Path(args.data).expanduser()
    if not path.is_file():
        raise EmbedLabError(
            f"DATA '{args.data}' is neither a built-in dataset ({', '.join(BUILTIN_DATASETS)}) nor a file; "
            "give one of those names or the path of a labelled file"
        )
    return read_labelled_file(path, filename=path.name, text_column=args.text_column,
                              label_column=args.label_column, rating_threshold=args.rating_threshold,
                              merge_label_variants=getattr(args, "merge_label_variants", False))

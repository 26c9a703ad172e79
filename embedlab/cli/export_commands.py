"""``python -m embedlab export``: write a vector set as word2vec text or TensorFlow Projector TSV."""

from __future__ import annotations

import argparse
from pathlib import Path

from embedlab.cli.options import add_json_flag, add_vectors_flag, vectors_from
from embedlab.errors import EmbedLabError


def add_commands(subparsers) -> None:
    """Register ``export``."""

    parser = subparsers.add_parser(
        "export",
        help="write word vectors as word2vec text or TensorFlow Projector TSV files",
        description="Write a vector set (the built-in GloVe or any vector file) in another format.",
    )
    add_vectors_flag(parser)
    parser.add_argument("--format", choices=("word2vec", "projector"), required=True,
                        help="word2vec: one text file gensim reads; projector: vectors.tsv + metadata.tsv "
                             "for projector.tensorflow.org")
    parser.add_argument("--out", required=True, metavar="PATH",
                        help="the file to write (word2vec) or the folder for the two files (projector)")
    parser.add_argument("--limit", type=int, metavar="N", help="only the N most frequent words")
    add_json_flag(parser)
    parser.set_defaults(handler=export_command)


def export_command(args: argparse.Namespace) -> tuple[dict, str]:
    """Load the vectors, keep the first ``--limit`` words, write them in ``--format``."""
    from embedlab.vectors.io import save_projector_tsv, save_word2vec_text

    if args.limit is not None and args.limit < 1:
        raise EmbedLabError(f"--limit {args.limit} keeps no words; give a positive number, e.g. --limit 10000")
    vectors = vectors_from(args)
    if args.limit is not None:
        vectors = vectors.head(args.limit)
    out = Path(args.out).expanduser()
    if args.format == "word2vec":
        if out.is_dir():
            raise EmbedLabError(
                f"--out {out} is a folder; word2vec export writes one file, e.g. --out {out / 'vectors.txt'}"
            )
        files = [save_word2vec_text(vectors, out)]
    else:
        if out.exists() and not out.is_dir():
            raise EmbedLabError(
                f"--out {out} is a file; projector export writes two files into a folder — give a folder"
            )
        files = list(save_projector_tsv(vectors, out))
    result = {"vectors": vectors.name, "format": args.format, "words": len(vectors), "dim": vectors.dim,
              "files": [str(path) for path in files], "notes": list(vectors.notes)}
    text = f"wrote {len(vectors):,} words x {vectors.dim} dimensions of {vectors.name} to " + ", ".join(
        str(path) for path in files)
    return result, "\n".join([text, *(f"note: {note}" for note in vectors.notes)])

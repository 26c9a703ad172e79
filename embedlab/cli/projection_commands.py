"""``python -m embedlab project``: a UMAP or PCA map of word vectors, to CSV (and HTML, PNG)."""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from embedlab.cli import add_command
from embedlab.cli.options import add_vectors_flag, vectors_from
from embedlab.errors import EmbedLabError


def add_commands(subparsers) -> None:
    """Register ``project``."""

    parser = add_command(
        subparsers, "project", project_command,
        help="map word vectors to 2D or 3D with UMAP or PCA (coordinates CSV, optional HTML and PNG figures)",
        description="Map word vectors (a vector set, or a trained run's learned embedding) to 2D or 3D.",
    )
    source = parser.add_mutually_exclusive_group()
    add_vectors_flag(source)
    source.add_argument("--run", metavar="RUN_DIR", help="a run folder: map its learned embedding")
    words = parser.add_mutually_exclusive_group()
    words.add_argument("--top", type=int, default=None, metavar="N",
                       help="the N most frequent words (default 2000, at most 100000)")
    words.add_argument("--words", nargs="+", metavar="W", help="these words (unknown ones are listed and skipped)")
    parser.add_argument("--method", choices=("umap", "pca"), default="umap")
    parser.add_argument("--n-components", type=int, choices=(2, 3), default=2)
    parser.add_argument("--n-neighbors", type=int, default=15, help="UMAP: neighbourhood size (default 15)")
    parser.add_argument("--min-dist", type=float, default=0.1, help="UMAP: how tightly points pack (default 0.1)")
    parser.add_argument("--metric", choices=("cosine", "euclidean"), default="cosine")
    parser.add_argument("--seed", type=int, default=0, help="random seed; the same seed gives the same map")
    parser.add_argument("--exact-up-to", type=int, default=None, metavar="N",
                        help="UMAP: exact neighbours up to N words, NN-descent past it (default 20000)")
    parser.add_argument("--out", required=True, metavar="FILE.csv",
                        help="where to write word,x,y(,z) (a word starting with = + - @ gets a leading ' so a "
                             "spreadsheet shows it as text)")
    parser.add_argument("--html", metavar="FILE", help="also write an interactive figure (works offline)")
    parser.add_argument("--png", metavar="FILE", help="also write the figure as a PNG image (needs Chromium)")


def project_command(args: argparse.Namespace) -> tuple[dict, str]:
    """Choose the words, build the map (``embedlab.maps.pipeline``, as the Explore page does), write the files."""
    from embedlab.maps.pipeline import MapParams, build_map
    from embedlab.maps.words import most_frequent_words, pasted_words

    if args.top is not None and args.top < 1:
        raise EmbedLabError(f"--top {args.top} maps no words; give a positive number of words, e.g. --top 2000")
    out = Path(args.out).expanduser()
    for option, path in (("--out", out), ("--html", args.html), ("--png", args.png)):
        if path:
            _writable(option, Path(path).expanduser())  # before the map: a map takes a while, then is lost
    vectors = _source(args)
    if args.words:
        choice = pasted_words(vectors, " ".join(args.words))
    else:
        choice = most_frequent_words(vectors, args.top or 2_000)
    notes = list(vectors.notes) + list(choice.notes)
    if choice.unknown:
        notes.append(choice.unknown_message(vectors.name, limit=None))
    params = MapParams(args.method, args.n_components, args.n_neighbors, args.min_dist, args.metric, args.seed)
    if args.exact_up_to is not None and args.exact_up_to < 0:
        raise EmbedLabError(f"--exact-up-to {args.exact_up_to} is negative; give a number of words, e.g. 20000")
    switch = {} if args.exact_up_to is None else {"exact_up_to": args.exact_up_to}
    word_map = build_map(vectors, choice.words, params, **switch)
    projection = word_map.projection
    notes += projection.notes  # e.g. 1-d vectors, put on a line
    out.write_text(word_map.csv(), encoding="utf-8")  # formula-like words (=, +, -, @) stay inert
    if args.html or args.png:
        fig = word_map.figure()
        if args.html:
            from embedlab.maps.figures import figure_html

            Path(args.html).expanduser().write_bytes(figure_html(fig))
        if args.png:
            from embedlab.maps.figures import figure_png

            Path(args.png).expanduser().write_bytes(figure_png(fig))
    result = {
        "source": vectors.name, "words": len(choice.words), "method": projection.method,
        "params": projection.params, "trustworthiness": projection.trustworthiness,
        "explained_variance": projection.explained_variance, "seconds": round(projection.seconds, 3),
        "stage_seconds": {stage: round(seconds, 3) for stage, seconds in projection.stage_seconds.items()},
        "neighbour_search": projection.neighbour_search, "neighbour_recall": projection.neighbour_recall,
        "sample_trustworthiness": projection.sample_trustworthiness, "trust_sample": projection.trust_sample,
        "out": str(out), "html": args.html, "png": args.png, "unknown": choice.unknown, "notes": notes,
    }
    lines = [f"{len(choice.words):,} words of {vectors.name} → {params.describe()} in {projection.seconds:.1f} s; "
             f"coordinates in {out}"]
    lines.append("seconds per stage: " + ", ".join(f"{stage} {seconds:.1f}"
                                                   for stage, seconds in projection.stage_seconds.items()))
    if projection.neighbour_recall is not None:
        lines.append(f"neighbours by NN-descent: recall@{args.n_neighbors} {projection.neighbour_recall:.3f} on "
                     f"{projection.trust_sample:,} sampled words")
    if projection.trustworthiness is not None:
        lines.append(f"trustworthiness (k=10): {projection.trustworthiness:.3f}")
    if projection.sample_trustworthiness is not None:
        lines.append(f"trustworthiness (k=15, {projection.trust_sample:,} sampled words): "
                     f"{projection.sample_trustworthiness:.3f}")
    if projection.explained_variance is not None:
        lines.append("explained variance: " + ", ".join(f"{v:.1%}" for v in projection.explained_variance))
    if args.html:
        lines.append(f"figure in {args.html}")
    if args.png:
        lines.append(f"image in {args.png}")
    lines += [f"note: {note}" for note in notes]
    return result, "\n".join(lines)


def _source(args):
    if args.run:
        from embedlab.models.learned import learned_embedding
        from embedlab.models.runs.catalog import read_run

        return learned_embedding(read_run(Path(args.run).expanduser()))
    return vectors_from(args)


def _writable(option: str, path: Path) -> None:
    """Raise EmbedLabError unless a file can be written at ``path``: its folder exists and takes files."""
    if path.is_dir():
        raise EmbedLabError(f"{option} {path} is a folder; give a file name inside it, e.g. {path / 'map.csv'}")
    folder = path.parent
    if not folder.is_dir():
        above = next((parent for parent in folder.parents if parent.exists()), None)
        if folder.exists() or (above is not None and not above.is_dir()):
            raise EmbedLabError(f"{option} {path} is under a file ({above if not folder.exists() else folder}), "
                                "not a folder; write somewhere else")
        raise EmbedLabError(f"{option}: folder {folder} does not exist; create it or write elsewhere")
    try:
        if path.exists():
            with open(path, "ab"):
                pass  # opened for writing, nothing written
        else:
            with tempfile.NamedTemporaryFile(dir=folder, prefix=".embedlab-check-"):
                pass
    except OSError as error:
        reason = os.strerror(error.errno) if error.errno else str(error)
        raise EmbedLabError(f"{option} {path} cannot be written ({reason}); pick a writable folder") from None


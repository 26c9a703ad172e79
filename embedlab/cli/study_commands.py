"""``python -m embedlab study DATA …``: when do pre-trained embeddings pay, on DATA.

Sizes × embeddings × seeds, one encoder, one fixed test set; every cell a job (so the
process and Ray backends run cells in parallel), progress on stderr, the two
baselines at every size. ``--json`` prints ``{"headline": "…", "reading": […], "cells": […],
"baselines": […], …}``. Its defaults are the Study tab's (``embedlab.models.study.cells``), so the
same data gives the same numbers on the page and here. ``--out FOLDER`` keeps the study there as
the Study tab does in a workspace (``FOLDER`` = ``runs/<workspace>``, or ``s3://…/<workspace>``),
cell by cell; the same command again resumes it, training only the cells it lacks.
"""

from __future__ import annotations

import sys

from embedlab.cli.options import add_data_arguments, add_json_flag, add_vectors_flag, dataset_from, vectors_from
from embedlab.errors import EmbedLabError
from embedlab.models.architecture import EMBEDDING_KINDS, ENCODERS
from embedlab.models.study.cells import DEFAULT_ENCODER, DEFAULT_EPOCHS, DEFAULT_SEEDS, DEFAULT_SIZES


def add_commands(subparsers) -> None:
    """Register ``study``."""
    parser = subparsers.add_parser(
        "study", help="accuracy against training rows for each embedding choice, with baselines",
        description="Train the same model on growing numbers of DATA's rows with each embedding choice and "
                    "several seeds, all tested on one fixed held-out set, beside two logistic-regression "
                    "baselines; then say what the numbers show.",
    )
    add_data_arguments(parser)
    sizes = ",".join("all" if size is None else str(size) for size in DEFAULT_SIZES)
    parser.add_argument("--sizes", default=sizes, type=_sizes,
                        help=f"training rows per cell, comma separated; 'all' = every row not held out "
                             f"(default: {sizes})")
    parser.add_argument("--embeddings", default=",".join(EMBEDDING_KINDS), type=_embeddings,
                        help=f"comma separated, from {', '.join(EMBEDDING_KINDS)} (default: all three)")
    parser.add_argument("--seeds", type=int, default=DEFAULT_SEEDS,
                        help=f"seeds per size and embedding (default: {DEFAULT_SEEDS})")
    parser.add_argument("--encoder", choices=ENCODERS, default=DEFAULT_ENCODER, help=f"(default: {DEFAULT_ENCODER})")
    parser.add_argument("--test-size", type=int, default=None, metavar="N",
                        help="rows in the fixed test set (default: 20%% of the rows, at most 2,000)")
    parser.add_argument("--epochs", type=int, default=DEFAULT_EPOCHS,
                        help=f"epochs at most per cell, early stopping on (default: {DEFAULT_EPOCHS}, as on the "
                             "Study tab)")
    parser.add_argument("--out", default=None, metavar="FOLDER",
                        help="keep the study in FOLDER (a workspace's runs folder, local or s3://), cell by cell; "
                             "run again to resume it")
    add_vectors_flag(parser)
    add_json_flag(parser)
    parser.set_defaults(handler=study_command)


def _sizes(text: str) -> tuple[int | None, ...]:
    sizes = []
    for part in filter(None, (piece.strip().lower() for piece in text.split(","))):
        if part == "all":
            sizes.append(None)
            continue
        try:
            size = int(part.replace("_", ""))
        except ValueError:
            raise EmbedLabError(f"training size {part!r} is not a number; write e.g. --sizes 100,300,1000,all") \
                from None
        if size < 10:
            raise EmbedLabError(f"training size {size} is too small to train on; use 10 rows or more")
        sizes.append(size)
    if not sizes:
        raise EmbedLabError("--sizes is empty; write e.g. --sizes 100,300,1000,all")
    return tuple(sizes)


def _embeddings(text: str) -> tuple[str, ...]:
    kinds = tuple(filter(None, (piece.strip() for piece in text.split(","))))
    unknown = [kind for kind in kinds if kind not in EMBEDDING_KINDS]
    if unknown or not kinds:
        raise EmbedLabError(f"embedding {', '.join(unknown) or '(none)'} is not known; pick from "
                            f"{', '.join(EMBEDDING_KINDS)}")
    return kinds


class CellProgress:
    """One line on stderr per finished cell."""

    def __init__(self, total: int, stream=None) -> None:
        self.total, self.stream, self.reported = total, stream or sys.stderr, 0

    def __call__(self, result) -> None:
        for cell in result.to_json()["cells"][self.reported:]:
            self.reported += 1
            self.stream.write(f"[{self.reported}/{self.total}] {cell['size']:>6,} rows  {cell['embedding']:<16} "
                              f"seed {cell['seed']}  accuracy {cell['accuracy']:.3f}  "
                              f"({cell['seconds']:.1f} s)\n")
        self.stream.flush()


def study_command(args):
    from embedlab.models.study.cells import StudyPlan, plan_cells, reading, run_study
    from embedlab.models.study.reading import headline

    if args.seeds < 1:
        raise EmbedLabError(f"--seeds {args.seeds} is out of range; use 1 or more")
    dataset = dataset_from(args)
    plan = StudyPlan(sizes=args.sizes, embeddings=args.embeddings, seeds=args.seeds, encoder=args.encoder,
                     test_size=args.test_size, epochs=args.epochs)
    cell_plan = plan_cells(dataset, plan)  # a plan that does not fit the data fails before anything loads
    # The mean-vector baseline needs the vectors even when only random embeddings are studied.
    vectors = vectors_from(args)
    print(f"study: {len(cell_plan.cells)} cells on {dataset.name}, test set {len(cell_plan.test_rows):,} rows",
          file=sys.stderr)
    for note in cell_plan.notes:
        print(f"note: {note}", file=sys.stderr)
    progress = CellProgress(len(cell_plan.cells))
    result = run_study(dataset, plan, vectors, on_update=progress, keep_in=args.out,
                       on_keep_error=lambda error: print(f"warning: {error}", file=sys.stderr))
    if result.resumed:
        print(f"resumed: {result.resumed} cells were kept in {args.out}; trained the other "
              f"{len(result.cells) - result.resumed}", file=sys.stderr)
    sentences = reading(result)
    data = {"headline": headline(result), "reading": sentences, **result.to_json()}
    lines = [f"{'rows':>8}  {'embedding':<16} {'accuracy':>8}"]
    for cell in data["cells"]:
        lines.append(f"{cell['size']:>8,}  {cell['embedding']:<16} {cell['accuracy']:>8.3f}")
    for baseline in data["baselines"]:
        lines.append(f"{baseline['size']:>8,}  {baseline['name']:<16} {baseline['accuracy']:>8.3f}  (baseline)")
    return data, "\n".join(lines + ["", data["headline"], ""] + sentences)

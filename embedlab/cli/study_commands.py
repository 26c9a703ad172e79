"""``python -m embedlab study DATA …``: when do pre-trained embeddings pay, on DATA.

Sizes × embeddings × seeds, one encoder, one fixed test set; every cell a job (so the
process and Ray backends run cells in parallel), progress on stderr, the two
baselines at every size. ``--json`` prints ``{"cells": […], "baselines": […], …}``.
"""

from __future__ import annotations

import sys

from embedlab.cli.options import add_data_arguments, add_json_flag, add_vectors_flag, dataset_from, vectors_from
from embedlab.errors import EmbedLabError
from embedlab.models.architecture import EMBEDDING_KINDS, ENCODERS


def add_commands(subparsers) -> None:
    """Register ``study``."""
    parser = subparsers.add_parser(
        "study", help="accuracy against training rows for each embedding choice, with baselines",
        description="Train the same model on growing numbers of DATA's rows with each embedding choice and "
                    "several seeds, all tested on one fixed held-out set, beside two logistic-regression "
                    "baselines; then say what the numbers show.",
    )
    add_data_arguments(parser)
    parser.add_argument("--sizes", default="100,300,1000,3000,all", type=_sizes,
                        help="training rows per cell, comma separated; 'all' = every row not held out "
                             "(default: 100,300,1000,3000,all)")
    parser.add_argument("--embeddings", default=",".join(EMBEDDING_KINDS), type=_embeddings,
                        help=f"comma separated, from {', '.join(EMBEDDING_KINDS)} (default: all three)")
    parser.add_argument("--seeds", type=int, default=3, help="seeds per size and embedding (default: 3)")
    parser.add_argument("--encoder", choices=ENCODERS, default="pooling", help="(default: pooling)")
    parser.add_argument("--test-size", type=int, default=None, metavar="N",
                        help="rows in the fixed test set (default: the study's own choice for this dataset)")
    parser.add_argument("--epochs", type=int, default=None, help="epochs at most per cell (early stopping on)")
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

    if args.seeds < 1:
        raise EmbedLabError(f"--seeds {args.seeds} is out of range; use 1 or more")
    dataset = dataset_from(args)
    options = {"sizes": args.sizes, "embeddings": args.embeddings, "seeds": args.seeds, "encoder": args.encoder}
    if args.test_size is not None:
        options["test_size"] = args.test_size
    if args.epochs is not None:
        options["epochs"] = args.epochs
    plan = StudyPlan(**options)
    cell_plan = plan_cells(dataset, plan)  # a plan that does not fit the data fails before anything loads
    # The mean-vector baseline needs the vectors even when only random embeddings are studied.
    vectors = vectors_from(args)
    print(f"study: {len(cell_plan.cells)} cells on {dataset.name}, test set {len(cell_plan.test_rows):,} rows",
          file=sys.stderr)
    for note in cell_plan.notes:
        print(f"note: {note}", file=sys.stderr)
    result = run_study(dataset, plan, vectors, on_update=CellProgress(len(cell_plan.cells)))
    sentences = reading(result)
    data = {**result.to_json(), "reading": sentences}
    lines = [f"{'rows':>8}  {'embedding':<16} {'accuracy':>8}"]
    for cell in data["cells"]:
        lines.append(f"{cell['size']:>8,}  {cell['embedding']:<16} {cell['accuracy']:>8.3f}")
    for baseline in data["baselines"]:
        lines.append(f"{baseline['size']:>8,}  {baseline['name']:<16} {baseline['accuracy']:>8.3f}  (baseline)")
    return data, "\n".join(lines + [""] + sentences)

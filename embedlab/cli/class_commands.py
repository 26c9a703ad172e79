"""``python -m embedlab class create|join|board|study``, and what ``train --class CODE --student NAME`` adds.

Classes live in the run storage (``$EMBEDLAB_RUNS_DIR``, ``./runs`` unless set; ``--runs`` names
another, a folder or ``s3://bucket/prefix``), where the app finds them too.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

from embedlab.cli import add_command
from embedlab.cli.options import add_data_arguments, add_vectors_flag, dataset_from, vectors_from
from embedlab.errors import EmbedLabError
from embedlab.models.architecture import EMBEDDING_KINDS


def _add_runs_flag(parser, flag: str = "--runs") -> None:
    parser.add_argument(flag, dest="class_runs", default=None, metavar="DIR",
                        help="the run storage the class lives in (default: $EMBEDLAB_RUNS_DIR, else ./runs)")


def _store(args):
    from embedlab.classes.store import ClassStore

    return ClassStore(args.class_runs)


def add_commands(subparsers) -> None:
    """Register ``class`` and its subcommands."""
    group = subparsers.add_parser("class", help="make a class, join it, read its board, start its study",
                                  description="A class: one dataset and test split for every member, and a board.")
    commands = group.add_subparsers(dest="class_command", required=True, metavar="SUBCOMMAND")
    parser = add_command(commands, "create", create_command, help="start a class on DATA; prints its code",
                         description="Start a class on DATA: prints its code (for students) and the instructor key "
                                     "(for the board page; shown once).")
    add_data_arguments(parser)
    parser.add_argument("--max-members", type=int, default=60, help="members the class takes (default: 60)")
    _add_runs_flag(parser)
    parser = add_command(commands, "join", join_command, help="join class CODE as NAME")
    parser.add_argument("code", metavar="CODE")
    parser.add_argument("name", metavar="NAME", help="the display name the class sees")
    _add_runs_flag(parser)
    parser = add_command(commands, "board", board_command, help="the class's runs, best test accuracy first")
    parser.add_argument("code", metavar="CODE")
    _add_runs_flag(parser)
    parser = add_command(commands, "study", study_command, help="start the class's study (with --key), or read it",
                         description="With --key and --sizes: start a study (sizes × embeddings × seeds) whose "
                                     "cells members' Class pages train. Without: print the study so far and its "
                                     "reading.")
    parser.add_argument("code", metavar="CODE")
    parser.add_argument("--key", default=None, help="the instructor key (needed to start a study)")
    parser.add_argument("--sizes", default=None, help="training sizes, e.g. 40,120 (starts a study)")
    parser.add_argument("--embeddings", default=",".join(EMBEDDING_KINDS),
                        help=f"comma-separated among {', '.join(EMBEDDING_KINDS)} (default: all)")
    parser.add_argument("--seeds", type=int, default=1, help="(default: 1)")
    parser.add_argument("--epochs", type=int, default=None, help="per cell (default: the Study tab's)")
    add_vectors_flag(parser)  # the GloVe of the mean-vector baseline
    _add_runs_flag(parser)


def add_class_arguments(parser) -> None:
    """``train``'s ``--class CODE --student NAME``: a member's run on the class's split, put on its board."""
    parser.add_argument("--class", dest="class_code", default=None, metavar="CODE",
                        help="train as a member of class CODE: on its dataset and shared test rows, listed on "
                             "its board (with --student)")
    parser.add_argument("--student", default=None, metavar="NAME",
                        help="the member's display name (joins the class if nobody has it yet)")
    _add_runs_flag(parser, "--class-runs")


@dataclass
class ClassTraining:
    """A ``train --class`` run: the class, the student, and the rows the training must use."""

    record: object
    student: str
    store: object

    @property
    def rows(self) -> dict:
        from embedlab.classes.board import class_rows

        return class_rows(self.record)

    def put_on_board(self, run) -> dict:
        from embedlab.classes.board import record_run

        row = record_run(self.record, self.student, run, store=self.store)
        return {"code": self.record.code, "student": row.student, "accuracy": row.accuracy,
                "test_rows": row.test_rows}


def class_training(args: argparse.Namespace, dataset) -> ClassTraining | None:
    """The class ``train`` trains for (None without ``--class``); EmbedLabError when DATA is not its dataset."""
    from embedlab.classes.records import find_member, join_class, load_class

    if args.class_code is None:
        if args.student is not None:
            raise EmbedLabError("--student names a class member; give --class CODE too")
        return None
    if not args.student:
        raise EmbedLabError("--class needs --student NAME: the display name the class board shows")
    store = _store(args)
    record = load_class(args.class_code, store=store)
    if dataset.fingerprint != record.dataset_fingerprint:
        raise EmbedLabError(f"DATA is not class {record.code}'s dataset ('{record.dataset_name}', "
                            f"{record.dataset_rows:,} rows); give the same data the class was made with")
    member = find_member(record, args.student, store=store) or join_class(record, args.student, store=store)[0]
    return ClassTraining(record, member.name, store)


def create_command(args: argparse.Namespace) -> tuple[dict, str]:
    from embedlab.classes.records import create_class

    record, key = create_class(dataset_from(args), max_members=args.max_members, store=_store(args))
    result = {"code": record.code, "instructor_key": key, "dataset": record.dataset_name,
              "rows": record.dataset_rows, "test_rows": len(record.test_rows), "max_members": record.max_members,
              "join": f"?class={record.code}", "board": f"class-board?class={record.code}&key={key}"}
    text = (f"class {record.code} on {record.dataset_name} ({record.dataset_rows:,} rows, "
            f"{len(record.test_rows):,} shared test rows)\n"
            f"students join with the code {record.code} (the app's Class page, or ?class={record.code})\n"
            f"instructor key (keep it; shown once): {key}")
    return result, text


def join_command(args: argparse.Namespace) -> tuple[dict, str]:
    from embedlab.classes.records import join_class, load_class

    store = _store(args)
    record = load_class(args.code, store=store)
    member, key = join_class(record, args.name, store=store)
    return ({"code": record.code, "student": member.name, "member_key": key},
            f"joined class {record.code} as {member.name}; in the app, open class?class={record.code}&member={key} "
            "to train as this member")


def board_command(args: argparse.Namespace) -> tuple[dict, str]:
    from embedlab.classes.board import board_json, read_board
    from embedlab.classes.records import load_class

    store = _store(args)
    record = load_class(args.code, store=store)
    rows = read_board(record, store=store)
    lines = [f"class {record.code}: {len(rows)} run(s) on {len(record.test_rows):,} shared test rows"]
    for place, row in enumerate(rows, 1):
        accuracy = "—" if row.accuracy is None else f"{row.accuracy:.4f}"
        lines.append(f"{place:>3}. {row.student:<20} {accuracy}  {row.embedding} {row.encoder}  {row.run}")
    return board_json(record, rows), "\n".join(lines)


def study_command(args: argparse.Namespace) -> tuple[dict, str]:
    from embedlab.classes.records import load_class
    from embedlab.classes.study import start_class_study, study_json
    from embedlab.models.study.cells import StudyPlan
    from embedlab.models.study.reading import reading

    store = _store(args)
    record = load_class(args.code, store=store)
    if args.sizes is not None:
        if not record.is_instructor(args.key):
            raise EmbedLabError(f"starting a study of class {record.code} needs its instructor key: give --key KEY "
                                "(printed by class create)")
        try:
            sizes = tuple(int(part) for part in args.sizes.split(",") if part.strip())
        except ValueError:
            raise EmbedLabError(f"--sizes '{args.sizes}' is not a list of whole numbers; write e.g. 40,120") from None
        embeddings = tuple(part.strip() for part in args.embeddings.split(",") if part.strip())
        plan = StudyPlan(sizes=sizes, embeddings=embeddings, seeds=args.seeds, encoder="pooling", epochs=args.epochs)
        start_class_study(record, plan, vectors_from(args), store=store)
    data = study_json(record, store=store)
    if data is None:
        raise EmbedLabError(f"class {record.code} has no study yet; start one with --key KEY --sizes 40,120")
    sentences = reading(data)
    text = "\n".join([f"class {record.code} study: {len(data['cells'])} of {data['planned_cells']} cells finished, "
                      f"{data['training']} training now", *sentences])
    return {**data, "reading": sentences}, text

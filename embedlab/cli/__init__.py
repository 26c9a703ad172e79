"""``python -m embedlab``: every capability of the app, headless.

Each command group lives in its own module exposing ``add_commands(subparsers)``;
a command's handler returns a JSON-able result and a text rendering of it. Bad input
(an EmbedLabError) prints one line to stderr and exits with code 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from functools import partial
from importlib import import_module

from embedlab.errors import EmbedLabError
from embedlab.jsonable import jsonable

COMMAND_MODULES = (
    "embedlab.cli.vector_commands",
    "embedlab.cli.export_commands",
    "embedlab.cli.dataset_commands",
    "embedlab.cli.training_commands",
    "embedlab.cli.projection_commands",
    "embedlab.cli.prediction_commands",
    "embedlab.cli.study_commands",
    "embedlab.cli.class_commands",
    "embedlab.cli.serve_commands",
)


def add_command(subparsers, name: str, handler, **parser_options) -> argparse.ArgumentParser:
    """The parser of command ``name``, run by ``handler``, with the ``--json`` flag every command has.

    ``parser_options`` (help, description) go to ``add_parser``; the command's own arguments
    are added to the parser returned.
    """
    from embedlab.cli.options import add_json_flag

    parser = subparsers.add_parser(name, **parser_options)
    parser.set_defaults(handler=handler)
    add_json_flag(parser)
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m embedlab", description="EmbedLab from the command line.")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        import_module(module_name).add_commands(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        result, text = args.handler(args)
    except EmbedLabError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    if getattr(args, "json", False):  # numpy values as numbers; anything else JSON cannot hold as its str
        print(json.dumps(result, indent=2, ensure_ascii=False, default=partial(jsonable, fallback=str)))
    elif text:
        print(text)
    return 0


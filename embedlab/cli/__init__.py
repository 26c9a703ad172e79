"""``python -m embedlab``: every capability of the app, headless.

Each command group lives in its own module exposing ``add_commands(subparsers)``;
a command's handler returns a JSON-able result and a text rendering of it. Bad input
(an EmbedLabError) prints one line to stderr and exits with code 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from importlib import import_module

from embedlab.errors import EmbedLabError

COMMAND_MODULES = (
    "embedlab.cli.vector_commands",
    "embedlab.cli.export_commands",
    "embedlab.cli.dataset_commands",
    "embedlab.cli.training_commands",
    "embedlab.cli.projection_commands",
    "embedlab.cli.prediction_commands",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m embedlab", description="EmbedLab from the command line.")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        import_module(module_name).add_commands(subparsers)
    return parser


def add_json_flag(parser: argparse.ArgumentParser) -> None:
    """Every command takes --json for machine-readable output."""
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


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
    if getattr(args, "json", False):
        print(json.dumps(result, indent=2, ensure_ascii=False, default=_jsonable))
    elif text:
        print(text)
    return 0


def _jsonable(value):
    if hasattr(value, "tolist"):
        return value.tolist()
    return str(value)


def add_vectors_flag(parser: argparse.ArgumentParser) -> None:
    """``--vectors SPEC`` for commands that use word vectors; pass ``args.vectors`` to ``vector_io.load_vectors``."""
    parser.add_argument(
        "--vectors", default="glove-6b-50d", metavar="SPEC",
        help="'glove-6b-50d' (built in, the default) or the path of a GloVe/word2vec text or binary file, "
             "or of a Projector vectors.tsv with metadata.tsv beside it",
    )
